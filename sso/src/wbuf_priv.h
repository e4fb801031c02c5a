/*
 * Internal: a bounded output writer for the encoders of the bindings (AuthnRequest XML,
 * redirect URL, POST form, SP metadata, percent-encoding).
 *
 * It writes into a caller buffer and keeps counting past its end, so that one pass both
 * produces the output when it fits and reports the size it needs when it does not
 * (TinyCBOR's "extra bytes needed"). The first content error (a value that cannot be
 * written safely, e.g. a control character in an XML value) is sticky and wins over
 * SSO_E_NOSPC.
 */
#ifndef SSO_WBUF_PRIV_H
#define SSO_WBUF_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sso_wbuf {
    char *p;     /* may be NULL when size is 0 (count only) */
    size_t size; /* capacity of p, NUL included */
    size_t len;  /* bytes the output needs so far, NUL excluded; may exceed size */
    int err;     /* sticky content error, or SSO_OK */
};

void sso_wbuf_init(struct sso_wbuf *b, char *p, size_t size);
void sso_wbuf_put(struct sso_wbuf *b, const char *s, size_t n);
void sso_wbuf_puts(struct sso_wbuf *b, const char *s);
/* Escaped for XML character data and attribute values, and for HTML attribute values:
 * & < > " ' become entities; TAB, LF, CR become character references (so attribute-value
 * normalisation cannot change them). Other C0 controls, invalid UTF-8 and the
 * non-characters U+FFFE/U+FFFF set err to SSO_E_INVAL: XML 1.0 cannot carry them. */
void sso_wbuf_xml(struct sso_wbuf *b, const char *s, size_t n);
/* Percent-encoded: all but the RFC 3986 unreserved set. */
void sso_wbuf_url(struct sso_wbuf *b, const uint8_t *s, size_t n);
/* Base64 (standard alphabet, padded, no line breaks). */
void sso_wbuf_b64(struct sso_wbuf *b, const uint8_t *s, size_t n);
/* Record a content error (first one wins). */
void sso_wbuf_fail(struct sso_wbuf *b, int err);
/* NUL-terminate. @p needed (if not NULL) gets len + 1. Returns the sticky error, else
 * SSO_E_NOSPC if the output did not fit (the buffer then holds ""), else SSO_OK. */
int sso_wbuf_finish(struct sso_wbuf *b, size_t *needed);

/* Byte classes shared by url.c. */
bool sso_url_unreserved(uint8_t c);
int sso_hex_val(char c); /* 0..15, or -1 */

#endif /* SSO_WBUF_PRIV_H */
