/*
 * One memory store and one session manager shared by many threads
 * (concurrency.h): sessions created concurrently never collide and are never
 * lost, versioned saves from many threads lose no increment, and one refresh
 * token presented by every thread at once has exactly one winner. The same
 * checks run on Redis in redis.c.
 *
 *   session_threads [THREADS [ROUNDS]]     defaults: 8 threads, 200 rounds
 */
#define _POSIX_C_SOURCE 200809L /* pthread barriers */

#include "concurrency.h"

int main(int argc, char **argv)
{
    int nthreads = argc > 1 ? atoi(argv[1]) : 8;
    int rounds = argc > 2 ? atoi(argv[2]) : 200;
    if (nthreads < 2 || nthreads > CONC_MAX_THREADS || rounds < 1) {
        fprintf(stderr, "usage: %s [THREADS (2-%d) [ROUNDS]]\n", argv[0], CONC_MAX_THREADS);
        return 2;
    }
    tessera_store *store = NULL;
    OK(tessera_memory_store_new(TESSERA_UNSET, TESSERA_UNSET, &store));
    if (check_failures)
        return 1;
    int failures = concurrent_sessions(store, nthreads, rounds);
    failures += concurrent_refresh(store, nthreads, rounds / 10 + 1);
    tessera_store_free(store);
    if (failures || check_failures) {
        printf("session_threads: %d failures\n", failures + check_failures);
        return 1;
    }
    printf("session_threads: %d threads on one memory store, all as expected\n", nthreads);
    return 0;
}
