/* See json.h. Recursive descent, depth-limited, allocation-checked. */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 512

typedef struct {
    const char *s;
    size_t len, pos;
    char *err;
    size_t err_len;
    int failed;
} parser;

static void fail(parser *p, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    char msg[160];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->err_len)
        snprintf(p->err, p->err_len, "%s at byte %zu", msg, p->pos);
}

static void *xrealloc(void *ptr, size_t n)
{
    void *q = realloc(ptr, n ? n : 1);
    if (!q) {
        fputs("json: out of memory\n", stderr);
        abort();
    }
    return q;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static int peek(parser *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static int literal(parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0) {
        fail(p, "invalid literal");
        return 0;
    }
    p->pos += n;
    return 1;
}

static int hex4(parser *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int c = peek(p);
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else {
            fail(p, "bad \\u escape");
            return 0;
        }
        p->pos++;
    }
    *out = v;
    return 1;
}

static void put_utf8(char *buf, size_t *n, unsigned cp)
{
    if (cp < 0x80) {
        buf[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        buf[(*n)++] = (char)(0xC0 | (cp >> 6));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        buf[(*n)++] = (char)(0xE0 | (cp >> 12));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        buf[(*n)++] = (char)(0xF0 | (cp >> 18));
        buf[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* At the opening quote. The decoded string is never longer than its source. */
static char *string(parser *p, size_t *out_len)
{
    p->pos++;
    size_t start = p->pos, n = 0;
    while (p->pos < p->len && p->s[p->pos] != '"')
        p->pos += p->s[p->pos] == '\\' ? 2 : 1;
    char *buf = xrealloc(NULL, p->pos - start + 1);
    p->pos = start;
    for (;;) {
        int c = peek(p);
        if (c < 0) {
            fail(p, "unterminated string");
            break;
        }
        p->pos++;
        if (c == '"')
            break;
        if (c < 0x20) {
            fail(p, "control character in string");
            break;
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            continue;
        }
        c = peek(p);
        p->pos++;
        switch (c) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (!hex4(p, &cp))
                goto out;
            if (cp >= 0xD800 && cp <= 0xDBFF && p->len - p->pos >= 6 && p->s[p->pos] == '\\' &&
                p->s[p->pos + 1] == 'u') {
                size_t save = p->pos;
                p->pos += 2;
                if (!hex4(p, &lo))
                    goto out;
                if (lo >= 0xDC00 && lo <= 0xDFFF)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                else
                    p->pos = save; /* a lone high surrogate, then another escape */
            }
            put_utf8(buf, &n, cp); /* lone surrogates are kept as WTF-8 */
            break;
        }
        default:
            fail(p, "bad escape");
            goto out;
        }
    }
out:
    buf[n] = '\0';
    *out_len = n;
    return buf;
}

static void number(parser *p, json_value *v)
{
    size_t start = p->pos;
    if (peek(p) == '-')
        p->pos++;
    if (peek(p) == '0') {
        p->pos++;
    } else if (peek(p) >= '1' && peek(p) <= '9') {
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    } else {
        fail(p, "bad number");
        return;
    }
    if (peek(p) == '.') {
        p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9')) {
            fail(p, "bad fraction");
            return;
        }
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-')
            p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9')) {
            fail(p, "bad exponent");
            return;
        }
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    }
    size_t n = p->pos - start;
    char *tmp = xrealloc(NULL, n + 1);
    memcpy(tmp, p->s + start, n);
    tmp[n] = '\0';
    v->type = JSON_NUMBER;
    v->number = strtod(tmp, NULL);
    free(tmp);
}

static void value(parser *p, json_value *v, int depth);

static void push(json_value *v, json_value *item, size_t *cap)
{
    if (v->count == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        v->items = xrealloc(v->items, *cap * sizeof *v->items);
        if (v->type == JSON_OBJECT) {
            v->names = xrealloc(v->names, *cap * sizeof *v->names);
            v->name_lens = xrealloc(v->name_lens, *cap * sizeof *v->name_lens);
        }
    }
    v->items[v->count++] = *item;
}

static void container(parser *p, json_value *v, int depth)
{
    int object = peek(p) == '{';
    char close = object ? '}' : ']';
    size_t cap = 0;
    v->type = object ? JSON_OBJECT : JSON_ARRAY;
    if (depth >= MAX_DEPTH) {
        fail(p, "nesting too deep");
        return;
    }
    p->pos++;
    skip_ws(p);
    if (peek(p) == close) {
        p->pos++;
        return;
    }
    for (;;) {
        char *name = NULL;
        size_t name_len = 0;
        if (object) {
            skip_ws(p);
            if (peek(p) != '"') {
                fail(p, "expected a member name");
                return;
            }
            name = string(p, &name_len);
            skip_ws(p);
            if (p->failed || peek(p) != ':') {
                free(name);
                fail(p, "expected ':'");
                return;
            }
            p->pos++;
        }
        json_value item;
        value(p, &item, depth + 1);
        push(v, &item, &cap);
        if (object) {
            v->names[v->count - 1] = name;
            v->name_lens[v->count - 1] = name_len;
        }
        if (p->failed)
            return;
        skip_ws(p);
        if (peek(p) == ',') {
            p->pos++;
            continue;
        }
        if (peek(p) == close) {
            p->pos++;
            return;
        }
        fail(p, "expected ',' or '%c'", close);
        return;
    }
}

static void value(parser *p, json_value *v, int depth)
{
    memset(v, 0, sizeof *v);
    skip_ws(p);
    size_t start = p->pos;
    v->text = p->s + start;
    switch (peek(p)) {
    case '{':
    case '[': container(p, v, depth); break;
    case '"':
        v->type = JSON_STRING;
        v->string = string(p, &v->len);
        break;
    case 't': v->type = JSON_TRUE; literal(p, "true"); break;
    case 'f': v->type = JSON_FALSE; literal(p, "false"); break;
    case 'n': v->type = JSON_NULL; literal(p, "null"); break;
    default: number(p, v); break;
    }
    v->text_len = p->pos - start;
}

static void clear(json_value *v)
{
    for (size_t i = 0; i < v->count; i++) {
        clear(&v->items[i]);
        if (v->names)
            free(v->names[i]);
    }
    free(v->items);
    free(v->names);
    free(v->name_lens);
    free(v->string);
}

json_value *json_parse(const char *text, size_t len, char *err, size_t err_len)
{
    parser p = {text, len, 0, err, err_len, 0};
    json_value *v = xrealloc(NULL, sizeof *v);
    value(&p, v, 0);
    skip_ws(&p);
    if (!p.failed && p.pos != p.len)
        fail(&p, "trailing characters");
    if (p.failed) {
        clear(v);
        free(v);
        return NULL;
    }
    return v;
}

void json_free(json_value *v)
{
    if (v) {
        clear(v);
        free(v);
    }
}

const json_value *json_get(const json_value *obj, const char *name)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    size_t n = strlen(name);
    for (size_t i = 0; i < obj->count; i++)
        if (obj->name_lens[i] == n && memcmp(obj->names[i], name, n) == 0)
            return &obj->items[i];
    return NULL;
}

static const json_value *get_n(const json_value *obj, const char *name, size_t n)
{
    for (size_t i = 0; i < obj->count; i++)
        if (obj->name_lens[i] == n && memcmp(obj->names[i], name, n) == 0)
            return &obj->items[i];
    return NULL;
}

int json_equal(const json_value *a, const json_value *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case JSON_NUMBER: return a->number == b->number;
    case JSON_STRING: return a->len == b->len && memcmp(a->string, b->string, a->len) == 0;
    case JSON_ARRAY:
        if (a->count != b->count)
            return 0;
        for (size_t i = 0; i < a->count; i++)
            if (!json_equal(&a->items[i], &b->items[i]))
                return 0;
        return 1;
    case JSON_OBJECT:
        if (a->count != b->count)
            return 0;
        for (size_t i = 0; i < a->count; i++) {
            const json_value *w = get_n(b, a->names[i], a->name_lens[i]);
            if (!w || !json_equal(&a->items[i], w))
                return 0;
        }
        return 1;
    default: return 1;
    }
}

char *json_text(const json_value *v)
{
    char *s = xrealloc(NULL, v->text_len + 1);
    memcpy(s, v->text, v->text_len);
    s[v->text_len] = '\0';
    return s;
}
