/*
 * Runs the cookie vectors in tests/vectors/cookies/ through the C API. The
 * vectors were minted by the real libraries (Flask 3.1 / itsdangerous 2.2,
 * express + cookie-session + keygrip, express-session + cookie-signature;
 * see tests/vectors/cookies/tools), so this is "cookies the real frameworks
 * mint are opened from C", and "C writes byte-identical cookies".
 * native.json holds Tessera's own cookies (signed ones are checked byte for
 * byte, encrypted ones opened), rails.json cookies minted by ActiveSupport.
 * The reference runners are core/tests/cookies_*.rs.
 *
 *   cookie_vectors DIR [FILE.json ...]   all *.json in DIR (sorted), or the named files
 *
 * Each file is run by the runner for its name; a file this program has no
 * runner for fails (a new format must get a C runner, not be skipped). Each
 * file must describe its schema (`_schema` or `schema`); unknown case
 * fields fail their case. Every case runs; every failure is reported as
 * "file: id: what"; exit status 1 if any failed.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, strtok_r */

#include <dirent.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tessera.h"
#include "vector_common.h"

/* Codes a full run must expect somewhere. */
#define REQUIRED_CODES                                                                        \
    "MALFORMED INVALID_SIGNATURE EXPIRED ISSUED_IN_FUTURE SESSION_NOT_FOUND"

/* Library byte buffers carry their length: copy them into a NUL-terminated
 * malloc'd string kept in the pool, and free the original. */
static char *take_bytes(uint8_t *data, size_t len)
{
    char *s = keep(malloc(len + 1), free);
    if (len)
        memcpy(s, data, len);
    s[len] = '\0';
    tessera_bytes_free(data, len);
    return s;
}

/* ---- reading cases */

static const json_value *opt_text(const json_value *c, const char *name)
{
    const json_value *v = json_get(c, name);
    if (v && v->type != JSON_STRING)
        broken("\"%s\" must be a string", name);
    return v;
}

static const uint8_t *u8(const json_value *v) { return (const uint8_t *)v->string; }

static int flag(const json_value *c, const char *name)
{
    const json_value *v = json_get(c, name);
    if (!v)
        return 0;
    if (v->type != JSON_TRUE && v->type != JSON_FALSE)
        broken("\"%s\" must be a boolean", name);
    return v->type == JSON_TRUE;
}

/* ---- outcomes */

static char seen_codes[1024] = " ";

/* The expected error code of a case, or NULL when it must succeed. */
static const char *want_error(const json_value *error)
{
    if (!error)
        return NULL;
    if (error->type != JSON_STRING)
        broken("error: string");
    if (!code_known(error->string))
        broken("unknown code \"%s\"", error->string);
    if (!listed(seen_codes, error->string) &&
        strlen(seen_codes) + strlen(error->string) + 2 < sizeof seen_codes)
        strcat(strcat(seen_codes, error->string), " ");
    return error->string;
}

/* A call whose outcome is compared with `want` (an error code, or NULL for
 * success). Returns 1 when the call succeeded (and success was expected). */
static int outcome(const char *what, uint32_t status, const char *want)
{
    const char *msg = tessera_last_error_message();
    if (status != TESSERA_STATUS_OK && !msg)
        case_fail("%s: %s left no last error message", what, tessera_status_str(status));
    if (status == TESSERA_STATUS_OK && msg)
        case_fail("%s: success left a last error message", what);
    if (!want) {
        if (status != TESSERA_STATUS_OK)
            case_fail("%s: unexpected error %s", what, msg);
        return 1;
    }
    if (status == TESSERA_STATUS_OK)
        case_fail("%s: expected %s, got success", what, want);
    if (strcmp(tessera_status_str(status), want) != 0)
        case_fail("%s: expected %s, got %s", what, want, msg);
    return 0;
}

/* A setup call that must succeed. */
static void must(const char *what, uint32_t status)
{
    outcome(what, status, NULL);
}

static void same_text(const char *what, const char *got, size_t got_len, const json_value *want)
{
    if (want->type != JSON_STRING || want->len != got_len || memcmp(want->string, got, got_len))
        case_fail("%s: expected %.*s, got %.*s", what, (int)want->text_len, want->text,
                  (int)got_len, got);
}

static void same_json(const char *what, const char *got, const json_value *want)
{
    char err[128];
    json_value *v = json_parse(got, strlen(got), err, sizeof err);
    if (!v)
        case_fail("%s: the library returned invalid JSON (%s): %s", what, err, got);
    keep(v, free_json);
    if (!json_equal(v, want))
        case_fail("%s: expected %.*s, got %s", what, (int)want->text_len, want->text, got);
}

static void same_index(const char *what, size_t got, const json_value *c, const char *name)
{
    int64_t want = integer(c, name);
    if ((int64_t)got != want)
        case_fail("%s: expected %s %lld, got %zu", what, name, (long long)want, got);
}

/* ---- flask.json */

static void flask_case(const json_value *c)
{
    check_fields(c, " name secret_key fallbacks now json cookie compressed open_now expect ");
    const json_value *key = text(c, "secret_key"), *cookie = text(c, "cookie");
    const json_value *expect = field(c, "expect");
    secrets fb = secret_list(c, "fallbacks");
    (void)flag(c, "compressed"); /* informational: zlib is used, so compressed cookies match too */
    tessera_flask_cookie *fc = NULL;
    must("tessera_flask_cookie_new",
         tessera_flask_cookie_new(u8(key), key->len, fb.ptrs, fb.lens, fb.count, NULL,
                                  TESSERA_FLASK_DEFAULT_MAX_AGE, &fc));
    keep(fc, free_flask);
    if (json_get(c, "now")) {
        char *value = NULL;
        must("dumps", tessera_flask_cookie_dumps(fc, cstr(text(c, "json")), integer(c, "now"),
                                                 &value));
        keep(value, free_string);
        same_text("dumps (byte-identical with Flask)", value, strlen(value), cookie);
    }
    char *json = NULL;
    const char *want = want_error(json_get(expect, "error"));
    for (size_t i = 0; i < expect->count; i++)
        if (!listed(want ? " error " : " json ", expect->names[i]))
            broken("unexpected expect member \"%s\"", expect->names[i]);
    if (outcome("loads", tessera_flask_cookie_loads(fc, u8(cookie), cookie->len,
                                                    integer(c, "open_now"), &json),
                want)) {
        keep(json, free_string);
        same_json("loads", json, field(expect, "json"));
    }
}

/* ---- itsdangerous.json */

static void itsdangerous_case(const json_value *c)
{
    check_fields(c, " name kind secret_keys salt key_derivation digest sep now value json cookie "
                    "compressed open_now max_age expect ");
    const char *kind = cstr(text(c, "kind"));
    secrets keys = secret_list(c, "secret_keys");
    const json_value *salt = field(c, "salt");
    if (salt->type != JSON_NULL && salt->type != JSON_STRING)
        broken("salt: string or null");
    const char *salt_arg = salt->type == JSON_NULL ? NULL : cstr(salt); /* NULL: class default */
    const char *kd = cstr(text(c, "key_derivation")), *digest = cstr(text(c, "digest"));
    const char *sep = cstr(text(c, "sep"));
    const json_value *cookie = text(c, "cookie"), *expect = field(c, "expect");
    const json_value *max_age_v = field(c, "max_age");
    int64_t max_age = max_age_v->type == JSON_NULL ? TESSERA_NO_MAX_AGE : integer(c, "max_age");
    int64_t open_now = integer(c, "open_now");
    int minted = json_get(c, "now") != NULL;
    (void)flag(c, "compressed");
    const char *want = want_error(json_get(expect, "error"));
    const char *result = !strcmp(kind, "serializer") ? " json " : " value ";
    for (size_t i = 0; i < expect->count; i++)
        if (!listed(want ? " error " : result, expect->names[i]))
            broken("unexpected expect member \"%s\" for %s", expect->names[i], kind);

    void *codec = NULL;
    must("the itsdangerous codec",
         itsdangerous_new(kind, keys, salt_arg, sep, kd, digest, &codec));
    if (!strcmp(kind, "signer")) {
        tessera_signer *s = codec;
        uint8_t *out = NULL;
        size_t len = 0;
        if (minted) {
            const json_value *v = text(c, "value");
            must("sign", tessera_signer_sign(s, u8(v), v->len, &out, &len));
            char *signed_value = take_bytes(out, len);
            same_text("sign (byte-identical with itsdangerous)", signed_value, len, cookie);
        }
        if (outcome("unsign", tessera_signer_unsign(s, u8(cookie), cookie->len, &out, &len), want)) {
            char *value = take_bytes(out, len);
            same_text("unsign", value, len, field(expect, "value"));
        }
    } else if (!strcmp(kind, "timestamp_signer")) {
        tessera_timestamp_signer *s = codec;
        uint8_t *out = NULL;
        size_t len = 0;
        if (minted) {
            const json_value *v = text(c, "value");
            must("sign",
                 tessera_timestamp_signer_sign(s, u8(v), v->len, integer(c, "now"), &out, &len));
            char *signed_value = take_bytes(out, len);
            same_text("sign (byte-identical with itsdangerous)", signed_value, len, cookie);
        }
        int64_t ts = -1;
        if (outcome("unsign", tessera_timestamp_signer_unsign(s, u8(cookie), cookie->len, max_age,
                                                              open_now, &out, &len, &ts),
                    want)) {
            char *value = take_bytes(out, len);
            same_text("unsign", value, len, field(expect, "value"));
            if (minted && ts != integer(c, "now"))
                case_fail("unsign: timestamp %lld, signed at %lld", (long long)ts,
                          (long long)integer(c, "now"));
        }
    } else if (!strcmp(kind, "serializer")) {
        tessera_url_safe_timed_serializer *s = codec;
        if (minted) {
            char *value = NULL;
            must("dumps", tessera_url_safe_timed_serializer_dumps(s, cstr(text(c, "json")),
                                                                  integer(c, "now"), &value));
            keep(value, free_string);
            same_text("dumps (byte-identical with itsdangerous)", value, strlen(value), cookie);
        }
        char *json = NULL;
        int64_t ts = -1;
        if (outcome("loads", tessera_url_safe_timed_serializer_loads(
                                 s, u8(cookie), cookie->len, max_age, open_now, &json, &ts),
                    want)) {
            keep(json, free_string);
            same_json("loads", json, field(expect, "json"));
            if (minted && ts != integer(c, "now"))
                case_fail("loads: timestamp %lld, signed at %lld", (long long)ts,
                          (long long)integer(c, "now"));
        }
    }
}

/* ---- native.json (Tessera's SessionCookie) */

static void native_case(const json_value *c)
{
    check_fields(c, " name secrets cookie_name encrypted max_age chunked now value cookie_header "
                    "seal expect ");
    secrets keys = secret_list(c, "secrets");
    const json_value *max_age_v = field(c, "max_age");
    int64_t max_age = max_age_v->type == JSON_NULL ? TESSERA_NO_MAX_AGE : integer(c, "max_age");
    uint32_t flags = (flag(c, "encrypted") ? TESSERA_SESSION_ENCRYPTED : 0) |
                     (flag(c, "chunked") ? TESSERA_SESSION_CHUNKED : 0);
    tessera_session_cookie *sc = NULL;
    must("tessera_session_cookie_new",
         tessera_session_cookie_new(keys.ptrs, keys.lens, keys.count, cstr(text(c, "cookie_name")),
                                    flags, max_age, NULL, &sc));
    keep(sc, free_session);
    const json_value *expect = field(c, "expect");
    const char *want = want_error(json_get(expect, "error"));
    for (size_t i = 0; i < expect->count; i++)
        if (!listed(want ? " error " : " json issued_at needs_reissue ", expect->names[i]))
            broken("unexpected expect member \"%s\"", expect->names[i]);
    const json_value *value = opt_text(c, "value"), *header = opt_text(c, "cookie_header");
    if (!value == !header)
        broken("needs value or cookie_header, not both");
    const json_value *seal = json_get(c, "seal");
    if (seal) {
        if (!value || seal->type != JSON_OBJECT)
            broken("seal: an object, with a value");
        check_fields(seal, " json now ");
        char *sealed = NULL;
        must("seal", tessera_session_cookie_seal(sc, cstr(text(seal, "json")),
                                                 integer(seal, "now"), &sealed));
        keep(sealed, free_string);
        same_text("seal (byte for byte)", sealed, strlen(sealed), value);
    }
    char *json = NULL;
    int64_t issued_at = -1;
    bool reissue = true;
    int ok = value ? outcome("open", tessera_session_cookie_open(sc, u8(value), value->len,
                                                                 integer(c, "now"), &json,
                                                                 &issued_at, &reissue),
                             want)
                   : outcome("load", tessera_session_cookie_load(sc, u8(header), header->len,
                                                                 integer(c, "now"), &json,
                                                                 &issued_at, &reissue),
                             want);
    if (!ok) {
        if (json || issued_at != -1 || !reissue)
            case_fail("out-parameters written on failure");
        return;
    }
    keep(json, free_string);
    same_text("json", json, strlen(json), text(expect, "json"));
    if (issued_at != integer(expect, "issued_at"))
        case_fail("issued_at: expected %lld, got %lld", (long long)integer(expect, "issued_at"),
                  (long long)issued_at);
    if (reissue != flag(expect, "needs_reissue") || !json_get(expect, "needs_reissue"))
        case_fail("needs_reissue: expected %.*s, got %s",
                  (int)field(expect, "needs_reissue")->text_len,
                  field(expect, "needs_reissue")->text, reissue ? "true" : "false");
}

/* ---- rails.json (minted by ActiveSupport) */

static void rails_case(const json_value *c)
{
    check_fields(c, " name secret_key_base digest cookie_name cookie now_ms expect ");
    const json_value *base = text(c, "secret_key_base"), *cookie = text(c, "cookie");
    tessera_rails_cookie *rc = NULL;
    must("tessera_rails_cookie_new",
         tessera_rails_cookie_new(u8(base), base->len, cstr(text(c, "cookie_name")),
                                  cstr(text(c, "digest")), NULL, NULL, NULL, 0, &rc));
    keep(rc, free_rails);
    const json_value *expect = field(c, "expect");
    const char *want = want_error(json_get(expect, "error"));
    for (size_t i = 0; i < expect->count; i++)
        if (!listed(want ? " error " : " json ", expect->names[i]))
            broken("unexpected expect member \"%s\"", expect->names[i]);
    int64_t now_ms = integer(c, "now_ms");
    char *json = NULL;
    if (!outcome("decrypt",
                 tessera_rails_cookie_decrypt(rc, u8(cookie), cookie->len, now_ms, &json), want)) {
        if (json)
            case_fail("json_out written on failure");
        return;
    }
    keep(json, free_string);
    same_json("decrypt", json, field(expect, "json"));
    /* And back: what C encrypts (randomized) decrypts to the same value. The
     * message has the same length as Rails' (same JSON text, same envelope),
     * so one Rails could not have set (name + message > 4096 bytes, Rails'
     * CookieOverflow) is refused. */
    char *again = NULL, *json2 = NULL;
    size_t raw_len = cookie->len, name_len = strlen(cstr(text(c, "cookie_name")));
    for (size_t i = 0; i < cookie->len; i++)
        if (cookie->string[i] == '%')
            raw_len -= 2;
    if (name_len + raw_len > 4096) {
        outcome("encrypt", tessera_rails_cookie_encrypt(rc, json, TESSERA_UNSET, &again),
                "COOKIE_TOO_LARGE");
        return;
    }
    must("encrypt", tessera_rails_cookie_encrypt(rc, json, now_ms + 60000, &again));
    keep(again, free_string);
    must("decrypt (round trip)",
         tessera_rails_cookie_decrypt(rc, (const uint8_t *)again, strlen(again), now_ms, &json2));
    keep(json2, free_string);
    same_json("round trip", json2, field(expect, "json"));
    outcome("decrypt after expiry",
            tessera_rails_cookie_decrypt(rc, (const uint8_t *)again, strlen(again),
                                         now_ms + 60000, &json2),
            "EXPIRED");
}

/* ---- express.json: sections of cases */

static tessera_express_cookie_session *ecs_of(const json_value *c)
{
    secrets keys = secret_list(c, "keys");
    tessera_express_cookie_session *s = NULL;
    must("tessera_express_cookie_session_new",
         tessera_express_cookie_session_new(keys.ptrs, keys.lens, keys.count,
                                            cstr(text(c, "name")), &s));
    return keep(s, free_ecs);
}

static tessera_express_session_id *esid_of(const json_value *c)
{
    secrets s = secret_list(c, "secrets");
    tessera_express_session_id *ids = NULL;
    must("tessera_express_session_id_new",
         tessera_express_session_id_new(s.ptrs, s.lens, s.count, &ids));
    return keep(ids, free_esid);
}

static void cookie_session_case(const json_value *c)
{
    check_fields(c, " id keys name value sig cookie_header set_cookie expected_json "
                    "expected_index sign_identical resigned_sig ");
    tessera_express_cookie_session *s = ecs_of(c);
    const json_value *want_json = text(c, "expected_json");
    const json_value *value = opt_text(c, "value"), *header = opt_text(c, "cookie_header");
    if (!value && !header)
        broken("needs value+sig or cookie_header");
    char *json = NULL, *v = NULL, *sig = NULL;
    size_t index = 99;
    if (value) {
        const json_value *sigv = text(c, "sig");
        must("verify", tessera_express_cookie_session_verify(s, u8(value), value->len, u8(sigv),
                                                             sigv->len, &json, &index));
        keep(json, free_string);
        same_text("verify", json, strlen(json), want_json);
        same_index("verify", index, c, "expected_index");
        if (flag(c, "sign_identical")) {
            must("sign", tessera_express_cookie_session_sign(s, cstr(want_json), &v, &sig));
            keep(v, free_string);
            keep(sig, free_string);
            same_text("sign: value (byte-identical with cookie-session)", v, strlen(v), value);
            same_text("sign: sig (byte-identical with keygrip)", sig, strlen(sig), sigv);
        }
        const json_value *resigned = opt_text(c, "resigned_sig");
        if (resigned) {
            char *again = NULL;
            must("sign_value",
                 tessera_express_cookie_session_sign_value(s, u8(value), value->len, &again));
            keep(again, free_string);
            same_text("sign_value (re-issue)", again, strlen(again), resigned);
        }
    }
    if (header) {
        index = 99;
        must("load", tessera_express_cookie_session_load(s, u8(header), header->len, &json,
                                                         &index));
        keep(json, free_string);
        same_text("load", json, strlen(json), want_json);
        same_index("load", index, c, "expected_index");
    }
}

static void cookie_session_rejected_case(const json_value *c)
{
    check_fields(c, " id keys name value sig cookie_header error ");
    tessera_express_cookie_session *s = ecs_of(c);
    const char *want = want_error(text(c, "error"));
    const json_value *value = opt_text(c, "value"), *header = opt_text(c, "cookie_header");
    char *json = NULL;
    size_t index = 99;
    if (header) {
        outcome("load", tessera_express_cookie_session_load(s, u8(header), header->len, &json,
                                                            &index),
                want);
    } else if (value) {
        const json_value *sig = text(c, "sig");
        outcome("verify", tessera_express_cookie_session_verify(s, u8(value), value->len, u8(sig),
                                                                sig->len, &json, &index),
                want);
    } else {
        broken("needs value+sig or cookie_header");
    }
    if (json != NULL || index != 99)
        case_fail("out-parameters written on failure");
}

static void session_id_case(const json_value *c)
{
    check_fields(c, " id secrets sid signed wire set_cookie expected_index sign_identical ");
    tessera_express_session_id *ids = esid_of(c);
    const json_value *sid = text(c, "sid");
    const char *forms[] = {"signed", "wire"};
    for (int i = 0; i < 2; i++) {
        const json_value *v = text(c, forms[i]);
        char *got = NULL;
        size_t index = 99;
        must(forms[i], tessera_express_session_id_unsign(ids, u8(v), v->len, &got, &index));
        keep(got, free_string);
        same_text(forms[i], got, strlen(got), sid);
        same_index(forms[i], index, c, "expected_index");
    }
    /* The wire form in double quotes, as a browser may send it. */
    const json_value *wire = text(c, "wire");
    char *quoted = keep(malloc(wire->len + 3), free);
    snprintf(quoted, wire->len + 3, "\"%s\"", cstr(wire));
    char *got = NULL;
    must("quoted", tessera_express_session_id_unsign(ids, (const uint8_t *)quoted, wire->len + 2,
                                                     &got, NULL));
    keep(got, free_string);
    same_text("quoted", got, strlen(got), sid);
    if (flag(c, "sign_identical")) {
        char *signed_value = NULL;
        must("sign", tessera_express_session_id_sign(ids, cstr(sid), &signed_value));
        keep(signed_value, free_string);
        same_text("sign (byte-identical with cookie-signature)", signed_value,
                  strlen(signed_value), text(c, "signed"));
    }
}

static void session_id_rejected_case(const json_value *c)
{
    check_fields(c, " id secrets value error ");
    tessera_express_session_id *ids = esid_of(c);
    const json_value *v = text(c, "value");
    char *sid = NULL;
    outcome("unsign", tessera_express_session_id_unsign(ids, u8(v), v->len, &sid, NULL),
            want_error(text(c, "error")));
    if (sid)
        case_fail("sid_out written on failure");
}

static void session_id_headers_case(const json_value *c)
{
    check_fields(c, " id secrets name cookie_header expected_sid expected_index error ");
    tessera_express_session_id *ids = esid_of(c);
    const json_value *header = text(c, "cookie_header");
    const char *want = want_error(json_get(c, "error"));
    char *sid = NULL;
    size_t index = 99;
    if (outcome("load", tessera_express_session_id_load(ids, u8(header), header->len,
                                                        cstr(text(c, "name")), &sid, &index),
                want)) {
        keep(sid, free_string);
        same_text("load", sid, strlen(sid), text(c, "expected_sid"));
        same_index("load", index, c, "expected_index");
    } else if (sid) {
        case_fail("sid_out written on failure");
    }
}

/* ---- files */

typedef void (*case_fn)(const json_value *c);

static size_t total, failed;

static void failure(const char *file, const char *id, const char *what)
{
    failed++;
    printf("FAIL %s: %s: %s\n", file, id, what);
}

/* Runs the cases of one array; ids are the `id_field` of each case. */
static void run_cases(const char *file, const char *section, const json_value *cases,
                      const char *id_field, case_fn run)
{
    if (!cases || cases->type != JSON_ARRAY || cases->count == 0) {
        failure(file, section, "needs a non-empty array of cases");
        return;
    }
    for (size_t i = 0; i < cases->count; i++) {
        const json_value *c = &cases->items[i];
        const json_value *idv = json_get(c, id_field);
        char id[256];
        snprintf(id, sizeof id, "%s%s%s", section, *section ? "/" : "",
                 idv && idv->type == JSON_STRING ? idv->string : "<no id>");
        total++;
        for (size_t j = 0; j < i; j++) {
            const json_value *other = json_get(&cases->items[j], id_field);
            if (idv && other && other->type == JSON_STRING && idv->type == JSON_STRING &&
                !strcmp(other->string, idv->string)) {
                failure(file, id, "duplicate id");
                break;
            }
        }
        if (setjmp(case_jump))
            failure(file, id, case_msg);
        else
            run(c);
        release_all();
    }
}

/* flask.json, itsdangerous.json, native.json, rails.json:
 * {"_schema": "...", "_generator", "_versions", "_format", "cases": [...]} */
static void run_flat(const char *file, const json_value *doc, case_fn run)
{
    static const char allowed[] = " _schema _generator _versions _format cases ";
    for (size_t i = 0; i < doc->count; i++)
        if (!listed(allowed, doc->names[i]))
            failure(file, "-", "unknown file field");
    const json_value *schema = json_get(doc, "_schema");
    if (!schema || schema->type != JSON_STRING)
        failure(file, "-", "needs a \"_schema\" description");
    run_cases(file, "", json_get(doc, "cases"), "name", run);
}

/* express.json: {"schema": {section: description}, section: [cases], ...} */
static void run_express(const char *file, const json_value *doc)
{
    static const struct {
        const char *name;
        case_fn run;
    } sections[] = {
        {"cookie_session", cookie_session_case},
        {"cookie_session_rejected", cookie_session_rejected_case},
        {"session_id", session_id_case},
        {"session_id_rejected", session_id_rejected_case},
        {"session_id_headers", session_id_headers_case},
    };
    const size_t n = sizeof sections / sizeof *sections;
    const json_value *schema = json_get(doc, "schema");
    if (!schema || schema->type != JSON_OBJECT) {
        failure(file, "-", "needs a \"schema\" object");
        return;
    }
    /* Every section the schema describes must have a runner, and the reverse. */
    for (size_t i = 0; i < schema->count; i++) {
        size_t k = 0;
        while (k < n && strcmp(sections[k].name, schema->names[i]))
            k++;
        if (k == n)
            failure(file, schema->names[i], "a section this runner does not know");
    }
    for (size_t i = 0; i < doc->count; i++) {
        const char *name = doc->names[i];
        if (listed(" description versions schema ", name))
            continue;
        size_t k = 0;
        while (k < n && strcmp(sections[k].name, name))
            k++;
        if (k == n) {
            failure(file, name, "unknown file field");
            continue;
        }
        if (!json_get(schema, name))
            failure(file, name, "a section the schema does not describe");
        run_cases(file, name, &doc->items[i], "id", sections[k].run);
    }
    for (size_t k = 0; k < n; k++)
        if (!json_get(doc, sections[k].name))
            failure(file, sections[k].name, "section missing");
}

static void run_file(const char *dir, const char *name)
{
    char path[4096], err[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t len = 0, before = total, failed_before = failed;
    char *data = read_file(path, &len);
    json_value *doc = data ? json_parse(data, len, err, sizeof err) : NULL;
    if (!doc || doc->type != JSON_OBJECT) {
        failure(name, "-", data ? err : "unreadable");
    } else if (!strcmp(name, "flask.json")) {
        run_flat(name, doc, flask_case);
    } else if (!strcmp(name, "itsdangerous.json")) {
        run_flat(name, doc, itsdangerous_case);
    } else if (!strcmp(name, "express.json")) {
        run_express(name, doc);
    } else if (!strcmp(name, "native.json")) {
        run_flat(name, doc, native_case);
    } else if (!strcmp(name, "rails.json")) {
        run_flat(name, doc, rails_case);
    } else {
        failure(name, "-", "no C runner for this vector file (add one to cookie_vectors.c)");
    }
    printf("%s: %zu cases, %zu failed\n", name, total - before, failed - failed_before);
    json_free(doc);
    free(data);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR [FILE.json ...]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    char *names[64];
    size_t n = 0;
    if (argc > 2) {
        for (int i = 2; i < argc && n < 64; i++)
            names[n++] = strdup(argv[i]);
    } else {
        DIR *d = opendir(dir);
        if (!d) {
            perror(dir);
            return 2;
        }
        struct dirent *e;
        while ((e = readdir(d)) && n < 64) {
            size_t len = strlen(e->d_name);
            if (len > 5 && !strcmp(e->d_name + len - 5, ".json"))
                names[n++] = strdup(e->d_name);
        }
        closedir(d);
    }
    if (!n) {
        fprintf(stderr, "no vector files in %s\n", dir);
        return 1;
    }
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        run_file(dir, names[i]);
        free(names[i]);
    }
    if (argc == 2) {
        char codes[] = REQUIRED_CODES, *save = NULL;
        for (char *code = strtok_r(codes, " ", &save); code; code = strtok_r(NULL, " ", &save))
            if (!listed(seen_codes, code)) {
                failed++;
                printf("FAIL no cookie vector expects %s\n", code);
            }
    }
    printf("cookie vectors: %zu cases in %zu files, %zu failed\n", total, n, failed);
    return failed ? 1 : 0;
}
