/*
 * Test helpers for redis.c, written for Tessera's C tests (Apache-2.0):
 *
 *   - SHA-256 (FIPS 180-4), to compute the key a session id is stored
 *     under without asking the library;
 *   - a minimal Redis client (RESP2 over TCP, loopback test servers only):
 *     enough to read and write the key layout from outside the library,
 *     following -MOVED redirections in a Cluster.
 */
#ifndef TESSERA_TEST_RESP_H
#define TESSERA_TEST_RESP_H

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- SHA-256 */

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

#define SHA_ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6],
                    hh = h[7];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = SHA_ROR(w[i - 15], 7) ^ SHA_ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = SHA_ROR(w[i - 2], 17) ^ SHA_ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (SHA_ROR(e, 6) ^ SHA_ROR(e, 11) ^ SHA_ROR(e, 25)) +
                      ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
        uint32_t t2 = (SHA_ROR(a, 2) ^ SHA_ROR(a, 13) ^ SHA_ROR(a, 22)) +
                      ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

/* The lowercase hex SHA-256 of a NUL-terminated string, into hex[65]. */
static void sha256_hex(const char *s, char hex[65])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t len = strlen(s), i = 0;
    uint8_t block[64];
    for (; i + 64 <= len; i += 64)
        sha256_block(h, (const uint8_t *)s + i);
    size_t rest = len - i;
    memset(block, 0, sizeof block);
    memcpy(block, s + i, rest);
    block[rest] = 0x80;
    if (rest >= 56) {
        sha256_block(h, block);
        memset(block, 0, sizeof block);
    }
    uint64_t bits = (uint64_t)len * 8;
    for (int j = 0; j < 8; j++)
        block[63 - j] = (uint8_t)(bits >> (8 * j));
    sha256_block(h, block);
    for (int j = 0; j < 8; j++)
        snprintf(hex + 8 * j, 9, "%08x", h[j]);
}

/* ---- RESP */

typedef enum { R_ERROR, R_STATUS, R_INT, R_BULK, R_NIL, R_ARRAY } resp_type;

typedef struct resp {
    resp_type type;
    long long integer;   /* R_INT */
    char *str;           /* R_STATUS, R_ERROR, R_BULK: NUL-terminated */
    size_t len;          /* R_BULK */
    struct resp *items;  /* R_ARRAY */
    size_t count;
} resp;

typedef struct {
    int fd;
    char buf[65536];
    size_t have, at;
} resp_conn;

static void resp_clear(resp *r)
{
    for (size_t i = 0; i < r->count; i++)
        resp_clear(&r->items[i]);
    free(r->items);
    free(r->str);
}

static void resp_free(resp *r)
{
    if (r) {
        resp_clear(r);
        free(r);
    }
}

/* Parses "redis://host:port[/db]" (no user/password: the test servers have none). */
static int resp_parse_url(const char *url, char *host, size_t host_len, int *port, int *db)
{
    const char *p = strstr(url, "://");
    if (!p)
        return -1;
    p += 3;
    const char *colon = strchr(p, ':');
    if (!colon || (size_t)(colon - p) >= host_len)
        return -1;
    memcpy(host, p, (size_t)(colon - p));
    host[colon - p] = '\0';
    *port = atoi(colon + 1);
    const char *slash = strchr(colon, '/');
    *db = slash ? atoi(slash + 1) : 0;
    return *port > 0 ? 0 : -1;
}

static resp_conn *resp_connect(const char *host, int port)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, service, &hints, &ai) != 0)
        return NULL;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return NULL;
    }
    freeaddrinfo(ai);
    resp_conn *c = calloc(1, sizeof *c);
    c->fd = fd;
    return c;
}

static void resp_close(resp_conn *c)
{
    if (c) {
        close(c->fd);
        free(c);
    }
}

static int resp_byte(resp_conn *c)
{
    if (c->at == c->have) {
        ssize_t n = read(c->fd, c->buf, sizeof c->buf);
        if (n <= 0)
            return -1;
        c->have = (size_t)n;
        c->at = 0;
    }
    return (unsigned char)c->buf[c->at++];
}

/* A line without its CRLF, malloc'd. */
static char *resp_line(resp_conn *c)
{
    size_t cap = 64, n = 0;
    char *s = malloc(cap);
    for (;;) {
        int ch = resp_byte(c);
        if (ch < 0) {
            free(s);
            return NULL;
        }
        if (ch == '\n' && n > 0 && s[n - 1] == '\r') {
            s[n - 1] = '\0';
            return s;
        }
        if (n + 2 > cap)
            s = realloc(s, cap *= 2);
        s[n++] = (char)ch;
    }
}

static int resp_read_into(resp_conn *c, resp *r)
{
    memset(r, 0, sizeof *r);
    char *line = resp_line(c);
    if (!line)
        return -1;
    char kind = line[0];
    if (kind == '+' || kind == '-') {
        r->type = kind == '+' ? R_STATUS : R_ERROR;
        r->str = strdup(line + 1);
        free(line);
        return 0;
    }
    long long n = atoll(line + 1);
    free(line);
    if (kind == ':') {
        r->type = R_INT;
        r->integer = n;
        return 0;
    }
    if (kind == '$') {
        if (n < 0) {
            r->type = R_NIL;
            return 0;
        }
        r->type = R_BULK;
        r->len = (size_t)n;
        r->str = malloc((size_t)n + 1);
        for (long long i = 0; i < n + 2; i++) {
            int ch = resp_byte(c);
            if (ch < 0)
                return -1;
            if (i < n)
                r->str[i] = (char)ch;
        }
        r->str[n] = '\0';
        return 0;
    }
    if (kind == '*') {
        r->type = n < 0 ? R_NIL : R_ARRAY;
        if (n <= 0)
            return 0;
        r->count = (size_t)n;
        r->items = calloc((size_t)n, sizeof *r->items);
        for (long long i = 0; i < n; i++)
            if (resp_read_into(c, &r->items[i]) != 0)
                return -1;
        return 0;
    }
    return -1;
}

/* Sends argv as one command and reads the reply (NULL on a broken connection). */
static resp *resp_command(resp_conn *c, int argc, const char *const *argv)
{
    size_t cap = 64, n = 0;
    for (int i = 0; i < argc; i++)
        cap += strlen(argv[i]) + 32;
    char *out = malloc(cap);
    n += (size_t)snprintf(out + n, cap - n, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++)
        n += (size_t)snprintf(out + n, cap - n, "$%zu\r\n%s\r\n", strlen(argv[i]), argv[i]);
    size_t sent = 0;
    while (sent < n) {
        ssize_t w = write(c->fd, out + sent, n - sent);
        if (w <= 0) {
            free(out);
            return NULL;
        }
        sent += (size_t)w;
    }
    free(out);
    resp *r = malloc(sizeof *r);
    if (resp_read_into(c, r) != 0) {
        resp_free(r);
        return NULL;
    }
    return r;
}

#endif
