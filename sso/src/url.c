/* Percent-encoding, form parsing, RelayState and URL checks (sso/url.h). */
#include "sso/url.h"

#include <stdint.h>
#include <string.h>

#include "sso/err.h"
#include "sso/sso_config.h"
#include "wbuf_priv.h"

int sso_url_encode(const char *in, size_t in_len, char *out, size_t out_size, size_t *needed)
{
    struct sso_wbuf b;
    if ((in == NULL && in_len > 0) || (out == NULL && out_size > 0)) {
        return SSO_E_INVAL;
    }
    sso_wbuf_init(&b, out, out_size);
    sso_wbuf_url(&b, (const uint8_t *)in, in_len);
    return sso_wbuf_finish(&b, needed);
}

/* Decode one unit at in[*i]: a literal byte, '+' (form) or %XX. Returns the byte, or -1
 * for a malformed escape or %00. */
static int decode_one(const char *in, size_t len, size_t *i, bool form)
{
    char c = in[*i];
    if (c == '%') {
        int hi, lo;
        if (len - *i < 3 || (hi = sso_hex_val(in[*i + 1])) < 0 ||
            (lo = sso_hex_val(in[*i + 2])) < 0) {
            return -1;
        }
        *i += 3;
        /* %00 would truncate the value in every C-string consumer. */
        return hi == 0 && lo == 0 ? -1 : hi * 16 + lo;
    }
    (*i)++;
    if (c == '+' && form) {
        return ' ';
    }
    return (unsigned char)c;
}

int sso_url_decode(const char *in, size_t in_len, bool form, char *out, size_t out_size,
                   size_t *out_len)
{
    size_t i = 0, o = 0;
    int rc = SSO_E_INTERNAL;
    if ((in == NULL && in_len > 0) || out == NULL) {
        return SSO_E_INVAL;
    }
    if (out_size == 0) {
        return SSO_E_NOSPC;
    }
    while (i < in_len) {
        int c = decode_one(in, in_len, &i, form);
        if (c < 0) {
            rc = SSO_E_URL;
            goto out;
        }
        if (o + 1 >= out_size) {
            rc = SSO_E_NOSPC;
            goto out;
        }
        out[o++] = (char)c; /* o < i always: in-place decoding is safe */
    }
    out[o] = '\0';
    if (out_len != NULL) {
        *out_len = o;
    }
    return SSO_OK;
out:
    out[0] = '\0';
    return rc;
}

void sso_url_form_init(struct sso_url_form *it, const char *s, size_t len)
{
    it->p = s;
    it->len = s != NULL ? len : 0;
    it->pos = 0;
}

bool sso_url_form_next(struct sso_url_form *it, struct sso_str *name, struct sso_str *value)
{
    while (it->pos < it->len) {
        size_t start = it->pos, end = start, eq;
        while (end < it->len && it->p[end] != '&') {
            end++;
        }
        it->pos = end < it->len ? end + 1 : end;
        if (end == start) {
            continue; /* "&&" */
        }
        eq = start;
        while (eq < end && it->p[eq] != '=') {
            eq++;
        }
        name->p = it->p + start;
        name->len = eq - start;
        value->p = it->p + (eq < end ? eq + 1 : end);
        value->len = eq < end ? end - eq - 1 : 0;
        return true;
    }
    return false;
}

/* Does the encoded form name @p raw decode to exactly @p want? 1 yes, 0 no, -1 malformed. */
static int form_name_eq(struct sso_str raw, const char *want)
{
    size_t i = 0, w = 0, wlen = strlen(want);
    int eq = 1;
    while (i < raw.len) {
        int c = decode_one(raw.p, raw.len, &i, true);
        if (c < 0) {
            return -1;
        }
        if (w >= wlen || (unsigned char)want[w] != (unsigned)c) {
            eq = 0; /* keep going: a malformed escape later still counts */
        }
        w++;
    }
    return eq && w == wlen ? 1 : 0;
}

int sso_url_form_get(const char *s, size_t len, const char *name, char *out, size_t out_size,
                     size_t *out_len)
{
    struct sso_url_form it;
    struct sso_str n, v, found = {NULL, 0};
    bool have = false;
    if (name == NULL || out == NULL || out_size == 0) {
        return SSO_E_INVAL;
    }
    out[0] = '\0';
    sso_url_form_init(&it, s, len);
    while (sso_url_form_next(&it, &n, &v)) {
        int eq = form_name_eq(n, name);
        if (eq < 0) {
            return SSO_E_URL;
        }
        if (eq == 1) {
            if (have) {
                return SSO_E_URL; /* duplicate parameter: refuse to pick one */
            }
            have = true;
            found = v;
        }
    }
    if (!have) {
        return 0;
    }
    {
        int rc = sso_url_decode(found.p, found.len, true, out, out_size, out_len);
        return rc == SSO_OK ? 1 : rc;
    }
}

bool sso_url_relay_state_ok(const char *rs, size_t len)
{
    if (rs == NULL || len == 0 || len > SSO_CFG_RELAY_STATE_MAX) {
        return false;
    }
    /* A single leading '/': "//evil" and "/\evil" are scheme-relative URLs to browsers. */
    if (rs[0] != '/') {
        return false; /* also stops "https:evil", "javascript:..." and relative paths */
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)rs[i];
        /* Visible ASCII only: browsers drop TAB/CR/LF inside URLs ("/\t/evil" becomes
         * "//evil"), and other controls or raw 8-bit bytes have no business in a path. */
        if (c <= 0x20 || c >= 0x7f) {
            return false;
        }
        /* Browsers treat '\' as '/' in http URLs. */
        if (c == '\\') {
            return false;
        }
        if (c == '/' && i + 1 < len && rs[i + 1] == '/') {
            return false;
        }
        if (c == '%') {
            int hi, lo, v;
            if (len - i < 3 || (hi = sso_hex_val(rs[i + 1])) < 0 ||
                (lo = sso_hex_val(rs[i + 2])) < 0) {
                return false;
            }
            v = hi * 16 + lo;
            /* "%2F%2Fevil" and "/%5Cevil" become "//evil" after one more decoding, and
             * "%252F" after two; refuse encoded '/', '\' and '%' outright. Encoded
             * controls are refused for the same reason as raw ones. */
            if (v == '/' || v == '\\' || v == '%' || v < 0x21 || v >= 0x7f) {
                return false;
            }
        }
    }
    return true;
}

static bool ieq_prefix(const char *s, size_t len, const char *lower)
{
    size_t n = strlen(lower);
    if (len < n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != lower[i]) {
            return false;
        }
    }
    return true;
}

bool sso_url_is_http(const char *url, size_t len)
{
    size_t pos, host;
    if (url == NULL) {
        return false;
    }
    if (ieq_prefix(url, len, "https://")) {
        pos = 8;
    } else if (ieq_prefix(url, len, "http://")) {
        pos = 7;
    } else {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)url[i];
        /* RFC 3986 never allows these raw; '#' would start a fragment that appended
         * query parameters would land in. */
        if (c <= 0x20 || c >= 0x7f || strchr("\\#\"<>`{}|^", c) != NULL) {
            return false;
        }
    }
    host = pos;
    while (pos < len && url[pos] != '/' && url[pos] != '?') {
        if (url[pos] == '@') {
            return false; /* userinfo: "https://idp.example@evil" misleads readers */
        }
        pos++;
    }
    /* Non-empty host (a bare ":443" is not a host). */
    return pos > host && url[host] != ':';
}
