/*
 * crosslang — drive Tessera's server-side sessions from C against a shared
 * Redis, for cross-language tests (a session created by Python or Node is
 * loaded, rotated and destroyed from C, and the other way round). Built by
 * scripts/test-c.sh as $CARGO_TARGET_DIR/c-tests/crosslang (default
 * target/c-tests/crosslang), or on its own with
 * bindings/c/tests/build-crosslang.sh.
 *
 *   crosslang [OPTIONS] REDIS-URL[,URL...] OP [ARGS...]
 *
 * OPTIONS: --prefix P (default "tessera:", as every binding), --cluster
 * (the URLs are Cluster seed nodes), --ttl-ms N (default 3600000),
 * --idle-ms N (default: none).
 *
 * OP and what it prints on stdout (one JSON object, then a newline):
 *   create DATA-JSON [USER]  {"id":"…"}
 *   load ID                  {"found":true,"data":{…},"version":N,"user":"…"|null,
 *                             "created":MS,"expires":MS} or {"found":false}
 *   save ID DATA-JSON VERSION {"version":N}
 *   rotate ID [USER]         {"found":true,"id":"…"} or {"found":false}; with USER
 *                            the session becomes that user's (log-in)
 *   destroy ID               {"destroyed":true|false}
 *   destroy_user USER        {"count":N}
 *   ping                     {"ok":true}
 *
 * Exit status 0 on success; 1 on a Tessera failure, printed as
 * {"error":"CODE","message":"…"} (e.g. STORE_UNAVAILABLE, SESSION_CONFLICT);
 * 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tessera.h"

static void usage(void)
{
    fprintf(stderr, "usage: crosslang [--prefix P] [--cluster] [--ttl-ms N] [--idle-ms N] "
                    "REDIS-URL[,URL...] OP [ARGS...]\n"
                    "  OP: create DATA-JSON [USER] | load ID | save ID DATA-JSON VERSION |\n"
                    "      rotate ID [USER] | destroy ID | destroy_user USER | ping\n");
    exit(2);
}

/* A JSON string literal. */
static void put_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static int failed(uint32_t status)
{
    const char *msg = tessera_last_error_message();
    printf("{\"error\":");
    put_string(tessera_status_str(status));
    printf(",\"message\":");
    put_string(msg ? msg : "");
    printf("}\n");
    return 1;
}

static int64_t number(const char *s)
{
    char *end = NULL;
    long long n = strtoll(s, &end, 10);
    if (!*s || *end)
        usage();
    return (int64_t)n;
}

static int run(const tessera_store *store, int64_t ttl_ms, int64_t idle_ms, const char *op,
               int argc, char **argv)
{
    tessera_session_manager *m = NULL;
    uint32_t st = tessera_session_manager_new(store, ttl_ms, idle_ms, &m);
    if (st)
        return failed(st);
    int rc = 0;
    bool found = false;
    const uint8_t *id = argc > 0 ? (const uint8_t *)argv[0] : NULL;
    size_t id_len = argc > 0 ? strlen(argv[0]) : 0;
    if (strcmp(op, "ping") == 0 && argc == 0) {
        if ((st = tessera_store_ping(store)) == 0)
            printf("{\"ok\":true}\n");
    } else if (strcmp(op, "create") == 0 && (argc == 1 || argc == 2)) {
        char *new_id = NULL;
        if ((st = tessera_session_manager_create(m, argv[0], argc == 2 ? argv[1] : NULL,
                                                 &new_id)) == 0) {
            printf("{\"id\":");
            put_string(new_id);
            printf("}\n");
            tessera_string_free(new_id);
        }
    } else if (strcmp(op, "load") == 0 && argc == 1) {
        tessera_session *s = NULL;
        if ((st = tessera_session_manager_load(m, id, id_len, &found, &s)) == 0) {
            if (found) {
                const char *user = tessera_session_user_id(s);
                printf("{\"found\":true,\"data\":%s,\"version\":%" PRIu64 ",\"user\":",
                       tessera_session_data(s), tessera_session_version(s));
                if (user)
                    put_string(user);
                else
                    printf("null");
                printf(",\"created\":%" PRId64 ",\"expires\":%" PRId64 "}\n",
                       tessera_session_created_at_ms(s), tessera_session_expires_at_ms(s));
            } else {
                printf("{\"found\":false}\n");
            }
            tessera_session_free(s);
        }
    } else if (strcmp(op, "save") == 0 && argc == 3) {
        int64_t version = number(argv[2]);
        uint64_t new_version = 0;
        if (version < 0)
            usage();
        if ((st = tessera_session_manager_save(m, id, id_len, argv[1], (uint64_t)version,
                                               &new_version)) == 0)
            printf("{\"version\":%" PRIu64 "}\n", new_version);
    } else if (strcmp(op, "rotate") == 0 && (argc == 1 || argc == 2)) {
        char *new_id = NULL;
        if ((st = tessera_session_manager_rotate(m, id, id_len, argc == 2 ? argv[1] : NULL, &found,
                                                 &new_id)) == 0) {
            if (found) {
                printf("{\"found\":true,\"id\":");
                put_string(new_id);
                printf("}\n");
            } else {
                printf("{\"found\":false}\n");
            }
            tessera_string_free(new_id);
        }
    } else if (strcmp(op, "destroy") == 0 && argc == 1) {
        if ((st = tessera_session_manager_destroy(m, id, id_len, &found)) == 0)
            printf("{\"destroyed\":%s}\n", found ? "true" : "false");
    } else if (strcmp(op, "destroy_user") == 0 && argc == 1) {
        uint64_t count = 0;
        if ((st = tessera_session_manager_destroy_user(m, argv[0], &count)) == 0)
            printf("{\"count\":%" PRIu64 "}\n", count);
    } else {
        tessera_session_manager_free(m);
        usage();
    }
    if (st)
        rc = failed(st);
    tessera_session_manager_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    const char *prefix = NULL;
    uint32_t flags = 0;
    int64_t ttl_ms = 3600000, idle_ms = TESSERA_UNSET;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--cluster") == 0)
            flags |= TESSERA_REDIS_CLUSTER;
        else if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc)
            prefix = argv[++i];
        else if (strcmp(argv[i], "--ttl-ms") == 0 && i + 1 < argc)
            ttl_ms = number(argv[++i]);
        else if (strcmp(argv[i], "--idle-ms") == 0 && i + 1 < argc)
            idle_ms = number(argv[++i]);
        else
            usage();
    }
    if (argc - i < 2)
        usage();
    char *list = argv[i], *urls[16];
    size_t n = 0;
    for (char *save = NULL, *u = strtok_r(list, ",", &save); u && n < 16;
         u = strtok_r(NULL, ",", &save))
        urls[n++] = u;
    tessera_store *store = NULL;
    uint32_t st = tessera_redis_store_new((const char *const *)urls, n, prefix, TESSERA_UNSET,
                                          TESSERA_UNSET, TESSERA_UNSET, flags, &store);
    if (st)
        return failed(st);
    int rc = run(store, ttl_ms, idle_ms, argv[i + 1], argc - i - 2, argv + i + 2);
    tessera_store_free(store);
    return rc;
}
