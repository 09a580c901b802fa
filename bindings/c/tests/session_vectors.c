/*
 * Runs the store-independent session scenarios
 * (tests/vectors/sessions/scenarios.json; its "_schema" member documents the
 * format; the reference runner is core/tests/sessions.rs, which this file
 * ports) through the C API, each on a fresh store shared by a session
 * manager, a denylist and a refresh-token service: a memory store, or with
 * --redis a Redis store under a key prefix of its own (comma-separated seed
 * nodes with --cluster).
 *
 *   session_vectors FILE [--redis URL[,URL...] [--cluster]]
 *
 * Every scenario runs; each failing "scenario: step" is reported; exit
 * status 1 if any failed. A broken step (unknown op or member, unbound
 * name) is a failure of its scenario.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep, clock_gettime */

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "tessera.h"
#include "vector_common.h"

#define STEP_FIELDS " op data user as id literal expect version patch ms jti exp_in token "
#define OPS                                                                                   \
    " create load save merge touch destroy rotate destroy_user sleep revoke is_revoked "      \
    "issue rotate_refresh revoke_family "

/* ---- the scenario's services and bound names, released after each scenario */

static tessera_store *store;
static tessera_session_manager *manager;
static tessera_denylist *denylist;
static tessera_refresh_tokens *refresh;

static struct {
    char *name;
    char *value; /* from the library: tessera_string_free */
} bound[64];
static size_t n_bound;

static void release_scenario(void)
{
    for (size_t i = 0; i < n_bound; i++) {
        free(bound[i].name);
        tessera_string_free(bound[i].value);
    }
    n_bound = 0;
    tessera_refresh_tokens_free(refresh);
    tessera_denylist_free(denylist);
    tessera_session_manager_free(manager);
    tessera_store_free(store);
    refresh = NULL;
    denylist = NULL;
    manager = NULL;
    store = NULL;
}

/* Binds `name` to `value` (a library string, owned from now on). */
static void bind(const char *name, char *value)
{
    for (size_t i = 0; i < n_bound; i++)
        if (strcmp(bound[i].name, name) == 0) {
            tessera_string_free(bound[i].value);
            bound[i].value = value;
            return;
        }
    if (n_bound == sizeof bound / sizeof *bound) {
        tessera_string_free(value);
        case_fail("too many bound names");
    }
    bound[n_bound].name = strdup(name);
    bound[n_bound].value = value;
    n_bound++;
}

/* ---- step members */

static const json_value *member(const json_value *step, const char *name)
{
    const json_value *v = json_get(step, name);
    if (!v)
        case_fail("missing \"%s\"", name);
    return v;
}

static const char *string(const json_value *step, const char *name)
{
    const json_value *v = member(step, name);
    if (v->type != JSON_STRING || strlen(v->string) != v->len)
        case_fail("\"%s\" must be a string without NUL", name);
    return v->string;
}

static long long int_value(const json_value *v, const char *what)
{
    if (!v || v->type != JSON_NUMBER || v->number != (double)(long long)v->number)
        case_fail("%s must be an integer", what);
    return (long long)v->number;
}

/* `id` / `token`: a bound name, or with "literal": true the text itself. */
static const char *resolve(const json_value *step, const char *name)
{
    const char *s = string(step, name);
    const json_value *literal = json_get(step, "literal");
    if (literal && literal->type == JSON_TRUE)
        return s;
    for (size_t i = 0; i < n_bound; i++)
        if (strcmp(bound[i].name, s) == 0)
            return bound[i].value;
    case_fail("unbound name \"%s\"", s);
    return NULL;
}

/* A JSON member as the text the library takes (malloc'd; NULL if absent). */
static char *json_arg(const json_value *step, const char *name)
{
    const json_value *v = json_get(step, name);
    return v ? json_text(v) : NULL;
}

/* The library's JSON text equals the expected value (as JSON values). */
static void same_json(const char *what, const char *got, const json_value *want)
{
    char err[128];
    json_value *v = json_parse(got, strlen(got), err, sizeof err);
    if (!v)
        case_fail("%s: the library returned JSON that does not parse (%s): %s", what, err, got);
    int same = json_equal(v, want);
    json_free(v);
    if (!same) {
        char *w = json_text(want);
        snprintf(case_msg, sizeof case_msg, "%s: got %s, expected %s", what, got, w);
        free(w);
        longjmp(case_jump, 1);
    }
}

static void expect_bool(const json_value *expect, bool got)
{
    if (!expect || (expect->type != JSON_TRUE && expect->type != JSON_FALSE))
        case_fail("expect must be true or false");
    if (got != (expect->type == JSON_TRUE))
        case_fail("got %s", got ? "true" : "false");
}

/* A status against {"version": n} or {"error": CODE}. */
static void expect_version(const json_value *expect, uint32_t status, uint64_t version)
{
    const json_value *err = json_get(expect, "error");
    if (err) {
        if (err->type != JSON_STRING)
            case_fail("expect.error must be a string");
        if (strcmp(tessera_status_str(status), err->string) != 0)
            case_fail("got %s (%s), expected %s", tessera_status_str(status),
                      status ? tessera_last_error_message() : "ok", err->string);
        return;
    }
    if (status != TESSERA_STATUS_OK)
        case_fail("failed: %s", tessera_last_error_message());
    if ((long long)version != int_value(json_get(expect, "version"), "expect.version"))
        case_fail("got version %llu", (unsigned long long)version);
}

static void must(const char *what, uint32_t status)
{
    if (status != TESSERA_STATUS_OK)
        case_fail("%s failed: %s", what, tessera_last_error_message());
}

static int64_t unix_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

/* ---- one step */

static void run_step(const json_value *step, const char *op)
{
    const json_value *expect = json_get(step, "expect");
    char *id = NULL;
    uint64_t version = 0;
    bool flag = false;
    if (strcmp(op, "create") == 0) {
        char *data = json_arg(step, "data");
        const json_value *user = json_get(step, "user");
        uint32_t st = tessera_session_manager_create(
            manager, data ? data : "null", user ? string(step, "user") : NULL, &id);
        free(data);
        must("create", st);
        bind(string(step, "as"), id);
    } else if (strcmp(op, "load") == 0) {
        const char *sid = resolve(step, "id");
        tessera_session *s = NULL;
        must("load", tessera_session_manager_load(manager, (const uint8_t *)sid, strlen(sid),
                                                  &flag, &s));
        if (!expect)
            case_fail("load needs expect");
        if (expect->type == JSON_NULL) {
            if (flag || s)
                case_fail("found a session, expected none");
            return;
        }
        if (!flag || !s)
            case_fail("no session, expected one");
        const json_value *user = member(expect, "user");
        char got[2048];
        snprintf(got, sizeof got, "%s", tessera_session_data(s));
        uint64_t v = tessera_session_version(s);
        const char *u = tessera_session_user_id(s);
        int user_ok = user->type == JSON_NULL ? u == NULL
                                              : user->type == JSON_STRING && u != NULL &&
                                                    strcmp(u, user->string) == 0;
        tessera_session_free(s);
        same_json("data", got, member(expect, "data"));
        if ((long long)v != int_value(member(expect, "version"), "expect.version"))
            case_fail("got version %llu", (unsigned long long)v);
        if (!user_ok)
            case_fail("user id differs");
    } else if (strcmp(op, "save") == 0) {
        const char *sid = resolve(step, "id");
        char *data = json_arg(step, "data");
        long long want = int_value(member(step, "version"), "version");
        uint32_t st = tessera_session_manager_save(manager, (const uint8_t *)sid, strlen(sid),
                                                   data ? data : "null", (uint64_t)want,
                                                   &version);
        free(data);
        expect_version(expect, st, version);
    } else if (strcmp(op, "merge") == 0) {
        const char *sid = resolve(step, "id");
        char *patch = json_arg(step, "patch");
        uint32_t st = tessera_session_manager_merge(manager, (const uint8_t *)sid, strlen(sid),
                                                    patch ? patch : "null", &version);
        free(patch);
        expect_version(expect, st, version);
    } else if (strcmp(op, "touch") == 0) {
        const char *sid = resolve(step, "id");
        must("touch", tessera_session_manager_touch(manager, (const uint8_t *)sid, strlen(sid),
                                                    &flag));
        expect_bool(expect, flag);
    } else if (strcmp(op, "destroy") == 0) {
        const char *sid = resolve(step, "id");
        must("destroy", tessera_session_manager_destroy(manager, (const uint8_t *)sid,
                                                        strlen(sid), &flag));
        expect_bool(expect, flag);
    } else if (strcmp(op, "rotate") == 0) {
        const char *sid = resolve(step, "id");
        must("rotate", tessera_session_manager_rotate(manager, (const uint8_t *)sid, strlen(sid),
                                                      NULL, &flag, &id));
        if (expect && expect->type == JSON_NULL) {
            if (flag || id) {
                tessera_string_free(id);
                case_fail("rotated, expected no session");
            }
            return;
        }
        if (!flag || !id)
            case_fail("no session to rotate");
        bind(string(step, "as"), id);
    } else if (strcmp(op, "destroy_user") == 0) {
        must("destroy_user",
             tessera_session_manager_destroy_user(manager, string(step, "user"), &version));
        if ((long long)version != int_value(expect, "expect"))
            case_fail("destroyed %llu", (unsigned long long)version);
    } else if (strcmp(op, "sleep") == 0) {
        long long ms = int_value(member(step, "ms"), "ms");
        struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0) {
        }
    } else if (strcmp(op, "revoke") == 0) {
        long long exp_in = int_value(member(step, "exp_in"), "exp_in");
        must("revoke", tessera_denylist_revoke(denylist, string(step, "jti"), unix_now() + exp_in));
    } else if (strcmp(op, "is_revoked") == 0) {
        must("is_revoked", tessera_denylist_is_revoked(denylist, string(step, "jti"), &flag));
        expect_bool(expect, flag);
    } else if (strcmp(op, "issue") == 0) {
        char *data = json_arg(step, "data");
        uint32_t st = tessera_refresh_tokens_issue(refresh, string(step, "user"), data, &id);
        free(data);
        must("issue", st);
        bind(string(step, "as"), id);
    } else if (strcmp(op, "rotate_refresh") == 0) {
        const char *token = resolve(step, "token");
        char *user = NULL, *data = NULL;
        uint32_t st = tessera_refresh_tokens_rotate(refresh, (const uint8_t *)token,
                                                    strlen(token), &user, &data, &id);
        if (!expect)
            case_fail("rotate_refresh needs expect");
        const json_value *err = json_get(expect, "error");
        if (err) {
            if (st == TESSERA_STATUS_OK) {
                tessera_string_free(user);
                tessera_string_free(data);
                tessera_string_free(id);
                case_fail("rotated, expected %s", err->string);
            }
            if (user || data || id)
                case_fail("out-parameters written on failure");
            if (err->type != JSON_STRING || strcmp(tessera_status_str(st), err->string) != 0)
                case_fail("got %s (%s)", tessera_status_str(st), tessera_last_error_message());
            return;
        }
        must("rotate_refresh", st);
        bind(string(step, "as"), id);
        const json_value *want_user = member(expect, "user");
        const json_value *want_data = member(expect, "data");
        int user_ok = want_user->type == JSON_STRING && strcmp(user, want_user->string) == 0;
        char got[2048];
        snprintf(got, sizeof got, "%s", data ? data : "null");
        tessera_string_free(user);
        tessera_string_free(data);
        if (!user_ok)
            case_fail("user differs");
        same_json("data", got, want_data);
    } else if (strcmp(op, "revoke_family") == 0) {
        const char *token = resolve(step, "token");
        must("revoke_family", tessera_refresh_tokens_revoke_family(
                                  refresh, (const uint8_t *)token, strlen(token), &flag));
        expect_bool(expect, flag);
    } else {
        case_fail("unknown op \"%s\"", op);
    }
}

/* ---- one scenario */

static int64_t ms_member(const json_value *sc, const char *name, int optional)
{
    const json_value *v = json_get(sc, name);
    if (optional && v && v->type == JSON_NULL)
        return TESSERA_UNSET;
    return (int64_t)int_value(v, name);
}

/* Redis instead of the memory store, when given. */
static const char *redis_urls[16];
static size_t n_redis_urls;
static uint32_t redis_flags;

static uint32_t fresh_store(size_t scenario)
{
    if (n_redis_urls == 0)
        return tessera_memory_store_new(TESSERA_UNSET, TESSERA_UNSET, &store);
    char prefix[96];
    snprintf(prefix, sizeof prefix, "tessera-c-vectors:%ld:%ld:%zu:", (long)getpid(),
             (long)time(NULL), scenario);
    return tessera_redis_store_new(redis_urls, n_redis_urls, prefix, 4, 2000, 2000, redis_flags,
                                   &store);
}

static int run_scenario(size_t index, const json_value *sc, size_t *steps_run, char *ops_seen)
{
    const json_value *name = json_get(sc, "name");
    const char *title = name && name->type == JSON_STRING ? name->string : "(unnamed)";
    volatile size_t at = 0;
    if (setjmp(case_jump)) {
        fprintf(stderr, "FAIL %s: step %zu: %s\n", title, (size_t)at, case_msg);
        release_scenario();
        return 1;
    }
    must("a fresh store", fresh_store(index));
    must("tessera_session_manager_new",
         tessera_session_manager_new(store, ms_member(sc, "ttl_ms", 0),
                                     ms_member(sc, "idle_ms", 1), &manager));
    must("tessera_denylist_new", tessera_denylist_new(store, &denylist));
    must("tessera_refresh_tokens_new",
         tessera_refresh_tokens_new(store, ms_member(sc, "refresh_ttl_ms", 0), &refresh));
    const json_value *steps = json_get(sc, "steps");
    if (!steps || steps->type != JSON_ARRAY)
        case_fail("no steps");
    for (size_t i = 0; i < steps->count; i++) {
        at = i;
        const json_value *step = &steps->items[i];
        if (step->type != JSON_OBJECT)
            case_fail("a step must be an object");
        for (size_t k = 0; k < step->count; k++)
            if (!listed(STEP_FIELDS, step->names[k]))
                case_fail("unknown member \"%s\"", step->names[k]);
        const char *op = string(step, "op");
        if (!listed(OPS, op))
            case_fail("unknown op \"%s\"", op);
        if (strlen(ops_seen) + strlen(op) + 2 < 512 && !listed(ops_seen, op)) {
            strcat(ops_seen, op);
            strcat(ops_seen, " ");
        }
        run_step(step, op);
        (*steps_run)++;
    }
    release_scenario();
    return 0;
}

int main(int argc, char **argv)
{
    char *urls = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--redis") == 0 && i + 1 < argc && !urls) {
            urls = argv[++i];
            for (char *save = NULL, *u = strtok_r(urls, ",", &save); u && n_redis_urls < 16;
                 u = strtok_r(NULL, ",", &save))
                redis_urls[n_redis_urls++] = u;
        } else if (strcmp(argv[i], "--cluster") == 0) {
            redis_flags |= TESSERA_REDIS_CLUSTER;
        } else {
            argc = 0;
        }
    }
    if (argc < 2 || (redis_flags && !urls)) {
        fprintf(stderr,
                "usage: %s tests/vectors/sessions/scenarios.json [--redis URL[,URL...] "
                "[--cluster]]\n",
                argv[0]);
        return 2;
    }
    size_t len = 0;
    char *text = read_file(argv[1], &len);
    if (!text) {
        perror(argv[1]);
        return 2;
    }
    char err[128];
    json_value *doc = json_parse(text, len, err, sizeof err);
    const json_value *scenarios = doc ? json_get(doc, "scenarios") : NULL;
    if (!scenarios || scenarios->type != JSON_ARRAY || scenarios->count < 6) {
        fprintf(stderr, "%s: no scenarios (%s)\n", argv[1], doc ? "need 6 or more" : err);
        json_free(doc);
        free(text);
        return 2;
    }
    size_t failed = 0, steps = 0;
    char ops_seen[512] = " ";
    for (size_t i = 0; i < scenarios->count; i++)
        failed += (size_t)run_scenario(i, &scenarios->items[i], &steps, ops_seen);
    /* Every op this runner knows occurs in the file. */
    char ops[] = OPS;
    for (char *save = NULL, *op = strtok_r(ops, " ", &save); op; op = strtok_r(NULL, " ", &save))
        if (!listed(ops_seen, op)) {
            fprintf(stderr, "FAIL: no scenario uses op \"%s\"\n", op);
            failed++;
        }
    printf("session vectors (%s): %zu scenarios (%zu steps), %zu failed\n",
           n_redis_urls == 0 ? "memory store"
           : redis_flags     ? "Redis Cluster"
                             : "Redis",
           scenarios->count, steps, failed);
    json_free(doc);
    free(text);
    return failed ? 1 : 0;
}
