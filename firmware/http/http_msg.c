/*
 * HTTP/1.1 request heads, and the response helpers handlers use. Pure code: see
 * http_msg.h for the parser's contract. Every loop is bounded by the input length.
 */
#include "http/http_msg.h"

#include <string.h>

#include "hal/hal_err.h"

/* RFC 9110 tchar: the characters of a method or a header name. */
static bool is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static bool ieq(const char *a, size_t alen, const char *b)
{
    size_t i;
    if (alen != strlen(b)) {
        return false;
    }
    for (i = 0; i < alen; i++) {
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) {
            return false;
        }
    }
    return true;
}

static bool str_is(struct fw_http_str s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

static enum fw_http_method method_of(struct fw_http_str m)
{
    if (str_is(m, "GET")) {
        return FW_HTTP_GET;
    }
    if (str_is(m, "HEAD")) {
        return FW_HTTP_HEAD;
    }
    if (str_is(m, "POST")) {
        return FW_HTTP_POST;
    }
    if (str_is(m, "PUT")) {
        return FW_HTTP_PUT;
    }
    if (str_is(m, "DELETE")) {
        return FW_HTTP_DELETE;
    }
    return FW_HTTP_OTHER;
}

/* Is there a byte that no valid head may contain (a control character other than CR,
 * LF and HTAB, or an LF without its CR)? Checked on partial input too, so that binary
 * garbage (a TLS ClientHello on port 80) is refused at once, not after a timeout. */
static bool has_bad_byte(const char *buf, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n') {
            if (i == 0 || buf[i - 1] != '\r') {
                return true;
            }
        } else if ((c < 0x20 && c != '\r' && c != '\t') || c == 0x7F) {
            return true;
        } else if (i > 0 && buf[i - 1] == '\r' && c != '\n') {
            return true; /* a CR alone */
        }
    }
    return false;
}

/* Comma-separated tokens of a Connection header: close / keep-alive. */
static void connection_tokens(struct fw_http_str v, bool *close, bool *keep)
{
    size_t i = 0;
    while (i < v.len) {
        size_t start, end;
        while (i < v.len && (v.p[i] == ' ' || v.p[i] == '\t' || v.p[i] == ',')) {
            i++;
        }
        start = i;
        while (i < v.len && v.p[i] != ',') {
            i++;
        }
        end = i;
        while (end > start && (v.p[end - 1] == ' ' || v.p[end - 1] == '\t')) {
            end--;
        }
        if (ieq(v.p + start, end - start, "close")) {
            *close = true;
        } else if (ieq(v.p + start, end - start, "keep-alive")) {
            *keep = true;
        }
    }
}

static int parse_request_line(const char *p, size_t len, struct fw_http_req *req)
{
    size_t i = 0, start;
    struct fw_http_str m;

    start = i;
    while (i < len && is_tchar((unsigned char)p[i])) {
        i++;
    }
    if (i == start || i >= len || p[i] != ' ') {
        return -400;
    }
    m.p = p + start;
    m.len = i - start;
    req->method = method_of(m);
    i++;
    /* origin-form only: "/path[?query]". An absolute-form or authority-form target is
     * for proxies; '#' never travels in a request. */
    start = i;
    while (i < len && p[i] > 0x20 && p[i] < 0x7F && p[i] != '#') {
        i++;
    }
    if (i == start || i >= len || p[i] != ' ' || p[start] != '/') {
        return -400;
    }
    req->target.p = p + start;
    req->target.len = i - start;
    {
        const char *q = memchr(req->target.p, '?', req->target.len);
        req->path.p = req->target.p;
        req->path.len = q != NULL ? (size_t)(q - req->target.p) : req->target.len;
        req->query.p = q != NULL ? q + 1 : req->target.p + req->target.len;
        req->query.len = req->target.len - req->path.len - (q != NULL ? 1 : 0);
    }
    i++;
    /* "HTTP/1.1" exactly (8 bytes), then the end of the line */
    if (len - i != 8 || memcmp(p + i, "HTTP/", 5) != 0 || p[i + 6] != '.' || p[i + 5] < '0' ||
        p[i + 5] > '9' || p[i + 7] < '0' || p[i + 7] > '9') {
        return -400;
    }
    if (p[i + 5] != '1') {
        return -505;
    }
    req->version_minor = (uint8_t)(p[i + 7] - '0');
    if (req->version_minor > 1) {
        req->version_minor = 1; /* HTTP/1.2+ is answered as 1.1 (RFC 9110 2.5) */
    }
    return 0;
}

static int parse_content_length(struct fw_http_str v, uint32_t *out)
{
    uint64_t n = 0;
    size_t i;
    if (v.len == 0) {
        return -400;
    }
    for (i = 0; i < v.len; i++) {
        if (v.p[i] < '0' || v.p[i] > '9') {
            return -400; /* "+5", "5, 5", " 5 6": all ambiguous, all refused */
        }
        n = n * 10 + (uint64_t)(v.p[i] - '0');
        if (n > UINT32_MAX) {
            return -413;
        }
    }
    *out = (uint32_t)n;
    return 0;
}

int fw_http_parse_head(const char *buf, size_t len, size_t max, struct fw_http_req *req)
{
    const char *end = NULL, *line, *lend;
    size_t i, head_len, nhdr = 0;
    bool host_seen = false, conn_close = false, conn_keep = false;
    int rc;

    if (len > max) {
        len = max;
    }
    /* RFC 9112 2.2: a server SHOULD ignore empty lines before the request line; we
     * refuse them instead (no client sends them on a fresh connection to us). */
    for (i = 3; i < len; i++) {
        if (buf[i - 3] == '\r' && buf[i - 2] == '\n' && buf[i - 1] == '\r' && buf[i] == '\n') {
            end = buf + i - 3;
            break;
        }
    }
    /* Only the head is checked: body bytes that arrived with it (an XML upload with bare
     * LFs, binary data) are not header bytes. */
    if (has_bad_byte(buf, end != NULL ? (size_t)(end - buf) + 4 : len)) {
        return -400;
    }
    if (end == NULL) {
        return len >= max ? -431 : 0;
    }
    head_len = (size_t)(end - buf) + 4;

    memset(req, 0, sizeof(*req));
    req->head = buf;
    req->head_len = head_len;
    lend = memchr(buf, '\r', (size_t)(end - buf) + 1);
    rc = parse_request_line(buf, (size_t)(lend - buf), req);
    if (rc != 0) {
        return rc;
    }

    for (line = lend + 2; line < end + 2; line = lend + 2) {
        struct fw_http_str name, val;
        const char *colon;
        lend = memchr(line, '\r', (size_t)(end + 2 - line));
        if (lend == line) {
            break; /* the blank line */
        }
        if (++nhdr > FW_HTTP_HEADERS_MAX) {
            return -431;
        }
        if (line[0] == ' ' || line[0] == '\t') {
            return -400; /* obs-fold */
        }
        colon = memchr(line, ':', (size_t)(lend - line));
        if (colon == NULL || colon == line) {
            return -400;
        }
        for (name.p = line; name.p < colon; name.p++) {
            if (!is_tchar((unsigned char)*name.p)) {
                return -400; /* includes "Name :" (whitespace before the colon) */
            }
        }
        name.p = line;
        name.len = (size_t)(colon - line);
        val.p = colon + 1;
        while (val.p < lend && (*val.p == ' ' || *val.p == '\t')) {
            val.p++;
        }
        val.len = (size_t)(lend - val.p);
        while (val.len > 0 && (val.p[val.len - 1] == ' ' || val.p[val.len - 1] == '\t')) {
            val.len--;
        }
        if (ieq(name.p, name.len, "host")) {
            if (host_seen) {
                return -400;
            }
            host_seen = true;
            req->host = val;
        } else if (ieq(name.p, name.len, "content-length")) {
            if (req->has_length) {
                return -400; /* two lengths: the classic smuggling setup */
            }
            rc = parse_content_length(val, &req->content_length);
            if (rc != 0) {
                return rc;
            }
            req->has_length = true;
        } else if (ieq(name.p, name.len, "transfer-encoding")) {
            return -501;
        } else if (ieq(name.p, name.len, "connection")) {
            connection_tokens(val, &conn_close, &conn_keep);
        } else if (ieq(name.p, name.len, "expect")) {
            if (!ieq(val.p, val.len, "100-continue")) {
                return -417;
            }
            req->expect_continue = true;
        }
    }
    if (req->version_minor == 1 && !host_seen) {
        return -400; /* RFC 9112 3.2 */
    }
    req->keep_alive = req->version_minor == 1 ? !conn_close : (conn_keep && !conn_close);
    return (int)head_len;
}

bool fw_http_req_header(const struct fw_http_req *req, const char *name, struct fw_http_str *value)
{
    const char *end = req->head + req->head_len - 2, *line, *lend;
    line = memchr(req->head, '\n', req->head_len);
    if (line == NULL) {
        return false;
    }
    for (line = line + 1; line < end; line = lend + 2) {
        const char *colon;
        lend = memchr(line, '\r', (size_t)(end - line));
        if (lend == NULL || lend == line) {
            return false;
        }
        colon = memchr(line, ':', (size_t)(lend - line));
        if (colon != NULL && ieq(line, (size_t)(colon - line), name)) {
            const char *v = colon + 1;
            size_t n;
            while (v < lend && (*v == ' ' || *v == '\t')) {
                v++;
            }
            n = (size_t)(lend - v);
            while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')) {
                n--;
            }
            value->p = v;
            value->len = n;
            return true;
        }
    }
    return false;
}

/* ---- responses ------------------------------------------------------------------- */

const char *fw_http_reason(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "";
    }
}

void fw_http_resp_set(struct fw_http_resp *r, int status, const char *content_type)
{
    r->status = status;
    r->content_type = content_type;
}

int fw_http_resp_write(struct fw_http_resp *r, const void *data, size_t len)
{
    if (r->body_size - r->body_len < len) {
        r->err = HAL_ENOSPC;
        return HAL_ENOSPC;
    }
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    return HAL_OK;
}

void fw_http_resp_static(struct fw_http_resp *r, const void *data, size_t len)
{
    r->static_body = data;
    r->static_len = len;
}

static bool has_crlf(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

int fw_http_resp_header(struct fw_http_resp *r, const char *name, const char *value)
{
    size_t nl = strlen(name), vl = strlen(value);
    /* A CR or LF from a value (a RelayState, a user name) would end the header and let
     * the sender inject headers or a body: refused, never stripped. */
    if (nl == 0 || has_crlf(name) || has_crlf(value) || memchr(name, ':', nl) != NULL) {
        r->err = HAL_EINVAL;
        return HAL_EINVAL;
    }
    if (r->hdrs_size - r->hdrs_len < nl + vl + 4) {
        r->err = HAL_ENOSPC;
        return HAL_ENOSPC;
    }
    memcpy(r->hdrs + r->hdrs_len, name, nl);
    memcpy(r->hdrs + r->hdrs_len + nl, ": ", 2);
    memcpy(r->hdrs + r->hdrs_len + nl + 2, value, vl);
    memcpy(r->hdrs + r->hdrs_len + nl + 2 + vl, "\r\n", 2);
    r->hdrs_len += nl + vl + 4;
    return HAL_OK;
}
