/*
 * The TLS altcp layer: mbedTLS 3.6 between the application's altcp pcb ("outer") and
 * an altcp_tcp pcb ("inner"). Written for this firmware; lwIP's own
 * apps/altcp_tls/altcp_tls_mbedtls.c targets mbedTLS 2.x (tls.h has the model).
 *
 * One struct conn per connection (sso_calloc), found from both sides: outer->state and
 * the inner pcb's arg. States and transitions:
 *
 *   WAIT_SLOT  (server) accepted; no mbedTLS context yet, the ClientHello waits in TCP
 *              --a context is free (count < FW_TLS_SERVER_CONNS_MAX)----> HANDSHAKE
 *              --none free: ask an idle connection to close (evict), wait
 *   CONNECTING (client) altcp_connect() called --TCP connected---------> HANDSHAKE
 *   HANDSHAKE  --mbedtls_ssl_handshake() done (client: peer verified)---> OPEN
 *                (client: the application's connected callback runs now)
 *              --error, alert, peer FIN, bad certificate---------------> DEAD (app: err)
 *   OPEN       records in both directions; peer close_notify or FIN: recv(NULL) to the
 *              application once all plaintext before it was delivered
 *              --evicted: close_notify, recv(NULL) to the application (it closes)
 *              --record error-------------------------------------------> DEAD (app: err)
 *   any        --application altcp_close(): close_notify, TCP close-----> DEAD
 *              --application altcp_abort(): TCP abort ------------------> DEAD
 *              --TCP reset or error (inner err callback)----------------> DEAD (app: err)
 *   DEAD       freed as soon as no function of this file is running on it.
 *
 * Events: the inner pcb's callbacks (recv, sent, err, poll, connected), fw_tls_poll(),
 * and the application's calls. Each event runs conn_run(): a loop over the state handler
 * until it has to wait. The application's callbacks are only ever called from inside
 * conn_run(), at points where mbedTLS is not in the middle of a call; the application's
 * own calls into this layer (write, recved, close, abort) never call back into the
 * application, and a conn_run() already running on a connection is not entered again
 * (the event is noted and the running loop goes round once more). So there is no
 * recursion, however the application and lwIP interleave, and a connection is never
 * freed under a caller.
 */
#include <string.h>

#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/pbuf.h"
#include "lwip/priv/altcp_priv.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "mbedtls/platform_util.h"
#include "net/tls.h"
#include "net/tls_priv.h"
#include "sso/alloc.h"
#include "trust/trust.h"

#define INNER_POLL_INTERVAL 2 /* TCP slow timer ticks of 500 ms: once a second */
#define CONNS_MAX           (FW_TLS_SERVER_CONNS_MAX + FW_TLS_SERVER_WAIT_MAX + FW_TLS_CLIENT_CONNS_MAX)

enum conn_state {
    ST_WAIT_SLOT,
    ST_CONNECTING,
    ST_HANDSHAKE,
    ST_OPEN,
    ST_DEAD,
};

/* Client configuration: one per client connection (trust and host differ per fetch). */
struct client {
    mbedtls_ssl_config conf;
    const struct fw_trust *trust;
};

struct conn {
    enum conn_state state;
    bool server;
    struct altcp_pcb *outer;  /* the application's pcb; NULL once it closed or aborted it */
    struct altcp_pcb *inner;  /* TCP; NULL once closed, aborted or gone */
    struct fw_tls_cred *cred; /* server: the credentials it was accepted with */
    struct client *cli;       /* client */
    struct fw_tls_status *status;
    bool have_ssl; /* ssl is set up (holds a context and its buffers) */
    mbedtls_ssl_context ssl;

    struct pbuf *rx;      /* ciphertext from TCP, not yet read by mbedTLS */
    uint32_t rx_consumed; /* ciphertext mbedTLS took, to acknowledge to TCP */
    struct pbuf *plain;   /* decrypted, refused by the application: offered again */
    uint32_t plain_unacked;
    uint32_t sent_credit; /* plaintext written, not yet reported through sent */
    uint32_t sent_due;    /* acknowledged, to report through the application's sent */
    uint32_t last_active_ms;
    int fatal; /* an error met outside conn_run(), handled by the next run */
    uint8_t app_poll_ticks;

    bool rx_any;        /* a byte arrived since accept (a ClientHello, at least) */
    bool rx_fin;        /* TCP FIN from the peer */
    bool eof_delivered; /* recv(NULL) was given to the application */
    bool flush_pending; /* a record waits in mbedTLS's output buffer */
    bool notify_sent;   /* our close_notify is written (or waiting in the buffer) */
    bool evict;         /* asked to close for a waiting connection */
    bool evicting;      /* close_notify + recv(NULL) done for an eviction */
    bool need_output;
    bool app_poll_due;
    bool running;       /* inside conn_run(): frees are deferred */
    bool rerun;         /* an event came in while running */
    bool inner_aborted; /* the inner pcb was aborted: its callback must return ERR_ABRT */
};

static struct conn *live[CONNS_MAX];
static struct fw_tls_stats stats;
static const struct altcp_functions tls_functions;
static altcp_allocator_t server_alloc;
static const char listen_marker[] = "tls-listen"; /* outer->state of a listening pcb */

static err_t conn_run(struct conn *c);
static void app_err(struct conn *c, err_t err);

/* ---- bookkeeping ------------------------------------------------------------------- */

static bool live_add(struct conn *c)
{
    size_t i;
    for (i = 0; i < CONNS_MAX; i++) {
        if (live[i] == NULL) {
            live[i] = c;
            return true;
        }
    }
    return false;
}

static void count_conns(size_t *srv_active, size_t *srv_waiting, size_t *clients)
{
    size_t i;
    *srv_active = *srv_waiting = *clients = 0;
    for (i = 0; i < CONNS_MAX; i++) {
        const struct conn *c = live[i];
        if (c == NULL) {
            continue;
        }
        if (!c->server) {
            (*clients)++;
        } else if (c->have_ssl) {
            (*srv_active)++;
        } else {
            (*srv_waiting)++;
        }
    }
}

static void conn_free(struct conn *c)
{
    size_t i;
    for (i = 0; i < CONNS_MAX; i++) {
        if (live[i] == c) {
            live[i] = NULL;
        }
    }
    if (c->have_ssl) {
        mbedtls_ssl_free(&c->ssl);
    }
    if (c->cli != NULL) {
        mbedtls_ssl_config_free(&c->cli->conf);
        sso_free(c->cli);
    }
    fw_tls_cred_put(c->cred);
    if (c->rx != NULL) {
        pbuf_free(c->rx);
    }
    if (c->plain != NULL) {
        pbuf_free(c->plain);
    }
    sso_free(c);
}

static void note(struct conn *c, int err)
{
    if (c->status != NULL && c->status->mbedtls_err == 0) {
        c->status->mbedtls_err = err;
    }
}

/* ---- the inner (TCP) pcb ----------------------------------------------------------- */

static void inner_detach(struct altcp_pcb *inner)
{
    altcp_arg(inner, NULL);
    altcp_recv(inner, NULL);
    altcp_sent(inner, NULL);
    altcp_err(inner, NULL);
    altcp_poll(inner, NULL, 0);
}

/* Acknowledge to TCP the ciphertext mbedTLS has read. */
static void inner_ack(struct conn *c)
{
    while (c->rx_consumed > 0 && c->inner != NULL) {
        u16_t n = c->rx_consumed > 0xFFFFu ? 0xFFFFu : (u16_t)c->rx_consumed;
        altcp_recved(c->inner, n);
        c->rx_consumed -= n;
    }
}

/*
 * Close TCP (FIN after whatever is queued, alerts included). Everything received is
 * acknowledged first so that lwIP closes with FIN rather than RST (a reset could destroy
 * our last records, a close_notify or an alert, in the peer's receive buffer). If the
 * close cannot be queued, the connection is aborted instead.
 */
static void inner_close(struct conn *c)
{
    struct altcp_pcb *in = c->inner;
    if (in == NULL) {
        return;
    }
    if (c->rx != NULL) {
        c->rx_consumed += c->rx->tot_len;
        pbuf_free(c->rx);
        c->rx = NULL;
    }
    inner_ack(c);
    inner_detach(in);
    c->inner = NULL;
    if (c->outer != NULL) {
        c->outer->inner_conn = NULL;
    }
    if (altcp_close(in) != ERR_OK) {
        altcp_abort(in);
        c->inner_aborted = true;
    }
}

static void inner_abort(struct conn *c)
{
    struct altcp_pcb *in = c->inner;
    if (in == NULL) {
        return;
    }
    inner_detach(in);
    c->inner = NULL;
    if (c->outer != NULL) {
        c->outer->inner_conn = NULL;
    }
    altcp_abort(in);
    c->inner_aborted = true;
}

/* ---- mbedTLS I/O callbacks ------------------------------------------------------- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct conn *c = ctx;
    u16_t room;
    err_t err;
    if (c->inner == NULL) {
        return MBEDTLS_ERR_SSL_CONN_EOF; /* TCP is gone */
    }
    room = altcp_sndbuf(c->inner);
    if (room == 0) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    if (len > room) {
        len = room; /* mbedTLS keeps the rest and calls again (partial write) */
    }
    err = altcp_write(c->inner, buf, (u16_t)len, TCP_WRITE_FLAG_COPY);
    if (err == ERR_MEM) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    if (err != ERR_OK) {
        return MBEDTLS_ERR_SSL_CONN_EOF; /* TCP refused the data: broken */
    }
    c->need_output = true;
    return (int)len;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct conn *c = ctx;
    u16_t n;
    if (c->rx == NULL) {
        /* 0 is end of stream for mbedTLS: MBEDTLS_ERR_SSL_CONN_EOF, not a close_notify. */
        return c->rx_fin ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
    }
    if (len > c->rx->tot_len) {
        len = c->rx->tot_len;
    }
    if (len > 0xFFFFu) {
        len = 0xFFFFu;
    }
    n = pbuf_copy_partial(c->rx, buf, (u16_t)len, 0);
    c->rx = pbuf_free_header(c->rx, n);
    c->rx_consumed += n;
    return (int)n;
}

/* ---- ending a connection --------------------------------------------------------- */

/* The connection is over: TCP closes (or is gone), the application learns it through its
 * err callback; its pcb is freed first, as lwIP's err contract says. */
static void conn_fail(struct conn *c, int mbedtls_err, err_t app_code)
{
    if (c->state == ST_HANDSHAKE || c->state == ST_WAIT_SLOT) {
        stats.handshake_failures++;
        stats.last_error = mbedtls_err;
    }
    if (mbedtls_err != 0) {
        note(c, mbedtls_err);
    }
    if (mbedtls_err == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && c->status != NULL && c->have_ssl) {
        c->status->verify_flags |= mbedtls_ssl_get_verify_result(&c->ssl);
    }
    inner_close(c);
    c->state = ST_DEAD;
    app_err(c, app_code);
}

static void app_err(struct conn *c, err_t err)
{
    struct altcp_pcb *o = c->outer;
    altcp_err_fn fn;
    void *arg;
    if (o == NULL) {
        return;
    }
    fn = o->err;
    arg = o->arg;
    c->outer = NULL;
    o->state = NULL;
    o->inner_conn = NULL;
    altcp_free(o);
    if (fn != NULL) {
        fn(arg, err);
    }
}

/* ---- delivering to the application ------------------------------------------------ */

static bool gone(const struct conn *c)
{
    return c->state == ST_DEAD || c->outer == NULL;
}

/* Offer @p p to the application. @return true if it took it (or it is gone). */
static bool deliver(struct conn *c, struct pbuf *p)
{
    struct altcp_pcb *o = c->outer;
    u16_t len = p->tot_len;
    err_t err;
    if (o == NULL || o->recv == NULL) {
        pbuf_free(p); /* nobody reads: drop (the application closed its side) */
        return true;
    }
    c->plain_unacked += len; /* before the call: altcp_recved() may come from inside it */
    err = o->recv(o->arg, o, p, ERR_OK);
    if (err == ERR_OK || err == ERR_ABRT) {
        return true; /* taken (after an abort, the application freed it with its pcb) */
    }
    if (gone(c)) {
        pbuf_free(p);
        return true;
    }
    /* Refused: keep it and offer it again at the next event. */
    c->plain_unacked = c->plain_unacked >= len ? c->plain_unacked - len : 0;
    c->plain = p;
    return false;
}

static void deliver_eof(struct conn *c)
{
    struct altcp_pcb *o = c->outer;
    c->eof_delivered = true;
    if (o != NULL && o->recv != NULL) {
        (void)o->recv(o->arg, o, NULL, ERR_OK);
    }
}

/* ---- state handlers ------------------------------------------------------------- */

enum step {
    STEP_WAIT,
    STEP_AGAIN,
};

/* From here on the connection counts as holding a context (conn_free() frees it). */
static void ssl_init(struct conn *c)
{
    mbedtls_ssl_init(&c->ssl);
    c->have_ssl = true;
}

/* Pick an idle server connection to close for a waiting one: handshake done, nothing
 * in flight either way, quiet for FW_TLS_EVICT_IDLE_MS; the quietest first. Only as many
 * evictions run at once as connections wait, so one burst cannot empty the pool. */
static void ask_eviction(uint32_t now)
{
    struct conn *victim = NULL;
    size_t i, waiting = 0, evicting = 0;
    for (i = 0; i < CONNS_MAX; i++) {
        struct conn *c = live[i];
        if (c == NULL || !c->server) {
            continue;
        }
        if (!c->have_ssl) {
            waiting++;
        } else if (c->evict || c->evicting) {
            evicting++;
        }
    }
    if (evicting >= waiting) {
        return;
    }
    for (i = 0; i < CONNS_MAX; i++) {
        struct conn *c = live[i];
        if (c == NULL || !c->server || c->state != ST_OPEN || c->evict || c->evicting ||
            c->eof_delivered || c->flush_pending || c->rx != NULL || c->plain != NULL ||
            c->plain_unacked != 0 || c->inner == NULL || altcp_sndqueuelen(c->inner) != 0 ||
            (uint32_t)(now - c->last_active_ms) < FW_TLS_EVICT_IDLE_MS) {
            continue;
        }
        if (victim == NULL || (int32_t)(c->last_active_ms - victim->last_active_ms) < 0) {
            victim = c;
        }
    }
    if (victim != NULL) {
        victim->evict = true;
    }
}

static enum step on_wait_slot(struct conn *c)
{
    size_t active, waiting, clients;
    int rc;
    count_conns(&active, &waiting, &clients);
    if (active >= FW_TLS_SERVER_CONNS_MAX) {
        ask_eviction(sys_now());
        return STEP_WAIT;
    }
    ssl_init(c);
    rc = mbedtls_ssl_setup(&c->ssl, &c->cred->conf);
    if (rc != 0) {
        conn_fail(c, rc, ERR_MEM);
        return STEP_WAIT;
    }
    mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
    c->state = ST_HANDSHAKE;
    return STEP_AGAIN;
}

static enum step on_handshake(struct conn *c)
{
    int rc = mbedtls_ssl_handshake(&c->ssl);
    if (rc == MBEDTLS_ERR_SSL_WANT_READ) {
        if (c->rx_fin && c->rx == NULL) {
            /* The peer closed before the handshake completed (a plain-HTTP client, a
             * scanner, a client that refused our certificate). */
            conn_fail(c, MBEDTLS_ERR_SSL_CONN_EOF, ERR_CLSD);
        }
        return STEP_WAIT;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return STEP_WAIT; /* TCP's send buffer is full: the sent callback brings us back */
    }
    if (rc != 0) {
        conn_fail(c, rc, ERR_CLSD);
        return STEP_WAIT;
    }
    c->state = ST_OPEN;
    c->last_active_ms = sys_now();
    stats.handshakes++;
    stats.last_version = mbedtls_ssl_get_version(&c->ssl);
    stats.last_ciphersuite = mbedtls_ssl_get_ciphersuite(&c->ssl);
    if (c->status != NULL) {
        c->status->handshake_done = true;
        c->status->version = stats.last_version;
        c->status->ciphersuite = stats.last_ciphersuite;
    }
    if (!c->server && c->outer != NULL && c->outer->connected != NULL) {
        /* The client's application learns of the connection only now, verified. */
        err_t err = c->outer->connected(c->outer->arg, c->outer, ERR_OK);
        if (err == ERR_ABRT || gone(c)) {
            return STEP_WAIT;
        }
    }
    return STEP_AGAIN;
}

/* Evicted: a polite close_notify, and the application sees the peer "close". */
static void evict_now(struct conn *c)
{
    int rc;
    c->evict = false;
    c->evicting = true;
    stats.evicted++;
    if (!c->notify_sent && !c->flush_pending) {
        c->notify_sent = true;
        rc = mbedtls_ssl_close_notify(&c->ssl);
        if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
            c->flush_pending = true;
        }
    }
    deliver_eof(c);
}

/* Decrypt what TCP brought and hand it up, while the application keeps up. */
static enum step on_open(struct conn *c)
{
    int rc;
    if (c->flush_pending) {
        /* mbedtls_ssl_write() with the earlier record still buffered only flushes it
         * (ssl_msg.c: out_left != 0); with nothing buffered it would send an empty
         * record, which is harmless, and flush_pending rules that out anyway. */
        rc = mbedtls_ssl_write(&c->ssl, NULL, 0);
        if (rc >= 0) {
            c->flush_pending = false;
        } else if (rc != MBEDTLS_ERR_SSL_WANT_WRITE) {
            conn_fail(c, rc, ERR_CLSD);
            return STEP_WAIT;
        }
    }
    if (c->sent_due > 0 && c->outer != NULL && c->outer->sent != NULL) {
        u16_t n = c->sent_due > 0xFFFFu ? 0xFFFFu : (u16_t)c->sent_due;
        c->sent_due -= n;
        if (c->outer->sent(c->outer->arg, c->outer, n) == ERR_ABRT || gone(c)) {
            return STEP_WAIT;
        }
    }
    if (c->evict) {
        evict_now(c);
        return gone(c) ? STEP_WAIT : STEP_AGAIN;
    }
    if (c->plain != NULL) {
        struct pbuf *p = c->plain;
        c->plain = NULL;
        if (!deliver(c, p)) {
            return STEP_WAIT;
        }
        if (gone(c)) {
            return STEP_WAIT;
        }
    }
    while (!c->eof_delivered && c->plain_unacked < TCP_WND) {
        struct pbuf *p = pbuf_alloc(PBUF_RAW, TCP_MSS, PBUF_POOL);
        if (p == NULL) {
            return STEP_WAIT; /* pool exhausted: the next event or poll retries */
        }
        rc = mbedtls_ssl_read(&c->ssl, p->payload, p->len);
        if (rc > 0) {
            pbuf_realloc(p, (u16_t)rc);
            c->last_active_ms = sys_now();
            if (!deliver(c, p) || gone(c)) {
                return STEP_WAIT;
            }
            continue;
        }
        pbuf_free(p);
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
            return STEP_WAIT;
        }
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
        if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            continue; /* a TLS 1.3 ticket we do not use */
        }
#endif
        if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            if (c->status != NULL) {
                c->status->close_notify = true;
            }
            deliver_eof(c);
            return STEP_WAIT;
        }
        if (rc == 0 || rc == MBEDTLS_ERR_SSL_CONN_EOF) {
            /* FIN without close_notify: the stream may have been cut (truncation); the
             * status says so and a client must not take a close-delimited body. */
            deliver_eof(c);
            return STEP_WAIT;
        }
        conn_fail(c, rc, ERR_CLSD);
        return STEP_WAIT;
    }
    return STEP_WAIT;
}

/* Run the connection until it has to wait. @return what the inner callback returns. */
static err_t conn_run(struct conn *c)
{
    err_t ret;
    if (c->running) {
        c->rerun = true;
        return ERR_OK;
    }
    c->running = true;
    do {
        enum step s = STEP_AGAIN;
        c->rerun = false;
        if (c->fatal != 0 && c->state != ST_DEAD) {
            int f = c->fatal;
            c->fatal = 0;
            conn_fail(c, f, ERR_CLSD);
        }
        while (s == STEP_AGAIN) {
            switch (c->state) {
            case ST_WAIT_SLOT:
                s = on_wait_slot(c);
                break;
            case ST_CONNECTING:
                s = STEP_WAIT;
                break;
            case ST_HANDSHAKE:
                s = on_handshake(c);
                break;
            case ST_OPEN:
                s = on_open(c);
                break;
            case ST_DEAD:
                s = STEP_WAIT;
                break;
            }
        }
        if (c->app_poll_due && !gone(c)) {
            c->app_poll_due = false;
            if (c->outer->poll != NULL) {
                (void)c->outer->poll(c->outer->arg, c->outer);
            }
        }
    } while (c->rerun && c->state != ST_DEAD);
    inner_ack(c);
    if (c->need_output && c->inner != NULL) {
        c->need_output = false;
        (void)altcp_output(c->inner);
    }
    c->running = false;
    ret = c->inner_aborted ? ERR_ABRT : ERR_OK;
    c->inner_aborted = false;
    if (c->state == ST_DEAD && c->outer == NULL) {
        conn_free(c);
    }
    return ret;
}

/* ---- inner callbacks ------------------------------------------------------------- */

static err_t lower_recv(void *arg, struct altcp_pcb *inner, struct pbuf *p, err_t err)
{
    struct conn *c = arg;
    if (c == NULL) {
        if (p != NULL) {
            altcp_recved(inner, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL || err != ERR_OK) {
        if (p != NULL) {
            pbuf_free(p);
        }
        c->rx_fin = true;
    } else if (c->rx == NULL) {
        c->rx_any = true;
        c->rx = p;
    } else {
        c->rx_any = true;
        pbuf_cat(c->rx, p);
    }
    c->last_active_ms = sys_now();
    return conn_run(c);
}

static err_t lower_sent(void *arg, struct altcp_pcb *inner, u16_t len)
{
    struct conn *c = arg;
    uint32_t n;
    (void)inner;
    if (c == NULL) {
        return ERR_OK;
    }
    /* Report acknowledged bytes as plaintext, never more than was written. */
    n = len < c->sent_credit ? len : c->sent_credit;
    c->sent_credit -= n;
    c->sent_due += n;
    c->last_active_ms = sys_now();
    return conn_run(c);
}

static void lower_err(void *arg, err_t err)
{
    struct conn *c = arg;
    if (c == NULL) {
        return;
    }
    /* lwIP has freed the TCP pcb (reset, or its retransmissions gave up). */
    c->inner = NULL;
    if (c->outer != NULL) {
        c->outer->inner_conn = NULL;
    }
    if (c->status != NULL) {
        c->status->reset = true;
    }
    if (c->state == ST_HANDSHAKE) {
        stats.handshake_failures++;
    }
    c->state = ST_DEAD;
    app_err(c, err);
    if (!c->running) {
        conn_free(c);
    }
}

static err_t lower_poll(void *arg, struct altcp_pcb *inner)
{
    struct conn *c = arg;
    (void)inner;
    if (c == NULL) {
        return ERR_OK;
    }
    if (c->outer != NULL && c->outer->poll != NULL && c->outer->pollinterval > 0) {
        c->app_poll_ticks = (uint8_t)(c->app_poll_ticks + INNER_POLL_INTERVAL);
        if (c->app_poll_ticks >= c->outer->pollinterval) {
            c->app_poll_ticks = 0;
            c->app_poll_due = true;
        }
    }
    return conn_run(c);
}

static err_t lower_connected(void *arg, struct altcp_pcb *inner, err_t err)
{
    struct conn *c = arg;
    (void)inner;
    if (c == NULL) {
        return ERR_OK;
    }
    if (err != ERR_OK) {
        conn_fail(c, 0, err);
        return conn_run(c);
    }
    if (c->status != NULL) {
        c->status->tcp_connected = true;
    }
    c->state = ST_HANDSHAKE;
    c->last_active_ms = sys_now();
    return conn_run(c);
}

static void inner_attach(struct conn *c, struct altcp_pcb *inner)
{
    c->inner = inner;
    altcp_arg(inner, c);
    altcp_recv(inner, lower_recv);
    altcp_sent(inner, lower_sent);
    altcp_err(inner, lower_err);
    altcp_poll(inner, lower_poll, INNER_POLL_INTERVAL);
}

/* A listening TLS pcb accepted a TCP connection. */
static err_t lower_accept(void *arg, struct altcp_pcb *inner, err_t err)
{
    struct altcp_pcb *lpcb = arg;
    struct altcp_pcb *outer = NULL;
    struct conn *c = NULL;
    size_t active, waiting, clients;
    err_t rc;

    if (lpcb == NULL || err != ERR_OK || inner == NULL) {
        return ERR_VAL;
    }
    count_conns(&active, &waiting, &clients);
    /* No certificate yet, too many connections waiting, or no memory: reset at once
     * rather than queue without bound. */
    if (fw_tls_cred_current() == NULL || lpcb->accept == NULL ||
        waiting >= FW_TLS_SERVER_WAIT_MAX || !fw_tls_ready()) {
        goto refuse;
    }
    c = sso_calloc(1, sizeof(*c));
    outer = altcp_alloc();
    if (c == NULL || outer == NULL || !live_add(c)) {
        goto refuse;
    }
    c->server = true;
    c->state = ST_WAIT_SLOT;
    c->cred = fw_tls_cred_current();
    fw_tls_cred_hold(c->cred);
    c->outer = outer;
    c->last_active_ms = sys_now();
    outer->fns = &tls_functions;
    outer->inner_conn = inner;
    outer->state = c;
    inner_attach(c, inner);
    stats.accepted++;

    c->running = true; /* the application may abort the new pcb from its accept */
    rc = lpcb->accept(lpcb->arg, outer, ERR_OK);
    c->running = false;
    if (rc != ERR_OK && c->outer != NULL) {
        /* Refused without aborting: drop it ourselves. */
        struct altcp_pcb *o = c->outer;
        c->outer = NULL;
        o->state = NULL;
        altcp_free(o);
        inner_abort(c);
        c->state = ST_DEAD;
    }
    if (c->state == ST_DEAD) {
        bool aborted = c->inner_aborted;
        if (c->outer == NULL) {
            conn_free(c);
        }
        return aborted ? ERR_ABRT : ERR_OK;
    }
    return conn_run(c);

refuse:
    stats.refused++;
    if (outer != NULL) {
        altcp_free(outer);
    }
    if (c != NULL) {
        size_t i;
        for (i = 0; i < CONNS_MAX; i++) {
            if (live[i] == c) {
                live[i] = NULL;
            }
        }
        sso_free(c);
    }
    altcp_abort(inner);
    return ERR_ABRT;
}

/* ---- outer functions (what the application calls) ----------------------------------- */

static struct conn *conn_of(struct altcp_pcb *o)
{
    if (o == NULL || o->state == NULL || o->state == (void *)listen_marker) {
        return NULL;
    }
    return o->state;
}

static void tls_set_poll(struct altcp_pcb *o, u8_t interval)
{
    (void)o;
    (void)interval; /* the inner pcb polls at INNER_POLL_INTERVAL; lower_poll divides */
}

static void tls_recved(struct altcp_pcb *o, u16_t len)
{
    struct conn *c = conn_of(o);
    if (c == NULL) {
        return;
    }
    /* Never calls back into the application (it may be inside its own state machine);
     * if reading was paused, fw_tls_poll() or the next event resumes it. */
    c->plain_unacked = c->plain_unacked >= len ? c->plain_unacked - len : 0;
}

static err_t tls_connect(struct altcp_pcb *o, const ip_addr_t *ip, u16_t port,
                         altcp_connected_fn connected)
{
    struct conn *c = conn_of(o);
    if (c == NULL || c->server || c->inner == NULL || c->state != ST_CONNECTING) {
        return ERR_VAL;
    }
    o->connected = connected;
    return altcp_connect(c->inner, ip, port, lower_connected);
}

static struct altcp_pcb *tls_listen(struct altcp_pcb *o, u8_t backlog, err_t *err)
{
    struct altcp_pcb *lin;
    if (o == NULL || o->inner_conn == NULL || o->state != (void *)listen_marker) {
        if (err != NULL) {
            *err = ERR_VAL;
        }
        return NULL;
    }
    lin = altcp_listen_with_backlog_and_err(o->inner_conn, backlog, err);
    if (lin == NULL) {
        return NULL;
    }
    o->inner_conn = lin;
    altcp_arg(lin, o);
    altcp_accept(lin, lower_accept);
    return o;
}

static void tls_abort(struct altcp_pcb *o)
{
    struct conn *c;
    if (o == NULL) {
        return;
    }
    if (o->state == (void *)listen_marker) {
        if (o->inner_conn != NULL) {
            altcp_abort(o->inner_conn);
        }
        o->state = NULL;
        altcp_free(o);
        return;
    }
    c = conn_of(o);
    if (c == NULL) {
        return;
    }
    inner_abort(c);
    c->state = ST_DEAD;
    c->outer = NULL;
    o->state = NULL;
    o->inner_conn = NULL;
    altcp_free(o);
    if (!c->running) {
        conn_free(c);
    }
}

/*
 * Close: our close_notify, then TCP's FIN. ERR_MEM while a record or the close_notify
 * cannot be queued yet (the application retries, as with TCP); on ERR_OK the pcb is
 * gone and no callback reaches the application any more.
 */
static err_t tls_close(struct altcp_pcb *o)
{
    struct conn *c;
    int rc;
    if (o == NULL) {
        return ERR_VAL;
    }
    if (o->state == (void *)listen_marker || o->state == NULL) {
        /* A listening pcb, or one never connected to anything. */
        if (o->inner_conn != NULL && altcp_close(o->inner_conn) != ERR_OK) {
            return ERR_MEM;
        }
        o->state = NULL;
        o->inner_conn = NULL;
        altcp_free(o);
        return ERR_OK;
    }
    c = conn_of(o);
    if (c->state == ST_OPEN && c->inner != NULL && c->fatal == 0) {
        if (c->flush_pending) {
            rc = mbedtls_ssl_write(&c->ssl, NULL, 0);
            if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
                return ERR_MEM;
            }
            c->flush_pending = false;
        }
        if (!c->notify_sent) {
            rc = mbedtls_ssl_close_notify(&c->ssl);
            c->notify_sent = true;
            if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
                c->flush_pending = true;
                return ERR_MEM;
            }
        }
    }
    if (c->inner != NULL) {
        struct altcp_pcb *in = c->inner;
        if (c->rx != NULL) {
            c->rx_consumed += c->rx->tot_len;
            pbuf_free(c->rx);
            c->rx = NULL;
        }
        inner_ack(c);
        inner_detach(in);
        if (altcp_close(in) != ERR_OK) {
            inner_attach(c, in); /* not closed: keep it, the application retries */
            return ERR_MEM;
        }
        c->inner = NULL;
    }
    c->state = ST_DEAD;
    c->outer = NULL;
    o->state = NULL;
    o->inner_conn = NULL;
    altcp_free(o);
    if (!c->running) {
        conn_free(c);
    }
    return ERR_OK;
}

static err_t tls_shutdown(struct altcp_pcb *o, int shut_rx, int shut_tx)
{
    if (shut_rx && shut_tx) {
        return tls_close(o);
    }
    return ERR_VAL; /* half-close is not part of TLS 1.2 (close_notify closes both) */
}

static u16_t tls_sndbuf(struct altcp_pcb *o)
{
    struct conn *c = conn_of(o);
    u16_t room;
    int expansion, payload;
    if (c == NULL || c->state != ST_OPEN || c->inner == NULL || c->flush_pending ||
        c->notify_sent || c->fatal != 0) {
        return 0;
    }
    /* A record must go to TCP whole: its segments need queue entries too. */
    if (altcp_sndqueuelen(c->inner) + 4 > TCP_SND_QUEUELEN) {
        return 0;
    }
    room = altcp_sndbuf(c->inner);
    expansion = mbedtls_ssl_get_record_expansion(&c->ssl);
    payload = mbedtls_ssl_get_max_out_record_payload(&c->ssl);
    if (expansion < 0 || payload <= 0 || room <= (u16_t)expansion) {
        return 0;
    }
    room = (u16_t)(room - expansion);
    return room < payload ? room : (u16_t)payload;
}

static err_t tls_write(struct altcp_pcb *o, const void *data, u16_t len, u8_t flags)
{
    struct conn *c = conn_of(o);
    int rc;
    (void)flags; /* records are always copied by mbedTLS */
    if (c == NULL || c->state != ST_OPEN || c->inner == NULL || c->notify_sent || c->fatal != 0) {
        return ERR_CONN;
    }
    if (len == 0) {
        return ERR_OK;
    }
    if (len > tls_sndbuf(o)) {
        return ERR_MEM; /* all or nothing, as with TCP */
    }
    rc = mbedtls_ssl_write(&c->ssl, data, len);
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        /* The record is built and waits in mbedTLS's buffer; the bytes are ours now. */
        c->flush_pending = true;
        rc = len;
    }
    if (rc != (int)len) {
        /* A record error; the failure is handled by the next run (never from inside the
         * application's call). */
        c->fatal = rc < 0 ? rc : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
        return ERR_CONN;
    }
    c->sent_credit += len;
    c->last_active_ms = sys_now();
    return ERR_OK;
}

static err_t tls_output(struct altcp_pcb *o)
{
    struct conn *c = conn_of(o);
    if (c == NULL || c->inner == NULL) {
        return ERR_CONN;
    }
    c->need_output = false;
    return altcp_output(c->inner);
}

static u16_t tls_mss(struct altcp_pcb *o)
{
    struct conn *c = conn_of(o);
    u16_t m;
    int payload;
    if (c == NULL || c->inner == NULL || !c->have_ssl) {
        return 0;
    }
    m = altcp_mss(c->inner);
    payload = mbedtls_ssl_get_max_out_record_payload(&c->ssl);
    return payload > 0 && payload < m ? (u16_t)payload : m;
}

static void tls_dealloc(struct altcp_pcb *o)
{
    /* Every path of this file detaches its state before altcp_free(); nothing to do. */
    (void)o;
}

static const struct altcp_functions tls_functions = {
    tls_set_poll,
    tls_recved,
    altcp_default_bind,
    tls_connect,
    tls_listen,
    tls_abort,
    tls_close,
    tls_shutdown,
    tls_write,
    tls_output,
    tls_mss,
    tls_sndbuf,
    altcp_default_sndqueuelen,
    altcp_default_nagle_disable,
    altcp_default_nagle_enable,
    altcp_default_nagle_disabled,
    altcp_default_setprio,
    tls_dealloc,
    altcp_default_get_tcp_addrinfo,
    altcp_default_get_ip,
    altcp_default_get_port,
#if LWIP_TCP_KEEPALIVE
    altcp_default_keepalive_disable,
    altcp_default_keepalive_enable,
#endif
#ifdef LWIP_DEBUG
    altcp_default_dbg_get_tcp_state,
#endif
};

/* ---- server ---------------------------------------------------------------------- */

/* altcp_new() for a listening pcb: the outer pcb wraps a new TCP pcb. */
static struct altcp_pcb *server_new(void *arg, u8_t ip_type)
{
    struct altcp_pcb *o, *in;
    (void)arg;
    in = altcp_tcp_new_ip_type(ip_type);
    if (in == NULL) {
        return NULL;
    }
    o = altcp_alloc();
    if (o == NULL) {
        altcp_close(in);
        return NULL;
    }
    o->fns = &tls_functions;
    o->inner_conn = in;
    o->state = (void *)listen_marker;
    return o;
}

void *fw_tls_server_allocator(void)
{
    server_alloc.alloc = server_new;
    server_alloc.arg = NULL;
    return &server_alloc;
}

/* Reading stopped at the window (tls_recved() does not restart it) with input left. */
static bool read_paused(struct conn *c)
{
    return !c->eof_delivered && c->plain_unacked < TCP_WND &&
           (c->rx != NULL || c->rx_fin || mbedtls_ssl_check_pending(&c->ssl));
}

bool fw_tls_server_conn_quiet(void *pcb)
{
    struct altcp_pcb *o = pcb;
    const struct conn *c;
    if (o == NULL || o->fns != &tls_functions) {
        return false;
    }
    c = conn_of(o);
    if (c == NULL || !c->server) {
        return false;
    }
    if (!c->rx_any) {
        return true; /* silent since accept: no handshake started */
    }
    /* Handshake over, nothing received but not yet read, nothing waiting to go out. */
    return c->state == ST_OPEN && c->rx == NULL && c->plain == NULL && c->plain_unacked == 0 &&
           !c->flush_pending;
}

void fw_tls_poll(uint32_t now_ms)
{
    size_t i;
    (void)now_ms;
    for (i = 0; i < CONNS_MAX; i++) {
        struct conn *c = live[i];
        if (c == NULL || c->state == ST_CONNECTING) {
            continue;
        }
        /* Work that waits for no network event: a context for a waiting connection, an
         * eviction, paused reading, a buffered record, an error met in a write. */
        if (c->state == ST_WAIT_SLOT || c->evict || c->fatal != 0 || c->flush_pending ||
            c->plain != NULL || (c->state == ST_OPEN && read_paused(c))) {
            (void)conn_run(c);
        }
    }
}

/* ---- client ---------------------------------------------------------------------- */

/* Record what the chain looked like, for the fetch's error message. Flags are only
 * read, never cleared: verification is not negotiable. */
static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct fw_tls_status *st = ctx;
    if (st == NULL) {
        return 0;
    }
    st->verify_flags |= *flags;
    if (depth == 0) {
        (void)mbedtls_x509_dn_gets(st->peer_subject, sizeof(st->peer_subject), &crt->subject);
    }
    if (st->top_issuer[0] == '\0') {
        /* Called from the top of the chain down: the first call is the top. */
        (void)mbedtls_x509_dn_gets(st->top_issuer, sizeof(st->top_issuer), &crt->issuer);
    }
    return 0;
}

static bool hostname_ok(const char *h)
{
    size_t n = strlen(h), label = 0, i;
    if (n == 0 || n > 253) {
        return false;
    }
    for (i = 0; i < n; i++) {
        char ch = h[i];
        if (ch == '.') {
            if (label == 0 || h[i - 1] == '-') {
                return false;
            }
            label = 0;
            continue;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-')) {
            return false;
        }
        if (label == 0 && ch == '-') {
            return false;
        }
        if (++label > 63) {
            return false;
        }
    }
    return label > 0 && h[n - 1] != '-';
}

struct altcp_pcb *fw_tls_client_new(const struct fw_tls_client_opts *opts, int *err)
{
    struct conn *c = NULL;
    struct altcp_pcb *o = NULL, *in = NULL;
    size_t active, waiting, clients;
    int rc = FW_TLS_E_INTERNAL, e = FW_TLS_E_NOMEM;

    if (opts == NULL || opts->trust == NULL || opts->hostname == NULL) {
        e = FW_TLS_E_INVAL;
        goto fail;
    }
    if (!hostname_ok(opts->hostname)) {
        e = FW_TLS_E_HOSTNAME;
        goto fail;
    }
    if (!fw_tls_ready()) {
        e = FW_TLS_E_NOT_READY;
        goto fail;
    }
    count_conns(&active, &waiting, &clients);
    if (clients >= FW_TLS_CLIENT_CONNS_MAX) {
        e = FW_TLS_E_BUSY;
        goto fail;
    }
    c = sso_calloc(1, sizeof(*c));
    if (c == NULL) {
        goto fail;
    }
    c->cli = sso_calloc(1, sizeof(*c->cli));
    if (c->cli == NULL) {
        goto fail;
    }
    mbedtls_ssl_config_init(&c->cli->conf);
    c->cli->trust = opts->trust;
    c->status = opts->status;
    if (c->status != NULL) {
        memset(c->status, 0, sizeof(*c->status));
    }
    if (mbedtls_ssl_config_defaults(&c->cli->conf, MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        goto fail;
    }
    fw_tls_conf_profile(&c->cli->conf);
    /* Always: the server must present a chain to one of our roots, valid now, for this
     * host name. Anything less lets an on-path attacker serve forged IdP metadata. */
    mbedtls_ssl_conf_authmode(&c->cli->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_cb(&c->cli->conf, fw_trust_ca_cb, (void *)opts->trust);
    mbedtls_ssl_conf_verify(&c->cli->conf, verify_cb, opts->status);

    ssl_init(c);
    rc = mbedtls_ssl_setup(&c->ssl, &c->cli->conf);
    if (rc != 0) {
        goto fail;
    }
    /* SNI and the name the certificate must carry (DNS SAN, or IP SAN for a literal). */
    if (mbedtls_ssl_set_hostname(&c->ssl, opts->hostname) != 0) {
        goto fail;
    }
    mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);

    in = altcp_tcp_new_ip_type(IPADDR_TYPE_V4);
    o = altcp_alloc();
    if (in == NULL || o == NULL || !live_add(c)) {
        goto fail;
    }
    c->state = ST_CONNECTING;
    c->outer = o;
    c->last_active_ms = sys_now();
    o->fns = &tls_functions;
    o->inner_conn = in;
    o->state = c;
    inner_attach(c, in);
    if (err != NULL) {
        *err = FW_TLS_OK;
    }
    return o;

fail:
    if (o != NULL) {
        altcp_free(o);
    }
    if (in != NULL) {
        altcp_close(in);
    }
    if (c != NULL) {
        conn_free(c);
    }
    if (err != NULL) {
        *err = e;
    }
    return NULL;
}

void fw_tls_get_stats(struct fw_tls_stats *out)
{
    size_t active, waiting, clients;
    count_conns(&active, &waiting, &clients);
    stats.server_active = (uint32_t)active;
    stats.server_waiting = (uint32_t)waiting;
    stats.client_active = (uint32_t)clients;
    *out = stats;
}
