/*
 * One verifier (and one signing key) shared by many threads: every thread
 * verifies valid, expired, tampered and wrong-issuer tokens, signs with the
 * shared key, and checks that its last error is its own (thread-local).
 * Likewise one encrypted session cookie codec and one CSRF token codec:
 * every thread seals and opens its own session and checks a token.
 *
 *   threads [THREADS [ROUNDS]]     defaults: 8 threads, 300 rounds
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

typedef struct {
    const char *token;
    uint32_t status;
    const char *claim; /* for failures: the claim the error names, or NULL */
    const char *claims; /* for successes: the exact claims JSON */
} sample;

static sample samples[5];
static const tessera_verifier *verifier;
static const tessera_key *signer;
static const tessera_session_cookie *sessions;
static const tessera_csrf_tokens *csrf;
static int rounds = 300;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int thread_failures;

static const char VALID_HS[] = "{\"sub\":\"hs\",\"iss\":\"me\",\"exp\":4102444800}";
static const char VALID_ES[] = "{\"sub\":\"es\",\"iss\":\"me\",\"exp\":4102444800}";
static const char EXPIRED[] = "{\"sub\":\"old\",\"iss\":\"me\",\"exp\":1000}";
static const char OTHER_ISS[] = "{\"sub\":\"x\",\"iss\":\"you\",\"exp\":4102444800}";

static int fail(const char *what, int round, uint32_t status)
{
    pthread_mutex_lock(&lock);
    fprintf(stderr, "thread round %d: %s (status %s)\n", round, what, tessera_status_str(status));
    thread_failures++;
    pthread_mutex_unlock(&lock);
    return 1;
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int r = 0; r < rounds; r++) {
        const sample *s = &samples[(r + id) % 5];
        char *claims = NULL;
        uint32_t st = tessera_verifier_verify(verifier, (const uint8_t *)s->token,
                                              strlen(s->token), &claims);
        const char *msg = tessera_last_error_message();
        const char *claim = tessera_last_error_claim();
        if (st != s->status && fail("unexpected status", r, st))
            break;
        if (st == TESSERA_STATUS_OK) {
            if ((msg || !claims || strcmp(claims, s->claims) != 0) && fail("claims", r, st))
                break;
            tessera_string_free(claims);
        } else {
            /* This thread's own error, whatever the other threads are doing. */
            const char *code = tessera_status_str(st);
            if ((!msg || strncmp(msg, code, strlen(code)) != 0) && fail("message", r, st))
                break;
            if (((claim == NULL) != (s->claim == NULL) ||
                 (claim && strcmp(claim, s->claim) != 0)) &&
                fail("claim", r, st))
                break;
        }
        if (r % 10 == 0) {
            /* Signing with the shared key, concurrently. */
            uint8_t *sig = NULL;
            size_t len = 0;
            st = tessera_key_sign(signer, (const uint8_t *)"msg", 3, &sig, &len);
            if ((st != TESSERA_STATUS_OK || len != 32) && fail("sign", r, st))
                break;
            tessera_bytes_free(sig, len);
        }
        if (r % 5 == 0) {
            /* The shared session cookie codec (encrypted: random nonces) and CSRF tokens. */
            char session[64], sid[32], *value = NULL, *json = NULL, *token = NULL;
            snprintf(session, sizeof session, "{\"thread\":%d,\"round\":%d}", id, r);
            snprintf(sid, sizeof sid, "sid-%d-%d", id, r);
            st = tessera_session_cookie_seal(sessions, session, TESSERA_NOW, &value);
            if (st != TESSERA_STATUS_OK && fail("seal", r, st))
                break;
            st = tessera_session_cookie_open(sessions, (const uint8_t *)value, strlen(value),
                                             TESSERA_NOW, &json, NULL, NULL);
            tessera_string_free(value);
            if ((st != TESSERA_STATUS_OK || strcmp(json, session) != 0) && fail("open", r, st))
                break;
            tessera_string_free(json);
            st = tessera_csrf_tokens_generate(csrf, sid, &token);
            if (st != TESSERA_STATUS_OK && fail("csrf generate", r, st))
                break;
            st = tessera_csrf_tokens_verify(csrf, sid, (const uint8_t *)token, strlen(token));
            uint32_t other = tessera_csrf_tokens_verify(csrf, "another", (const uint8_t *)token,
                                                        strlen(token));
            tessera_string_free(token);
            if ((st != TESSERA_STATUS_OK || other != TESSERA_STATUS_INVALID_SIGNATURE) &&
                fail("csrf verify", r, st))
                break;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int nthreads = argc > 1 ? atoi(argv[1]) : 8;
    if (argc > 2)
        rounds = atoi(argv[2]);
    if (nthreads < 1 || nthreads > 256 || rounds < 1) {
        fprintf(stderr, "usage: %s [THREADS [ROUNDS]]\n", argv[0]);
        return 2;
    }

    static const uint8_t secret[] = "0123456789abcdef0123456789abcdef";
    tessera_key *hs = NULL, *es = NULL, *es_pub = NULL;
    tessera_keyset *set = NULL;
    tessera_verifier *v = NULL;
    OK(tessera_key_hmac(secret, 32, "HS256", "hs", &hs));
    OK(tessera_key_generate("ES256", "es", &es));
    OK(tessera_key_public(es, &es_pub));
    OK(tessera_keyset_new(&set));
    OK(tessera_keyset_add(set, hs));
    OK(tessera_keyset_add(set, es_pub));
    OK(tessera_verifier_new(set, "{\"issuer\":\"me\"}", &v));
    tessera_keyset_free(set);
    const uint8_t *secrets[] = {secret};
    const size_t secret_lens[] = {32};
    tessera_session_cookie *sc = NULL;
    tessera_csrf_tokens *tokens_codec = NULL;
    OK(tessera_session_cookie_new(secrets, secret_lens, 1, NULL, TESSERA_SESSION_ENCRYPTED, 60,
                                  NULL, &sc));
    OK(tessera_csrf_tokens_new(secrets, secret_lens, 1, &tokens_codec));
    sessions = sc;
    csrf = tokens_codec;
    if (check_failures)
        return 1;

    char *tokens[5] = {NULL};
    OK(tessera_jwt_encode(hs, VALID_HS, NULL, &tokens[0]));
    OK(tessera_jwt_encode(es, VALID_ES, NULL, &tokens[1]));
    OK(tessera_jwt_encode(hs, EXPIRED, NULL, &tokens[2]));
    OK(tessera_jwt_encode(es, OTHER_ISS, NULL, &tokens[3]));
    OK(tessera_jwt_encode(es, VALID_ES, NULL, &tokens[4]));
    if (check_failures)
        return 1;
    char *c = &tokens[4][strlen(tokens[4]) - 3]; /* tamper with the signature */
    *c = *c == 'A' ? 'B' : 'A';
    samples[0] = (sample){tokens[0], TESSERA_STATUS_OK, NULL, VALID_HS};
    samples[1] = (sample){tokens[1], TESSERA_STATUS_OK, NULL, VALID_ES};
    samples[2] = (sample){tokens[2], TESSERA_STATUS_EXPIRED, "exp", NULL};
    samples[3] = (sample){tokens[3], TESSERA_STATUS_INVALID_ISSUER, "iss", NULL};
    samples[4] = (sample){tokens[4], TESSERA_STATUS_INVALID_SIGNATURE, NULL, NULL};
    verifier = v;
    signer = hs;

    pthread_t threads[256];
    for (int i = 0; i < nthreads; i++)
        if (pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    for (int i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);

    /* The main thread's last error was never touched by the workers. */
    CHECK(tessera_last_error_message() == NULL);

    for (int i = 0; i < 5; i++)
        tessera_string_free(tokens[i]);
    tessera_verifier_free(v);
    tessera_session_cookie_free(sc);
    tessera_csrf_tokens_free(tokens_codec);
    tessera_key_free(hs);
    tessera_key_free(es);
    tessera_key_free(es_pub);
    if (check_failures || thread_failures) {
        printf("threads: %d failures\n", check_failures + thread_failures);
        return 1;
    }
    printf("threads: %d threads x %d verifications on one verifier (and cookie seals/opens on one "
           "codec), all as expected\n",
           nthreads, rounds);
    return 0;
}
