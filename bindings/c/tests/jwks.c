/*
 * The remote JWKS from C (tessera_remote_keyset_*, tessera_verifier_new_remote)
 * against a REAL HTTP server on loopback: tests/jwks/server.py, started here
 * as a child process (python3, standard library only) and driven through its
 * admin endpoints (documents, statuses, delays, redirects; request counts
 * seen by the server). Scenarios (tests/jwks/README.md, issue 12):
 *
 *   first fetch then cached; status fields; Cache-Control max-age clamped;
 *   rotation after max_age and on an unknown kid; cooldown and the negative
 *   cache; single flight (THREADS threads missing at once: one request, cold
 *   and unknown kid); stale while error (HTTP 500, then the server killed),
 *   max_stale; no cache + server down: JWKS_UNAVAILABLE naming the URL;
 *   garbage, keyless, huge (Content-Length, chunked, close-delimited) and
 *   slow (headers, body) responses: JWKS_UNAVAILABLE within timeout + 2 s,
 *   old keys kept; a body of exactly max_bytes taken, one byte more refused; redirects (same scheme followed; other scheme, non-loopback
 *   http, loops refused); URL rules; jku/x5u never fetched; export/import
 *   round trip with no request; the verifier's options and lifetime.
 *
 *   jwks SERVER.PY [THREADS]     (THREADS default 100; $TESSERA_PYTHON or python3)
 *
 * Time is only ever asserted as a generous upper bound.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep, posix_spawn, sockets */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "json.h"

extern char **environ;

#define SENTINEL ((void *)0x5e5e5e)
#define FAILS(call, want, out)                                                                \
    do {                                                                                      \
        STATUS(call, want);                                                                   \
        CHECK((void *)(out) == SENTINEL);                                                     \
    } while (0)
#define U8(s) ((const uint8_t *)(s))

static const char *server_script;
static int threads_n = 100;

static double monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void die(const char *what)
{
    fprintf(stderr, "jwks: fatal: %s\n", what);
    exit(2);
}

/* ---- the server: a child process and its admin endpoints */

typedef struct {
    pid_t pid;
    int port;
    char url[96]; /* http://127.0.0.1:PORT/jwks.json */
} server;

static void server_start(server *s)
{
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    const char *python = getenv("TESSERA_PYTHON");
    if (!python || !*python)
        python = "python3";
    char *argv[] = {(char *)python, (char *)server_script, "--exit-with-parent", NULL};
    int rc = posix_spawnp(&s->pid, python, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0)
        die("cannot start the JWKS server (python3)");
    char line[32] = {0};
    size_t n = 0;
    while (n < sizeof line - 1) {
        ssize_t r = read(fds[0], line + n, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    close(fds[0]);
    s->port = atoi(line);
    if (s->port <= 0)
        die("the JWKS server printed no port");
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d/jwks.json", s->port);
}

/* SIGTERM (graceful) or SIGKILL (the server "goes down"), then reap it. */
static void server_stop(server *s, int sig)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, sig);
    int status;
    while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {
    }
    s->pid = 0;
}

/* One HTTP/1.1 request to the admin interface; the body of a 200 answer
 * (malloc'd) or NULL. */
static char *admin(const server *s, const char *method, const char *path, const char *body)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return NULL;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)s->port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return NULL;
    }
    size_t body_len = body ? strlen(body) : 0;
    char head[256];
    int head_len = snprintf(head, sizeof head,
                            "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                            method, path, body_len);
    if (send(fd, head, (size_t)head_len, MSG_NOSIGNAL) != head_len ||
        (body_len && send(fd, body, body_len, MSG_NOSIGNAL) != (ssize_t)body_len)) {
        close(fd);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1024 > cap)
            buf = realloc(buf, cap *= 2);
        ssize_t r = recv(fd, buf + len, cap - len - 1, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    char *start = strstr(buf, "\r\n\r\n");
    if (strncmp(buf, "HTTP/1.1 200", 12) != 0 || !start) {
        fprintf(stderr, "admin %s %s failed: %.200s\n", method, path, buf);
        free(buf);
        return NULL;
    }
    char *out = strdup(start + 4);
    free(buf);
    return out;
}

static void admin_ok(const server *s, const char *path, const char *body)
{
    char *r = admin(s, "POST", path, body);
    if (!r)
        die("admin request failed");
    free(r);
}

/* Replaces the route for `path` ("*" = every path without its own). */
static void serve(const server *s, const char *path, const char *route_members)
{
    char *body = malloc(strlen(route_members) + strlen(path) + 32);
    sprintf(body, "{\"path\":\"%s\"%s%s}", path, *route_members ? "," : "", route_members);
    admin_ok(s, "/_admin/state", body);
    free(body);
}

static void server_reset(const server *s)
{
    admin_ok(s, "/_admin/reset", "{}");
}

/* Requests the server saw for `path`, or in all when `path` is NULL. */
static int requests(const server *s, const char *path)
{
    char *r = admin(s, "GET", "/_admin/requests", NULL);
    if (!r)
        die("admin /_admin/requests failed");
    char err[128];
    json_value *v = json_parse(r, strlen(r), err, sizeof err);
    if (!v)
        die("admin /_admin/requests: bad JSON");
    const json_value *n = path ? json_get(json_get(v, "paths"), path) : json_get(v, "count");
    int count = n && n->type == JSON_NUMBER ? (int)n->number : 0;
    json_free(v);
    free(r);
    return count;
}

/* ---- keys and tokens: k1..k4 (Ed25519); the server never serves k4 */

#define NKEYS 4
static tessera_key *keys[NKEYS + 1];
static char *tokens[NKEYS + 1]; /* tokens[i]: {"sub":"u","iss":"me"} signed by k<i> */
static char *jwks_1, *jwks_2, *jwks_12, *jwks_123;

static char *jwks_of(const char *which)
{
    tessera_keyset *set = NULL;
    char *out = NULL;
    OK(tessera_keyset_new(&set));
    for (const char *c = which; *c; c++)
        OK(tessera_keyset_add(set, keys[*c - '0']));
    OK(tessera_keyset_to_jwks(set, &out));
    tessera_keyset_free(set);
    return out;
}

static void keys_setup(void)
{
    for (int i = 1; i <= NKEYS; i++) {
        char kid[16];
        snprintf(kid, sizeof kid, "k%d", i);
        OK(tessera_key_generate("EdDSA", kid, &keys[i]));
        OK(tessera_jwt_encode(keys[i], "{\"sub\":\"u\",\"iss\":\"me\",\"exp\":4102444800}", NULL,
                              &tokens[i]));
    }
    jwks_1 = jwks_of("1");
    jwks_2 = jwks_of("2");
    jwks_12 = jwks_of("12");
    jwks_123 = jwks_of("123");
}

static void keys_teardown(void)
{
    for (int i = 1; i <= NKEYS; i++) {
        tessera_key_free(keys[i]);
        tessera_string_free(tokens[i]);
    }
    tessera_string_free(jwks_1);
    tessera_string_free(jwks_2);
    tessera_string_free(jwks_12);
    tessera_string_free(jwks_123);
}

/* Serves `jwks` (JSON text) on every path, with extra route members. */
static void serve_jwks(const server *s, const char *jwks, const char *extra)
{
    char *m = malloc(strlen(jwks) + strlen(extra) + 32);
    sprintf(m, "\"document\":%s%s%s", jwks, *extra ? "," : "", extra);
    serve(s, "*", m);
    free(m);
}

/* ---- helpers on the API */

static tessera_remote_keyset *remote(const char *url, const char *options)
{
    tessera_remote_keyset *rk = NULL;
    OK(tessera_remote_keyset_new(url, options, &rk));
    if (!rk)
        die("tessera_remote_keyset_new failed");
    return rk;
}

static uint32_t verify(const tessera_verifier *v, const char *token)
{
    char *claims = NULL;
    uint32_t s = tessera_verifier_verify(v, U8(token), strlen(token), &claims);
    CHECK((s == TESSERA_STATUS_OK) == (claims != NULL));
    tessera_string_free(claims);
    return s;
}

static tessera_verifier *verifier_on(const tessera_remote_keyset *rk)
{
    tessera_verifier *v = NULL;
    OK(tessera_verifier_new_remote(rk, "{\"issuer\":\"me\"}", &v));
    if (!v)
        die("tessera_verifier_new_remote failed");
    return v;
}

/* The number of keys of keys(), or -1 with its status in *status_out. */
static long keys_len(const tessera_remote_keyset *rk, uint32_t *status_out)
{
    tessera_keyset *set = NULL;
    uint32_t s = tessera_remote_keyset_keys(rk, &set);
    if (status_out)
        *status_out = s;
    long n = s == TESSERA_STATUS_OK ? (long)tessera_keyset_len(set) : -1;
    tessera_keyset_free(set);
    return n;
}

/* Whether keys() holds exactly the kids in `kids` (e.g. "k1"), by its JWKS. */
static int keys_are(const tessera_remote_keyset *rk, const char *jwks)
{
    tessera_keyset *set = NULL;
    char *got = NULL;
    int same = tessera_remote_keyset_keys(rk, &set) == TESSERA_STATUS_OK &&
               tessera_keyset_to_jwks(set, &got) == TESSERA_STATUS_OK && strcmp(got, jwks) == 0;
    tessera_string_free(got);
    tessera_keyset_free(set);
    return same;
}

/* The status JSON, parsed (json_free it; the text is freed with it through
 * `text_out`). */
static json_value *status_of(const tessera_remote_keyset *rk, char **text_out)
{
    char *text = NULL;
    OK(tessera_remote_keyset_status(rk, &text));
    if (!text)
        die("no status");
    char err[128];
    json_value *v = json_parse(text, strlen(text), err, sizeof err);
    if (!v)
        die("status is not JSON");
    *text_out = text;
    return v;
}

static const char *str_member(const json_value *v, const char *name)
{
    const json_value *m = json_get(v, name);
    return m && m->type == JSON_STRING ? m->string : NULL;
}

static double num_member(const json_value *v, const char *name)
{
    const json_value *m = json_get(v, name);
    return m && m->type == JSON_NUMBER ? m->number : -1.0;
}

static int is_null_member(const json_value *v, const char *name)
{
    const json_value *m = json_get(v, name);
    return m && m->type == JSON_NULL;
}

static int message_has(const char *needle)
{
    const char *m = tessera_last_error_message();
    if (m && strstr(m, needle))
        return 1;
    fprintf(stderr, "  last error %s lacks \"%s\"\n", m ? m : "NULL", needle);
    return 0;
}

/* ---- 1, 11: first fetch, then cached; status fields; the verifier */

static void test_first_fetch_then_cached(const server *srv)
{
    server_reset(srv);
    serve_jwks(srv, jwks_12, "");
    tessera_remote_keyset *rk = remote(srv->url, "{\"max_age\":60,\"cooldown\":1,\"timeout\":2}");
    CHECK(requests(srv, NULL) == 0); /* nothing fetched at construction */

    char *text;
    json_value *st = status_of(rk, &text);
    STREQ(str_member(st, "state"), "empty");
    STREQ(str_member(st, "url"), srv->url);
    CHECK(is_null_member(st, "fetched_at") && is_null_member(st, "last_error"));
    CHECK(num_member(st, "keys") == 0 && num_member(st, "requests") == 0);
    json_free(st);
    tessera_string_free(text);

    CHECK(keys_len(rk, NULL) == 2);
    CHECK(requests(srv, "/jwks.json") == 1);
    CHECK(keys_are(rk, jwks_12));
    CHECK(keys_len(rk, NULL) == 2);
    CHECK(requests(srv, NULL) == 1); /* cached: no second request */

    st = status_of(rk, &text);
    STREQ(str_member(st, "state"), "fresh");
    CHECK(num_member(st, "keys") == 2);
    CHECK(num_member(st, "requests") == 1);
    CHECK(num_member(st, "generation") == 1);
    CHECK(is_null_member(st, "last_error") && is_null_member(st, "last_error_at"));
    double fetched = num_member(st, "fetched_at"), until = num_member(st, "fresh_until");
    CHECK(fetched > 1.6e9 && until - fetched > 55 && until - fetched < 65);
    json_free(st);
    tessera_string_free(text);

    /* A verifier on it: the same cache, no request; it outlives the handle. */
    tessera_verifier *v = verifier_on(rk);
    tessera_remote_keyset_free(rk);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK);
    STATUS(verify(v, tokens[2]), TESSERA_STATUS_OK);
    CHECK(requests(srv, NULL) == 1);
    /* The verifier's options apply: issuer "other" refuses iss "me". */
    tessera_verifier *strict = NULL;
    tessera_remote_keyset *rk2 = remote(srv->url, NULL);
    OK(tessera_verifier_new_remote(rk2, "{\"issuer\":\"other\"}", &strict));
    STATUS(verify(strict, tokens[1]), TESSERA_STATUS_INVALID_ISSUER);
    STREQ(tessera_last_error_claim(), "iss");
    CHECK(requests(srv, NULL) == 2); /* rk2 is a separate cache */
    tessera_verifier_free(strict);
    tessera_remote_keyset_free(rk2);
    tessera_verifier_free(v);
}

/* ---- 2: rotation after max_age (and Cache-Control max-age, clamped) */

static void test_rotation_after_max_age(const server *srv)
{
    server_reset(srv);
    serve_jwks(srv, jwks_1, "");
    /* max_age 2 s: the "still fresh" check below has 2 s to happen, even under
     * valgrind on a loaded machine. */
    tessera_remote_keyset *rk =
        remote(srv->url, "{\"max_age\":2,\"min_age\":2,\"cooldown\":1,\"timeout\":2}");
    tessera_verifier *v = verifier_on(rk);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK);
    CHECK(requests(srv, NULL) == 1);

    serve_jwks(srv, jwks_2, ""); /* the provider rotates */
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK); /* still fresh: the old set */
    CHECK(requests(srv, NULL) == 1);
    sleep_s(2.3);
    STATUS(verify(v, tokens[2]), TESSERA_STATUS_OK); /* stale: refetched, k2 now */
    CHECK(requests(srv, NULL) == 2);
    CHECK(keys_are(rk, jwks_2));
    /* k1 is gone: one kid-driven refetch, then KEY_NOT_FOUND. */
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_KEY_NOT_FOUND);
    CHECK(requests(srv, NULL) == 3);
    char *text;
    json_value *st = status_of(rk, &text);
    CHECK(num_member(st, "generation") == 2);
    json_free(st);
    tessera_string_free(text);
    tessera_verifier_free(v);
    tessera_remote_keyset_free(rk);

    /* Cache-Control: max-age=1 shortens a 60 s max_age; a huge one is capped. */
    server_reset(srv);
    serve_jwks(srv, jwks_1, "\"headers\":{\"Cache-Control\":\"public, max-age=1\"}");
    rk = remote(srv->url, "{\"max_age\":60,\"min_age\":1,\"cooldown\":1,\"timeout\":2}");
    CHECK(keys_are(rk, jwks_1));
    st = status_of(rk, &text);
    double life = num_member(st, "fresh_until") - num_member(st, "fetched_at");
    CHECK(life > 0.5 && life < 1.5);
    json_free(st);
    tessera_string_free(text);
    serve_jwks(srv, jwks_2, "\"headers\":{\"Cache-Control\":\"max-age=100000\"}");
    sleep_s(1.3);
    CHECK(keys_are(rk, jwks_2));
    CHECK(requests(srv, NULL) == 2);
    st = status_of(rk, &text);
    life = num_member(st, "fresh_until") - num_member(st, "fetched_at");
    CHECK(life > 55 && life < 65); /* clamped to max_age */
    json_free(st);
    tessera_string_free(text);
    tessera_remote_keyset_free(rk);
}

/* ---- 2, 3: rotation on an unknown kid; cooldown; negative cache */

static void test_unknown_kid_and_cooldown(const server *srv)
{
    server_reset(srv);
    serve_jwks(srv, jwks_1, "");
    /* cooldown 2 s: the "within the cooldown" check has 2 s to happen. */
    tessera_remote_keyset *rk = remote(srv->url, "{\"max_age\":60,\"cooldown\":2,\"timeout\":2}");
    tessera_verifier *v = verifier_on(rk);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK);
    CHECK(requests(srv, NULL) == 1);

    serve_jwks(srv, jwks_12, "");
    STATUS(verify(v, tokens[2]), TESSERA_STATUS_OK); /* unknown kid: refetched at once */
    CHECK(requests(srv, NULL) == 2);

    serve_jwks(srv, jwks_123, "");
    STATUS(verify(v, tokens[3]), TESSERA_STATUS_KEY_NOT_FOUND); /* within the cooldown */
    CHECK(message_has("cooling down"));
    CHECK(requests(srv, NULL) == 2);
    sleep_s(2.2);
    STATUS(verify(v, tokens[3]), TESSERA_STATUS_OK); /* after it: one request */
    CHECK(requests(srv, NULL) == 3);
    CHECK(keys_len(rk, NULL) == 3);

    /* k4 is never served: one refetch, then the negative cache answers. */
    sleep_s(2.2);
    STATUS(verify(v, tokens[4]), TESSERA_STATUS_KEY_NOT_FOUND);
    CHECK(requests(srv, NULL) == 4);
    sleep_s(2.2);
    STATUS(verify(v, tokens[4]), TESSERA_STATUS_KEY_NOT_FOUND);
    CHECK(message_has("still unknown"));
    CHECK(requests(srv, NULL) == 4);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK); /* known kids never wait */
    tessera_verifier_free(v);
    tessera_remote_keyset_free(rk);
}

/* ---- 4: single flight */

typedef struct {
    pthread_barrier_t *barrier;
    const tessera_remote_keyset *rk; /* keys() when set ... */
    const tessera_verifier *v;       /* ... else verify(token) */
    const char *token;
    uint32_t status;
    int message_ok; /* the thread's own last error matches its status */
} flight_job;

static void *flight_worker(void *arg)
{
    flight_job *job = arg;
    pthread_barrier_wait(job->barrier);
    if (job->rk) {
        tessera_keyset *set = NULL;
        job->status = tessera_remote_keyset_keys(job->rk, &set);
        tessera_keyset_free(set);
    } else {
        char *claims = NULL;
        job->status =
            tessera_verifier_verify(job->v, U8(job->token), strlen(job->token), &claims);
        tessera_string_free(claims);
    }
    job->message_ok = (job->status == TESSERA_STATUS_OK) == (tessera_last_error_message() == NULL);
    return NULL;
}

/* THREADS threads call at the same moment; returns how many got OK. */
static int all_at_once(const tessera_remote_keyset *rk, const tessera_verifier *v,
                       const char *token)
{
    pthread_t *tids = calloc((size_t)threads_n, sizeof *tids);
    flight_job *jobs = calloc((size_t)threads_n, sizeof *jobs);
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)threads_n);
    for (int i = 0; i < threads_n; i++) {
        jobs[i] = (flight_job){&barrier, rk, v, token, 0xffff, 0};
        if (pthread_create(&tids[i], NULL, flight_worker, &jobs[i]) != 0)
            die("pthread_create");
    }
    int ok = 0;
    for (int i = 0; i < threads_n; i++) {
        pthread_join(tids[i], NULL);
        ok += jobs[i].status == TESSERA_STATUS_OK;
        CHECK(jobs[i].message_ok);
    }
    pthread_barrier_destroy(&barrier);
    free(jobs);
    free(tids);
    return ok;
}

static void test_single_flight(const server *srv)
{
    /* Cold cache, the server slow to answer: every thread needs the set. */
    server_reset(srv);
    serve_jwks(srv, jwks_1, "\"delay\":0.3");
    tessera_remote_keyset *rk = remote(srv->url, "{\"max_age\":60,\"cooldown\":1,\"timeout\":5}");
    CHECK(all_at_once(rk, NULL, NULL) == threads_n);
    CHECK(requests(srv, NULL) == 1);

    /* Unknown kid: every thread verifies a token signed by the new key. */
    tessera_verifier *v = verifier_on(rk);
    serve_jwks(srv, jwks_12, "\"delay\":0.3");
    CHECK(all_at_once(NULL, v, tokens[2]) == threads_n);
    CHECK(requests(srv, NULL) == 2);
    tessera_verifier_free(v);
    tessera_remote_keyset_free(rk);

    /* Cold verifier: the same through verify. */
    server_reset(srv);
    serve_jwks(srv, jwks_1, "\"delay\":0.3");
    rk = remote(srv->url, "{\"max_age\":60,\"cooldown\":1,\"timeout\":5}");
    v = verifier_on(rk);
    CHECK(all_at_once(NULL, v, tokens[1]) == threads_n);
    CHECK(requests(srv, NULL) == 1);
    tessera_verifier_free(v);
    tessera_remote_keyset_free(rk);
}

/* ---- 5: stale while error (HTTP 500), recovery */

static void test_stale_while_error(const server *srv)
{
    server_reset(srv);
    serve_jwks(srv, jwks_1, "");
    tessera_remote_keyset *rk =
        remote(srv->url, "{\"max_age\":1,\"min_age\":1,\"cooldown\":1,\"timeout\":2}");
    tessera_verifier *v = verifier_on(rk);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK);

    serve(srv, "*", "\"status\":500,\"document\":\"oops\"");
    sleep_s(1.3);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK); /* stale keys keep verifying */
    CHECK(requests(srv, NULL) == 2);
    char *text;
    json_value *st = status_of(rk, &text);
    STREQ(str_member(st, "state"), "stale");
    CHECK(num_member(st, "keys") == 1);
    const json_value *err = json_get(st, "last_error");
    STREQ(str_member(err, "code"), "JWKS_UNAVAILABLE");
    CHECK(str_member(err, "message") && strstr(str_member(err, "message"), srv->url));
    CHECK(str_member(err, "message") && strstr(str_member(err, "message"), "HTTP 500"));
    CHECK(num_member(st, "last_error_at") > 1.6e9);
    json_free(st);
    tessera_string_free(text);

    tessera_keyset *set = SENTINEL;
    FAILS(tessera_remote_keyset_refresh(rk, &set), TESSERA_STATUS_JWKS_UNAVAILABLE, set);
    CHECK(message_has(srv->url));
    CHECK(keys_are(rk, jwks_1)); /* the cached set stays */

    /* The provider recovers: after the cooldown the next call refetches. */
    serve_jwks(srv, jwks_12, "");
    sleep_s(1.2);
    CHECK(keys_are(rk, jwks_12));
    st = status_of(rk, &text);
    CHECK(is_null_member(st, "last_error") && is_null_member(st, "last_error_at"));
    CHECK(num_member(st, "keys") == 2 && num_member(st, "generation") == 2);
    json_free(st);
    tessera_string_free(text);
    set = NULL;
    OK(tessera_remote_keyset_refresh(rk, &set)); /* explicit refresh: one request */
    CHECK(set && tessera_keyset_len(set) == 2);
    tessera_keyset_free(set);
    tessera_verifier_free(v);
    tessera_remote_keyset_free(rk);
}

/* ---- 5, 6: the server killed; max_stale; no cache at all */

static void test_server_down(void)
{
    server srv;
    server_start(&srv);
    serve_jwks(&srv, jwks_1, "");
    tessera_remote_keyset *rk =
        remote(srv.url, "{\"max_age\":1,\"min_age\":1,\"cooldown\":1,\"timeout\":2}");
    tessera_remote_keyset *bounded = remote(
        srv.url, "{\"max_age\":1,\"min_age\":1,\"cooldown\":1,\"timeout\":2,\"max_stale\":0.5}");
    tessera_verifier *v = verifier_on(rk);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK);
    CHECK(keys_len(bounded, NULL) == 1);
    server_stop(&srv, SIGKILL); /* down: connections refused from now on */

    sleep_s(1.8);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK); /* last good keys */
    char *text;
    json_value *st = status_of(rk, &text);
    STREQ(str_member(st, "state"), "stale");
    const json_value *err = json_get(st, "last_error");
    STREQ(str_member(err, "code"), "JWKS_UNAVAILABLE");
    CHECK(str_member(err, "message") && strstr(str_member(err, "message"), srv.url));
    json_free(st);
    tessera_string_free(text);
    tessera_keyset *set = SENTINEL;
    FAILS(tessera_remote_keyset_refresh(rk, &set), TESSERA_STATUS_JWKS_UNAVAILABLE, set);
    CHECK(message_has(srv.url));
    CHECK(keys_len(rk, NULL) == 1);

    /* Past max_stale the stale set is no longer served. */
    uint32_t s = 0;
    CHECK(keys_len(bounded, &s) == -1);
    CHECK(s == TESSERA_STATUS_JWKS_UNAVAILABLE);

    /* No cache and the server down: JWKS_UNAVAILABLE naming the URL. */
    tessera_remote_keyset *cold = remote(srv.url, "{\"timeout\":2,\"cooldown\":1}");
    set = SENTINEL;
    FAILS(tessera_remote_keyset_keys(cold, &set), TESSERA_STATUS_JWKS_UNAVAILABLE, set);
    CHECK(message_has("JWKS_UNAVAILABLE: "));
    CHECK(message_has(srv.url));
    tessera_verifier *cold_v = verifier_on(cold);
    STATUS(verify(cold_v, tokens[1]), TESSERA_STATUS_JWKS_UNAVAILABLE);
    CHECK(message_has(srv.url));
    st = status_of(cold, &text);
    STREQ(str_member(st, "state"), "empty");
    STREQ(str_member(json_get(st, "last_error"), "code"), "JWKS_UNAVAILABLE");
    json_free(st);
    tessera_string_free(text);
    char *cache = SENTINEL;
    OK(tessera_remote_keyset_export_cache(cold, &cache));
    CHECK(cache == NULL); /* nothing cached */
    tessera_verifier_free(cold_v);
    tessera_remote_keyset_free(cold);
    tessera_verifier_free(v);
    tessera_remote_keyset_free(bounded);
    tessera_remote_keyset_free(rk);
}

/* ---- 7: garbage, keyless, huge and slow responses */

static void test_bad_responses(const server *srv)
{
    static const struct {
        const char *what;
        const char *route; /* members for "*"; without a document, a good JWKS (k1, k2) */
        const char *reason; /* in the message, or NULL */
    } cases[] = {
        {"garbage", "\"document\":\"this is not JSON {\"", "not a usable JWKS"},
        {"no keys", "\"document\":{\"keys\":[]}", "not a usable JWKS"},
        {"no usable key", "\"document\":{\"keys\":[{\"kty\":\"XYZ\",\"kid\":\"z\"}]}",
         "not a usable JWKS"},
        {"not an object", "\"document\":[1,2,3]", "not a usable JWKS"},
        {"HTTP 404", "\"status\":404", "HTTP 404"},
        {"HTTP 503", "\"status\":503", "HTTP 503"},
        {"huge, Content-Length", "\"body_bytes\":1048576", "max_bytes"},
        {"huge, chunked", "\"body_bytes\":1048576,\"framing\":\"chunked\"", "max_bytes"},
        {"huge, until close", "\"body_bytes\":1048576,\"framing\":\"close\"", "max_bytes"},
        {"slow headers", "\"delay\":3", "timed out"},
        {"slow body", "\"stall\":3", "timed out"},
        {"slow body, chunked", "\"stall\":3,\"framing\":\"chunked\"", "timed out"},
    };
    const double timeout = 1.0;
    server_reset(srv);
    serve_jwks(srv, jwks_1, "");
    tessera_remote_keyset *rk =
        remote(srv->url, "{\"max_age\":60,\"cooldown\":1,\"timeout\":1,\"max_bytes\":65536}");
    tessera_verifier *v = verifier_on(rk);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char route[1024];
        if (strstr(cases[i].route, "document"))
            snprintf(route, sizeof route, "%s", cases[i].route);
        else
            snprintf(route, sizeof route, "%s,\"document\":%s", cases[i].route, jwks_12);
        serve(srv, "*", route);
        int before = requests(srv, NULL);
        tessera_keyset *set = SENTINEL;
        double t0 = monotonic();
        uint32_t s = tessera_remote_keyset_refresh(rk, &set);
        double elapsed = monotonic() - t0;
        if (s != TESSERA_STATUS_JWKS_UNAVAILABLE || set != SENTINEL)
            fprintf(stderr, "%s: refresh gave %s\n", cases[i].what, tessera_status_str(s));
        CHECK(s == TESSERA_STATUS_JWKS_UNAVAILABLE && set == SENTINEL);
        CHECK(message_has(srv->url));
        if (cases[i].reason)
            CHECK(message_has(cases[i].reason));
        if (elapsed >= timeout + 2.0)
            fprintf(stderr, "%s: refresh took %.2f s\n", cases[i].what, elapsed);
        CHECK(elapsed < timeout + 2.0); /* bounded: one deadline for the whole fetch */
        CHECK(requests(srv, NULL) == before + 1);
        /* The old keys stay and keep verifying. */
        CHECK(keys_are(rk, jwks_1));
        STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK);
    }
    /* A good JWKS of exactly max_bytes is taken; one byte more is refused. */
    char route[512];
    snprintf(route, sizeof route, "\"document\":%s,\"pad_to\":65537", jwks_12);
    serve(srv, "*", route);
    tessera_keyset *set = SENTINEL;
    FAILS(tessera_remote_keyset_refresh(rk, &set), TESSERA_STATUS_JWKS_UNAVAILABLE, set);
    CHECK(message_has("max_bytes"));
    snprintf(route, sizeof route, "\"document\":%s,\"pad_to\":65537,\"framing\":\"chunked\"",
             jwks_12);
    serve(srv, "*", route);
    FAILS(tessera_remote_keyset_refresh(rk, &set), TESSERA_STATUS_JWKS_UNAVAILABLE, set);
    CHECK(message_has("max_bytes"));
    CHECK(keys_are(rk, jwks_1));
    snprintf(route, sizeof route, "\"document\":%s,\"pad_to\":65536", jwks_12);
    serve(srv, "*", route);
    set = NULL;
    OK(tessera_remote_keyset_refresh(rk, &set));
    CHECK(set && tessera_keyset_len(set) == 2);
    tessera_keyset_free(set);
    snprintf(route, sizeof route, "\"document\":%s,\"pad_to\":65536,\"framing\":\"chunked\"",
             jwks_1);
    serve(srv, "*", route);
    set = NULL;
    OK(tessera_remote_keyset_refresh(rk, &set));
    CHECK(set && tessera_keyset_len(set) == 1);
    tessera_keyset_free(set);
    tessera_verifier_free(v);
    tessera_remote_keyset_free(rk);
}

/* ---- 8: redirects */

static void test_redirects(const server *srv)
{
    char start[128], route[512];
    snprintf(start, sizeof start, "http://127.0.0.1:%d/start.json", srv->port);
    server_reset(srv);
    snprintf(route, sizeof route, "\"document\":%s", jwks_1);
    serve(srv, "/real.json", route);
    serve(srv, "/start.json", "\"redirect\":\"/real.json\"");
    tessera_remote_keyset *rk = remote(start, "{\"max_age\":60,\"cooldown\":1,\"timeout\":2}");
    CHECK(keys_are(rk, jwks_1)); /* a same-origin path redirect is followed */
    CHECK(requests(srv, "/start.json") == 1 && requests(srv, "/real.json") == 1);

    static const struct {
        const char *fmt; /* Location, %d = the server's port */
        int ok;
        const char *reason;
    } cases[] = {
        {"http://127.0.0.1:%d/real.json", 1, NULL},
        {"http://localhost:%d/real.json", 1, NULL},
        {"https://127.0.0.1:%d/real.json", 0, "another scheme"},
        {"http://example.com:%d/real.json", 0, "not allowed"},
        {"http://10.0.0.1:%d/real.json", 0, "not allowed"},
        {"ftp://127.0.0.1:%d/real.json", 0, "not allowed"},
        {"/start.json", 0, "too many redirects"}, /* a loop */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char location[128];
        snprintf(location, sizeof location, cases[i].fmt, srv->port);
        snprintf(route, sizeof route, "\"redirect\":\"%s\"", location);
        serve(srv, "/start.json", route);
        int real = requests(srv, "/real.json"), starts = requests(srv, "/start.json");
        tessera_keyset *set = SENTINEL;
        uint32_t s = tessera_remote_keyset_refresh(rk, &set);
        if (cases[i].ok) {
            CHECK(s == TESSERA_STATUS_OK && set != SENTINEL && tessera_keyset_len(set) == 1);
            CHECK(requests(srv, "/real.json") == real + 1);
            if (s == TESSERA_STATUS_OK)
                tessera_keyset_free(set);
        } else {
            if (s != TESSERA_STATUS_JWKS_UNAVAILABLE)
                fprintf(stderr, "redirect to %s: %s\n", location, tessera_status_str(s));
            CHECK(s == TESSERA_STATUS_JWKS_UNAVAILABLE && set == SENTINEL);
            CHECK(message_has(cases[i].reason));
            CHECK(message_has(start));
            CHECK(requests(srv, "/real.json") == real); /* never reached */
            CHECK(keys_are(rk, jwks_1));
        }
        if (strcmp(cases[i].fmt, "/start.json") == 0)
            CHECK(requests(srv, "/start.json") == starts + 4); /* 1 + max_redirects (3) */
    }
    tessera_remote_keyset_free(rk);
}

/* ---- 9: URL rules; jku and x5u never fetched */

static void test_url_rules_and_jku(const server *srv)
{
    static const char *const refused[] = {
        "http://example.com/jwks.json", "http://10.0.0.1/jwks.json", "ftp://127.0.0.1/jwks.json",
        "file:///etc/passwd", "127.0.0.1/jwks.json", "", "https://", "https://a b/jwks"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        tessera_remote_keyset *rk = SENTINEL;
        FAILS(tessera_remote_keyset_new(refused[i], NULL, &rk), TESSERA_STATUS_INVALID_ARGUMENT,
              rk);
    }
    tessera_remote_keyset *rk = SENTINEL;
    FAILS(tessera_remote_keyset_new("http://example.com/jwks.json", NULL, &rk),
          TESSERA_STATUS_INVALID_ARGUMENT, rk);
    CHECK(message_has("loopback"));
    static const char *const accepted[] = {"https://issuer.example/.well-known/jwks.json",
                                           "http://localhost:1/jwks", "http://[::1]:1/jwks",
                                           "http://127.0.0.2/jwks", "HTTPS://ISSUER.EXAMPLE/jwks"};
    for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++) {
        rk = NULL;
        OK(tessera_remote_keyset_new(accepted[i], NULL, &rk));
        tessera_remote_keyset_free(rk);
    }

    /* A token naming a JWKS (jku) or certificate (x5u) on the same server:
     * never fetched; the kid is looked up in the configured set only. */
    char evil[128], header[256], route[512];
    snprintf(evil, sizeof evil, "http://127.0.0.1:%d/evil.json", srv->port);
    server_reset(srv);
    serve_jwks(srv, jwks_1, "");
    char *jwks_4 = jwks_of("4");
    snprintf(route, sizeof route, "\"document\":%s", jwks_4);
    serve(srv, "/evil.json", route);
    tessera_string_free(jwks_4);
    rk = remote(srv->url, "{\"max_age\":60,\"cooldown\":1,\"timeout\":2}");
    CHECK(keys_are(rk, jwks_1)); /* warm: the kid-driven refetch below is then certain */
    tessera_verifier *v = verifier_on(rk);
    static const char *const members[] = {"jku", "x5u"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(header, sizeof header, "{\"kid\":\"k4\",\"%s\":\"%s\"}", members[i], evil);
        char *token = NULL;
        OK(tessera_jwt_encode(keys[4], "{\"sub\":\"u\",\"iss\":\"me\",\"exp\":4102444800}", header,
                              &token));
        if (token) {
            STATUS(verify(v, token), TESSERA_STATUS_KEY_NOT_FOUND);
            tessera_string_free(token);
        }
    }
    CHECK(requests(srv, "/evil.json") == 0);
    CHECK(requests(srv, "/jwks.json") == 2); /* first fetch + one kid-driven refetch, then
                                                the negative cache */
    tessera_verifier_free(v);
    tessera_remote_keyset_free(rk);
}

/* ---- 10: export / import */

static void test_export_import(const server *srv)
{
    server_reset(srv);
    serve_jwks(srv, jwks_12, "");
    const char *opts = "{\"max_age\":60,\"cooldown\":1,\"timeout\":2}";
    tessera_remote_keyset *a = remote(srv->url, opts);
    char *cache = SENTINEL;
    OK(tessera_remote_keyset_export_cache(a, &cache));
    CHECK(cache == NULL); /* nothing yet */
    CHECK(keys_len(a, NULL) == 2);
    cache = NULL;
    OK(tessera_remote_keyset_export_cache(a, &cache));
    CHECK(cache != NULL);
    if (!cache)
        die("no cache exported");
    char err[128];
    json_value *exported = json_parse(cache, strlen(cache), err, sizeof err);
    CHECK(exported != NULL);
    STREQ(str_member(exported, "url"), srv->url);
    CHECK(num_member(exported, "fetched_at") > 1.6e9);
    const json_value *ks = json_get(json_get(exported, "jwks"), "keys");
    CHECK(ks && ks->type == JSON_ARRAY && ks->count == 2);
    CHECK(strstr(cache, "\"d\"") == NULL); /* public parts only */
    json_free(exported);
    int before = requests(srv, NULL);

    /* A fresh remote key set (a cold start elsewhere) verifies with no request. */
    tessera_remote_keyset *b = remote(srv->url, opts);
    OK(tessera_remote_keyset_import_cache(b, cache));
    tessera_verifier *v = verifier_on(b);
    STATUS(verify(v, tokens[1]), TESSERA_STATUS_OK);
    STATUS(verify(v, tokens[2]), TESSERA_STATUS_OK);
    CHECK(requests(srv, NULL) == before);
    char *text;
    json_value *st = status_of(b, &text);
    STREQ(str_member(st, "state"), "fresh");
    CHECK(num_member(st, "requests") == 0 && num_member(st, "keys") == 2);
    json_free(st);
    tessera_string_free(text);
    OK(tessera_remote_keyset_import_cache(b, cache)); /* not newer: ignored, fine */

    /* Another URL, not JSON, no usable key, NULL: refused. */
    char other[128];
    snprintf(other, sizeof other, "http://127.0.0.1:%d/other.json", srv->port);
    tessera_remote_keyset *c = remote(other, opts);
    STATUS(tessera_remote_keyset_import_cache(c, cache), TESSERA_STATUS_INVALID_ARGUMENT);
    CHECK(message_has("another URL"));
    STATUS(tessera_remote_keyset_import_cache(c, "not json"), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_remote_keyset_import_cache(c, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_remote_keyset_import_cache(c, "\xff"), TESSERA_STATUS_INVALID_ARGUMENT);
    char bad[256];
    snprintf(bad, sizeof bad, "{\"url\":\"%s\",\"fetched_at\":1700000000,\"jwks\":{\"keys\":[]}}",
             other);
    uint32_t s = tessera_remote_keyset_import_cache(c, bad);
    CHECK(s != TESSERA_STATUS_OK);
    char *empty = SENTINEL;
    OK(tessera_remote_keyset_export_cache(c, &empty));
    CHECK(empty == NULL);
    CHECK(requests(srv, NULL) == before);

    tessera_remote_keyset_free(c);
    tessera_verifier_free(v);
    tessera_remote_keyset_free(b);
    tessera_remote_keyset_free(a);
    tessera_string_free(cache);
}

int main(int argc, char **argv)
{
    server_script = argc > 1 ? argv[1] : getenv("TESSERA_JWKS_SERVER");
    if (argc > 2)
        threads_n = atoi(argv[2]);
    if (!server_script || threads_n < 2) {
        fprintf(stderr, "usage: jwks SERVER.PY [THREADS]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    keys_setup();
    server srv;
    server_start(&srv);
    double t0 = monotonic();
#define RUN(call)                                                                             \
    do {                                                                                      \
        int before_ = check_failures;                                                         \
        double t_ = monotonic();                                                              \
        call;                                                                                 \
        printf("  %-40s %s (%.1f s)\n", #call, check_failures == before_ ? "ok" : "FAILED",  \
               monotonic() - t_);                                                             \
        fflush(stdout);                                                                       \
    } while (0)
    RUN(test_first_fetch_then_cached(&srv));
    RUN(test_rotation_after_max_age(&srv));
    RUN(test_unknown_kid_and_cooldown(&srv));
    RUN(test_single_flight(&srv));
    RUN(test_stale_while_error(&srv));
    RUN(test_server_down());
    RUN(test_bad_responses(&srv));
    RUN(test_redirects(&srv));
    RUN(test_url_rules_and_jku(&srv));
    RUN(test_export_import(&srv));
    server_stop(&srv, SIGTERM);
    keys_teardown();
    if (check_failures) {
        printf("jwks: %d checks failed\n", check_failures);
        return 1;
    }
    printf("jwks: all checks passed (%d threads, %.1f s)\n", threads_n, monotonic() - t0);
    return 0;
}
