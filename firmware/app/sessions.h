/**
 * @file sessions.h
 * @brief Admin sessions: a fixed table of FW_SESSIONS_MAX entries, cookies, CSRF tokens.
 *
 * A session ID is 128 random bits from the board's entropy source, sent as the cookie
 * `lk_session=<32 hex>` (HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS). The table
 * keeps the ID and compares it in constant time against every entry, so lookup time says
 * nothing about how much of a guessed ID matched. Each session also has a CSRF token
 * (another 128 random bits) that every mutating request must echo in X-CSRF-Token, and a
 * public handle (64 bits) by which the sessions list names it: the ID itself never
 * leaves the cookie, and is never logged.
 *
 * Timeouts (monotonic seconds, so a clock change cannot extend a session): idle
 * FW_SESSION_IDLE_S since the last request, and an absolute end fixed at creation, the
 * configured lifetime capped by the assertion's SessionNotOnOrAfter for SSO sessions.
 * When every entry is in use by a live session, creating one fails (HAL_ENOSPC): the
 * table never grows and no live session is evicted to make room.
 *
 * Superloop context only.
 */
#ifndef FW_SESSIONS_H
#define FW_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "sso/cfg.h"

#ifndef FW_SESSIONS_MAX
#define FW_SESSIONS_MAX 8
#endif
#define FW_SESSION_IDLE_S     1800
#define FW_SESSION_COOKIE     "lk_session"
#define FW_SESSION_ID_HEX     32
#define FW_SESSION_HANDLE_HEX 16

enum fw_sess_method {
    FW_SESS_PASSWORD = 1,
    FW_SESS_SSO = 2,
    FW_SESS_RECOVERY = 3,
};

struct fw_session {
    bool used;
    uint8_t id[16];
    char csrf[FW_SESSION_ID_HEX + 1];
    char handle[FW_SESSION_HANDLE_HEX + 1];
    char user[SSO_CFG_USER_MAX + 1];
    uint8_t role;                               /**< enum sso_cfg_role */
    uint8_t method;                             /**< enum fw_sess_method */
    uint64_t created_up_s, last_up_s, end_up_s; /**< uptime seconds */
    int64_t created_utc;                        /**< 0 if time was unknown */
};

/**
 * @brief Open a session.
 * @param lifetime_s  absolute lifetime from now (already capped by the caller).
 * @param out         receives the entry; its ID goes out once, through fw_sess_cookie().
 * @param cookie      receives the Set-Cookie value (at least FW_SESS_COOKIE_MAX bytes).
 * @return HAL_OK, HAL_ENOSPC (table full of live sessions), HAL_EIO (no entropy).
 */
int fw_sess_create(const char *user, enum sso_cfg_role role, enum fw_sess_method method,
                   uint32_t lifetime_s, bool tls, struct fw_session **out, char *cookie,
                   size_t cookie_size);

#define FW_SESS_COOKIE_MAX 128

/**
 * @brief The session named by the request's cookie, if it is alive (touches its idle
 *        timer). Several lk_session cookies in one request: none is used (cookie
 *        tossing from a sibling host must not choose the session).
 */
struct fw_session *fw_sess_lookup(const struct fw_http_req *req);

/** Does the request carry this session's CSRF token (constant-time compare)? */
bool fw_sess_csrf_ok(const struct fw_session *s, const struct fw_http_req *req);

/** End a session (wipes it). */
void fw_sess_end(struct fw_session *s);

/** A Set-Cookie value that deletes the cookie. */
const char *fw_sess_clear_cookie(bool tls);

/** Drop expired entries; @return live sessions. */
unsigned fw_sess_count(void);

/** Entry @p i of the table (0..FW_SESSIONS_MAX-1), NULL if unused or expired. */
struct fw_session *fw_sess_at(unsigned i);

/** The live session with public handle @p h, or NULL. */
struct fw_session *fw_sess_by_handle(const char *h, size_t len);

/** End every session (SSO disabled from the console, factory reset). */
void fw_sess_end_all(void);

/** Name of a method ("password", "sso", "recovery") and a role ("admin", "readonly"). */
const char *fw_sess_method_name(unsigned m);
const char *fw_sess_role_name(unsigned r);

#endif /* FW_SESSIONS_H */
