/* Tiny assertion helpers shared by the C tests (api.c, threads.c). */
#ifndef TESSERA_TEST_CHECK_H
#define TESSERA_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "tessera.h"

static int check_failures;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            check_failures++;                                                                 \
        }                                                                                     \
    } while (0)

/* `call` must return `want`; a failure must leave a last error message and a
 * success must clear it. */
#define STATUS(call, want)                                                                    \
    do {                                                                                      \
        uint32_t got_ = (call);                                                               \
        const char *msg_ = tessera_last_error_message();                                      \
        if (got_ != (uint32_t)(want)) {                                                       \
            fprintf(stderr, "%s:%d: %s\n    returned %s, expected %s (%s)\n", __FILE__,       \
                    __LINE__, #call, tessera_status_str(got_), tessera_status_str(want),       \
                    msg_ ? msg_ : "no message");                                              \
            check_failures++;                                                                 \
        } else if ((got_ == 0) != (msg_ == NULL)) {                                           \
            fprintf(stderr, "%s:%d: %s: last error message is %s after %s\n", __FILE__,       \
                    __LINE__, #call, msg_ ? msg_ : "NULL", tessera_status_str(got_));           \
            check_failures++;                                                                 \
        }                                                                                     \
    } while (0)

#define OK(call) STATUS(call, TESSERA_STATUS_OK)

#define STREQ(a, b) CHECK((a) != NULL && (b) != NULL && strcmp((a), (b)) == 0)

#endif
