/*
 * Strict bounded JSON parser: see json_parse.h.
 *
 * One pass over the text with an explicit state and an explicit stack of open
 * containers (no recursion):
 *
 *   VALUE          a value must come (top level, after ':' or after ',' in an array)
 *   VALUE_OR_END   just after '[': a value or ']'
 *   KEY            after ',' in an object: a key string
 *   KEY_OR_END     just after '{': a key or '}'
 *   COLON          after a key
 *   AFTER          after a value: ',' or the close of the open container (or the end
 *                  of the text at the top level)
 */
#include "util/json_parse.h"

#include <string.h>

#include "hal/hal_err.h"

#define NO_PARENT 0xFFFFu

enum state {
    ST_VALUE,
    ST_VALUE_OR_END,
    ST_KEY,
    ST_KEY_OR_END,
    ST_COLON,
    ST_AFTER,
};

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static int hex4(const char *s, size_t left, uint32_t *out)
{
    uint32_t v = 0;
    size_t i;
    if (left < 4) {
        return -1;
    }
    for (i = 0; i < 4; i++) {
        int h = hexval(s[i]);
        if (h < 0) {
            return -1;
        }
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return 0;
}

/* Length of the UTF-8 sequence at s (1..4), 0 if invalid (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n, i;
    uint32_t cp;
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (left < n) {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0u) != 0x80u) {
            return 0;
        }
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

static size_t utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * Decode (or, with out == NULL, only check) the string body s[0..len): escapes, UTF-8,
 * no control characters, no U+0000. Returns the decoded length, or -1 if invalid, or -2
 * if it does not fit @p size (only when out != NULL).
 */
static long string_body(const char *s, size_t len, char *out, size_t size)
{
    size_t i = 0, o = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        char tmp[4];
        size_t n;
        const char *src = tmp;
        if (c < 0x20) {
            return -1; /* raw control characters are not JSON */
        }
        if (c == '\\') {
            uint32_t cp, lo;
            if (i + 1 >= len) {
                return -1;
            }
            switch (s[i + 1]) {
            case '"':
            case '\\':
            case '/':
                tmp[0] = s[i + 1];
                n = 1;
                i += 2;
                break;
            case 'b':
                tmp[0] = '\b';
                n = 1;
                i += 2;
                break;
            case 'f':
                tmp[0] = '\f';
                n = 1;
                i += 2;
                break;
            case 'n':
                tmp[0] = '\n';
                n = 1;
                i += 2;
                break;
            case 'r':
                tmp[0] = '\r';
                n = 1;
                i += 2;
                break;
            case 't':
                tmp[0] = '\t';
                n = 1;
                i += 2;
                break;
            case 'u':
                if (hex4(s + i + 2, len - i - 2, &cp) != 0) {
                    return -1;
                }
                i += 6;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    /* A high surrogate must be followed by an escaped low one. */
                    if (len - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
                        hex4(s + i + 2, len - i - 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
                        return -1;
                    }
                    i += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
                    return -1; /* lone low surrogate; NUL would truncate a C string */
                }
                n = utf8_put(cp, tmp);
                break;
            default:
                return -1;
            }
        } else {
            n = utf8_len((const unsigned char *)s + i, len - i);
            if (n == 0) {
                return -1;
            }
            src = s + i;
            i += n;
        }
        if (out != NULL) {
            if (size - o <= n) {
                return -2;
            }
            memcpy(out + o, src, n);
        }
        o += n;
    }
    if (out != NULL) {
        out[o] = '\0';
    }
    return (long)o;
}

/* Scan a string starting at src[pos] == '"'. Returns the index after the closing quote,
 * or 0 on error. Sets *body_start and *body_len. */
static size_t scan_string(const char *src, size_t len, size_t pos, size_t *body_start,
                          size_t *body_len)
{
    size_t i = pos + 1;
    while (i < len && src[i] != '"') {
        if (src[i] == '\\') {
            i++; /* the escaped character cannot close the string */
        }
        i++;
    }
    if (i >= len) {
        return 0;
    }
    *body_start = pos + 1;
    *body_len = i - pos - 1;
    return i + 1;
}

/* Scan a number at src[pos]: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static size_t scan_number(const char *src, size_t len, size_t pos)
{
    size_t i = pos, d;
    if (i < len && src[i] == '-') {
        i++;
    }
    if (i >= len) {
        return 0;
    }
    if (src[i] == '0') {
        i++;
    } else if (src[i] >= '1' && src[i] <= '9') {
        while (i < len && src[i] >= '0' && src[i] <= '9') {
            i++;
        }
    } else {
        return 0;
    }
    if (i < len && src[i] == '.') {
        d = ++i;
        while (i < len && src[i] >= '0' && src[i] <= '9') {
            i++;
        }
        if (i == d) {
            return 0;
        }
    }
    if (i < len && (src[i] == 'e' || src[i] == 'E')) {
        i++;
        if (i < len && (src[i] == '+' || src[i] == '-')) {
            i++;
        }
        d = i;
        while (i < len && src[i] >= '0' && src[i] <= '9') {
            i++;
        }
        if (i == d) {
            return 0;
        }
    }
    /* "01" or "1x": the number must end where a delimiter can follow. */
    if (i < len && !(is_ws(src[i]) || src[i] == ',' || src[i] == ']' || src[i] == '}')) {
        return 0;
    }
    return i;
}

static bool keys_equal(const struct fw_jp *p, int a, int b)
{
    char ka[FW_JP_KEY_MAX + 1], kb[FW_JP_KEY_MAX + 1];
    if (p->tok[a].dec_len != p->tok[b].dec_len) {
        return false;
    }
    if (fw_jp_str(p, a, ka, sizeof(ka), NULL) != HAL_OK ||
        fw_jp_str(p, b, kb, sizeof(kb), NULL) != HAL_OK) {
        return false;
    }
    return memcmp(ka, kb, p->tok[a].dec_len) == 0;
}

/* Refuse an object that has key @p k twice (keys before it, same parent). */
static bool key_is_new(const struct fw_jp *p, int obj, int k)
{
    int c;
    for (c = fw_jp_child(p, obj, -1); c >= 0 && c < k; c = fw_jp_child(p, obj, c)) {
        if (keys_equal(p, c, k)) {
            return false;
        }
    }
    return true;
}

int fw_jp_parse(struct fw_jp *p, const char *src, size_t len)
{
    uint16_t stack[FW_JP_DEPTH];
    unsigned depth = 0;
    enum state st = ST_VALUE;
    size_t pos = 0;
    int rc = HAL_EINVAL;

    memset(p, 0, offsetof(struct fw_jp, tok));
    p->src = src;
    p->src_len = len;
    if (src == NULL || len > 0xFFFFFFFFu) {
        return len > 0xFFFFFFFFu ? HAL_ENOSPC : HAL_EINVAL;
    }
    for (;;) {
        struct fw_jp_tok *t;
        size_t bs = 0, bl = 0, end;
        long dl;
        char c;
        while (pos < len && is_ws(src[pos])) {
            pos++;
        }
        if (st == ST_AFTER && depth == 0) {
            /* The top-level value is complete: nothing may follow but whitespace. */
            rc = pos == len ? HAL_OK : HAL_EINVAL;
            goto out;
        }
        if (pos >= len) {
            goto out; /* truncated */
        }
        c = src[pos];
        switch (st) {
        case ST_COLON:
            if (c != ':') {
                goto out;
            }
            pos++;
            st = ST_VALUE;
            continue;
        case ST_AFTER:
            if (c == ',') {
                pos++;
                st = p->tok[stack[depth - 1]].type == FW_JP_OBJECT ? ST_KEY : ST_VALUE;
                continue;
            }
            if ((c == '}' && p->tok[stack[depth - 1]].type == FW_JP_OBJECT) ||
                (c == ']' && p->tok[stack[depth - 1]].type == FW_JP_ARRAY)) {
                t = &p->tok[stack[depth - 1]];
                t->len = (uint32_t)(pos + 1 - t->start);
                t->next = (uint16_t)p->ntok;
                depth--;
                pos++;
                continue; /* still ST_AFTER: the container was a value */
            }
            goto out;
        case ST_KEY_OR_END:
        case ST_VALUE_OR_END:
            if ((st == ST_KEY_OR_END && c == '}') || (st == ST_VALUE_OR_END && c == ']')) {
                t = &p->tok[stack[depth - 1]];
                t->len = (uint32_t)(pos + 1 - t->start);
                t->next = (uint16_t)p->ntok;
                depth--;
                pos++;
                st = ST_AFTER;
                continue;
            }
            st = st == ST_KEY_OR_END ? ST_KEY : ST_VALUE;
            continue;
        case ST_KEY:
        case ST_VALUE:
            break;
        }
        /* A token starts here: a key (ST_KEY) or a value (ST_VALUE). */
        if (st == ST_KEY && c != '"') {
            goto out;
        }
        if (p->ntok >= FW_JP_TOKENS_MAX) {
            rc = HAL_ENOSPC;
            goto out;
        }
        t = &p->tok[p->ntok];
        memset(t, 0, sizeof(*t));
        t->parent = depth > 0 ? stack[depth - 1] : NO_PARENT;
        t->start = (uint32_t)pos;
        if (depth > 0) {
            struct fw_jp_tok *par = &p->tok[stack[depth - 1]];
            /* In an object, keys count the members; its values are not counted again. */
            if (par->type == FW_JP_ARRAY || st == ST_KEY) {
                par->count++;
            }
        }
        if (c == '"') {
            end = scan_string(src, len, pos, &bs, &bl);
            if (end == 0) {
                goto out;
            }
            dl = string_body(src + bs, bl, NULL, 0);
            if (dl < 0) {
                goto out;
            }
            t->type = FW_JP_STRING;
            t->start = (uint32_t)bs;
            t->len = (uint32_t)bl;
            t->dec_len = (uint32_t)dl;
            t->next = (uint16_t)(p->ntok + 1);
            p->ntok++;
            pos = end;
            if (st == ST_KEY) {
                if (dl > FW_JP_KEY_MAX || !key_is_new(p, stack[depth - 1], (int)p->ntok - 1)) {
                    p->ntok--;
                    goto out;
                }
                st = ST_COLON;
            } else {
                st = ST_AFTER;
            }
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth >= FW_JP_DEPTH) {
                rc = HAL_ENOSPC;
                goto out;
            }
            t->type = c == '{' ? FW_JP_OBJECT : FW_JP_ARRAY;
            stack[depth++] = (uint16_t)p->ntok;
            p->ntok++;
            pos++;
            st = c == '{' ? ST_KEY_OR_END : ST_VALUE_OR_END;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            end = scan_number(src, len, pos);
            if (end == 0) {
                goto out;
            }
            t->type = FW_JP_NUMBER;
        } else if (len - pos >= 4 && memcmp(src + pos, "true", 4) == 0) {
            t->type = FW_JP_TRUE;
            end = pos + 4;
        } else if (len - pos >= 5 && memcmp(src + pos, "false", 5) == 0) {
            t->type = FW_JP_FALSE;
            end = pos + 5;
        } else if (len - pos >= 4 && memcmp(src + pos, "null", 4) == 0) {
            t->type = FW_JP_NULL;
            end = pos + 4;
        } else {
            goto out;
        }
        /* "truex", "nullnull": a literal must end at a delimiter too. */
        if (end < len &&
            !(is_ws(src[end]) || src[end] == ',' || src[end] == ']' || src[end] == '}')) {
            goto out;
        }
        t->len = (uint32_t)(end - pos);
        t->next = (uint16_t)(p->ntok + 1);
        p->ntok++;
        pos = end;
        st = ST_AFTER;
    }
out:
    if (rc != HAL_OK) {
        p->err_off = pos;
        p->ntok = 0;
    }
    return rc;
}

enum fw_jp_type fw_jp_type(const struct fw_jp *p, int t)
{
    if (t < 0 || (unsigned)t >= p->ntok) {
        return (enum fw_jp_type)0;
    }
    return (enum fw_jp_type)p->tok[t].type;
}

int fw_jp_child(const struct fw_jp *p, int t, int after)
{
    int n;
    if (t < 0 || (unsigned)t >= p->ntok ||
        (p->tok[t].type != FW_JP_OBJECT && p->tok[t].type != FW_JP_ARRAY)) {
        return -1;
    }
    if (after < 0) {
        n = t + 1;
    } else if ((unsigned)after < p->ntok && p->tok[after].parent == (uint16_t)t) {
        n = p->tok[after].next;
        /* In an object, skip the value of key @p after: it is the key's next token. */
        if (p->tok[t].type == FW_JP_OBJECT && (unsigned)n < p->ntok) {
            n = p->tok[n].next;
        }
    } else {
        return -1;
    }
    if ((unsigned)n >= p->ntok || p->tok[n].parent != (uint16_t)t) {
        return -1;
    }
    return n;
}

int fw_jp_get(const struct fw_jp *p, int obj, const char *key)
{
    int k;
    if (fw_jp_type(p, obj) != FW_JP_OBJECT) {
        return -1;
    }
    for (k = fw_jp_child(p, obj, -1); k >= 0; k = fw_jp_child(p, obj, k)) {
        if (fw_jp_str_eq(p, k, key)) {
            return k + 1;
        }
    }
    return -1;
}

int fw_jp_str(const struct fw_jp *p, int t, char *out, size_t size, size_t *len)
{
    long n;
    if (size > 0) {
        out[0] = '\0';
    }
    if (fw_jp_type(p, t) != FW_JP_STRING) {
        return HAL_EINVAL;
    }
    if (size == 0 || p->tok[t].dec_len >= size) {
        return HAL_ENOSPC;
    }
    n = string_body(p->src + p->tok[t].start, p->tok[t].len, out, size);
    if (n < 0) {
        out[0] = '\0';
        return n == -2 ? HAL_ENOSPC : HAL_EINVAL;
    }
    if (len != NULL) {
        *len = (size_t)n;
    }
    return HAL_OK;
}

bool fw_jp_str_eq(const struct fw_jp *p, int t, const char *s)
{
    char tmp[FW_JP_KEY_MAX + 1];
    size_t sl = strlen(s);
    if (fw_jp_type(p, t) != FW_JP_STRING || p->tok[t].dec_len != sl) {
        return false;
    }
    /* Fast path: no escapes, compare in place. */
    if (p->tok[t].len == sl) {
        return memcmp(p->src + p->tok[t].start, s, sl) == 0;
    }
    if (sl > FW_JP_KEY_MAX || fw_jp_str(p, t, tmp, sizeof(tmp), NULL) != HAL_OK) {
        return false;
    }
    return memcmp(tmp, s, sl) == 0;
}

int fw_jp_int(const struct fw_jp *p, int t, int64_t lo, int64_t hi, int64_t *out)
{
    const char *s;
    size_t i, n;
    bool neg;
    uint64_t v = 0, lim;
    if (fw_jp_type(p, t) != FW_JP_NUMBER) {
        return HAL_EINVAL;
    }
    s = p->src + p->tok[t].start;
    n = p->tok[t].len;
    neg = s[0] == '-';
    lim = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (i = neg ? 1 : 0; i < n; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9') {
            return HAL_EINVAL; /* a fraction or exponent: not an integer */
        }
        d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10) {
            return HAL_EINVAL; /* overflow */
        }
        v = v * 10 + d;
    }
    {
        int64_t x = neg ? (v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v) : (int64_t)v;
        if (x < lo || x > hi) {
            return HAL_EINVAL;
        }
        *out = x;
    }
    return HAL_OK;
}

int fw_jp_bool(const struct fw_jp *p, int t, bool *out)
{
    enum fw_jp_type ty = fw_jp_type(p, t);
    if (ty != FW_JP_TRUE && ty != FW_JP_FALSE) {
        return HAL_EINVAL;
    }
    *out = ty == FW_JP_TRUE;
    return HAL_OK;
}
