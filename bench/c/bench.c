/*
 * bench/c/bench.c: Tessera's C ABI on the fixed workload of bench/README.md
 * (same claims, same key material, exp/iss/aud validated), linked against
 * the release static library (libtessera_c.a). bench/c/run drives it next
 * to bench/src/bin/core_rounds.rs (the same workload through the Rust
 * core, timed the same way) and writes the JSON.
 *
 *   tessera_c_bench check KEYS_DIR                   self-check; prints "tokens ALG TOKEN" lines
 *   tessera_c_bench verify-tokens KEYS_DIR FILE      verifies another program's "token ALG TOKEN" lines
 *   tessera_c_bench calibrate KEYS_DIR TARGET_US     ops per batch of ~TARGET_US, one line per (op, alg)
 *   tessera_c_bench serve KEYS_DIR                   stdin "CASE N" -> stdout µs/op of a batch of N
 *   tessera_c_bench scaling KEYS_DIR SECONDS         ops/s with 1 and 2 threads sharing one handle,
 *                                                    and the cores they got (CPU time / wall time)
 *   tessera_c_bench memory KEYS_DIR OPS LEAK_OPS     allocations per op (needs the malloc_count shim
 *                                                    LD_PRELOADed; runs without it too), peak RSS,
 *                                                    and the leak check (HS256 verify)
 *
 * The (op, alg) order everywhere: sign HS256, RS256, ES256, EdDSA, then
 * verify in the same order. Timing: CLOCK_MONOTONIC around a batch of N
 * calls, as std::time::Instant does in the Rust program.
 *
 * What is timed is what a C caller pays: sign = tessera_jwt_encode +
 * tessera_string_free of the token; verify = tessera_verifier_verify +
 * tessera_string_free of the claims JSON it returns (the Rust core returns
 * a Claims value, dropped inside its loop).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tessera.h"

#define NALG 4
#define NCASE 8

static const char CLAIMS_JSON[] =
    "{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"admin\":true,\"iat\":1700000000,"
    "\"exp\":4102444800,\"iss\":\"https://issuer.example\",\"aud\":\"api\"}";
static const char OPTIONS_JSON[] = "{\"issuer\":\"https://issuer.example\",\"audience\":\"api\"}";
static const char HMAC_SECRET[] = "tessera-bench-hmac-secret-32-bytes-long!"; /* 40 bytes */
static const char *const ALGS[NALG] = {"HS256", "RS256", "ES256", "EdDSA"};
static const char *const PEMS[NALG] = {NULL, "rsa2048.pem", "p256.pem", "ed25519.pem"};

struct setup {
    tessera_key *key;           /* private key (the secret for HS256): signs */
    tessera_verifier *verifier; /* public key (the secret for HS256) + policy */
    char *token;                /* signed by this library; what verify times */
    size_t token_len;
};

static struct setup S[NALG];

static void die(const char *what, tessera_status st) {
    const char *msg = tessera_last_error_message();
    fprintf(stderr, "tessera_c_bench: %s failed: status %u (%s)\n", what, (unsigned)st,
            msg ? msg : "no message");
    exit(1);
}

#define CHECK(call)                               \
    do {                                          \
        tessera_status st_ = (call);              \
        if (st_ != TESSERA_STATUS_OK) die(#call, st_); \
    } while (0)

static char *read_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "tessera_c_bench: cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    char *buf = malloc(1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* Prebuilt handles for every algorithm, then the self-check: the token
 * verifies to exactly the claims, a tampered one is refused. */
static void setup_all(const char *keys_dir) {
    if (strcmp(tessera_version(), TESSERA_VERSION) != 0) {
        fprintf(stderr, "tessera_c_bench: header %s, library %s\n", TESSERA_VERSION,
                tessera_version());
        exit(1);
    }
    for (int a = 0; a < NALG; a++) {
        struct setup *s = &S[a];
        tessera_key *verifying;
        if (a == 0) {
            CHECK(tessera_key_hmac((const uint8_t *)HMAC_SECRET, strlen(HMAC_SECRET), "HS256",
                                   NULL, &s->key));
            CHECK(tessera_key_hmac((const uint8_t *)HMAC_SECRET, strlen(HMAC_SECRET), "HS256",
                                   NULL, &verifying));
        } else {
            char *pem = read_file(keys_dir, PEMS[a]);
            CHECK(tessera_key_from_pem(pem, ALGS[a], NULL, &s->key));
            free(pem);
            CHECK(tessera_key_public(s->key, &verifying));
        }
        tessera_keyset *ks;
        CHECK(tessera_keyset_new(&ks));
        CHECK(tessera_keyset_add(ks, verifying));
        CHECK(tessera_verifier_new(ks, OPTIONS_JSON, &s->verifier));
        tessera_keyset_free(ks);
        tessera_key_free(verifying);

        CHECK(tessera_jwt_encode(s->key, CLAIMS_JSON, NULL, &s->token));
        s->token_len = strlen(s->token);
        char *claims;
        CHECK(tessera_verifier_verify(s->verifier, (const uint8_t *)s->token, s->token_len,
                                      &claims));
        if (strcmp(claims, CLAIMS_JSON) != 0) {
            fprintf(stderr, "tessera_c_bench: %s: claims differ: %s\n", ALGS[a], claims);
            exit(1);
        }
        tessera_string_free(claims);
        char *bad = strdup(s->token);
        size_t i = s->token_len - 3;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        claims = NULL;
        tessera_status st =
            tessera_verifier_verify(s->verifier, (const uint8_t *)bad, s->token_len, &claims);
        if (st == TESSERA_STATUS_OK || claims != NULL) {
            fprintf(stderr, "tessera_c_bench: %s: a tampered token verified\n", ALGS[a]);
            exit(1);
        }
        free(bad);
    }
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One call as a C user makes it, including freeing what it returns. */
static inline void sign_once(const struct setup *s) {
    char *token;
    tessera_status st = tessera_jwt_encode(s->key, CLAIMS_JSON, NULL, &token);
    if (__builtin_expect(st != TESSERA_STATUS_OK, 0)) die("tessera_jwt_encode", st);
    tessera_string_free(token);
}

static inline void verify_once(const struct setup *s) {
    char *claims;
    tessera_status st =
        tessera_verifier_verify(s->verifier, (const uint8_t *)s->token, s->token_len, &claims);
    if (__builtin_expect(st != TESSERA_STATUS_OK, 0)) die("tessera_verifier_verify", st);
    tessera_string_free(claims);
}

/* Case c: 0..3 sign ALGS[c], 4..7 verify ALGS[c-4]. Mean ns per op over n. */
static double time_batch(int c, long n) {
    const struct setup *s = &S[c % NALG];
    double t0 = now_ns();
    if (c < NALG) {
        for (long i = 0; i < n; i++) sign_once(s);
    } else {
        for (long i = 0; i < n; i++) verify_once(s);
    }
    return (now_ns() - t0) / (double)n;
}

static const char *op_name(int c) { return c < NALG ? "sign" : "verify"; }

static int cmd_check(void) {
    for (int a = 0; a < NALG; a++) printf("token %s %s\n", ALGS[a], S[a].token);
    return 0;
}

/* Verifies "token ALG TOKEN" lines (from core_rounds --tokens): each must
 * verify to exactly the claims; HS256, RS256 and EdDSA signatures are
 * deterministic, so those tokens must equal ours byte for byte. */
static int cmd_verify_tokens(const char *file) {
    FILE *f = fopen(file, "r");
    if (!f) {
        perror(file);
        return 1;
    }
    char line[8192], alg[32], tok[8000];
    int seen = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "token %31s %7999s", alg, tok) != 2) continue;
        int a = 0;
        while (a < NALG && strcmp(ALGS[a], alg) != 0) a++;
        if (a == NALG) continue;
        char *claims;
        tessera_status st =
            tessera_verifier_verify(S[a].verifier, (const uint8_t *)tok, strlen(tok), &claims);
        if (st != TESSERA_STATUS_OK) die("verifying the Rust core's token", st);
        if (strcmp(claims, CLAIMS_JSON) != 0) {
            fprintf(stderr, "tessera_c_bench: %s: the core's token has other claims\n", alg);
            return 1;
        }
        tessera_string_free(claims);
        if (a != 2 && strcmp(tok, S[a].token) != 0) {
            fprintf(stderr, "tessera_c_bench: %s: the core signed other bytes:\n%s\n%s\n", alg,
                    tok, S[a].token);
            return 1;
        }
        seen |= 1 << a;
    }
    fclose(f);
    if (seen != (1 << NALG) - 1) {
        fprintf(stderr, "tessera_c_bench: not every algorithm's token was given\n");
        return 1;
    }
    printf("ok: the C ABI accepts the Rust core's tokens\n");
    return 0;
}

/* Ops per batch of about target_us, per case (at least 1). */
static int cmd_calibrate(double target_us) {
    for (int c = 0; c < NCASE; c++) {
        long n = 1;
        double per = 0;
        for (;;) {
            per = time_batch(c, n);
            if (per * (double)n >= target_us * 1e3 / 4 || n >= (1L << 30)) break;
            n *= 2;
        }
        /* the better of three estimates at that size */
        for (int k = 0; k < 2; k++) {
            double p = time_batch(c, n);
            if (p < per) per = p;
        }
        long want = (long)(target_us * 1e3 / per + 0.5);
        if (want < 1) want = 1;
        printf("batch %s %s %ld %.4f\n", op_name(c), ALGS[c % NALG], want, per / 1e3);
    }
    return 0;
}

/* Serves timing requests from the harness: each stdin line "CASE N" times
 * one batch of N calls of case CASE (0..7) and answers one line, the mean
 * µs per call. The harness alternates batches between this process and the
 * Rust core's, so both run in turn, a batch at a time, each kept warm. */
static int cmd_serve(void) {
    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        int c;
        long n;
        if (sscanf(line, "%d %ld", &c, &n) != 2 || c < 0 || c >= NCASE || n < 1) {
            fprintf(stderr, "tessera_c_bench: bad request %s", line);
            return 2;
        }
        printf("%.5f\n", time_batch(c, n) / 1e3);
        fflush(stdout);
    }
    return 0;
}

/* Scaling: T threads share one key (RS256 sign) or one verifier (HS256
 * verify) for `seconds`; ops/s. */
struct worker {
    int c;
    atomic_int *stop;
    long ops;
    pthread_t th;
};

static void *work(void *arg) {
    struct worker *w = arg;
    const struct setup *s = &S[w->c % NALG];
    long ops = 0;
    while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
        for (int i = 0; i < 8; i++) {
            if (w->c < NALG) sign_once(s);
            else verify_once(s);
        }
        ops += 8;
    }
    w->ops = ops;
    return NULL;
}

static double cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ops/s over wall time; *cpus_out = CPU time / wall time (how many cores the
 * threads actually got: on a loaded machine, fewer than the threads). */
static double throughput(int c, int threads, double seconds, double *cpus_out) {
    atomic_int stop = 0;
    struct worker w[2];
    double t0 = now_ns(), c0 = cpu_ns();
    for (int t = 0; t < threads; t++) {
        w[t] = (struct worker){.c = c, .stop = &stop, .ops = 0};
        if (pthread_create(&w[t].th, NULL, work, &w[t]) != 0) {
            perror("pthread_create");
            exit(1);
        }
    }
    struct timespec d = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&d, NULL);
    atomic_store(&stop, 1);
    long ops = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(w[t].th, NULL);
        ops += w[t].ops;
    }
    double elapsed = (now_ns() - t0) / 1e9;
    if (cpus_out) *cpus_out = (cpu_ns() - c0) / 1e9 / elapsed;
    return (double)ops / elapsed;
}

static int cmd_scaling(double seconds) {
    const int cases[2] = {1, 4}; /* sign RS256, verify HS256 */
    for (int i = 0; i < 2; i++) {
        int c = cases[i];
        throughput(c, 1, seconds / 10, NULL); /* warm-up */
        for (int threads = 1; threads <= 2; threads++) {
            double cpus;
            double ops = throughput(c, threads, seconds, &cpus);
            printf("scaling %s %s %d %.1f %.3f\n", op_name(c), ALGS[c % NALG], threads, ops, cpus);
        }
    }
    return 0;
}

/* malloc_count_snapshot from the LD_PRELOADed shim, if there is one. */
typedef void (*snapshot_fn)(unsigned long long out[3]);

static long status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long v = -1;
    size_t len = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            v = strtol(line + len + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

static int cmd_memory(long ops, long leak_ops) {
    snapshot_fn snap = (snapshot_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "malloc_count_snapshot");
    printf("shim %d\n", snap != NULL);
    /* allocations per op, every case */
    for (int c = 0; c < NCASE; c++) {
        long n = c == 1 ? ops / 50 + 1 : ops; /* RSA signing is ~1 ms */
        time_batch(c, 100);
        unsigned long long a[3] = {0}, b[3] = {0};
        if (snap) snap(a);
        time_batch(c, n);
        if (snap) snap(b);
        if (snap)
            printf("allocs %s %s %ld %.3f %.1f %.3f\n", op_name(c), ALGS[c % NALG], n,
                   (double)(b[0] - a[0]) / (double)n, (double)(b[1] - a[1]) / (double)n,
                   (double)(b[2] - a[2]) / (double)n);
    }
    /* leak check: HS256 verify, VmRSS every tenth */
    const struct setup *s = &S[0];
    long tenth = leak_ops / 10;
    for (int k = 1; k <= 10; k++) {
        for (long i = 0; i < tenth; i++) verify_once(s);
        printf("rss %ld %ld\n", tenth * k, status_kib("VmRSS"));
        fflush(stdout);
    }
    printf("peak_rss %ld\n", status_kib("VmHWM"));
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr,
                "usage: %s check|verify-tokens|calibrate|serve|scaling|memory KEYS_DIR ...\n",
                argv[0]);
        return 2;
    }
    const char *cmd = argv[1];
    setup_all(argv[2]);
    if (strcmp(cmd, "check") == 0) return cmd_check();
    if (strcmp(cmd, "verify-tokens") == 0 && argc == 4) return cmd_verify_tokens(argv[3]);
    if (strcmp(cmd, "calibrate") == 0 && argc == 4) return cmd_calibrate(atof(argv[3]));
    if (strcmp(cmd, "serve") == 0 && argc == 3) return cmd_serve();
    if (strcmp(cmd, "scaling") == 0 && argc == 4) return cmd_scaling(atof(argv[3]));
    if (strcmp(cmd, "memory") == 0 && argc == 5) return cmd_memory(atol(argv[3]), atol(argv[4]));
    fprintf(stderr, "tessera_c_bench: bad arguments\n");
    return 2;
}
