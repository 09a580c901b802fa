/*
 * A minimal, strict JSON reader for Tessera's C tests (RFC 8259; no
 * extensions). Written for this project (Apache-2.0), not vendored: strings
 * keep their length (so "\u0000" survives) and every value remembers its
 * source text, so a test can hand a JWK or an options object to the library
 * exactly as it appears in the vector file.
 */
#ifndef TESSERA_TEST_JSON_H
#define TESSERA_TEST_JSON_H

#include <stddef.h>

typedef enum {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef struct json_value json_value;

struct json_value {
    json_type type;
    double number;           /* JSON_NUMBER */
    char *string;            /* JSON_STRING: decoded UTF-8, NUL-terminated */
    size_t len;              /* JSON_STRING: length in bytes (may contain NUL) */
    const char *text;        /* the value's source text (not NUL-terminated) */
    size_t text_len;
    json_value *items;       /* JSON_ARRAY elements / JSON_OBJECT member values */
    char **names;            /* JSON_OBJECT member names (decoded, NUL-terminated) */
    size_t *name_lens;
    size_t count;
};

/* Parses `len` bytes of `text`, which must stay alive as long as the result
 * (values point into it). NULL on error, with a message in `err`. */
json_value *json_parse(const char *text, size_t len, char *err, size_t err_len);

void json_free(json_value *v);

/* The member `name` of an object; NULL when absent or `obj` is no object. */
const json_value *json_get(const json_value *obj, const char *name);

/* Deep equality; numbers compare as doubles, object members in any order. */
int json_equal(const json_value *a, const json_value *b);

/* A malloc'd, NUL-terminated copy of a value's source text. */
char *json_text(const json_value *v);

#endif
