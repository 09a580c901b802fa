/*
 * Runs every language-neutral vector file in tests/vectors/ through the C
 * API (format: tests/vectors/README.md; the reference runner is
 * core/tests/vectors.rs, which this file ports).
 *
 *   vectors DIR [FILE.json ...]   all *.json in DIR (sorted), or only the named files
 *
 * Every case runs; every failing "file: id" is reported; exit status 1 if any
 * failed. A broken vector (unknown op or member, unknown key name…) is a
 * failure of its case.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, strtok_r */

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tessera.h"
#include "vector_common.h"

#define FILE_FIELDS " suite schema description source license keys cases "
#define CASE_FIELDS                                                                           \
    " id op expect comment source key keys verify_keys msg_hex msg_utf8 sig_hex token "      \
    "detached_payload_hex claims_json header_json validation "
#define REQUIRED_CODES                                                                        \
    "MALFORMED TOO_LARGE UNSUPPORTED_ALGORITHM ALGORITHM_NOT_ALLOWED KEY_NOT_FOUND "          \
    "INVALID_KEY INVALID_SIGNATURE EXPIRED NOT_YET_VALID ISSUED_IN_FUTURE TOO_OLD "           \
    "INVALID_ISSUER INVALID_AUDIENCE INVALID_SUBJECT INVALID_TYPE MISSING_CLAIM "             \
    "INVALID_CLAIM UNSUPPORTED_CRITICAL_HEADER"
#define MAX_STATUS 64

/* ---- the outcome of the last library call of a case */

static char err_message[512];
static char err_claim[128];
static int err_has_claim;

/* Records the last error right after a failing call. */
static uint32_t note(uint32_t status)
{
    if (status != TESSERA_STATUS_OK) {
        const char *m = tessera_last_error_message();
        const char *c = tessera_last_error_claim();
        snprintf(err_message, sizeof err_message, "%s", m ? m : "(no message!)");
        err_has_claim = c != NULL;
        snprintf(err_claim, sizeof err_claim, "%s", c ? c : "");
        if (!m)
            broken("a failing call left no last error message");
    }
    return status;
}

/* ---- small helpers */

static char *hex(const uint8_t *b, size_t len)
{
    char *out = keep(malloc(2 * len + 1), free);
    for (size_t i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
    out[2 * len] = '\0';
    return out;
}

static char *b64u(const uint8_t *b, size_t len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = keep(malloc(len / 3 * 4 + 5), free), *o = out;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 | b[i + 2];
        *o++ = abc[v >> 18];
        *o++ = abc[(v >> 12) & 63];
        *o++ = abc[(v >> 6) & 63];
        *o++ = abc[v & 63];
    }
    if (len - i == 1) {
        *o++ = abc[b[i] >> 2];
        *o++ = abc[(b[i] & 3) << 4];
    } else if (len - i == 2) {
        unsigned v = (unsigned)b[i] << 8 | b[i + 1];
        *o++ = abc[v >> 10];
        *o++ = abc[(v >> 4) & 63];
        *o++ = abc[(v & 15) << 2];
    }
    *o = '\0';
    return out;
}

static json_value *parse_output(const char *s)
{
    char err[128];
    json_value *v = json_parse(s, strlen(s), err, sizeof err);
    if (!v)
        broken("the library returned invalid JSON (%s): %s", err, s);
    return keep(v, free_json);
}

/* ---- comparing results */

static char mismatch[1024];

static int differ(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(mismatch, sizeof mismatch, fmt, ap);
    va_end(ap);
    return 1;
}

static int check_string(const json_value *want, const char *name, const char *got, size_t got_len)
{
    if (!got && want->type == JSON_NULL)
        return 0;
    if (got && want->type == JSON_STRING && want->len == got_len &&
        memcmp(want->string, got, got_len) == 0)
        return 0;
    return differ("%s: expected %.*s, got %s", name, (int)want->text_len, want->text,
                  got ? got : "null");
}

static int check_json(const json_value *want, const char *name, const char *got_text)
{
    const json_value *got = parse_output(got_text);
    if (json_equal(want, got))
        return 0;
    return differ("%s: expected %.*s, got %s", name, (int)want->text_len, want->text, got_text);
}

/* The registered claims, through the tessera_claims getters. */
static int check_registered(const json_value *want, const tessera_claims *claims)
{
    if (want->type != JSON_OBJECT)
        broken("registered: object");
    for (size_t i = 0; i < want->count; i++) {
        const char *n = want->names[i];
        const json_value *w = &want->items[i];
        if (listed(" exp nbf iat ", n)) {
            double got;
            uint32_t s = tessera_claims_number(claims, n, &got);
            if (s == TESSERA_STATUS_MISSING_CLAIM && w->type == JSON_NULL)
                continue;
            if (s == TESSERA_STATUS_OK && w->type == JSON_NUMBER && w->number == got)
                continue;
            return differ("registered.%s: expected %.*s, got %s %.17g", n, (int)w->text_len,
                          w->text, tessera_status_str(s), s ? 0.0 : got);
        } else if (listed(" iss sub jti ", n)) {
            const char *got = NULL;
            size_t len = 0;
            uint32_t s = tessera_claims_string(claims, n, &got, &len);
            if (s != TESSERA_STATUS_OK && s != TESSERA_STATUS_MISSING_CLAIM)
                return differ("registered.%s: %s", n, tessera_status_str(s));
            if (check_string(w, n, s ? NULL : got, len))
                return 1;
        } else if (!strcmp(n, "aud")) {
            size_t count = 0;
            uint32_t s = tessera_claims_audience_count(claims, &count);
            if (s == TESSERA_STATUS_MISSING_CLAIM && w->type == JSON_NULL)
                continue;
            if (s != TESSERA_STATUS_OK || w->type != JSON_ARRAY || w->count != count)
                return differ("registered.aud: expected %.*s, got %s with %zu audiences",
                              (int)w->text_len, w->text, tessera_status_str(s), count);
            for (size_t j = 0; j < count; j++) {
                const char *got = NULL;
                size_t len = 0;
                if (tessera_claims_audience(claims, j, &got, &len) != TESSERA_STATUS_OK)
                    return differ("registered.aud[%zu]: getter failed", j);
                if (check_string(&w->items[j], "registered.aud[]", got, len))
                    return 1;
            }
        } else if (w->type != JSON_NULL) {
            return differ("registered.%s: expected %.*s, got null", n, (int)w->text_len, w->text);
        }
    }
    return 0;
}

/* ---- ops */

/* Runs one op. Returns its status; on success compares against `expect`
 * (NULL when an error was expected) and returns MAX_STATUS on a mismatch. */
static uint32_t execute(const char *op, const json_value *c, const json_value *keys,
                        const json_value *expect)
{
    const json_value *w;
    tessera_key *key = NULL;
    tessera_keyset *set = NULL;
    uint32_t s;
    int bad = 0;

    if (!strcmp(op, "load_key")) {
        if ((s = load_key(keys, field(c, "key"), &key, note)))
            return s;
        char *kid = NULL, *thumbprint = NULL;
        if ((s = note(tessera_key_kid(key, &kid))))
            return s;
        keep(kid, free_string);
        if ((s = note(tessera_key_thumbprint(key, &thumbprint))))
            return s;
        keep(thumbprint, free_string);
        if (!expect)
            return s;
        if ((w = json_get(expect, "alg")))
            bad |= check_string(w, "alg", tessera_key_alg(key), strlen(tessera_key_alg(key)));
        if (!bad && (w = json_get(expect, "kid")))
            bad |= check_string(w, "kid", kid, kid ? strlen(kid) : 0);
        if (!bad && (w = json_get(expect, "private"))) {
            int want = w->type == JSON_TRUE;
            if ((w->type != JSON_TRUE && w->type != JSON_FALSE) ||
                want != tessera_key_is_private(key))
                bad = differ("private: expected %.*s", (int)w->text_len, w->text);
        }
        if (!bad && (w = json_get(expect, "thumbprint")))
            bad |= check_string(w, "thumbprint", thumbprint, strlen(thumbprint));
    } else if (!strcmp(op, "verify_signature")) {
        if ((s = load_key(keys, field(c, "key"), &key, note)))
            return s;
        size_t msg_len, sig_len;
        const uint8_t *msg = unhex(text(c, "msg_hex")->string, &msg_len);
        const uint8_t *sig = unhex(text(c, "sig_hex")->string, &sig_len);
        if ((s = note(tessera_key_verify(key, msg, msg_len, sig, sig_len))) || !expect)
            return s;
        w = json_get(expect, "valid");
        if (w && w->type != JSON_TRUE)
            bad = differ("valid: expected %.*s, got true", (int)w->text_len, w->text);
    } else if (!strcmp(op, "sign_signature")) {
        if ((s = load_key(keys, field(c, "key"), &key, note)))
            return s;
        const uint8_t *msg;
        size_t msg_len;
        if (json_get(c, "msg_utf8")) {
            const json_value *m = text(c, "msg_utf8");
            msg = (const uint8_t *)m->string, msg_len = m->len;
        } else {
            msg = unhex(text(c, "msg_hex")->string, &msg_len);
        }
        uint8_t *sig = NULL;
        size_t sig_len = 0;
        if ((s = note(tessera_key_sign(key, msg, msg_len, &sig, &sig_len))))
            return s;
        char *got = b64u(sig, sig_len);
        tessera_bytes_free(sig, sig_len);
        if (expect && (w = json_get(expect, "sig_b64u")))
            bad |= check_string(w, "sig_b64u", got, strlen(got));
    } else if (!strcmp(op, "jws_verify")) {
        if ((s = key_set(keys, field(c, "keys"), &set, note)))
            return s;
        const json_value *token = text(c, "token");
        const uint8_t *t = (const uint8_t *)token->string;
        const char *got;
        if (!json_get(c, "detached_payload_hex")) {
            uint8_t *payload = NULL;
            size_t len = 0;
            if ((s = note(tessera_jws_verify(set, t, token->len, &payload, &len))))
                return s;
            got = hex(payload, len);
            tessera_bytes_free(payload, len);
        } else {
            size_t len;
            const uint8_t *payload = unhex(text(c, "detached_payload_hex")->string, &len);
            if ((s = note(tessera_jws_verify_detached(set, t, token->len, payload, len))))
                return s;
            got = hex(payload, len);
        }
        if (expect && (w = json_get(expect, "payload_hex")))
            bad |= check_string(w, "payload_hex", got, strlen(got));
    } else if (!strcmp(op, "jwt_encode")) {
        if ((s = load_key(keys, field(c, "key"), &key, note)))
            return s;
        const char *header = json_get(c, "header_json") ? cstr(text(c, "header_json")) : NULL;
        char *token = NULL;
        if ((s = note(tessera_jwt_encode(key, cstr(text(c, "claims_json")), header, &token))))
            return s;
        keep(token, free_string);
        if (expect && (w = json_get(expect, "token")))
            bad |= check_string(w, "token", token, strlen(token));
    } else if (!strcmp(op, "jwt_decode") || !strcmp(op, "jwt_roundtrip")) {
        const uint8_t *token;
        size_t token_len;
        const json_value *names;
        if (!strcmp(op, "jwt_decode")) {
            const json_value *t = text(c, "token");
            token = (const uint8_t *)t->string, token_len = t->len;
            names = field(c, "keys");
        } else {
            if ((s = load_key(keys, field(c, "key"), &key, note)))
                return s;
            const char *header =
                json_get(c, "header_json") ? cstr(text(c, "header_json")) : NULL;
            char *t = NULL;
            if ((s = note(tessera_jwt_encode(key, cstr(text(c, "claims_json")), header, &t))))
                return s;
            keep(t, free_string);
            token = (const uint8_t *)t, token_len = strlen(t);
            names = field(c, "verify_keys");
        }
        if ((s = key_set(keys, names, &set, note)))
            return s;
        const char *options = validation_options(c);
        tessera_verifier *verifier = NULL;
        if ((s = note(tessera_verifier_new(set, options, &verifier))))
            return s;
        keep(verifier, free_verifier);
        /* Both verify entry points must agree. */
        char *claims_json = NULL;
        tessera_claims *claims = NULL;
        uint32_t s1 = note(tessera_verifier_verify(verifier, token, token_len, &claims_json));
        keep(claims_json, free_string);
        s = note(tessera_verifier_verify_claims(verifier, token, token_len, &claims));
        keep(claims, free_claims);
        if (s != s1) {
            differ("tessera_verifier_verify said %s but _verify_claims said %s",
                   tessera_status_str(s1), tessera_status_str(s));
            return MAX_STATUS;
        }
        if (s)
            return s;
        if (strcmp(claims_json, tessera_claims_json(claims)) != 0) {
            differ("tessera_verifier_verify and _verify_claims returned different claims");
            return MAX_STATUS;
        }
        if (expect && (w = json_get(expect, "claims")))
            bad |= check_json(w, "claims", claims_json);
        if (!bad && expect && (w = json_get(expect, "registered")))
            bad |= check_registered(w, claims);
    } else if (!strcmp(op, "decode_unverified")) {
        const json_value *token = text(c, "token");
        char *header = NULL, *claims = NULL;
        s = note(tessera_jwt_decode_unverified((const uint8_t *)token->string, token->len,
                                               &header, &claims));
        if (s)
            return s;
        keep(header, free_string);
        keep(claims, free_string);
        if (expect && (w = json_get(expect, "header")))
            bad |= check_json(w, "header", header);
        if (!bad && expect && (w = json_get(expect, "claims")))
            bad |= check_json(w, "claims", claims);
    } else {
        broken("unknown op \"%s\"", op);
    }
    return bad ? MAX_STATUS : TESSERA_STATUS_OK;
}

/* The expect members an op may use besides error and claim (NULL: unknown op). */
static const char *expect_fields(const char *op)
{
    static const char *const table[][2] = {
        {"load_key", " alg kid private thumbprint "},
        {"verify_signature", " valid "},
        {"sign_signature", " sig_b64u "},
        {"jws_verify", " payload_hex "},
        {"jwt_encode", " token "},
        {"jwt_decode", " claims registered "},
        {"jwt_roundtrip", " claims registered "},
        {"decode_unverified", " header claims "},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (!strcmp(op, table[i][0]))
            return table[i][1];
    return NULL;
}

static char seen_codes[2048] = " ";

/* Runs one case; returns NULL on success or a description of the mismatch. */
static const char *run_case(const json_value *c, const json_value *keys)
{
    static char msg[2048];
    check_fields(c, CASE_FIELDS);
    const char *op = cstr(text(c, "op"));
    const char *allowed = expect_fields(op);
    if (!allowed)
        broken("unknown op \"%s\"", op);
    const json_value *expect = field(c, "expect");
    if (expect->type != JSON_OBJECT)
        broken("expect: object");
    const json_value *want_error = json_get(expect, "error");
    if (want_error && want_error->type != JSON_STRING)
        broken("error: string");
    if (want_error)
        allowed = " error claim ";
    for (size_t i = 0; i < expect->count; i++)
        if (!listed(allowed, expect->names[i]))
            broken("unexpected expect member \"%s\" for %s", expect->names[i], op);
    if (!expect->count)
        broken("empty expect");

    mismatch[0] = '\0';
    uint32_t s = execute(op, c, keys, want_error ? NULL : expect);
    if (s == MAX_STATUS)
        return mismatch;
    if (!want_error) {
        if (s == TESSERA_STATUS_OK)
            return NULL;
        snprintf(msg, sizeof msg, "unexpected error %s: %s", tessera_status_str(s), err_message);
        return msg;
    }
    const char *code = want_error->string;
    if (!code_known(code))
        broken("unknown code \"%s\"", code);
    if (!listed(seen_codes, code) && strlen(seen_codes) + strlen(code) + 2 < sizeof seen_codes)
        strcat(strcat(seen_codes, code), " ");
    const json_value *want_claim = json_get(expect, "claim");
    if (want_claim && want_claim->type != JSON_STRING)
        broken("claim: string");
    if (s == TESSERA_STATUS_OK) {
        snprintf(msg, sizeof msg, "expected %s, got success", code);
        return msg;
    }
    if (strcmp(tessera_status_str(s), code) != 0) {
        snprintf(msg, sizeof msg, "expected %s, got %s", code, err_message);
        return msg;
    }
    if (want_claim && (!err_has_claim || strcmp(err_claim, want_claim->string) != 0)) {
        snprintf(msg, sizeof msg, "expected claim \"%s\", got %s%s%s (%s)", want_claim->string,
                 err_has_claim ? "\"" : "", err_has_claim ? err_claim : "none",
                 err_has_claim ? "\"" : "", err_message);
        return msg;
    }
    return NULL;
}

/* ---- files */

static size_t total, failed;

static void failure(const char *file, const char *id, const char *what)
{
    failed++;
    printf("FAIL %s: %s: %s\n", file, id, what);
}

/* One case, with broken vectors caught; its resources are released after. */
static void run_one(const char *name, const char *id, const json_value *c, const json_value *keys)
{
    if (setjmp(case_jump)) {
        failure(name, id, case_msg);
    } else {
        const char *what = run_case(c, keys);
        if (what)
            failure(name, id, what);
    }
    release_all();
}

static void run_file(const char *dir, const char *name)
{
    char path[4096], err[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t len;
    char *data = read_file(path, &len);
    json_value *doc = data ? json_parse(data, len, err, sizeof err) : NULL;
    if (!doc || doc->type != JSON_OBJECT) {
        failed++;
        printf("FAIL %s: cannot read or parse (%s)\n", name, data ? err : "unreadable");
        json_free(doc);
        free(data);
        return;
    }
    for (size_t i = 0; i < doc->count; i++)
        if (!listed(FILE_FIELDS, doc->names[i]))
            failure(name, "-", "unknown file field");
    const json_value *schema = json_get(doc, "schema");
    if (!schema || schema->type != JSON_NUMBER || schema->number != 1)
        failure(name, "-", "schema must be 1");
    const json_value *keys = json_get(doc, "keys");
    const json_value *cases = json_get(doc, "cases");
    if (!keys || keys->type != JSON_OBJECT || !cases || cases->type != JSON_ARRAY) {
        failure(name, "-", "needs a keys object and a cases array");
        json_free(doc);
        free(data);
        return;
    }
    for (size_t i = 0; i < cases->count; i++) {
        const json_value *c = &cases->items[i];
        const json_value *idv = json_get(c, "id");
        const char *id = idv && idv->type == JSON_STRING ? idv->string : "<no id>";
        total++;
        for (size_t j = 0; j < i; j++) {
            const json_value *other = json_get(&cases->items[j], "id");
            if (other && other->type == JSON_STRING && !strcmp(other->string, id)) {
                failure(name, id, "duplicate id");
                break;
            }
        }
        run_one(name, id, c, keys);
    }
    printf("%s: %zu cases\n", name, cases->count);
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
    char *names[256];
    size_t n = 0;
    if (argc > 2) {
        for (int i = 2; i < argc && n < 256; i++)
            names[n++] = strdup(argv[i]);
    } else {
        DIR *d = opendir(dir);
        if (!d) {
            perror(dir);
            return 2;
        }
        struct dirent *e;
        while ((e = readdir(d)) && n < 256) {
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
        /* Only a full run must expect every code. */
        char codes[] = REQUIRED_CODES, *save = NULL;
        for (char *code = strtok_r(codes, " ", &save); code; code = strtok_r(NULL, " ", &save))
            if (!listed(seen_codes, code)) {
                failed++;
                printf("FAIL no vector expects %s\n", code);
            }
    }
    printf("vectors: %zu cases in %zu files, %zu failed\n", total, n, failed);
    return failed ? 1 : 0;
}
