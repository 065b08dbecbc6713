#include "pincel_vips.h"
#include <pthread.h>

static pthread_once_t pincel_once = PTHREAD_ONCE_INIT;
static int pincel_init_status = -1;

static void pincel_do_init(void) {
    pincel_init_status = VIPS_INIT("pincel");
    if (pincel_init_status == 0) {
        vips_block_untrusted_set(TRUE);
        vips_concurrency_set(1);
    }
}

int pincel_vips_init(void) {
    pthread_once(&pincel_once, pincel_do_init);
    return pincel_init_status;
}
