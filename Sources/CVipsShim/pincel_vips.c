#include "pincel_vips.h"
#include <pthread.h>
#include <string.h>

static pthread_once_t pincel_once = PTHREAD_ONCE_INIT;
static int pincel_init_status = -1;

static GMutex pincel_warning_lock;
static char pincel_last_warning[256];
static gboolean pincel_show_warnings = FALSE;

/* Receives GLib log messages (libvips, libtiff, libpng and libjpeg warnings come through here):
 * keeps the last one, for failures that leave libvips's error buffer empty, and drops it
 * unless PINCEL_VIPS_WARNINGS is set. Fatal errors are always printed (they abort anyway). */
static void pincel_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    if (message != NULL && (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL))) {
        g_mutex_lock(&pincel_warning_lock);
        g_strlcpy(pincel_last_warning, message, sizeof pincel_last_warning);
        g_mutex_unlock(&pincel_warning_lock);
    }
    if (pincel_show_warnings || (level & G_LOG_LEVEL_ERROR)) g_log_default_handler(domain, level, message, data);
}

size_t pincel_take_last_warning(char *buffer, size_t size) {
    g_mutex_lock(&pincel_warning_lock);
    size_t n = g_strlcpy(buffer, pincel_last_warning, size);
    pincel_last_warning[0] = 0;
    g_mutex_unlock(&pincel_warning_lock);
    return n < size ? n : size - 1;
}

static void pincel_do_init(void) {
    /* Decoder warnings ("TIFFReadDirectory: unknown field", "read gave 2 warnings", ...) would
     * go raw to stderr; every failure reaches the user as one line instead. */
    pincel_show_warnings = g_getenv("PINCEL_VIPS_WARNINGS") != NULL;
    GLogLevelFlags quiet = G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE
        | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG;
    g_log_set_handler("VIPS", quiet, pincel_log, NULL);
    g_log_set_handler("GLib", quiet, pincel_log, NULL);
    g_log_set_handler("GLib-GObject", quiet, pincel_log, NULL);
    g_log_set_default_handler(pincel_log, NULL);
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

/* Files are opened as sources, never by name: vips_image_new_from_file and
 * vips_foreign_find_load read "[...]" at the end of a name as load options, so a photo
 * named "photo[1].jpg" would not load (or would load with options a file name chose). */
VipsImage *pincel_open(const char *path, int sequential) {
    VipsSource *source = vips_source_new_from_file(path);
    if (source == NULL) return NULL;
    VipsImage *image = vips_image_new_from_source(source, "",
        "access", sequential ? VIPS_ACCESS_SEQUENTIAL : VIPS_ACCESS_RANDOM,
        "fail_on", VIPS_FAIL_ON_TRUNCATED,
        NULL);
    g_object_unref(source);
    return image;
}

const char *pincel_find_loader_nickname(const char *path) {
    VipsSource *source = vips_source_new_from_file(path);
    if (source == NULL) return NULL;
    const char *type_name = vips_foreign_find_load_source(source);
    g_object_unref(source);
    if (type_name == NULL) return NULL;
    GType type = g_type_from_name(type_name);
    if (type == 0) return type_name;
    VipsObjectClass *klass = VIPS_OBJECT_CLASS(g_type_class_ref(type));
    const char *nickname = klass->nickname;
    g_type_class_unref(klass);
    return nickname;
}

int pincel_orientation(VipsImage *in) {
    int value = 1;
    if (vips_image_get_typeof(in, VIPS_META_ORIENTATION) == 0) return 1;
    if (vips_image_get_int(in, VIPS_META_ORIENTATION, &value) != 0) {
        vips_error_clear();
        return 1;
    }
    return (value >= 1 && value <= 8) ? value : 1;
}

int pincel_has_icc(VipsImage *in) {
    return vips_image_get_typeof(in, VIPS_META_ICC_NAME) != 0;
}

int pincel_autorot(VipsImage *in, VipsImage **out) {
    return vips_autorot(in, out, NULL);
}

int pincel_icc_to_srgb(VipsImage *in, VipsImage **out, const char *input_profile, int depth) {
    if (input_profile != NULL) {
        return vips_icc_transform(in, out, "srgb",
            "embedded", TRUE, "input_profile", input_profile,
            "intent", VIPS_INTENT_PERCEPTUAL, "depth", depth, NULL);
    }
    return vips_icc_transform(in, out, "srgb",
        "embedded", TRUE, "intent", VIPS_INTENT_PERCEPTUAL, "depth", depth, NULL);
}

int pincel_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space) {
    return vips_colourspace(in, out, space, NULL);
}

int pincel_cast(VipsImage *in, VipsImage **out, VipsBandFormat format) {
    return vips_cast(in, out, format, NULL);
}

int pincel_flatten_white(VipsImage *in, VipsImage **out, double max_alpha) {
    double white[3] = { max_alpha, max_alpha, max_alpha };
    int n = in->Bands >= 4 ? 3 : 1;
    VipsArrayDouble *background = vips_array_double_new(white, n);
    int status = vips_flatten(in, out, "background", background, "max_alpha", max_alpha, NULL);
    vips_area_unref(VIPS_AREA(background));
    return status;
}

int pincel_extract_bands(VipsImage *in, VipsImage **out, int first, int n) {
    return vips_extract_band(in, out, first, "n", n, NULL);
}

int pincel_resize(VipsImage *in, VipsImage **out, double hscale, double vscale) {
    return vips_resize(in, out, hscale, "vscale", vscale, "kernel", VIPS_KERNEL_LANCZOS3, NULL);
}

int pincel_srgb_profile(void **data, size_t *length) {
    VipsBlob *blob = NULL;
    if (vips_profile_load("srgb", &blob, NULL) != 0) return -1;
    if (blob == NULL) {
        vips_error("pincel", "%s", "libvips has no built-in sRGB profile");
        return -1;
    }
    size_t n = 0;
    const void *bytes = vips_blob_get(blob, &n);
    *data = g_memdup2(bytes, n);
    *length = n;
    vips_area_unref(VIPS_AREA(blob));
    return 0;
}

int pincel_pngsave(VipsImage *in, const char *path, int bitdepth) {
    return vips_pngsave(in, path, "bitdepth", bitdepth, "compression", 6, NULL);
}

int pincel_jpegsave(VipsImage *in, const char *path, int quality) {
    return vips_jpegsave(in, path, "Q", quality, NULL);
}

int pincel_webpsave(VipsImage *in, const char *path, int quality) {
    return vips_webpsave(in, path, "Q", quality, NULL);
}

int pincel_tiffsave(VipsImage *in, const char *path) {
    return vips_tiffsave(in, path, "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE, NULL);
}

int pincel_text(VipsImage **out, const char *text, int width, int dpi) {
    return vips_text(out, text, "width", width, "dpi", dpi, "align", VIPS_ALIGN_CENTRE, NULL);
}

int pincel_arrayjoin(VipsImage **in, VipsImage **out, int n, int across, int shim) {
    double white[3] = { 255, 255, 255 };
    VipsArrayDouble *background = vips_array_double_new(white, 3);
    int status = vips_arrayjoin(in, out, n, "across", across, "shim", shim,
        "background", background, "halign", VIPS_ALIGN_CENTRE, "valign", VIPS_ALIGN_CENTRE, NULL);
    vips_area_unref(VIPS_AREA(background));
    return status;
}

int pincel_embed_white(VipsImage *in, VipsImage **out, int width, int height) {
    double white[3] = { 255, 255, 255 };
    VipsArrayDouble *background = vips_array_double_new(white, in->Bands >= 3 ? 3 : 1);
    int status = vips_gravity(in, out, VIPS_COMPASS_DIRECTION_CENTRE, width, height,
        "extend", VIPS_EXTEND_BACKGROUND, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return status;
}

int pincel_embed_white_at(VipsImage *in, VipsImage **out, int x, int y, int width, int height) {
    double white[3] = { 255, 255, 255 };
    VipsArrayDouble *background = vips_array_double_new(white, in->Bands >= 3 ? 3 : 1);
    int status = vips_embed(in, out, x, y, width, height,
        "extend", VIPS_EXTEND_BACKGROUND, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return status;
}

int pincel_join_vertical(VipsImage *top, VipsImage *bottom, VipsImage **out) {
    double white[3] = { 255, 255, 255 };
    VipsArrayDouble *background = vips_array_double_new(white, 3);
    int status = vips_join(top, bottom, out, VIPS_DIRECTION_VERTICAL,
        "expand", TRUE, "align", VIPS_ALIGN_CENTRE, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return status;
}

int pincel_linear1(VipsImage *in, VipsImage **out, double a, double b) {
    return vips_linear1(in, out, a, b, NULL);
}

int pincel_set_interpretation(VipsImage *in, VipsImage **out, VipsInterpretation interpretation) {
    return vips_copy(in, out, "interpretation", interpretation, NULL);
}
