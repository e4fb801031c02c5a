/**
 * @file api_priv.h
 * @brief Internal to firmware/api and firmware/sso: request guards, errors, JSON bodies.
 *
 * Every handler starts with one guard: api_session() (401 without a session; for a
 * mutation, 403 without the CSRF token or, for admin-only changes, with a read-only
 * role) and, with a body, api_body() (415 if not JSON, 400 if not a strict JSON object).
 * A guard that fails has already written the error response; the handler returns.
 */
#ifndef FW_API_PRIV_H
#define FW_API_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/sessions.h"
#include "http/http.h"
#include "util/json.h"
#include "util/json_parse.h"

/** What a handler requires. */
enum api_need {
    API_READ,  /**< any session */
    API_SELF,  /**< a mutation any role may make (logout, own password): CSRF */
    API_ADMIN, /**< an admin mutation: CSRF + admin role */
};

/** Write {"error":code,"detail":...} with @p status (replacing any body). */
void api_error(struct fw_http_resp *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** The request's session if it meets @p need; NULL after writing 401/403. */
struct fw_session *api_session(const struct fw_http_req *req, struct fw_http_resp *r,
                               enum api_need need);

/** Parse the JSON object body into the shared parser; root token 0, or -1 after an error
 *  response. @p allow_empty: an empty body counts as {}. */
int api_body(const struct fw_http_req *req, struct fw_http_resp *r, bool allow_empty);

/** The shared parser (one request at a time: the superloop runs handlers one by one). */
extern struct fw_jp api_jp;

/** 400 unknown_field unless every key of object @p obj is in @p keys (NULL-terminated). */
bool api_only_keys(struct fw_http_resp *r, int obj, const char *const *keys);

/** Read string member @p key into @p out (max bytes + NUL). @return 1 present, 0 absent,
 *  -1 after a 400 (wrong type or too long). A null value reads as "" when @p null_ok. */
int api_str(struct fw_http_resp *r, int obj, const char *key, char *out, size_t max, bool null_ok);

/** Integer member in [lo, hi]: 1 present, 0 absent, -1 after a 400. */
int api_int(struct fw_http_resp *r, int obj, const char *key, int64_t lo, int64_t hi, int64_t *out);

/** Boolean member: 1 present, 0 absent, -1 after a 400. */
int api_bool(struct fw_http_resp *r, int obj, const char *key, bool *out);

/** Start a JSON document in the response body. */
void api_json_begin(struct fw_http_resp *r, struct fw_json *j);
/** Finish it (a writer error becomes a 500). */
void api_json_end(struct fw_http_resp *r, struct fw_json *j);

/** Lowercase hex of @p n bytes into @p out (2n + 1 bytes). */
void api_hex(const uint8_t *in, size_t n, char *out);

/** Is the request body JSON (Content-Type application/json[; charset=utf-8])? */
bool api_is_json(const struct fw_http_req *req);

/** The session part of the status document (used by status.c). */
void api_status_extra(const struct fw_http_req *req, struct fw_json *j);

#endif /* FW_API_PRIV_H */
