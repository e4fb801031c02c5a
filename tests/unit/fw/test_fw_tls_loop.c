/*
 * The TLS altcp layer (firmware/net/tls.c) and the HTTPS fetch client (firmware/fetch/)
 * on real lwIP in one process: the HTTP server listens with the TLS allocator on the
 * test netif's own address (10.0.0.1, looped back inside lwIP), the fetch client and
 * raw TLS clients connect to it, and a fake clock drives lwIP, the server, the TLS layer
 * and the fetch. Both ends are ours here (mbedTLS to mbedTLS); tests/integration/tls runs
 * the same code against OpenSSL and Python.
 *
 * Covers: a verified fetch byte for byte, bodies over many records, every fetch error
 * the server side can provoke (404, oversize, redirects, untrusted CA, host name, expiry,
 * time unknown, refused, silent server, a server that does not speak TLS), plain HTTP
 * to the TLS port, the connection cap with waiting and eviction, replacing the server
 * certificate under an open connection, out-of-memory, and no leaks.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fetch/fetch.h"
#include "harness.h"
#include "http/http.h"
#include "lwip/altcp.h"
#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "mbedtls/x509.h"
#include "net/tls.h"
#include "sso/alloc.h"
#include "tls_fakes.h"
#include "trust/trust.h"

#define NOW         1800000000
#define DAY         86400
#define IP_10_0_0_1 0x0100000Au /* network byte order */

/* ---- fake time and lwIP port functions ------------------------------------------- */

static uint32_t now_ms = 1000;

u32_t sys_now(void)
{
    return now_ms;
}

uint32_t fw_lwip_rand(void)
{
    static uint32_t x = 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* ---- server routes ---------------------------------------------------------------- */

static char big[30000];

static void h_hello(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    (void)req;
    (void)ctx;
    fw_http_resp_set(resp, 200, "text/plain");
    (void)fw_http_resp_write(resp, "hello", 5);
}

static void h_big(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    (void)req;
    (void)ctx;
    fw_http_resp_set(resp, 200, "application/xml");
    fw_http_resp_static(resp, big, sizeof(big));
}

static void h_redirect(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    (void)req;
    fw_http_resp_set(resp, 302, "text/plain");
    (void)fw_http_resp_header(resp, "Location", ctx);
}

static char loc_redir[] = "/hello", loc_abs[] = "https://10.0.0.1/big", loc_loop[] = "/loop",
            loc_http[] = "http://10.0.0.1/hello", loc_rel[] = "hello";

static const struct fw_http_route routes[] = {
    {FW_HTTP_GET, "/hello", false, 0, h_hello, NULL},
    {FW_HTTP_GET, "/big", false, 0, h_big, NULL},
    {FW_HTTP_GET, "/redir", false, 0, h_redirect, loc_redir},
    {FW_HTTP_GET, "/abs", false, 0, h_redirect, loc_abs},
    {FW_HTTP_GET, "/loop", false, 0, h_redirect, loc_loop},
    {FW_HTTP_GET, "/tohttp", false, 0, h_redirect, loc_http},
    {FW_HTTP_GET, "/relative", false, 0, h_redirect, loc_rel},
};

static struct fw_http_server server = {routes, sizeof(routes) / sizeof(routes[0]), false, NULL};

/* ---- the test netif: everything sent to its own address loops back ----------------- */

static struct netif tnif;

static err_t tnif_output(struct netif *n, struct pbuf *p, const ip4_addr_t *dst)
{
    (void)n;
    (void)p;
    (void)dst;
    return ERR_OK;
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

/* ---- the superloop ----------------------------------------------------------------- */

static void turn(void)
{
    netif_poll_all();
    sys_check_timeouts();
    fw_http_poll(now_ms);
    fw_tls_poll(now_ms);
    fw_fetch_poll(now_ms);
    now_ms += 5;
}

static void run(uint32_t ms)
{
    uint32_t end = now_ms + ms;
    while ((int32_t)(end - now_ms) > 0) {
        turn();
    }
}

/* ---- PKI and trust ----------------------------------------------------------------- */

static struct test_cert ca, ca_other, srv_ok, srv_other_name, srv2;
static struct fw_trust trust, trust_builtin_only;
static struct fw_trust_der admin[1];

static void use_cert(const struct test_cert *c)
{
    static uint8_t chain[4096];
    /* Leaf + its CA, as a server sends a chain. */
    memcpy(chain, c->crt, c->crt_len);
    memcpy(chain + c->crt_len, ca.crt, ca.crt_len);
    if (fw_tls_server_set_cert(c->key, c->key_len, chain, c->crt_len + ca.crt_len) != 0) {
        lk_test_fail(__FILE__, __LINE__, "server certificate refused");
    }
}

static size_t heap_base;

static size_t heap_now(void)
{
    struct sso_alloc_stats st;
    sso_alloc_stats(&st);
    return st.cur_bytes;
}

static void setup(void)
{
    static bool done;
    fake_entropy_fail(false);
    fake_utc_set(NOW);
    sso_alloc_set_limit(0);
    if (!done) {
        size_t i;
        ip4_addr_t a, m;
        done = true;
        TEST_OK(fw_tls_init());
        TEST_OK(test_make_ca(&ca, "Loop Test CA", NOW - DAY, NOW + 3650 * DAY));
        TEST_OK(test_make_ca(&ca_other, "Unrelated CA", NOW - DAY, NOW + 3650 * DAY));
        TEST_OK(test_make_leaf(&srv_ok, &ca, "lk.test", "lk.test", IP_10_0_0_1, NOW - DAY,
                               NOW + 365 * DAY));
        TEST_OK(test_make_leaf(&srv_other_name, &ca, "other.test", "other.test", 0, NOW - DAY,
                               NOW + 365 * DAY));
        TEST_OK(test_make_leaf(&srv2, &ca, "lk.test", "lk.test", IP_10_0_0_1, NOW - DAY,
                               NOW + 365 * DAY));
        admin[0].der = ca.crt;
        admin[0].len = ca.crt_len;
        TEST_OK(fw_trust_init(&trust, true, admin, 1));
        TEST_OK(fw_trust_init(&trust_builtin_only, true, NULL, 0));
        lwip_init();
        IP4_ADDR(&a, 10, 0, 0, 1);
        IP4_ADDR(&m, 255, 255, 255, 0);
        TEST_TRUE(netif_add(&tnif, &a, &m, &a, NULL, tnif_init, ip_input) != NULL);
        netif_set_default(&tnif);
        netif_set_up(&tnif);
        use_cert(&srv_ok);
        fw_http_set_conn_quiet(fw_tls_server_conn_quiet); /* as main.c does */
        TEST_OK(fw_http_start(&server, 443, fw_tls_server_allocator()));
        TEST_TRUE(server.tls);
        for (i = 0; i < sizeof(big); i++) {
            big[i] = (char)('A' + (i * 7) % 53);
        }
        run(50);
        heap_base = heap_now();
    }
    run(50);
}

/* No connection, context or buffer outlives its test (after TIME_WAIT-free settling). */
static void settle_and_check_heap(void)
{
    run(2000);
    if (heap_now() != heap_base) {
        lk_test_fail(__FILE__, __LINE__, "heap %lu bytes, was %lu before the test",
                     (unsigned long)heap_now(), (unsigned long)heap_base);
    }
}

/* ---- fetch helper ------------------------------------------------------------------ */

static struct fw_fetch_result got;
static uint8_t got_body[sizeof(big) + 16];
static unsigned calls;

static void on_done(struct fw_fetch_result *r, void *ctx)
{
    (void)ctx;
    calls++;
    got = *r;
    got.body = NULL;
    if (r->err == FW_FETCH_OK && r->body_len <= sizeof(got_body)) {
        memcpy(got_body, r->body, r->body_len);
    }
    /* r->body is left: fetch.c frees it after the callback. */
}

static int fetch(const char *url, const struct fw_trust *t, size_t max_body, uint32_t timeout_ms)
{
    struct fw_fetch_opts o;
    unsigned before = calls;
    uint32_t guard = 0;
    int rc;
    memset(&got, 0, sizeof(got));
    o.max_body = max_body;
    o.trust = t;
    o.timeout_ms = timeout_ms;
    rc = fw_fetch_start(url, &o, on_done, NULL);
    if (rc != FW_FETCH_OK) {
        return rc;
    }
    while (calls == before && guard++ < 40000) {
        turn();
    }
    if (calls != before + 1) {
        return 12345;
    }
    printf("#   %s -> %s: %s\n", url, fw_fetch_err_code(got.err), got.detail);
    return got.err;
}

static bool contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

/* ---- cases: fetch -------------------------------------------------------------------- */

TEST_CASE(fetch_verified_byte_exact)
{
    struct sso_alloc_stats st;
    uint32_t t0;
    int i;
    setup();
    sso_alloc_reset_peak();
    t0 = test_ms();
    TEST_OK(fetch("https://10.0.0.1/hello", &trust, 1000, 0));
    printf("# one fetch, both ends' handshake in this process: %lu ms of real time\n",
           (unsigned long)(test_ms() - t0));
    TEST_EQ(got.http_status, 200);
    TEST_EQ(got.body_len, 5);
    TEST_MEM_EQ(got_body, "hello", 5);
#if LK_TLS13
    /* Built with TLS 1.3 (LK_TLS13): both ends prefer it. */
    TEST_STR_EQ(got.tls_version, "TLSv1.3");
    TEST_TRUE(contains(got.tls_ciphersuite, "TLS1-3-AES") && contains(got.tls_ciphersuite, "GCM"));
#else
    TEST_STR_EQ(got.tls_version, "TLSv1.2");
    TEST_TRUE(contains(got.tls_ciphersuite, "ECDHE-ECDSA") && contains(got.tls_ciphersuite, "GCM"));
#endif
    TEST_EQ(got.redirects, 0);
    TEST_STR_EQ(got.url, "https://10.0.0.1/hello");
    sso_alloc_stats(&st);
    printf("# heap peak, client and server handshake in one process: %lu bytes\n",
           (unsigned long)(st.peak_bytes - heap_base));
    /* Ten more: the average handshake cost (both ends, CPU-bound on the host). */
    t0 = test_ms();
    for (i = 0; i < 10; i++) {
        TEST_OK(fetch("https://10.0.0.1/hello", &trust, 1000, 0));
    }
    printf("# fetch with handshake, average of 10: %lu.%lu ms of real time\n",
           (unsigned long)((test_ms() - t0) / 10), (unsigned long)((test_ms() - t0) % 10));
    if (test_stack_peak() > 0) {
        printf("# stack high-water mark so far (both handshake ends): %lu bytes\n",
               (unsigned long)test_stack_peak());
    }
    /* A body over many records and TCP windows. */
    TEST_OK(fetch("https://10.0.0.1/big", &trust, sizeof(big), 0));
    TEST_EQ(got.body_len, sizeof(big));
    TEST_MEM_EQ(got_body, big, sizeof(big));
    /* The host name, port and fragment forms. */
    TEST_OK(fetch("https://10.0.0.1:443/hello#frag", &trust, 1000, 0));
    TEST_MEM_EQ(got_body, "hello", 5);
    settle_and_check_heap();
}

TEST_CASE(fetch_http_errors)
{
    setup();
    TEST_EQ(fetch("https://10.0.0.1/nope", &trust, 1000, 0), FW_FETCH_E_HTTP_STATUS);
    TEST_EQ(got.http_status, 404);
    TEST_TRUE(got.body == NULL);
    TEST_EQ(fetch("https://10.0.0.1/big", &trust, sizeof(big) - 1, 0), FW_FETCH_E_TOO_LARGE);
    TEST_TRUE(contains(got.detail, "30000 bytes"));
    TEST_EQ(fetch("https://10.0.0.1/", &trust, 1000, 0), FW_FETCH_E_HTTP_STATUS);
    settle_and_check_heap();
}

TEST_CASE(fetch_redirects)
{
    setup();
    TEST_OK(fetch("https://10.0.0.1/redir", &trust, 1000, 0));
    TEST_EQ(got.redirects, 1);
    TEST_MEM_EQ(got_body, "hello", 5);
    TEST_STR_EQ(got.url, "https://10.0.0.1/hello");
    TEST_OK(fetch("https://10.0.0.1/abs", &trust, sizeof(big), 0));
    TEST_EQ(got.body_len, sizeof(big));
    TEST_EQ(fetch("https://10.0.0.1/loop", &trust, 1000, 0), FW_FETCH_E_REDIRECT);
    TEST_EQ(got.redirects, FW_FETCH_REDIRECTS_MAX);
    TEST_EQ(fetch("https://10.0.0.1/tohttp", &trust, 1000, 0), FW_FETCH_E_REDIRECT);
    TEST_TRUE(contains(got.detail, "not https"));
    TEST_EQ(fetch("https://10.0.0.1/relative", &trust, 1000, 0), FW_FETCH_E_REDIRECT);
    settle_and_check_heap();
}

TEST_CASE(fetch_tls_verification_failures)
{
    setup();
    /* The server's CA is not among the built-in roots. */
    TEST_EQ(fetch("https://10.0.0.1/hello", &trust_builtin_only, 1000, 0),
            FW_FETCH_E_TLS_UNTRUSTED);
    TEST_TRUE(contains(got.detail, "Loop Test CA"));
    TEST_TRUE((got.tls_verify_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0);
    TEST_TRUE(got.body == NULL && got.http_status == 0);
    /* A certificate for another name (new connections get the replaced certificate). */
    use_cert(&srv_other_name);
    TEST_EQ(fetch("https://10.0.0.1/hello", &trust, 1000, 0), FW_FETCH_E_TLS_HOSTNAME);
    TEST_TRUE(contains(got.detail, "other.test") && contains(got.detail, "10.0.0.1"));
    use_cert(&srv_ok);
    /* Expired, as the device's clock sees it; and not yet valid. */
    fake_utc_set(NOW + 400 * DAY);
    TEST_EQ(fetch("https://10.0.0.1/hello", &trust, 1000, 0), FW_FETCH_E_TLS_EXPIRED);
    TEST_TRUE(contains(got.detail, "expired"));
    fake_utc_set(NOW - 2 * DAY);
    TEST_EQ(fetch("https://10.0.0.1/hello", &trust, 1000, 0), FW_FETCH_E_TLS_EXPIRED);
    TEST_TRUE(contains(got.detail, "not yet valid"));
#if LK_TEST_HOST
    /* Time unknown: refused up front, no callback. (The QEMU board's clock cannot be
     * made to forget UTC.) */
    fake_utc_unknown();
    TEST_EQ(fetch("https://10.0.0.1/hello", &trust, 1000, 0), FW_FETCH_E_TIME_UNKNOWN);
#endif
    fake_utc_set(NOW);
    TEST_OK(fetch("https://10.0.0.1/hello", &trust, 1000, 0));
    settle_and_check_heap();
}

TEST_CASE(fetch_refuses_bad_urls)
{
    struct fw_fetch_opts o = {1000, NULL, 0};
    unsigned before;
    setup();
    o.trust = &trust;
    before = calls;
    TEST_EQ(fetch("http://10.0.0.1/hello", &trust, 1000, 0), FW_FETCH_E_NOT_HTTPS);
    TEST_EQ(fetch("HTTP://10.0.0.1/hello", &trust, 1000, 0), FW_FETCH_E_NOT_HTTPS);
    TEST_EQ(fetch("https://user@10.0.0.1/", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("https://[::1]/", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("https://10.0.0.1:99999/", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("https://10.0.0.1:/", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("https:///x", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("ftp://10.0.0.1/", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("https://10.0.0.1/a b", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("https://10.0.0.1/a\r\nX: y", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("https://bad_host/", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("https://a%2eb/", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("", &trust, 1000, 0), FW_FETCH_E_URL);
    TEST_EQ(fetch("https://10.0.0.1/", NULL, 1000, 0), FW_FETCH_E_INVAL);
    TEST_EQ(fetch("https://10.0.0.1/", &trust, 0, 0), FW_FETCH_E_INVAL);
    /* One at a time. */
    TEST_OK(fw_fetch_start("https://10.0.0.1/hello", &o, on_done, NULL));
    TEST_TRUE(fw_fetch_busy());
    TEST_EQ(fw_fetch_start("https://10.0.0.1/hello", &o, on_done, NULL), FW_FETCH_E_BUSY);
    fw_fetch_cancel();
    run(20);
    TEST_TRUE(!fw_fetch_busy());
    TEST_EQ(got.err, FW_FETCH_E_TIMEOUT);
    TEST_STR_EQ(got.detail, "cancelled");
    TEST_EQ(calls, before + 1); /* only the cancelled fetch started */
    settle_and_check_heap();
}

/* ---- raw TCP servers that misbehave --------------------------------------------------- */

/* One raw listener (lwIP has two listening pcbs; the TLS server holds the other). */
static struct tcp_pcb *raw_l;
static bool raw_garbage; /* answer in clear text at once, or stay silent */

static err_t raw_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    static const char reply[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nnot TLS\n";
    (void)arg;
    (void)err;
    if (raw_garbage) {
        (void)tcp_write(pcb, reply, sizeof(reply) - 1, 0);
        (void)tcp_output(pcb);
    }
    return ERR_OK; /* silent: accepts and never says a word; the TLS client times out */
}

TEST_CASE(fetch_connection_failures)
{
    setup();
    if (raw_l == NULL) {
        struct tcp_pcb *p = tcp_new();
        TEST_TRUE(p != NULL);
        TEST_OK(tcp_bind(p, IP4_ADDR_ANY, 8443));
        raw_l = tcp_listen(p);
        TEST_TRUE(raw_l != NULL);
        tcp_accept(raw_l, raw_accept);
    }
    TEST_EQ(fetch("https://10.0.0.1:444/", &trust, 1000, 0), FW_FETCH_E_CONNECT);
    TEST_TRUE(contains(got.detail, "refused"));
    raw_garbage = false;
    TEST_EQ(fetch("https://10.0.0.1:8443/", &trust, 1000, 3000), FW_FETCH_E_TIMEOUT);
    TEST_TRUE(contains(got.detail, "TLS handshake"));
    TEST_TRUE(got.elapsed_ms >= 3000 && got.elapsed_ms < 3200);
    raw_garbage = true;
    TEST_EQ(fetch("https://10.0.0.1:8443/", &trust, 1000, 0), FW_FETCH_E_TLS_HANDSHAKE);
    TEST_TRUE(contains(got.detail, "handshake"));
    /* No DNS server configured: the name cannot be looked up. */
    TEST_EQ(fetch("https://metadata.example/", &trust, 1000, 0), FW_FETCH_E_DNS);
    settle_and_check_heap();
}

/* ---- raw TLS clients ------------------------------------------------------------------ */

struct tcl {
    struct altcp_pcb *pcb;
    struct fw_tls_status st;
    bool connected, eof, error;
    char in[2048];
    size_t in_len;
};

static err_t tcl_connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    struct tcl *c = arg;
    (void)pcb;
    c->connected = err == ERR_OK;
    return ERR_OK;
}

static err_t tcl_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct tcl *c = arg;
    (void)err;
    if (p == NULL) {
        c->eof = true;
        return ERR_OK;
    }
    if (c->in_len + p->tot_len < sizeof(c->in)) {
        pbuf_copy_partial(p, c->in + c->in_len, p->tot_len, 0);
        c->in_len += p->tot_len;
        c->in[c->in_len] = '\0';
    }
    altcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static void tcl_err(void *arg, err_t err)
{
    struct tcl *c = arg;
    (void)err;
    c->error = true;
    c->pcb = NULL;
}

static bool tcl_open(struct tcl *c)
{
    struct fw_tls_client_opts o;
    ip_addr_t lo;
    int e;
    memset(c, 0, sizeof(*c));
    o.trust = &trust;
    o.hostname = "lk.test";
    o.status = &c->st;
    c->pcb = fw_tls_client_new(&o, &e);
    if (c->pcb == NULL) {
        return false;
    }
    altcp_arg(c->pcb, c);
    altcp_recv(c->pcb, tcl_recv);
    altcp_err(c->pcb, tcl_err);
    IP_ADDR4(&lo, 10, 0, 0, 1);
    return altcp_connect(c->pcb, &lo, 443, tcl_connected) == ERR_OK;
}

static void tcl_get(struct tcl *c, const char *path)
{
    char req[128];
    int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: lk.test\r\n\r\n", path);
    c->in_len = 0;
    if (c->pcb != NULL && altcp_write(c->pcb, req, (u16_t)n, TCP_WRITE_FLAG_COPY) == ERR_OK) {
        altcp_output(c->pcb);
    }
}

static void tcl_close(struct tcl *c)
{
    if (c->pcb != NULL) {
        altcp_arg(c->pcb, NULL);
        altcp_recv(c->pcb, NULL);
        altcp_err(c->pcb, NULL);
        if (altcp_close(c->pcb) != ERR_OK) {
            altcp_abort(c->pcb);
        }
        c->pcb = NULL;
    }
}

static struct tcl t1, t2, t3;

TEST_CASE(server_cap_waiting_and_eviction)
{
    struct fw_tls_stats st0, st;
    setup();
    fw_tls_get_stats(&st0);
    TEST_TRUE(tcl_open(&t1) && tcl_open(&t2));
    run(300);
    TEST_TRUE(t1.connected && t2.connected);
    tcl_get(&t1, "/hello");
    run(100);
    TEST_TRUE(contains(t1.in, "HTTP/1.1 200 OK") && contains(t1.in, "hello"));
    /* A third connection: accepted, but no context is free; it waits. */
    TEST_TRUE(tcl_open(&t3));
    run(200);
    fw_tls_get_stats(&st);
    TEST_TRUE(!t3.connected);
    TEST_EQ(st.server_active, FW_TLS_SERVER_CONNS_MAX);
    TEST_EQ(st.server_waiting, 1);
    /* Once the others have been idle for FW_TLS_EVICT_IDLE_MS, the quietest one is closed
     * politely (close_notify) and the waiting one gets its handshake. */
    run(FW_TLS_EVICT_IDLE_MS + 500);
    TEST_TRUE(t3.connected);
    fw_tls_get_stats(&st);
    TEST_EQ(st.evicted - st0.evicted, 1);
    TEST_TRUE(t1.eof != t2.eof); /* exactly one of the two was closed ... */
    TEST_TRUE((t1.eof && t1.st.close_notify) || (t2.eof && t2.st.close_notify));
    tcl_get(&t3, "/hello");
    run(100);
    TEST_TRUE(contains(t3.in, "hello"));
    tcl_close(&t1);
    tcl_close(&t2);
    tcl_close(&t3);
    settle_and_check_heap();
}

TEST_CASE(certificate_replaced_under_an_open_connection)
{
    setup();
    TEST_TRUE(tcl_open(&t1));
    run(300);
    TEST_TRUE(t1.connected);
    /* New credentials: the open connection keeps the old ones (still referenced) ... */
    use_cert(&srv2);
    tcl_get(&t1, "/hello");
    run(100);
    TEST_TRUE(contains(t1.in, "hello"));
    /* ... and a new connection sees the new certificate. */
    TEST_OK(fetch("https://10.0.0.1/hello", &trust, 1000, 0));
    tcl_close(&t1);
    use_cert(&srv_ok);
    settle_and_check_heap();
}

/* ---- plain HTTP to the TLS port ---------------------------------------------------------- */

struct raw {
    struct tcp_pcb *pcb;
    bool closed;
    char in[512];
    size_t in_len;
};

static err_t raw_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct raw *r = arg;
    (void)err;
    if (p == NULL) {
        r->closed = true;
        return ERR_OK;
    }
    if (r->in_len + p->tot_len < sizeof(r->in)) {
        pbuf_copy_partial(p, r->in + r->in_len, p->tot_len, 0);
        r->in_len += p->tot_len;
    }
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static void raw_err(void *arg, err_t err)
{
    struct raw *r = arg;
    (void)err;
    r->closed = true;
    r->pcb = NULL;
}

TEST_CASE(plain_http_on_the_tls_port_is_refused)
{
    static struct raw r;
    static const char req[] = "GET /hello HTTP/1.1\r\nHost: lk.test\r\n\r\n";
    struct fw_tls_stats st0, st;
    ip_addr_t lo;
    setup();
    fw_tls_get_stats(&st0);
    memset(&r, 0, sizeof(r));
    r.pcb = tcp_new();
    TEST_TRUE(r.pcb != NULL);
    tcp_arg(r.pcb, &r);
    tcp_recv(r.pcb, raw_recv);
    tcp_err(r.pcb, raw_err);
    IP_ADDR4(&lo, 10, 0, 0, 1);
    TEST_OK(tcp_connect(r.pcb, &lo, 443, NULL));
    run(50);
    TEST_OK(tcp_write(r.pcb, req, sizeof(req) - 1, 0));
    tcp_output(r.pcb);
    run(500);
    /* Closed, and never an HTTP answer in clear text (at most a TLS alert record). */
    TEST_TRUE(r.closed);
    TEST_TRUE(r.in_len == 0 || (unsigned char)r.in[0] == 0x15);
    fw_tls_get_stats(&st);
    TEST_EQ(st.handshake_failures - st0.handshake_failures, 1);
    if (r.pcb != NULL) {
        tcp_err(r.pcb, NULL);
        tcp_recv(r.pcb, NULL);
        tcp_abort(r.pcb);
        r.pcb = NULL;
    }
    /* The server still serves. */
    TEST_OK(fetch("https://10.0.0.1/hello", &trust, 1000, 0));
    settle_and_check_heap();
}

static void raw_open(struct raw *r, const void *data, size_t len)
{
    ip_addr_t lo;
    memset(r, 0, sizeof(*r));
    r->pcb = tcp_new();
    if (r->pcb == NULL) {
        lk_test_fail(__FILE__, __LINE__, "no PCB for a raw client");
        return;
    }
    tcp_arg(r->pcb, r);
    tcp_recv(r->pcb, raw_recv);
    tcp_err(r->pcb, raw_err);
    IP_ADDR4(&lo, 10, 0, 0, 1);
    (void)tcp_connect(r->pcb, &lo, 443, NULL);
    run(50);
    if (len > 0 && r->pcb != NULL &&
        tcp_write(r->pcb, data, (u16_t)len, TCP_WRITE_FLAG_COPY) == ERR_OK) {
        tcp_output(r->pcb);
    }
    run(100);
}

static void raw_drop(struct raw *r)
{
    if (r->pcb != NULL) {
        tcp_arg(r->pcb, NULL);
        tcp_recv(r->pcb, NULL);
        tcp_err(r->pcb, NULL);
        tcp_abort(r->pcb);
        r->pcb = NULL;
    }
}

/*
 * The HTTP pool full of TLS connections in their handshake (here: a record header that
 * promises 512 bytes of ClientHello, then nothing). The HTTP server sees no byte of them,
 * yet they are busy: a new connection is refused rather than cut one of them off. A
 * connection silent since accept does give way.
 */
TEST_CASE(handshaking_connections_are_not_evicted)
{
    static const uint8_t hello_start[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
    static struct raw hs[FW_HTTP_CONNS_MAX], extra, silent;
    struct fw_http_stats st0, st;
    size_t i;
    setup();
    fw_http_get_stats(&st0);
    for (i = 0; i < FW_HTTP_CONNS_MAX; i++) {
        raw_open(&hs[i], hello_start, sizeof(hello_start));
    }
    fw_http_get_stats(&st);
    TEST_EQ(st.active, FW_HTTP_CONNS_MAX);
    raw_open(&extra, hello_start, sizeof(hello_start));
    run(200);
    fw_http_get_stats(&st);
    TEST_EQ(st.evicted - st0.evicted, 0);           /* no handshake was cut off ... */
    TEST_EQ(st.refused_full - st0.refused_full, 1); /* ... the newcomer was refused */
    TEST_TRUE(extra.closed);
    for (i = 0; i < FW_HTTP_CONNS_MAX; i++) {
        TEST_TRUE(!hs[i].closed);
    }
    raw_drop(&extra);
    /* One handshake ends; a connection that sends nothing takes its slot, and gives way
     * to the next newcomer, whose handshake then completes: a real fetch. */
    raw_drop(&hs[0]);
    run(200);
    raw_open(&silent, NULL, 0);
    fw_http_get_stats(&st0);
    TEST_EQ(st0.active, FW_HTTP_CONNS_MAX);
    raw_drop(&hs[1]); /* a TLS context for the fetch (two exist) */
    run(200);
    raw_open(&hs[1], hello_start, sizeof(hello_start)); /* the pool is full again */
    fw_http_get_stats(&st0);
    TEST_EQ(st0.active, FW_HTTP_CONNS_MAX);
    TEST_OK(fetch("https://10.0.0.1/hello", &trust, 1000, 0));
    fw_http_get_stats(&st);
    TEST_EQ(st.evicted - st0.evicted, 1);
    TEST_TRUE(silent.closed);
    for (i = 1; i < FW_HTTP_CONNS_MAX; i++) {
        TEST_TRUE(!hs[i].closed);
    }
    raw_drop(&silent);
    for (i = 0; i < FW_HTTP_CONNS_MAX; i++) {
        raw_drop(&hs[i]);
    }
    settle_and_check_heap();
}

TEST_CASE(out_of_memory_fails_cleanly)
{
    size_t limit, ok = 0, failed = 0, step = LK_TEST_HOST ? 3 * 1024 : 12 * 1024;
    setup();
    /* Run a whole fetch (both ends) under a heap limit, in steps: each run either fetches
     * the body intact or fails with an error; none crashes or leaks. */
    for (limit = 1024; limit < 120 * 1024; limit += step) {
        int rc;
        sso_alloc_set_limit(heap_base + limit);
        rc = fetch("https://10.0.0.1/big", &trust, sizeof(big), 20000);
        sso_alloc_set_limit(0);
        if (rc == FW_FETCH_OK) {
            ok++;
            TEST_EQ(got.body_len, sizeof(big));
            TEST_MEM_EQ(got_body, big, sizeof(big));
        } else {
            failed++;
            TEST_TRUE(rc != 12345); /* the callback always came */
        }
        run(2000);
        TEST_EQ(heap_now(), heap_base);
    }
    TEST_TRUE(ok > 0 && failed > 0);
    printf("# out of memory sweep: %lu runs failed cleanly, %lu succeeded\n", (unsigned long)failed,
           (unsigned long)ok);
}

static const struct lk_test_case cases[] = {
    LK_CASE(fetch_verified_byte_exact),
    LK_CASE(fetch_http_errors),
    LK_CASE(fetch_redirects),
    LK_CASE(fetch_tls_verification_failures),
    LK_CASE(fetch_refuses_bad_urls),
    LK_CASE(fetch_connection_failures),
    LK_CASE(server_cap_waiting_and_eviction),
    LK_CASE(certificate_replaced_under_an_open_connection),
    LK_CASE(plain_http_on_the_tls_port_is_refused),
    LK_CASE(handshaking_connections_are_not_evicted),
    LK_CASE(out_of_memory_fails_cleanly),
};

TEST_MAIN(cases)
