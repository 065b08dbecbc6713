// Thin shim over oneDNN's C API (Debian libdnnl-dev 2.6). Internal to Pincel.
#ifndef PINCEL_CDNNL_SHIM_H
#define PINCEL_CDNNL_SHIM_H
#include <oneapi/dnnl/dnnl.h>
#include <dlfcn.h>
#include <stdint.h>

/// `DNNL_MEMORY_ALLOCATE` is a pointer-valued macro Swift cannot import.
static inline void *pincel_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }

/// oneDNN here runs on OpenMP (libgomp, loaded with libdnnl). Sets its thread count;
/// returns 0 when the OpenMP runtime is not found.
static inline int pincel_omp_set_num_threads(int n) {
    void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (!set) return 0;
    set(n);
    return 1;
}

/// The OpenMP runtime's current maximum thread count, or 0 when it is not found.
static inline int pincel_omp_get_max_threads(void) {
    int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_max_threads");
    return get ? get() : 0;
}
/// Runs `fn(data)` on `threads` OpenMP threads (the calling thread among them), in the same
/// thread pool as oneDNN's own parallel regions, and returns when all have; returns 0 (and
/// runs nothing) when the OpenMP runtime is not found. Each call learns its index from
/// `pincel_omp_thread_num`.
static inline int pincel_omp_parallel(void (*fn)(void *), void *data, unsigned threads) {
    void (*parallel)(void (*)(void *), void *, unsigned, unsigned) =
        (void (*)(void (*)(void *), void *, unsigned, unsigned))dlsym(RTLD_DEFAULT, "GOMP_parallel");
    if (!parallel) return 0;
    parallel(fn, data, threads, 0);
    return 1;
}

/// The calling thread's index in the current OpenMP parallel region (0 outside one).
static inline int pincel_omp_thread_num(void) {
    int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_thread_num");
    return get ? get() : 0;
}

/// The number of threads of the current OpenMP parallel region (1 outside one).
static inline int pincel_omp_num_threads(void) {
    int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_num_threads");
    return get ? get() : 1;
}
#endif
