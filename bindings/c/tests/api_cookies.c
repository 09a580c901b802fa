/*
 * The cookie functions of the C API (api.c covers keys and tokens): every
 * function with NULL and bad arguments (NULL handles and out-parameters,
 * NULL secret arrays, non-UTF-8 strings and cookies, bad options), the
 * out-parameters left untouched on failure, the _free(NULL) no-ops, round
 * trips, rotation, expiry and tampering with their codes. scripts/test-c.sh
 * checks that every function in include/tessera.h appears in api.c or here.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#define SENTINEL ((void *)0x5e5e5e)
#define SENTINEL_LEN ((size_t)0x5e5e)
#define FAILS(call, want, out)                                                                \
    do {                                                                                      \
        STATUS(call, want);                                                                   \
        CHECK((void *)(out) == SENTINEL);                                                     \
    } while (0)
#define U8(s) ((const uint8_t *)(s))

static const char NOT_UTF8[] = "\xff\xfe";
static const int64_t NOW = 1700000000;

/* One secret, and an old + new pair (oldest first for itsdangerous). */
static const uint8_t *const ONE[] = {U8("secret-one")};
static const size_t ONE_LEN[] = {10};
static const uint8_t *const OLD_NEW[] = {U8("secret-old"), U8("secret-new")};
static const size_t OLD_NEW_LEN[] = {10, 10};
static const uint8_t *const NULL_SECRET[] = {NULL};

/* Flips one character of a NUL-terminated string in place. */
static void flip(char *s, size_t at)
{
    s[at] = s[at] == 'A' ? 'B' : 'A';
}

static void test_free_null(void)
{
    tessera_flask_cookie_free(NULL);
    tessera_signer_free(NULL);
    tessera_timestamp_signer_free(NULL);
    tessera_url_safe_timed_serializer_free(NULL);
    tessera_express_cookie_session_free(NULL);
    tessera_express_session_id_free(NULL);
    tessera_session_cookie_free(NULL);
    tessera_csrf_tokens_free(NULL);
    tessera_rails_cookie_free(NULL);
    tessera_cookie_attributes_free(NULL);
    tessera_cookie_pairs_free(NULL);
    tessera_strings_free(NULL, 0);
    tessera_strings_free(NULL, 3);
    CHECK(tessera_cookie_pairs_len(NULL) == 0);
    CHECK(TESSERA_NOW == INT64_MIN && TESSERA_UNSET == INT64_MIN);
    CHECK(TESSERA_NO_MAX_AGE == -1);
    CHECK(TESSERA_FLASK_DEFAULT_MAX_AGE == 31 * 24 * 3600);
}

static void test_flask(void)
{
    static const uint8_t key[] = "flask-secret";
    tessera_flask_cookie *fc = SENTINEL, *old = NULL, *rotated = NULL;
    /* Constructor misuse. */
    FAILS(tessera_flask_cookie_new(NULL, 3, NULL, NULL, 0, NULL, 0, &fc),
          TESSERA_STATUS_INVALID_ARGUMENT, fc);
    FAILS(tessera_flask_cookie_new(key, 12, NULL, NULL, 1, NULL, 0, &fc),
          TESSERA_STATUS_INVALID_ARGUMENT, fc);
    FAILS(tessera_flask_cookie_new(key, 12, NULL_SECRET, ONE_LEN, 1, NULL, 0, &fc),
          TESSERA_STATUS_INVALID_ARGUMENT, fc);
    FAILS(tessera_flask_cookie_new(key, 12, NULL, NULL, 0, NOT_UTF8, 0, &fc),
          TESSERA_STATUS_INVALID_ARGUMENT, fc);
    FAILS(tessera_flask_cookie_new(key, 12, NULL, NULL, 0, NULL, -2, &fc),
          TESSERA_STATUS_INVALID_ARGUMENT, fc);
    STATUS(tessera_flask_cookie_new(key, 12, NULL, NULL, 0, NULL, 0, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_flask_cookie_new(key, 12, NULL, NULL, 0, NULL, TESSERA_FLASK_DEFAULT_MAX_AGE, &fc));

    /* dumps: Flask's exact bytes (vector "flask-simple" has another key; this is a round trip). */
    char *value = SENTINEL, *json = SENTINEL;
    FAILS(tessera_flask_cookie_dumps(NULL, "{}", NOW, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_flask_cookie_dumps(fc, NULL, NOW, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_flask_cookie_dumps(fc, NOT_UTF8, NOW, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_flask_cookie_dumps(fc, "[1]", NOW, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_flask_cookie_dumps(fc, "{\"a\":{\" t\":1}}", NOW, &value),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    CHECK(tessera_flask_cookie_dumps(fc, "{", NOW, &value) != TESSERA_STATUS_OK);
    CHECK(value == SENTINEL);
    FAILS(tessera_flask_cookie_dumps(fc, "{}", -1, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    STATUS(tessera_flask_cookie_dumps(fc, "{}", NOW, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_flask_cookie_dumps(fc, "{\"b\":[1,2],\"a\":{\" t\":[1,\"x\"]}}", NOW, &value));
    size_t len = strlen(value);

    /* loads */
    FAILS(tessera_flask_cookie_loads(NULL, U8(value), len, NOW, &json),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_flask_cookie_loads(fc, NULL, len, NOW, &json), TESSERA_STATUS_INVALID_ARGUMENT,
          json);
    FAILS(tessera_flask_cookie_loads(fc, NULL, 0, NOW, &json), TESSERA_STATUS_MALFORMED, json);
    FAILS(tessera_flask_cookie_loads(fc, U8(NOT_UTF8), 2, NOW, &json), TESSERA_STATUS_MALFORMED,
          json);
    FAILS(tessera_flask_cookie_loads(fc, U8("garbage"), 7, NOW, &json), TESSERA_STATUS_MALFORMED,
          json);
    STATUS(tessera_flask_cookie_loads(fc, U8(value), len, NOW, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_flask_cookie_loads(fc, U8(value), len, NOW + TESSERA_FLASK_DEFAULT_MAX_AGE + 1,
                                     &json),
          TESSERA_STATUS_EXPIRED, json);
    FAILS(tessera_flask_cookie_loads(fc, U8(value), len, NOW - 1, &json),
          TESSERA_STATUS_ISSUED_IN_FUTURE, json);
    char *tampered = strdup(value);
    flip(tampered, len - 3);
    FAILS(tessera_flask_cookie_loads(fc, U8(tampered), len, NOW, &json),
          TESSERA_STATUS_INVALID_SIGNATURE, json);
    free(tampered);
    /* Keys sorted as Flask writes them; the tag kept. */
    OK(tessera_flask_cookie_loads(fc, U8(value), len, NOW + 10, &json));
    STREQ(json, "{\"a\":{\" t\":[1,\"x\"]},\"b\":[1,2]}");
    tessera_string_free(json);
    /* The system clock: a cookie signed now opens now. */
    char *fresh = NULL;
    OK(tessera_flask_cookie_dumps(fc, "{\"n\":1}", TESSERA_NOW, &fresh));
    OK(tessera_flask_cookie_loads(fc, U8(fresh), strlen(fresh), TESSERA_NOW, &json));
    STREQ(json, "{\"n\":1}");
    tessera_string_free(json);
    tessera_string_free(fresh);

    /* Rotation: the old key as a fallback opens; without it, it does not. No max age. */
    static const uint8_t *const fallbacks[] = {U8("old-flask-key")};
    static const size_t fallback_lens[] = {13};
    OK(tessera_flask_cookie_new(U8("old-flask-key"), 13, NULL, NULL, 0, "custom-salt",
                                TESSERA_NO_MAX_AGE, &old));
    OK(tessera_flask_cookie_new(key, 12, fallbacks, fallback_lens, 1, "custom-salt",
                                TESSERA_NO_MAX_AGE, &rotated));
    char *old_value = NULL;
    OK(tessera_flask_cookie_dumps(old, "{\"u\":7}", 1000, &old_value));
    OK(tessera_flask_cookie_loads(rotated, U8(old_value), strlen(old_value), NOW * 2, &json));
    STREQ(json, "{\"u\":7}");
    tessera_string_free(json);
    json = SENTINEL;
    /* Another salt is another key: fc (salt cookie-session) rejects it. */
    FAILS(tessera_flask_cookie_loads(fc, U8(old_value), strlen(old_value), 1000, &json),
          TESSERA_STATUS_INVALID_SIGNATURE, json);
    tessera_string_free(old_value);
    tessera_string_free(value);
    tessera_flask_cookie_free(old);
    tessera_flask_cookie_free(rotated);
    tessera_flask_cookie_free(fc);
}

static void test_signer(void)
{
    tessera_signer *s = SENTINEL, *newest = NULL;
    FAILS(tessera_signer_new(NULL, NULL, 0, NULL, NULL, NULL, NULL, &s), TESSERA_STATUS_INVALID_KEY,
          s);
    FAILS(tessera_signer_new(NULL, ONE_LEN, 1, NULL, NULL, NULL, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_signer_new(ONE, NULL, 1, NULL, NULL, NULL, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_signer_new(ONE, ONE_LEN, 1, NOT_UTF8, NULL, NULL, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_signer_new(ONE, ONE_LEN, 1, NULL, "a", NULL, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s); /* a base64url separator */
    FAILS(tessera_signer_new(ONE, ONE_LEN, 1, NULL, "", NULL, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_signer_new(ONE, ONE_LEN, 1, NULL, NULL, "pbkdf2", NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_signer_new(ONE, ONE_LEN, 1, NULL, NULL, NULL, "md5", &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_signer_new(ONE, ONE_LEN, 1, NULL, NULL, NOT_UTF8, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    STATUS(tessera_signer_new(ONE, ONE_LEN, 1, NULL, NULL, NULL, NULL, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    /* itsdangerous: Signer("secret-one").sign(b"hello") with every default. */
    OK(tessera_signer_new(ONE, ONE_LEN, 1, NULL, NULL, NULL, NULL, &s));
    OK(tessera_signer_new(OLD_NEW + 1, OLD_NEW_LEN + 1, 1, "salt", "~", "hmac", "sha256", &newest));

    uint8_t *out = SENTINEL;
    size_t out_len = SENTINEL_LEN;
    FAILS(tessera_signer_sign(NULL, U8("hello"), 5, &out, &out_len),
          TESSERA_STATUS_INVALID_ARGUMENT, out);
    FAILS(tessera_signer_sign(s, NULL, 5, &out, &out_len), TESSERA_STATUS_INVALID_ARGUMENT, out);
    STATUS(tessera_signer_sign(s, U8("hello"), 5, NULL, &out_len), TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_signer_sign(s, U8("hello"), 5, &out, NULL), TESSERA_STATUS_INVALID_ARGUMENT, out);
    CHECK(out_len == SENTINEL_LEN);
    OK(tessera_signer_sign(s, U8("hel\0lo"), 6, &out, &out_len)); /* bytes, NUL included */
    CHECK(out_len == 6 + 1 + 27 && memcmp(out, "hel\0lo.", 7) == 0);
    uint8_t *signed_value = out;
    size_t signed_len = out_len;

    out = SENTINEL;
    out_len = SENTINEL_LEN;
    FAILS(tessera_signer_unsign(NULL, signed_value, signed_len, &out, &out_len),
          TESSERA_STATUS_INVALID_ARGUMENT, out);
    FAILS(tessera_signer_unsign(s, NULL, 4, &out, &out_len), TESSERA_STATUS_INVALID_ARGUMENT, out);
    FAILS(tessera_signer_unsign(s, signed_value, signed_len, NULL, &out_len),
          TESSERA_STATUS_INVALID_ARGUMENT, out);
    FAILS(tessera_signer_unsign(s, signed_value, signed_len, &out, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, out);
    FAILS(tessera_signer_unsign(s, U8("no-separator"), 12, &out, &out_len),
          TESSERA_STATUS_MALFORMED, out);
    FAILS(tessera_signer_unsign(s, U8("x.!!!"), 5, &out, &out_len), TESSERA_STATUS_MALFORMED, out);
    FAILS(tessera_signer_unsign(s, U8("\xff.\xfe"), 3, &out, &out_len), TESSERA_STATUS_MALFORMED,
          out);
    FAILS(tessera_signer_unsign(newest, signed_value, signed_len, &out, &out_len),
          TESSERA_STATUS_MALFORMED, out); /* no "~" in it */
    signed_value[0] ^= 1;
    FAILS(tessera_signer_unsign(s, signed_value, signed_len, &out, &out_len),
          TESSERA_STATUS_INVALID_SIGNATURE, out);
    signed_value[0] ^= 1;
    CHECK(out_len == SENTINEL_LEN);
    OK(tessera_signer_unsign(s, signed_value, signed_len, &out, &out_len));
    CHECK(out_len == 6 && memcmp(out, "hel\0lo", 6) == 0);
    tessera_bytes_free(out, out_len);
    tessera_bytes_free(signed_value, signed_len);

    /* Rotation: the newest (last) secret signs; a signer with both verifies both. */
    tessera_signer *both = NULL, *old_only = NULL;
    OK(tessera_signer_new(OLD_NEW, OLD_NEW_LEN, 2, "salt", "~", "hmac", "sha256", &both));
    OK(tessera_signer_new(OLD_NEW, OLD_NEW_LEN, 1, "salt", "~", "hmac", "sha256", &old_only));
    uint8_t *a = NULL, *b = NULL;
    size_t a_len = 0, b_len = 0;
    OK(tessera_signer_sign(both, U8("v"), 1, &a, &a_len));
    OK(tessera_signer_sign(newest, U8("v"), 1, &b, &b_len));
    CHECK(a_len == b_len && memcmp(a, b, a_len) == 0 && a[1] == '~');
    OK(tessera_signer_unsign(newest, a, a_len, &out, &out_len));
    CHECK(out_len == 1 && out[0] == 'v');
    tessera_bytes_free(out, out_len);
    tessera_bytes_free(a, a_len);
    OK(tessera_signer_sign(old_only, U8("v"), 1, &a, &a_len));
    OK(tessera_signer_unsign(both, a, a_len, &out, &out_len));
    tessera_bytes_free(out, out_len);
    STATUS(tessera_signer_unsign(newest, a, a_len, &out, &out_len),
           TESSERA_STATUS_INVALID_SIGNATURE);
    /* An empty value comes back as (NULL, 0). */
    tessera_bytes_free(a, a_len);
    OK(tessera_signer_sign(both, NULL, 0, &a, &a_len));
    OK(tessera_signer_unsign(both, a, a_len, &out, &out_len));
    CHECK(out == NULL && out_len == 0);
    tessera_bytes_free(a, a_len);
    tessera_bytes_free(b, b_len);
    tessera_signer_free(both);
    tessera_signer_free(old_only);
    tessera_signer_free(newest);
    tessera_signer_free(s);
}

static void test_timestamp_signer(void)
{
    tessera_timestamp_signer *s = SENTINEL;
    FAILS(tessera_timestamp_signer_new(NULL, NULL, 0, NULL, NULL, NULL, NULL, &s),
          TESSERA_STATUS_INVALID_KEY, s);
    FAILS(tessera_timestamp_signer_new(NULL, ONE_LEN, 1, NULL, NULL, NULL, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_timestamp_signer_new(ONE, ONE_LEN, 1, NULL, NULL, NULL, "sha3", &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_timestamp_signer_new(ONE, ONE_LEN, 1, NULL, "=", NULL, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    STATUS(tessera_timestamp_signer_new(ONE, ONE_LEN, 1, NULL, NULL, NULL, NULL, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_timestamp_signer_new(OLD_NEW, OLD_NEW_LEN, 2, NULL, NULL, "concat", "sha512", &s));

    uint8_t *out = SENTINEL;
    size_t len = SENTINEL_LEN;
    FAILS(tessera_timestamp_signer_sign(NULL, U8("v"), 1, NOW, &out, &len),
          TESSERA_STATUS_INVALID_ARGUMENT, out);
    FAILS(tessera_timestamp_signer_sign(s, NULL, 1, NOW, &out, &len),
          TESSERA_STATUS_INVALID_ARGUMENT, out);
    FAILS(tessera_timestamp_signer_sign(s, U8("v"), 1, -5, &out, &len),
          TESSERA_STATUS_INVALID_ARGUMENT, out);
    STATUS(tessera_timestamp_signer_sign(s, U8("v"), 1, NOW, NULL, &len),
           TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_timestamp_signer_sign(s, U8("v"), 1, NOW, &out, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, out);
    OK(tessera_timestamp_signer_sign(s, U8("v"), 1, NOW, &out, &len));
    CHECK(len > 9 && memcmp(out, "v.ZVPxAA.", 9) == 0); /* 1700000000 = ZVPxAA */
    uint8_t *signed_value = out;
    size_t signed_len = len;

    uint8_t *value = SENTINEL;
    size_t value_len = SENTINEL_LEN;
    int64_t ts = -1;
    FAILS(tessera_timestamp_signer_unsign(NULL, signed_value, signed_len, 10, NOW, &value,
                                          &value_len, &ts),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_timestamp_signer_unsign(s, NULL, 3, 10, NOW, &value, &value_len, &ts),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_timestamp_signer_unsign(s, signed_value, signed_len, -2, NOW, &value, &value_len,
                                          &ts),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    STATUS(tessera_timestamp_signer_unsign(s, signed_value, signed_len, 10, NOW, NULL, &value_len,
                                           &ts),
           TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_timestamp_signer_unsign(s, signed_value, signed_len, 10, NOW, &value, NULL, &ts),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_timestamp_signer_unsign(s, signed_value, signed_len, 10, NOW + 11, &value,
                                          &value_len, &ts),
          TESSERA_STATUS_EXPIRED, value);
    FAILS(tessera_timestamp_signer_unsign(s, signed_value, signed_len, 10, NOW - 1, &value,
                                          &value_len, &ts),
          TESSERA_STATUS_ISSUED_IN_FUTURE, value);
    FAILS(tessera_timestamp_signer_unsign(s, U8("v.x"), 3, 10, NOW, &value, &value_len, &ts),
          TESSERA_STATUS_MALFORMED, value);
    CHECK(value_len == SENTINEL_LEN && ts == -1);
    OK(tessera_timestamp_signer_unsign(s, signed_value, signed_len, 10, NOW + 10, &value,
                                       &value_len, &ts));
    CHECK(value_len == 1 && value[0] == 'v' && ts == NOW);
    tessera_bytes_free(value, value_len);
    /* No age limit; the timestamp is optional. */
    OK(tessera_timestamp_signer_unsign(s, signed_value, signed_len, TESSERA_NO_MAX_AGE, NOW * 2,
                                       &value, &value_len, NULL));
    tessera_bytes_free(value, value_len);
    signed_value[0] ^= 1;
    STATUS(tessera_timestamp_signer_unsign(s, signed_value, signed_len, TESSERA_NO_MAX_AGE, NOW,
                                           &value, &value_len, NULL),
           TESSERA_STATUS_INVALID_SIGNATURE);
    tessera_bytes_free(signed_value, signed_len);
    /* The clock: signed now, fresh now. */
    OK(tessera_timestamp_signer_sign(s, U8("c"), 1, TESSERA_NOW, &out, &len));
    OK(tessera_timestamp_signer_unsign(s, out, len, 5, TESSERA_NOW, &value, &value_len, &ts));
    CHECK(ts > NOW);
    tessera_bytes_free(value, value_len);
    tessera_bytes_free(out, len);
    tessera_timestamp_signer_free(s);
}

static void test_serializer(void)
{
    tessera_url_safe_timed_serializer *s = SENTINEL;
    FAILS(tessera_url_safe_timed_serializer_new(NULL, NULL, 0, NULL, NULL, NULL, NULL, &s),
          TESSERA_STATUS_INVALID_KEY, s);
    FAILS(tessera_url_safe_timed_serializer_new(ONE, NULL, 1, NULL, NULL, NULL, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_url_safe_timed_serializer_new(ONE, ONE_LEN, 1, NULL, NULL, "HMAC", NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_url_safe_timed_serializer_new(ONE, ONE_LEN, 1, NULL, NULL, NULL, NOT_UTF8, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    STATUS(tessera_url_safe_timed_serializer_new(ONE, ONE_LEN, 1, NULL, NULL, NULL, NULL, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_url_safe_timed_serializer_new(ONE, ONE_LEN, 1, NULL, NULL, NULL, NULL, &s));

    char *value = SENTINEL, *json = SENTINEL;
    FAILS(tessera_url_safe_timed_serializer_dumps(NULL, "{}", NOW, &value),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_url_safe_timed_serializer_dumps(s, NULL, NOW, &value),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_url_safe_timed_serializer_dumps(s, NOT_UTF8, NOW, &value),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    CHECK(tessera_url_safe_timed_serializer_dumps(s, "{\"a\":", NOW, &value) != TESSERA_STATUS_OK);
    CHECK(value == SENTINEL);
    STATUS(tessera_url_safe_timed_serializer_dumps(s, "{}", NOW, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    /* Any JSON value; member order kept, non-ASCII raw. */
    OK(tessera_url_safe_timed_serializer_dumps(s, "[\"\xc3\xa9\", {\"z\": 1, \"a\": 2}]", NOW,
                                               &value));
    size_t len = strlen(value);
    FAILS(tessera_url_safe_timed_serializer_loads(NULL, U8(value), len, 10, NOW, &json, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_url_safe_timed_serializer_loads(s, NULL, len, 10, NOW, &json, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_url_safe_timed_serializer_loads(s, U8(NOT_UTF8), 2, 10, NOW, &json, NULL),
          TESSERA_STATUS_MALFORMED, json);
    FAILS(tessera_url_safe_timed_serializer_loads(s, U8(value), len, -3, NOW, &json, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    STATUS(tessera_url_safe_timed_serializer_loads(s, U8(value), len, 10, NOW, NULL, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_url_safe_timed_serializer_loads(s, U8(value), len, 10, NOW + 11, &json, NULL),
          TESSERA_STATUS_EXPIRED, json);
    char *tampered = strdup(value);
    flip(tampered, 2);
    FAILS(tessera_url_safe_timed_serializer_loads(s, U8(tampered), len, 10, NOW, &json, NULL),
          TESSERA_STATUS_INVALID_SIGNATURE, json);
    free(tampered);
    int64_t ts = -1;
    FAILS(tessera_url_safe_timed_serializer_loads(s, U8(value), len, 10, NOW + 11, &json, &ts),
          TESSERA_STATUS_EXPIRED, json);
    CHECK(ts == -1); /* written only on success */
    OK(tessera_url_safe_timed_serializer_loads(s, U8(value), len, 10, NOW + 5, &json, &ts));
    CHECK(ts == NOW); /* the signing time, as itsdangerous' return_timestamp */
    tessera_string_free(json);
    OK(tessera_url_safe_timed_serializer_loads(s, U8(value), len, TESSERA_NO_MAX_AGE, NOW, &json,
                                               NULL));
    STREQ(json, "[\"\xc3\xa9\",{\"z\":1,\"a\":2}]");
    tessera_string_free(json);
    tessera_string_free(value);
    /* Compressed when smaller (a leading '.'), and back. */
    char big[600] = "{\"k\":\"";
    memset(big + 6, 'x', 500);
    strcpy(big + 506, "\"}");
    OK(tessera_url_safe_timed_serializer_dumps(s, big, NOW, &value));
    CHECK(value[0] == '.' && strlen(value) < 200);
    OK(tessera_url_safe_timed_serializer_loads(s, U8(value), strlen(value), TESSERA_NO_MAX_AGE,
                                               NOW, &json, NULL));
    STREQ(json, big);
    tessera_string_free(json);
    tessera_string_free(value);
    tessera_url_safe_timed_serializer_free(s);
}

static void test_express_cookie_session(void)
{
    /* keygrip order: newest first. */
    static const uint8_t *const keys[] = {U8("key-new"), U8("key-old")};
    static const size_t key_lens[] = {7, 7};
    static const uint8_t *const empty_key[] = {U8("")};
    static const size_t zero[] = {0};
    tessera_express_cookie_session *s = SENTINEL, *old = NULL;
    FAILS(tessera_express_cookie_session_new(NULL, NULL, 0, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_express_cookie_session_new(keys, NULL, 2, NULL, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_express_cookie_session_new(empty_key, zero, 1, NULL, &s),
          TESSERA_STATUS_INVALID_KEY, s);
    FAILS(tessera_express_cookie_session_new(keys, key_lens, 2, "a b", &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_express_cookie_session_new(keys, key_lens, 2, "", &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    FAILS(tessera_express_cookie_session_new(keys, key_lens, 2, NOT_UTF8, &s),
          TESSERA_STATUS_INVALID_ARGUMENT, s);
    STATUS(tessera_express_cookie_session_new(keys, key_lens, 2, NULL, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_express_cookie_session_new(keys, key_lens, 2, NULL, &s));
    OK(tessera_express_cookie_session_new(keys + 1, key_lens + 1, 1, "session", &old));

    char *value = SENTINEL, *sig = SENTINEL;
    FAILS(tessera_express_cookie_session_sign(NULL, "{}", &value, &sig),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_express_cookie_session_sign(s, NULL, &value, &sig),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_express_cookie_session_sign(s, "[1]", &value, &sig),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_express_cookie_session_sign(s, NOT_UTF8, &value, &sig),
          TESSERA_STATUS_INVALID_ARGUMENT, sig);
    FAILS(tessera_express_cookie_session_sign(s, "{}", NULL, &sig),
          TESSERA_STATUS_INVALID_ARGUMENT, sig);
    FAILS(tessera_express_cookie_session_sign(s, "{}", &value, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    /* JSON.stringify({user: "ann"}) = {"user":"ann"}: the bytes are kept. */
    OK(tessera_express_cookie_session_sign(s, "{\"user\":\"ann\"}", &value, &sig));
    STREQ(value, "eyJ1c2VyIjoiYW5uIn0=");
    CHECK(strlen(sig) == 27);

    char *json = SENTINEL;
    size_t index = SENTINEL_LEN;
    size_t vlen = strlen(value), slen = strlen(sig);
    FAILS(tessera_express_cookie_session_verify(NULL, U8(value), vlen, U8(sig), slen, &json,
                                                &index),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_express_cookie_session_verify(s, NULL, vlen, U8(sig), slen, &json, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_express_cookie_session_verify(s, U8(value), vlen, NULL, slen, &json, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_express_cookie_session_verify(s, U8(value), vlen, U8(sig), slen, NULL, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_express_cookie_session_verify(s, U8(NOT_UTF8), 2, U8(sig), slen, &json, &index),
          TESSERA_STATUS_MALFORMED, json);
    FAILS(tessera_express_cookie_session_verify(s, U8(value), vlen, U8(sig), slen - 1, &json,
                                                &index),
          TESSERA_STATUS_INVALID_SIGNATURE, json);
    FAILS(tessera_express_cookie_session_verify(old, U8(value), vlen, U8(sig), slen, &json,
                                                &index),
          TESSERA_STATUS_INVALID_SIGNATURE, json);
    CHECK(index == SENTINEL_LEN);
    OK(tessera_express_cookie_session_verify(s, U8(value), vlen, U8(sig), slen, &json, &index));
    STREQ(json, "{\"user\":\"ann\"}");
    CHECK(index == 0);
    tessera_string_free(json);
    OK(tessera_express_cookie_session_verify(s, U8(value), vlen, U8(sig), slen, &json, NULL));
    tessera_string_free(json);

    /* Rotation: signed with the old key, verified at index 1, re-signed with keys[0]. */
    char *old_value = NULL, *old_sig = NULL, *resigned = SENTINEL;
    OK(tessera_express_cookie_session_sign(old, "{\"user\":\"ann\"}", &old_value, &old_sig));
    OK(tessera_express_cookie_session_verify(s, U8(old_value), strlen(old_value), U8(old_sig),
                                             strlen(old_sig), &json, &index));
    CHECK(index == 1);
    tessera_string_free(json);
    FAILS(tessera_express_cookie_session_sign_value(NULL, U8(value), vlen, &resigned),
          TESSERA_STATUS_INVALID_ARGUMENT, resigned);
    FAILS(tessera_express_cookie_session_sign_value(s, NULL, vlen, &resigned),
          TESSERA_STATUS_INVALID_ARGUMENT, resigned);
    FAILS(tessera_express_cookie_session_sign_value(s, U8(NOT_UTF8), 2, &resigned),
          TESSERA_STATUS_MALFORMED, resigned);
    STATUS(tessera_express_cookie_session_sign_value(s, U8(value), vlen, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_express_cookie_session_sign_value(s, U8(old_value), strlen(old_value), &resigned));
    STREQ(resigned, sig);
    tessera_string_free(resigned);

    /* From a Cookie header. */
    char header[256];
    snprintf(header, sizeof header, "a=1; session=%s; session.sig=%s", old_value, old_sig);
    json = SENTINEL;
    index = SENTINEL_LEN;
    FAILS(tessera_express_cookie_session_load(NULL, U8(header), strlen(header), &json, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_express_cookie_session_load(s, NULL, 3, &json, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_express_cookie_session_load(s, U8(header), strlen(header), NULL, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_express_cookie_session_load(s, NULL, 0, &json, &index),
          TESSERA_STATUS_SESSION_NOT_FOUND, json);
    FAILS(tessera_express_cookie_session_load(s, U8("session=x"), 9, &json, &index),
          TESSERA_STATUS_SESSION_NOT_FOUND, json);
    FAILS(tessera_express_cookie_session_load(s, U8(NOT_UTF8), 2, &json, &index),
          TESSERA_STATUS_MALFORMED, json);
    CHECK(index == SENTINEL_LEN);
    OK(tessera_express_cookie_session_load(s, U8(header), strlen(header), &json, &index));
    STREQ(json, "{\"user\":\"ann\"}");
    CHECK(index == 1);
    tessera_string_free(json);
    OK(tessera_express_cookie_session_load(s, U8(header), strlen(header), &json, NULL));
    tessera_string_free(json);

    tessera_string_free(old_value);
    tessera_string_free(old_sig);
    tessera_string_free(value);
    tessera_string_free(sig);
    tessera_express_cookie_session_free(old);
    tessera_express_cookie_session_free(s);
}

static void test_express_session_id(void)
{
    static const uint8_t *const secrets[] = {U8("sid-new"), U8("sid-old")};
    static const size_t lens[] = {7, 7};
    tessera_express_session_id *ids = SENTINEL, *old = NULL;
    FAILS(tessera_express_session_id_new(NULL, NULL, 0, &ids), TESSERA_STATUS_INVALID_ARGUMENT, ids);
    FAILS(tessera_express_session_id_new(secrets, NULL, 2, &ids), TESSERA_STATUS_INVALID_ARGUMENT,
          ids);
    STATUS(tessera_express_session_id_new(secrets, lens, 2, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_express_session_id_new(secrets, lens, 2, &ids));
    OK(tessera_express_session_id_new(secrets + 1, lens + 1, 1, &old));

    char *value = SENTINEL;
    FAILS(tessera_express_session_id_sign(NULL, "abc", &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_express_session_id_sign(ids, NULL, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_express_session_id_sign(ids, NOT_UTF8, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    STATUS(tessera_express_session_id_sign(ids, "abc", NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_express_session_id_sign(old, "abc.def", &value));
    CHECK(strncmp(value, "s:abc.def.", 10) == 0 && strlen(value) == 10 + 43);

    char *sid = SENTINEL;
    size_t index = SENTINEL_LEN, len = strlen(value);
    FAILS(tessera_express_session_id_unsign(NULL, U8(value), len, &sid, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, sid);
    FAILS(tessera_express_session_id_unsign(ids, NULL, len, &sid, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, sid);
    FAILS(tessera_express_session_id_unsign(ids, U8(value), len, NULL, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, sid);
    FAILS(tessera_express_session_id_unsign(ids, U8("abc"), 3, &sid, &index),
          TESSERA_STATUS_MALFORMED, sid);
    FAILS(tessera_express_session_id_unsign(ids, U8(NOT_UTF8), 2, &sid, &index),
          TESSERA_STATUS_MALFORMED, sid);
    FAILS(tessera_express_session_id_unsign(ids, U8(value), len - 1, &sid, &index),
          TESSERA_STATUS_INVALID_SIGNATURE, sid);
    CHECK(index == SENTINEL_LEN);
    OK(tessera_express_session_id_unsign(ids, U8(value), len, &sid, &index));
    STREQ(sid, "abc.def");
    CHECK(index == 1);
    tessera_string_free(sid);

    /* From a Cookie header, percent-encoded as express-session writes it. */
    char header[256];
    snprintf(header, sizeof header, "x=1; sid=s%%3A%s", value + 2);
    sid = SENTINEL;
    index = SENTINEL_LEN;
    size_t hlen = strlen(header);
    FAILS(tessera_express_session_id_load(NULL, U8(header), hlen, "sid", &sid, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, sid);
    FAILS(tessera_express_session_id_load(ids, NULL, hlen, "sid", &sid, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, sid);
    FAILS(tessera_express_session_id_load(ids, U8(header), hlen, NOT_UTF8, &sid, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, sid);
    FAILS(tessera_express_session_id_load(ids, U8(header), hlen, "sid", NULL, &index),
          TESSERA_STATUS_INVALID_ARGUMENT, sid);
    FAILS(tessera_express_session_id_load(ids, U8(header), hlen, NULL, &sid, &index),
          TESSERA_STATUS_SESSION_NOT_FOUND, sid); /* connect.sid is absent */
    FAILS(tessera_express_session_id_load(ids, U8(NOT_UTF8), 2, "sid", &sid, &index),
          TESSERA_STATUS_MALFORMED, sid);
    CHECK(index == SENTINEL_LEN);
    OK(tessera_express_session_id_load(ids, U8(header), hlen, "sid", &sid, &index));
    STREQ(sid, "abc.def");
    CHECK(index == 1);
    tessera_string_free(sid);
    /* The default name, literal form. */
    snprintf(header, sizeof header, "connect.sid=%s", value);
    OK(tessera_express_session_id_load(ids, U8(header), strlen(header), NULL, &sid, NULL));
    STREQ(sid, "abc.def");
    tessera_string_free(sid);

    tessera_string_free(value);
    tessera_express_session_id_free(old);
    tessera_express_session_id_free(ids);
}

/* 32-byte secrets for the session cookie and CSRF tokens. */
static const uint8_t *const S32[] = {U8("0123456789abcdef0123456789abcdef"),
                                     U8("fedcba9876543210fedcba9876543210")};
static const size_t S32_LEN[] = {32, 32};

static void test_cookie_headers(void)
{
    tessera_cookie_attributes *a = SENTINEL;
    STATUS(tessera_cookie_attributes_new(NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_cookie_attributes_new(&a));

    char *line = SENTINEL;
    FAILS(tessera_set_cookie(NULL, "v", a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    FAILS(tessera_set_cookie("n", NULL, a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    FAILS(tessera_set_cookie(NOT_UTF8, "v", a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    FAILS(tessera_set_cookie("a b", "v", a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    FAILS(tessera_set_cookie("n", "x;Domain=evil", a, &line), TESSERA_STATUS_INVALID_ARGUMENT,
          line);
    FAILS(tessera_set_cookie("n", "a b", NULL, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    STATUS(tessera_set_cookie("n", "v", a, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_set_cookie("sid", "abc", a, &line));
    STREQ(line, "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
    tessera_string_free(line);
    OK(tessera_set_cookie("sid", "abc", NULL, &line)); /* NULL: the same defaults */
    STREQ(line, "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
    tessera_string_free(line);

    /* Setters: NULL handle, bad text, unknown flags and SameSite values. */
    STATUS(tessera_cookie_attributes_set_path(NULL, "/"), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_path(a, NOT_UTF8), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_domain(NULL, "x"), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_domain(a, NOT_UTF8), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_max_age(NULL, 5), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_expires(NULL, 5), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_flags(NULL, 0), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_flags(a, 8), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_same_site(NULL, "Lax"), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_same_site(a, "Loose"), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_cookie_attributes_set_same_site(a, NOT_UTF8), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_set_cookie("sid", "abc", a, &line)); /* failed setters left it unchanged */
    STREQ(line, "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
    tessera_string_free(line);

    OK(tessera_cookie_attributes_set_path(a, "/app"));
    OK(tessera_cookie_attributes_set_domain(a, "example.com"));
    OK(tessera_cookie_attributes_set_max_age(a, 3600));
    OK(tessera_cookie_attributes_set_expires(a, 1700000000));
    OK(tessera_cookie_attributes_set_flags(a, TESSERA_COOKIE_SECURE | TESSERA_COOKIE_PARTITIONED));
    OK(tessera_cookie_attributes_set_same_site(a, "strict"));
    OK(tessera_set_cookie("pref", "\"quoted\"", a, &line));
    STREQ(line, "pref=\"quoted\"; Path=/app; Domain=example.com; Max-Age=3600; "
                "Expires=Tue, 14 Nov 2023 22:13:20 GMT; Secure; SameSite=Strict; Partitioned");
    tessera_string_free(line);
    /* The prefix rules and SameSite=None need Secure. */
    line = SENTINEL;
    FAILS(tessera_set_cookie("__Host-x", "v", a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    OK(tessera_cookie_attributes_set_flags(a, 0));
    FAILS(tessera_set_cookie("__Secure-x", "v", a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    OK(tessera_cookie_attributes_set_same_site(a, "None"));
    FAILS(tessera_set_cookie("x", "v", a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    OK(tessera_cookie_attributes_set_same_site(a, NULL));
    OK(tessera_cookie_attributes_set_path(a, NULL));
    OK(tessera_cookie_attributes_set_domain(a, NULL));
    OK(tessera_cookie_attributes_set_max_age(a, TESSERA_UNSET));
    OK(tessera_cookie_attributes_set_expires(a, TESSERA_UNSET));
    OK(tessera_cookie_attributes_set_flags(a, TESSERA_COOKIE_HTTP_ONLY));
    OK(tessera_set_cookie("x", "v", a, &line));
    STREQ(line, "x=v; HttpOnly");
    tessera_string_free(line);
    OK(tessera_cookie_attributes_set_expires(a, INT64_MAX));
    line = SENTINEL;
    FAILS(tessera_set_cookie("x", "v", a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    OK(tessera_cookie_attributes_set_expires(a, TESSERA_UNSET));

    /* delete */
    FAILS(tessera_delete_cookie(NULL, a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    FAILS(tessera_delete_cookie("a;b", a, &line), TESSERA_STATUS_INVALID_ARGUMENT, line);
    STATUS(tessera_delete_cookie("x", a, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_delete_cookie("x", a, &line));
    STREQ(line, "x=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly");
    tessera_string_free(line);
    OK(tessera_delete_cookie("x", NULL, &line));
    CHECK(strstr(line, "x=; Path=/; Max-Age=0;") == line);
    tessera_string_free(line);
    tessera_cookie_attributes_free(a);

    /* parse, and the pair list */
    tessera_cookie_pairs *p = SENTINEL;
    const char header[] = " a=1; b = \"two\" ;junk; a=3;c=";
    FAILS(tessera_parse_cookie(NULL, 3, &p), TESSERA_STATUS_INVALID_ARGUMENT, p);
    FAILS(tessera_parse_cookie(U8(NOT_UTF8), 2, &p), TESSERA_STATUS_MALFORMED, p);
    STATUS(tessera_parse_cookie(U8(header), strlen(header), NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    size_t big_len = 65537;
    char *big = malloc(big_len);
    memset(big, 'a', big_len);
    FAILS(tessera_parse_cookie(U8(big), big_len, &p), TESSERA_STATUS_TOO_LARGE, p);
    free(big);
    OK(tessera_parse_cookie(NULL, 0, &p));
    CHECK(tessera_cookie_pairs_len(p) == 0);
    tessera_cookie_pairs_free(p);
    OK(tessera_parse_cookie(U8(header), strlen(header), &p));
    CHECK(tessera_cookie_pairs_len(p) == 4);
    const char *name = SENTINEL, *value = SENTINEL;
    size_t name_len = SENTINEL_LEN, value_len = SENTINEL_LEN;
    FAILS(tessera_cookie_pairs_get(NULL, 0, &name, &name_len, &value, &value_len),
          TESSERA_STATUS_INVALID_ARGUMENT, name);
    FAILS(tessera_cookie_pairs_get(p, 4, &name, &name_len, &value, &value_len),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_cookie_pairs_get(p, 0, NULL, &name_len, &value, &value_len),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_cookie_pairs_get(p, 0, &name, &name_len, NULL, &value_len),
          TESSERA_STATUS_INVALID_ARGUMENT, name);
    CHECK(name_len == SENTINEL_LEN && value_len == SENTINEL_LEN);
    OK(tessera_cookie_pairs_get(p, 1, &name, &name_len, &value, &value_len));
    STREQ(name, "b");
    STREQ(value, "two");
    CHECK(name_len == 1 && value_len == 3);
    OK(tessera_cookie_pairs_get(p, 3, &name, NULL, &value, NULL));
    STREQ(name, "c");
    STREQ(value, "");
    value = SENTINEL;
    FAILS(tessera_cookie_pairs_find(NULL, "a", &value, &value_len), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_cookie_pairs_find(p, NULL, &value, &value_len), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_cookie_pairs_find(p, NOT_UTF8, &value, &value_len),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    STATUS(tessera_cookie_pairs_find(p, "a", NULL, &value_len), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_cookie_pairs_find(p, "a", &value, &value_len));
    STREQ(value, "1"); /* the first wins */
    CHECK(value_len == 1);
    OK(tessera_cookie_pairs_find(p, "zzz", &value, &value_len));
    CHECK(value == NULL && value_len == 0);
    OK(tessera_cookie_pairs_find(p, "junk", &value, NULL));
    CHECK(value == NULL);
    tessera_cookie_pairs_free(p);
    /* A NUL inside a value keeps its length. */
    OK(tessera_parse_cookie(U8("k=a\0b"), 5, &p));
    OK(tessera_cookie_pairs_get(p, 0, &name, NULL, &value, &value_len));
    CHECK(value_len == 3 && memcmp(value, "a\0b", 4) == 0);
    tessera_cookie_pairs_free(p);
}

static void test_session_cookie(void)
{
    static const uint8_t *const short_secret[] = {U8("too-short")};
    static const size_t short_len[] = {9};
    tessera_session_cookie *sc = SENTINEL, *enc = NULL, *old = NULL, *other = NULL;
    FAILS(tessera_session_cookie_new(NULL, NULL, 0, NULL, 0, TESSERA_NO_MAX_AGE, NULL, &sc),
          TESSERA_STATUS_INVALID_KEY, sc);
    FAILS(tessera_session_cookie_new(short_secret, short_len, 1, NULL, 0, TESSERA_NO_MAX_AGE, NULL,
                                     &sc),
          TESSERA_STATUS_INVALID_KEY, sc);
    FAILS(tessera_session_cookie_new(S32, NULL, 2, NULL, 0, TESSERA_NO_MAX_AGE, NULL, &sc),
          TESSERA_STATUS_INVALID_ARGUMENT, sc);
    FAILS(tessera_session_cookie_new(S32, S32_LEN, 2, "bad name", 0, TESSERA_NO_MAX_AGE, NULL, &sc),
          TESSERA_STATUS_INVALID_ARGUMENT, sc);
    FAILS(tessera_session_cookie_new(S32, S32_LEN, 2, NOT_UTF8, 0, TESSERA_NO_MAX_AGE, NULL, &sc),
          TESSERA_STATUS_INVALID_ARGUMENT, sc);
    FAILS(tessera_session_cookie_new(S32, S32_LEN, 2, NULL, 4, TESSERA_NO_MAX_AGE, NULL, &sc),
          TESSERA_STATUS_INVALID_ARGUMENT, sc);
    FAILS(tessera_session_cookie_new(S32, S32_LEN, 2, NULL, 0, -7, NULL, &sc),
          TESSERA_STATUS_INVALID_ARGUMENT, sc);
    tessera_cookie_attributes *insecure = NULL;
    OK(tessera_cookie_attributes_new(&insecure));
    OK(tessera_cookie_attributes_set_flags(insecure, TESSERA_COOKIE_HTTP_ONLY));
    FAILS(tessera_session_cookie_new(S32, S32_LEN, 2, "__Host-s", 0, TESSERA_NO_MAX_AGE, insecure,
                                     &sc),
          TESSERA_STATUS_INVALID_ARGUMENT, sc);
    STATUS(tessera_session_cookie_new(S32, S32_LEN, 2, NULL, 0, TESSERA_NO_MAX_AGE, NULL, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_session_cookie_new(S32, S32_LEN, 2, NULL, 0, 3600, NULL, &sc));
    OK(tessera_session_cookie_new(S32, S32_LEN, 1, "session", TESSERA_SESSION_ENCRYPTED,
                                  TESSERA_NO_MAX_AGE, insecure, &enc));
    OK(tessera_session_cookie_new(S32 + 1, S32_LEN + 1, 1, NULL, 0, TESSERA_NO_MAX_AGE, NULL,
                                  &old));
    OK(tessera_session_cookie_new(S32, S32_LEN, 1, "other", 0, TESSERA_NO_MAX_AGE, NULL, &other));
    tessera_cookie_attributes_free(insecure);

    /* seal */
    char *value = SENTINEL;
    FAILS(tessera_session_cookie_seal(NULL, "{}", NOW, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_session_cookie_seal(sc, NULL, NOW, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_session_cookie_seal(sc, NOT_UTF8, NOW, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_session_cookie_seal(sc, "[1]", NOW, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    FAILS(tessera_session_cookie_seal(sc, "{\"a\":", NOW, &value), TESSERA_STATUS_INVALID_ARGUMENT,
          value);
    STATUS(tessera_session_cookie_seal(sc, "{}", NOW, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    char big[6000] = "{\"blob\":\"";
    memset(big + 9, 'z', 5000);
    strcpy(big + 5009, "\"}");
    FAILS(tessera_session_cookie_seal(sc, big, NOW, &value), TESSERA_STATUS_COOKIE_TOO_LARGE, value);
    OK(tessera_session_cookie_seal(sc, "{\"user\":42}", NOW, &value));
    CHECK(strncmp(value, "t1.", 3) == 0);
    size_t len = strlen(value);

    /* open */
    char *json = SENTINEL;
    int64_t iat = -1;
    bool reissue = true;
    FAILS(tessera_session_cookie_open(NULL, U8(value), len, NOW, &json, &iat, &reissue),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_session_cookie_open(sc, NULL, len, NOW, &json, &iat, &reissue),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_session_cookie_open(sc, U8(value), len, NOW, NULL, &iat, &reissue),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_session_cookie_open(sc, U8(NOT_UTF8), 2, NOW, &json, &iat, &reissue),
          TESSERA_STATUS_MALFORMED, json);
    FAILS(tessera_session_cookie_open(sc, NULL, 0, NOW, &json, &iat, &reissue),
          TESSERA_STATUS_MALFORMED, json);
    FAILS(tessera_session_cookie_open(sc, U8(value), len, NOW + 3601, &json, &iat, &reissue),
          TESSERA_STATUS_EXPIRED, json);
    FAILS(tessera_session_cookie_open(sc, U8(value), len, NOW - 61, &json, &iat, &reissue),
          TESSERA_STATUS_ISSUED_IN_FUTURE, json);
    FAILS(tessera_session_cookie_open(other, U8(value), len, NOW, &json, &iat, &reissue),
          TESSERA_STATUS_INVALID_SIGNATURE, json); /* the name is bound in */
    FAILS(tessera_session_cookie_open(enc, U8(value), len, NOW, &json, &iat, &reissue),
          TESSERA_STATUS_INVALID_SIGNATURE, json); /* signed, read as encrypted */
    CHECK(iat == -1 && reissue);
    /* Every single-character change is rejected (no crash, never accepted). */
    char *t = strdup(value);
    for (size_t i = 0; i < len; i++) {
        char was = t[i];
        t[i] = was == 'A' ? 'B' : 'A';
        char *got = SENTINEL;
        CHECK(tessera_session_cookie_open(sc, U8(t), len, NOW, &got, NULL, NULL) !=
              TESSERA_STATUS_OK);
        CHECK(got == SENTINEL);
        t[i] = was;
    }
    free(t);
    OK(tessera_session_cookie_open(sc, U8(value), len, NOW + 5, &json, &iat, &reissue));
    STREQ(json, "{\"user\":42}");
    CHECK(iat == NOW && !reissue);
    tessera_string_free(json);
    OK(tessera_session_cookie_open(sc, U8(value), len, NOW, &json, NULL, NULL));
    tessera_string_free(json);

    /* Rotation: sealed with the old secret, opened by [new, old] with needs_reissue. */
    char *old_value = NULL;
    OK(tessera_session_cookie_seal(old, "{\"user\":1}", TESSERA_NOW, &old_value));
    OK(tessera_session_cookie_open(sc, U8(old_value), strlen(old_value), TESSERA_NOW, &json, &iat,
                                   &reissue));
    CHECK(reissue && iat > NOW);
    tessera_string_free(json);

    /* Encrypted: the session is not readable in the value; round trip. */
    char *sealed = NULL;
    OK(tessera_session_cookie_seal(enc, "{\"secret\":\"s3\"}", NOW, &sealed));
    OK(tessera_session_cookie_open(enc, U8(sealed), strlen(sealed), NOW * 2, &json, NULL, NULL));
    STREQ(json, "{\"secret\":\"s3\"}");
    tessera_string_free(json);
    tessera_string_free(sealed);

    /* load from a Cookie header */
    char header[512];
    snprintf(header, sizeof header, "theme=dark; session=%s", value);
    json = SENTINEL;
    FAILS(tessera_session_cookie_load(NULL, U8(header), strlen(header), NOW, &json, NULL, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_session_cookie_load(sc, NULL, 4, NOW, &json, NULL, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_session_cookie_load(sc, U8(header), strlen(header), NOW, NULL, NULL, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_session_cookie_load(sc, U8("theme=dark"), 10, NOW, &json, NULL, NULL),
          TESSERA_STATUS_SESSION_NOT_FOUND, json);
    FAILS(tessera_session_cookie_load(sc, U8(NOT_UTF8), 2, NOW, &json, NULL, NULL),
          TESSERA_STATUS_MALFORMED, json);
    FAILS(tessera_session_cookie_load(other, U8(header), strlen(header), NOW, &json, NULL, NULL),
          TESSERA_STATUS_SESSION_NOT_FOUND, json);
    OK(tessera_session_cookie_load(sc, U8(header), strlen(header), NOW, &json, &iat, &reissue));
    STREQ(json, "{\"user\":42}");
    CHECK(iat == NOW && !reissue);
    tessera_string_free(json);

    /* seal_chunks: one pair when it fits; COOKIE_TOO_LARGE unchunked. */
    tessera_cookie_pairs *pairs = SENTINEL;
    FAILS(tessera_session_cookie_seal_chunks(NULL, "{}", NOW, &pairs),
          TESSERA_STATUS_INVALID_ARGUMENT, pairs);
    FAILS(tessera_session_cookie_seal_chunks(sc, NULL, NOW, &pairs),
          TESSERA_STATUS_INVALID_ARGUMENT, pairs);
    FAILS(tessera_session_cookie_seal_chunks(sc, big, NOW, &pairs),
          TESSERA_STATUS_COOKIE_TOO_LARGE, pairs);
    STATUS(tessera_session_cookie_seal_chunks(sc, "{}", NOW, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_session_cookie_seal_chunks(sc, "{\"user\":42}", NOW, &pairs));
    CHECK(tessera_cookie_pairs_len(pairs) == 1);
    const char *n = NULL, *v = NULL;
    OK(tessera_cookie_pairs_get(pairs, 0, &n, NULL, &v, NULL));
    STREQ(n, "session");
    STREQ(v, value); /* signed sealing is deterministic */
    tessera_cookie_pairs_free(pairs);

    /* Chunked: split over session.0, session.1, ...; loaded back as one. */
    tessera_session_cookie *chunked = NULL;
    OK(tessera_session_cookie_new(S32, S32_LEN, 2, NULL, TESSERA_SESSION_CHUNKED, 3600, NULL,
                                  &chunked));
    STATUS(tessera_session_cookie_seal(chunked, big, NOW, &value), TESSERA_STATUS_COOKIE_TOO_LARGE);
    OK(tessera_session_cookie_seal_chunks(chunked, big, NOW, &pairs));
    size_t count = tessera_cookie_pairs_len(pairs);
    CHECK(count == 2);
    char *request = calloc(1, 16384);
    for (size_t i = 0; i < count; i++) {
        OK(tessera_cookie_pairs_get(pairs, i, &n, NULL, &v, NULL));
        char chunk_name[32];
        snprintf(chunk_name, sizeof chunk_name, "session.%zu", i);
        STREQ(n, chunk_name);
        snprintf(request + strlen(request), 16384 - strlen(request), "%s%s=%s", i ? "; " : "", n,
                 v);
    }
    tessera_cookie_pairs_free(pairs);
    OK(tessera_session_cookie_load(chunked, U8(request), strlen(request), NOW, &json, &iat,
                                   &reissue));
    STREQ(json, big);
    tessera_string_free(json);

    /* set_cookie_headers: complete lines; stale cookies in the request deleted. */
    char **lines = SENTINEL;
    size_t nlines = SENTINEL_LEN;
    FAILS(tessera_session_cookie_set_cookie_headers(NULL, "{}", NOW, NULL, 0, &lines, &nlines),
          TESSERA_STATUS_INVALID_ARGUMENT, lines);
    FAILS(tessera_session_cookie_set_cookie_headers(sc, NULL, NOW, NULL, 0, &lines, &nlines),
          TESSERA_STATUS_INVALID_ARGUMENT, lines);
    FAILS(tessera_session_cookie_set_cookie_headers(sc, "{}", NOW, NULL, 3, &lines, &nlines),
          TESSERA_STATUS_INVALID_ARGUMENT, lines);
    FAILS(tessera_session_cookie_set_cookie_headers(sc, "{}", NOW, U8(NOT_UTF8), 2, &lines,
                                                    &nlines),
          TESSERA_STATUS_MALFORMED, lines);
    FAILS(tessera_session_cookie_set_cookie_headers(sc, "{}", NOW, NULL, 0, NULL, &nlines),
          TESSERA_STATUS_INVALID_ARGUMENT, lines);
    FAILS(tessera_session_cookie_set_cookie_headers(sc, "{}", NOW, NULL, 0, &lines, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, lines);
    FAILS(tessera_session_cookie_set_cookie_headers(sc, big, NOW, NULL, 0, &lines, &nlines),
          TESSERA_STATUS_COOKIE_TOO_LARGE, lines);
    CHECK(nlines == SENTINEL_LEN);
    OK(tessera_session_cookie_set_cookie_headers(sc, "{\"user\":42}", NOW, NULL, 0, &lines,
                                                 &nlines));
    CHECK(nlines == 1);
    char want[512];
    snprintf(want, sizeof want, "session=%s; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax",
             value);
    STREQ(lines[0], want);
    tessera_strings_free(lines, nlines);
    /* The request still has two chunks from before: both are deleted. */
    OK(tessera_session_cookie_set_cookie_headers(sc, "{\"user\":42}", NOW, U8(request),
                                                 strlen(request), &lines, &nlines));
    CHECK(nlines == 3);
    if (nlines == 3) {
        STREQ(lines[0], want);
        CHECK(strncmp(lines[1], "session.0=; ", 12) == 0 && strstr(lines[1], "Max-Age=0"));
        CHECK(strncmp(lines[2], "session.1=; ", 12) == 0);
    }
    tessera_strings_free(lines, nlines);
    /* And the reverse: a chunked write deletes the single cookie. */
    snprintf(header, sizeof header, "session=%s", value);
    OK(tessera_session_cookie_set_cookie_headers(chunked, big, NOW, U8(header), strlen(header),
                                                 &lines, &nlines));
    CHECK(nlines == 3 && strncmp(lines[2], "session=; ", 10) == 0);
    tessera_strings_free(lines, nlines);

    /* clear_cookie_headers: log out. */
    lines = SENTINEL;
    FAILS(tessera_session_cookie_clear_cookie_headers(NULL, NULL, 0, &lines, &nlines),
          TESSERA_STATUS_INVALID_ARGUMENT, lines);
    FAILS(tessera_session_cookie_clear_cookie_headers(sc, U8(NOT_UTF8), 2, &lines, &nlines),
          TESSERA_STATUS_MALFORMED, lines);
    FAILS(tessera_session_cookie_clear_cookie_headers(sc, NULL, 0, NULL, &nlines),
          TESSERA_STATUS_INVALID_ARGUMENT, lines);
    FAILS(tessera_session_cookie_clear_cookie_headers(sc, NULL, 0, &lines, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, lines);
    OK(tessera_session_cookie_clear_cookie_headers(sc, NULL, 0, &lines, &nlines));
    CHECK(nlines == 1 && strncmp(lines[0], "session=; ", 10) == 0);
    tessera_strings_free(lines, nlines);
    OK(tessera_session_cookie_clear_cookie_headers(chunked, U8(request), strlen(request), &lines,
                                                   &nlines));
    CHECK(nlines == 3);
    tessera_strings_free(lines, nlines);

    free(request);
    tessera_string_free(old_value);
    tessera_string_free(value);
    tessera_session_cookie_free(chunked);
    tessera_session_cookie_free(other);
    tessera_session_cookie_free(old);
    tessera_session_cookie_free(enc);
    tessera_session_cookie_free(sc);
}

static void test_csrf(void)
{
    static const uint8_t *const short_secret[] = {U8("short")};
    static const size_t short_len[] = {5};
    tessera_csrf_tokens *csrf = SENTINEL, *old = NULL;
    FAILS(tessera_csrf_tokens_new(NULL, NULL, 0, &csrf), TESSERA_STATUS_INVALID_KEY, csrf);
    FAILS(tessera_csrf_tokens_new(short_secret, short_len, 1, &csrf), TESSERA_STATUS_INVALID_KEY,
          csrf);
    FAILS(tessera_csrf_tokens_new(S32, NULL, 2, &csrf), TESSERA_STATUS_INVALID_ARGUMENT, csrf);
    STATUS(tessera_csrf_tokens_new(S32, S32_LEN, 2, NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_csrf_tokens_new(S32, S32_LEN, 2, &csrf));
    OK(tessera_csrf_tokens_new(S32 + 1, S32_LEN + 1, 1, &old));

    char *token = SENTINEL, *token2 = NULL;
    FAILS(tessera_csrf_tokens_generate(NULL, "sid", &token), TESSERA_STATUS_INVALID_ARGUMENT, token);
    FAILS(tessera_csrf_tokens_generate(csrf, NULL, &token), TESSERA_STATUS_INVALID_ARGUMENT, token);
    FAILS(tessera_csrf_tokens_generate(csrf, NOT_UTF8, &token), TESSERA_STATUS_INVALID_ARGUMENT,
          token);
    STATUS(tessera_csrf_tokens_generate(csrf, "sid", NULL), TESSERA_STATUS_INVALID_ARGUMENT);
    OK(tessera_csrf_tokens_generate(csrf, "sid-1", &token));
    OK(tessera_csrf_tokens_generate(csrf, "sid-1", &token2));
    CHECK(strlen(token) == 86 && strcmp(token, token2) != 0); /* masked anew each time */
    size_t len = strlen(token);

    STATUS(tessera_csrf_tokens_verify(NULL, "sid-1", U8(token), len),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_csrf_tokens_verify(csrf, NULL, U8(token), len), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_csrf_tokens_verify(csrf, NOT_UTF8, U8(token), len),
           TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_csrf_tokens_verify(csrf, "sid-1", NULL, len), TESSERA_STATUS_INVALID_ARGUMENT);
    STATUS(tessera_csrf_tokens_verify(csrf, "sid-1", NULL, 0), TESSERA_STATUS_MALFORMED);
    STATUS(tessera_csrf_tokens_verify(csrf, "sid-1", U8(NOT_UTF8), 2), TESSERA_STATUS_MALFORMED);
    STATUS(tessera_csrf_tokens_verify(csrf, "sid-1", U8(token), len - 1), TESSERA_STATUS_MALFORMED);
    STATUS(tessera_csrf_tokens_verify(csrf, "sid-2", U8(token), len),
           TESSERA_STATUS_INVALID_SIGNATURE);
    STATUS(tessera_csrf_tokens_verify(old, "sid-1", U8(token), len),
           TESSERA_STATUS_INVALID_SIGNATURE); /* generated with the first secret */
    OK(tessera_csrf_tokens_verify(csrf, "sid-1", U8(token), len));
    OK(tessera_csrf_tokens_verify(csrf, "sid-1", U8(token2), len));
    flip(token, 50);
    STATUS(tessera_csrf_tokens_verify(csrf, "sid-1", U8(token), len),
           TESSERA_STATUS_INVALID_SIGNATURE);
    tessera_string_free(token);
    tessera_string_free(token2);
    /* Rotation: the old secret's tokens still verify with [new, old]. */
    OK(tessera_csrf_tokens_generate(old, "sid-1", &token));
    OK(tessera_csrf_tokens_verify(csrf, "sid-1", U8(token), strlen(token)));
    tessera_string_free(token);
    tessera_csrf_tokens_free(old);
    tessera_csrf_tokens_free(csrf);
}

static void test_rails(void)
{
    static const uint8_t base[] = "rails-secret-key-base-0123456789";
    tessera_rails_cookie *rc = SENTINEL, *legacy = NULL, *other = NULL;
    FAILS(tessera_rails_cookie_new(NULL, 4, "_app_session", NULL, NULL, NULL, NULL, 0, &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    FAILS(tessera_rails_cookie_new(base, 0, "_app_session", NULL, NULL, NULL, NULL, 0, &rc),
          TESSERA_STATUS_INVALID_KEY, rc);
    FAILS(tessera_rails_cookie_new(base, 32, NULL, NULL, NULL, NULL, NULL, 0, &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    FAILS(tessera_rails_cookie_new(base, 32, "a b", NULL, NULL, NULL, NULL, 0, &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    FAILS(tessera_rails_cookie_new(base, 32, NOT_UTF8, NULL, NULL, NULL, NULL, 0, &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    FAILS(tessera_rails_cookie_new(base, 32, "_app_session", "md5", NULL, NULL, NULL, 0, &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    FAILS(tessera_rails_cookie_new(base, 32, "_app_session", NOT_UTF8, NULL, NULL, NULL, 0, &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    STATUS(tessera_rails_cookie_new(base, 32, "_app_session", NULL, NULL, NULL, NULL, 0, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    /* Rotation arguments: arrays for the count, entries, digests. */
    static const uint8_t *const old_bases[] = {U8("old-base-one"), U8("old-base-two")};
    static const size_t old_lens[] = {12, 12};
    static const char *const md5[] = {"sha1", "md5"};
    static const size_t empty_len[] = {0};
    FAILS(tessera_rails_cookie_new(base, 32, "_app_session", NULL, NULL, NULL, NULL, 1, &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    FAILS(tessera_rails_cookie_new(base, 32, "_app_session", NULL, old_bases, NULL, NULL, 1, &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    FAILS(tessera_rails_cookie_new(base, 32, "_app_session", NULL, NULL_SECRET, ONE_LEN, NULL, 1,
                                   &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    FAILS(tessera_rails_cookie_new(base, 32, "_app_session", NULL, old_bases, old_lens, md5, 2,
                                   &rc),
          TESSERA_STATUS_INVALID_ARGUMENT, rc);
    FAILS(tessera_rails_cookie_new(base, 32, "_app_session", NULL, old_bases, empty_len, NULL, 1,
                                   &rc),
          TESSERA_STATUS_INVALID_KEY, rc);
    OK(tessera_rails_cookie_new(base, 32, "_app_session", NULL, NULL, NULL, NULL, 0, &rc));
    OK(tessera_rails_cookie_new(base, 32, "_app_session", "sha1", NULL, NULL, NULL, 0, &legacy));
    OK(tessera_rails_cookie_new(base, 32, "remember", "sha256", NULL, NULL, NULL, 0, &other));

    char *value = SENTINEL;
    const int64_t now_ms = NOW * 1000;
    FAILS(tessera_rails_cookie_encrypt(NULL, "{}", TESSERA_UNSET, &value),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_rails_cookie_encrypt(rc, NULL, TESSERA_UNSET, &value),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_rails_cookie_encrypt(rc, NOT_UTF8, TESSERA_UNSET, &value),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    FAILS(tessera_rails_cookie_encrypt(rc, "{\"a\":", TESSERA_UNSET, &value),
          TESSERA_STATUS_INVALID_ARGUMENT, value);
    STATUS(tessera_rails_cookie_encrypt(rc, "{}", TESSERA_UNSET, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    char big[5000] = "\"";
    memset(big + 1, 'q', 4000);
    strcpy(big + 4001, "\"");
    FAILS(tessera_rails_cookie_encrypt(rc, big, TESSERA_UNSET, &value),
          TESSERA_STATUS_COOKIE_TOO_LARGE, value);
    OK(tessera_rails_cookie_encrypt(rc, "{\"user_id\":42,\"html\":\"<b>\"}", now_ms + 1000,
                                    &value));
    size_t len = strlen(value);
    CHECK(strstr(value, "--") != NULL);

    char *json = SENTINEL;
    FAILS(tessera_rails_cookie_decrypt(NULL, U8(value), len, now_ms, &json),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_rails_cookie_decrypt(rc, NULL, len, now_ms, &json),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_rails_cookie_decrypt(rc, U8(value), len, now_ms, NULL),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_rails_cookie_decrypt(rc, U8(NOT_UTF8), 2, now_ms, &json),
          TESSERA_STATUS_MALFORMED, json);
    FAILS(tessera_rails_cookie_decrypt(rc, U8("a--b"), 4, now_ms, &json), TESSERA_STATUS_MALFORMED,
          json);
    FAILS(tessera_rails_cookie_decrypt(rc, U8(value), len, now_ms + 1000, &json),
          TESSERA_STATUS_EXPIRED, json);
    FAILS(tessera_rails_cookie_decrypt(legacy, U8(value), len, now_ms, &json),
          TESSERA_STATUS_INVALID_SIGNATURE, json);
    FAILS(tessera_rails_cookie_decrypt(other, U8(value), len, now_ms, &json),
          TESSERA_STATUS_INVALID_SIGNATURE, json); /* another cookie's purpose */
    OK(tessera_rails_cookie_decrypt(rc, U8(value), len, now_ms + 999, &json));
    STREQ(json, "{\"user_id\":42,\"html\":\"\\u003cb\\u003e\"}"); /* as ActiveSupport writes it */
    tessera_string_free(json);
    tessera_string_free(value);
    /* Never expires; the clock in milliseconds. */
    OK(tessera_rails_cookie_encrypt(legacy, "[1,\"two\"]", TESSERA_UNSET, &value));
    OK(tessera_rails_cookie_decrypt(legacy, U8(value), strlen(value), TESSERA_NOW, &json));
    STREQ(json, "[1,\"two\"]");
    tessera_string_free(json);
    tessera_string_free(value);
    OK(tessera_rails_cookie_encrypt(rc, "1", NOW * 1000, &value)); /* expired already */
    STATUS(tessera_rails_cookie_decrypt(rc, U8(value), strlen(value), TESSERA_NOW, &json),
           TESSERA_STATUS_EXPIRED);
    tessera_string_free(value);

    /* Rotation: a new secret_key_base encrypts; the old one, under both of
     * its digests, still decrypts (Rails' cookies_rotations). */
    static const uint8_t next[] = "rails-secret-key-base-NEXT-56789";
    const uint8_t *const olds[] = {base, base};
    const size_t olds_len[] = {32, 32};
    const char *const digests[] = {NULL, "sha1"};
    tessera_rails_cookie *rotated = NULL, *next_only = NULL;
    OK(tessera_rails_cookie_new(next, 32, "_app_session", NULL, olds, olds_len, digests, 2,
                                &rotated));
    OK(tessera_rails_cookie_new(next, 32, "_app_session", NULL, NULL, NULL, NULL, 0, &next_only));
    char *from_rc = NULL, *from_legacy = NULL, *from_rotated = NULL;
    OK(tessera_rails_cookie_encrypt(rc, "{\"v\":\"current\"}", TESSERA_UNSET, &from_rc));
    OK(tessera_rails_cookie_encrypt(legacy, "{\"v\":\"legacy\"}", TESSERA_UNSET, &from_legacy));
    OK(tessera_rails_cookie_encrypt(rotated, "{\"v\":\"next\"}", TESSERA_UNSET, &from_rotated));
    OK(tessera_rails_cookie_decrypt(rotated, U8(from_rc), strlen(from_rc), TESSERA_NOW, &json));
    STREQ(json, "{\"v\":\"current\"}");
    tessera_string_free(json);
    OK(tessera_rails_cookie_decrypt(rotated, U8(from_legacy), strlen(from_legacy), TESSERA_NOW,
                                    &json));
    STREQ(json, "{\"v\":\"legacy\"}");
    tessera_string_free(json);
    OK(tessera_rails_cookie_decrypt(next_only, U8(from_rotated), strlen(from_rotated),
                                    TESSERA_NOW, &json)); /* the new key encrypts */
    STREQ(json, "{\"v\":\"next\"}");
    tessera_string_free(json);
    json = SENTINEL;
    FAILS(tessera_rails_cookie_decrypt(next_only, U8(from_rc), strlen(from_rc), TESSERA_NOW,
                                       &json),
          TESSERA_STATUS_INVALID_SIGNATURE, json); /* without the rotation */
    FAILS(tessera_rails_cookie_decrypt(rc, U8(from_rotated), strlen(from_rotated), TESSERA_NOW,
                                       &json),
          TESSERA_STATUS_INVALID_SIGNATURE, json);
    tessera_string_free(from_rc);
    tessera_string_free(from_legacy);
    tessera_string_free(from_rotated);
    tessera_rails_cookie_free(next_only);
    tessera_rails_cookie_free(rotated);
    tessera_rails_cookie_free(other);
    tessera_rails_cookie_free(legacy);
    tessera_rails_cookie_free(rc);
}

int main(void)
{
    test_free_null();
    test_flask();
    test_signer();
    test_timestamp_signer();
    test_serializer();
    test_express_cookie_session();
    test_express_session_id();
    test_cookie_headers();
    test_session_cookie();
    test_csrf();
    test_rails();
    if (check_failures) {
        printf("api_cookies: %d checks failed\n", check_failures);
        return 1;
    }
    printf("api_cookies: all checks passed\n");
    return 0;
}
