/**
 * @file tls.h
 * @brief TLS for the firmware: our altcp layer over mbedTLS 3.6 (server for the HTTPS
 *        listener, client for the metadata fetch), and the random generator behind it.
 *
 * Model:
 * - fw_tls_init() seeds one CTR-DRBG (AES-256) from the board's entropy source
 *   (hal_entropy_fill) and points mbedTLS's clock at the board's UTC. If the entropy
 *   source fails, it fails and so does everything after it (fail closed): no TLS
 *   connection, no key generation. fw_tls_rng() is that DRBG as an mbedTLS f_rng, for
 *   certgen.h and anyone else who needs key-quality randomness.
 * - The TLS layer is an lwIP altcp layer (lwip/priv/altcp_priv.h) stacked on altcp_tcp:
 *   the application (http_server.c, fetch.c) sees an ordinary altcp pcb and talks
 *   plaintext; this layer runs the handshake and the records. Every connection is an
 *   explicit state machine (tls.c documents the transitions). Non-blocking, superloop
 *   context only (lwIP callbacks and fw_tls_poll()), no recursion.
 * - One protocol profile, not configurable at run time: TLS 1.2 (plus TLS 1.3 when built
 *   with LK_TLS13=1), cipher suites ECDHE-ECDSA / ECDHE-RSA with AES-128/256-GCM only,
 *   groups P-256 / P-384, signatures SHA-256 or better, no renegotiation, no tickets.
 * - Server: the device certificate and key are set with fw_tls_server_set_cert() (DER,
 *   copied and parsed; the caller keeps nothing alive). Replacing them is allowed at any
 *   time: new connections use the new pair; connections already open keep the old one,
 *   which is freed with the last of them (reference count). fw_tls_server_allocator() is
 *   the altcp allocator to give fw_http_start(). Client certificates are not requested.
 * - Client: fw_tls_client_new() makes a pcb that, after altcp_connect(), verifies the
 *   server against a trust set (firmware/trust/) and the expected host name (SNI and
 *   name check, DNS or IPv4 SAN). Verification is always MBEDTLS_SSL_VERIFY_REQUIRED:
 *   there is no option to turn it off. The connected callback runs only after a
 *   successful, verified handshake; a failure is reported through the err callback, and
 *   the reason lands in the caller's struct fw_tls_status.
 *
 * Bounds and memory: each connection's mbedTLS context and record buffers come from
 * sso_calloc (MBEDTLS_SSL_IN_CONTENT_LEN 16 KB in, MBEDTLS_SSL_OUT_CONTENT_LEN 4 KB out:
 * about 27 KB per connection during the handshake). At most FW_TLS_SERVER_CONNS_MAX
 * server connections hold a context at once; further accepted connections wait
 * (their ClientHello stays in TCP's window) until one is free, and a waiting connection
 * makes an idle one (handshake done, nothing in flight, quiet for FW_TLS_EVICT_IDLE_MS)
 * close politely. At most FW_TLS_CLIENT_CONNS_MAX client connections exist. Handshake
 * time is bounded by the application's timeouts (the HTTP server's head timeout, the
 * fetch's phase timeouts). Plaintext handed to the application but not yet acknowledged
 * with altcp_recved() is bounded by TCP_WND: past it, this layer stops decrypting and
 * TCP's window closes (back-pressure).
 *
 * altcp semantics that differ from plain TCP: altcp_write() takes at most one record
 * (altcp_sndbuf() tells how much: never more than the record payload); altcp_close()
 * returns ERR_MEM while the close_notify or earlier data cannot be queued yet (retry, as
 * for TCP); the sent callback's length counts plaintext bytes, approximately (records
 * and acknowledgements do not line up).
 *
 * Errors: FW_TLS_E_* below (negative; generic values equal hal_err.h's).
 */
#ifndef FW_TLS_H
#define FW_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- bounds (a board may override them before including this header) ---------------- */
#ifndef FW_TLS_SERVER_CONNS_MAX
#define FW_TLS_SERVER_CONNS_MAX 2 /**< server connections holding an mbedTLS context */
#endif
#ifndef FW_TLS_SERVER_WAIT_MAX
#define FW_TLS_SERVER_WAIT_MAX 4 /**< accepted connections waiting for a context */
#endif
#ifndef FW_TLS_CLIENT_CONNS_MAX
#define FW_TLS_CLIENT_CONNS_MAX 1 /**< client connections (the metadata fetch) */
#endif
#ifndef FW_TLS_EVICT_IDLE_MS
#define FW_TLS_EVICT_IDLE_MS 1000 /**< quiet time before an idle connection may be closed */
#endif
#ifndef FW_TLS_CERT_MAX_DER
#define FW_TLS_CERT_MAX_DER 8192 /**< device certificate chain, DER, all certificates */
#endif
#ifndef FW_TLS_KEY_MAX_DER
#define FW_TLS_KEY_MAX_DER 2560 /**< device private key, DER (RSA-4096 PKCS#8: ~2.4 KB) */
#endif

/* X(enum name, value, stable code, human detail) */
#define FW_TLS_ERR_TABLE(X)                                                                        \
    X(FW_TLS_OK, 0, "ok", "success")                                                               \
    X(FW_TLS_E_INTERNAL, -1, "internal_error", "internal error")                                   \
    X(FW_TLS_E_NOMEM, -12, "out_of_memory", "out of memory")                                       \
    X(FW_TLS_E_INVAL, -22, "invalid_argument", "invalid argument")                                 \
    X(FW_TLS_E_NOSPC, -28, "buffer_too_small", "output buffer too small")                          \
    X(FW_TLS_E_RANDOM, -29, "random_failed", "entropy source failed: no keys or TLS")              \
    X(FW_TLS_E_NOT_READY, -2000, "tls_not_ready", "TLS is not initialised (no entropy)")           \
    X(FW_TLS_E_BUSY, -2001, "tls_busy", "too many TLS connections")                                \
    X(FW_TLS_E_PEM, -2002, "pem_invalid", "not a PEM certificate or unencrypted PEM key")          \
    X(FW_TLS_E_CERT, -2003, "certificate_invalid", "certificate cannot be parsed")                 \
    X(FW_TLS_E_KEY, -2004, "key_invalid", "private key cannot be parsed")                          \
    X(FW_TLS_E_KEY_TYPE, -2005, "key_type", "key is neither ECDSA P-256/P-384 nor RSA")            \
    X(FW_TLS_E_KEY_WEAK, -2006, "key_too_weak", "RSA key shorter than 2048 bits")                  \
    X(FW_TLS_E_KEY_MISMATCH, -2007, "key_mismatch", "private key does not match the certificate")  \
    X(FW_TLS_E_NOT_CA, -2008, "not_a_ca", "certificate is not a CA certificate")                   \
    X(FW_TLS_E_EXPIRED, -2009, "certificate_expired", "certificate has expired")                   \
    X(FW_TLS_E_NOT_YET_VALID, -2010, "certificate_not_yet_valid", "certificate is not yet valid")  \
    X(FW_TLS_E_TOO_MANY, -2011, "too_many_certificates", "more certificates than allowed")         \
    X(FW_TLS_E_HOSTNAME, -2012, "hostname_invalid", "host name is not a valid DNS name")

enum fw_tls_err {
#define FW_TLS_ERR_ENUM(name, value, code, detail) name = (value),
    FW_TLS_ERR_TABLE(FW_TLS_ERR_ENUM)
#undef FW_TLS_ERR_ENUM
};

/** Stable snake_case name of an FW_TLS_E_* code ("key_mismatch"); "unknown_error". */
const char *fw_tls_err_code(int err);
/** One-line description of an FW_TLS_E_* code; never NULL. */
const char *fw_tls_strerror(int err);

/* ---- random generator (tls_rng.c) ------------------------------------------------- */

/**
 * @brief Seed the DRBG from hal_entropy_fill() and set mbedTLS's clock to the board's UTC.
 *        Call once at boot, after hal_board_init(). Calling again reseeds.
 * @return FW_TLS_OK, or FW_TLS_E_RANDOM (entropy failed: the DRBG stays unusable, and so
 *         does every TLS and key-generation function).
 */
int fw_tls_init(void);

/** True once fw_tls_init() succeeded. */
bool fw_tls_ready(void);

/**
 * @brief mbedTLS f_rng over the DRBG (any length; reseeds from the board's entropy when
 *        due). @p ctx is ignored.
 * @return 0, or a negative mbedTLS error (not initialised, or the reseed failed).
 */
int fw_tls_rng(void *ctx, unsigned char *out, size_t len);

/* ---- server ------------------------------------------------------------------------ */

/**
 * @brief Install the server certificate and key for new connections.
 * @param key_der  private key, DER (PKCS#1, SEC1 or unencrypted PKCS#8), at most
 *                 FW_TLS_KEY_MAX_DER bytes. ECDSA P-256/P-384 or RSA >= 2048 bits.
 * @param crt_der  the certificate, DER; optionally followed by its chain (further DER
 *                 certificates, concatenated, leaf first), at most FW_TLS_CERT_MAX_DER.
 * Both are copied. The key must match the certificate.
 * @return FW_TLS_OK; FW_TLS_E_NOT_READY, FW_TLS_E_KEY, FW_TLS_E_CERT, FW_TLS_E_KEY_TYPE,
 *         FW_TLS_E_KEY_WEAK, FW_TLS_E_KEY_MISMATCH, FW_TLS_E_TOO_MANY, FW_TLS_E_NOMEM,
 *         FW_TLS_E_INVAL. On error the previous pair stays in use.
 */
int fw_tls_server_set_cert(const uint8_t *key_der, size_t key_len, const uint8_t *crt_der,
                           size_t crt_len);

/**
 * @brief The altcp allocator (an altcp_allocator_t *) for fw_http_start(): listening pcbs
 *        made with it accept TLS connections. Connections that arrive while no
 *        certificate is installed are refused.
 */
void *fw_tls_server_allocator(void);

/**
 * @brief Is server connection @p pcb (an altcp pcb from fw_tls_server_allocator()) quiet,
 *        so that the HTTP server may close it for a new one? True when not a byte has
 *        arrived since it was accepted, or when its handshake is done and nothing is in
 *        flight; false during a handshake (a ClientHello waiting for a context included).
 *        The fw_http_conn_quiet_fn for fw_http_set_conn_quiet() (http/http.h).
 */
bool fw_tls_server_conn_quiet(void *pcb);

/**
 * @brief Superloop: hand free contexts to waiting connections, close idle ones for
 *        them, retry output that waited for memory. Cheap when nothing waits. (The layer
 *        also polls itself through TCP's poll timer, once a second, if this is not called.)
 */
void fw_tls_poll(uint32_t now_ms);

/* ---- client ------------------------------------------------------------------------ */

struct fw_trust;

/** What happened on a client connection; written by the TLS layer as it goes. */
struct fw_tls_status {
    bool tcp_connected;      /**< the TCP connection was established */
    bool handshake_done;     /**< verified handshake completed */
    bool close_notify;       /**< the server closed with a TLS close_notify (not just FIN) */
    bool reset;              /**< TCP reset or error */
    int mbedtls_err;         /**< first mbedTLS error (negative), 0 if none */
    uint32_t verify_flags;   /**< MBEDTLS_X509_BADCERT_* of the server's chain, 0 if fine */
    char peer_subject[96];   /**< subject of the server certificate, if one was received */
    char top_issuer[96];     /**< issuer of the last certificate the server sent */
    const char *version;     /**< "TLSv1.2"... after the handshake (static string) */
    const char *ciphersuite; /**< negotiated suite name (static string) */
};

struct fw_tls_client_opts {
    const struct fw_trust *trust; /**< required; must outlive the connection */
    const char *hostname;         /**< required: DNS name or IPv4 literal; copied */
    struct fw_tls_status *status; /**< optional; must outlive the connection */
};

/**
 * @brief A new client pcb (IPv4). Connect it with altcp_connect(); the connected
 *        callback runs after the verified handshake.
 * @param err  receives FW_TLS_OK or the reason for NULL: FW_TLS_E_NOT_READY,
 *             FW_TLS_E_BUSY, FW_TLS_E_INVAL, FW_TLS_E_HOSTNAME, FW_TLS_E_NOMEM.
 * @return a struct altcp_pcb *, or NULL.
 */
struct altcp_pcb *fw_tls_client_new(const struct fw_tls_client_opts *opts, int *err);

/* ---- statistics -------------------------------------------------------------------- */

struct fw_tls_stats {
    uint32_t accepted;   /**< server TCP connections taken */
    uint32_t refused;    /**< refused: no certificate, too many waiting, no memory */
    uint32_t handshakes; /**< completed handshakes (server and client) */
    uint32_t handshake_failures;
    uint32_t evicted;        /**< idle connections closed to free a context */
    uint32_t server_active;  /**< server connections holding a context now */
    uint32_t server_waiting; /**< server connections waiting for one */
    uint32_t client_active;
    int last_error;           /**< last mbedTLS handshake error, 0 if none */
    const char *last_version; /**< of the last completed handshake */
    const char *last_ciphersuite;
};

void fw_tls_get_stats(struct fw_tls_stats *out);

#endif /* FW_TLS_H */
