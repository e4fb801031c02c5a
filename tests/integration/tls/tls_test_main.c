/*
 * latchkey-tls-test: a test firmware for the host board that runs the TLS modules for
 * real (firmware/net/tls*.c, certgen.c, trust/, fetch/) over the board's slirp network,
 * driven by tls_test.py through a small console. Not the product: the application's
 * wiring of these modules lives in firmware/app/ (another branch); this main only gives
 * the integration test a handle on each module.
 *
 * At boot it makes a device key and certificate (fw_certgen_tls, CN and SAN DNS
 * "lk-test"), prints the certificate, and serves HTTPS on port 443 and plain HTTP on 80
 * (/hello, /big). Console commands (one per line, answers start with the command name):
 *   ca-add BASE64-DER    check an admin CA (fw_trust_check_ca) and add it to the trust set
 *   ca-clear             drop the admin CAs
 *   builtins on|off      use the built-in roots
 *   fetch URL [MAX_BODY [TIMEOUT_MS]]   HTTPS GET; prints the outcome and the body's SHA-256
 *   clock-offset SECONDS shift the device's UTC (hal_clock_set_test_offset)
 *   stats                TLS counters and heap
 *   heap-reset           restart the heap peak
 *   certgen ec|rsa       time a key + certificate generation
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch.h"
#include "fw_config.h"
#include "hal/hal_board.h"
#include "hal/hal_clock.h"
#include "hal/hal_console.h"
#include "hal/hal_err.h"
#include "http/http.h"
#include "lwip/init.h"
#include "lwip/timeouts.h"
#include "mbedtls/sha256.h"
#include "net/certgen.h"
#include "net/net.h"
#include "net/tls.h"
#include "sso/alloc.h"
#include "trust/trust.h"
#include "util/log.h"

#define LINE_MAX_LEN 4096

/* ---- routes ---------------------------------------------------------------------- */

static char big[50000];

static void h_hello(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    (void)ctx;
    fw_http_resp_set(resp, 200, "text/plain");
    if (req->tls) {
        (void)fw_http_resp_write(resp, "hello over tls\n", 15);
    } else {
        (void)fw_http_resp_write(resp, "hello over tcp\n", 15);
    }
}

static void h_big(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    (void)req;
    (void)ctx;
    fw_http_resp_set(resp, 200, "application/octet-stream");
    fw_http_resp_static(resp, big, sizeof(big));
}

static const struct fw_http_route routes[] = {
    {FW_HTTP_GET, "/hello", false, 0, h_hello, NULL},
    {FW_HTTP_GET, "/big", false, 0, h_big, NULL},
};

static struct fw_http_server http_srv = {routes, sizeof(routes) / sizeof(routes[0]), false, NULL};
static struct fw_http_server https_srv = {routes, sizeof(routes) / sizeof(routes[0]), false, NULL};

/* ---- trust ----------------------------------------------------------------------- */

static uint8_t ca_der[FW_TRUST_ADMIN_MAX][FW_TRUST_CA_MAX_DER];
static struct fw_trust_der admin[FW_TRUST_ADMIN_MAX];
static size_t n_admin;
static bool builtins = true;
static struct fw_trust trust;

static void hex(const uint8_t *in, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static void cmd_ca_add(const char *b64)
{
    static char pem[LINE_MAX_LEN + 128];
    struct fw_trust_ca_info info;
    char h[65];
    size_t len = 0;
    int64_t now = -1;
    int rc;
    if (n_admin == FW_TRUST_ADMIN_MAX) {
        fw_log_printf("ca-add: error too_many");
        return;
    }
    (void)snprintf(pem, sizeof(pem), "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n",
                   b64);
    if (hal_clock_utc(&now) != HAL_OK) {
        now = -1;
    }
    rc = fw_trust_check_ca(pem, strlen(pem), now, ca_der[n_admin], sizeof(ca_der[0]), &len, &info);
    if (rc != FW_TLS_OK) {
        fw_log_printf("ca-add: error %s (%s) subject='%s'", fw_tls_err_code(rc),
                      fw_tls_strerror(rc), info.subject);
        return;
    }
    admin[n_admin].der = ca_der[n_admin];
    admin[n_admin].len = len;
    n_admin++;
    hex(info.sha256, 32, h);
    fw_log_printf("ca-add: ok subject='%s' sha256=%s bits=%u", info.subject, h, info.key_bits);
}

/* ---- fetch ----------------------------------------------------------------------- */

static void on_fetched(struct fw_fetch_result *r, void *ctx)
{
    struct sso_alloc_stats st;
    (void)ctx;
    sso_alloc_stats(&st);
    if (r->err == FW_FETCH_OK) {
        uint8_t sum[32];
        char h[65];
        (void)mbedtls_sha256(r->body, r->body_len, sum, 0);
        hex(sum, 32, h);
        fw_log_printf("fetch: ok status=%d len=%lu sha256=%s redirects=%u version=%s suite=%s "
                      "ms=%lu heap_peak=%lu",
                      r->http_status, (unsigned long)r->body_len, h, r->redirects,
                      r->tls_version != NULL ? r->tls_version : "-",
                      r->tls_ciphersuite != NULL ? r->tls_ciphersuite : "-",
                      (unsigned long)r->elapsed_ms, (unsigned long)st.peak_bytes);
    } else {
        fw_log_printf("fetch: error %s status=%d detail=%s", fw_fetch_err_code(r->err),
                      r->http_status, r->detail);
    }
}

static void cmd_fetch(int argc, char **argv)
{
    struct fw_fetch_opts o;
    int rc;
    memset(&o, 0, sizeof(o));
    o.max_body = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 65536;
    o.timeout_ms = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0;
    rc = fw_trust_init(&trust, builtins, admin, n_admin);
    if (rc != FW_TLS_OK) {
        fw_log_printf("fetch: error trust %s", fw_tls_err_code(rc));
        return;
    }
    o.trust = &trust;
    sso_alloc_reset_peak();
    rc = fw_fetch_start(argv[1], &o, on_fetched, NULL);
    if (rc != FW_FETCH_OK) {
        fw_log_printf("fetch: error %s status=0 detail=%s", fw_fetch_err_code(rc),
                      fw_fetch_strerror(rc));
    }
}

/* ---- the rest of the console ------------------------------------------------------ */

static void cmd_stats(void)
{
    struct fw_tls_stats t;
    struct sso_alloc_stats a;
    fw_tls_get_stats(&t);
    sso_alloc_stats(&a);
    fw_log_printf("stats: accepted=%lu refused=%lu handshakes=%lu failures=%lu evicted=%lu "
                  "active=%lu waiting=%lu version=%s suite=%s heap_cur=%lu heap_peak=%lu",
                  (unsigned long)t.accepted, (unsigned long)t.refused, (unsigned long)t.handshakes,
                  (unsigned long)t.handshake_failures, (unsigned long)t.evicted,
                  (unsigned long)t.server_active, (unsigned long)t.server_waiting,
                  t.last_version ? t.last_version : "-",
                  t.last_ciphersuite ? t.last_ciphersuite : "-", (unsigned long)a.cur_bytes,
                  (unsigned long)a.peak_bytes);
}

static void cmd_certgen(const char *kind)
{
    static uint8_t key[FW_CERTGEN_RSA_KEY_MAX], crt[FW_CERTGEN_CRT_MAX];
    struct fw_certgen_params p = {"lk-test", 0, 0, 0};
    struct fw_certgen_out o = {key, sizeof(key), 0, crt, sizeof(crt), 0};
    uint32_t t0 = hal_clock_ms();
    int rc = strcmp(kind, "rsa") == 0 ? fw_certgen_sp(&p, &o) : fw_certgen_tls(&p, &o);
    fw_log_printf("certgen: %s rc=%s ms=%lu", kind, fw_tls_err_code(rc),
                  (unsigned long)(hal_clock_ms() - t0));
}

static void run_line(char *line)
{
    char *argv[6];
    int argc = 0;
    char *p = line;
    while (*p != '\0' && argc < 6) {
        while (*p == ' ') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
    }
    if (argc == 0) {
        return;
    }
    if (strcmp(argv[0], "ca-add") == 0 && argc == 2) {
        cmd_ca_add(argv[1]);
    } else if (strcmp(argv[0], "ca-clear") == 0) {
        n_admin = 0;
        fw_log_printf("ca-clear: ok");
    } else if (strcmp(argv[0], "builtins") == 0 && argc == 2) {
        builtins = strcmp(argv[1], "on") == 0;
        fw_log_printf("builtins: %s", builtins ? "on" : "off");
    } else if (strcmp(argv[0], "fetch") == 0 && argc >= 2) {
        cmd_fetch(argc, argv);
    } else if (strcmp(argv[0], "clock-offset") == 0 && argc == 2) {
        int rc = hal_clock_set_test_offset(strtoll(argv[1], NULL, 10));
        fw_log_printf("clock-offset: %s", rc == HAL_OK ? argv[1] : "unsupported");
    } else if (strcmp(argv[0], "stats") == 0) {
        cmd_stats();
    } else if (strcmp(argv[0], "heap-reset") == 0) {
        sso_alloc_reset_peak();
        fw_log_printf("heap-reset: ok");
    } else if (strcmp(argv[0], "certgen") == 0 && argc == 2) {
        cmd_certgen(argv[1]);
    } else {
        fw_log_printf("%s: unknown command", argv[0]);
    }
}

static void console_poll(void)
{
    static char line[LINE_MAX_LEN + 1];
    static size_t len;
    int c;
    while ((c = hal_console_getc()) >= 0) {
        if (c == '\r' || c == '\n') {
            line[len] = '\0';
            run_line(line);
            len = 0;
        } else if (len < LINE_MAX_LEN) {
            line[len++] = (char)c;
        }
    }
}

/* ---- boot --------------------------------------------------------------------------- */

static void serve(void)
{
    static uint8_t key[FW_CERTGEN_EC_KEY_MAX], crt[FW_CERTGEN_CRT_MAX];
    static char pem[2048];
    struct fw_certgen_params p = {"lk-test", 0, 0, 0};
    struct fw_certgen_out o = {key, sizeof(key), 0, crt, sizeof(crt), 0};
    int64_t now = 0;
    size_t i, n;
    int rc;
    if (hal_clock_utc(&now) == HAL_OK) {
        p.now_s = now;
    }
    rc = fw_certgen_tls(&p, &o);
    if (rc == FW_TLS_OK) {
        rc = fw_tls_server_set_cert(key, o.key_len, crt, o.crt_len);
    }
    if (rc != FW_TLS_OK) {
        fw_log_printf("tls: no certificate (%s)", fw_tls_err_code(rc));
        return;
    }
    /* The certificate in PEM, for the test's client to trust. */
    fw_log_printf("cert-begin");
    {
        static const char d[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t j = 0;
        for (i = 0; i < o.crt_len; i += 3) {
            uint32_t v = (uint32_t)crt[i] << 16;
            size_t k = o.crt_len - i;
            if (k > 1) {
                v |= (uint32_t)crt[i + 1] << 8;
            }
            if (k > 2) {
                v |= crt[i + 2];
            }
            pem[j++] = d[(v >> 18) & 63];
            pem[j++] = d[(v >> 12) & 63];
            pem[j++] = k > 1 ? d[(v >> 6) & 63] : '=';
            pem[j++] = k > 2 ? d[v & 63] : '=';
        }
        pem[j] = '\0';
        for (n = 0; n < j; n += 64) {
            fw_log_printf("cert: %.64s", pem + n);
        }
    }
    fw_log_printf("cert-end");
    rc = fw_http_start(&https_srv, 443, fw_tls_server_allocator());
    fw_log_printf("https: %s on port 443", rc == HAL_OK ? "listening" : "cannot listen");
}

int main(int argc, char **argv)
{
    struct fw_net_cfg net;
    size_t i;

    hal_board_init(argc, argv);
    sso_alloc_set_limit(FW_CFG_HEAP_BYTES);
    fw_log_printf("latchkey-tls-test on board %s", hal_board_name());
    for (i = 0; i < sizeof(big); i++) {
        big[i] = (char)('a' + (i * 31 + i / 7) % 26);
    }
    if (fw_tls_init() != FW_TLS_OK) {
        fw_panic("entropy source failed: no TLS");
    }
    lwip_init();
    memset(&net, 0, sizeof(net));
    net.hostname = "lk-test";
    net.use_dhcp = true;
    fw_net_start(&net);
    serve();
    if (fw_http_start(&http_srv, 80, NULL) == HAL_OK) {
        fw_log_printf("http: listening on port 80");
    }
    for (;;) {
        uint32_t now;
        fw_net_poll();
        sys_check_timeouts();
        now = hal_clock_ms();
        fw_http_poll(now);
        fw_tls_poll(now);
        fw_fetch_poll(now);
        console_poll();
    }
}
