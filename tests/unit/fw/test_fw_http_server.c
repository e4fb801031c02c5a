/*
 * The HTTP server's state machine (firmware/http/http_server.c) on real lwIP, in one
 * process: a raw-TCP client and the server talk over lwIP's loopback path (a test netif
 * whose own address, 10.0.0.1, is looped back inside lwIP), and a
 * fake clock drives lwIP's timers and the server's timeouts. Covers what the product's
 * routes do not reach yet: request bodies (in pieces, with 100-continue, over the limit,
 * out of memory), responses larger than the TCP send buffer, handler errors, and every
 * timeout.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "http/http.h"
#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "sso/alloc.h"

#define PORT 80

/* ---- fake time and lwIP port functions ------------------------------------------- */

static uint32_t now_ms = 1000;

u32_t sys_now(void)
{
    return now_ms;
}

uint32_t fw_lwip_rand(void)
{
    static uint32_t x = 2463534242u; /* xorshift: tests need no real entropy */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* ---- routes ---------------------------------------------------------------------- */

static char big_body[20000]; /* larger than TCP_SND_BUF: sent over several sent events */
static unsigned handler_calls;

static void h_hello(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    (void)req;
    (void)ctx;
    handler_calls++;
    fw_http_resp_set(resp, 200, "text/plain");
    (void)fw_http_resp_write(resp, "hello", 5);
}

/* Echo the body back, with its length in a header. */
static void h_echo(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    char n[16];
    (void)ctx;
    handler_calls++;
    snprintf(n, sizeof(n), "%zu", req->body_len);
    (void)fw_http_resp_header(resp, "X-Body-Len", n);
    fw_http_resp_set(resp, 201, "application/octet-stream");
    if (req->body_len <= resp->body_size) {
        (void)fw_http_resp_write(resp, req->body, req->body_len);
    } else {
        fw_http_resp_static(resp, "big", 3);
    }
}

static void h_big(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    (void)req;
    (void)ctx;
    handler_calls++;
    fw_http_resp_set(resp, 200, "text/plain");
    fw_http_resp_static(resp, big_body, sizeof(big_body));
}

static void h_overflow(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    static const char chunk[256] = {0};
    size_t i;
    (void)req;
    (void)ctx;
    handler_calls++;
    for (i = 0; i < 100; i++) {
        (void)fw_http_resp_write(resp, chunk, sizeof(chunk));
    }
}

static void h_inject(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    (void)req;
    (void)ctx;
    handler_calls++;
    (void)fw_http_resp_header(resp, "Location", "/a\r\nSet-Cookie: evil=1");
}

static const struct fw_http_route routes[] = {
    {FW_HTTP_GET, "/hello", false, 0, h_hello, NULL},
    {FW_HTTP_POST, "/echo", false, 30000, h_echo, NULL},
    {FW_HTTP_PUT, "/echo", false, 100, h_echo, NULL},
    {FW_HTTP_GET, "/big", false, 0, h_big, NULL},
    {FW_HTTP_GET, "/overflow", false, 0, h_overflow, NULL},
    {FW_HTTP_GET, "/inject", false, 0, h_inject, NULL},
    {FW_HTTP_GET, "/pre/", true, 0, h_hello, NULL},
};

static struct fw_http_server server = {routes, sizeof(routes) / sizeof(routes[0]), false, NULL};

/* ---- the test netif: everything sent to its own address loops back --------------- */

static struct netif tnif;

static err_t tnif_output(struct netif *n, struct pbuf *p, const ip4_addr_t *dst)
{
    (void)n;
    (void)p;
    (void)dst;
    return ERR_OK; /* nothing leaves: only loopback traffic matters */
}

static err_t tnif_init(struct netif *n)
{
    n->name[0] = 't';
    n->name[1] = '0';
    n->mtu = 1500;
    n->output = tnif_output;
    n->flags = NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

/* ---- a raw-TCP client ------------------------------------------------------------ */

struct client {
    struct tcp_pcb *pcb;
    bool connected, fin, reset;
    char in[32768];
    size_t in_len;
};

static err_t cl_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct client *c = arg;
    (void)err;
    if (p == NULL) {
        c->fin = true;
        return ERR_OK;
    }
    if (c->in_len + p->tot_len <= sizeof(c->in)) {
        pbuf_copy_partial(p, c->in + c->in_len, p->tot_len, 0);
        c->in_len += p->tot_len;
    }
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static void cl_err(void *arg, err_t err)
{
    struct client *c = arg;
    (void)err;
    c->reset = true;
    c->pcb = NULL;
}

static err_t cl_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct client *c = arg;
    (void)pcb;
    c->connected = err == ERR_OK;
    return ERR_OK;
}

/* Run the "superloop" for @p ms of fake time, 5 ms per turn. */
static void run(uint32_t ms)
{
    uint32_t end = now_ms + ms;
    while ((int32_t)(end - now_ms) > 0) {
        netif_poll_all();
        sys_check_timeouts();
        fw_http_poll(now_ms);
        now_ms += 5;
    }
    netif_poll_all();
    sys_check_timeouts();
    fw_http_poll(now_ms);
}

static void cl_open(struct client *c)
{
    ip_addr_t lo;
    memset(c, 0, sizeof(*c));
    IP_ADDR4(&lo, 10, 0, 0, 1);
    c->pcb = tcp_new();
    if (c->pcb == NULL) {
        lk_test_fail(__FILE__, __LINE__, "no PCB for the test client");
        return;
    }
    tcp_arg(c->pcb, c);
    tcp_recv(c->pcb, cl_recv);
    tcp_err(c->pcb, cl_err);
    tcp_nagle_disable(c->pcb);
    (void)tcp_connect(c->pcb, &lo, PORT, cl_connected);
    run(50);
}

static void cl_send(struct client *c, const void *data, size_t len)
{
    const char *p = data;
    unsigned turns = 0;
    while (len > 0 && c->pcb != NULL && turns++ < 1000) {
        u16_t n = (u16_t)(len > tcp_sndbuf(c->pcb) ? tcp_sndbuf(c->pcb) : len);
        if (n > 0 && tcp_write(c->pcb, p, n, TCP_WRITE_FLAG_COPY) == ERR_OK) {
            tcp_output(c->pcb);
            p += n;
            len -= n;
        }
        run(20);
    }
    run(50);
}

static void cl_sends(struct client *c, const char *s)
{
    cl_send(c, s, strlen(s));
}

static void cl_close(struct client *c)
{
    if (c->pcb != NULL) {
        tcp_arg(c->pcb, NULL);
        tcp_recv(c->pcb, NULL);
        tcp_err(c->pcb, NULL);
        if (tcp_close(c->pcb) != ERR_OK) {
            tcp_abort(c->pcb);
        }
        c->pcb = NULL;
    }
    run(100);
}

/* Number of complete responses in the client's buffer whose status is @p status. */
static bool has(const struct client *c, const char *needle)
{
    size_t n = strlen(needle), i;
    for (i = 0; i + n <= c->in_len; i++) {
        if (memcmp(c->in + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static void setup(void)
{
    static bool done;
    if (!done) {
        size_t i;
        ip4_addr_t a, m;
        lwip_init();
        IP4_ADDR(&a, 10, 0, 0, 1);
        IP4_ADDR(&m, 255, 255, 255, 0);
        TEST_TRUE(netif_add(&tnif, &a, &m, &a, NULL, tnif_init, ip_input) != NULL);
        netif_set_default(&tnif);
        netif_set_up(&tnif);
        TEST_OK(fw_http_start(&server, PORT, NULL));
        for (i = 0; i < sizeof(big_body); i++) {
            big_body[i] = (char)('a' + i % 26);
        }
        done = true;
    }
    sso_alloc_set_limit(0);
    run(50);
}

/* ---- cases ----------------------------------------------------------------------- */

static struct client c1, c2;

TEST_CASE(get_and_keep_alive)
{
    setup();
    cl_open(&c1);
    TEST_TRUE(c1.connected);
    cl_sends(&c1, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    TEST_TRUE(has(&c1, "HTTP/1.1 200 OK\r\n"));
    TEST_TRUE(has(&c1, "Content-Length: 5\r\n"));
    TEST_TRUE(has(&c1, "Connection: keep-alive\r\n"));
    TEST_TRUE(has(&c1, "\r\n\r\nhello"));
    c1.in_len = 0;
    cl_sends(&c1, "GET /pre/x/y HTTP/1.1\r\nHost: t\r\n\r\n"); /* prefix route */
    TEST_TRUE(has(&c1, "\r\n\r\nhello"));
    TEST_TRUE(!c1.fin && !c1.reset);
    cl_close(&c1);
}

TEST_CASE(body_in_pieces)
{
    static const char head[] = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 26\r\n\r\n";
    struct sso_alloc_stats st;
    setup();
    cl_open(&c1);
    cl_send(&c1, head, sizeof(head) - 1);
    cl_sends(&c1, "abcdefghij");
    TEST_EQ(c1.in_len, 0); /* still reading the body */
    cl_sends(&c1, "klmnopqrst");
    cl_sends(&c1, "uvwxyz");
    TEST_TRUE(has(&c1, "HTTP/1.1 201 Created\r\n"));
    TEST_TRUE(has(&c1, "X-Body-Len: 26\r\n"));
    TEST_TRUE(has(&c1, "\r\n\r\nabcdefghijklmnopqrstuvwxyz"));
    sso_alloc_stats(&st);
    TEST_EQ(st.cur_bytes, 0); /* the body buffer was freed */
    cl_close(&c1);
}

TEST_CASE(body_with_head_and_pipelined_request)
{
    setup();
    cl_open(&c1);
    cl_sends(&c1, "PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz"
                  "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    TEST_TRUE(has(&c1, "\r\n\r\nxyzHTTP/1.1 200 OK"));
    TEST_TRUE(has(&c1, "\r\n\r\nhello"));
    cl_close(&c1);
}

TEST_CASE(large_body_within_route_limit)
{
    static char body[30000];
    static char head[128];
    setup();
    memset(body, 'b', sizeof(body));
    snprintf(head, sizeof(head), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: %zu\r\n\r\n",
             sizeof(body));
    cl_open(&c1);
    cl_sends(&c1, head);
    cl_send(&c1, body, sizeof(body)); /* more than the TCP window: flow control */
    TEST_TRUE(has(&c1, "X-Body-Len: 30000\r\n"));
    TEST_TRUE(has(&c1, "\r\n\r\nbig"));
    cl_close(&c1);
}

TEST_CASE(expect_100_continue)
{
    setup();
    cl_open(&c1);
    cl_sends(&c1, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                  "Expect: 100-continue\r\n\r\n");
    TEST_TRUE(has(&c1, "HTTP/1.1 100 Continue\r\n\r\n"));
    TEST_TRUE(!has(&c1, "201"));
    cl_sends(&c1, "data");
    TEST_TRUE(has(&c1, "HTTP/1.1 201 Created\r\n"));
    TEST_TRUE(has(&c1, "\r\n\r\ndata"));
    cl_close(&c1);
}

TEST_CASE(body_over_route_limit_is_413)
{
    unsigned calls = handler_calls;
    setup();
    cl_open(&c1);
    cl_sends(&c1, "PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n");
    TEST_TRUE(has(&c1, "HTTP/1.1 413 Content Too Large\r\n"));
    TEST_TRUE(has(&c1, "Connection: close\r\n"));
    TEST_TRUE(c1.fin || c1.reset);
    TEST_EQ(handler_calls, calls);
    cl_close(&c1);
    /* a route that takes no body at all */
    cl_open(&c1);
    cl_sends(&c1, "POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\n");
    TEST_TRUE(has(&c1, "HTTP/1.1 405 "));
    TEST_TRUE(c1.fin || c1.reset);
    cl_close(&c1);
}

TEST_CASE(no_memory_for_the_body_is_503)
{
    setup();
    sso_alloc_set_limit(10);
    cl_open(&c1);
    cl_sends(&c1, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n");
    TEST_TRUE(has(&c1, "HTTP/1.1 503 Service Unavailable\r\n"));
    TEST_TRUE(c1.fin || c1.reset);
    cl_close(&c1);
    sso_alloc_set_limit(0);
}

TEST_CASE(response_larger_than_send_buffer)
{
    size_t i, off;
    setup();
    cl_open(&c1);
    cl_sends(&c1, "GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
    run(2000);
    TEST_TRUE(has(&c1, "Content-Length: 20000\r\n"));
    TEST_TRUE(has(&c1, "\r\n\r\n"));
    off = 0;
    for (i = 3; i < c1.in_len; i++) {
        if (memcmp(c1.in + i - 3, "\r\n\r\n", 4) == 0) {
            off = i + 1;
            break;
        }
    }
    TEST_EQ(c1.in_len - off, sizeof(big_body));
    TEST_MEM_EQ(c1.in + off, big_body, sizeof(big_body));
    /* HEAD: the same head, no body */
    c1.in_len = 0;
    cl_sends(&c1, "HEAD /big HTTP/1.1\r\nHost: t\r\n\r\n");
    TEST_TRUE(has(&c1, "Content-Length: 20000\r\n"));
    TEST_TRUE(c1.in_len < 400);
    cl_close(&c1);
}

TEST_CASE(handler_errors_become_500)
{
    setup();
    cl_open(&c1);
    cl_sends(&c1, "GET /overflow HTTP/1.1\r\nHost: t\r\n\r\n");
    TEST_TRUE(has(&c1, "HTTP/1.1 500 Internal Server Error\r\n"));
    TEST_TRUE(c1.fin || c1.reset);
    cl_close(&c1);
    cl_open(&c1);
    cl_sends(&c1, "GET /inject HTTP/1.1\r\nHost: t\r\n\r\n");
    TEST_TRUE(has(&c1, "HTTP/1.1 500 Internal Server Error\r\n"));
    TEST_TRUE(!has(&c1, "evil"));
    cl_close(&c1);
}

TEST_CASE(timeouts)
{
    struct fw_http_stats st0, st1;
    setup();
    fw_http_get_stats(&st0);
    /* a head that never ends: dropped after FW_HTTP_HEAD_TIMEOUT_MS */
    cl_open(&c1);
    cl_sends(&c1, "GET /hello HTTP/1.1\r\n");
    run(FW_HTTP_HEAD_TIMEOUT_MS - 500);
    TEST_TRUE(!c1.fin && !c1.reset);
    run(1000);
    TEST_TRUE(c1.fin || c1.reset);
    cl_close(&c1);
    /* a body that never completes: FW_HTTP_BODY_TIMEOUT_MS */
    cl_open(&c1);
    cl_sends(&c1, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345");
    run(FW_HTTP_BODY_TIMEOUT_MS - 500);
    TEST_TRUE(!c1.fin && !c1.reset);
    run(1000);
    TEST_TRUE(c1.fin || c1.reset);
    cl_close(&c1);
    /* an idle keep-alive connection: closed politely (FIN) after FW_HTTP_IDLE_TIMEOUT_MS */
    cl_open(&c1);
    cl_sends(&c1, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    TEST_TRUE(has(&c1, "hello"));
    run(FW_HTTP_IDLE_TIMEOUT_MS - 500);
    TEST_TRUE(!c1.fin && !c1.reset);
    run(1000);
    TEST_TRUE(c1.fin);
    TEST_TRUE(!c1.reset);
    cl_close(&c1);
    fw_http_get_stats(&st1);
    TEST_EQ(st1.timeouts - st0.timeouts, 3);
}

TEST_CASE(pool_and_peer_close)
{
    static struct client many[FW_HTTP_CONNS_MAX];
    struct fw_http_stats st0, st1;
    size_t i;
    setup();
    fw_http_get_stats(&st0);
    /* all busy (a head under way): the next connection is refused */
    for (i = 0; i < FW_HTTP_CONNS_MAX; i++) {
        cl_open(&many[i]);
        cl_sends(&many[i], "GET /hello HTTP/1.1\r\n");
    }
    cl_open(&c2);
    run(100);
    TEST_TRUE(c2.reset);
    cl_close(&c2);
    fw_http_get_stats(&st1);
    TEST_EQ(st1.refused_full - st0.refused_full, 1);
    TEST_EQ(st1.active, FW_HTTP_CONNS_MAX);
    /* the client gives up half-way: the server frees the slot */
    for (i = 0; i < FW_HTTP_CONNS_MAX; i++) {
        cl_close(&many[i]);
    }
    run(500);
    fw_http_get_stats(&st1);
    TEST_EQ(st1.active, 0);
}

/* A full pool gives way: a connection silent since accept, or one idle between requests
 * (keep-alive), is closed for the new one; a busy one (a head under way) never is. */
TEST_CASE(pool_full_evicts_only_idle)
{
    static struct client many[FW_HTTP_CONNS_MAX];
    struct fw_http_stats st0, st1;
    size_t i;
    setup();
    for (int round = 0; round < 2; round++) {
        fw_http_get_stats(&st0);
        for (i = 0; i + 1 < FW_HTTP_CONNS_MAX; i++) {
            cl_open(&many[i]);
            cl_sends(&many[i], "GET /hello HTTP/1.1\r\n"); /* busy: a head under way */
        }
        cl_open(&many[i]);
        if (round == 1) {
            /* served once, now idle between requests */
            cl_sends(&many[i], "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
            TEST_TRUE(has(&many[i], "\r\n\r\nhello"));
        } /* round 0: silent since accept */
        cl_open(&c2);
        cl_sends(&c2, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        TEST_TRUE(has(&c2, "\r\n\r\nhello"));    /* the new one is served ... */
        TEST_TRUE(many[i].fin || many[i].reset); /* ... in the idle one's slot */
        for (i = 0; i + 1 < FW_HTTP_CONNS_MAX; i++) {
            TEST_TRUE(!many[i].fin && !many[i].reset); /* the busy ones keep theirs */
        }
        fw_http_get_stats(&st1);
        TEST_EQ(st1.evicted - st0.evicted, 1);
        TEST_EQ(st1.refused_full - st0.refused_full, 0);
        for (i = 0; i < FW_HTTP_CONNS_MAX; i++) {
            cl_close(&many[i]);
        }
        cl_close(&c2);
        run(500);
        fw_http_get_stats(&st1);
        TEST_EQ(st1.active, 0);
    }
}

static const struct lk_test_case cases[] = {
    LK_CASE(get_and_keep_alive),
    LK_CASE(body_in_pieces),
    LK_CASE(body_with_head_and_pipelined_request),
    LK_CASE(large_body_within_route_limit),
    LK_CASE(expect_100_continue),
    LK_CASE(body_over_route_limit_is_413),
    LK_CASE(no_memory_for_the_body_is_503),
    LK_CASE(response_larger_than_send_buffer),
    LK_CASE(handler_errors_become_500),
    LK_CASE(timeouts),
    LK_CASE(pool_and_peer_close),
    LK_CASE(pool_full_evicts_only_idle),
};

TEST_MAIN(cases)
