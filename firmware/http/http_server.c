/*
 * The HTTP/1.1 server: connection pool and per-connection state machine on lwIP altcp.
 *
 * States and transitions (one struct conn per connection, FW_HTTP_CONNS_MAX of them):
 *
 *   FREE    --accept-------------------------------------------> HEAD
 *   HEAD    --head complete, no body--> handler ---------------> SEND
 *           --head complete, body allowed (maybe 100 Continue)-> BODY
 *           --parse error / no route / body too large----------> SEND (error, then close)
 *           --peer closes, timeout, error----------------------> FREE
 *   BODY    --Content-Length bytes in--> handler --------------> SEND
 *           --peer closes, timeout, error----------------------> FREE
 *   SEND    --all queued, keep-alive---------------------------> HEAD (pipelined bytes
 *                                                                 already read are parsed)
 *           --all queued, close---------------------------------> CLOSING
 *           --timeout, error------------------------------------> FREE (abort)
 *   CLOSING --altcp_close() accepted---------------------------> FREE
 *           --timeout----------------------------------------- > FREE (abort)
 *
 * When the pool is full, a new connection takes the slot of the idle connection nearest
 * its timeout (evict_idle()): one between requests (keep-alive), or one silent since
 * accept. A connection in the middle of a request, or of a TLS handshake, is busy; if
 * every connection is busy, the new one is reset.
 *
 * Events: lwIP's recv/sent/err callbacks and fw_http_poll() (timeouts, retries). Every
 * event runs conn_run(), a loop over the state handlers that stops when one has to wait:
 * no handler calls another, so there is no recursion however many requests a client
 * pipelines.
 *
 * Received data is queued as lwIP delivered it (a pbuf chain) and only taken, and only
 * then acknowledged with altcp_recved(), when the state wants it: the TCP window is the
 * back-pressure on a client that sends faster than we answer.
 */
#include <stdio.h>
#include <string.h>

#include "hal/hal_err.h"
#include "http/http.h"
#include "http/http_msg.h"
#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "sso/alloc.h"

enum conn_state {
    CONN_FREE,
    CONN_HEAD,
    CONN_BODY,
    CONN_SEND,
    CONN_CLOSING,
};

/* What a state handler reports to conn_run(). */
enum step {
    STEP_WAIT,    /* nothing more to do until the next event */
    STEP_AGAIN,   /* the state changed: run the new state's handler */
    STEP_ABORTED, /* the pcb was aborted (callbacks must return ERR_ABRT) */
};

struct conn {
    enum conn_state state;
    struct altcp_pcb *pcb;
    struct fw_http_server *srv;
    uint32_t deadline_ms;
    struct pbuf *rx; /* received, not yet taken */
    /* request */
    char in[FW_HTTP_HEAD_MAX];
    size_t in_len;   /* bytes in in[] */
    size_t req_used; /* bytes of in[] the current request consumed (head + body part) */
    struct fw_http_req req;
    const struct fw_http_route *route;
    uint8_t *body; /* sso_malloc'd, content_length bytes */
    size_t body_got;
    /* response */
    char out[FW_HTTP_OUT_SIZE];
    size_t out_off, out_end; /* bytes out[out_off..out_end) still to queue */
    const uint8_t *stat;     /* static body still to queue */
    size_t stat_off, stat_len;
    char hdrs[FW_HTTP_EXTRA_HDRS_MAX];
    bool close_after;
    bool served; /* a response was sent: a TLS handshake, if any, is over */
};

static struct conn conns[FW_HTTP_CONNS_MAX];
static struct fw_http_stats stats;
static fw_http_conn_quiet_fn tls_quiet;

static bool expired(uint32_t now, uint32_t deadline)
{
    return (int32_t)(now - deadline) >= 0;
}

/* ---- releasing a connection ------------------------------------------------------ */

static void detach(struct conn *c)
{
    if (c->pcb != NULL) {
        altcp_arg(c->pcb, NULL);
        altcp_recv(c->pcb, NULL);
        altcp_sent(c->pcb, NULL);
        altcp_err(c->pcb, NULL);
        altcp_poll(c->pcb, NULL, 0);
    }
}

static void release(struct conn *c)
{
    if (c->rx != NULL) {
        pbuf_free(c->rx);
    }
    sso_free(c->body);
    c->rx = NULL;
    c->body = NULL;
    c->pcb = NULL;
    c->state = CONN_FREE;
    stats.active--;
}

static enum step conn_abort(struct conn *c)
{
    struct altcp_pcb *pcb = c->pcb;
    detach(c);
    release(c);
    altcp_abort(pcb);
    return STEP_ABORTED;
}

/* ---- receiving ------------------------------------------------------------------- */

static void recved(struct conn *c, size_t n)
{
    while (n > 0) {
        u16_t k = n > 0xFFFF ? 0xFFFF : (u16_t)n;
        altcp_recved(c->pcb, k);
        n -= k;
    }
}

/* Move up to @p n bytes from the front of the receive queue into @p dst. */
static size_t rx_take(struct conn *c, void *dst, size_t n)
{
    u16_t got;
    if (c->rx == NULL || n == 0) {
        return 0;
    }
    if (n > c->rx->tot_len) {
        n = c->rx->tot_len;
    }
    got = pbuf_copy_partial(c->rx, dst, (u16_t)n, 0);
    c->rx = pbuf_free_header(c->rx, got);
    recved(c, got);
    return got;
}

/* ---- responses ------------------------------------------------------------------- */

static void resp_init(struct conn *c, struct fw_http_resp *r)
{
    memset(r, 0, sizeof(*r));
    r->status = 200;
    r->content_type = "application/json";
    r->body = c->out + FW_HTTP_RESP_HEAD_MAX;
    r->body_size = FW_HTTP_BODY_OUT_MAX;
    r->hdrs = c->hdrs;
    r->hdrs_size = sizeof(c->hdrs);
}

static void error_body(struct fw_http_resp *r, int status)
{
    char b[96];
    int n =
        snprintf(b, sizeof(b), "{\"status\":%d,\"error\":\"%s\"}", status, fw_http_reason(status));
    r->status = status;
    r->content_type = "application/json";
    r->body_len = 0;
    r->static_body = NULL;
    if (n > 0 && (size_t)n < sizeof(b)) {
        (void)fw_http_resp_write(r, b, (size_t)n);
    }
}

/*
 * Lay out the head right before the body in out[], so head + body go out as one run:
 * out[FW_HTTP_RESP_HEAD_MAX - head_len .. FW_HTTP_RESP_HEAD_MAX + body_len).
 */
static void resp_commit(struct conn *c, struct fw_http_resp *r, bool head_only)
{
    char *h = c->out;
    size_t blen;
    int n;

    if (r->err != 0 || fw_http_reason(r->status)[0] == '\0') {
        r->hdrs_len = 0;
        r->cache_control = NULL; /* an error is never cached */
        r->err = 0;
        r->close = true;
        error_body(r, 500);
    }
    c->close_after = c->close_after || r->close || !c->req.keep_alive;
    blen = r->static_body != NULL ? r->static_len : r->body_len;
    n = snprintf(h, FW_HTTP_RESP_HEAD_MAX,
                 "HTTP/1.1 %d %s\r\n"
                 "Content-Type: %s\r\n"
                 "Content-Length: %lu\r\n"
                 "Connection: %s\r\n"
                 "Cache-Control: %s\r\n"
                 "X-Content-Type-Options: nosniff\r\n"
                 "X-Frame-Options: DENY\r\n"
                 "%.*s\r\n",
                 r->status, fw_http_reason(r->status), r->content_type, (unsigned long)blen,
                 c->close_after ? "close" : "keep-alive",
                 r->cache_control != NULL ? r->cache_control : "no-store", (int)r->hdrs_len,
                 r->hdrs);
    if (n < 0 || (size_t)n >= FW_HTTP_RESP_HEAD_MAX) {
        /* Extra headers too long for the head space: a 500 without them. */
        r->hdrs_len = 0;
        r->close = true;
        c->close_after = true;
        error_body(r, 500);
        blen = r->body_len;
        n = snprintf(h, FW_HTTP_RESP_HEAD_MAX,
                     "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                     "Content-Length: %lu\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n",
                     (unsigned long)blen);
    }
    memmove(h + FW_HTTP_RESP_HEAD_MAX - (size_t)n, h, (size_t)n);
    c->out_off = FW_HTTP_RESP_HEAD_MAX - (size_t)n;
    c->out_end = FW_HTTP_RESP_HEAD_MAX;
    c->stat = NULL;
    c->stat_off = c->stat_len = 0;
    if (!head_only) {
        if (r->static_body != NULL) {
            c->stat = r->static_body;
            c->stat_len = r->static_len;
        } else {
            c->out_end += r->body_len;
        }
    }
    c->state = CONN_SEND;
    c->deadline_ms = sys_now() + FW_HTTP_SEND_TIMEOUT_MS;
}

/* An answer by the server itself. After a refusal of the request's framing (400, 413,
 * 431, 501, ...) the rest of the stream is not trusted, so the connection closes; a 404
 * to a well-formed request keeps it. */
static void respond_error(struct conn *c, int status, bool close)
{
    struct fw_http_resp r;
    resp_init(c, &r);
    error_body(&r, status);
    r.close = close;
    resp_commit(c, &r, c->req.method == FW_HTTP_HEAD);
}

/* ---- routing --------------------------------------------------------------------- */

static bool path_matches(const struct fw_http_route *rt, struct fw_http_str path)
{
    size_t n = strlen(rt->path);
    if (rt->prefix) {
        return path.len >= n && memcmp(path.p, rt->path, n) == 0;
    }
    return path.len == n && memcmp(path.p, rt->path, n) == 0;
}

static bool method_matches(enum fw_http_method route, enum fw_http_method req)
{
    return route == req || (route == FW_HTTP_GET && req == FW_HTTP_HEAD);
}

static const char *method_name(enum fw_http_method m)
{
    switch (m) {
    case FW_HTTP_GET:
        return "GET, HEAD";
    case FW_HTTP_HEAD:
        return "HEAD";
    case FW_HTTP_POST:
        return "POST";
    case FW_HTTP_PUT:
        return "PUT";
    case FW_HTTP_DELETE:
        return "DELETE";
    case FW_HTTP_OTHER:
        return "";
    }
    return "";
}

/* 405 with the Allow header listing what the path does accept (RFC 9110 15.5.6). */
static void respond_405(struct conn *c)
{
    struct fw_http_resp r;
    char allow[64];
    size_t i, len = 0;
    allow[0] = '\0';
    for (i = 0; i < c->srv->n_routes; i++) {
        const struct fw_http_route *rt = &c->srv->routes[i];
        const char *m = method_name(rt->method);
        size_t ml = strlen(m);
        if (path_matches(rt, c->req.path) && ml > 0 && len + ml + 3 < sizeof(allow)) {
            if (len > 0) {
                memcpy(allow + len, ", ", 2);
                len += 2;
            }
            memcpy(allow + len, m, ml + 1);
            len += ml;
        }
    }
    resp_init(c, &r);
    error_body(&r, 405);
    (void)fw_http_resp_header(&r, "Allow", allow);
    resp_commit(c, &r, c->req.method == FW_HTTP_HEAD);
}

static void run_handler(struct conn *c)
{
    struct fw_http_resp r;
    resp_init(c, &r);
    c->req.body = c->body;
    c->req.body_len = c->req.content_length;
    stats.requests++;
    c->route->fn(&c->req, &r, c->route->ctx);
    resp_commit(c, &r, c->req.method == FW_HTTP_HEAD);
}

/* ---- state handlers -------------------------------------------------------------- */

static enum step on_head(struct conn *c)
{
    const struct fw_http_route *rt = NULL;
    bool path_known = false;
    size_t i, n, extra;
    int rc;

    n = rx_take(c, c->in + c->in_len, sizeof(c->in) - c->in_len);
    if (c->in_len == 0 && n > 0) {
        /* The first byte of a request starts its head timer (slow-loris bound). */
        c->deadline_ms = sys_now() + FW_HTTP_HEAD_TIMEOUT_MS;
    }
    c->in_len += n;
    if (c->in_len == 0) {
        return STEP_WAIT;
    }
    rc = fw_http_parse_head(c->in, c->in_len, sizeof(c->in), &c->req);
    if (rc == 0) {
        return STEP_WAIT;
    }
    if (rc < 0) {
        stats.bad_requests++;
        c->req.method = FW_HTTP_OTHER;
        c->req.keep_alive = false;
        respond_error(c, -rc, true);
        return STEP_AGAIN;
    }
    c->req.tls = c->srv->tls;
    c->req_used = (size_t)rc;

    for (i = 0; i < c->srv->n_routes && rt == NULL; i++) {
        const struct fw_http_route *r = &c->srv->routes[i];
        if (path_matches(r, c->req.path)) {
            path_known = true;
            if (method_matches(r->method, c->req.method)) {
                rt = r;
            }
        }
    }
    if (rt == NULL) {
        /* The body (if any) is not read: the connection closes after the answer. */
        c->close_after = c->req.content_length > 0;
        if (path_known) {
            respond_405(c);
        } else {
            respond_error(c, 404, false);
        }
        return STEP_AGAIN;
    }
    c->route = rt;
    if (c->req.content_length > rt->max_body || c->req.content_length > FW_HTTP_BODY_MAX) {
        stats.bad_requests++;
        respond_error(c, 413, true);
        return STEP_AGAIN;
    }
    if (c->req.content_length == 0) {
        run_handler(c);
        return STEP_AGAIN;
    }
    c->body = sso_malloc(c->req.content_length);
    if (c->body == NULL) {
        respond_error(c, 503, true);
        return STEP_AGAIN;
    }
    /* Body bytes that came in with the head. */
    extra = c->in_len - c->req_used;
    if (extra > c->req.content_length) {
        extra = c->req.content_length;
    }
    memcpy(c->body, c->in + c->req_used, extra);
    c->body_got = extra;
    c->req_used += extra;
    if (c->req.expect_continue && c->body_got < c->req.content_length) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        if (altcp_write(c->pcb, cont, sizeof(cont) - 1, 0) != ERR_OK) {
            return conn_abort(c);
        }
        (void)altcp_output(c->pcb);
    }
    c->state = CONN_BODY;
    c->deadline_ms = sys_now() + FW_HTTP_BODY_TIMEOUT_MS;
    return STEP_AGAIN;
}

static enum step on_body(struct conn *c)
{
    c->body_got += rx_take(c, c->body + c->body_got, c->req.content_length - c->body_got);
    if (c->body_got < c->req.content_length) {
        return STEP_WAIT;
    }
    run_handler(c);
    return STEP_AGAIN;
}

/* The response is queued: keep the connection for the next request, or close it. */
static enum step response_done(struct conn *c)
{
    sso_free(c->body);
    c->body = NULL;
    c->body_got = 0;
    if (c->close_after) {
        /* Acknowledge what we will never read, so lwIP closes with FIN, not RST
         * (a reset could destroy the response in the client's receive buffer). */
        if (c->rx != NULL) {
            recved(c, c->rx->tot_len);
            pbuf_free(c->rx);
            c->rx = NULL;
        }
        c->state = CONN_CLOSING;
        c->deadline_ms = sys_now() + FW_HTTP_SEND_TIMEOUT_MS;
        return STEP_AGAIN;
    }
    /* Keep-alive: forget this request, keep pipelined bytes already read. */
    memmove(c->in, c->in + c->req_used, c->in_len - c->req_used);
    c->in_len -= c->req_used;
    c->req_used = 0;
    memset(&c->req, 0, sizeof(c->req));
    c->route = NULL;
    c->served = true;
    c->state = CONN_HEAD;
    c->deadline_ms =
        sys_now() + (c->in_len > 0 ? FW_HTTP_HEAD_TIMEOUT_MS : FW_HTTP_IDLE_TIMEOUT_MS);
    return STEP_AGAIN;
}

static enum step on_send(struct conn *c)
{
    for (;;) {
        const void *p;
        size_t left;
        u16_t n, room = altcp_sndbuf(c->pcb);
        u8_t flags;
        err_t err;
        if (c->out_off < c->out_end) {
            p = c->out + c->out_off;
            left = c->out_end - c->out_off;
            flags = TCP_WRITE_FLAG_COPY;
        } else if (c->stat_off < c->stat_len) {
            p = c->stat + c->stat_off;
            left = c->stat_len - c->stat_off;
            flags = 0; /* program-lifetime data: lwIP may reference it */
        } else {
            break;
        }
        if (room == 0) {
            (void)altcp_output(c->pcb);
            return STEP_WAIT; /* the sent callback or the poll brings us back */
        }
        n = left > room ? room : (u16_t)left;
        if (n < left || (c->out_off < c->out_end && c->stat_len > 0)) {
            flags |= TCP_WRITE_FLAG_MORE;
        }
        err = altcp_write(c->pcb, p, n, flags);
        if (err == ERR_MEM) {
            (void)altcp_output(c->pcb);
            return STEP_WAIT; /* lwIP's heap or segment queue is full: retried later */
        }
        if (err != ERR_OK) {
            return conn_abort(c);
        }
        if (c->out_off < c->out_end) {
            c->out_off += n;
        } else {
            c->stat_off += n;
        }
    }
    (void)altcp_output(c->pcb);
    return response_done(c);
}

static enum step on_closing(struct conn *c)
{
    /* altcp_close() detaches our callbacks itself when it succeeds, and leaves them in
     * place when it fails (no memory for the FIN): then the poll tries again. */
    if (altcp_close(c->pcb) != ERR_OK) {
        return STEP_WAIT;
    }
    c->pcb = NULL;
    release(c);
    return STEP_WAIT;
}

/* Run the connection until it has to wait for an event. */
static err_t conn_run(struct conn *c)
{
    for (;;) {
        enum step s = STEP_WAIT;
        switch (c->state) {
        case CONN_FREE:
            return ERR_OK;
        case CONN_HEAD:
            s = on_head(c);
            break;
        case CONN_BODY:
            s = on_body(c);
            break;
        case CONN_SEND:
            s = on_send(c);
            break;
        case CONN_CLOSING:
            s = on_closing(c);
            break;
        }
        if (s == STEP_ABORTED) {
            return ERR_ABRT;
        }
        if (s == STEP_WAIT) {
            return ERR_OK;
        }
    }
}

/* ---- lwIP callbacks -------------------------------------------------------------- */

static err_t cb_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;
    (void)pcb;
    if (c == NULL) {
        if (p != NULL) {
            altcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL || err != ERR_OK) {
        /* The peer closed its side. A request still being read will never complete;
         * a response being sent may still go out (half-close), then we close. */
        if (p != NULL) {
            pbuf_free(p);
        }
        if (c->state == CONN_SEND) {
            c->close_after = true;
            return conn_run(c);
        }
        if (c->state == CONN_CLOSING) {
            return conn_run(c);
        }
        c->close_after = true;
        c->state = CONN_CLOSING;
        return conn_run(c);
    }
    if (c->rx == NULL) {
        c->rx = p;
    } else {
        pbuf_cat(c->rx, p);
    }
    return conn_run(c);
}

static err_t cb_sent(void *arg, struct altcp_pcb *pcb, u16_t len)
{
    struct conn *c = arg;
    (void)pcb;
    (void)len;
    if (c == NULL) {
        return ERR_OK;
    }
    if (c->state == CONN_SEND) {
        c->deadline_ms = sys_now() + FW_HTTP_SEND_TIMEOUT_MS; /* progress */
    }
    return conn_run(c);
}

static void cb_err(void *arg, err_t err)
{
    struct conn *c = arg;
    (void)err;
    if (c != NULL) {
        c->pcb = NULL; /* already freed by lwIP */
        release(c);
    }
}

/*
 * Idle: waiting for a request with no byte of it read. On plain TCP that is a keep-alive
 * connection between requests or a new one that has sent nothing. On TLS the server sees
 * only decrypted bytes, so a connection in its handshake looks the same; closing it would
 * cut a client off mid-handshake (and let a burst of new connections starve every
 * handshake). There the TLS layer says whether it is quiet (fw_http_set_conn_quiet);
 * without that hook only a connection already served once counts.
 */
static bool conn_idle(const struct conn *c)
{
    if (c->state != CONN_HEAD || c->in_len != 0 || c->rx != NULL) {
        return false;
    }
    if (!c->srv->tls) {
        return true;
    }
    return tls_quiet != NULL ? tls_quiet(c->pcb) : c->served;
}

/*
 * The pool is full: close the idle connection closest to its timeout (conn_idle()), so
 * that a browser's parked connections, or an attacker's silent ones, cannot lock the admin
 * out. A connection in the middle of a request or of a TLS handshake is never evicted.
 */
static struct conn *evict_idle(void)
{
    struct conn *victim = NULL;
    size_t i;
    for (i = 0; i < FW_HTTP_CONNS_MAX; i++) {
        struct conn *c = &conns[i];
        if (conn_idle(c) &&
            (victim == NULL || (int32_t)(c->deadline_ms - victim->deadline_ms) < 0)) {
            victim = c;
        }
    }
    if (victim == NULL) {
        return NULL;
    }
    stats.evicted++;
    if (altcp_close(victim->pcb) == ERR_OK) {
        victim->pcb = NULL;
        release(victim);
    } else {
        (void)conn_abort(victim);
    }
    return victim;
}

static err_t cb_accept(void *arg, struct altcp_pcb *newpcb, err_t err)
{
    struct fw_http_server *srv = arg;
    struct conn *c = NULL;
    size_t i;
    if (err != ERR_OK || newpcb == NULL) {
        return ERR_VAL;
    }
    for (i = 0; i < FW_HTTP_CONNS_MAX && c == NULL; i++) {
        if (conns[i].state == CONN_FREE) {
            c = &conns[i];
        }
    }
    if (c == NULL) {
        c = evict_idle();
    }
    if (c == NULL) {
        /* Pool full: refuse at once (RST) rather than queue without bound. */
        stats.refused_full++;
        altcp_abort(newpcb);
        return ERR_ABRT;
    }
    memset(c, 0, sizeof(*c));
    c->state = CONN_HEAD;
    c->pcb = newpcb;
    c->srv = srv;
    c->deadline_ms = sys_now() + FW_HTTP_HEAD_TIMEOUT_MS;
    stats.accepted++;
    stats.active++;
    altcp_arg(newpcb, c);
    altcp_recv(newpcb, cb_recv);
    altcp_sent(newpcb, cb_sent);
    altcp_err(newpcb, cb_err);
    altcp_nagle_disable(newpcb);
    return ERR_OK;
}

/* ---- public ---------------------------------------------------------------------- */

int fw_http_start(struct fw_http_server *srv, uint16_t port, void *alloc)
{
    struct altcp_pcb *pcb, *lpcb;
    err_t err = ERR_OK;
    pcb = alloc != NULL ? altcp_new_ip_type((altcp_allocator_t *)alloc, IPADDR_TYPE_V4)
                        : altcp_tcp_new_ip_type(IPADDR_TYPE_V4);
    if (pcb == NULL) {
        return HAL_ENOMEM;
    }
    if (altcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
        altcp_close(pcb);
        return HAL_EIO;
    }
    lpcb = altcp_listen_with_backlog_and_err(pcb, FW_HTTP_CONNS_MAX, &err);
    if (lpcb == NULL) {
        altcp_close(pcb);
        return HAL_EIO;
    }
    srv->tls = alloc != NULL;
    srv->pcb = lpcb;
    altcp_arg(lpcb, srv);
    altcp_accept(lpcb, cb_accept);
    return HAL_OK;
}

void fw_http_set_conn_quiet(fw_http_conn_quiet_fn fn)
{
    tls_quiet = fn;
}

void fw_http_poll(uint32_t now_ms)
{
    size_t i;
    for (i = 0; i < FW_HTTP_CONNS_MAX; i++) {
        struct conn *c = &conns[i];
        if (c->state == CONN_FREE) {
            continue;
        }
        if (expired(now_ms, c->deadline_ms)) {
            stats.timeouts++;
            if (c->state == CONN_HEAD && c->in_len == 0 && c->rx == NULL) {
                /* An idle keep-alive connection: a polite close. */
                c->close_after = true;
                c->state = CONN_CLOSING;
                c->deadline_ms = now_ms + FW_HTTP_SEND_TIMEOUT_MS;
            } else {
                (void)conn_abort(c);
                continue;
            }
        }
        if (c->state == CONN_SEND || c->state == CONN_CLOSING) {
            (void)conn_run(c); /* retry what waited for memory */
        }
    }
}

void fw_http_get_stats(struct fw_http_stats *out)
{
    *out = stats;
}
