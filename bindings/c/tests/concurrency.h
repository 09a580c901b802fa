/*
 * Concurrency checks on one store shared by threads, used by
 * session_threads.c (memory store) and redis.c (standalone Redis and Redis
 * Cluster):
 *
 *   concurrent_sessions  THREADS threads share one session manager: each
 *                        creates ROUNDS sessions (no id may repeat, none may
 *                        be lost) and all of them increment one shared
 *                        counter by load + versioned save, reloading on
 *                        SESSION_CONFLICT: the final count is exact, so no
 *                        save was silently lost.
 *   concurrent_refresh   THREADS threads present the same refresh token at
 *                        the same moment (a barrier), ROUNDS times: exactly
 *                        one gets a new token, the others
 *                        REFRESH_TOKEN_REUSED, and the winner's token is dead
 *                        afterwards (the family is revoked).
 *
 * Include after check.h; link with -lpthread.
 */
#ifndef TESSERA_TEST_CONCURRENCY_H
#define TESSERA_TEST_CONCURRENCY_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#define CONC_MAX_THREADS 64

static pthread_mutex_t conc_lock = PTHREAD_MUTEX_INITIALIZER;
static int conc_failures;

static void conc_fail(const char *what, uint32_t status)
{
    pthread_mutex_lock(&conc_lock);
    fprintf(stderr, "concurrency: %s: %s (%s)\n", what, tessera_status_str(status),
            status ? tessera_last_error_message() : "ok");
    conc_failures++;
    pthread_mutex_unlock(&conc_lock);
}

/* ---- many sessions, one counter */

typedef struct {
    const tessera_session_manager *manager;
    const char *counter_id;
    int rounds;
    char **ids; /* this thread's created ids, `rounds` of them */
    int conflicts;
} sessions_job;

static void *sessions_worker(void *arg)
{
    sessions_job *job = arg;
    const tessera_session_manager *m = job->manager;
    size_t counter_len = strlen(job->counter_id);
    for (int r = 0; r < job->rounds; r++) {
        char data[64];
        snprintf(data, sizeof data, "{\"round\":%d}", r);
        uint32_t st = tessera_session_manager_create(m, data, "conc-user", &job->ids[r]);
        if (st != TESSERA_STATUS_OK) {
            conc_fail("create", st);
            return NULL;
        }
        /* Increment the shared counter: load, +1, save at the loaded version. */
        for (int attempt = 0;; attempt++) {
            bool found = false;
            tessera_session *s = NULL;
            st = tessera_session_manager_load(m, (const uint8_t *)job->counter_id, counter_len,
                                              &found, &s);
            if (st != TESSERA_STATUS_OK || !found) {
                conc_fail("load counter", st);
                return NULL;
            }
            long n = strtol(tessera_session_data(s) + strlen("{\"n\":"), NULL, 10);
            uint64_t version = tessera_session_version(s), new_version = 0;
            tessera_session_free(s);
            snprintf(data, sizeof data, "{\"n\":%ld}", n + 1);
            st = tessera_session_manager_save(m, (const uint8_t *)job->counter_id, counter_len,
                                              data, version, &new_version);
            if (st == TESSERA_STATUS_OK) {
                if (new_version != version + 1)
                    conc_fail("save version", st);
                break;
            }
            if (st != TESSERA_STATUS_SESSION_CONFLICT || attempt > 10000) {
                conc_fail("save counter", st);
                return NULL;
            }
            job->conflicts++;
        }
    }
    return NULL;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the number of failures. */
static int concurrent_sessions(const tessera_store *store, int nthreads, int rounds)
{
    if (nthreads < 1 || nthreads > CONC_MAX_THREADS || rounds < 1)
        return 1;
    conc_failures = 0;
    tessera_session_manager *m = NULL;
    char *counter = NULL;
    OK(tessera_session_manager_new(store, 600000, TESSERA_UNSET, &m));
    OK(tessera_session_manager_create(m, "{\"n\":0}", NULL, &counter));
    if (check_failures)
        return check_failures;
    sessions_job jobs[CONC_MAX_THREADS];
    pthread_t threads[CONC_MAX_THREADS];
    char **all = calloc((size_t)nthreads * (size_t)rounds, sizeof *all);
    for (int i = 0; i < nthreads; i++) {
        jobs[i] = (sessions_job){m, counter, rounds, all + (size_t)i * (size_t)rounds, 0};
        if (pthread_create(&threads[i], NULL, sessions_worker, &jobs[i]) != 0)
            abort();
    }
    int conflicts = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(threads[i], NULL);
        conflicts += jobs[i].conflicts;
    }
    /* Every save counted, every id distinct and loadable. */
    bool found = false;
    tessera_session *s = NULL;
    OK(tessera_session_manager_load(m, (const uint8_t *)counter, strlen(counter), &found, &s));
    char want[64];
    snprintf(want, sizeof want, "{\"n\":%d}", nthreads * rounds);
    CHECK(found && strcmp(tessera_session_data(s), want) == 0);
    CHECK(tessera_session_version(s) == (uint64_t)nthreads * (uint64_t)rounds);
    tessera_session_free(s);
    size_t total = (size_t)nthreads * (size_t)rounds;
    size_t created = 0;
    for (size_t i = 0; i < total; i++)
        created += all[i] != NULL;
    CHECK(created == total);
    if (created == total) {
        qsort(all, total, sizeof *all, compare_strings);
        for (size_t i = 1; i < total; i++)
            CHECK(strcmp(all[i - 1], all[i]) != 0);
        for (size_t i = 0; i < total; i += total / 16 + 1) {
            OK(tessera_session_manager_load(m, (const uint8_t *)all[i], strlen(all[i]), &found,
                                            &s));
            CHECK(found);
            tessera_session_free(s);
        }
    }
    uint64_t destroyed = 0;
    OK(tessera_session_manager_destroy_user(m, "conc-user", &destroyed));
    CHECK(destroyed == created);
    for (size_t i = 0; i < total; i++)
        tessera_string_free(all[i]);
    free(all);
    bool gone = false;
    OK(tessera_session_manager_destroy(m, (const uint8_t *)counter, strlen(counter), &gone));
    tessera_string_free(counter);
    tessera_session_manager_free(m);
    printf("  %d threads x %d sessions: ids distinct, counter exact (%d conflicts retried)\n",
           nthreads, rounds, conflicts);
    return conc_failures;
}

/* ---- one refresh token, presented by every thread at once */

typedef struct {
    const tessera_refresh_tokens *tokens;
    const char *token;
    pthread_barrier_t *start;
    uint32_t status;
    char *new_token;
} refresh_job;

static void *refresh_worker(void *arg)
{
    refresh_job *job = arg;
    char *user = NULL, *data = NULL;
    pthread_barrier_wait(job->start);
    job->status = tessera_refresh_tokens_rotate(job->tokens, (const uint8_t *)job->token,
                                                strlen(job->token), &user, &data,
                                                &job->new_token);
    tessera_string_free(user);
    tessera_string_free(data);
    return NULL;
}

/* Returns the number of failures. */
static int concurrent_refresh(const tessera_store *store, int nthreads, int rounds)
{
    if (nthreads < 2 || nthreads > CONC_MAX_THREADS || rounds < 1)
        return 1;
    conc_failures = 0;
    tessera_refresh_tokens *rt = NULL;
    OK(tessera_refresh_tokens_new(store, 600000, &rt));
    if (check_failures)
        return check_failures;
    int failures = 0;
    for (int r = 0; r < rounds; r++) {
        char *token = NULL;
        OK(tessera_refresh_tokens_issue(rt, "conc-refresh", "{\"r\":1}", &token));
        if (!token)
            return 1;
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, (unsigned)nthreads);
        refresh_job jobs[CONC_MAX_THREADS];
        pthread_t threads[CONC_MAX_THREADS];
        for (int i = 0; i < nthreads; i++) {
            jobs[i] = (refresh_job){rt, token, &start, 0, NULL};
            if (pthread_create(&threads[i], NULL, refresh_worker, &jobs[i]) != 0)
                abort();
        }
        int winners = 0, reused = 0;
        const char *winner = NULL;
        for (int i = 0; i < nthreads; i++) {
            pthread_join(threads[i], NULL);
            if (jobs[i].status == TESSERA_STATUS_OK) {
                winners++;
                winner = jobs[i].new_token;
            } else if (jobs[i].status == TESSERA_STATUS_REFRESH_TOKEN_REUSED) {
                reused++;
                if (jobs[i].new_token)
                    failures++; /* out-parameter written on failure */
            } else {
                fprintf(stderr, "concurrent refresh: unexpected %s\n",
                        tessera_status_str(jobs[i].status));
            }
        }
        pthread_barrier_destroy(&start);
        if (winners != 1 || reused != nthreads - 1) {
            fprintf(stderr, "concurrent refresh round %d: %d winners, %d reused of %d\n", r,
                    winners, reused, nthreads);
            failures++;
        }
        if (winner) {
            /* The race was reuse: the whole family is revoked, the winner's token too. */
            char *user = NULL, *data = NULL, *next = NULL;
            STATUS(tessera_refresh_tokens_rotate(rt, (const uint8_t *)winner, strlen(winner),
                                                 &user, &data, &next),
                   TESSERA_STATUS_REFRESH_TOKEN_REUSED);
            CHECK(next == NULL);
        }
        for (int i = 0; i < nthreads; i++)
            tessera_string_free(jobs[i].new_token);
        tessera_string_free(token);
    }
    tessera_refresh_tokens_free(rt);
    if (!failures)
        printf("  %d rounds x %d threads rotating one refresh token: one winner each, family "
               "revoked\n",
               rounds, nthreads);
    return failures + conc_failures;
}

#endif
