/**
 * @file http.h
 * @brief A small, bounded HTTP/1.1 server on lwIP's altcp API.
 *
 * Model:
 * - One fixed pool of FW_HTTP_CONNS_MAX connections, shared by every listener (port 80,
 *   and 443 with firmware/net/'s TLS altcp allocator). A connection that arrives when the
 *   pool is full takes the slot of an idle one (keep-alive between requests, or silent
 *   since it connected); if none is idle, it is reset. A TLS connection in its handshake
 *   is busy, not idle, although no HTTP byte has arrived yet (fw_http_set_conn_quiet).
 * - Each connection is a state machine (http_server.c documents the transitions): read
 *   the head (at most FW_HTTP_HEAD_MAX bytes), optionally a Content-Length body (at most
 *   the route's max_body, never more than FW_HTTP_BODY_MAX; the buffer comes from
 *   sso_malloc and is freed when the response is queued), run the route's handler,
 *   send the response, then keep the connection alive or close it. Every state has a
 *   timeout. Chunked request bodies are refused (501).
 * - Routes: a caller-owned const table, matched in order on the path (exact, or prefix)
 *   and the method (a GET route also answers HEAD). No route for the path: 404; the path
 *   exists with another method: 405 with Allow; malformed request: 400 (431 for a head
 *   over the limit, 413 for a body over the route's limit).
 * - Handlers run synchronously in the superloop (lwIP callback context: they must not
 *   block). They fill a struct fw_http_resp: status, content type, extra headers, and a
 *   body either written into the connection's buffer (FW_HTTP_BODY_OUT_MAX bytes) or
 *   pointing at constant data that lives as long as the program (sent without copying).
 *
 * Requests are views into the connection's buffers, valid only during the handler call.
 * All functions: superloop context only.
 */
#ifndef FW_HTTP_H
#define FW_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- bounds (a board may override them before including this header) ---------------- */
#ifndef FW_HTTP_CONNS_MAX
#define FW_HTTP_CONNS_MAX 4 /**< simultaneous connections over all listeners */
#endif
#ifndef FW_HTTP_HEAD_MAX
#define FW_HTTP_HEAD_MAX 2048 /**< request line + headers + blank line */
#endif
#ifndef FW_HTTP_HEADERS_MAX
#define FW_HTTP_HEADERS_MAX 32 /**< header lines per request */
#endif
#ifndef FW_HTTP_BODY_MAX
#define FW_HTTP_BODY_MAX 65536 /**< largest request body any route may accept */
#endif
#ifndef FW_HTTP_OUT_SIZE
#define FW_HTTP_OUT_SIZE 2048 /**< per-connection response buffer: head + dynamic body */
#endif
#ifndef FW_HTTP_RESP_HEAD_MAX
#define FW_HTTP_RESP_HEAD_MAX 512 /**< part of the response buffer kept for the head */
#endif
#define FW_HTTP_BODY_OUT_MAX (FW_HTTP_OUT_SIZE - FW_HTTP_RESP_HEAD_MAX)
#ifndef FW_HTTP_EXTRA_HDRS_MAX
#define FW_HTTP_EXTRA_HDRS_MAX 384 /**< extra response headers (Set-Cookie, Location) */
#endif
#ifndef FW_HTTP_HEAD_TIMEOUT_MS
#define FW_HTTP_HEAD_TIMEOUT_MS 10000 /**< to receive a whole head (slow-loris bound) */
#endif
#ifndef FW_HTTP_IDLE_TIMEOUT_MS
#define FW_HTTP_IDLE_TIMEOUT_MS 15000 /**< keep-alive: idle between requests */
#endif
#ifndef FW_HTTP_BODY_TIMEOUT_MS
#define FW_HTTP_BODY_TIMEOUT_MS 30000 /**< to receive a whole body */
#endif
#ifndef FW_HTTP_SEND_TIMEOUT_MS
#define FW_HTTP_SEND_TIMEOUT_MS 30000 /**< without the peer acknowledging anything */
#endif

enum fw_http_method {
    FW_HTTP_GET,
    FW_HTTP_HEAD,
    FW_HTTP_POST,
    FW_HTTP_PUT,
    FW_HTTP_DELETE,
    FW_HTTP_OTHER, /**< any other token (routes never match it) */
};

/** A non-owning view (not NUL-terminated). */
struct fw_http_str {
    const char *p;
    size_t len;
};

struct fw_http_req {
    enum fw_http_method method;
    struct fw_http_str target; /**< request-target as received (origin-form) */
    struct fw_http_str path;   /**< target up to '?' */
    struct fw_http_str query;  /**< after '?', empty if none */
    struct fw_http_str host;   /**< Host header, empty if absent (HTTP/1.0) */
    uint8_t version_minor;     /**< HTTP/1.<minor>, 0 or 1 */
    bool keep_alive;           /**< what the client asked for */
    bool expect_continue;      /**< "Expect: 100-continue" */
    bool has_length;           /**< a Content-Length header was present */
    uint32_t content_length;
    const char *head; /**< the whole head, for fw_http_req_header() */
    size_t head_len;
    const uint8_t *body; /**< content_length bytes, or NULL */
    size_t body_len;
    bool tls; /**< arrived on a TLS listener (Secure cookies) */
};

/**
 * What a handler fills. Start state: 200, "application/json", empty body. The body is
 * either written with fw_http_resp_write() (or directly: body[0..body_size), then set
 * body_len), or set with fw_http_resp_static(). A write past body_size or extra headers
 * past their buffer set err, and the server sends 500 instead (never a cut response).
 */
struct fw_http_resp {
    int status;
    const char *content_type; /**< static string */
    char *body;               /**< the connection's buffer */
    size_t body_size;
    size_t body_len;
    const void *static_body; /**< if set, sent instead of body (no copy) */
    size_t static_len;
    char *hdrs; /**< extra header lines, each "Name: value\r\n" */
    size_t hdrs_size;
    size_t hdrs_len;
    /** Cache-Control value, a static string; NULL means "no-store" (the default). */
    const char *cache_control;
    bool close; /**< close the connection after this response */
    int err;    /**< sticky; non-zero turns the response into a 500 */
};

/** A route handler: fill @p resp for @p req. Runs in the superloop; must not block. */
typedef void (*fw_http_handler_fn)(const struct fw_http_req *req, struct fw_http_resp *resp,
                                   void *ctx);

struct fw_http_route {
    enum fw_http_method method;
    const char *path; /**< "/api/v1/status"; with prefix, "/sso/" matches "/sso/x/acs" */
    bool prefix;
    uint32_t max_body; /**< largest body accepted (0: none); capped at FW_HTTP_BODY_MAX */
    fw_http_handler_fn fn;
    void *ctx;
};

/** One listener. Caller-owned (static); the route table must outlive it. */
struct fw_http_server {
    const struct fw_http_route *routes;
    size_t n_routes;
    bool tls;  /**< set by fw_http_start from the allocator */
    void *pcb; /**< the listening altcp pcb (opaque here) */
};

/** Counters since boot (for status and tests). */
struct fw_http_stats {
    uint32_t accepted;
    uint32_t refused_full; /**< reset because the pool was full of busy connections */
    uint32_t evicted;      /**< idle connections closed to make room */
    uint32_t requests;
    uint32_t bad_requests; /**< answered 4xx by the parser (400, 413, 431, 501, 505) */
    uint32_t timeouts;
    uint32_t active;
};

/**
 * @brief Listen on @p port (all addresses) and serve @p srv's routes.
 * @param alloc  an lwIP altcp_allocator_t for TLS (firmware/net/), or NULL for plain TCP.
 * @return 0, or a negative HAL code (HAL_ENOMEM: no pcb; HAL_EIO: bind/listen failed).
 */
int fw_http_start(struct fw_http_server *srv, uint16_t port, void *alloc);

/**
 * For TLS listeners, whose layer under HTTP reads bytes the server never sees (the
 * handshake): may connection @p pcb (its altcp pcb) give way to a new one? True when it
 * is quiet: silent since it was accepted, or done with its handshake with nothing in
 * flight (net/tls.h: fw_tls_server_conn_quiet).
 */
typedef bool (*fw_http_conn_quiet_fn)(void *pcb);

/**
 * @brief Set the quiet test of the TLS layer in use (once, at boot, before the TLS
 *        listener starts). Without one, a TLS connection that has not sent a request byte
 *        gives way only between requests, after it was served once (its handshake is
 *        certainly over). Plain TCP listeners do not use it.
 */
void fw_http_set_conn_quiet(fw_http_conn_quiet_fn fn);

/** Superloop: timeouts, and sends that waited for memory. @p now_ms from hal_clock_ms(). */
void fw_http_poll(uint32_t now_ms);

void fw_http_get_stats(struct fw_http_stats *out);

/** Find a header (case-insensitive name) in @p req; the value is trimmed. */
bool fw_http_req_header(const struct fw_http_req *req, const char *name, struct fw_http_str *value);

/** Set status and content type (a static string). */
void fw_http_resp_set(struct fw_http_resp *r, int status, const char *content_type);
/** Append body bytes. @return 0 or HAL_ENOSPC (also sets r->err). */
int fw_http_resp_write(struct fw_http_resp *r, const void *data, size_t len);
/** Send @p data (program lifetime) as the body, without copying. */
void fw_http_resp_static(struct fw_http_resp *r, const void *data, size_t len);
/** Add a header line. Name and value must not contain CR or LF (HAL_EINVAL otherwise:
 *  header injection). @return 0, HAL_EINVAL or HAL_ENOSPC (both also set r->err). */
int fw_http_resp_header(struct fw_http_resp *r, const char *name, const char *value);

/** Reason phrase for a status code ("Not Found"), "" for codes not in the table. */
const char *fw_http_reason(int status);

#endif /* FW_HTTP_H */
