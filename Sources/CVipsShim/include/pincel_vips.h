// C wrappers for libvips calls Swift cannot make directly (varargs, macros).
// Internal to Pincel: only Sources/Pincel/Imaging uses these.
#ifndef PINCEL_VIPS_H
#define PINCEL_VIPS_H
#include <vips/vips.h>

/// Initialises libvips once (thread-safe) and blocks untrusted loaders. Returns 0 on success.
int pincel_vips_init(void);
#endif
