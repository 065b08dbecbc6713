#ifndef PINCEL_FLOW_H
#define PINCEL_FLOW_H

// A C interface to OpenCV's DIS optical flow (Kroeger et al. 2016) for Pincel's video
// transfer. Every C++ exception is caught here and becomes a status code and a message.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pincel_flow pincel_flow;

enum {
    PINCEL_FLOW_OK = 0,
    PINCEL_FLOW_BAD_ARGUMENT = 1,
    PINCEL_FLOW_OPENCV_ERROR = 2,
    PINCEL_FLOW_OUT_OF_MEMORY = 3,
};

// Makes a DIS flow object. preset: 0 ultrafast, 1 fast, 2 medium. On failure returns a
// status, sets *out to NULL and writes a message (NUL-terminated) into message.
int pincel_flow_create(int preset, pincel_flow **out, char *message, size_t message_size);

// Frees a flow object; NULL is allowed.
void pincel_flow_destroy(pincel_flow *flow);

// Dense flow from grey frame `from` to grey frame `to` (8-bit, width*height bytes, rows
// contiguous): for each pixel p of `from`, (dx, dy) such that from(p) ~ to(p + (dx, dy)).
// `flow` receives width*height*2 floats, interleaved dx, dy, row by row.
int pincel_flow_compute(pincel_flow *flow, const uint8_t *from, const uint8_t *to,
                        int width, int height, float *out_flow, char *message, size_t message_size);

#ifdef __cplusplus
}
#endif

#endif
