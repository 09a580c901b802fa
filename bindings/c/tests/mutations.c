/*
 * Runs the mutation vectors (tests/vectors/mutations/mutations.json, schema 1;
 * the format and the runner rules are in tests/vectors/README.md, the
 * reference runner is core/tests/mutations.rs) through the C API.
 *
 *   mutations [--every N] FILE
 *
 * Each case names a valid token or cookie (`input`), the member that is
 * mutated (`field`) and the error codes a mutant may fail with (`errors`).
 * The unmutated input (the control) must succeed; then every mutant runs
 * through the same call with only that member replaced, and must fail with
 * one of `errors`:
 *   bitflip   every bit of every byte of the field's UTF-8 bytes
 *   truncate  every proper prefix (lengths 0 .. len-1)
 *   extend    the field + each of `suffixes`
 *   renames   input[renames.field] = each of renames.values (the field as is)
 * The C API takes byte strings, so mutants are passed as the mutated bytes
 * (not re-encoded). A mutant holding a 0x00 byte is skipped and counted: a
 * C string argument cannot carry it (every runner skips the same ones).
 *
 * --every N runs the control and every N-th mutant of each case (mutant
 * index 0, N, 2N, ... in generation order: bitflips by byte then bit,
 * truncations by length, extensions, renames), a deterministic subset for
 * valgrind; every mutant is still generated and counted.
 *
 * Every case runs; every failing "id: mutation: what" is reported; the
 * number of mutants generated per case is checked against the count
 * computed from the input lengths; exit status 1 if anything failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tessera.h"
#include "vector_common.h"

#define FILE_FIELDS " suite schema description keys cases "
#define CASE_FIELDS " id target input field mutations suffixes renames errors comment "
#define MUTATIONS " bitflip truncate extend "
#define ODD 1000u /* a call whose outcome was wrong in another way (see `odd`) */

/* ---- the mutated member: reads of input[ov_name] see the mutant */

static const char *ov_name;     /* NULL: no override (the control) */
static const uint8_t *ov_bytes; /* NUL-terminated, no NUL inside */
static size_t ov_len;

/* A string member as bytes (the mutant's bytes when it is the mutated one). */
static const uint8_t *bytes(const json_value *in, const char *name, size_t *len)
{
    if (ov_name && !strcmp(ov_name, name)) {
        *len = ov_len;
        return ov_bytes;
    }
    const json_value *v = field(in, name);
    if (v->type != JSON_STRING)
        broken("input: \"%s\" must be a string", name);
    *len = v->len;
    return (const uint8_t *)v->string;
}

/* A string member as a C string. */
static const char *in_cstr(const json_value *in, const char *name)
{
    size_t len;
    const char *s = (const char *)bytes(in, name, &len);
    if (strlen(s) != len)
        broken("a NUL byte inside \"%s\" cannot be passed to the C API", name);
    return s;
}

static int64_t integer_or(const json_value *in, const char *name, int64_t if_null)
{
    return field(in, name)->type == JSON_NULL ? if_null : integer(in, name);
}

static int flag(const json_value *in, const char *name)
{
    const json_value *v = field(in, name);
    if (v->type != JSON_TRUE && v->type != JSON_FALSE)
        broken("input: \"%s\" must be a boolean", name);
    return v->type == JSON_TRUE;
}

/* ---- outcomes */

static char err_message[512]; /* the last failure's message */
static char odd[512];         /* what was wrong when a call returns ODD */

/* Records the message of a failing call; a failure without one is ODD. */
static uint32_t note(uint32_t status)
{
    if (status != TESSERA_STATUS_OK) {
        const char *m = tessera_last_error_message();
        if (!m) {
            snprintf(odd, sizeof odd, "%s left no last error message",
                     tessera_status_str(status));
            return ODD;
        }
        snprintf(err_message, sizeof err_message, "%s", m);
    }
    return status;
}

/* ---- targets: setup builds the codec from the input, call runs the one
 * operation under test (freeing whatever it returned) */

static const json_value *file_keys;
static void *codec; /* what setup built */

static uint32_t jwt_setup(const json_value *in)
{
    tessera_keyset *set = NULL;
    uint32_t s = key_set(file_keys, field(in, "keys"), &set, note);
    if (s)
        return s;
    const char *options = validation_options(in);
    tessera_verifier *verifier = NULL;
    if ((s = note(tessera_verifier_new(set, options, &verifier))))
        return s;
    codec = keep(verifier, free_verifier);
    return s;
}

/* Both verify entry points, as in vectors.c: they must agree. */
static uint32_t jwt_call(const json_value *in)
{
    size_t len;
    const uint8_t *token = bytes(in, "token", &len);
    char *json = NULL;
    tessera_claims *claims = NULL;
    uint32_t s1 = note(tessera_verifier_verify(codec, token, len, &json));
    uint32_t s2 = note(tessera_verifier_verify_claims(codec, token, len, &claims));
    int same_claims = json && claims && !strcmp(json, tessera_claims_json(claims));
    tessera_string_free(json);
    tessera_claims_free(claims);
    if (s1 == ODD || s2 == ODD)
        return ODD;
    if (s1 != s2) {
        snprintf(odd, sizeof odd, "tessera_verifier_verify said %s but _verify_claims said %s",
                 tessera_status_str(s1), tessera_status_str(s2));
        return ODD;
    }
    if (s1 == TESSERA_STATUS_OK && !same_claims) {
        snprintf(odd, sizeof odd, "the two verify entry points returned different claims");
        return ODD;
    }
    return s1;
}

static uint32_t native_setup(const json_value *in)
{
    secrets keys = secret_list(in, "secrets");
    uint32_t flags = flag(in, "encrypted") ? TESSERA_SESSION_ENCRYPTED : 0;
    tessera_session_cookie *sc = NULL;
    uint32_t s = note(tessera_session_cookie_new(
        keys.ptrs, keys.lens, keys.count, in_cstr(in, "cookie_name"), flags,
        integer_or(in, "max_age", TESSERA_NO_MAX_AGE), NULL, &sc));
    if (!s)
        codec = keep(sc, free_session);
    return s;
}

static uint32_t native_call(const json_value *in)
{
    size_t len;
    const uint8_t *value = bytes(in, "value", &len);
    char *json = NULL;
    int64_t issued_at = 0;
    bool reissue = false;
    uint32_t s = note(tessera_session_cookie_open(codec, value, len, integer(in, "now"), &json,
                                                  &issued_at, &reissue));
    tessera_string_free(json);
    return s;
}

static uint32_t flask_setup(const json_value *in)
{
    size_t key_len;
    const uint8_t *key = bytes(in, "secret_key", &key_len);
    secrets fb = secret_list(in, "fallbacks");
    tessera_flask_cookie *fc = NULL;
    uint32_t s = note(tessera_flask_cookie_new(key, key_len, fb.ptrs, fb.lens, fb.count, NULL,
                                               TESSERA_FLASK_DEFAULT_MAX_AGE, &fc));
    if (!s)
        codec = keep(fc, free_flask);
    return s;
}

static uint32_t flask_call(const json_value *in)
{
    size_t len;
    const uint8_t *cookie = bytes(in, "cookie", &len);
    char *json = NULL;
    uint32_t s = note(tessera_flask_cookie_loads(codec, cookie, len, integer(in, "open_now"), &json));
    tessera_string_free(json);
    return s;
}

static const char *itsd_kind;

static uint32_t itsdangerous_setup(const json_value *in)
{
    itsd_kind = in_cstr(in, "kind");
    secrets keys = secret_list(in, "secret_keys");
    const char *salt = field(in, "salt")->type == JSON_NULL ? NULL : in_cstr(in, "salt");
    const char *kd = in_cstr(in, "key_derivation"), *digest = in_cstr(in, "digest");
    const char *sep = in_cstr(in, "sep");
    void *x = NULL;
    uint32_t s = note(itsdangerous_new(itsd_kind, keys, salt, sep, kd, digest, &x));
    if (!s)
        codec = x;
    return s;
}

static uint32_t itsdangerous_call(const json_value *in)
{
    size_t len;
    const uint8_t *cookie = bytes(in, "cookie", &len);
    int64_t max_age = integer_or(in, "max_age", TESSERA_NO_MAX_AGE);
    int64_t now = integer(in, "open_now");
    uint8_t *out = NULL;
    size_t out_len = 0;
    int64_t ts = 0;
    uint32_t s;
    if (!strcmp(itsd_kind, "signer")) {
        s = note(tessera_signer_unsign(codec, cookie, len, &out, &out_len));
        tessera_bytes_free(out, out_len);
    } else if (!strcmp(itsd_kind, "timestamp_signer")) {
        s = note(tessera_timestamp_signer_unsign(codec, cookie, len, max_age, now, &out, &out_len,
                                                 &ts));
        tessera_bytes_free(out, out_len);
    } else {
        char *json = NULL;
        s = note(tessera_url_safe_timed_serializer_loads(codec, cookie, len, max_age, now, &json,
                                                         &ts));
        tessera_string_free(json);
    }
    return s;
}

static uint32_t ecs_setup(const json_value *in)
{
    secrets keys = secret_list(in, "keys");
    tessera_express_cookie_session *x = NULL;
    uint32_t s = note(tessera_express_cookie_session_new(keys.ptrs, keys.lens, keys.count,
                                                         in_cstr(in, "name"), &x));
    if (!s)
        codec = keep(x, free_ecs);
    return s;
}

static uint32_t ecs_call(const json_value *in)
{
    size_t value_len, sig_len;
    const uint8_t *value = bytes(in, "value", &value_len), *sig = bytes(in, "sig", &sig_len);
    char *json = NULL;
    size_t index = 0;
    uint32_t s = note(
        tessera_express_cookie_session_verify(codec, value, value_len, sig, sig_len, &json, &index));
    tessera_string_free(json);
    return s;
}

static uint32_t esid_setup(const json_value *in)
{
    secrets keys = secret_list(in, "secrets");
    tessera_express_session_id *x = NULL;
    uint32_t s = note(tessera_express_session_id_new(keys.ptrs, keys.lens, keys.count, &x));
    if (!s)
        codec = keep(x, free_esid);
    return s;
}

static uint32_t esid_call(const json_value *in)
{
    size_t len;
    const uint8_t *value = bytes(in, "value", &len);
    char *sid = NULL;
    uint32_t s = note(tessera_express_session_id_unsign(codec, value, len, &sid, NULL));
    tessera_string_free(sid);
    return s;
}

static uint32_t rails_setup(const json_value *in)
{
    size_t base_len;
    const uint8_t *base = bytes(in, "secret_key_base", &base_len);
    tessera_rails_cookie *x = NULL;
    uint32_t s = note(tessera_rails_cookie_new(base, base_len, in_cstr(in, "cookie_name"),
                                               in_cstr(in, "digest"), NULL, NULL, NULL, 0, &x));
    if (!s)
        codec = keep(x, free_rails);
    return s;
}

static uint32_t rails_call(const json_value *in)
{
    size_t len;
    const uint8_t *cookie = bytes(in, "cookie", &len);
    char *json = NULL;
    uint32_t s = note(tessera_rails_cookie_decrypt(codec, cookie, len, integer(in, "now_ms"), &json));
    tessera_string_free(json);
    return s;
}

static const struct target {
    const char *name;
    const char *members;  /* the input members (all required) */
    const char *optional; /* optional input members */
    const char *call;     /* members only the call reads: the codec is reused when one of
                           * these is mutated, rebuilt for each mutant otherwise */
    uint32_t (*setup)(const json_value *in);
    uint32_t (*run)(const json_value *in);
} targets[] = {
    {"jwt", " keys token ", " validation ", " token ", jwt_setup, jwt_call},
    {"native", " secrets cookie_name encrypted max_age now value ", " ", " value now ",
     native_setup, native_call},
    {"flask", " secret_key fallbacks open_now cookie ", " ", " open_now cookie ", flask_setup,
     flask_call},
    {"itsdangerous",
     " kind secret_keys salt key_derivation digest sep open_now max_age cookie ", " ",
     " open_now max_age cookie ", itsdangerous_setup, itsdangerous_call},
    {"express_cookie_session", " keys name value sig ", " ", " value sig ", ecs_setup, ecs_call},
    {"express_session_id", " secrets value ", " ", " value ", esid_setup, esid_call},
    {"rails", " secret_key_base digest cookie_name now_ms cookie ", " ", " now_ms cookie ",
     rails_setup, rails_call},
};

/* ---- a case */

static unsigned every = 1;
static size_t total_cases, total_generated, total_checked, total_skipped, failed_cases;
static size_t failed_mutants;

typedef struct {
    const char *id;
    const struct target *t;
    const json_value *in;
    const json_value *errors;
    int codec_ok;      /* the control's codec was built */
    size_t index;      /* mutants generated so far */
    size_t checked, skipped, failures;
} case_run;

static int allowed_code(const json_value *errors, const char *code)
{
    for (size_t i = 0; i < errors->count; i++)
        if (!strcmp(errors->items[i].string, code))
            return 1;
    return 0;
}

static void fail_mutant(case_run *r, const char *desc, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    r->failures++;
    printf("FAIL %s: %s: %s\n", r->id, desc, what);
}

/* One mutant: input[name] = the `len` bytes at `b`. */
static void mutant(case_run *r, const char *name, const uint8_t *b, size_t len, const char *desc)
{
    size_t index = r->index++;
    if (memchr(b, 0, len)) {
        r->skipped++;
        return;
    }
    if (index % every)
        return;
    int reuse = listed(r->t->call, name) != 0;
    if (reuse && !r->codec_ok) {
        fail_mutant(r, desc, "not run: the control's codec could not be built");
        return;
    }
    r->checked++;
    size_t mark = pool_mark();
    uint8_t *buf = keep(malloc(len + 1), free);
    if (!buf)
        abort();
    if (len)
        memcpy(buf, b, len);
    buf[len] = '\0';
    ov_name = name, ov_bytes = buf, ov_len = len;
    uint32_t s;
    if (reuse) {
        s = r->t->run(r->in);
    } else {
        /* The mutated member builds the codec: a fresh one for this mutant,
         * its construction error (if any) being the outcome. */
        void *control_codec = codec;
        s = r->t->setup(r->in);
        if (!s)
            s = r->t->run(r->in);
        codec = control_codec;
    }
    if (s == ODD)
        fail_mutant(r, desc, "%s", odd);
    else if (s == TESSERA_STATUS_OK)
        fail_mutant(r, desc, "accepted (expected an error)");
    else if (!allowed_code(r->errors, tessera_status_str(s)))
        fail_mutant(r, desc, "got %s (%s), not one of the allowed errors", tessera_status_str(s),
                    err_message);
    ov_name = NULL, ov_bytes = NULL, ov_len = 0;
    release_to(mark);
}

/* A printable form of a suffix or rename value for reports. */
static const char *shown(const json_value *v)
{
    static char out[96];
    snprintf(out, sizeof out, "%.*s", v->text_len > 80 ? 80 : (int)v->text_len, v->text);
    return out;
}

static const json_value *string_list(const json_value *v, const char *what, int nonempty)
{
    if (!v || v->type != JSON_ARRAY || (nonempty && !v->count))
        broken("\"%s\" must be a%s list of strings", what, nonempty ? " non-empty" : "");
    for (size_t i = 0; i < v->count; i++)
        if (v->items[i].type != JSON_STRING)
            broken("\"%s\" must be a list of strings", what);
    return v;
}

static void run_case(const json_value *c, case_run *r)
{
    check_fields(c, CASE_FIELDS);
    const json_value *tv = json_get(c, "target");
    if (!tv || tv->type != JSON_STRING)
        broken("\"target\" must be a string");
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++)
        if (!strcmp(targets[i].name, tv->string))
            r->t = &targets[i];
    if (!r->t)
        broken("unknown target \"%s\"", tv->string);
    const json_value *in = r->in = json_get(c, "input");
    if (!in || in->type != JSON_OBJECT)
        broken("\"input\" must be an object");
    for (size_t i = 0; i < in->count; i++)
        if (!listed(r->t->members, in->names[i]) && !listed(r->t->optional, in->names[i]))
            broken("unknown input member \"%s\" for %s", in->names[i], r->t->name);
    const json_value *fv = json_get(c, "field");
    if (!fv || fv->type != JSON_STRING)
        broken("\"field\" must be a string");
    const char *field = fv->string;
    const json_value *target_v = json_get(in, field);
    if (!target_v || target_v->type != JSON_STRING)
        broken("input[\"%s\"] (the field) must be a string", field);
    const json_value *muts = string_list(json_get(c, "mutations"), "mutations", 1);
    int bitflip = 0, truncate = 0, extend = 0;
    for (size_t i = 0; i < muts->count; i++) {
        const char *m = muts->items[i].string;
        if (!listed(MUTATIONS, m))
            broken("unknown mutation \"%s\"", m);
        bitflip |= !strcmp(m, "bitflip"), truncate |= !strcmp(m, "truncate");
        extend |= !strcmp(m, "extend");
    }
    const json_value *suffixes = json_get(c, "suffixes");
    if (extend)
        string_list(suffixes, "suffixes", 1);
    else if (suffixes)
        broken("\"suffixes\" without \"extend\"");
    const json_value *renames = json_get(c, "renames"), *rfield = NULL, *rvalues = NULL;
    if (renames) {
        if (renames->type != JSON_OBJECT || renames->count != 2)
            broken("\"renames\" must be {\"field\", \"values\"}");
        rfield = json_get(renames, "field");
        if (!rfield || rfield->type != JSON_STRING)
            broken("renames.field must be a string");
        const json_value *rv = json_get(in, rfield->string);
        if (!rv || rv->type != JSON_STRING)
            broken("input[\"%s\"] (renames.field) must be a string", rfield->string);
        rvalues = string_list(json_get(renames, "values"), "renames.values", 1);
    }
    r->errors = string_list(json_get(c, "errors"), "errors", 1);
    for (size_t i = 0; i < r->errors->count; i++)
        if (!code_known(r->errors->items[i].string))
            broken("unknown error code \"%s\"", r->errors->items[i].string);

    /* The control: the codec, then the call; both must succeed. */
    codec = NULL;
    uint32_t s = r->t->setup(in);
    r->codec_ok = s == TESSERA_STATUS_OK;
    if (s == TESSERA_STATUS_OK)
        s = r->t->run(in);
    if (s == ODD)
        fail_mutant(r, "control", "%s", odd);
    else if (s != TESSERA_STATUS_OK)
        fail_mutant(r, "control", "unmutated input failed: %s (%s)", tessera_status_str(s),
                    err_message);

    /* The mutants, and the count expected from the lengths. */
    const uint8_t *orig = (const uint8_t *)target_v->string;
    size_t len = target_v->len, expected = 0, expected_skips = 0;
    char desc[160];
    if (bitflip) {
        uint8_t *m = keep(malloc(len + 1), free);
        if (!m)
            abort();
        memcpy(m, orig, len + 1);
        for (size_t i = 0; i < len; i++)
            for (unsigned b = 0; b < 8; b++) {
                m[i] ^= (uint8_t)(1u << b);
                snprintf(desc, sizeof desc, "bitflip i=%zu b=%u", i, b);
                mutant(r, field, m, len, desc);
                m[i] ^= (uint8_t)(1u << b);
            }
        expected += 8 * len;
        for (size_t i = 0; i < len; i++) /* a byte with one bit set flips to 0x00 */
            expected_skips += orig[i] && !(orig[i] & (orig[i] - 1));
    }
    if (truncate) {
        for (size_t n = 0; n < len; n++) {
            snprintf(desc, sizeof desc, "truncate len=%zu", n);
            mutant(r, field, orig, n, desc);
        }
        expected += len;
    }
    if (extend) {
        for (size_t k = 0; k < suffixes->count; k++) {
            const json_value *sfx = &suffixes->items[k];
            size_t mark = pool_mark();
            uint8_t *m = keep(malloc(len + sfx->len + 1), free);
            if (!m)
                abort();
            memcpy(m, orig, len);
            memcpy(m + len, sfx->string, sfx->len + 1);
            snprintf(desc, sizeof desc, "extend suffix=%s", shown(sfx));
            mutant(r, field, m, len + sfx->len, desc);
            release_to(mark);
            expected_skips += memchr(sfx->string, 0, sfx->len) != NULL;
        }
        expected += suffixes->count;
    }
    if (renames) {
        for (size_t k = 0; k < rvalues->count; k++) {
            const json_value *v = &rvalues->items[k];
            snprintf(desc, sizeof desc, "rename %s=%s", rfield->string, shown(v));
            mutant(r, rfield->string, (const uint8_t *)v->string, v->len, desc);
            expected_skips += memchr(v->string, 0, v->len) != NULL;
        }
        expected += rvalues->count;
    }
    if (r->index != expected || r->skipped != expected_skips || expected == expected_skips)
        fail_mutant(r, "count", "%zu mutants generated (%zu with NUL), expected %zu (%zu)",
                    r->index, r->skipped, expected, expected_skips);
    if (every == 1 && r->checked != expected - expected_skips)
        fail_mutant(r, "count", "%zu mutants checked, expected %zu", r->checked,
                    expected - expected_skips);
    if (!r->checked)
        fail_mutant(r, "count", "no mutant checked");
}

/* One case, with broken vectors caught; its resources are released after. */
static void run_one(const json_value *c, case_run *r)
{
    size_t mark = pool_mark();
    if (setjmp(case_jump)) {
        ov_name = NULL, ov_bytes = NULL, ov_len = 0;
        fail_mutant(r, "-", "%s", case_msg);
    } else {
        run_case(c, r);
    }
    release_to(mark);
    codec = NULL;
}

int main(int argc, char **argv)
{
    int a = 1;
    if (argc == 4 && !strcmp(argv[1], "--every")) {
        char *end;
        unsigned long n = strtoul(argv[2], &end, 10);
        if (*end || n < 1 || n > 1000000) {
            fprintf(stderr, "--every: a positive integer\n");
            return 2;
        }
        every = (unsigned)n;
        a = 3;
    }
    if (argc != a + 1) {
        fprintf(stderr, "usage: %s [--every N] FILE\n", argv[0]);
        return 2;
    }
    const char *path = argv[a];
    size_t len = 0;
    char err[160];
    char *data = read_file(path, &len);
    json_value *doc = data ? json_parse(data, len, err, sizeof err) : NULL;
    if (!doc || doc->type != JSON_OBJECT) {
        printf("FAIL %s: cannot read or parse (%s)\n", path, data ? err : "unreadable");
        json_free(doc);
        free(data);
        return 1;
    }
    size_t file_failures = 0;
    for (size_t i = 0; i < doc->count; i++)
        if (!listed(FILE_FIELDS, doc->names[i]))
            printf("FAIL %s: unknown file member \"%s\"\n", path, doc->names[i]), file_failures++;
    const json_value *suite = json_get(doc, "suite"), *schema = json_get(doc, "schema");
    if (!suite || suite->type != JSON_STRING || strcmp(suite->string, "mutations"))
        printf("FAIL %s: suite must be \"mutations\"\n", path), file_failures++;
    if (!schema || schema->type != JSON_NUMBER || schema->number != 1)
        printf("FAIL %s: schema must be 1\n", path), file_failures++;
    file_keys = json_get(doc, "keys");
    const json_value *cases = json_get(doc, "cases");
    if (!file_keys || file_keys->type != JSON_OBJECT || !cases || cases->type != JSON_ARRAY ||
        !cases->count) {
        printf("FAIL %s: needs a keys object and a non-empty cases array\n", path);
        json_free(doc);
        free(data);
        return 1;
    }
    for (size_t i = 0; i < cases->count; i++) {
        const json_value *c = &cases->items[i];
        const json_value *idv = json_get(c, "id");
        case_run r = {0};
        r.id = idv && idv->type == JSON_STRING ? idv->string : "<no id>";
        for (size_t j = 0; j < i; j++) {
            const json_value *other = json_get(&cases->items[j], "id");
            if (other && other->type == JSON_STRING && !strcmp(other->string, r.id)) {
                fail_mutant(&r, "-", "duplicate id");
                break;
            }
        }
        run_one(c, &r);
        total_cases++;
        total_generated += r.index;
        total_checked += r.checked;
        total_skipped += r.skipped;
        failed_mutants += r.failures;
        failed_cases += r.failures > 0;
    }
    printf("mutations: %zu cases, %zu mutants (%zu with a NUL byte skipped), %zu checked",
           total_cases, total_generated, total_skipped, total_checked);
    if (every > 1)
        printf(" (every %u-th: --every %u)", every, every);
    printf(", %zu failures in %zu cases\n", failed_mutants, failed_cases);
    json_free(doc);
    free(data);
    return failed_cases || file_failures || !total_checked ? 1 : 0;
}
