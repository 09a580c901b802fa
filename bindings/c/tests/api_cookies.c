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
    CHECK(TESSERA_NOW == INT64_MIN);
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
    FAILS(tessera_url_safe_timed_serializer_loads(NULL, U8(value), len, 10, NOW, &json),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_url_safe_timed_serializer_loads(s, NULL, len, 10, NOW, &json),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    FAILS(tessera_url_safe_timed_serializer_loads(s, U8(NOT_UTF8), 2, 10, NOW, &json),
          TESSERA_STATUS_MALFORMED, json);
    FAILS(tessera_url_safe_timed_serializer_loads(s, U8(value), len, -3, NOW, &json),
          TESSERA_STATUS_INVALID_ARGUMENT, json);
    STATUS(tessera_url_safe_timed_serializer_loads(s, U8(value), len, 10, NOW, NULL),
           TESSERA_STATUS_INVALID_ARGUMENT);
    FAILS(tessera_url_safe_timed_serializer_loads(s, U8(value), len, 10, NOW + 11, &json),
          TESSERA_STATUS_EXPIRED, json);
    char *tampered = strdup(value);
    flip(tampered, 2);
    FAILS(tessera_url_safe_timed_serializer_loads(s, U8(tampered), len, 10, NOW, &json),
          TESSERA_STATUS_INVALID_SIGNATURE, json);
    free(tampered);
    OK(tessera_url_safe_timed_serializer_loads(s, U8(value), len, TESSERA_NO_MAX_AGE, NOW, &json));
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
                                               NOW, &json));
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

int main(void)
{
    test_free_null();
    test_flask();
    test_signer();
    test_timestamp_signer();
    test_serializer();
    test_express_cookie_session();
    test_express_session_id();
    if (check_failures) {
        printf("api_cookies: %d checks failed\n", check_failures);
        return 1;
    }
    printf("api_cookies: all checks passed\n");
    return 0;
}
