/*
 * HTTPS GET for metadata (fetch.h): one fetch at a time, a static state machine.
 *
 *   IDLE     --fw_fetch_start(): URL https, UTC known, TLS ready------> DNS
 *   DNS      --IPv4 literal, cached, or lwIP's answer------------------> CONNECT
 *            --no address, timeout-------------------------------------> DONE (error)
 *   CONNECT  TCP, then the TLS handshake inside net/tls.c (verification, host name)
 *            --verified handshake (connected callback): GET written----> HEAD
 *            --refused, reset, TLS failure (err callback), timeout-----> DONE (error)
 *   HEAD     --status line + headers complete-------------------------->
 *                200: BODY;  301/302/303/307/308 + https Location: REDIRECT;
 *                other status, malformed, too large: DONE (error)
 *   BODY     --Content-Length bytes / last chunk / close_notify--------> DONE (ok)
 *            --FIN without close_notify or before the end: truncated---> DONE (error)
 *            --over max_body, idle timeout, reset----------------------> DONE (error)
 *   REDIRECT --next fw_fetch_poll() (the old TLS connection is gone)----> DNS
 *   DONE     --fw_fetch_poll(): back to IDLE, then the done callback
 *
 * Events: lwIP's DNS callback (guarded by a generation number: lwIP cannot cancel a
 * query, so an answer for an abandoned fetch must be ignored), the pcb's connected /
 * recv / err callbacks, and fw_fetch_poll() (timeouts, redirects, the callback). The
 * response is parsed as it arrives; bytes are acknowledged (altcp_recved) as they are
 * taken, so the TCP window and the TLS layer's read pause bound what is buffered.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fetch/fetch.h"
#include "hal/hal_clock.h"
#include "hal/hal_err.h"
#include "lwip/altcp.h"
#include "lwip/dns.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "mbedtls/x509.h"
#include "net/tls.h"
#include "net/tls_priv.h"
#include "sso/alloc.h"
#include "trust/trust.h"

#define HOST_MAX         253
#define REQ_MAX          (FW_FETCH_URL_MAX + HOST_MAX + 256)
#define CHUNK_LINE_MAX   64   /* "1a2b;ext=..." */
#define TRAILER_MAX      2048 /* trailer fields after the last chunk */
#define CONTENT_LEN_DIGS 10

enum fstate {
    F_IDLE,
    F_DNS,
    F_CONNECT,
    F_HEAD,
    F_BODY,
    F_REDIRECT,
    F_DONE,
};

enum framing {
    FR_LENGTH,
    FR_CHUNKED,
    FR_CLOSE,
};

enum chunk_state {
    CH_SIZE,
    CH_DATA,
    CH_DATA_CRLF,
    CH_TRAILER,
};

struct fetch {
    enum fstate state;
    uintptr_t gen; /* identifies this fetch to the DNS callback */
    const struct fw_trust *trust;
    size_t max_body;
    fw_fetch_done_fn done;
    void *ctx;
    uint32_t t_start, deadline_total, deadline_phase;
    bool tls_phase; /* the TCP connection is up: the phase is the TLS handshake */
    const char *phase;

    char url[FW_FETCH_URL_MAX + 1];
    char host[HOST_MAX + 1];
    uint16_t port;
    size_t path_off; /* request-target: url + path_off */
    size_t path_len;

    struct altcp_pcb *pcb;
    bool aborted_in_cb; /* we aborted the pcb inside one of its callbacks */
    struct fw_tls_status tls;
    struct pbuf *rx; /* plaintext received, not yet taken */
    bool eof;        /* the server closed (recv NULL) */

    char req[REQ_MAX];
    size_t req_len;
    bool req_sent;

    char head[FW_FETCH_HEAD_MAX];
    int status;
    enum framing framing;
    size_t content_length;
    char location[FW_FETCH_URL_MAX + 1];

    enum chunk_state chunk;
    size_t chunk_left;
    char line[CHUNK_LINE_MAX];
    size_t line_len;
    size_t trailer_len;

    uint8_t *body;
    size_t body_len, body_cap;

    struct fw_fetch_result res;
};

static struct fetch F;
static struct fw_fetch_result delivered;

static bool expired(uint32_t now, uint32_t deadline)
{
    return (int32_t)(now - deadline) >= 0;
}

/* ---- URLs -------------------------------------------------------------------------- */

static bool ieq(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = (char)(x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = (char)(y - 'A' + 'a');
        }
        if (x != y) {
            return false;
        }
    }
    return true;
}

/* Split an https URL into host, port and request-target (into F). */
static int parse_url(const char *url, char *why, size_t why_size)
{
    size_t n = 0, i, a, host_end, auth_end;
    unsigned long port = 443;

    while (n <= FW_FETCH_URL_MAX && url[n] != '\0') {
        n++; /* strnlen() is POSIX, not C11 */
    }
    if (n == 0 || n > FW_FETCH_URL_MAX) {
        (void)snprintf(why, why_size, "URL empty or longer than %d bytes", FW_FETCH_URL_MAX);
        return FW_FETCH_E_URL;
    }
    for (i = 0; i < n; i++) {
        /* Visible ASCII only: no spaces or control characters that could split the
         * request line or a header (request smuggling). */
        if (url[i] <= 0x20 || url[i] >= 0x7F) {
            (void)snprintf(why, why_size, "URL contains a space, control or non-ASCII byte");
            return FW_FETCH_E_URL;
        }
    }
    if (n >= 7 && ieq(url, "http://", 7)) {
        (void)snprintf(why, why_size, "refusing %.60s: only https:// (verified TLS) is allowed",
                       url);
        return FW_FETCH_E_NOT_HTTPS;
    }
    if (n < 8 || !ieq(url, "https://", 8)) {
        (void)snprintf(why, why_size, "URL must start with https://");
        return FW_FETCH_E_URL;
    }
    a = 8;
    auth_end = a;
    while (auth_end < n && url[auth_end] != '/' && url[auth_end] != '?' && url[auth_end] != '#') {
        if (url[auth_end] == '@' || url[auth_end] == '[') {
            /* userinfo could make "https://idp.example@evil.example/" look like the IdP;
             * IPv6 literals: this firmware speaks IPv4 only. */
            (void)snprintf(why, why_size, "URL with user info or an IPv6 literal");
            return FW_FETCH_E_URL;
        }
        auth_end++;
    }
    host_end = a;
    while (host_end < auth_end && url[host_end] != ':') {
        host_end++;
    }
    if (host_end == a || host_end - a > HOST_MAX) {
        (void)snprintf(why, why_size, "URL has no host, or a host longer than %d", HOST_MAX);
        return FW_FETCH_E_URL;
    }
    for (i = a; i < host_end; i++) {
        char c = url[i];
        /* A DNS name (letters, digits, '-', '.') or an IPv4 literal; anything else
         * (percent-encoding, '_', '\\') could be read differently by DNS and by the
         * certificate name check. */
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.')) {
            (void)snprintf(why, why_size, "URL host has a character other than A-Z 0-9 . -");
            return FW_FETCH_E_URL;
        }
    }
    if (host_end < auth_end) {
        size_t d = host_end + 1;
        if (d == auth_end || auth_end - d > 5) {
            (void)snprintf(why, why_size, "URL has an invalid port");
            return FW_FETCH_E_URL;
        }
        port = 0;
        for (; d < auth_end; d++) {
            if (url[d] < '0' || url[d] > '9') {
                (void)snprintf(why, why_size, "URL has an invalid port");
                return FW_FETCH_E_URL;
            }
            port = port * 10 + (unsigned long)(url[d] - '0');
        }
        if (port == 0 || port > 65535) {
            (void)snprintf(why, why_size, "URL has an invalid port");
            return FW_FETCH_E_URL;
        }
    }
    memcpy(F.host, url + a, host_end - a);
    F.host[host_end - a] = '\0';
    F.port = (uint16_t)port;
    memcpy(F.url, url, n);
    F.url[n] = '\0';
    F.path_off = auth_end;
    F.path_len = 0;
    while (auth_end + F.path_len < n && url[auth_end + F.path_len] != '#') {
        F.path_len++; /* the fragment is the client's, never sent */
    }
    return FW_FETCH_OK;
}

/* ---- finishing ---------------------------------------------------------------------- */

static void drop_pcb(void)
{
    struct altcp_pcb *pcb = F.pcb;
    if (pcb == NULL) {
        return;
    }
    F.pcb = NULL;
    altcp_arg(pcb, NULL);
    altcp_recv(pcb, NULL);
    altcp_sent(pcb, NULL);
    altcp_err(pcb, NULL);
    if (altcp_close(pcb) != ERR_OK) {
        altcp_abort(pcb);
        F.aborted_in_cb = true;
    }
}

static void clear_rx(void)
{
    if (F.rx != NULL) {
        pbuf_free(F.rx);
        F.rx = NULL;
    }
}

static void finish(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record the outcome; the callback runs from the next fw_fetch_poll(). */
static void finish(int err, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (F.state == F_DONE || F.state == F_IDLE) {
        return;
    }
    drop_pcb();
    clear_rx();
    F.res.err = err;
    F.res.http_status = F.status;
    F.res.elapsed_ms = sys_now() - F.t_start;
    F.res.tls_verify_flags = F.tls.verify_flags;
    F.res.tls_mbedtls_err = F.tls.mbedtls_err;
    F.res.tls_version = F.tls.version;
    F.res.tls_ciphersuite = F.tls.ciphersuite;
    memcpy(F.res.url, F.url, sizeof(F.res.url));
    va_start(ap, fmt);
    n = vsnprintf(F.res.detail, sizeof(F.res.detail), fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n >= sizeof(F.res.detail)) {
        /* A host name and an issuer at their bounds: say the line is cut (at a character
         * boundary), never pass a cut value off as whole. */
        size_t at = sizeof(F.res.detail) - 4;
        while (at > 0 && ((unsigned char)F.res.detail[at] & 0xC0) == 0x80) {
            at--;
        }
        memcpy(F.res.detail + at, "...", 4);
    }
    if (err == FW_FETCH_OK) {
        F.res.body = F.body;
        F.res.body_len = F.body_len;
    } else {
        sso_free(F.body);
    }
    F.body = NULL;
    F.body_len = F.body_cap = 0;
    F.state = F_DONE;
}

/* "host", or "host:port" when the port is not 443: how an admin names the server. */
static const char *host_port(void)
{
    static char hp[HOST_MAX + 8];
    if (F.port == 443) {
        return F.host;
    }
    (void)snprintf(hp, sizeof(hp), "%s:%u", F.host, (unsigned)F.port);
    return hp;
}

/* A TLS failure, told precisely: which check failed and on what. */
static void finish_tls(void)
{
    uint32_t fl = F.tls.verify_flags;
    char e[100];
    if (F.tls.mbedtls_err == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || fl != 0) {
        if (fl & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
            finish(FW_FETCH_E_TLS_UNTRUSTED,
                   "TLS certificate of %s is not trusted (issuer %s): add that CA to the trusted "
                   "CAs if this is the right server",
                   host_port(), F.tls.top_issuer[0] != '\0' ? F.tls.top_issuer : "unknown");
        } else if (fl & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
            finish(FW_FETCH_E_TLS_HOSTNAME,
                   "TLS certificate of %s is not valid for that name (it was issued to %s)",
                   host_port(), F.tls.peer_subject[0] != '\0' ? F.tls.peer_subject : "?");
        } else if (fl & MBEDTLS_X509_BADCERT_EXPIRED) {
            finish(FW_FETCH_E_TLS_EXPIRED, "TLS certificate of %s has expired", host_port());
        } else if (fl & MBEDTLS_X509_BADCERT_FUTURE) {
            finish(FW_FETCH_E_TLS_EXPIRED,
                   "TLS certificate of %s is not yet valid (is the device clock right?)",
                   host_port());
        } else {
            finish(FW_FETCH_E_TLS_UNTRUSTED,
                   "TLS certificate of %s was rejected (verify flags 0x%lx: a weak key or "
                   "signature, or not a server certificate)",
                   host_port(), (unsigned long)fl);
        }
        return;
    }
    if (F.tls.reset && F.tls.mbedtls_err == 0) {
        finish(FW_FETCH_E_TLS_HANDSHAKE,
               "%s reset the connection during the TLS handshake (is it an HTTPS server?)",
               host_port());
        return;
    }
    fw_tls_mbedtls_strerror(F.tls.mbedtls_err, e, sizeof(e));
    finish(FW_FETCH_E_TLS_HANDSHAKE, "TLS handshake with %s failed (-0x%04x %s)", host_port(),
           (unsigned)-F.tls.mbedtls_err, e);
}

/* ---- receiving and parsing ------------------------------------------------------------ */

static void take(size_t n)
{
    F.rx = pbuf_free_header(F.rx, (u16_t)n);
    if (F.pcb != NULL) {
        altcp_recved(F.pcb, (u16_t)n);
    }
}

/*
 * The body buffer, allocated once when the head is parsed: exactly Content-Length bytes,
 * or max_body bytes when the length is not known (chunked, close-delimited). Growing it
 * with realloc would need the old and the new buffer at once (up to twice max_body next
 * to a live TLS connection); one allocation keeps the peak at max_body + one TLS
 * connection in every case.
 */
static bool body_alloc(size_t size)
{
    F.body = sso_malloc(size > 0 ? size : 1);
    if (F.body == NULL) {
        return false;
    }
    F.body_cap = size;
    return true;
}

/* Append up to @p want bytes from rx to the body. @return bytes taken, or -1 (finished). */
static long body_take(size_t want)
{
    u16_t n;
    if (F.rx == NULL || want == 0) {
        return 0;
    }
    if (want > F.rx->tot_len) {
        want = F.rx->tot_len;
    }
    if (F.body_len + want > F.body_cap) {
        /* Only a body of unknown length gets here (Content-Length is checked before
         * reading and never read past): it is over max_body. */
        finish(FW_FETCH_E_TOO_LARGE, "The response from %s is larger than %lu bytes", F.host,
               (unsigned long)F.max_body);
        return -1;
    }
    n = pbuf_copy_partial(F.rx, F.body + F.body_len, (u16_t)want, 0);
    F.body_len += n;
    take(n);
    F.deadline_phase = sys_now() + FW_FETCH_IDLE_TIMEOUT_MS;
    return (long)n;
}

static bool header_is(const char *line, size_t len, const char *name, const char **val,
                      size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || line[n] != ':' || !ieq(line, name, n)) {
        return false;
    }
    *val = line + n + 1;
    *vlen = len - n - 1;
    while (*vlen > 0 && (**val == ' ' || **val == '\t')) {
        (*val)++;
        (*vlen)--;
    }
    while (*vlen > 0 && ((*val)[*vlen - 1] == ' ' || (*val)[*vlen - 1] == '\t')) {
        (*vlen)--;
    }
    return true;
}

/* Parse the status line and headers in F.head[0..len) (ends with CRLF CRLF). */
static int parse_head(size_t len, char *why, size_t why_size)
{
    const char *h = F.head, *end = F.head + len - 2, *line, *val;
    size_t vlen;
    bool have_len = false, chunked = false;
    size_t cl = 0;

    F.location[0] = '\0';
    if (len < 16 || memcmp(h, "HTTP/1.", 7) != 0 || (h[7] != '0' && h[7] != '1') || h[8] != ' ' ||
        h[9] < '1' || h[9] > '5' || h[10] < '0' || h[10] > '9' || h[11] < '0' || h[11] > '9' ||
        (h[12] != ' ' && h[12] != '\r')) {
        (void)snprintf(why, why_size, "no HTTP/1.x status line");
        return FW_FETCH_E_HTTP_MALFORMED;
    }
    F.status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
    line = memchr(h, '\n', len);
    line = line != NULL ? line + 1 : end;
    while (line < end) {
        const char *eol = memchr(line, '\n', (size_t)(end + 2 - line));
        size_t ll;
        if (eol == NULL || eol == line || eol[-1] != '\r') {
            (void)snprintf(why, why_size, "header line not ended by CRLF");
            return FW_FETCH_E_HTTP_MALFORMED;
        }
        ll = (size_t)(eol - 1 - line);
        if (line[0] == ' ' || line[0] == '\t' || memchr(line, ':', ll) == NULL) {
            /* obs-fold or a line without a name: ambiguous between parsers. */
            (void)snprintf(why, why_size, "malformed header line");
            return FW_FETCH_E_HTTP_MALFORMED;
        }
        if (header_is(line, ll, "Content-Length", &val, &vlen)) {
            size_t v = 0, i;
            if (vlen == 0 || vlen > CONTENT_LEN_DIGS) {
                (void)snprintf(why, why_size, "invalid Content-Length");
                return FW_FETCH_E_HTTP_MALFORMED;
            }
            for (i = 0; i < vlen; i++) {
                if (val[i] < '0' || val[i] > '9') {
                    (void)snprintf(why, why_size, "invalid Content-Length");
                    return FW_FETCH_E_HTTP_MALFORMED;
                }
                v = v * 10 + (size_t)(val[i] - '0');
            }
            /* Two different lengths: which one a proxy used is unknowable (smuggling). */
            if (have_len && v != cl) {
                (void)snprintf(why, why_size, "conflicting Content-Length headers");
                return FW_FETCH_E_HTTP_MALFORMED;
            }
            have_len = true;
            cl = v;
        } else if (header_is(line, ll, "Transfer-Encoding", &val, &vlen)) {
            if (vlen != 7 || !ieq(val, "chunked", 7) || chunked) {
                (void)snprintf(why, why_size, "unsupported Transfer-Encoding '%.*s'",
                               (int)(vlen > 40 ? 40 : vlen), val);
                return FW_FETCH_E_HTTP_MALFORMED;
            }
            chunked = true;
        } else if (header_is(line, ll, "Content-Encoding", &val, &vlen)) {
            if (!(vlen == 8 && ieq(val, "identity", 8))) {
                (void)snprintf(why, why_size, "a compressed response, Content-Encoding '%.*s'",
                               (int)(vlen > 40 ? 40 : vlen), val);
                return FW_FETCH_E_HTTP_MALFORMED;
            }
        } else if (header_is(line, ll, "Location", &val, &vlen)) {
            if (vlen > FW_FETCH_URL_MAX) {
                (void)snprintf(why, why_size, "redirect Location longer than %d bytes",
                               FW_FETCH_URL_MAX);
                return FW_FETCH_E_REDIRECT;
            }
            memcpy(F.location, val, vlen);
            F.location[vlen] = '\0';
        }
        line = eol + 1;
    }
    if (have_len && chunked) {
        (void)snprintf(why, why_size, "both Content-Length and Transfer-Encoding");
        return FW_FETCH_E_HTTP_MALFORMED;
    }
    F.framing = chunked ? FR_CHUNKED : have_len ? FR_LENGTH : FR_CLOSE;
    F.content_length = cl;
    return FW_FETCH_OK;
}

/* Where a redirect goes: an absolute https URL, or a path on the same server. */
static int redirect_target(char *out, size_t out_size, char *why, size_t why_size)
{
    const char *loc = F.location;
    size_t n = strlen(loc);
    int w;
    if (n >= 7 && ieq(loc, "http://", 7)) {
        (void)snprintf(why, why_size, "The URL redirects to %.80s, which is not https: refused",
                       loc);
        return FW_FETCH_E_REDIRECT;
    }
    if (n >= 8 && ieq(loc, "https://", 8)) {
        w = snprintf(out, out_size, "%s", loc);
    } else if (n >= 2 && loc[0] == '/' && loc[1] == '/') {
        w = snprintf(out, out_size, "https:%s", loc);
    } else if (n >= 1 && loc[0] == '/') {
        if (F.port != 443) {
            w = snprintf(out, out_size, "https://%s:%u%s", F.host, (unsigned)F.port, loc);
        } else {
            w = snprintf(out, out_size, "https://%s%s", F.host, loc);
        }
    } else {
        (void)snprintf(why, why_size,
                       "The URL redirects to '%.80s', which is neither an absolute URL nor a path",
                       loc);
        return FW_FETCH_E_REDIRECT;
    }
    if (w < 0 || (size_t)w >= out_size) {
        (void)snprintf(why, why_size, "The URL redirects to a URL longer than %d bytes",
                       FW_FETCH_URL_MAX);
        return FW_FETCH_E_REDIRECT;
    }
    return FW_FETCH_OK;
}

static void on_head_done(size_t head_len)
{
    char why[FW_FETCH_DETAIL_MAX];
    int rc = parse_head(head_len, why, sizeof(why));
    if (rc != FW_FETCH_OK) {
        finish(rc, "The answer from %s is not valid HTTP (%s)", F.host, why);
        return;
    }
    if (F.status == 301 || F.status == 302 || F.status == 303 || F.status == 307 ||
        F.status == 308) {
        if (F.location[0] == '\0') {
            finish(FW_FETCH_E_HTTP_STATUS, "%s answered HTTP %d (a redirect) without a Location",
                   F.host, F.status);
            return;
        }
        if (F.res.redirects >= FW_FETCH_REDIRECTS_MAX) {
            finish(FW_FETCH_E_REDIRECT, "The URL redirects more than %d times (last to %.80s)",
                   FW_FETCH_REDIRECTS_MAX, F.location);
            return;
        }
        /* The next connection starts from fw_fetch_poll(), once this one is released. */
        drop_pcb();
        clear_rx();
        F.state = F_REDIRECT;
        return;
    }
    if (F.status != 200) {
        finish(FW_FETCH_E_HTTP_STATUS, "%s answered HTTP %d, not 200 (URL wrong or not public?)",
               F.host, F.status);
        return;
    }
    if (F.framing == FR_LENGTH && F.content_length > F.max_body) {
        /* Refused before reading a byte of it. */
        finish(FW_FETCH_E_TOO_LARGE,
               "The response from %s is %lu bytes, more than the %lu this device accepts", F.host,
               (unsigned long)F.content_length, (unsigned long)F.max_body);
        return;
    }
    if (!body_alloc(F.framing == FR_LENGTH ? F.content_length : F.max_body)) {
        finish(FW_FETCH_E_NOMEM, "Not enough memory for a response of %lu bytes",
               (unsigned long)(F.framing == FR_LENGTH ? F.content_length : F.max_body));
        return;
    }
    F.chunk = CH_SIZE;
    F.line_len = 0;
    F.trailer_len = 0;
    F.state = F_BODY;
    F.phase = "receiving the body";
    F.deadline_phase = sys_now() + FW_FETCH_IDLE_TIMEOUT_MS;
}

static void step_head(void)
{
    u16_t end;
    if (F.rx == NULL) {
        return;
    }
    end = pbuf_memfind(F.rx, "\r\n\r\n", 4, 0);
    if (end == 0xFFFF) {
        if (F.rx->tot_len >= FW_FETCH_HEAD_MAX) {
            finish(FW_FETCH_E_HTTP_MALFORMED, "The response head from %s exceeds %d bytes", F.host,
                   FW_FETCH_HEAD_MAX);
        }
        return;
    }
    if ((size_t)end + 4 > FW_FETCH_HEAD_MAX) {
        finish(FW_FETCH_E_HTTP_MALFORMED, "The response head from %s exceeds %d bytes", F.host,
               FW_FETCH_HEAD_MAX);
        return;
    }
    (void)pbuf_copy_partial(F.rx, F.head, (u16_t)(end + 4), 0);
    take((size_t)end + 4);
    on_head_done((size_t)end + 4);
}

/* One line of the chunked framing into F.line. @return true when complete (CRLF cut). */
static bool chunk_line(bool *bad)
{
    while (F.rx != NULL) {
        char ch = (char)pbuf_get_at(F.rx, 0);
        take(1);
        if (ch == '\n') {
            if (F.line_len == 0 || F.line[F.line_len - 1] != '\r') {
                *bad = true;
                return false;
            }
            F.line_len--;
            return true;
        }
        if (F.line_len == sizeof(F.line)) {
            *bad = true;
            return false;
        }
        F.line[F.line_len++] = ch;
    }
    return false;
}

static void step_chunked(void)
{
    bool bad = false;
    for (;;) {
        switch (F.chunk) {
        case CH_SIZE: {
            size_t i, v = 0;
            if (!chunk_line(&bad)) {
                if (bad) {
                    finish(FW_FETCH_E_HTTP_MALFORMED,
                           "The answer from %s has a broken chunked body (bad chunk size line)",
                           F.host);
                }
                return;
            }
            for (i = 0; i < F.line_len && F.line[i] != ';'; i++) {
                char c = F.line[i];
                int d = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
                if (d < 0 || v > F.max_body) {
                    finish(FW_FETCH_E_HTTP_MALFORMED,
                           "The answer from %s has a broken chunked body (bad chunk size)", F.host);
                    return;
                }
                v = v * 16 + (size_t)d;
            }
            if (i == 0) {
                finish(FW_FETCH_E_HTTP_MALFORMED,
                       "The answer from %s has a broken chunked body (bad chunk size)", F.host);
                return;
            }
            F.line_len = 0;
            if (v > F.max_body - F.body_len) {
                finish(FW_FETCH_E_TOO_LARGE, "The response from %s is larger than %lu bytes",
                       F.host, (unsigned long)F.max_body);
                return;
            }
            F.chunk_left = v;
            F.chunk = v == 0 ? CH_TRAILER : CH_DATA;
            break;
        }
        case CH_DATA: {
            long n = body_take(F.chunk_left);
            if (n < 0) {
                return;
            }
            F.chunk_left -= (size_t)n;
            if (F.chunk_left > 0) {
                return;
            }
            F.chunk = CH_DATA_CRLF;
            break;
        }
        case CH_DATA_CRLF:
            if (!chunk_line(&bad)) {
                if (bad) {
                    finish(
                        FW_FETCH_E_HTTP_MALFORMED,
                        "The answer from %s has a broken chunked body (chunk not followed by CRLF)",
                        F.host);
                }
                return;
            }
            if (F.line_len != 0) {
                finish(FW_FETCH_E_HTTP_MALFORMED,
                       "The answer from %s has a broken chunked body (chunk longer than its size)",
                       F.host);
                return;
            }
            F.chunk = CH_SIZE;
            break;
        case CH_TRAILER:
            if (!chunk_line(&bad)) {
                if (bad) {
                    finish(FW_FETCH_E_HTTP_MALFORMED,
                           "The answer from %s has a broken chunked body (bad trailer line)",
                           F.host);
                }
                return;
            }
            F.trailer_len += F.line_len + 2;
            if (F.trailer_len > TRAILER_MAX) {
                finish(
                    FW_FETCH_E_HTTP_MALFORMED,
                    "The answer from %s has a broken chunked body (trailer longer than %d bytes)",
                    F.host, TRAILER_MAX);
                return;
            }
            if (F.line_len == 0) {
                finish(FW_FETCH_OK, "%lu bytes from %s (chunked)", (unsigned long)F.body_len,
                       F.host);
                return;
            }
            F.line_len = 0;
            break;
        }
    }
}

static void step_body(void)
{
    long n;
    switch (F.framing) {
    case FR_LENGTH:
        n = body_take(F.content_length - F.body_len);
        if (n < 0) {
            return;
        }
        if (F.body_len == F.content_length) {
            finish(FW_FETCH_OK, "%lu bytes from %s", (unsigned long)F.body_len, F.host);
            return;
        }
        if (F.eof && F.rx == NULL) {
            finish(FW_FETCH_E_TRUNCATED, "%s closed the connection after %lu of %lu bytes", F.host,
                   (unsigned long)F.body_len, (unsigned long)F.content_length);
        }
        return;
    case FR_CHUNKED:
        step_chunked();
        if (F.state == F_BODY && F.eof && F.rx == NULL) {
            finish(FW_FETCH_E_TRUNCATED, "%s closed the connection in the middle of the response",
                   F.host);
        }
        return;
    case FR_CLOSE:
        while (F.rx != NULL) {
            if (body_take(F.rx->tot_len) < 0) {
                return;
            }
        }
        if (F.eof) {
            /* The body ends at the end of the stream: only a TLS close_notify proves that
             * the end is the server's and not an attacker's forged FIN (truncation). */
            if (F.tls.close_notify) {
                finish(FW_FETCH_OK, "%lu bytes from %s (to close_notify)",
                       (unsigned long)F.body_len, F.host);
            } else {
                finish(FW_FETCH_E_TRUNCATED,
                       "%s closed without a TLS close_notify, so the response may be cut short",
                       F.host);
            }
        }
        return;
    }
}

/* Parse whatever has arrived. */
static void process(void)
{
    enum fstate before;
    do {
        before = F.state;
        switch (F.state) {
        case F_HEAD:
            step_head();
            if (F.state == F_HEAD && F.eof) {
                finish(FW_FETCH_E_HTTP_MALFORMED,
                       "%s closed the connection before a complete response head", F.host);
            }
            break;
        case F_BODY:
            step_body();
            break;
        case F_IDLE:
        case F_DNS:
        case F_CONNECT:
        case F_REDIRECT:
        case F_DONE:
            break;
        }
    } while (F.state != before && (F.state == F_BODY || F.state == F_HEAD));
}

/* ---- pcb callbacks ------------------------------------------------------------------- */

static err_t cb_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    if (pcb != F.pcb) {
        if (p != NULL) {
            altcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL || err != ERR_OK) {
        if (p != NULL) {
            pbuf_free(p);
        }
        F.eof = true;
    } else if (F.rx == NULL) {
        F.rx = p;
    } else {
        pbuf_cat(F.rx, p);
    }
    F.aborted_in_cb = false;
    process();
    if (F.aborted_in_cb) {
        F.aborted_in_cb = false;
        return ERR_ABRT;
    }
    return ERR_OK;
}

static void send_request(void)
{
    err_t e;
    if (F.req_sent || F.pcb == NULL) {
        return;
    }
    e = altcp_write(F.pcb, F.req, (u16_t)F.req_len, TCP_WRITE_FLAG_COPY);
    if (e == ERR_MEM) {
        return; /* retried from fw_fetch_poll() */
    }
    if (e != ERR_OK) {
        finish(FW_FETCH_E_TLS, "Could not send the request to %s (%d)", F.host, (int)e);
        return;
    }
    (void)altcp_output(F.pcb);
    F.req_sent = true;
}

/* Called by net/tls.c only after a verified handshake. */
static err_t cb_connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    int n;
    (void)arg;
    if (pcb != F.pcb || err != ERR_OK) {
        return ERR_OK;
    }
    if (F.port != 443) {
        n = snprintf(F.req, sizeof(F.req),
                     "GET %.*s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: latchkey\r\n"
                     "Accept: application/samlmetadata+xml, application/xml, text/xml, */*\r\n"
                     "Accept-Encoding: identity\r\nConnection: close\r\n\r\n",
                     (int)(F.path_len > 0 ? F.path_len : 1),
                     F.path_len > 0 ? F.url + F.path_off : "/", F.host, (unsigned)F.port);
    } else {
        n = snprintf(F.req, sizeof(F.req),
                     "GET %.*s HTTP/1.1\r\nHost: %s\r\nUser-Agent: latchkey\r\n"
                     "Accept: application/samlmetadata+xml, application/xml, text/xml, */*\r\n"
                     "Accept-Encoding: identity\r\nConnection: close\r\n\r\n",
                     (int)(F.path_len > 0 ? F.path_len : 1),
                     F.path_len > 0 ? F.url + F.path_off : "/", F.host);
    }
    if (n < 0 || (size_t)n >= sizeof(F.req)) {
        finish(FW_FETCH_E_URL, "The URL is too long for a request line");
        return F.aborted_in_cb ? ERR_ABRT : ERR_OK;
    }
    F.req_len = (size_t)n;
    F.req_sent = false;
    F.state = F_HEAD;
    F.phase = "waiting for the response";
    F.deadline_phase = sys_now() + FW_FETCH_RESPONSE_TIMEOUT_MS;
    F.aborted_in_cb = false;
    send_request();
    if (F.aborted_in_cb) {
        F.aborted_in_cb = false;
        return ERR_ABRT;
    }
    return ERR_OK;
}

static void cb_err(void *arg, err_t err)
{
    (void)arg;
    (void)err;
    if (F.pcb == NULL) {
        return;
    }
    F.pcb = NULL; /* freed by the TLS layer */
    if (F.state == F_CONNECT && !F.tls.handshake_done) {
        if (!F.tls.tcp_connected) {
            finish(FW_FETCH_E_CONNECT, "Could not connect to %s:%u (refused, or no route)", F.host,
                   (unsigned)F.port);
        } else {
            finish_tls();
        }
        return;
    }
    if (F.tls.reset) {
        finish(FW_FETCH_E_RESET, "%s reset the connection while %s", host_port(), F.phase);
    } else {
        char e[100];
        fw_tls_mbedtls_strerror(F.tls.mbedtls_err, e, sizeof(e));
        finish(FW_FETCH_E_TLS, "TLS error from %s while %s (-0x%04x %s)", host_port(), F.phase,
               (unsigned)-F.tls.mbedtls_err, e);
    }
}

/* ---- connecting ---------------------------------------------------------------------- */

static void connect_to(const ip_addr_t *ip)
{
    struct fw_tls_client_opts o;
    int e = FW_TLS_OK;
    err_t err;

    o.trust = F.trust;
    o.hostname = F.host;
    o.status = &F.tls;
    F.pcb = fw_tls_client_new(&o, &e);
    if (F.pcb == NULL) {
        finish(e == FW_TLS_E_NOMEM ? FW_FETCH_E_NOMEM : FW_FETCH_E_INTERNAL,
               "Could not open a TLS connection: %s", fw_tls_strerror(e));
        return;
    }
    altcp_arg(F.pcb, NULL);
    altcp_recv(F.pcb, cb_recv);
    altcp_err(F.pcb, cb_err);
    F.state = F_CONNECT;
    F.phase = "connecting";
    F.tls_phase = false;
    F.deadline_phase = sys_now() + FW_FETCH_CONNECT_TIMEOUT_MS;
    err = altcp_connect(F.pcb, ip, F.port, cb_connected);
    if (err != ERR_OK) {
        finish(FW_FETCH_E_CONNECT, "Could not connect to %s:%u (lwIP error %d)", F.host,
               (unsigned)F.port, (int)err);
    }
}

static void dns_cb(const char *name, const ip_addr_t *ip, void *arg)
{
    (void)name;
    if ((uintptr_t)arg != F.gen || F.state != F_DNS) {
        return; /* an answer for a fetch that already ended */
    }
    if (ip == NULL || !IP_IS_V4(ip)) {
        finish(FW_FETCH_E_DNS, "The host name %s has no IPv4 address (DNS)", F.host);
        return;
    }
    connect_to(ip);
}

static void begin(void)
{
    ip_addr_t ip;
    err_t err;
    F.state = F_DNS;
    F.phase = "resolving the host name";
    F.deadline_phase = sys_now() + FW_FETCH_DNS_TIMEOUT_MS;
    F.status = 0;
    F.eof = false;
    F.req_sent = false;
    memset(&F.tls, 0, sizeof(F.tls));
    F.gen++;
    if (ipaddr_aton(F.host, &ip) && IP_IS_V4(&ip)) {
        connect_to(&ip);
        return;
    }
    err = dns_gethostbyname(F.host, &ip, dns_cb, (void *)F.gen);
    if (err == ERR_OK) {
        connect_to(&ip);
    } else if (err != ERR_INPROGRESS) {
        finish(FW_FETCH_E_DNS, "The host name %s cannot be looked up (no DNS server?)", F.host);
    }
}

/* ---- public -------------------------------------------------------------------------- */

int fw_fetch_start(const char *url, const struct fw_fetch_opts *opts, fw_fetch_done_fn done,
                   void *ctx)
{
    char why[FW_FETCH_DETAIL_MAX];
    int64_t utc;
    int rc;
    uint32_t now;

    if (F.state != F_IDLE) {
        return FW_FETCH_E_BUSY;
    }
    if (url == NULL || opts == NULL || opts->trust == NULL || opts->max_body == 0 || done == NULL) {
        return FW_FETCH_E_INVAL;
    }
    memset(&F.res, 0, sizeof(F.res));
    rc = parse_url(url, why, sizeof(why));
    if (rc != FW_FETCH_OK) {
        return rc;
    }
    /* Certificate validity is part of verification; without UTC it cannot be checked,
     * and a fetch that skipped it would accept a revoked-and-expired key. */
    if (hal_clock_utc(&utc) != HAL_OK) {
        return FW_FETCH_E_TIME_UNKNOWN;
    }
    if (!fw_tls_ready()) {
        return FW_FETCH_E_TLS_NOT_READY;
    }
    now = sys_now();
    F.trust = opts->trust;
    F.max_body = opts->max_body;
    F.done = done;
    F.ctx = ctx;
    F.t_start = now;
    F.deadline_total = now + (opts->timeout_ms != 0 ? opts->timeout_ms : FW_FETCH_TIMEOUT_MS);
    F.body = NULL;
    F.body_len = F.body_cap = 0;
    F.rx = NULL;
    F.pcb = NULL;
    begin();
    return FW_FETCH_OK;
}

static void follow_redirect(void)
{
    char next[FW_FETCH_URL_MAX + 1];
    char why[FW_FETCH_DETAIL_MAX];
    int rc = redirect_target(next, sizeof(next), why, sizeof(why));
    if (rc != FW_FETCH_OK) {
        F.state = F_HEAD; /* so that finish() records it */
        finish(rc, "%s", why);
        return;
    }
    rc = parse_url(next, why, sizeof(why));
    if (rc != FW_FETCH_OK) {
        F.state = F_HEAD;
        finish(rc == FW_FETCH_E_NOT_HTTPS ? FW_FETCH_E_REDIRECT : rc,
               "The URL redirects to %.80s, which is refused (%s)", next, why);
        return;
    }
    F.res.redirects++;
    sso_free(F.body);
    F.body = NULL;
    F.body_len = F.body_cap = 0;
    begin();
}

void fw_fetch_poll(uint32_t now_ms)
{
    switch (F.state) {
    case F_IDLE:
        return;
    case F_DONE: {
        fw_fetch_done_fn fn = F.done;
        void *ctx = F.ctx;
        delivered = F.res;
        memset(&F.res, 0, sizeof(F.res));
        F.state = F_IDLE;
        F.done = NULL;
        fn(&delivered, ctx);
        sso_free(delivered.body); /* unless the callback took it */
        delivered.body = NULL;
        return;
    }
    case F_REDIRECT:
        follow_redirect();
        return;
    case F_CONNECT:
        if (F.tls.tcp_connected && !F.tls_phase) {
            F.tls_phase = true;
            F.phase = "in the TLS handshake";
            F.deadline_phase = now_ms + FW_FETCH_TLS_TIMEOUT_MS;
        }
        break;
    case F_HEAD:
        send_request();
        break;
    case F_DNS:
    case F_BODY:
        break;
    }
    if (F.state != F_DONE &&
        (expired(now_ms, F.deadline_total) || expired(now_ms, F.deadline_phase))) {
        finish(FW_FETCH_E_TIMEOUT, "Timed out %s (%s:%u, after %lu ms)", F.phase, F.host,
               (unsigned)F.port, (unsigned long)(now_ms - F.t_start));
    }
}

bool fw_fetch_busy(void)
{
    return F.state != F_IDLE;
}

void fw_fetch_cancel(void)
{
    if (F.state != F_IDLE && F.state != F_DONE) {
        finish(FW_FETCH_E_TIMEOUT, "cancelled");
    }
}

const char *fw_fetch_err_code(int err)
{
    switch (err) {
#define FW_FETCH_ERR_CODE(name, value, code, detail)                                               \
    case name:                                                                                     \
        return code;
        FW_FETCH_ERR_TABLE(FW_FETCH_ERR_CODE)
#undef FW_FETCH_ERR_CODE
    default:
        return "unknown_error";
    }
}

const char *fw_fetch_strerror(int err)
{
    switch (err) {
#define FW_FETCH_ERR_DETAIL(name, value, code, detail)                                             \
    case name:                                                                                     \
        return detail;
        FW_FETCH_ERR_TABLE(FW_FETCH_ERR_DETAIL)
#undef FW_FETCH_ERR_DETAIL
    default:
        return "unknown error";
    }
}
