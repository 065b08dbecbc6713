// Thin shim over libvips (Debian libvips-dev 8.14). Internal to Pincel.
#ifndef PINCEL_CVIPS_SHIM_H
#define PINCEL_CVIPS_SHIM_H
#include <vips/vips.h>
#endif
