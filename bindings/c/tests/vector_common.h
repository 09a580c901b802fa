/*
 * What the C vector runners (vectors.c, cookie_vectors.c, session_vectors.c,
 * mutations.c) share: reading a file, word lists, a pool of per-case
 * resources, aborting a case (broken vector or failed check), the case
 * member readers, key specs (tests/vectors/README.md) -> keys and key sets,
 * the validation options, and the itsdangerous codec of a `kind`.
 * Compiled into each runner with json.c.
 */
#ifndef TESSERA_TEST_VECTOR_COMMON_H
#define TESSERA_TEST_VECTOR_COMMON_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "tessera.h"

/* ---- files and words */

/* The whole file, malloc'd (free it); NULL when it cannot be read. */
char *read_file(const char *path, size_t *len);

/* Whether `word` is in `list`, a string of words each with a space on both sides. */
int listed(const char *list, const char *word);

/* Whether `code` is the name of a status (tessera_status_str of 1..63). */
int code_known(const char *code);

/* ---- per-case resources, released to a mark (after every case, also after a broken one) */

/* Keeps `ptr` (if not NULL) to be released by `release`; returns `ptr`. */
void *keep(void *ptr, void (*release)(void *));
size_t pool_mark(void);
void release_to(size_t mark);
void release_all(void);

void free_string(void *p);
void free_json(void *p);
void free_key(void *p);
void free_keyset(void *p);
void free_verifier(void *p);
void free_claims(void *p);
void free_flask(void *p);
void free_signer(void *p);
void free_ts_signer(void *p);
void free_serializer(void *p);
void free_ecs(void *p);
void free_esid(void *p);
void free_session(void *p);
void free_rails(void *p);

/* ---- ending a case: setjmp(case_jump) before running one; the message is in case_msg */

extern jmp_buf case_jump;
extern char case_msg[1024];

/* Ends the case with the message. */
_Noreturn void case_fail(const char *fmt, ...);
/* Ends the case with "broken vector: " and the message (`fmt` a string literal). */
#define broken(...) case_fail("broken vector: " __VA_ARGS__)

/* ---- case members (a missing or mistyped one is a broken vector) */

/* A case is an object with only the members listed in `allowed` (see listed). */
void check_fields(const json_value *c, const char *allowed);
const json_value *field(const json_value *c, const char *name);
/* A string member. */
const json_value *text(const json_value *c, const char *name);
/* A string as a C string argument (no NUL inside). */
const char *cstr(const json_value *v);
/* An integer member. */
int64_t integer(const json_value *c, const char *name);

/* A list of UTF-8 secrets as the (pointers, lengths, count) the API takes. */
typedef struct {
    const uint8_t **ptrs;
    size_t *lens;
    size_t count;
} secrets;

secrets secret_list(const json_value *c, const char *name);

/* Lowercase hex -> bytes (kept in the pool). */
uint8_t *unhex(const char *s, size_t *len);

/* ---- keys; `note` is the runner's hook that records the last error of a
 * failing call and returns the status the runner goes on with */

typedef uint32_t (*note_fn)(uint32_t status);

/* KEYSPEC `name` of `keys` -> key (kept). A load error is the outcome. */
uint32_t load_key(const json_value *keys, const json_value *name, tessera_key **out,
                  note_fn note);

/* A list of key names -> key set (kept; all keys load first, then the set is built). */
uint32_t key_set(const json_value *keys, const json_value *names, tessera_keyset **out,
                 note_fn note);

/* The member "validation" (an object, optional) as the options JSON the
 * verifier takes (kept), or NULL. */
char *validation_options(const json_value *c);

/* ---- cookies */

/* The itsdangerous codec of `kind` ("signer", "timestamp_signer",
 * "serializer"; another kind is a broken vector): tessera_signer,
 * tessera_timestamp_signer or tessera_url_safe_timed_serializer (kept). */
uint32_t itsdangerous_new(const char *kind, secrets keys, const char *salt, const char *sep,
                          const char *key_derivation, const char *digest, void **out);

#endif
