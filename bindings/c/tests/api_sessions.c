/*
 * The server-side session functions of the C API (stores, the session
 * manager and loaded sessions, the denylist and a verifier using it, refresh
 * tokens) on the memory store, with NULL and bad arguments, out-parameters
 * left untouched on failure, "no session" answered as OK + found == false,
 * the _free(NULL) no-ops, and a Redis store that cannot answer (nothing
 * listening; a server that never replies) failing with STORE_UNAVAILABLE
 * within its timeouts. Needs no Redis (tests/redis.c is the real-Redis
 * test). scripts/test-c.sh checks that every function in include/tessera.h
 * appears in api.c, api_cookies.c or here.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, sockets */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define SENTINEL ((void *)0x5e5e5e)
#define FAILS(call, want, out)                                                                \
    do {                                                                                      \
        STATUS(call, want);                                                                   \
        CHECK((void *)(out) == SENTINEL);                                                     \
    } while (0)
#define U8(s) ((const uint8_t *)(s))

static const char NOT_UTF8[] = "\xff\xfe";
static const int64_t HOUR_MS = 3600 * 1000;
/* The shape of an id, but no session has it. */
static const char NO_SUCH_ID[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_free_null_and_constants(void)
{
    tessera_store_free(NULL);
    tessera_session_manager_free(NULL);
    tessera_session_free(NULL);
    tessera_denylist_free(NULL);
    tessera_refresh_tokens_free(NULL);
    CHECK(tessera_session_data(NULL) == NULL);
    CHECK(tessera_session_user_id(NULL) == NULL);
    CHECK(tessera_session_version(NULL) == 0);
    CHECK(tessera_session_created_at_ms(NULL) == 0);
    CHECK(tessera_session_expires_at_ms(NULL) == 0);
    CHECK(TESSERA_REDIS_CLUSTER == 1);
}

static void test_memory_store(void)
{
    tessera_store *store = SENTINEL;
    FAILS(tessera_memory_store_new(-1, TESSERA_UNSET, &store), TESSERA_STATUS_INVALID_ARGUMENT,
          store);
    FAILS(tessera_memory_store_new(TESSERA_UNSET, -5, &store), TESSERA_STATUS_INVALID_ARGUMENT,
          store);
    STATUS(tessera_memory_store_new(TESSERA_UNSET, TESSERA_UNSET, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_memory_store_new(TESSERA_UNSET, TESSERA_UNSET, &store));
    OK(tessera_store_ping(store));
    STATUS(tessera_store_ping(NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    tessera_store_free(store);

    /* Bounded: a write past max_entries fails loudly, nothing is evicted. */
    tessera_session_manager *m = NULL;
    char *a = NULL, *b = SENTINEL;
    OK(tessera_memory_store_new(1, TESSERA_UNSET, &store));
    OK(tessera_session_manager_new(store, HOUR_MS, TESSERA_UNSET, &m));
    tessera_store_free(store); /* the manager keeps the store alive */
    OK(tessera_session_manager_create(m, "{\"n\":1}", NULL, &a));
    FAILS(tessera_session_manager_create(m, "{\"n\":2}", NULL, &b),
          TESSERA_STATUS_STORE_UNAVAILABLE, b);
    bool found = false;
    tessera_session *s = NULL;
    OK(tessera_session_manager_load(m, U8(a), strlen(a), &found, &s));
    CHECK(found && s != NULL);
    STREQ(tessera_session_data(s), "{\"n\":1}");
    tessera_session_free(s);
    tessera_string_free(a);
    tessera_session_manager_free(m);

    /* max_bytes counts keys + values + 96 bytes per entry. */
    OK(tessera_memory_store_new(TESSERA_UNSET, 100, &store));
    OK(tessera_session_manager_new(store, HOUR_MS, TESSERA_UNSET, &m));
    b = SENTINEL;
    FAILS(tessera_session_manager_create(m, "{}", NULL, &b), TESSERA_STATUS_STORE_UNAVAILABLE, b);
    tessera_session_manager_free(m);
    tessera_store_free(store);
}

static void test_redis_store_arguments(void)
{
    const char *one[] = {"redis://127.0.0.1:6379/0"};
    const char *two[] = {"redis://127.0.0.1:7000", "redis://127.0.0.1:7001"};
    const char *bad[] = {"http://example.com/"};
    const char *null_entry[] = {NULL};
    const char *not_utf8[] = {NOT_UTF8};
    tessera_store *store = SENTINEL;
#define REDIS_FAILS(urls, n, prefix, pool, ct, io, flags)                                     \
    FAILS(tessera_redis_store_new(urls, n, prefix, pool, ct, io, flags, &store),              \
          TESSERA_STATUS_INVALID_ARGUMENT, store)
    REDIS_FAILS(NULL, 1, NULL, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET, 0);
    REDIS_FAILS(NULL, 0, NULL, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET, 0); /* no URL */
    REDIS_FAILS(null_entry, 1, NULL, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET, 0);
    REDIS_FAILS(not_utf8, 1, NULL, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET, 0);
    REDIS_FAILS(bad, 1, NULL, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET, 0);
    REDIS_FAILS(two, 2, NULL, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET, 0); /* not cluster */
    REDIS_FAILS(one, 1, NOT_UTF8, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET, 0);
    REDIS_FAILS(one, 1, NULL, 0, TESSERA_UNSET, TESSERA_UNSET, 0);
    REDIS_FAILS(one, 1, NULL, -1, TESSERA_UNSET, TESSERA_UNSET, 0);
    REDIS_FAILS(one, 1, NULL, (int64_t)UINT32_MAX + 1, TESSERA_UNSET, TESSERA_UNSET, 0);
    REDIS_FAILS(one, 1, NULL, TESSERA_UNSET, 0, TESSERA_UNSET, 0);
    REDIS_FAILS(one, 1, NULL, TESSERA_UNSET, -100, TESSERA_UNSET, 0);
    REDIS_FAILS(one, 1, NULL, TESSERA_UNSET, TESSERA_UNSET, 0, 0);
    REDIS_FAILS(one, 1, NULL, TESSERA_UNSET, TESSERA_UNSET, -1, 0);
    REDIS_FAILS(one, 1, NULL, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET, 2); /* unknown flag */
#undef REDIS_FAILS
    STATUS(tessera_redis_store_new(one, 1, NULL, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET, 0,
                                   NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    /* Construction never connects: these succeed with no Redis anywhere. */
    OK(tessera_redis_store_new(one, 1, "app:", 4, 1000, 1000, 0, &store));
    tessera_store_free(store);
    OK(tessera_redis_store_new(two, 2, NULL, TESSERA_UNSET, TESSERA_UNSET, TESSERA_UNSET,
                               TESSERA_REDIS_CLUSTER, &store));
    tessera_store_free(store);
}

/* Every service on a store that cannot answer fails loudly, within the
 * timeouts, and leaves its out-parameters alone. */
static void unavailable(tessera_store *store, double limit)
{
    tessera_session_manager *m = NULL;
    tessera_denylist *deny = NULL;
    tessera_refresh_tokens *rt = NULL;
    tessera_keyset *keys = NULL;
    tessera_key *key = NULL;
    tessera_verifier *verifier = NULL;
    OK(tessera_session_manager_new(store, HOUR_MS, TESSERA_UNSET, &m));
    OK(tessera_denylist_new(store, &deny));
    OK(tessera_refresh_tokens_new(store, HOUR_MS, &rt));
    OK(tessera_key_hmac(U8("0123456789abcdef0123456789abcdef"), 32, "HS256", NULL, &key));
    OK(tessera_keyset_new(&keys));
    OK(tessera_keyset_add(keys, key));
    OK(tessera_verifier_new_with_denylist(keys, NULL, deny, &verifier));
    char *token = NULL;
    OK(tessera_jwt_encode(key, "{\"exp\":4102444800,\"jti\":\"j\"}", NULL, &token));

    double t0 = monotonic();
    STATUS(tessera_store_ping(store), TESSERA_STATUS_STORE_UNAVAILABLE);
    CHECK(monotonic() - t0 < limit);
    bool found = true, flag = true;
    tessera_session *s = SENTINEL;
    char *id = SENTINEL, *claims = SENTINEL;
    uint64_t n = 77;
    t0 = monotonic();
    FAILS(tessera_session_manager_load(m, U8(NO_SUCH_ID), 43, &found, &s),
          TESSERA_STATUS_STORE_UNAVAILABLE, s);
    CHECK(found == true); /* untouched: "no session" is never the answer */
    FAILS(tessera_session_manager_create(m, "{}", "u", &id), TESSERA_STATUS_STORE_UNAVAILABLE, id);
    STATUS(tessera_session_manager_destroy_user(m, "u", &n), TESSERA_STATUS_STORE_UNAVAILABLE);
    CHECK(n == 77);
    STATUS(tessera_denylist_is_revoked(deny, "j", &flag), TESSERA_STATUS_STORE_UNAVAILABLE);
    CHECK(flag == true);
    FAILS(tessera_verifier_verify(verifier, U8(token), strlen(token), &claims),
          TESSERA_STATUS_STORE_UNAVAILABLE, claims); /* never "not revoked" */
    FAILS(tessera_refresh_tokens_issue(rt, "u", NULL, &id), TESSERA_STATUS_STORE_UNAVAILABLE, id);
    CHECK(monotonic() - t0 < 6 * limit);

    tessera_string_free(token);
    tessera_verifier_free(verifier);
    tessera_keyset_free(keys);
    tessera_key_free(key);
    tessera_refresh_tokens_free(rt);
    tessera_denylist_free(deny);
    tessera_session_manager_free(m);
}

static void test_redis_unavailable(void)
{
    /* Nothing listens on port 1: refused at once. */
    const char *refused[] = {"redis://127.0.0.1:1/0"};
    tessera_store *store = NULL;
    OK(tessera_redis_store_new(refused, 1, NULL, 2, 200, 200, 0, &store));
    unavailable(store, 3.0);
    tessera_store_free(store);

    /* A server that accepts connections and never answers: each command
     * gives up after io_timeout_ms. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        CHECK(!"could not open a silent listening socket");
        return;
    }
    char url[64];
    snprintf(url, sizeof url, "redis://127.0.0.1:%u/0", (unsigned)ntohs(addr.sin_port));
    const char *silent[] = {url};
    OK(tessera_redis_store_new(silent, 1, NULL, 2, 200, 200, 0, &store));
    unavailable(store, 3.0);
    tessera_store_free(store);
    close(fd);
}

static void test_manager_arguments(tessera_store *store)
{
    tessera_session_manager *m = SENTINEL;
    FAILS(tessera_session_manager_new(NULL, HOUR_MS, TESSERA_UNSET, &m),
          TESSERA_STATUS_INVALID_ARGUMENT, m);
    FAILS(tessera_session_manager_new(store, 0, TESSERA_UNSET, &m),
          TESSERA_STATUS_INVALID_ARGUMENT, m);
    FAILS(tessera_session_manager_new(store, -1, TESSERA_UNSET, &m),
          TESSERA_STATUS_INVALID_ARGUMENT, m);
    FAILS(tessera_session_manager_new(store, HOUR_MS, 0, &m), TESSERA_STATUS_INVALID_ARGUMENT, m);
    FAILS(tessera_session_manager_new(store, HOUR_MS, -2, &m), TESSERA_STATUS_INVALID_ARGUMENT,
          m);
    FAILS(tessera_session_manager_new(store, INT64_MAX, TESSERA_UNSET, &m),
          TESSERA_STATUS_INVALID_ARGUMENT, m); /* the core caps lifetimes at 100 years */
    STATUS(tessera_session_manager_new(store, HOUR_MS, TESSERA_UNSET, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_session_manager_new(store, HOUR_MS, 60000, &m));

    char *id = SENTINEL;
    char long_user[300];
    memset(long_user, 'u', 257);
    long_user[257] = '\0';
    FAILS(tessera_session_manager_create(NULL, "{}", NULL, &id), TESSERA_STATUS_INVALID_ARGUMENT,
          id);
    FAILS(tessera_session_manager_create(m, NULL, NULL, &id), TESSERA_STATUS_INVALID_ARGUMENT, id);
    FAILS(tessera_session_manager_create(m, NOT_UTF8, NULL, &id), TESSERA_STATUS_INVALID_ARGUMENT,
          id);
    FAILS(tessera_session_manager_create(m, "[1]", NULL, &id), TESSERA_STATUS_INVALID_ARGUMENT,
          id);
    FAILS(tessera_session_manager_create(m, "{", NULL, &id), TESSERA_STATUS_INVALID_ARGUMENT, id);
    FAILS(tessera_session_manager_create(m, "{}", "", &id), TESSERA_STATUS_INVALID_ARGUMENT, id);
    FAILS(tessera_session_manager_create(m, "{}", "a\nb", &id), TESSERA_STATUS_INVALID_ARGUMENT,
          id);
    FAILS(tessera_session_manager_create(m, "{}", long_user, &id),
          TESSERA_STATUS_INVALID_ARGUMENT, id);
    FAILS(tessera_session_manager_create(m, "{}", NOT_UTF8, &id), TESSERA_STATUS_INVALID_ARGUMENT,
          id);
    STATUS(tessera_session_manager_create(m, "{}", NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_session_manager_create(m, "{\"k\":1}", "alice", &id));
    size_t n = strlen(id);
    CHECK(n == 43);

    bool found = true, flag = true;
    tessera_session *s = SENTINEL;
    uint64_t version = 99;
    FAILS(tessera_session_manager_load(NULL, U8(id), n, &found, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_session_manager_load(m, NULL, 5, &found, &s), TESSERA_STATUS_INVALID_ARGUMENT,
          s);
    FAILS(tessera_session_manager_load(m, U8(id), n, NULL, &s), TESSERA_STATUS_INVALID_ARGUMENT,
          s);
    STATUS(tessera_session_manager_load(m, U8(id), n, &found, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    CHECK(found == true);
    STATUS(tessera_session_manager_save(NULL, U8(id), n, "{}", 0, &version),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_save(m, U8(id), n, NULL, 0, &version),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_save(m, U8(id), n, "[]", 0, &version),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_save(m, NULL, 3, "{}", 0, &version),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_save(m, U8(id), n, "{}", 0, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_merge(NULL, U8(id), n, "{}", &version),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_merge(m, U8(id), n, NULL, &version),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_merge(m, U8(id), n, "1", &version),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_merge(m, U8(id), n, "{}", NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    CHECK(version == 99);
    STATUS(tessera_session_manager_touch(NULL, U8(id), n, &flag), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_touch(m, U8(id), n, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_destroy(NULL, U8(id), n, &flag),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_destroy(m, NULL, 1, &flag), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_destroy(m, U8(id), n, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    char *new_id = SENTINEL;
    FAILS(tessera_session_manager_rotate(NULL, U8(id), n, NULL, &found, &new_id),
          TESSERA_STATUS_INVALID_ARGUMENT, new_id);
    FAILS(tessera_session_manager_rotate(m, U8(id), n, NULL, NULL, &new_id),
          TESSERA_STATUS_INVALID_ARGUMENT, new_id);
    STATUS(tessera_session_manager_rotate(m, U8(id), n, NULL, &found, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_session_manager_rotate(m, U8(id), n, "", &found, &new_id),
          TESSERA_STATUS_INVALID_ARGUMENT, new_id);
    FAILS(tessera_session_manager_rotate(m, U8(id), n, NOT_UTF8, &found, &new_id),
          TESSERA_STATUS_INVALID_ARGUMENT, new_id);
    FAILS(tessera_session_manager_rotate(m, U8(id), n, long_user, &found, &new_id),
          TESSERA_STATUS_INVALID_ARGUMENT, new_id);
    tessera_session *saved = SENTINEL;
    FAILS(tessera_session_manager_save_changes(NULL, U8(id), n, "{}", "{}", &saved),
          TESSERA_STATUS_INVALID_ARGUMENT, saved);
    FAILS(tessera_session_manager_save_changes(m, U8(id), n, NULL, "{}", &saved),
          TESSERA_STATUS_INVALID_ARGUMENT, saved);
    FAILS(tessera_session_manager_save_changes(m, U8(id), n, "{}", NULL, &saved),
          TESSERA_STATUS_INVALID_ARGUMENT, saved);
    FAILS(tessera_session_manager_save_changes(m, U8(id), n, "[]", "{}", &saved),
          TESSERA_STATUS_INVALID_ARGUMENT, saved);
    FAILS(tessera_session_manager_save_changes(m, U8(id), n, "{}", "1", &saved),
          TESSERA_STATUS_INVALID_ARGUMENT, saved);
    FAILS(tessera_session_manager_save_changes(m, U8(id), n, "{}", NOT_UTF8, &saved),
          TESSERA_STATUS_INVALID_ARGUMENT, saved);
    STATUS(tessera_session_manager_save_changes(m, U8(id), n, "{}", "{}", NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    uint64_t count = 5;
    STATUS(tessera_session_manager_destroy_user(NULL, "alice", &count),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_destroy_user(m, NULL, &count), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_destroy_user(m, "", &count), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_destroy_user(m, long_user, &count),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_session_manager_destroy_user(m, "alice", NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    CHECK(count == 5);
    /* None of that touched the session. */
    OK(tessera_session_manager_load(m, U8(id), n, &found, &s));
    CHECK(found && tessera_session_version(s) == 0);
    tessera_session_free(s);
    tessera_string_free(id);
    tessera_session_manager_free(m);
}

static void test_manager_lifecycle(tessera_store *store)
{
    tessera_session_manager *m = NULL;
    OK(tessera_session_manager_new(store, HOUR_MS, TESSERA_UNSET, &m));
    char *id = NULL, *anon = NULL;
    int64_t before = now_ms();
    OK(tessera_session_manager_create(m, "{\"cart\":[1,2],\"name\":\"J\\u00fcrgen\"}", "bob", &id));
    OK(tessera_session_manager_create(m, "{}", NULL, &anon));
    int64_t after = now_ms();
    size_t n = strlen(id);

    bool found = false;
    tessera_session *s = NULL;
    OK(tessera_session_manager_load(m, U8(id), n, &found, &s));
    CHECK(found);
    STREQ(tessera_session_data(s), "{\"cart\":[1,2],\"name\":\"J\\u00fcrgen\"}"); /* as given */
    STREQ(tessera_session_user_id(s), "bob");
    CHECK(tessera_session_version(s) == 0);
    int64_t created = tessera_session_created_at_ms(s);
    CHECK(created >= before && created <= after);
    CHECK(tessera_session_expires_at_ms(s) == created + HOUR_MS);
    tessera_session_free(s);
    OK(tessera_session_manager_load(m, U8(anon), strlen(anon), &found, &s));
    CHECK(found && tessera_session_user_id(s) == NULL);
    tessera_session_free(s);

    /* Not a session: OK, found == false, *session_out == NULL. */
    const char *absent[] = {"", "not-a-session-id", NO_SUCH_ID, NOT_UTF8, "../../etc/passwd"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++) {
        found = true;
        s = SENTINEL;
        OK(tessera_session_manager_load(m, U8(absent[i]), strlen(absent[i]), &found, &s));
        CHECK(!found && s == NULL);
        bool touched = true, destroyed = true;
        OK(tessera_session_manager_touch(m, U8(absent[i]), strlen(absent[i]), &touched));
        OK(tessera_session_manager_destroy(m, U8(absent[i]), strlen(absent[i]), &destroyed));
        CHECK(!touched && !destroyed);
    }
    found = true;
    s = SENTINEL;
    OK(tessera_session_manager_load(m, NULL, 0, &found, &s)); /* the empty id */
    CHECK(!found && s == NULL);

    /* Versioned saves: the second writer of version 0 loses loudly. */
    uint64_t version = 99;
    OK(tessera_session_manager_save(m, U8(id), n, "{\"cart\":[]}", 0, &version));
    CHECK(version == 1);
    version = 99;
    STATUS(tessera_session_manager_save(m, U8(id), n, "{\"lost\":\"update\"}", 0, &version),
           TESSERA_STATUS_SESSION_CONFLICT);
    CHECK(version == 99);
    STATUS(tessera_session_manager_save(m, U8(NO_SUCH_ID), 43, "{}", 0, &version),
           TESSERA_STATUS_SESSION_NOT_FOUND);
    OK(tessera_session_manager_merge(m, U8(id), n, "{\"theme\":\"dark\",\"cart\":null}", &version));
    CHECK(version == 2);
    STATUS(tessera_session_manager_merge(m, U8(NO_SUCH_ID), 43, "{}", &version),
           TESSERA_STATUS_SESSION_NOT_FOUND);
    OK(tessera_session_manager_load(m, U8(id), n, &found, &s));
    STREQ(tessera_session_data(s), "{\"theme\":\"dark\"}");
    CHECK(tessera_session_version(s) == 2);
    tessera_session_free(s);

    bool touched = false;
    OK(tessera_session_manager_touch(m, U8(id), n, &touched));
    CHECK(touched);

    /* Two requests loaded version 2; one saved first; the other's changes
     * land on top with save_changes (the merge answer to a conflict). */
    OK(tessera_session_manager_save(m, U8(id), n, "{\"theme\":\"dark\",\"a\":1}", 2, &version));
    CHECK(version == 3);
    tessera_session *saved = SENTINEL;
    FAILS(tessera_session_manager_save_changes(m, U8(NO_SUCH_ID), 43, "{}", "{}", &saved),
          TESSERA_STATUS_SESSION_NOT_FOUND, saved);
    OK(tessera_session_manager_save_changes(m, U8(id), n, "{\"theme\":\"dark\"}",
                                            "{\"b\":2}", &saved));
    STREQ(tessera_session_data(saved), "{\"a\":1,\"b\":2}"); /* theme removed, b set, a kept */
    CHECK(tessera_session_version(saved) == 4);
    STREQ(tessera_session_user_id(saved), "bob");
    tessera_session_free(saved);
    OK(tessera_session_manager_load(m, U8(id), n, &found, &s));
    STREQ(tessera_session_data(s), "{\"a\":1,\"b\":2}");
    tessera_session_free(s);

    /* Rotation: new id, same session; the old id is gone. */
    char *new_id = NULL;
    OK(tessera_session_manager_rotate(m, U8(id), n, NULL, &found, &new_id));
    CHECK(found && new_id && strlen(new_id) == 43 && strcmp(new_id, id) != 0);
    OK(tessera_session_manager_load(m, U8(id), n, &found, &s));
    CHECK(!found);
    OK(tessera_session_manager_load(m, U8(new_id), strlen(new_id), &found, &s));
    CHECK(found && tessera_session_version(s) == 4);
    STREQ(tessera_session_user_id(s), "bob");
    tessera_session_free(s);
    char *none = SENTINEL;
    found = true;
    OK(tessera_session_manager_rotate(m, U8(id), n, NULL, &found, &none));
    CHECK(!found && none == NULL);
    none = SENTINEL;
    OK(tessera_session_manager_rotate(m, U8(id), n, "bob", &found, &none));
    CHECK(!found && none == NULL);

    /* Log-in on an anonymous session: rotated to the user, same data. */
    char *guest = NULL, *logged_in = NULL;
    OK(tessera_session_manager_create(m, "{\"cart\":[7]}", NULL, &guest));
    OK(tessera_session_manager_rotate(m, U8(guest), strlen(guest), "bob", &found, &logged_in));
    CHECK(found && logged_in != NULL);
    OK(tessera_session_manager_load(m, U8(guest), strlen(guest), &found, &s));
    CHECK(!found);
    OK(tessera_session_manager_load(m, U8(logged_in), strlen(logged_in), &found, &s));
    CHECK(found);
    STREQ(tessera_session_data(s), "{\"cart\":[7]}");
    STREQ(tessera_session_user_id(s), "bob");
    tessera_session_free(s);
    tessera_string_free(guest);

    /* Log out everywhere: only bob's sessions. */
    char *other = NULL;
    OK(tessera_session_manager_create(m, "{}", "bob", &other));
    uint64_t count = 0;
    OK(tessera_session_manager_destroy_user(m, "bob", &count));
    CHECK(count == 3); /* rotated, created for bob, logged in as bob */
    OK(tessera_session_manager_destroy_user(m, "bob", &count));
    CHECK(count == 0);
    OK(tessera_session_manager_load(m, U8(other), strlen(other), &found, &s));
    CHECK(!found);
    OK(tessera_session_manager_load(m, U8(logged_in), strlen(logged_in), &found, &s));
    CHECK(!found);
    tessera_string_free(logged_in);
    OK(tessera_session_manager_load(m, U8(anon), strlen(anon), &found, &s));
    CHECK(found);
    tessera_session_free(s);

    bool destroyed = false;
    OK(tessera_session_manager_destroy(m, U8(anon), strlen(anon), &destroyed));
    CHECK(destroyed);
    OK(tessera_session_manager_destroy(m, U8(anon), strlen(anon), &destroyed));
    CHECK(!destroyed);

    tessera_string_free(other);
    tessera_string_free(new_id);
    tessera_string_free(anon);
    tessera_string_free(id);
    tessera_session_manager_free(m);
}

static void test_denylist(tessera_store *store)
{
    tessera_denylist *deny = SENTINEL;
    FAILS(tessera_denylist_new(NULL, &deny), TESSERA_STATUS_INVALID_ARGUMENT, deny);
    STATUS(tessera_denylist_new(store, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_denylist_new(store, &deny));
    int64_t in_an_hour = now_ms() / 1000 + 3600;
    STATUS(tessera_denylist_revoke(NULL, "j", in_an_hour), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_denylist_revoke(deny, NULL, in_an_hour), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_denylist_revoke(deny, "", in_an_hour), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_denylist_revoke(deny, "a\tb", in_an_hour), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_denylist_revoke(deny, NOT_UTF8, in_an_hour), TESSERA_STATUS_INVALID_ARGUMENT);
    bool revoked = true;
    STATUS(tessera_denylist_is_revoked(NULL, "j", &revoked), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_denylist_is_revoked(deny, NULL, &revoked), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_denylist_is_revoked(deny, "j", NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    CHECK(revoked == true);

    OK(tessera_denylist_is_revoked(deny, "token-1", &revoked));
    CHECK(!revoked);
    OK(tessera_denylist_revoke(deny, "token-1", in_an_hour));
    OK(tessera_denylist_is_revoked(deny, "token-1", &revoked));
    CHECK(revoked);
    OK(tessera_denylist_is_revoked(deny, "token-2", &revoked));
    CHECK(!revoked);
    OK(tessera_denylist_is_revoked(deny, "", &revoked)); /* no such entry can exist */
    CHECK(!revoked);
    OK(tessera_denylist_revoke(deny, "long-dead", 1000)); /* nothing stored */
    OK(tessera_denylist_is_revoked(deny, "long-dead", &revoked));
    CHECK(!revoked);

    /* A verifier with the denylist. */
    tessera_key *key = NULL;
    tessera_keyset *keys = NULL;
    tessera_verifier *v = SENTINEL;
    OK(tessera_key_hmac(U8("0123456789abcdef0123456789abcdef"), 32, "HS256", NULL, &key));
    OK(tessera_keyset_new(&keys));
    FAILS(tessera_verifier_new_with_denylist(keys, NULL, deny, &v),
          TESSERA_STATUS_INVALID_ARGUMENT, v); /* empty key set */
    OK(tessera_keyset_add(keys, key));
    FAILS(tessera_verifier_new_with_denylist(NULL, NULL, deny, &v),
          TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new_with_denylist(keys, NULL, NULL, &v),
          TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new_with_denylist(keys, "{\"bogus\":1}", deny, &v),
          TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new_with_denylist(keys, NOT_UTF8, deny, &v),
          TESSERA_STATUS_INVALID_ARGUMENT, v);
    STATUS(tessera_verifier_new_with_denylist(keys, NULL, deny, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_verifier_new_with_denylist(keys, "{\"leeway\":5}", deny, &v));
    tessera_keyset_free(keys); /* the verifier copied it */

    char *live = NULL, *no_jti = NULL, *expired = NULL, *claims = SENTINEL;
    OK(tessera_jwt_encode(key, "{\"sub\":\"u\",\"exp\":4102444800,\"jti\":\"t-9\"}", NULL, &live));
    OK(tessera_jwt_encode(key, "{\"sub\":\"u\",\"exp\":4102444800}", NULL, &no_jti));
    OK(tessera_jwt_encode(key, "{\"exp\":1000,\"jti\":\"t-9\"}", NULL, &expired));
    OK(tessera_verifier_verify(v, U8(live), strlen(live), &claims));
    STREQ(claims, "{\"sub\":\"u\",\"exp\":4102444800,\"jti\":\"t-9\"}");
    tessera_string_free(claims);
    claims = SENTINEL;
    FAILS(tessera_verifier_verify(v, U8(no_jti), strlen(no_jti), &claims),
          TESSERA_STATUS_MISSING_CLAIM, claims);
    STREQ(tessera_last_error_claim(), "jti");
    OK(tessera_denylist_revoke(deny, "t-9", 4102444800));
    tessera_denylist_free(deny); /* the verifier keeps it */
    FAILS(tessera_verifier_verify(v, U8(live), strlen(live), &claims), TESSERA_STATUS_REVOKED,
          claims);
    STREQ(tessera_last_error_claim(), "jti");
    tessera_claims *c = SENTINEL;
    FAILS(tessera_verifier_verify_claims(v, U8(live), strlen(live), &c), TESSERA_STATUS_REVOKED,
          c);
    /* Other checks come first: an expired revoked token is EXPIRED. */
    FAILS(tessera_verifier_verify(v, U8(expired), strlen(expired), &claims),
          TESSERA_STATUS_EXPIRED, claims);
    tessera_string_free(expired);
    tessera_string_free(no_jti);
    tessera_string_free(live);
    tessera_verifier_free(v);
    tessera_key_free(key);
}

static void test_refresh_tokens(tessera_store *store)
{
    tessera_refresh_tokens *rt = SENTINEL;
    FAILS(tessera_refresh_tokens_new(NULL, HOUR_MS, &rt), TESSERA_STATUS_INVALID_ARGUMENT, rt);
    FAILS(tessera_refresh_tokens_new(store, 0, &rt), TESSERA_STATUS_INVALID_ARGUMENT, rt);
    FAILS(tessera_refresh_tokens_new(store, -1, &rt), TESSERA_STATUS_INVALID_ARGUMENT, rt);
    STATUS(tessera_refresh_tokens_new(store, HOUR_MS, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_refresh_tokens_new(store, HOUR_MS, &rt));

    char *t0 = SENTINEL;
    FAILS(tessera_refresh_tokens_issue(NULL, "bob", NULL, &t0), TESSERA_STATUS_INVALID_ARGUMENT,
          t0);
    FAILS(tessera_refresh_tokens_issue(rt, NULL, NULL, &t0), TESSERA_STATUS_INVALID_ARGUMENT, t0);
    FAILS(tessera_refresh_tokens_issue(rt, "", NULL, &t0), TESSERA_STATUS_INVALID_ARGUMENT, t0);
    FAILS(tessera_refresh_tokens_issue(rt, "bob", "[]", &t0), TESSERA_STATUS_INVALID_ARGUMENT, t0);
    FAILS(tessera_refresh_tokens_issue(rt, "bob", NOT_UTF8, &t0), TESSERA_STATUS_INVALID_ARGUMENT,
          t0);
    STATUS(tessera_refresh_tokens_issue(rt, "bob", NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_refresh_tokens_issue(rt, "bob", "{\"device\":\"phone\"}", &t0));
    CHECK(strlen(t0) == 43);

    char *user = SENTINEL, *data = SENTINEL, *t1 = SENTINEL;
#define ROTATE_FAILS(svc, tok, len, want)                                                     \
    do {                                                                                      \
        STATUS(tessera_refresh_tokens_rotate(svc, tok, len, &user, &data, &t1), want);        \
        CHECK(user == SENTINEL && data == SENTINEL && t1 == SENTINEL);                        \
    } while (0)
    ROTATE_FAILS(NULL, U8(t0), 43, TESSERA_STATUS_INVALID_ARGUMENT);
    ROTATE_FAILS(rt, NULL, 43, TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_refresh_tokens_rotate(rt, U8(t0), 43, NULL, &data, &t1),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_refresh_tokens_rotate(rt, U8(t0), 43, &user, NULL, &t1),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_refresh_tokens_rotate(rt, U8(t0), 43, &user, &data, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    ROTATE_FAILS(rt, U8("garbage"), 7, TESSERA_STATUS_MALFORMED);
    ROTATE_FAILS(rt, U8(NOT_UTF8), 2, TESSERA_STATUS_MALFORMED);
    ROTATE_FAILS(rt, NULL, 0, TESSERA_STATUS_MALFORMED);
    ROTATE_FAILS(rt, U8(NO_SUCH_ID), 43, TESSERA_STATUS_SESSION_NOT_FOUND);

    OK(tessera_refresh_tokens_rotate(rt, U8(t0), 43, &user, &data, &t1));
    STREQ(user, "bob");
    STREQ(data, "{\"device\":\"phone\"}");
    CHECK(strlen(t1) == 43 && strcmp(t0, t1) != 0);
    tessera_string_free(user);
    tessera_string_free(data);
    char *t2 = NULL;
    OK(tessera_refresh_tokens_rotate(rt, U8(t1), 43, &user, &data, &t2));
    tessera_string_free(user);
    tessera_string_free(data);
    /* t0 again: reuse. The family is revoked: t2 fails as well. */
    char *t1_kept = t1;
    user = data = t1 = SENTINEL;
    ROTATE_FAILS(rt, U8(t0), 43, TESSERA_STATUS_REFRESH_TOKEN_REUSED);
    ROTATE_FAILS(rt, U8(t2), 43, TESSERA_STATUS_REFRESH_TOKEN_REUSED);

    /* No data: *data_json_out is NULL. revoke_family: REVOKED afterwards. */
    char *c0 = NULL, *c1 = NULL;
    OK(tessera_refresh_tokens_issue(rt, "carol", NULL, &c0));
    OK(tessera_refresh_tokens_rotate(rt, U8(c0), 43, &user, &data, &c1));
    STREQ(user, "carol");
    CHECK(data == NULL);
    tessera_string_free(user);
    bool revoked = false;
    STATUS(tessera_refresh_tokens_revoke_family(NULL, U8(c0), 43, &revoked),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_refresh_tokens_revoke_family(rt, NULL, 43, &revoked),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_refresh_tokens_revoke_family(rt, U8(c0), 43, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_refresh_tokens_revoke_family(rt, U8(c0), 43, &revoked)); /* a retired token */
    CHECK(revoked);
    user = data = t1 = SENTINEL;
    ROTATE_FAILS(rt, U8(c1), 43, TESSERA_STATUS_REVOKED);
    OK(tessera_refresh_tokens_revoke_family(rt, U8(NO_SUCH_ID), 43, &revoked));
    CHECK(!revoked);
    revoked = true;
    OK(tessera_refresh_tokens_revoke_family(rt, U8(NOT_UTF8), 2, &revoked));
    CHECK(!revoked);

    /* revoke_user: every live family of a user. */
    uint64_t families = 99;
    STATUS(tessera_refresh_tokens_revoke_user(NULL, "dave", &families),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_refresh_tokens_revoke_user(rt, NULL, &families),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_refresh_tokens_revoke_user(rt, "", &families), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_refresh_tokens_revoke_user(rt, "dave", NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    CHECK(families == 99);
    char *phone = NULL, *laptop = NULL, *erin = NULL;
    OK(tessera_refresh_tokens_issue(rt, "dave", NULL, &phone));
    OK(tessera_refresh_tokens_issue(rt, "dave", NULL, &laptop));
    OK(tessera_refresh_tokens_issue(rt, "erin", NULL, &erin));
    OK(tessera_refresh_tokens_revoke_user(rt, "dave", &families));
    CHECK(families == 2);
    user = data = t1 = SENTINEL;
    ROTATE_FAILS(rt, U8(phone), 43, TESSERA_STATUS_REVOKED);
    ROTATE_FAILS(rt, U8(laptop), 43, TESSERA_STATUS_REVOKED);
    OK(tessera_refresh_tokens_revoke_user(rt, "dave", &families));
    CHECK(families == 0);
    char *next = NULL;
    OK(tessera_refresh_tokens_rotate(rt, U8(erin), 43, &user, &data, &next)); /* not erin's */
    tessera_string_free(user);
    tessera_string_free(next);
    tessera_string_free(erin);
    tessera_string_free(laptop);
    tessera_string_free(phone);
#undef ROTATE_FAILS
    tessera_string_free(c1);
    tessera_string_free(c0);
    tessera_string_free(t2);
    tessera_string_free(t1_kept);
    tessera_string_free(t0);
    tessera_refresh_tokens_free(rt);
}

int main(void)
{
    test_free_null_and_constants();
    test_memory_store();
    test_redis_store_arguments();
    test_redis_unavailable();
    tessera_store *store = NULL;
    OK(tessera_memory_store_new(TESSERA_UNSET, TESSERA_UNSET, &store));
    test_manager_arguments(store);
    test_manager_lifecycle(store);
    test_denylist(store);
    test_refresh_tokens(store);
    tessera_store_free(store);
    if (check_failures) {
        printf("api_sessions: %d checks failed\n", check_failures);
        return 1;
    }
    printf("api_sessions: all checks passed\n");
    return 0;
}
