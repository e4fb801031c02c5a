/* Bounded output writer for the binding encoders (see wbuf_priv.h). */
#include "wbuf_priv.h"

#include <string.h>

#include "sso/err.h"

void sso_wbuf_init(struct sso_wbuf *b, char *p, size_t size)
{
    b->p = size > 0 ? p : NULL;
    b->size = b->p != NULL ? size : 0;
    b->len = 0;
    b->err = SSO_OK;
}

void sso_wbuf_fail(struct sso_wbuf *b, int err)
{
    if (b->err == SSO_OK) {
        b->err = err;
    }
}

void sso_wbuf_put(struct sso_wbuf *b, const char *s, size_t n)
{
    if (n > SIZE_MAX - 1 - b->len) {
        sso_wbuf_fail(b, SSO_E_NOSPC); /* cannot even be counted */
        return;
    }
    /* Keep one byte for the NUL. */
    if (b->p != NULL && b->len + n < b->size && n > 0) {
        memcpy(b->p + b->len, s, n);
    }
    b->len += n;
}

void sso_wbuf_puts(struct sso_wbuf *b, const char *s)
{
    sso_wbuf_put(b, s, strlen(s));
}

/* Length of the valid UTF-8 sequence that starts s[0] (of n bytes left) and is an XML
 * Char, or 0. Overlong forms, surrogates and values past U+10FFFF are refused. */
static size_t utf8_char(const uint8_t *s, size_t n)
{
    uint32_t cp;
    size_t need;
    if (s[0] < 0x80) {
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        need = 2;
        cp = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        need = 3;
        cp = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        need = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (n < need) {
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0u) != 0x80u) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
        return 0;
    }
    return need;
}

void sso_wbuf_xml(struct sso_wbuf *b, const char *s, size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t i = 0;
    while (i < n) {
        const char *rep = NULL;
        switch (u[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        case '\t':
            rep = "&#9;";
            break;
        case '\n':
            rep = "&#10;";
            break;
        case '\r':
            rep = "&#13;";
            break;
        default:
            break;
        }
        if (rep != NULL) {
            sso_wbuf_puts(b, rep);
            i++;
            continue;
        }
        if (u[i] < 0x20) {
            /* Not an XML 1.0 character, not even as a reference. */
            sso_wbuf_fail(b, SSO_E_INVAL);
            return;
        }
        size_t k = utf8_char(u + i, n - i);
        if (k == 0) {
            sso_wbuf_fail(b, SSO_E_INVAL);
            return;
        }
        sso_wbuf_put(b, s + i, k);
        i += k;
    }
}

bool sso_url_unreserved(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int sso_hex_val(char c)
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

void sso_wbuf_url(struct sso_wbuf *b, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        if (sso_url_unreserved(s[i])) {
            sso_wbuf_put(b, (const char *)&s[i], 1);
        } else {
            char esc[3] = {'%', hex[s[i] >> 4], hex[s[i] & 15]};
            sso_wbuf_put(b, esc, 3);
        }
    }
}

int sso_wbuf_finish(struct sso_wbuf *b, size_t *needed)
{
    if (needed != NULL) {
        *needed = b->len + 1;
    }
    if (b->err != SSO_OK || b->len >= b->size) {
        if (b->p != NULL) {
            b->p[0] = '\0';
        }
        return b->err != SSO_OK ? b->err : SSO_E_NOSPC;
    }
    b->p[b->len] = '\0';
    return SSO_OK;
}
