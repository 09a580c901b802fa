/*
 * malloc_count: an LD_PRELOAD shim that counts heap allocations, for the
 * memory rows of bench/run (allocations per operation through every binding).
 *
 *   gcc -O2 -shared -fPIC -o libmalloc_count.so malloc_count.c
 *   MALLOC_COUNT_OUT=/tmp/counts LD_PRELOAD=./libmalloc_count.so prog ...
 *
 * Every malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign and
 * valloc of the process (Rust's System allocator, CPython's, libuv's, ...)
 * goes through here to glibc's __libc_* functions, so no dlsym bootstrap is
 * needed. At exit the totals are written to $MALLOC_COUNT_OUT (or stderr):
 *
 *   allocs <n>        calls that allocated (realloc counts when it moves or grows from NULL)
 *   bytes <n>         bytes requested by those calls
 *   frees <n>         free() of a non-NULL pointer
 *
 * A program in C, or Python through ctypes, can read the live totals instead
 * with malloc_count_snapshot(). Node cannot call C without an addon, so the
 * harness runs N1 and N2 operations in two processes and divides the
 * difference of the totals by N2 - N1; whatever start-up allocates cancels.
 * Counters are relaxed atomics: exact, and cheap enough for a benchmark.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static _Atomic unsigned long long n_allocs, n_bytes, n_frees;

static inline void count(size_t size) {
    atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&n_bytes, size, memory_order_relaxed);
}

void *malloc(size_t size) { count(size); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { count(n * size); return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) {
    if (!p || size) count(size);
    return __libc_realloc(p, size);
}
void free(void *p) {
    if (p) atomic_fetch_add_explicit(&n_frees, 1, memory_order_relaxed);
    __libc_free(p);
}
void *memalign(size_t align, size_t size) { count(size); return __libc_memalign(align, size); }
void *aligned_alloc(size_t align, size_t size) { count(size); return __libc_memalign(align, size); }
void *valloc(size_t size) { count(size); return __libc_memalign(4096, size); }
int posix_memalign(void **out, size_t align, size_t size) {
    if (align < sizeof(void *) || (align & (align - 1))) return EINVAL;
    count(size);
    void *p = __libc_memalign(align, size);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

/* Live totals: out[0] = allocs, out[1] = bytes, out[2] = frees. */
void malloc_count_snapshot(unsigned long long out[3]) {
    out[0] = atomic_load(&n_allocs);
    out[1] = atomic_load(&n_bytes);
    out[2] = atomic_load(&n_frees);
}

__attribute__((destructor)) static void report(void) {
    const char *path = getenv("MALLOC_COUNT_OUT");
    FILE *f = path ? fopen(path, "w") : stderr;
    if (!f) return;
    fprintf(f, "allocs %llu\nbytes %llu\nfrees %llu\n", atomic_load(&n_allocs),
            atomic_load(&n_bytes), atomic_load(&n_frees));
    if (f != stderr) fclose(f);
}
