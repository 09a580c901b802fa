/*
 * Leak check of the C ABI (issue 11): 10^6 operations of the mix in
 * tests/leaks/README.md through libtessera (HS256 sign/verify, RS256/ES256
 * verify, verify failures, native cookie seal/open/tampered open, Flask
 * loads, memory-store sessions, denylist), every result freed as a user
 * must. RssAnon (VmRSS shown too) and the live heap blocks of the whole
 * process are sampled after every tenth; from the first sample (after the
 * warm-up tenth) to the last, RssAnon may grow at most 1024 KiB and the live
 * blocks at most 100 (the live bytes, by malloc_usable_size, are shown).
 * Exit 0: flat; 3: leak; 2: a wrong result or a broken set-up.
 *
 * Live blocks: this program defines malloc, calloc, realloc, free and the
 * aligned allocators (forwarding to glibc's __libc_* functions), so by ELF
 * symbol interposition every allocation of libtessera.so (the Rust core,
 * aws-lc) is counted too, without LD_PRELOAD.
 *
 * Built by tests/leaks/run against the library scripts/test-c.sh installs
 * ($CARGO_TARGET_DIR/c-prefix):
 *   gcc -std=c11 -O2 -Iprefix/include leak_check.c -Lprefix/lib -ltessera -Wl,-rpath,prefix/lib
 *
 * Environment: TESSERA_LEAK_OPS (default 1000000, a multiple of 1000);
 * TESSERA_LEAK_SELFTEST=1 frees nothing the library returns and keeps a
 * copy of every error message: a leak on purpose that the check must report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tessera.h"

#define BINDING "c"
#define LIMIT_KIB 1024L
#define LIMIT_BLOCKS 100LL
#define EXP 4102444800LL

/* ------------------------------------------------------------ live blocks */

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static _Atomic long long live_blocks, live_bytes; /* bytes: malloc_usable_size */

static void *counted(void *p) {
    if (p) {
        atomic_fetch_add_explicit(&live_blocks, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&live_bytes, (long long)malloc_usable_size(p), memory_order_relaxed);
    }
    return p;
}
static void released(void *p) {
    if (p) {
        atomic_fetch_sub_explicit(&live_blocks, 1, memory_order_relaxed);
        atomic_fetch_sub_explicit(&live_bytes, (long long)malloc_usable_size(p), memory_order_relaxed);
    }
}
void *malloc(size_t size) { return counted(__libc_malloc(size)); }
void *calloc(size_t n, size_t size) { return counted(__libc_calloc(n, size)); }
void *realloc(void *p, size_t size) {
    if (!p) return counted(__libc_realloc(p, size));
    long long before = (long long)malloc_usable_size(p);
    void *q = __libc_realloc(p, size);
    if (q) {
        atomic_fetch_add_explicit(&live_bytes, (long long)malloc_usable_size(q) - before, memory_order_relaxed);
    } else if (size == 0) { /* freed */
        atomic_fetch_sub_explicit(&live_blocks, 1, memory_order_relaxed);
        atomic_fetch_sub_explicit(&live_bytes, before, memory_order_relaxed);
    }
    return q;
}
void free(void *p) {
    released(p);
    __libc_free(p);
}
void *memalign(size_t align, size_t size) { return counted(__libc_memalign(align, size)); }
void *aligned_alloc(size_t align, size_t size) { return counted(__libc_memalign(align, size)); }
int posix_memalign(void **out, size_t align, size_t size) {
    if (align < sizeof(void *) || (align & (align - 1))) return EINVAL;
    void *p = counted(__libc_memalign(align, size));
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

/* ------------------------------------------------------------ the mix */

static const char CLAIMS[] =
    "{\"sub\":\"leak-check\",\"iss\":\"https://issuer.example\",\"iat\":1700000000,\"exp\":4102444800}";
static const char EXPIRED_CLAIMS[] = "{\"sub\":\"leak-check\",\"exp\":1000000000}";
static const char SESSION[] = "{\"user\":\"leak-check\",\"cart\":[1,2,3],\"csrf\":\"0123456789abcdef\"}";
static const char HMAC_SECRET[] = "tessera-leak-check-hmac-secret-32-bytes!";
static const char COOKIE_SECRET[] = "tessera-leak-check-cookie-secret-32bytes";
static const char FLASK_SECRET[] = "tessera-leak-check-flask-secret";

/* (operation, slots out of every 100 operations), in slot order: the same
 * table as every binding's program and README.md. */
enum op {
    SIGN_HS256, VERIFY_HS256, VERIFY_RS256, VERIFY_ES256, VERIFY_BAD_SIGNATURE, VERIFY_EXPIRED,
    VERIFY_MALFORMED, VERIFY_RS256_BAD_SIGNATURE, VERIFY_ES256_BAD_SIGNATURE, COOKIE_SEAL,
    COOKIE_OPEN, COOKIE_OPEN_TAMPERED, COOKIE_OPEN_MALFORMED, FLASK_DUMPS, FLASK_LOADS,
    FLASK_LOADS_TAMPERED, SESSION_CREATE, SESSION_LOAD, SESSION_DESTROY, SESSION_LOAD_DESTROYED,
    SESSION_LOAD_BAD_ID, DENYLIST_REVOKE, DENYLIST_CHECK, DENYLIST_CHECK_UNKNOWN,
    DENYLIST_REVOKE_INVALID, N_OPS
};
static const struct { const char *name; int slots; } MIX[N_OPS] = {
    {"sign_hs256", 20}, {"verify_hs256", 22}, {"verify_rs256", 1}, {"verify_es256", 1},
    {"verify_bad_signature", 4}, {"verify_expired", 3}, {"verify_malformed", 3},
    {"verify_rs256_bad_signature", 1}, {"verify_es256_bad_signature", 1}, {"cookie_seal", 10},
    {"cookie_open", 10}, {"cookie_open_tampered", 4}, {"cookie_open_malformed", 1},
    {"flask_dumps", 1}, {"flask_loads", 7}, {"flask_loads_tampered", 2}, {"session_create", 1},
    {"session_load", 1}, {"session_destroy", 1}, {"session_load_destroyed", 1},
    {"session_load_bad_id", 1}, {"denylist_revoke", 1}, {"denylist_check", 1},
    {"denylist_check_unknown", 1}, {"denylist_revoke_invalid", 1},
};

static bool selftest;

static _Noreturn void fail(const char *what, tessera_status s) {
    fprintf(stderr, "%s: FAILED: %s: %s (%s)\n", BINDING, what, tessera_status_str(s),
            s ? tessera_last_error_message() : "");
    exit(2);
}

static void need(const char *what, tessera_status s) {
    if (s != TESSERA_STATUS_OK) fail(what, s);
}

/* An expected failure: the status and a non-empty message. */
static void refused(const char *what, tessera_status s, tessera_status want) {
    if (s != want) {
        fprintf(stderr, "%s: FAILED: %s: %s instead of %s\n", BINDING, what, tessera_status_str(s),
                tessera_status_str(want));
        exit(2);
    }
    const char *msg = tessera_last_error_message();
    if (!msg || !*msg) {
        fprintf(stderr, "%s: FAILED: %s: no error message\n", BINDING, what);
        exit(2);
    }
    if (selftest && !strdup(msg)) exit(2); /* kept on purpose */
}

/* Frees a returned string (not in the self-test, which keeps them all). */
static void done(char *s) {
    if (!selftest) tessera_string_free(s);
}

/* A copy of `token` with the character at `index` of its last segment
 * replaced by another base64url letter: same length, other bytes. */
static char *tamper(const char *token, size_t index) {
    char *t = strdup(token);
    char *last = strrchr(t, '.');
    char *at = (last ? last + 1 : t) + index;
    *at = *at == 'A' ? 'B' : 'A';
    return t;
}

/* RssAnon and VmRSS (KiB) from /proc/self/status. The check is on RssAnon:
 * a leak is anonymous memory, while the file-backed pages of VmRSS (the
 * mapped code) come and go with first use and page-cache pressure. */
static void rss_kib(long *anon, long *vm) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    *anon = *vm = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "RssAnon:", 8) == 0) *anon = strtol(line + 8, NULL, 10);
        if (strncmp(line, "VmRSS:", 6) == 0) *vm = strtol(line + 6, NULL, 10);
    }
    if (f) fclose(f);
    if (*anon < 0 || *vm < 0) {
        fprintf(stderr, "%s: FAILED: no RssAnon/VmRSS in /proc/self/status\n", BINDING);
        exit(2);
    }
}

static tessera_verifier *verifier_for(const tessera_key *key) {
    tessera_keyset *ks;
    tessera_verifier *v;
    need("keyset", tessera_keyset_new(&ks));
    need("keyset_add", tessera_keyset_add(ks, key));
    need("verifier", tessera_verifier_new(ks, "{\"issuer\":\"https://issuer.example\"}", &v));
    tessera_keyset_free(ks);
    return v;
}

static void verify_ok(const char *what, const tessera_verifier *v, const char *token) {
    char *claims;
    need(what, tessera_verifier_verify(v, (const uint8_t *)token, strlen(token), &claims));
    if (!strstr(claims, "\"sub\":\"leak-check\"")) {
        fprintf(stderr, "%s: FAILED: %s: wrong claims %s\n", BINDING, what, claims);
        exit(2);
    }
    done(claims);
}

static void verify_refused(const char *what, const tessera_verifier *v, const char *token,
                           tessera_status want) {
    char *claims = NULL;
    refused(what, tessera_verifier_verify(v, (const uint8_t *)token, strlen(token), &claims), want);
}

int main(void) {
    const char *env = getenv("TESSERA_LEAK_OPS");
    long long ops = env ? atoll(env) : 1000000;
    if (ops <= 0 || ops % 1000) {
        fprintf(stderr, "%s: FAILED: TESSERA_LEAK_OPS=%s: a positive multiple of 1000\n", BINDING, env);
        return 2;
    }
    env = getenv("TESSERA_LEAK_SELFTEST");
    selftest = env && strcmp(env, "1") == 0;
    int slots[100], n = 0;
    for (int k = 0; k < N_OPS; k++)
        for (int j = 0; j < MIX[k].slots; j++) slots[n++] = k;
    if (n != 100) {
        fprintf(stderr, "%s: FAILED: the mix fills %d slots, not 100\n", BINDING, n);
        return 2;
    }

    /* Set-up (not counted). */
    int64_t now = (int64_t)time(NULL);
    tessera_key *hs, *rs, *es, *rs_pub, *es_pub;
    need("hmac key", tessera_key_hmac((const uint8_t *)HMAC_SECRET, strlen(HMAC_SECRET), "HS256", NULL, &hs));
    need("RS256 key", tessera_key_generate("RS256", NULL, &rs));
    need("ES256 key", tessera_key_generate("ES256", NULL, &es));
    need("RS256 public", tessera_key_public(rs, &rs_pub));
    need("ES256 public", tessera_key_public(es, &es_pub));
    tessera_verifier *verifier = verifier_for(hs), *rs_verifier = verifier_for(rs_pub),
                     *es_verifier = verifier_for(es_pub);
    char *token, *rs_token, *es_token, *expired_token;
    need("sign", tessera_jwt_encode(hs, CLAIMS, NULL, &token));
    need("sign RS256", tessera_jwt_encode(rs, CLAIMS, NULL, &rs_token));
    need("sign ES256", tessera_jwt_encode(es, CLAIMS, NULL, &es_token));
    need("sign expired", tessera_jwt_encode(hs, EXPIRED_CLAIMS, NULL, &expired_token));
    char *bad_token = tamper(token, 10), *rs_bad_token = tamper(rs_token, 10),
         *es_bad_token = tamper(es_token, 10);

    const uint8_t *secrets[] = {(const uint8_t *)COOKIE_SECRET};
    size_t secret_lens[] = {strlen(COOKIE_SECRET)};
    tessera_session_cookie *cookie;
    need("session cookie", tessera_session_cookie_new(secrets, secret_lens, 1, NULL, TESSERA_SESSION_ENCRYPTED,
                                                      TESSERA_NO_MAX_AGE, NULL, &cookie));
    char *sealed;
    need("seal", tessera_session_cookie_seal(cookie, SESSION, now, &sealed));
    char *tampered_cookie = tamper(sealed, strlen(sealed) / 2);
    tessera_flask_cookie *flask;
    need("flask cookie", tessera_flask_cookie_new((const uint8_t *)FLASK_SECRET, strlen(FLASK_SECRET), NULL, NULL,
                                                  0, NULL, TESSERA_FLASK_DEFAULT_MAX_AGE, &flask));
    char *flask_value;
    need("flask dumps", tessera_flask_cookie_dumps(flask, SESSION, now, &flask_value));
    char *flask_tampered = tamper(flask_value, 10);
    tessera_store *store;
    tessera_session_manager *sessions;
    tessera_denylist *denylist;
    need("memory store", tessera_memory_store_new(100000, 64 << 20, &store));
    need("session manager", tessera_session_manager_new(store, 3600 * 1000, TESSERA_UNSET, &sessions));
    need("denylist", tessera_denylist_new(store, &denylist));
    char *sid = NULL;

    long long counts[N_OPS] = {0}, blocks[10], bytes[10];
    long rss[10], vmrss[10];
    long long tenth = ops / 10;
    int sample = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_t cpu0 = clock();
    for (long long i = 0; i < ops; i++) {
        int kind = slots[i % 100];
        const char *name = MIX[kind].name;
        char *out = NULL;
        bool found = false;
        counts[kind]++;
        switch (kind) {
        case SIGN_HS256:
            need(name, tessera_jwt_encode(hs, CLAIMS, NULL, &out));
            done(out);
            break;
        case VERIFY_HS256: verify_ok(name, verifier, token); break;
        case VERIFY_RS256: verify_ok(name, rs_verifier, rs_token); break;
        case VERIFY_ES256: verify_ok(name, es_verifier, es_token); break;
        case VERIFY_BAD_SIGNATURE:
            verify_refused(name, verifier, bad_token, TESSERA_STATUS_INVALID_SIGNATURE);
            break;
        case VERIFY_EXPIRED: verify_refused(name, verifier, expired_token, TESSERA_STATUS_EXPIRED); break;
        case VERIFY_MALFORMED: verify_refused(name, verifier, "not-a-jwt", TESSERA_STATUS_MALFORMED); break;
        case VERIFY_RS256_BAD_SIGNATURE:
            verify_refused(name, rs_verifier, rs_bad_token, TESSERA_STATUS_INVALID_SIGNATURE);
            break;
        case VERIFY_ES256_BAD_SIGNATURE:
            verify_refused(name, es_verifier, es_bad_token, TESSERA_STATUS_INVALID_SIGNATURE);
            break;
        case COOKIE_SEAL:
            need(name, tessera_session_cookie_seal(cookie, SESSION, now, &out));
            done(out);
            break;
        case COOKIE_OPEN: {
            int64_t iat;
            bool reissue;
            need(name, tessera_session_cookie_open(cookie, (const uint8_t *)sealed, strlen(sealed), now, &out,
                                                   &iat, &reissue));
            if (strcmp(out, SESSION) != 0 || iat != now || reissue) {
                fprintf(stderr, "%s: FAILED: %s: wrong session %s\n", BINDING, name, out);
                return 2;
            }
            done(out);
            break;
        }
        case COOKIE_OPEN_TAMPERED:
        case COOKIE_OPEN_MALFORMED: {
            const char *value = kind == COOKIE_OPEN_TAMPERED ? tampered_cookie : "garbage!";
            int64_t iat;
            bool reissue;
            refused(name,
                    tessera_session_cookie_open(cookie, (const uint8_t *)value, strlen(value), now, &out, &iat,
                                                &reissue),
                    kind == COOKIE_OPEN_TAMPERED ? TESSERA_STATUS_INVALID_SIGNATURE : TESSERA_STATUS_MALFORMED);
            break;
        }
        case FLASK_DUMPS:
            need(name, tessera_flask_cookie_dumps(flask, SESSION, now, &out));
            done(out);
            break;
        case FLASK_LOADS:
            need(name, tessera_flask_cookie_loads(flask, (const uint8_t *)flask_value, strlen(flask_value), now, &out));
            if (!strstr(out, "\"leak-check\"")) {
                fprintf(stderr, "%s: FAILED: %s: wrong session %s\n", BINDING, name, out);
                return 2;
            }
            done(out);
            break;
        case FLASK_LOADS_TAMPERED:
            refused(name,
                    tessera_flask_cookie_loads(flask, (const uint8_t *)flask_tampered, strlen(flask_tampered), now,
                                               &out),
                    TESSERA_STATUS_INVALID_SIGNATURE);
            break;
        case SESSION_CREATE:
            need(name, tessera_session_manager_create(sessions, SESSION, "leak-user", &sid));
            break;
        case SESSION_LOAD: {
            tessera_session *s = NULL;
            need(name, tessera_session_manager_load(sessions, (const uint8_t *)sid, strlen(sid), &found, &s));
            if (!found || strcmp(tessera_session_data(s), SESSION) != 0) {
                fprintf(stderr, "%s: FAILED: %s: session not found or changed\n", BINDING, name);
                return 2;
            }
            if (!selftest) tessera_session_free(s);
            break;
        }
        case SESSION_DESTROY:
            need(name, tessera_session_manager_destroy(sessions, (const uint8_t *)sid, strlen(sid), &found));
            if (!found) {
                fprintf(stderr, "%s: FAILED: %s: nothing destroyed\n", BINDING, name);
                return 2;
            }
            break;
        case SESSION_LOAD_DESTROYED:
        case SESSION_LOAD_BAD_ID: {
            const char *id = kind == SESSION_LOAD_DESTROYED ? sid : "not a session id";
            tessera_session *s = NULL;
            need(name, tessera_session_manager_load(sessions, (const uint8_t *)id, strlen(id), &found, &s));
            if (found || s) {
                fprintf(stderr, "%s: FAILED: %s: found a session\n", BINDING, name);
                return 2;
            }
            if (kind == SESSION_LOAD_DESTROYED) {
                done(sid);
                sid = NULL;
            }
            break;
        }
        case DENYLIST_REVOKE:
        case DENYLIST_CHECK:
        case DENYLIST_CHECK_UNKNOWN: {
            char jti[32];
            snprintf(jti, sizeof jti, "jti-%lld", (i / 100) % 500);
            if (kind == DENYLIST_REVOKE) {
                need(name, tessera_denylist_revoke(denylist, jti, EXP));
            } else {
                const char *id = kind == DENYLIST_CHECK ? jti : "never-revoked";
                need(name, tessera_denylist_is_revoked(denylist, id, &found));
                if (found != (kind == DENYLIST_CHECK)) {
                    fprintf(stderr, "%s: FAILED: %s: is_revoked(%s) is %d\n", BINDING, name, id, found);
                    return 2;
                }
            }
            break;
        }
        case DENYLIST_REVOKE_INVALID:
            refused(name, tessera_denylist_revoke(denylist, "bad\njti", EXP), TESSERA_STATUS_INVALID_ARGUMENT);
            break;
        }
        if ((i + 1) % tenth == 0) {
            rss_kib(&rss[sample], &vmrss[sample]);
            bytes[sample] = atomic_load(&live_bytes);
            blocks[sample++] = atomic_load(&live_blocks);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double cpu = (double)(clock() - cpu0) / CLOCKS_PER_SEC;

    printf("%s: counts", BINDING);
    for (int k = 0; k < N_OPS; k++) printf(" %s=%lld", MIX[k].name, counts[k]);
    printf("\n%s: %lld ops in %.2f s (%.0f ops/s; %.2f s of CPU)%s\n", BINDING, ops, secs, (double)ops / secs, cpu,
           selftest ? "; SELF-TEST: nothing freed, every error message copied, on purpose" : "");
    printf("%s: RssAnon KiB after each tenth:", BINDING);
    for (int s = 0; s < 10; s++) printf(" %ld", rss[s]);
    printf("\n%s: VmRSS KiB after each tenth:", BINDING);
    for (int s = 0; s < 10; s++) printf(" %ld", vmrss[s]);
    printf("\n%s: live heap blocks after each tenth:", BINDING);
    for (int s = 0; s < 10; s++) printf(" %lld", blocks[s]);
    printf("\n%s: live heap bytes after each tenth:", BINDING);
    for (int s = 0; s < 10; s++) printf(" %lld", bytes[s]);
    long growth = rss[9] - rss[0];
    long long block_growth = blocks[9] - blocks[0];
    bool leak = growth > LIMIT_KIB || block_growth > LIMIT_BLOCKS;
    printf("\nRESULT binding=%s ops=%lld seconds=%.2f cpu_seconds=%.2f first_kib=%ld last_kib=%ld growth_kib=%ld limit_kib=%ld "
           "vmrss_growth_kib=%ld blocks_growth=%lld limit_blocks=%lld status=%s\n",
           BINDING, ops, secs, cpu, rss[0], rss[9], growth, LIMIT_KIB, vmrss[9] - vmrss[0], block_growth, LIMIT_BLOCKS, leak ? "LEAK" : "ok");
    fflush(stdout);
    if (growth > LIMIT_KIB)
        fprintf(stderr, "%s: LEAK: RssAnon grew %ld KiB after the warm-up tenth (limit %ld KiB)\n", BINDING, growth,
                LIMIT_KIB);
    if (block_growth > LIMIT_BLOCKS)
        fprintf(stderr, "%s: LEAK: %lld more live heap blocks after the warm-up tenth (limit %lld)\n", BINDING,
                block_growth, LIMIT_BLOCKS);
    if (leak) return 3;

    /* Tear-down: everything freed (a clean exit under valgrind too). */
    free(bad_token), free(rs_bad_token), free(es_bad_token), free(tampered_cookie), free(flask_tampered);
    tessera_string_free(token), tessera_string_free(rs_token), tessera_string_free(es_token);
    tessera_string_free(expired_token), tessera_string_free(sealed), tessera_string_free(flask_value);
    tessera_verifier_free(verifier), tessera_verifier_free(rs_verifier), tessera_verifier_free(es_verifier);
    tessera_key_free(hs), tessera_key_free(rs), tessera_key_free(es), tessera_key_free(rs_pub);
    tessera_key_free(es_pub);
    tessera_session_cookie_free(cookie), tessera_flask_cookie_free(flask);
    tessera_denylist_free(denylist), tessera_session_manager_free(sessions), tessera_store_free(store);
    return 0;
}
