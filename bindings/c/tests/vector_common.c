/* The pieces the C vector runners share (see vector_common.h). */
#define _POSIX_C_SOURCE 200809L

#include "vector_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- files and words */

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int listed(const char *list, const char *word)
{
    char buf[64];
    if (strlen(word) > sizeof buf - 3)
        return 0;
    snprintf(buf, sizeof buf, " %s ", word);
    return strstr(list, buf) != NULL;
}

int code_known(const char *code)
{
    for (uint32_t n = 1; n < 64; n++)
        if (!strcmp(tessera_status_str(n), code))
            return 1;
    return 0;
}

/* ---- per-case resources */

typedef struct {
    void *ptr;
    void (*release)(void *);
} resource;

static resource pool[256];
static size_t pool_len;

void *keep(void *ptr, void (*release)(void *))
{
    if (ptr) {
        if (pool_len == sizeof pool / sizeof *pool)
            abort();
        pool[pool_len++] = (resource){ptr, release};
    }
    return ptr;
}

size_t pool_mark(void) { return pool_len; }

void release_to(size_t mark)
{
    while (pool_len > mark) {
        pool_len--;
        pool[pool_len].release(pool[pool_len].ptr);
    }
}

void release_all(void) { release_to(0); }

void free_string(void *p) { tessera_string_free(p); }
void free_json(void *p) { json_free(p); }
void free_key(void *p) { tessera_key_free(p); }
void free_keyset(void *p) { tessera_keyset_free(p); }
void free_verifier(void *p) { tessera_verifier_free(p); }
void free_claims(void *p) { tessera_claims_free(p); }
void free_flask(void *p) { tessera_flask_cookie_free(p); }
void free_signer(void *p) { tessera_signer_free(p); }
void free_ts_signer(void *p) { tessera_timestamp_signer_free(p); }
void free_serializer(void *p) { tessera_url_safe_timed_serializer_free(p); }
void free_ecs(void *p) { tessera_express_cookie_session_free(p); }
void free_esid(void *p) { tessera_express_session_id_free(p); }
void free_session(void *p) { tessera_session_cookie_free(p); }
void free_rails(void *p) { tessera_rails_cookie_free(p); }

/* ---- ending a case */

jmp_buf case_jump;
char case_msg[1024];

_Noreturn void case_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(case_msg, sizeof case_msg, fmt, ap);
    va_end(ap);
    longjmp(case_jump, 1);
}

/* ---- case members */

void check_fields(const json_value *c, const char *allowed)
{
    if (c->type != JSON_OBJECT)
        broken("a case is an object");
    for (size_t i = 0; i < c->count; i++)
        if (!listed(allowed, c->names[i]))
            broken("unknown case field \"%s\"", c->names[i]);
}

const json_value *field(const json_value *c, const char *name)
{
    const json_value *v = json_get(c, name);
    if (!v)
        broken("missing \"%s\"", name);
    return v;
}

const json_value *text(const json_value *c, const char *name)
{
    const json_value *v = field(c, name);
    if (v->type != JSON_STRING)
        broken("\"%s\" must be a string", name);
    return v;
}

const char *cstr(const json_value *v)
{
    if (strlen(v->string) != v->len)
        broken("a NUL byte inside a string argument cannot be passed to the C API");
    return v->string;
}

int64_t integer(const json_value *c, const char *name)
{
    const json_value *v = field(c, name);
    if (v->type != JSON_NUMBER || v->number != (double)(int64_t)v->number)
        broken("\"%s\" must be an integer", name);
    return (int64_t)v->number;
}

secrets secret_list(const json_value *c, const char *name)
{
    const json_value *a = field(c, name);
    if (a->type != JSON_ARRAY)
        broken("\"%s\" must be a list of strings", name);
    secrets s = {keep(calloc(a->count + 1, sizeof *s.ptrs), free),
                 keep(calloc(a->count + 1, sizeof *s.lens), free), a->count};
    for (size_t i = 0; i < a->count; i++) {
        if (a->items[i].type != JSON_STRING)
            broken("\"%s\" must be a list of strings", name);
        s.ptrs[i] = (const uint8_t *)a->items[i].string;
        s.lens[i] = a->items[i].len;
    }
    return s;
}

uint8_t *unhex(const char *s, size_t *len)
{
    size_t n = strlen(s);
    if (n % 2)
        broken("odd hex length");
    uint8_t *out = keep(malloc(n / 2 + 1), free);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned b;
        if (sscanf(s + 2 * i, "%2x", &b) != 1)
            broken("bad hex");
        out[i] = (uint8_t)b;
    }
    *len = n / 2;
    return out;
}

/* ---- keys */

uint32_t load_key(const json_value *keys, const json_value *name, tessera_key **out,
                  note_fn note)
{
    if (name->type != JSON_STRING)
        broken("a key name is a string");
    const json_value *spec = json_get(keys, name->string);
    if (!spec || spec->type != JSON_OBJECT)
        broken("unknown key \"%s\"", name->string);
    const char *alg = NULL, *kid = NULL, *material = NULL;
    const json_value *mval = NULL;
    uint32_t flags = 0;
    for (size_t i = 0; i < spec->count; i++) {
        const char *k = spec->names[i];
        const json_value *v = &spec->items[i];
        if (!strcmp(k, "alg") && v->type == JSON_STRING)
            alg = cstr(v);
        else if (!strcmp(k, "kid") && v->type == JSON_STRING)
            kid = cstr(v);
        else if (!strcmp(k, "allow_weak") && (v->type == JSON_TRUE || v->type == JSON_FALSE))
            flags = v->type == JSON_TRUE ? TESSERA_KEY_ALLOW_WEAK : 0;
        else if (listed(" jwk pem secret_hex secret_utf8 ", k) && !material)
            material = k, mval = v;
        else
            broken("bad key spec member \"%s\"", k);
    }
    if (!material)
        broken("a key spec needs one of jwk, pem, secret_hex, secret_utf8");
    /* The plain constructors when no option is given, the _ex ones otherwise. */
    int plain = !alg && !kid && !flags;
    uint32_t s;
    if (!strcmp(material, "jwk") && mval->type == JSON_OBJECT) {
        char *jwk = keep(json_text(mval), free);
        s = plain ? tessera_key_from_jwk(jwk, out)
                  : tessera_key_from_jwk_ex(jwk, alg, kid, flags, out);
    } else if (!strcmp(material, "pem") && mval->type == JSON_STRING) {
        s = flags ? tessera_key_from_pem_ex(cstr(mval), alg, kid, flags, out)
                  : tessera_key_from_pem(cstr(mval), alg, kid, out);
    } else if (!strcmp(material, "secret_hex") && mval->type == JSON_STRING) {
        size_t len;
        uint8_t *secret = unhex(mval->string, &len);
        s = flags ? tessera_key_hmac_ex(secret, len, alg, kid, flags, out)
                  : tessera_key_hmac(secret, len, alg, kid, out);
    } else if (!strcmp(material, "secret_utf8") && mval->type == JSON_STRING) {
        const uint8_t *secret = (const uint8_t *)mval->string;
        s = flags ? tessera_key_hmac_ex(secret, mval->len, alg, kid, flags, out)
                  : tessera_key_hmac(secret, mval->len, alg, kid, out);
    } else {
        broken("bad key material \"%s\"", material);
    }
    if ((s = note(s)) == TESSERA_STATUS_OK)
        keep(*out, free_key);
    return s;
}

uint32_t key_set(const json_value *keys, const json_value *names, tessera_keyset **out,
                 note_fn note)
{
    if (names->type != JSON_ARRAY)
        broken("a list of key names");
    tessera_key **loaded = keep(calloc(names->count + 1, sizeof *loaded), free);
    uint32_t s;
    for (size_t i = 0; i < names->count; i++)
        if ((s = load_key(keys, &names->items[i], &loaded[i], note)))
            return s;
    if ((s = note(tessera_keyset_new(out))))
        return s;
    keep(*out, free_keyset);
    for (size_t i = 0; i < names->count; i++)
        if ((s = note(tessera_keyset_add(*out, loaded[i]))))
            return s;
    return s;
}

char *validation_options(const json_value *c)
{
    const json_value *validation = json_get(c, "validation");
    if (validation && validation->type != JSON_OBJECT)
        broken("\"validation\" must be an object");
    return validation ? keep(json_text(validation), free) : NULL;
}

/* ---- cookies */

uint32_t itsdangerous_new(const char *kind, secrets keys, const char *salt, const char *sep,
                          const char *key_derivation, const char *digest, void **out)
{
    uint32_t s;
    *out = NULL;
    if (!strcmp(kind, "signer")) {
        tessera_signer *x = NULL;
        s = tessera_signer_new(keys.ptrs, keys.lens, keys.count, salt, sep, key_derivation,
                               digest, &x);
        *out = keep(x, free_signer);
    } else if (!strcmp(kind, "timestamp_signer")) {
        tessera_timestamp_signer *x = NULL;
        s = tessera_timestamp_signer_new(keys.ptrs, keys.lens, keys.count, salt, sep,
                                         key_derivation, digest, &x);
        *out = keep(x, free_ts_signer);
    } else if (!strcmp(kind, "serializer")) {
        tessera_url_safe_timed_serializer *x = NULL;
        s = tessera_url_safe_timed_serializer_new(keys.ptrs, keys.lens, keys.count, salt, sep,
                                                  key_derivation, digest, &x);
        *out = keep(x, free_serializer);
    } else {
        broken("unknown kind \"%s\"", kind);
    }
    return s;
}
