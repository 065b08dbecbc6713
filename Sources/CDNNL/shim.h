// Thin shim over oneDNN's C API (Debian libdnnl-dev 2.6). Internal to Pincel.
#ifndef PINCEL_CDNNL_SHIM_H
#define PINCEL_CDNNL_SHIM_H
#include <oneapi/dnnl/dnnl.h>
#include <stdint.h>

/// `DNNL_MEMORY_ALLOCATE` is a pointer-valued macro Swift cannot import.
static inline void *pincel_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }
/// `DNNL_MEMORY_NONE` likewise.
static inline void *pincel_dnnl_memory_none(void) { return DNNL_MEMORY_NONE; }
#endif
