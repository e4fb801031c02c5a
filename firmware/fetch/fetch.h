/**
 * @file fetch.h
 * @brief HTTPS GET for IdP metadata: one fetch at a time, asynchronous, verified TLS only.
 *
 * Model:
 * - fw_fetch_start() checks the URL and the clock and starts; fw_fetch_poll(now_ms), from
 *   the superloop, drives the timeouts and delivers the result. The done callback runs
 *   exactly once per successful start, from fw_fetch_poll() (never from inside
 *   fw_fetch_start() or an lwIP callback), after the fetch has returned to idle: the
 *   callback may start the next fetch. A start that fails returns the error and never
 *   calls the callback.
 * - The fetch is an explicit state machine (fetch.c documents it): DNS (lwIP; IPv4
 *   literals skip it) -> TCP connect -> TLS handshake (net/tls.h: verification against
 *   @p trust and the URL's host name, always) -> request -> status line and headers ->
 *   body (Content-Length, chunked, or up to a close_notify) -> done. Redirects (301, 302,
 *   303, 307, 308) to https URLs are followed, at most FW_FETCH_REDIRECTS_MAX.
 * - Only https:// URLs: metadata must come over verified TLS. http://, a redirect to
 *   http://, userinfo ("user@host") and IPv6 literals are refused.
 * - Time: the server certificate's validity is checked, so UTC must be known; if
 *   hal_clock_utc() fails, the start fails with FW_FETCH_E_TIME_UNKNOWN.
 * - Bounds: URL FW_FETCH_URL_MAX, response head FW_FETCH_HEAD_MAX, body @p max_body
 *   (a larger body fails with FW_FETCH_E_TOO_LARGE; never truncated). Timeouts per phase
 *   (FW_FETCH_*_TIMEOUT_MS) and overall (opts.timeout_ms).
 * - Memory: the body is one sso_malloc() buffer: exactly Content-Length bytes, or
 *   max_body bytes when the length is unknown (chunked, close-delimited), so the peak is
 *   at most max_body + one TLS client connection (~30 KB, net/tls.h). On success the callback
 * receives it in result->body and owns it from then on (sso_free() it, or set result->body = NULL
 * after taking it: otherwise it is freed when the callback returns). The TLS connection's memory
 * (net/tls.h) is freed before the callback runs.
 *
 * All functions: superloop context only.
 */
#ifndef FW_FETCH_H
#define FW_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef FW_FETCH_URL_MAX
#define FW_FETCH_URL_MAX 512 /**< bytes, without the NUL */
#endif
#ifndef FW_FETCH_HEAD_MAX
#define FW_FETCH_HEAD_MAX 4096 /**< response status line + headers */
#endif
#ifndef FW_FETCH_REDIRECTS_MAX
#define FW_FETCH_REDIRECTS_MAX 3
#endif
#ifndef FW_FETCH_TIMEOUT_MS
#define FW_FETCH_TIMEOUT_MS 60000 /**< whole fetch, redirects included (default) */
#endif
#ifndef FW_FETCH_DNS_TIMEOUT_MS
#define FW_FETCH_DNS_TIMEOUT_MS 10000
#endif
#ifndef FW_FETCH_CONNECT_TIMEOUT_MS
#define FW_FETCH_CONNECT_TIMEOUT_MS 10000 /**< TCP connection */
#endif
#ifndef FW_FETCH_TLS_TIMEOUT_MS
#define FW_FETCH_TLS_TIMEOUT_MS 20000 /**< handshake (certificate checks on a slow CPU) */
#endif
#ifndef FW_FETCH_RESPONSE_TIMEOUT_MS
#define FW_FETCH_RESPONSE_TIMEOUT_MS 20000 /**< request sent to end of headers */
#endif
#ifndef FW_FETCH_IDLE_TIMEOUT_MS
#define FW_FETCH_IDLE_TIMEOUT_MS 20000 /**< body: without any byte arriving */
#endif
#define FW_FETCH_DETAIL_MAX 200

/* X(enum name, value, stable code, human summary) */
#define FW_FETCH_ERR_TABLE(X)                                                                      \
    X(FW_FETCH_OK, 0, "ok", "fetched")                                                             \
    X(FW_FETCH_E_INTERNAL, -1, "internal_error", "internal error")                                 \
    X(FW_FETCH_E_NOMEM, -12, "out_of_memory", "out of memory")                                     \
    X(FW_FETCH_E_INVAL, -22, "invalid_argument", "invalid argument")                               \
    X(FW_FETCH_E_BUSY, -2100, "fetch_busy", "another fetch is running")                            \
    X(FW_FETCH_E_URL, -2101, "url_invalid", "URL is not a valid https URL")                        \
    X(FW_FETCH_E_NOT_HTTPS, -2102, "not_https",                                                    \
      "only https:// URLs are allowed: metadata must come over verified TLS")                      \
    X(FW_FETCH_E_TIME_UNKNOWN, -2103, "time_unknown",                                              \
      "device time is unknown: certificates cannot be checked")                                    \
    X(FW_FETCH_E_TLS_NOT_READY, -2104, "tls_not_ready", "TLS is not available (entropy)")          \
    X(FW_FETCH_E_DNS, -2105, "dns_failed", "host name could not be resolved")                      \
    X(FW_FETCH_E_CONNECT, -2106, "connect_failed", "TCP connection refused or failed")             \
    X(FW_FETCH_E_TLS_UNTRUSTED, -2107, "tls_untrusted", "TLS: certificate not trusted")            \
    X(FW_FETCH_E_TLS_HOSTNAME, -2108, "tls_hostname_mismatch",                                     \
      "TLS: certificate is not valid for this host name")                                          \
    X(FW_FETCH_E_TLS_EXPIRED, -2109, "tls_expired", "TLS: certificate expired or not yet valid")   \
    X(FW_FETCH_E_TLS_HANDSHAKE, -2110, "tls_handshake_failed", "TLS: handshake failed")            \
    X(FW_FETCH_E_TLS, -2111, "tls_error", "TLS: connection failed after the handshake")            \
    X(FW_FETCH_E_HTTP_STATUS, -2112, "http_status", "HTTP status is not 200")                      \
    X(FW_FETCH_E_HTTP_MALFORMED, -2113, "http_malformed", "malformed HTTP response")               \
    X(FW_FETCH_E_TOO_LARGE, -2114, "too_large", "response body is larger than allowed")            \
    X(FW_FETCH_E_TRUNCATED, -2115, "truncated", "connection closed before the whole body arrived") \
    X(FW_FETCH_E_TIMEOUT, -2116, "timeout", "timed out")                                           \
    X(FW_FETCH_E_REDIRECT, -2117, "redirect_refused",                                              \
      "redirect to a non-https URL or too many redirects")                                         \
    X(FW_FETCH_E_RESET, -2118, "connection_reset", "connection reset by the server")

enum fw_fetch_err {
#define FW_FETCH_ERR_ENUM(name, value, code, detail) name = (value),
    FW_FETCH_ERR_TABLE(FW_FETCH_ERR_ENUM)
#undef FW_FETCH_ERR_ENUM
};

struct fw_trust;

struct fw_fetch_opts {
    size_t max_body;              /**< required, > 0 (metadata: SSO_CFG_MD_MAX_BYTES) */
    const struct fw_trust *trust; /**< required; must stay valid until the callback */
    uint32_t timeout_ms;          /**< whole fetch; 0: FW_FETCH_TIMEOUT_MS */
};

struct fw_fetch_result {
    int err;         /**< FW_FETCH_OK or FW_FETCH_E_* */
    int http_status; /**< last HTTP status received, 0 if none */
    uint8_t *body;   /**< success: sso_malloc'd, body_len bytes (see the ownership rule) */
    size_t body_len;
    unsigned redirects;               /**< redirects followed */
    char url[FW_FETCH_URL_MAX + 1];   /**< the URL finally fetched (after redirects) */
    char detail[FW_FETCH_DETAIL_MAX]; /**< one human line: what failed and why */
    uint32_t elapsed_ms;
    uint32_t tls_verify_flags; /**< MBEDTLS_X509_BADCERT_* when a TLS check failed */
    int tls_mbedtls_err;       /**< mbedTLS error code of a TLS failure, 0 if none */
    const char *tls_version;   /**< negotiated, if the handshake completed */
    const char *tls_ciphersuite;
};

/** Called once per started fetch, from fw_fetch_poll(). */
typedef void (*fw_fetch_done_fn)(struct fw_fetch_result *result, void *ctx);

/**
 * @brief Start fetching @p url.
 * @return FW_FETCH_OK (the callback will run), or FW_FETCH_E_BUSY, FW_FETCH_E_URL,
 *         FW_FETCH_E_NOT_HTTPS, FW_FETCH_E_TIME_UNKNOWN, FW_FETCH_E_TLS_NOT_READY,
 *         FW_FETCH_E_INVAL (the callback will not run).
 */
int fw_fetch_start(const char *url, const struct fw_fetch_opts *opts, fw_fetch_done_fn done,
                   void *ctx);

/** Superloop: timeouts, and the done callback. @p now_ms from hal_clock_ms(). */
void fw_fetch_poll(uint32_t now_ms);

/** True while a fetch runs (its callback has not run yet). */
bool fw_fetch_busy(void);

/** Cancel the running fetch: its callback runs (FW_FETCH_E_TIMEOUT, "cancelled") at the
 *  next fw_fetch_poll(). No effect when idle. */
void fw_fetch_cancel(void);

/** Stable snake_case name of a FW_FETCH_* code ("tls_untrusted"); "unknown_error". */
const char *fw_fetch_err_code(int err);
/** One-line summary of a FW_FETCH_* code; never NULL. */
const char *fw_fetch_strerror(int err);

#endif /* FW_FETCH_H */
