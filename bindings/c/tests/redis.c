/*
 * Server-side sessions from C on a real Redis, standalone
 * (TESSERA_REDIS_URL) and Cluster (TESSERA_REDIS_CLUSTER_URLS, comma-
 * separated seed nodes), both started by tests/redis/with-redis:
 *
 *   - the key layout of docs/sessions.md, read from outside the library
 *     with a small Redis client (resp.h): s:<sha256(id)> records, the u:<user>
 *     index, d:<jti>, r:<sha256(token)> and f:<family>, their TTLs, and no
 *     key holding a raw id or token;
 *   - a record written by hand (as another language would) is loaded, saved
 *     and destroyed through the library; garbage, a record of another format
 *     version and a key of the wrong type are MALFORMED, never "no session";
 *   - two stores on the same prefix (two processes) share sessions; another
 *     prefix sees none;
 *   - the concurrency checks of concurrency.h: many threads creating and
 *     saving, and one refresh token rotated by every thread at once (exactly
 *     one winner).
 *
 * Without the variables the test is skipped (exit 0), unless
 * TESSERA_REQUIRE_REDIS=1: then a missing Redis is a failure.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, strtok_r, pthread barriers, getaddrinfo */

#include <time.h>

#include "concurrency.h"
#include "json.h"
#include "resp.h"

/* ---- a direct client: commands on the node holding the key (following -MOVED) */

#define MAX_NODES 16

typedef struct {
    size_t n;
    char host[MAX_NODES][64];
    int port[MAX_NODES];
    resp_conn *conn[MAX_NODES];
    int db;
} direct;

static resp_conn *node_conn(direct *d, size_t i)
{
    if (!d->conn[i]) {
        d->conn[i] = resp_connect(d->host[i], d->port[i]);
        if (d->conn[i] && d->db != 0) {
            char db[16];
            snprintf(db, sizeof db, "%d", d->db);
            const char *select[] = {"SELECT", db};
            resp_free(resp_command(d->conn[i], 2, select));
        }
    }
    return d->conn[i];
}

static size_t node_index(direct *d, const char *host, int port)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->port[i] == port && strcmp(d->host[i], host) == 0)
            return i;
    if (d->n == MAX_NODES)
        abort();
    snprintf(d->host[d->n], sizeof d->host[d->n], "%s", host);
    d->port[d->n] = port;
    return d->n++;
}

static int direct_open(direct *d, char **urls, size_t n)
{
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < n; i++) {
        char host[64];
        int port, db;
        if (resp_parse_url(urls[i], host, sizeof host, &port, &db) != 0)
            return -1;
        d->db = db;
        node_index(d, host, port);
    }
    return 0;
}

static void direct_close(direct *d)
{
    for (size_t i = 0; i < d->n; i++)
        resp_close(d->conn[i]);
}

/* A command whose argv[1] is a key; NULL if Redis cannot be reached. */
static resp *direct_command(direct *d, int argc, const char *const *argv)
{
    size_t node = 0;
    for (int hop = 0; hop < 5; hop++) {
        resp_conn *c = node_conn(d, node);
        resp *r = c ? resp_command(c, argc, argv) : NULL;
        if (!r || r->type != R_ERROR || strncmp(r->str, "MOVED ", 6) != 0)
            return r;
        /* "MOVED <slot> <host>:<port>" */
        char *addr = strrchr(r->str, ' ') + 1, *colon = strrchr(addr, ':');
        *colon = '\0';
        node = node_index(d, addr, atoi(colon + 1));
        resp_free(r);
    }
    return NULL;
}

static resp *cmd2(direct *d, const char *a, const char *b)
{
    const char *argv[] = {a, b};
    return direct_command(d, 2, argv);
}

/* Every key matching `pattern` on every node (KEYS: test servers only). */
static resp *all_keys(direct *d, const char *pattern, size_t node)
{
    const char *argv[] = {"KEYS", pattern};
    resp_conn *c = node_conn(d, node);
    return c ? resp_command(c, 2, argv) : NULL;
}

/* ---- helpers */

static char prefix[96];
static int failures;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void key_of(char *out, size_t len, const char *kind, const char *secret)
{
    char hex[65];
    sha256_hex(secret, hex);
    snprintf(out, len, "%s%s:%s", prefix, kind, hex);
}

/* GET key → parsed JSON (caller frees; `text` keeps the raw bytes alive). */
static json_value *get_json(direct *d, const char *key, char **text)
{
    resp *r = cmd2(d, "GET", key);
    *text = NULL;
    if (!r || r->type != R_BULK) {
        fprintf(stderr, "GET %s: no value\n", key);
        resp_free(r);
        return NULL;
    }
    *text = strdup(r->str);
    resp_free(r);
    char err[128];
    json_value *v = json_parse(*text, strlen(*text), err, sizeof err);
    if (!v)
        fprintf(stderr, "GET %s: not JSON (%s): %s\n", key, err, *text);
    return v;
}

static long long pttl(direct *d, const char *key)
{
    resp *r = cmd2(d, "PTTL", key);
    long long t = r && r->type == R_INT ? r->integer : -100;
    resp_free(r);
    return t;
}

static int members_are(const json_value *obj, const char *names)
{
    char buf[256];
    size_t want = 0;
    snprintf(buf, sizeof buf, "%s", names);
    for (char *save = NULL, *n = strtok_r(buf, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
        want++;
        if (!json_get(obj, n))
            return 0;
    }
    return obj->type == JSON_OBJECT && obj->count == want;
}

static int is_string(const json_value *v, const char *s)
{
    return v && v->type == JSON_STRING && strcmp(v->string, s) == 0;
}

static int json_is(const json_value *v, const char *text)
{
    char err[64];
    json_value *w = json_parse(text, strlen(text), err, sizeof err);
    int same = v && w && json_equal(v, w);
    json_free(w);
    return same;
}

static void set_raw(direct *d, const char *key, const char *value)
{
    const char *argv[] = {"SET", key, value, "PX", "60000"};
    resp *r = direct_command(d, 5, argv);
    CHECK(r && r->type == R_STATUS);
    resp_free(r);
}

/* ---- the checks */

static void check_layout(const tessera_store *store, direct *d)
{
    char user[64], jti[64], key[256], *text = NULL;
    snprintf(user, sizeof user, "alice-%d", (int)getpid());
    snprintf(jti, sizeof jti, "jti-%d", (int)getpid());
    tessera_session_manager *m = NULL;
    OK(tessera_session_manager_new(store, 600000, TESSERA_UNSET, &m));

    /* s:<sha256(id)> and the u:<user> index. */
    char *id = NULL;
    int64_t before = now_ms();
    OK(tessera_session_manager_create(m, "{\"a\":1,\"name\":\"J\\u00fcrgen\"}", user, &id));
    if (!id)
        return;
    key_of(key, sizeof key, "s", id);
    json_value *rec = get_json(d, key, &text);
    CHECK(rec && members_are(rec, "v data user created expires version"));
    if (rec) {
        CHECK(json_get(rec, "v")->number == 1);
        CHECK(json_is(json_get(rec, "data"), "{\"a\":1,\"name\":\"J\\u00fcrgen\"}"));
        CHECK(is_string(json_get(rec, "user"), user));
        double created = json_get(rec, "created")->number;
        CHECK(created >= (double)before && created <= (double)now_ms());
        CHECK(json_get(rec, "expires")->number == created + 600000);
        CHECK(json_get(rec, "version")->number == 0);
    }
    json_free(rec);
    free(text);
    long long t = pttl(d, key);
    CHECK(t > 590000 && t <= 600000);
    char index[256], hex[65];
    snprintf(index, sizeof index, "%su:%s", prefix, user);
    sha256_hex(id, hex);
    resp *r = cmd2(d, "SMEMBERS", index);
    CHECK(r && r->type == R_ARRAY && r->count == 1 && strcmp(r->items[0].str, hex) == 0);
    resp_free(r);
    CHECK(pttl(d, index) > 0);

    /* A save is visible in the record: version and data. */
    uint64_t version = 0;
    OK(tessera_session_manager_save(m, (const uint8_t *)id, strlen(id), "{\"b\":2}", 0,
                                    &version));
    rec = get_json(d, key, &text);
    CHECK(rec && json_get(rec, "version")->number == 1 && json_is(json_get(rec, "data"), "{\"b\":2}"));
    json_free(rec);
    free(text);

    /* d:<jti> until exp + 300 s. */
    tessera_denylist *deny = NULL;
    OK(tessera_denylist_new(store, &deny));
    int64_t exp = now_ms() / 1000 + 3600;
    OK(tessera_denylist_revoke(deny, jti, exp));
    snprintf(key, sizeof key, "%sd:%s", prefix, jti);
    rec = get_json(d, key, &text);
    CHECK(rec && members_are(rec, "v exp") && json_get(rec, "v")->number == 1 &&
          json_get(rec, "exp")->number == (double)exp);
    json_free(rec);
    free(text);
    t = pttl(d, key);
    CHECK(t > 3895000 && t <= 3900000);

    /* r:<sha256(token)> and f:<family>. */
    tessera_refresh_tokens *rt = NULL;
    char *token = NULL, *u = NULL, *data = NULL, *next = NULL, family[256] = "";
    OK(tessera_refresh_tokens_new(store, 600000, &rt));
    OK(tessera_refresh_tokens_issue(rt, user, "{\"device\":\"phone\"}", &token));
    if (!token)
        return;
    key_of(key, sizeof key, "r", token);
    rec = get_json(d, key, &text);
    CHECK(rec && members_are(rec, "v family user data state expires"));
    if (rec) {
        CHECK(is_string(json_get(rec, "user"), user));
        CHECK(json_is(json_get(rec, "data"), "{\"device\":\"phone\"}"));
        CHECK(is_string(json_get(rec, "state"), "active"));
        const json_value *f = json_get(rec, "family");
        CHECK(f && f->type == JSON_STRING && f->len == 22); /* 16 bytes, base64url */
        if (f && f->type == JSON_STRING)
            snprintf(family, sizeof family, "%sf:%s", prefix, f->string);
    }
    json_free(rec);
    free(text);
    t = pttl(d, key);
    CHECK(t > 590000 && t <= 600000);
    json_value *fam = get_json(d, family, &text);
    CHECK(fam && members_are(fam, "v user revoked") && is_string(json_get(fam, "user"), user) &&
          json_get(fam, "revoked")->type == JSON_NULL);
    json_free(fam);
    free(text);
    /* g:<user>: the user's families, for revoke_user. */
    snprintf(index, sizeof index, "%sg:%s", prefix, user);
    r = cmd2(d, "SMEMBERS", index);
    CHECK(r && r->type == R_ARRAY && r->count == 1 &&
          strcmp(r->items[0].str, family + strlen(prefix) + 2) == 0);
    resp_free(r);
    CHECK(pttl(d, index) > 0);
    OK(tessera_refresh_tokens_rotate(rt, (const uint8_t *)token, strlen(token), &u, &data, &next));
    rec = get_json(d, key, &text);
    CHECK(rec && is_string(json_get(rec, "state"), "rotated"));
    json_free(rec);
    free(text);
    bool revoked = false;
    OK(tessera_refresh_tokens_revoke_family(rt, (const uint8_t *)next, strlen(next), &revoked));
    fam = get_json(d, family, &text);
    CHECK(revoked && fam && is_string(json_get(fam, "revoked"), "revoked"));
    json_free(fam);
    free(text);
    /* revoke_user ends every family of the user through g:<user>. */
    char *other = NULL, *u2 = NULL, *d2 = NULL, *n2 = NULL;
    uint64_t families = 0;
    OK(tessera_refresh_tokens_issue(rt, user, NULL, &other));
    OK(tessera_refresh_tokens_revoke_user(rt, user, &families));
    CHECK(families == 1); /* the other family was revoked already */
    if (other)
        STATUS(tessera_refresh_tokens_rotate(rt, (const uint8_t *)other, strlen(other), &u2, &d2,
                                             &n2),
               TESSERA_STATUS_REVOKED);
    tessera_string_free(other);

    /* No key anywhere holds an id or a token in the clear. */
    char pattern[192];
    snprintf(pattern, sizeof pattern, "%s*", prefix);
    size_t keys = 0;
    for (size_t node = 0; node < d->n; node++) {
        r = all_keys(d, pattern, node);
        CHECK(r && r->type == R_ARRAY);
        for (size_t i = 0; r && i < r->count; i++) {
            keys++;
            CHECK(strstr(r->items[i].str, id) == NULL);
            CHECK(strstr(r->items[i].str, token) == NULL && strstr(r->items[i].str, next) == NULL);
        }
        resp_free(r);
    }
    CHECK(keys >= 8); /* s, u, d, r (three tokens), f (two families); g emptied by revoke_user */

    tessera_string_free(u);
    tessera_string_free(data);
    tessera_string_free(next);
    tessera_string_free(token);
    tessera_string_free(id);
    tessera_refresh_tokens_free(rt);
    tessera_denylist_free(deny);
    tessera_session_manager_free(m);
}

/* A record written by hand, exactly as docs/sessions.md specifies (what a
 * Python or Node instance writes), then garbage. */
static void check_foreign_records(const tessera_store *store, direct *d)
{
    static const char id[] = "handwritten-session-id-0123456789abcdefghij"; /* 43 chars */
    char user[64], key[256], index[256], hex[65], record[512];
    snprintf(user, sizeof user, "hand-%d", (int)getpid());
    int64_t now = now_ms();
    key_of(key, sizeof key, "s", id);
    sha256_hex(id, hex);
    snprintf(index, sizeof index, "%su:%s", prefix, user);
    snprintf(record, sizeof record,
             "{\"v\":1,\"data\":{\"from\":\"python\",\"n\":[1,2]},\"user\":\"%s\","
             "\"created\":%lld,\"expires\":%lld,\"version\":7,\"future\":\"ignored\"}",
             user, (long long)now, (long long)(now + 60000));
    set_raw(d, key, record);
    const char *sadd[] = {"SADD", index, hex};
    resp_free(direct_command(d, 3, sadd));

    tessera_session_manager *m = NULL;
    OK(tessera_session_manager_new(store, 600000, TESSERA_UNSET, &m));
    bool found = false;
    tessera_session *s = NULL;
    OK(tessera_session_manager_load(m, (const uint8_t *)id, 43, &found, &s));
    CHECK(found);
    if (s) {
        STREQ(tessera_session_data(s), "{\"from\":\"python\",\"n\":[1,2]}");
        STREQ(tessera_session_user_id(s), user);
        CHECK(tessera_session_version(s) == 7);
        CHECK(tessera_session_created_at_ms(s) == now);
        CHECK(tessera_session_expires_at_ms(s) == now + 60000);
    }
    tessera_session_free(s);
    uint64_t version = 0, count = 0;
    OK(tessera_session_manager_save(m, (const uint8_t *)id, 43, "{\"from\":\"c\"}", 7, &version));
    CHECK(version == 8);
    OK(tessera_session_manager_destroy_user(m, user, &count));
    CHECK(count == 1);
    resp *r = cmd2(d, "EXISTS", key);
    CHECK(r && r->type == R_INT && r->integer == 0);
    resp_free(r);

    /* Garbage is loud: MALFORMED, never "no session". */
    const char *bad[] = {
        "not json",
        "{\"v\":2,\"data\":{},\"user\":null,\"created\":1,\"expires\":99999999999999,\"version\":0}",
        "{\"v\":1,\"data\":{},\"user\":null,\"created\":1,\"version\":0}", /* no expires */
        "{\"v\":1,\"data\":{},\"user\":5,\"created\":1,\"expires\":99999999999999,\"version\":0}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        set_raw(d, key, bad[i]);
        found = true;
        s = (tessera_session *)&found; /* any non-NULL sentinel */
        STATUS(tessera_session_manager_load(m, (const uint8_t *)id, 43, &found, &s),
               TESSERA_STATUS_MALFORMED);
        CHECK(found && s == (tessera_session *)&found);
    }
    const char *del[] = {"DEL", key};
    resp_free(direct_command(d, 2, del));
    const char *wrong_type[] = {"SADD", key, "x"};
    resp_free(direct_command(d, 3, wrong_type));
    STATUS(tessera_session_manager_load(m, (const uint8_t *)id, 43, &found, &s),
           TESSERA_STATUS_MALFORMED);
    resp_free(direct_command(d, 2, del));

    tessera_denylist *deny = NULL;
    OK(tessera_denylist_new(store, &deny));
    snprintf(key, sizeof key, "%sd:garbled", prefix);
    set_raw(d, key, "{\"v\":1}");
    bool revoked = false;
    STATUS(tessera_denylist_is_revoked(deny, "garbled", &revoked), TESSERA_STATUS_MALFORMED);
    tessera_denylist_free(deny);
    tessera_session_manager_free(m);
}

/* Two stores on one prefix share sessions (two processes); another prefix sees none. */
static void check_sharing(char **urls, size_t n, uint32_t flags)
{
    char other_prefix[192];
    snprintf(other_prefix, sizeof other_prefix, "%sother:", prefix);
    tessera_store *a = NULL, *b = NULL, *other = NULL;
    tessera_session_manager *ma = NULL, *mb = NULL, *mo = NULL;
    OK(tessera_redis_store_new((const char *const *)urls, n, prefix, 2, 2000, 2000, flags, &a));
    OK(tessera_redis_store_new((const char *const *)urls, n, prefix, 2, 2000, 2000, flags, &b));
    OK(tessera_redis_store_new((const char *const *)urls, n, other_prefix, 2, 2000, 2000, flags,
                               &other));
    OK(tessera_session_manager_new(a, 600000, TESSERA_UNSET, &ma));
    OK(tessera_session_manager_new(b, 600000, 60000, &mb));
    OK(tessera_session_manager_new(other, 600000, TESSERA_UNSET, &mo));
    char *id = NULL, *new_id = NULL;
    OK(tessera_session_manager_create(ma, "{\"shared\":true}", "sharer", &id));
    if (!id)
        return;
    bool found = false;
    tessera_session *s = NULL;
    OK(tessera_session_manager_load(mb, (const uint8_t *)id, strlen(id), &found, &s));
    CHECK(found);
    STREQ(tessera_session_data(s), "{\"shared\":true}");
    tessera_session_free(s);
    OK(tessera_session_manager_load(mo, (const uint8_t *)id, strlen(id), &found, &s));
    CHECK(!found);
    OK(tessera_session_manager_rotate(mb, (const uint8_t *)id, strlen(id), NULL, &found,
                                      &new_id));
    CHECK(found);
    OK(tessera_session_manager_load(ma, (const uint8_t *)id, strlen(id), &found, &s));
    CHECK(!found);
    uint64_t count = 0;
    OK(tessera_session_manager_destroy_user(ma, "sharer", &count));
    CHECK(count == 1);
    OK(tessera_session_manager_load(mb, (const uint8_t *)new_id, strlen(new_id), &found, &s));
    CHECK(!found);
    tessera_string_free(new_id);
    tessera_string_free(id);
    tessera_session_manager_free(mo);
    tessera_session_manager_free(mb);
    tessera_session_manager_free(ma);
    tessera_store_free(other);
    tessera_store_free(b);
    tessera_store_free(a);
}

static void clean_up(direct *d)
{
    char pattern[192];
    snprintf(pattern, sizeof pattern, "%s*", prefix);
    for (size_t node = 0; node < d->n; node++) {
        resp *r = all_keys(d, pattern, node);
        for (size_t i = 0; r && r->type == R_ARRAY && i < r->count; i++) {
            const char *del[] = {"DEL", r->items[i].str};
            resp_free(direct_command(d, 2, del));
        }
        resp_free(r);
    }
}

static void run(const char *label, const char *list, uint32_t flags, int threads, int rounds)
{
    char *copy = strdup(list), *urls[MAX_NODES];
    size_t n = 0;
    for (char *save = NULL, *u = strtok_r(copy, ",", &save); u && n < MAX_NODES;
         u = strtok_r(NULL, ",", &save))
        urls[n++] = u;
    snprintf(prefix, sizeof prefix, "tessera-c-test:%d:%s:", (int)getpid(), label);
    printf("redis (%s, %zu node%s):\n", label, n, n == 1 ? "" : "s");
    int before = check_failures;
    direct d;
    tessera_store *store = NULL;
    if (direct_open(&d, urls, n) != 0) {
        fprintf(stderr, "cannot parse %s\n", list);
        check_failures++;
        free(copy);
        return;
    }
    OK(tessera_redis_store_new((const char *const *)urls, n, prefix, 8, 2000, 2000, flags,
                               &store));
    OK(tessera_store_ping(store));
    if (check_failures == before) {
        check_layout(store, &d);
        printf("  key layout as documented, no raw id or token in any key\n");
        check_foreign_records(store, &d);
        printf("  hand-written records load; garbage and wrong types are MALFORMED\n");
        check_sharing(urls, n, flags);
        printf("  two stores on one prefix share sessions; another prefix sees none\n");
        failures += concurrent_sessions(store, threads, rounds);
        failures += concurrent_refresh(store, threads, rounds / 5 + 1);
    }
    clean_up(&d);
    direct_close(&d);
    tessera_store_free(store);
    free(copy);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 8;
    int rounds = argc > 2 ? atoi(argv[2]) : 25;
    if (threads < 2 || threads > CONC_MAX_THREADS || rounds < 1) {
        fprintf(stderr, "usage: %s [THREADS [ROUNDS]]\n", argv[0]);
        return 2;
    }
    const char *url = getenv("TESSERA_REDIS_URL");
    const char *cluster = getenv("TESSERA_REDIS_CLUSTER_URLS");
    const char *require = getenv("TESSERA_REQUIRE_REDIS");
    int required = require && strcmp(require, "1") == 0;
    int ran = 0;
    if (url && *url) {
        run("standalone", url, 0, threads, rounds);
        ran++;
    } else if (required) {
        fprintf(stderr, "redis: TESSERA_REQUIRE_REDIS=1 but TESSERA_REDIS_URL is not set\n");
        failures++;
    }
    if (cluster && *cluster) {
        run("cluster", cluster, TESSERA_REDIS_CLUSTER, threads, rounds);
        ran++;
    } else if (required) {
        fprintf(stderr,
                "redis: TESSERA_REQUIRE_REDIS=1 but TESSERA_REDIS_CLUSTER_URLS is not set\n");
        failures++;
    }
    if (!ran && !failures) {
        printf("redis: skipped (no TESSERA_REDIS_URL / TESSERA_REDIS_CLUSTER_URLS; run under "
               "tests/redis/with-redis)\n");
        return 0;
    }
    if (failures || check_failures) {
        printf("redis: %d failures\n", failures + check_failures);
        return 1;
    }
    printf("redis: all checks passed (%d mode%s)\n", ran, ran == 1 ? "" : "s");
    return 0;
}
