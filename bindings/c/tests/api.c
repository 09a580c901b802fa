/*
 * Every exported function with NULL and bad arguments, the _free(NULL)
 * no-ops, out-parameters untouched on failure, status strings, the
 * thread-local last error, and one happy path per function. scripts/test-c.sh
 * checks that every function declared in include/tessera.h appears here.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"

/* Out-parameters start as this and must still be it after a failure. */
#define SENTINEL ((void *)0x5e5e5e)
#define SENTINEL_LEN ((size_t)0x5e5e)

/* A failing call: the status, a message, and the out-parameter left alone. */
#define FAILS(call, want, out)                                                                \
    do {                                                                                      \
        STATUS(call, want);                                                                   \
        CHECK((void *)(out) == SENTINEL);                                                     \
    } while (0)

#define U8(s) ((const uint8_t *)(s))

static const uint8_t SECRET[] = "0123456789abcdef0123456789abcdef"; /* 32 bytes + NUL */
#define SECRET_LEN 32

static const char ED_PEM[] = "-----BEGIN PRIVATE KEY-----\n"
                             "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
                             "-----END PRIVATE KEY-----\n";
static const char ED_PUB_PEM[] = "-----BEGIN PUBLIC KEY-----\n"
                                 "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
                                 "-----END PUBLIC KEY-----\n";
static const uint8_t ED_DER[] = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
    0x04, 0x22, 0x04, 0x20, 0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60,
    0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69,
    0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};

static const char CLAIMS[] = "{\"sub\":\"u1\",\"exp\":4102444800,\"iss\":\"me\",\"aud\":[\"a\",\"b\"]}";
static const char NOT_UTF8[] = "\xff\xfe";

/* ABI: the numbers are fixed. */
_Static_assert(TESSERA_STATUS_OK == 0, "OK is 0");
_Static_assert(TESSERA_STATUS_MALFORMED == 1, "MALFORMED is 1");
_Static_assert(TESSERA_STATUS_EXPIRED == 8, "EXPIRED is 8");
_Static_assert(TESSERA_STATUS_UNSUPPORTED_CRITICAL_HEADER == 18, "18");
_Static_assert(TESSERA_STATUS_INVALID_ARGUMENT == 25, "INVALID_ARGUMENT is 25");
_Static_assert(TESSERA_STATUS_INTERNAL == 26, "INTERNAL is 26");
_Static_assert(TESSERA_STATUS_JWKS_UNAVAILABLE == 27, "JWKS_UNAVAILABLE is 27");
_Static_assert(sizeof(tessera_status) == 4, "tessera_status is 32 bits");

static void test_status_and_errors(void)
{
    static const char *const names[] = {
        "OK", "MALFORMED", "TOO_LARGE", "UNSUPPORTED_ALGORITHM", "ALGORITHM_NOT_ALLOWED",
        "KEY_NOT_FOUND", "INVALID_KEY", "INVALID_SIGNATURE", "EXPIRED", "NOT_YET_VALID",
        "ISSUED_IN_FUTURE", "TOO_OLD", "INVALID_ISSUER", "INVALID_AUDIENCE", "INVALID_SUBJECT",
        "INVALID_TYPE", "MISSING_CLAIM", "INVALID_CLAIM", "UNSUPPORTED_CRITICAL_HEADER",
        "REVOKED", "COOKIE_TOO_LARGE", "SESSION_NOT_FOUND", "SESSION_CONFLICT",
        "REFRESH_TOKEN_REUSED", "STORE_UNAVAILABLE", "INVALID_ARGUMENT", "INTERNAL",
        "JWKS_UNAVAILABLE"};
    for (uint32_t i = 0; i < sizeof names / sizeof *names; i++)
        STREQ(tessera_status_str(i), names[i]);
    STREQ(tessera_status_str(28), "UNKNOWN");
    STREQ(tessera_status_str(7000), "UNKNOWN");
    STREQ(tessera_status_str(UINT32_MAX), "UNKNOWN");

    STREQ(tessera_version(), TESSERA_VERSION);
    CHECK(tessera_last_error_message() == NULL); /* nothing failed yet on this thread */
    CHECK(tessera_last_error_claim() == NULL);

    /* A failure sets "CODE: message"; frees and getters leave it; success clears it. */
    tessera_key *key = SENTINEL;
    FAILS(tessera_key_hmac(SECRET, 5, NULL, NULL, &key), TESSERA_STATUS_INVALID_KEY, key);
    const char *msg = tessera_last_error_message();
    CHECK(msg && strncmp(msg, "INVALID_KEY: ", 13) == 0);
    tessera_key_free(NULL);
    tessera_string_free(NULL);
    (void)tessera_status_str(1);
    (void)tessera_key_alg(NULL);
    CHECK(tessera_last_error_message() == msg);
    OK(tessera_key_hmac(SECRET, SECRET_LEN, NULL, NULL, &key));
    CHECK(tessera_last_error_message() == NULL);
    tessera_key_free(key);

    /* The _free functions accept NULL. */
    tessera_string_free(NULL);
    tessera_bytes_free(NULL, 0);
    tessera_bytes_free(NULL, 99);
    tessera_key_free(NULL);
    tessera_keyset_free(NULL);
    tessera_verifier_free(NULL);
    tessera_claims_free(NULL);
    tessera_remote_keyset_free(NULL);
}

static void test_key_constructors(void)
{
    tessera_key *key = SENTINEL;
    /* hmac */
    FAILS(tessera_key_hmac(NULL, 32, NULL, NULL, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_hmac(NULL, 0, NULL, NULL, &key), TESSERA_STATUS_INVALID_KEY, key);
    FAILS(tessera_key_hmac(SECRET, 31, NULL, NULL, &key), TESSERA_STATUS_INVALID_KEY, key);
    FAILS(tessera_key_hmac(SECRET, SECRET_LEN, "RS256", NULL, &key), TESSERA_STATUS_INVALID_KEY,
          key);
    FAILS(tessera_key_hmac(SECRET, SECRET_LEN, "none", NULL, &key),
          TESSERA_STATUS_ALGORITHM_NOT_ALLOWED, key);
    FAILS(tessera_key_hmac(SECRET, SECRET_LEN, "HS257", NULL, &key),
          TESSERA_STATUS_UNSUPPORTED_ALGORITHM, key);
    FAILS(tessera_key_hmac(SECRET, SECRET_LEN, NOT_UTF8, NULL, &key),
          TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_hmac(SECRET, SECRET_LEN, NULL, NOT_UTF8, &key),
          TESSERA_STATUS_INVALID_ARGUMENT, key);
    STATUS(tessera_key_hmac(SECRET, SECRET_LEN, NULL, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_key_hmac_ex(SECRET, 8, "HS256", NULL, 2, &key), TESSERA_STATUS_INVALID_ARGUMENT,
          key);
    FAILS(tessera_key_hmac_ex(NULL, 8, "HS256", NULL, 0, &key), TESSERA_STATUS_INVALID_ARGUMENT,
          key);
    STATUS(tessera_key_hmac_ex(SECRET, 8, NULL, NULL, 0, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_hmac_ex(SECRET, 8, "HS256", "weak", TESSERA_KEY_ALLOW_WEAK, &key));
    STREQ(tessera_key_alg(key), "HS256");
    CHECK(tessera_key_is_private(key));
    tessera_key_free(key);

    /* pem */
    key = SENTINEL;
    FAILS(tessera_key_from_pem(NULL, NULL, NULL, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_from_pem("no pem here", NULL, NULL, &key), TESSERA_STATUS_INVALID_KEY, key);
    FAILS(tessera_key_from_pem(NOT_UTF8, NULL, NULL, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_from_pem(ED_PEM, "ES256", NULL, &key), TESSERA_STATUS_INVALID_KEY, key);
    STATUS(tessera_key_from_pem(ED_PEM, NULL, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_key_from_pem_ex(ED_PEM, NULL, NULL, 0x80, &key), TESSERA_STATUS_INVALID_ARGUMENT,
          key);
    FAILS(tessera_key_from_pem_ex(NULL, NULL, NULL, 0, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    STATUS(tessera_key_from_pem_ex(ED_PEM, NULL, NULL, 0, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_from_pem(ED_PEM, NULL, "ed", &key));
    STREQ(tessera_key_alg(key), "EdDSA");
    CHECK(tessera_key_is_private(key));
    tessera_key_free(key);
    OK(tessera_key_from_pem_ex(ED_PUB_PEM, "EdDSA", NULL, TESSERA_KEY_ALLOW_WEAK, &key));
    CHECK(!tessera_key_is_private(key));
    tessera_key_free(key);

    /* der */
    key = SENTINEL;
    FAILS(tessera_key_from_der(NULL, 4, NULL, NULL, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_from_der(U8("junk"), 4, NULL, NULL, &key), TESSERA_STATUS_INVALID_KEY, key);
    FAILS(tessera_key_from_der(ED_DER, sizeof ED_DER, "RS256", NULL, &key),
          TESSERA_STATUS_INVALID_KEY, key);
    STATUS(tessera_key_from_der(ED_DER, sizeof ED_DER, NULL, NULL, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_key_from_der_ex(NULL, 4, NULL, NULL, 0, &key), TESSERA_STATUS_INVALID_ARGUMENT,
          key);
    FAILS(tessera_key_from_der_ex(ED_DER, sizeof ED_DER, NULL, NULL, 4, &key),
          TESSERA_STATUS_INVALID_ARGUMENT, key);
    STATUS(tessera_key_from_der_ex(ED_DER, sizeof ED_DER, NULL, NULL, 0, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_from_der(ED_DER, sizeof ED_DER, NULL, "d", &key));
    STREQ(tessera_key_alg(key), "EdDSA");
    tessera_key_free(key);
    OK(tessera_key_from_der_ex(ED_DER, sizeof ED_DER, "EdDSA", NULL, TESSERA_KEY_ALLOW_WEAK, &key));
    CHECK(tessera_key_is_private(key));
    tessera_key_free(key);

    /* jwk */
    key = SENTINEL;
    FAILS(tessera_key_from_jwk(NULL, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_from_jwk(NOT_UTF8, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_from_jwk("{\"kty\":\"oct\"}", &key), TESSERA_STATUS_INVALID_KEY, key);
    STATUS(tessera_key_from_jwk("{}", NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    CHECK(tessera_key_from_jwk("{", &key) != TESSERA_STATUS_OK);
    CHECK(key == SENTINEL);
    const char *jwk = "{\"kty\":\"oct\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\","
                      "\"alg\":\"HS256\",\"kid\":\"j1\"}";
    FAILS(tessera_key_from_jwk_ex(NULL, NULL, NULL, 0, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_from_jwk_ex(jwk, "HS512", NULL, 0, &key), TESSERA_STATUS_INVALID_KEY, key);
    FAILS(tessera_key_from_jwk_ex(jwk, NULL, NULL, 8, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    STATUS(tessera_key_from_jwk_ex(jwk, NULL, NULL, 0, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_from_jwk_ex(jwk, "HS256", "override", 0, &key));
    char *kid = SENTINEL;
    OK(tessera_key_kid(key, &kid));
    STREQ(kid, "override");
    tessera_string_free(kid);
    tessera_key_free(key);
    OK(tessera_key_from_jwk(jwk, &key));
    OK(tessera_key_kid(key, &kid));
    STREQ(kid, "j1");
    tessera_string_free(kid);
    tessera_key_free(key);

    /* generate */
    key = SENTINEL;
    FAILS(tessera_key_generate(NULL, NULL, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_generate("none", NULL, &key), TESSERA_STATUS_ALGORITHM_NOT_ALLOWED, key);
    FAILS(tessera_key_generate("ES512", NULL, &key), TESSERA_STATUS_UNSUPPORTED_ALGORITHM, key);
    FAILS(tessera_key_generate(NOT_UTF8, NULL, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    FAILS(tessera_key_generate("ES256", NOT_UTF8, &key), TESSERA_STATUS_INVALID_ARGUMENT, key);
    STATUS(tessera_key_generate("ES256", NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_generate("HS384", NULL, &key));
    STREQ(tessera_key_alg(key), "HS384");
    tessera_key_free(key);
}

static void test_key_methods(void)
{
    tessera_key *es = NULL, *hs = NULL, *pub = SENTINEL;
    OK(tessera_key_generate("ES256", "es-1", &es));
    OK(tessera_key_hmac(SECRET, SECRET_LEN, "HS256", NULL, &hs));

    /* public */
    FAILS(tessera_key_public(NULL, &pub), TESSERA_STATUS_INVALID_ARGUMENT, pub);
    FAILS(tessera_key_public(hs, &pub), TESSERA_STATUS_INVALID_KEY, pub);
    STATUS(tessera_key_public(es, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_public(es, &pub));
    CHECK(tessera_key_is_private(es) && !tessera_key_is_private(pub));
    STREQ(tessera_key_alg(pub), "ES256");

    /* alg, is_private on NULL */
    CHECK(tessera_key_alg(NULL) == NULL);
    CHECK(!tessera_key_is_private(NULL));

    /* kid */
    char *s = SENTINEL;
    FAILS(tessera_key_kid(NULL, &s), TESSERA_STATUS_INVALID_ARGUMENT, s);
    STATUS(tessera_key_kid(es, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_kid(pub, &s));
    STREQ(s, "es-1");
    tessera_string_free(s);
    s = SENTINEL;
    OK(tessera_key_kid(hs, &s));
    CHECK(s == NULL); /* no kid: success with NULL */

    /* thumbprint: the same for the private and the public half */
    char *t1 = SENTINEL, *t2 = NULL;
    FAILS(tessera_key_thumbprint(NULL, &t1), TESSERA_STATUS_INVALID_ARGUMENT, t1);
    STATUS(tessera_key_thumbprint(es, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_thumbprint(es, &t1));
    OK(tessera_key_thumbprint(pub, &t2));
    STREQ(t1, t2);
    CHECK(strlen(t1) == 43);
    tessera_string_free(t2);

    /* to_jwk, and back */
    s = SENTINEL;
    FAILS(tessera_key_to_jwk(NULL, true, &s), TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_key_to_jwk(hs, false, &s), TESSERA_STATUS_INVALID_KEY, s);
    STATUS(tessera_key_to_jwk(es, true, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_to_jwk(es, false, &s));
    CHECK(strstr(s, "\"d\"") == NULL && strstr(s, "\"kid\":\"es-1\"") != NULL);
    tessera_key *back = NULL;
    OK(tessera_key_from_jwk(s, &back));
    tessera_string_free(s);
    OK(tessera_key_thumbprint(back, &t2));
    STREQ(t1, t2);
    tessera_string_free(t2);
    tessera_key_free(back);
    OK(tessera_key_to_jwk(es, true, &s));
    CHECK(strstr(s, "\"d\"") != NULL);
    tessera_string_free(s);
    tessera_string_free(t1);

    /* sign / verify */
    uint8_t *sig = SENTINEL;
    size_t sig_len = SENTINEL_LEN;
    FAILS(tessera_key_sign(NULL, U8("m"), 1, &sig, &sig_len), TESSERA_STATUS_INVALID_ARGUMENT, sig);
    FAILS(tessera_key_sign(es, NULL, 1, &sig, &sig_len), TESSERA_STATUS_INVALID_ARGUMENT, sig);
    FAILS(tessera_key_sign(pub, U8("m"), 1, &sig, &sig_len), TESSERA_STATUS_INVALID_KEY, sig);
    STATUS(tessera_key_sign(es, U8("m"), 1, NULL, &sig_len), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_key_sign(es, U8("m"), 1, &sig, NULL), TESSERA_STATUS_INVALID_ARGUMENT, sig);
    CHECK(sig_len == SENTINEL_LEN);
    OK(tessera_key_sign(es, U8("m"), 1, &sig, &sig_len));
    CHECK(sig != NULL && sig_len == 64);
    STATUS(tessera_key_verify(NULL, U8("m"), 1, sig, sig_len), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_key_verify(pub, NULL, 1, sig, sig_len), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_key_verify(pub, U8("m"), 1, NULL, sig_len), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_key_verify(pub, U8("m"), 1, sig, sig_len));
    OK(tessera_key_verify(es, U8("m"), 1, sig, sig_len));
    STATUS(tessera_key_verify(pub, U8("n"), 1, sig, sig_len), TESSERA_STATUS_INVALID_SIGNATURE);
    STATUS(tessera_key_verify(pub, U8("m"), 1, sig, 10), TESSERA_STATUS_INVALID_SIGNATURE);
    tessera_bytes_free(sig, sig_len);
    /* An empty message may be (NULL, 0). */
    OK(tessera_key_sign(hs, NULL, 0, &sig, &sig_len));
    CHECK(sig_len == 32);
    OK(tessera_key_verify(hs, NULL, 0, sig, sig_len));
    tessera_bytes_free(sig, sig_len);

    tessera_key_free(pub);
    tessera_key_free(es);
    tessera_key_free(hs);
}

static void test_keysets(void)
{
    tessera_keyset *set = SENTINEL;
    tessera_key *a = NULL, *b = NULL, *a2 = NULL;
    OK(tessera_key_generate("EdDSA", "a", &a));
    OK(tessera_key_hmac(SECRET, SECRET_LEN, "HS256", "b", &b));
    OK(tessera_key_hmac(SECRET, SECRET_LEN, "HS256", "a", &a2));

    STATUS(tessera_keyset_new(NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_keyset_new(&set));
    CHECK(tessera_keyset_len(set) == 0);
    CHECK(tessera_keyset_len(NULL) == 0);
    STATUS(tessera_keyset_add(NULL, a), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_keyset_add(set, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_keyset_add(set, a));
    STATUS(tessera_keyset_add(set, a2), TESSERA_STATUS_INVALID_ARGUMENT); /* duplicate kid */
    STATUS(tessera_keyset_rotate(NULL, b), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_keyset_rotate(set, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_keyset_rotate(set, b));
    CHECK(tessera_keyset_len(set) == 2);
    tessera_key_free(a2);

    /* The rotated key signs first; a kid in the header picks another. */
    char *token = SENTINEL, *header = NULL, *claims = NULL;
    FAILS(tessera_jwt_encode_keyset(NULL, CLAIMS, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT,
          token);
    FAILS(tessera_jwt_encode_keyset(set, NULL, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT,
          token);
    FAILS(tessera_jwt_encode_keyset(set, CLAIMS, "{\"kid\":\"zz\"}", &token),
          TESSERA_STATUS_KEY_NOT_FOUND, token);
    STATUS(tessera_jwt_encode_keyset(set, CLAIMS, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_jwt_encode_keyset(set, CLAIMS, NULL, &token));
    OK(tessera_jwt_decode_unverified(U8(token), strlen(token), &header, &claims));
    CHECK(strstr(header, "\"kid\":\"b\"") && strstr(header, "\"alg\":\"HS256\""));
    STREQ(claims, CLAIMS);
    tessera_string_free(token);
    tessera_string_free(header);
    tessera_string_free(claims);
    OK(tessera_jwt_encode_keyset(set, CLAIMS, "{\"kid\":\"a\"}", &token));
    OK(tessera_jwt_decode_unverified(U8(token), strlen(token), &header, &claims));
    CHECK(strstr(header, "\"alg\":\"EdDSA\"") != NULL);
    tessera_string_free(token);
    tessera_string_free(header);
    tessera_string_free(claims);

    /* JWKS out and back in: HMAC keys are never exported. */
    char *jwks = SENTINEL;
    FAILS(tessera_keyset_to_jwks(NULL, &jwks), TESSERA_STATUS_INVALID_ARGUMENT, jwks);
    STATUS(tessera_keyset_to_jwks(set, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_keyset_to_jwks(set, &jwks));
    CHECK(strstr(jwks, "\"kid\":\"a\"") && !strstr(jwks, "\"kid\":\"b\""));
    tessera_keyset *set2 = SENTINEL;
    FAILS(tessera_keyset_from_jwks(NULL, &set2), TESSERA_STATUS_INVALID_ARGUMENT, set2);
    FAILS(tessera_keyset_from_jwks(NOT_UTF8, &set2), TESSERA_STATUS_INVALID_ARGUMENT, set2);
    CHECK(tessera_keyset_from_jwks("{\"keys\":1}", &set2) != TESSERA_STATUS_OK);
    CHECK(set2 == SENTINEL);
    CHECK(tessera_keyset_from_jwks("not json", &set2) != TESSERA_STATUS_OK);
    CHECK(set2 == SENTINEL);
    STATUS(tessera_keyset_from_jwks(jwks, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_keyset_from_jwks(jwks, &set2));
    CHECK(tessera_keyset_len(set2) == 1);
    tessera_string_free(jwks);
    tessera_keyset_free(set2);

    /* The set keeps its own references: the keys may go first. */
    tessera_key_free(a);
    tessera_key_free(b);
    OK(tessera_jwt_encode_keyset(set, CLAIMS, NULL, &token));
    tessera_string_free(token);
    tessera_keyset_free(set);
}

static void test_verifier(void)
{
    tessera_key *key = NULL;
    tessera_keyset *set = NULL, *empty = NULL;
    tessera_verifier *v = SENTINEL;
    OK(tessera_key_hmac(SECRET, SECRET_LEN, "HS256", "k", &key));
    OK(tessera_keyset_new(&set));
    OK(tessera_keyset_new(&empty));
    OK(tessera_keyset_add(set, key));

    FAILS(tessera_verifier_new(NULL, NULL, &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new(empty, NULL, &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new(set, "{\"leway\":1}", &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new(set, "{\"leeway\":-1}", &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new(set, "[]", &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new(set, "{", &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new(set, NOT_UTF8, &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new(set, "{\"algorithms\":[\"XS1\"]}", &v),
          TESSERA_STATUS_UNSUPPORTED_ALGORITHM, v);
    STATUS(tessera_verifier_new(set, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    tessera_keyset_free(empty);

    const char *options = "{\"algorithms\":[\"HS256\"],\"issuer\":\"me\",\"audience\":\"a\","
                          "\"subject\":\"u1\",\"required\":[\"exp\",\"sub\"],\"leeway\":5,"
                          "\"max_age\":null,\"typ\":\"JWT\",\"now\":1700000000,"
                          "\"verify_exp\":true,\"verify_nbf\":true}";
    OK(tessera_verifier_new(set, options, &v));
    tessera_keyset_free(set); /* the verifier has its own copy */
    tessera_key *other = NULL;
    OK(tessera_key_hmac(SECRET, SECRET_LEN, "HS256", NULL, &other));

    char *token = NULL, *expired = NULL;
    OK(tessera_jwt_encode(key, CLAIMS, NULL, &token));
    OK(tessera_jwt_encode(key, "{\"sub\":\"u1\",\"exp\":1600000000,\"iss\":\"me\",\"aud\":\"a\"}",
                          NULL, &expired));
    size_t len = strlen(token);

    char *claims = SENTINEL;
    FAILS(tessera_verifier_verify(NULL, U8(token), len, &claims), TESSERA_STATUS_INVALID_ARGUMENT,
          claims);
    FAILS(tessera_verifier_verify(v, NULL, len, &claims), TESSERA_STATUS_INVALID_ARGUMENT, claims);
    FAILS(tessera_verifier_verify(v, NULL, 0, &claims), TESSERA_STATUS_MALFORMED, claims);
    FAILS(tessera_verifier_verify(v, U8(NOT_UTF8), 2, &claims), TESSERA_STATUS_MALFORMED, claims);
    char *tampered = strdup(token);
    tampered[len - 5] = tampered[len - 5] == 'A' ? 'B' : 'A';
    FAILS(tessera_verifier_verify(v, U8(tampered), len, &claims), TESSERA_STATUS_INVALID_SIGNATURE,
          claims);
    free(tampered);
    STATUS(tessera_verifier_verify(v, U8(token), len, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_verifier_verify(v, U8(expired), strlen(expired), &claims),
          TESSERA_STATUS_EXPIRED, claims);
    STREQ(tessera_last_error_claim(), "exp");
    OK(tessera_verifier_verify(v, U8(token), len, &claims));
    STREQ(claims, CLAIMS); /* exactly as signed */
    CHECK(tessera_last_error_claim() == NULL);
    tessera_string_free(claims);

    /* The claims handle and its getters. */
    tessera_claims *c = SENTINEL;
    FAILS(tessera_verifier_verify_claims(NULL, U8(token), len, &c),
          TESSERA_STATUS_INVALID_ARGUMENT, c);
    FAILS(tessera_verifier_verify_claims(v, NULL, len, &c), TESSERA_STATUS_INVALID_ARGUMENT, c);
    FAILS(tessera_verifier_verify_claims(v, U8(expired), strlen(expired), &c),
          TESSERA_STATUS_EXPIRED, c);
    STATUS(tessera_verifier_verify_claims(v, U8(token), len, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_verifier_verify_claims(v, U8(token), len, &c));
    STREQ(tessera_claims_json(c), CLAIMS);
    CHECK(tessera_claims_json(NULL) == NULL);

    double d = -1;
    STATUS(tessera_claims_number(NULL, "exp", &d), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_claims_number(c, NULL, &d), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_claims_number(c, "exp", NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_claims_number(c, "sub", &d), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_claims_number(c, "nbf", &d), TESSERA_STATUS_MISSING_CLAIM);
    STREQ(tessera_last_error_claim(), "nbf");
    CHECK(d == -1);
    OK(tessera_claims_number(c, "exp", &d));
    CHECK(d == 4102444800.0);

    const char *str = SENTINEL;
    size_t slen = SENTINEL_LEN;
    FAILS(tessera_claims_string(NULL, "sub", &str, &slen), TESSERA_STATUS_INVALID_ARGUMENT, str);
    FAILS(tessera_claims_string(c, NULL, &str, &slen), TESSERA_STATUS_INVALID_ARGUMENT, str);
    FAILS(tessera_claims_string(c, "exp", &str, &slen), TESSERA_STATUS_INVALID_ARGUMENT, str);
    FAILS(tessera_claims_string(c, "jti", &str, &slen), TESSERA_STATUS_MISSING_CLAIM, str);
    STATUS(tessera_claims_string(c, "sub", NULL, &slen), TESSERA_STATUS_INVALID_ARGUMENT);
    CHECK(slen == SENTINEL_LEN);
    OK(tessera_claims_string(c, "sub", &str, &slen));
    STREQ(str, "u1");
    CHECK(slen == 2);
    OK(tessera_claims_string(c, "iss", &str, NULL)); /* the length is optional */
    STREQ(str, "me");

    size_t n = SENTINEL_LEN;
    STATUS(tessera_claims_audience_count(NULL, &n), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_claims_audience_count(c, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    CHECK(n == SENTINEL_LEN);
    OK(tessera_claims_audience_count(c, &n));
    CHECK(n == 2);
    str = SENTINEL;
    FAILS(tessera_claims_audience(NULL, 0, &str, NULL), TESSERA_STATUS_INVALID_ARGUMENT, str);
    FAILS(tessera_claims_audience(c, 2, &str, NULL), TESSERA_STATUS_INVALID_ARGUMENT, str);
    STATUS(tessera_claims_audience(c, 0, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_claims_audience(c, 1, &str, &slen));
    STREQ(str, "b");
    CHECK(slen == 1);
    tessera_claims_free(c);

    /* Strings with \u0000 keep their length; absent aud is MISSING_CLAIM. */
    tessera_verifier *lax = NULL;
    tessera_keyset *one = NULL;
    OK(tessera_keyset_new(&one));
    OK(tessera_keyset_add(one, other));
    OK(tessera_verifier_new(one, "{\"required\":[]}", &lax));
    tessera_keyset_free(one);
    char *t2 = NULL;
    OK(tessera_jwt_encode(other, "{\"sub\":\"a\\u0000b\"}", NULL, &t2));
    OK(tessera_verifier_verify_claims(lax, U8(t2), strlen(t2), &c));
    OK(tessera_claims_string(c, "sub", &str, &slen));
    CHECK(slen == 3 && strlen(str) == 1 && memcmp(str, "a\0b", 4) == 0);
    STATUS(tessera_claims_audience_count(c, &n), TESSERA_STATUS_MISSING_CLAIM);
    STATUS(tessera_claims_audience(c, 0, &str, NULL), TESSERA_STATUS_MISSING_CLAIM);
    tessera_claims_free(c);
    tessera_string_free(t2);
    tessera_verifier_free(lax);

    tessera_string_free(token);
    tessera_string_free(expired);
    tessera_verifier_free(v);
    tessera_key_free(key);
    tessera_key_free(other);
}

static void test_jwt(void)
{
    tessera_key *key = NULL, *pub = NULL;
    OK(tessera_key_generate("ES256", NULL, &key));
    OK(tessera_key_public(key, &pub));
    char *token = SENTINEL;
    FAILS(tessera_jwt_encode(NULL, CLAIMS, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT, token);
    FAILS(tessera_jwt_encode(key, NULL, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT, token);
    FAILS(tessera_jwt_encode(key, "[]", NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT, token);
    FAILS(tessera_jwt_encode(key, "{\"a\":1,\"a\":2}", NULL, &token),
          TESSERA_STATUS_INVALID_ARGUMENT, token);
    FAILS(tessera_jwt_encode(key, NOT_UTF8, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT, token);
    FAILS(tessera_jwt_encode(key, CLAIMS, NOT_UTF8, &token), TESSERA_STATUS_INVALID_ARGUMENT,
          token);
    CHECK(tessera_jwt_encode(key, CLAIMS, "{\"alg\":\"HS256\"}", &token) != TESSERA_STATUS_OK);
    CHECK(token == SENTINEL);
    CHECK(tessera_jwt_encode(key, CLAIMS, "[1]", &token) != TESSERA_STATUS_OK);
    CHECK(token == SENTINEL);
    FAILS(tessera_jwt_encode(pub, CLAIMS, NULL, &token), TESSERA_STATUS_INVALID_KEY, token);
    STATUS(tessera_jwt_encode(key, CLAIMS, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_jwt_encode(key, CLAIMS, "{\"typ\":\"at+jwt\",\"x\":1}", &token));

    char *header = SENTINEL, *claims = SENTINEL;
    size_t len = strlen(token);
    FAILS(tessera_jwt_decode_unverified(NULL, len, &header, &claims),
          TESSERA_STATUS_INVALID_ARGUMENT, header);
    FAILS(tessera_jwt_decode_unverified(U8(token), len, NULL, &claims),
          TESSERA_STATUS_INVALID_ARGUMENT, claims);
    FAILS(tessera_jwt_decode_unverified(U8(token), len, &header, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, header);
    FAILS(tessera_jwt_decode_unverified(U8("a.b"), 3, &header, &claims), TESSERA_STATUS_MALFORMED,
          header);
    FAILS(tessera_jwt_decode_unverified(U8(NOT_UTF8), 2, &header, &claims),
          TESSERA_STATUS_MALFORMED, claims);
    FAILS(tessera_jwt_decode_unverified(NULL, 0, &header, &claims), TESSERA_STATUS_MALFORMED,
          claims);
    OK(tessera_jwt_decode_unverified(U8(token), len, &header, &claims));
    STREQ(header, "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"x\":1}");
    STREQ(claims, CLAIMS);
    tessera_string_free(header);
    tessera_string_free(claims);
    tessera_string_free(token);
    tessera_key_free(key);
    tessera_key_free(pub);
}

static void test_jws(void)
{
    static const uint8_t payload[] = {0, 1, 2, 0xff, 0};
    tessera_key *key = NULL;
    tessera_keyset *set = NULL;
    OK(tessera_key_generate("EdDSA", "e", &key));
    OK(tessera_keyset_new(&set));
    OK(tessera_keyset_add(set, key));

    char *token = SENTINEL;
    FAILS(tessera_jws_sign(NULL, payload, 5, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT, token);
    FAILS(tessera_jws_sign(key, NULL, 5, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT, token);
    FAILS(tessera_jws_sign(key, payload, 5, NOT_UTF8, &token), TESSERA_STATUS_INVALID_ARGUMENT,
          token);
    CHECK(tessera_jws_sign(key, payload, 5, "{\"b64\":false}", &token) != TESSERA_STATUS_OK);
    CHECK(token == SENTINEL);
    STATUS(tessera_jws_sign(key, payload, 5, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_jws_sign_keyset(NULL, payload, 5, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT,
          token);
    FAILS(tessera_jws_sign_keyset(set, NULL, 5, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT,
          token);
    STATUS(tessera_jws_sign_keyset(set, payload, 5, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_jws_sign_keyset(set, payload, 5, "{\"cty\":\"bin\"}", &token));
    tessera_string_free(token);
    OK(tessera_jws_sign(key, payload, 5, NULL, &token));
    size_t len = strlen(token);

    uint8_t *out = SENTINEL;
    size_t out_len = SENTINEL_LEN;
    FAILS(tessera_jws_verify(NULL, U8(token), len, &out, &out_len), TESSERA_STATUS_INVALID_ARGUMENT,
          out);
    FAILS(tessera_jws_verify(set, NULL, len, &out, &out_len), TESSERA_STATUS_INVALID_ARGUMENT, out);
    FAILS(tessera_jws_verify(set, U8(token), len, NULL, &out_len), TESSERA_STATUS_INVALID_ARGUMENT,
          out);
    FAILS(tessera_jws_verify(set, U8(token), len, &out, NULL), TESSERA_STATUS_INVALID_ARGUMENT, out);
    FAILS(tessera_jws_verify(set, U8(token), len - 2, &out, &out_len),
          TESSERA_STATUS_INVALID_SIGNATURE, out);
    FAILS(tessera_jws_verify(set, U8(NOT_UTF8), 2, &out, &out_len), TESSERA_STATUS_MALFORMED, out);
    CHECK(out_len == SENTINEL_LEN);
    OK(tessera_jws_verify(set, U8(token), len, &out, &out_len));
    CHECK(out_len == 5 && memcmp(out, payload, 5) == 0);
    tessera_bytes_free(out, out_len);

    /* Detached: cut the payload segment out of the token. */
    char *first = strchr(token, '.'), *last = strrchr(token, '.');
    memmove(first + 1, last, strlen(last) + 1);
    size_t dlen = strlen(token);
    STATUS(tessera_jws_verify_detached(NULL, U8(token), dlen, payload, 5),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_jws_verify_detached(set, NULL, dlen, payload, 5),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_jws_verify_detached(set, U8(token), dlen, NULL, 5),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_jws_verify_detached(set, U8(token), dlen, payload, 4),
           TESSERA_STATUS_INVALID_SIGNATURE);
    OK(tessera_jws_verify_detached(set, U8(token), dlen, payload, 5));
    tessera_string_free(token);

    /* An empty payload comes back as (NULL, 0). */
    OK(tessera_jws_sign(key, NULL, 0, NULL, &token));
    STATUS(tessera_jws_verify_detached(set, U8(token), strlen(token), NULL, 0),
           TESSERA_STATUS_OK);
    OK(tessera_jws_verify(set, U8(token), strlen(token), &out, &out_len));
    CHECK(out == NULL && out_len == 0);
    tessera_bytes_free(out, out_len);
    tessera_string_free(token);

    tessera_keyset_free(set);
    tessera_key_free(key);
}

/* The opt-in verified-token cache ("cache_size" in the options JSON): a hit
 * returns the same claims; one changed byte is not a hit; exp and the
 * denylist are re-checked on every hit; bad sizes are INVALID_ARGUMENT. */
static void test_verifier_cache(void)
{
    tessera_key *key = NULL;
    tessera_keyset *set = NULL;
    tessera_verifier *v = SENTINEL;
    OK(tessera_key_hmac(SECRET, SECRET_LEN, "HS256", NULL, &key));
    OK(tessera_keyset_new(&set));
    OK(tessera_keyset_add(set, key));

    FAILS(tessera_verifier_new(set, "{\"cache_size\":-1}", &v), TESSERA_STATUS_INVALID_ARGUMENT,
          v);
    FAILS(tessera_verifier_new(set, "{\"cache_size\":1000001}", &v),
          TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new(set, "{\"cache_size\":\"10\"}", &v),
          TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new(set, "{\"cache_size\":2.5}", &v), TESSERA_STATUS_INVALID_ARGUMENT,
          v);

    OK(tessera_verifier_new(set, "{\"cache_size\":100,\"audience\":\"a\"}", &v));
    char *token = NULL, *claims = NULL;
    OK(tessera_jwt_encode(key, CLAIMS, NULL, &token));
    size_t len = strlen(token);
    for (int i = 0; i < 3; i++) {
        OK(tessera_verifier_verify(v, U8(token), len, &claims));
        STREQ(claims, CLAIMS);
        tessera_string_free(claims);
    }
    tessera_claims *c = NULL;
    const char *str = NULL;
    OK(tessera_verifier_verify_claims(v, U8(token), len, &c));
    OK(tessera_claims_string(c, "sub", &str, NULL));
    STREQ(str, "u1");
    tessera_claims_free(c);
    char *tampered = strdup(token);
    tampered[len - 5] = tampered[len - 5] == 'A' ? 'B' : 'A';
    claims = SENTINEL;
    FAILS(tessera_verifier_verify(v, U8(tampered), len, &claims), TESSERA_STATUS_INVALID_SIGNATURE,
          claims);
    free(tampered);
    tessera_string_free(token);

    /* Cached with exp = now + 2 (valid for at least one more second), EXPIRED
       three seconds later. */
    char exp_claims[64];
    snprintf(exp_claims, sizeof exp_claims, "{\"sub\":\"u1\",\"aud\":\"a\",\"exp\":%lld}",
             (long long)time(NULL) + 2);
    OK(tessera_jwt_encode(key, exp_claims, NULL, &token));
    OK(tessera_verifier_verify(v, U8(token), strlen(token), &claims));
    tessera_string_free(claims);
    struct timespec pause = {3, 100000000};
    nanosleep(&pause, NULL);
    claims = SENTINEL;
    FAILS(tessera_verifier_verify(v, U8(token), strlen(token), &claims), TESSERA_STATUS_EXPIRED,
          claims);
    STREQ(tessera_last_error_claim(), "exp");
    tessera_string_free(token);
    tessera_verifier_free(v);

    /* Revoked after caching. */
    tessera_store *store = NULL;
    tessera_denylist *deny = NULL;
    OK(tessera_memory_store_new(1000, 1 << 20, &store));
    OK(tessera_denylist_new(store, &deny));
    OK(tessera_verifier_new_with_denylist(set, "{\"cache_size\":10}", deny, &v));
    OK(tessera_jwt_encode(key, "{\"exp\":4102444800,\"jti\":\"j-1\"}", NULL, &token));
    for (int i = 0; i < 2; i++) {
        OK(tessera_verifier_verify(v, U8(token), strlen(token), &claims));
        tessera_string_free(claims);
    }
    OK(tessera_denylist_revoke(deny, "j-1", 4102444800));
    claims = SENTINEL;
    FAILS(tessera_verifier_verify(v, U8(token), strlen(token), &claims), TESSERA_STATUS_REVOKED,
          claims);
    STREQ(tessera_last_error_claim(), "jti");
    tessera_string_free(token);
    tessera_verifier_free(v);
    tessera_denylist_free(deny);
    tessera_store_free(store);
    tessera_keyset_free(set);
    tessera_key_free(key);
}

/* ------------------------------------------------------------------ secrets
 * After every failure below, the last error (message and claim) must hold no
 * secret and no token or cookie: not whole, and not any 20-byte piece of one,
 * in raw, hex (both cases), base64 or base64url (padded or not) form. */

#define PIECE 20
#define MAX_NEEDLES 64

static char *needles[MAX_NEEDLES];
static size_t needle_count;
static int secret_checks;

static void needle(const char *s, size_t len)
{
    if (needle_count < MAX_NEEDLES && len > 0) {
        char *copy = malloc(len + 1);
        memcpy(copy, s, len);
        copy[len] = '\0';
        needles[needle_count++] = copy;
    } else {
        CHECK(needle_count < MAX_NEEDLES);
    }
}

static void b64_into(const uint8_t *in, size_t len, int url, int pad, char *out)
{
    const char *alpha = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                            : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t n = (uint32_t)in[i] << 16;
        if (i + 1 < len) n |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len) n |= in[i + 2];
        out[o++] = alpha[(n >> 18) & 63];
        out[o++] = alpha[(n >> 12) & 63];
        if (i + 1 < len) out[o++] = alpha[(n >> 6) & 63];
        else if (pad) out[o++] = '=';
        if (i + 2 < len) out[o++] = alpha[n & 63];
        else if (pad) out[o++] = '=';
    }
    out[o] = '\0';
}

/* A secret in every form. */
static void secret_needles(const uint8_t *s, size_t len)
{
    char buf[1024];
    CHECK(len * 2 < sizeof buf);
    needle((const char *)s, len);
    for (int upper = 0; upper < 2; upper++) {
        for (size_t i = 0; i < len; i++)
            snprintf(buf + 2 * i, 3, upper ? "%02X" : "%02x", s[i]);
        needle(buf, 2 * len);
    }
    for (int url = 0; url < 2; url++)
        for (int pad = 0; pad < 2; pad++) {
            b64_into(s, len, url, pad, buf);
            needle(buf, strlen(buf));
        }
}

static void drop_needles(void)
{
    for (size_t i = 0; i < needle_count; i++)
        free(needles[i]);
    needle_count = 0;
}

/* Whether `text` holds `n`, or (when `n` is longer) any PIECE-byte piece of it. */
static int holds(const char *text, const char *n)
{
    size_t tl = strlen(text), nl = strlen(n);
    size_t w = nl < PIECE ? nl : PIECE;
    for (size_t i = 0; i + w <= nl; i++)
        for (size_t j = 0; j + w <= tl; j++)
            if (memcmp(text + j, n + i, w) == 0) return 1;
    return 0;
}

/* The last error after a failing call (`got` is its status). */
static void clean_error(uint32_t got, const char *what, const char *input)
{
    CHECK(got != TESSERA_STATUS_OK);
    if (got == TESSERA_STATUS_OK) {
        fprintf(stderr, "  (%s succeeded)\n", what);
        return;
    }
    const char *texts[2] = {tessera_last_error_message(), tessera_last_error_claim()};
    CHECK(texts[0] != NULL);
    for (int t = 0; t < 2; t++) {
        if (!texts[t]) continue;
        secret_checks++;
        for (size_t i = 0; i < needle_count; i++)
            if (holds(texts[t], needles[i])) {
                fprintf(stderr, "%s: the last error holds a secret: %s\n", what, texts[t]);
                check_failures++;
            }
        if (input && strlen(input) >= PIECE && holds(texts[t], input)) {
            fprintf(stderr, "%s: the last error holds the input: %s\n", what, texts[t]);
            check_failures++;
        }
    }
}

/* Every one-character substitution and every prefix of `value` through `open`. */
typedef uint32_t (*opener)(const void *ctx, const char *value);

static void mutants(const char *what, const char *value, opener open, const void *ctx)
{
    size_t len = strlen(value);
    char *m = malloc(len + 1);
    for (size_t i = 0; i < len; i++) {
        memcpy(m, value, len + 1);
        m[i] = m[i] == 'A' ? 'B' : m[i] == '.' ? '_' : 'A';
        clean_error(open(ctx, m), what, m);
    }
    for (size_t cut = 0; cut < len; cut += 3) {
        memcpy(m, value, cut);
        m[cut] = '\0';
        uint32_t got = open(ctx, m);
        if (got != TESSERA_STATUS_OK) clean_error(got, what, m);
    }
    free(m);
}

static uint32_t open_jwt(const void *v, const char *t)
{
    char *claims = NULL;
    uint32_t got = tessera_verifier_verify(v, U8(t), strlen(t), &claims);
    tessera_string_free(claims);
    return got;
}

static uint32_t open_native(const void *c, const char *t)
{
    char *json = NULL;
    uint32_t got = tessera_session_cookie_open(c, U8(t), strlen(t), 1800000000, &json, NULL, NULL);
    tessera_string_free(json);
    return got;
}

static uint32_t open_flask(const void *c, const char *t)
{
    char *json = NULL;
    uint32_t got = tessera_flask_cookie_loads(c, U8(t), strlen(t), 1800000000, &json);
    tessera_string_free(json);
    return got;
}

static uint32_t open_sid(const void *c, const char *t)
{
    char *sid = NULL;
    uint32_t got = tessera_express_session_id_unsign(c, U8(t), strlen(t), &sid, NULL);
    tessera_string_free(sid);
    return got;
}

static uint32_t open_rails(const void *c, const char *t)
{
    char *json = NULL;
    uint32_t got = tessera_rails_cookie_decrypt(c, U8(t), strlen(t), 1800000000000, &json);
    tessera_string_free(json);
    return got;
}

static const char CSRF_SESSION[] = "csrf-session-id-kQ7mV2xRbT9wLpZ4nH8s";

static uint32_t open_csrf(const void *c, const char *t)
{
    return tessera_csrf_tokens_verify(c, CSRF_SESSION, U8(t), strlen(t));
}

static void test_secrets_never_in_errors(void)
{
    static const uint8_t S1[] = "s3cr3t-Qm9ZpX2vLk8RwT5nB7cYhJ4dFg6sAe1u"; /* 40 bytes */
    static const uint8_t S2[] = "0th3r-Vb3NxK9mQw2ZrT7pLc5YhD8jFs4GaE6u1"; /* 39 bytes */
    static const uint8_t WEAK[] = "weak-Hn4Tq8Zc2Xv"; /* 16 bytes */
    const size_t s1 = sizeof S1 - 1, s2 = sizeof S2 - 1;
    secret_needles(S1, s1);
    secret_needles(S2, s2);
    secret_needles(WEAK, sizeof WEAK - 1);

    /* JWT: wrong key, every mutant, a weak key, a damaged private JWK and PEM. */
    tessera_key *a = NULL, *b = NULL, *weak = SENTINEL;
    tessera_keyset *set_a = NULL, *set_b = NULL;
    tessera_verifier *va = NULL, *vb = NULL;
    OK(tessera_key_hmac(S1, s1, "HS256", "k", &a));
    OK(tessera_key_hmac(S2, s2, "HS256", "k", &b));
    OK(tessera_keyset_new(&set_a));
    OK(tessera_keyset_add(set_a, a));
    OK(tessera_keyset_new(&set_b));
    OK(tessera_keyset_add(set_b, b));
    OK(tessera_verifier_new(set_a, "{\"audience\":\"a\",\"issuer\":\"me\"}", &va));
    OK(tessera_verifier_new(set_b, "{\"audience\":\"a\",\"issuer\":\"me\"}", &vb));
    char *token = NULL;
    OK(tessera_jwt_encode(a, CLAIMS, NULL, &token));
    needle(token, strlen(token));
    CHECK(open_jwt(va, token) == TESSERA_STATUS_OK);
    clean_error(open_jwt(vb, token), "jwt, wrong key", token);
    mutants("jwt mutant", token, open_jwt, va);
    clean_error(tessera_key_hmac(WEAK, sizeof WEAK - 1, NULL, NULL, &weak), "weak key", NULL);
    CHECK(weak == SENTINEL);

    tessera_key *ec = NULL, *bad = SENTINEL;
    char *jwk = NULL;
    OK(tessera_key_generate("ES256", "ec", &ec));
    OK(tessera_key_to_jwk(ec, true, &jwk));
    const char *d = strstr(jwk, "\"d\":\"");
    CHECK(d != NULL);
    if (d) {
        d += 5;
        size_t dlen = strcspn(d, "\"");
        needle(d, dlen);
        needle(jwk, strlen(jwk));
        char *damaged = strdup(jwk);
        char *dd = damaged + (d - jwk);
        dd[dlen / 2] = dd[dlen / 2] == 'A' ? 'B' : 'A';
        clean_error(tessera_key_from_jwk(damaged, &bad), "damaged EC JWK", damaged);
        dd[3] = '"'; /* a truncated d, then garbage */
        clean_error(tessera_key_from_jwk(damaged, &bad), "truncated EC JWK", damaged);
        free(damaged);
    }
    tessera_string_free(jwk);
    char *pem = strdup(ED_PEM);
    const char *body = strchr(ED_PEM, '\n') + 1;
    needle(body, strcspn(body, "\n"));
    pem[(body - ED_PEM) + 20] = pem[(body - ED_PEM) + 20] == 'A' ? 'B' : 'A';
    clean_error(tessera_key_from_pem(pem, NULL, NULL, &bad), "damaged PEM", pem);
    pem[(body - ED_PEM) + 30] = '\n';
    clean_error(tessera_key_from_pem(pem, NULL, NULL, &bad), "cut PEM", pem);
    free(pem);
    clean_error(tessera_key_from_pem(ED_PEM, "RS256", NULL, &bad), "PEM wrong alg", NULL);
    CHECK(bad == SENTINEL);

    /* Cookies of every format: the other secret, and every mutant. */
    const uint8_t *one[1] = {S1}, *other[1] = {S2};
    const size_t one_len[1] = {s1}, other_len[1] = {s2};
    for (uint32_t flags = 0; flags <= TESSERA_SESSION_ENCRYPTED; flags++) {
        tessera_session_cookie *c1 = NULL, *c2 = NULL;
        char *v = NULL;
        OK(tessera_session_cookie_new(one, one_len, 1, NULL, flags, TESSERA_NO_MAX_AGE, NULL, &c1));
        OK(tessera_session_cookie_new(other, other_len, 1, NULL, flags, TESSERA_NO_MAX_AGE, NULL,
                                      &c2));
        OK(tessera_session_cookie_seal(c1, "{\"user\":\"alice\"}", 1800000000, &v));
        needle(v, strlen(v));
        clean_error(open_native(c2, v), "native cookie, other secret", v);
        mutants("native cookie mutant", v, open_native, c1);
        tessera_string_free(v);
        tessera_session_cookie_free(c1);
        tessera_session_cookie_free(c2);
    }
    tessera_session_cookie *short_secret = SENTINEL;
    clean_error(tessera_session_cookie_new((const uint8_t *const[]){WEAK}, (const size_t[]){16}, 1,
                                           NULL, 0, TESSERA_NO_MAX_AGE, NULL, &short_secret),
                "native cookie, short secret", NULL);
    CHECK(short_secret == SENTINEL);

    tessera_flask_cookie *f1 = NULL, *f2 = NULL;
    char *fv = NULL;
    OK(tessera_flask_cookie_new(S1, s1, NULL, NULL, 0, NULL, TESSERA_FLASK_DEFAULT_MAX_AGE, &f1));
    OK(tessera_flask_cookie_new(S2, s2, NULL, NULL, 0, NULL, TESSERA_FLASK_DEFAULT_MAX_AGE, &f2));
    OK(tessera_flask_cookie_dumps(f1, "{\"user\":\"alice\"}", 1800000000, &fv));
    needle(fv, strlen(fv));
    clean_error(open_flask(f2, fv), "flask, other secret", fv);
    mutants("flask mutant", fv, open_flask, f1);
    tessera_string_free(fv);
    tessera_flask_cookie_free(f1);
    tessera_flask_cookie_free(f2);

    static const char SID[] = "sid-Zx8Kq2Wv5Nt7Rb3Lm9Pc4Yh6Jd1Fs0Ga";
    needle(SID, strlen(SID));
    tessera_express_session_id *x1 = NULL, *x2 = NULL;
    char *xv = NULL;
    OK(tessera_express_session_id_new(one, one_len, 1, &x1));
    OK(tessera_express_session_id_new(other, other_len, 1, &x2));
    OK(tessera_express_session_id_sign(x1, SID, &xv));
    needle(xv, strlen(xv));
    clean_error(open_sid(x2, xv), "express-session, other secret", xv);
    mutants("express-session mutant", xv, open_sid, x1);
    tessera_string_free(xv);
    tessera_express_session_id_free(x1);
    tessera_express_session_id_free(x2);

    tessera_rails_cookie *r1 = NULL, *r2 = NULL;
    char *rv = NULL;
    OK(tessera_rails_cookie_new(S1, s1, "_app_session", NULL, NULL, NULL, NULL, 0, &r1));
    OK(tessera_rails_cookie_new(S2, s2, "_app_session", NULL, NULL, NULL, NULL, 0, &r2));
    OK(tessera_rails_cookie_encrypt(r1, "{\"user\":\"alice\"}", TESSERA_UNSET, &rv));
    needle(rv, strlen(rv));
    clean_error(open_rails(r2, rv), "rails, other secret", rv);
    mutants("rails mutant", rv, open_rails, r1);
    tessera_string_free(rv);
    tessera_rails_cookie_free(r1);
    tessera_rails_cookie_free(r2);

    needle(CSRF_SESSION, strlen(CSRF_SESSION));
    tessera_csrf_tokens *k1 = NULL, *k2 = NULL;
    char *ct = NULL;
    OK(tessera_csrf_tokens_new(one, one_len, 1, &k1));
    OK(tessera_csrf_tokens_new(other, other_len, 1, &k2));
    OK(tessera_csrf_tokens_generate(k1, CSRF_SESSION, &ct));
    needle(ct, strlen(ct));
    clean_error(open_csrf(k2, ct), "csrf, other secret", ct);
    mutants("csrf mutant", ct, open_csrf, k1);
    tessera_string_free(ct);
    tessera_csrf_tokens_free(k1);
    tessera_csrf_tokens_free(k2);

    /* Sessions and refresh tokens: ids and tokens never in an error. */
    tessera_store *store = NULL;
    tessera_session_manager *m = NULL;
    tessera_refresh_tokens *rt = NULL;
    char *id = NULL, *t0 = NULL, *t1 = NULL, *user = NULL, *data = NULL;
    char *u2 = SENTINEL, *d2 = SENTINEL, *t2 = SENTINEL;
    uint64_t version = 0;
    OK(tessera_memory_store_new(TESSERA_UNSET, TESSERA_UNSET, &store));
    OK(tessera_session_manager_new(store, 3600000, TESSERA_UNSET, &m));
    OK(tessera_session_manager_create(m, "{\"a\":1}", "alice", &id));
    needle(id, strlen(id));
    OK(tessera_session_manager_save(m, U8(id), strlen(id), "{\"a\":2}", 0, &version));
    clean_error(tessera_session_manager_save(m, U8(id), strlen(id), "{\"a\":3}", 0, &version),
                "stale session save", id);
    static const char UNKNOWN[] = "UnknownSessionIdUnknownSessionIdUnknownSes"; /* 43 chars */
    needle(UNKNOWN, strlen(UNKNOWN));
    clean_error(tessera_session_manager_save(m, U8(UNKNOWN), strlen(UNKNOWN), "{}", 0, &version),
                "unknown session save", UNKNOWN);
    OK(tessera_refresh_tokens_new(store, 3600000, &rt));
    OK(tessera_refresh_tokens_issue(rt, "bob", NULL, &t0));
    needle(t0, strlen(t0));
    OK(tessera_refresh_tokens_rotate(rt, U8(t0), strlen(t0), &user, &data, &t1));
    needle(t1, strlen(t1));
    clean_error(tessera_refresh_tokens_rotate(rt, U8(t0), strlen(t0), &u2, &d2, &t2),
                "reused refresh token", t0);
    clean_error(tessera_refresh_tokens_rotate(rt, U8(t1), strlen(t1), &u2, &d2, &t2),
                "refresh token of a revoked family", t1);
    clean_error(tessera_refresh_tokens_rotate(rt, U8(UNKNOWN), strlen(UNKNOWN), &u2, &d2, &t2),
                "unknown refresh token", UNKNOWN);
    CHECK(u2 == SENTINEL && d2 == SENTINEL && t2 == SENTINEL);
    tessera_string_free(id);
    tessera_string_free(t0);
    tessera_string_free(t1);
    tessera_string_free(user);
    tessera_string_free(data);
    tessera_refresh_tokens_free(rt);
    tessera_session_manager_free(m);
    tessera_store_free(store);

    tessera_string_free(token);
    tessera_verifier_free(va);
    tessera_verifier_free(vb);
    tessera_keyset_free(set_a);
    tessera_keyset_free(set_b);
    tessera_key_free(a);
    tessera_key_free(b);
    tessera_key_free(ec);
    drop_needles();
    CHECK(secret_checks > 900);
    printf("api: %d error texts checked for secrets\n", secret_checks);
}

/* The remote JWKS functions with NULL and bad arguments, and a happy path
 * that needs no network: an imported cache. tests/jwks.c drives them against
 * a real HTTP server. */
static void test_remote_keyset(void)
{
    static const char URL[] = "https://issuer.example/.well-known/jwks.json";
    tessera_remote_keyset *rk = SENTINEL;
    FAILS(tessera_remote_keyset_new(NULL, NULL, &rk), TESSERA_STATUS_INVALID_ARGUMENT, rk);
    FAILS(tessera_remote_keyset_new(NOT_UTF8, NULL, &rk), TESSERA_STATUS_INVALID_ARGUMENT, rk);
    FAILS(tessera_remote_keyset_new("http://issuer.example/jwks", NULL, &rk),
          TESSERA_STATUS_INVALID_ARGUMENT, rk);
    FAILS(tessera_remote_keyset_new(URL, "{\"max_agee\":1}", &rk), TESSERA_STATUS_INVALID_ARGUMENT,
          rk);
    FAILS(tessera_remote_keyset_new(URL, "{\"timeout\":0}", &rk), TESSERA_STATUS_INVALID_ARGUMENT,
          rk);
    FAILS(tessera_remote_keyset_new(URL, "{\"max_bytes\":-1}", &rk),
          TESSERA_STATUS_INVALID_ARGUMENT, rk);
    FAILS(tessera_remote_keyset_new(URL, "{\"ca_pem\":\"not pem\"}", &rk),
          TESSERA_STATUS_INVALID_ARGUMENT, rk);
    FAILS(tessera_remote_keyset_new(URL, "[]", &rk), TESSERA_STATUS_INVALID_ARGUMENT, rk);
    FAILS(tessera_remote_keyset_new(URL, NOT_UTF8, &rk), TESSERA_STATUS_INVALID_ARGUMENT, rk);
    STATUS(tessera_remote_keyset_new(URL, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_remote_keyset_new(URL,
                                 "{\"max_age\":600,\"min_age\":10,\"cooldown\":5,\"timeout\":2.5,"
                                 "\"negative_ttl\":60,\"max_stale\":null,\"max_bytes\":100000,"
                                 "\"max_redirects\":1}",
                                 &rk));

    /* NULL handles and out-parameters. */
    tessera_keyset *set = SENTINEL;
    char *text = SENTINEL;
    tessera_verifier *v = SENTINEL;
    FAILS(tessera_remote_keyset_keys(NULL, &set), TESSERA_STATUS_INVALID_ARGUMENT, set);
    STATUS(tessera_remote_keyset_keys(rk, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_remote_keyset_refresh(NULL, &set), TESSERA_STATUS_INVALID_ARGUMENT, set);
    STATUS(tessera_remote_keyset_refresh(rk, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_remote_keyset_status(NULL, &text), TESSERA_STATUS_INVALID_ARGUMENT, text);
    STATUS(tessera_remote_keyset_status(rk, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_remote_keyset_export_cache(NULL, &text), TESSERA_STATUS_INVALID_ARGUMENT, text);
    STATUS(tessera_remote_keyset_export_cache(rk, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_remote_keyset_import_cache(NULL, "{}"), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_remote_keyset_import_cache(rk, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_remote_keyset_import_cache(rk, NOT_UTF8), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_remote_keyset_import_cache(rk, "{\"url\":1}"), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_verifier_new_remote(NULL, NULL, &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new_remote(rk, "{\"leway\":1}", &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new_remote(rk, NOT_UTF8, &v), TESSERA_STATUS_INVALID_ARGUMENT, v);
    FAILS(tessera_verifier_new_remote(rk, "{\"algorithms\":[\"XS1\"]}", &v),
          TESSERA_STATUS_UNSUPPORTED_ALGORITHM, v);
    STATUS(tessera_verifier_new_remote(rk, NULL, NULL), TESSERA_STATUS_INVALID_ARGUMENT);

    /* Empty: status says so, nothing to export. */
    OK(tessera_remote_keyset_status(rk, &text));
    CHECK(text && strstr(text, "\"state\":\"empty\"") && strstr(text, URL));
    tessera_string_free(text);
    text = SENTINEL;
    OK(tessera_remote_keyset_export_cache(rk, &text));
    CHECK(text == NULL);

    /* Import a cache (as exported elsewhere): keys and a verifier, no fetch. */
    tessera_key *key = NULL;
    tessera_keyset *pub = NULL;
    char *jwks = NULL, *token = NULL, *cache = NULL;
    OK(tessera_key_from_pem(ED_PEM, NULL, "ed", &key));
    OK(tessera_keyset_new(&pub));
    OK(tessera_keyset_add(pub, key));
    OK(tessera_keyset_to_jwks(pub, &jwks));
    tessera_keyset_free(pub);
    OK(tessera_jwt_encode(key, CLAIMS, NULL, &token));
    long now = (long)time(NULL);
    size_t cap = strlen(jwks) + 256;
    cache = malloc(cap);
    snprintf(cache, cap, "{\"url\":\"%s\",\"fetched_at\":%ld,\"fresh_until\":%ld,\"jwks\":%s}", URL,
             now, now + 3600, jwks);
    tessera_remote_keyset *other = NULL;
    OK(tessera_remote_keyset_new("https://other.example/jwks", NULL, &other));
    STATUS(tessera_remote_keyset_import_cache(other, cache), TESSERA_STATUS_INVALID_ARGUMENT);
    tessera_remote_keyset_free(other);
    OK(tessera_remote_keyset_import_cache(rk, cache));
    set = NULL;
    OK(tessera_remote_keyset_keys(rk, &set));
    CHECK(tessera_keyset_len(set) == 1);
    tessera_keyset_free(set);
    OK(tessera_remote_keyset_status(rk, &text));
    CHECK(text && strstr(text, "\"state\":\"fresh\"") && strstr(text, "\"requests\":0"));
    tessera_string_free(text);
    text = NULL;
    OK(tessera_remote_keyset_export_cache(rk, &text));
    CHECK(text && strstr(text, "\"jwks\"") && strstr(text, "\"kid\":\"ed\""));
    tessera_string_free(text);
    v = NULL;
    OK(tessera_verifier_new_remote(rk, "{\"issuer\":\"me\",\"audience\":\"a\"}", &v));
    tessera_remote_keyset_free(rk); /* the verifier keeps the set */
    char *claims = NULL;
    OK(tessera_verifier_verify(v, U8(token), strlen(token), &claims));
    STREQ(claims, CLAIMS);
    tessera_string_free(claims);
    tessera_verifier_free(v);

    /* Nothing listens on the loopback port: JWKS_UNAVAILABLE naming the URL. */
    OK(tessera_remote_keyset_new("http://127.0.0.1:9/jwks.json", "{\"timeout\":2}", &rk));
    set = SENTINEL;
    FAILS(tessera_remote_keyset_refresh(rk, &set), TESSERA_STATUS_JWKS_UNAVAILABLE, set);
    const char *msg = tessera_last_error_message();
    CHECK(msg && strncmp(msg, "JWKS_UNAVAILABLE: ", 18) == 0 &&
          strstr(msg, "http://127.0.0.1:9/jwks.json"));
    FAILS(tessera_remote_keyset_keys(rk, &set), TESSERA_STATUS_JWKS_UNAVAILABLE, set);
    tessera_remote_keyset_free(rk);

    free(cache);
    tessera_string_free(token);
    tessera_string_free(jwks);
    tessera_key_free(key);
}

int main(void)
{
    test_status_and_errors();
    test_key_constructors();
    test_key_methods();
    test_keysets();
    test_verifier();
    test_verifier_cache();
    test_jwt();
    test_jws();
    test_secrets_never_in_errors();
    test_remote_keyset();
    if (check_failures) {
        printf("api: %d checks failed\n", check_failures);
        return 1;
    }
    printf("api: all checks passed\n");
    return 0;
}
