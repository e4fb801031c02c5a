/* Guards, errors and JSON helpers of the API: see api_priv.h. */
#include "api/api_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hal/hal_err.h"

struct fw_jp api_jp;

void api_error(struct fw_http_resp *r, int status, const char *code, const char *fmt, ...)
{
    char detail[256];
    struct fw_json j;
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    r->status = status;
    r->content_type = "application/json";
    r->static_body = NULL;
    r->body_len = 0;
    fw_json_init(&j, r->body, r->body_size);
    fw_json_obj_begin(&j, NULL);
    fw_json_str(&j, "error", code);
    fw_json_str(&j, "detail", detail);
    fw_json_obj_end(&j);
    if (fw_json_finish(&j, &r->body_len) != HAL_OK) {
        r->err = HAL_ENOSPC;
    }
}

struct fw_session *api_session(const struct fw_http_req *req, struct fw_http_resp *r,
                               enum api_need need)
{
    struct fw_session *s = fw_sess_lookup(req);
    if (s == NULL) {
        api_error(r, 401, "unauthorized", "Sign in first.");
        return NULL;
    }
    if (need == API_READ) {
        return s;
    }
    /* Cross-site request forgery: a page on another site can make the browser send the
     * cookie, but cannot read the token to put it in a header. */
    if (!fw_sess_csrf_ok(s, req)) {
        api_error(r, 403, "csrf", "Missing or wrong X-CSRF-Token header.");
        return NULL;
    }
    if (need == API_ADMIN && s->role != SSO_CFG_ROLE_ADMIN) {
        api_error(r, 403, "forbidden", "Read-only users cannot change settings.");
        return NULL;
    }
    return s;
}

bool api_is_json(const struct fw_http_req *req)
{
    struct fw_http_str ct;
    static const char want[] = "application/json";
    const size_t n = sizeof(want) - 1;
    size_t i;
    if (!fw_http_req_header(req, "Content-Type", &ct) || ct.len < n) {
        return false;
    }
    for (i = 0; i < n; i++) {
        char c = ct.p[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != want[i]) {
            return false;
        }
    }
    /* Parameters (charset) may follow after ';'; nothing else. */
    return ct.len == n || ct.p[n] == ';' || ct.p[n] == ' ';
}

int api_body(const struct fw_http_req *req, struct fw_http_resp *r, bool allow_empty)
{
    int rc;
    if (req->body_len == 0 && allow_empty) {
        rc = fw_jp_parse(&api_jp, "{}", 2);
        return rc == HAL_OK ? 0 : -1;
    }
    /* A JSON body only: a cross-site HTML form cannot send application/json without a
     * CORS preflight, which this device never grants (a second CSRF barrier). */
    if (!api_is_json(req)) {
        api_error(r, 415, "unsupported_media_type", "Send Content-Type: application/json.");
        return -1;
    }
    rc = fw_jp_parse(&api_jp, (const char *)req->body, req->body_len);
    if (rc != HAL_OK) {
        api_error(r, 400, "bad_json", "The body is not valid JSON (%s at byte %lu).",
                  rc == HAL_ENOSPC ? "too many values or too deep" : "syntax error",
                  (unsigned long)api_jp.err_off);
        return -1;
    }
    if (fw_jp_type(&api_jp, 0) != FW_JP_OBJECT) {
        api_error(r, 400, "bad_json", "The body must be a JSON object.");
        return -1;
    }
    return 0;
}

bool api_only_keys(struct fw_http_resp *r, int obj, const char *const *keys)
{
    int k;
    for (k = fw_jp_child(&api_jp, obj, -1); k >= 0; k = fw_jp_child(&api_jp, obj, k)) {
        const char *const *w;
        bool known = false;
        for (w = keys; *w != NULL && !known; w++) {
            known = fw_jp_str_eq(&api_jp, k, *w);
        }
        if (!known) {
            char name[FW_JP_KEY_MAX + 1];
            (void)fw_jp_str(&api_jp, k, name, sizeof(name), NULL);
            api_error(r, 400, "unknown_field", "Unknown field \"%s\".", name);
            return false;
        }
    }
    return true;
}

int api_str(struct fw_http_resp *r, int obj, const char *key, char *out, size_t max, bool null_ok)
{
    int t = fw_jp_get(&api_jp, obj, key);
    if (t < 0) {
        return 0;
    }
    if (null_ok && fw_jp_type(&api_jp, t) == FW_JP_NULL) {
        out[0] = '\0';
        return 1;
    }
    if (fw_jp_type(&api_jp, t) != FW_JP_STRING) {
        api_error(r, 400, "invalid_field", "\"%s\" must be a string.", key);
        return -1;
    }
    if (fw_jp_str(&api_jp, t, out, max + 1, NULL) != HAL_OK) {
        api_error(r, 400, "invalid_field", "\"%s\" is longer than %lu bytes.", key,
                  (unsigned long)max);
        return -1;
    }
    return 1;
}

int api_int(struct fw_http_resp *r, int obj, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
    int t = fw_jp_get(&api_jp, obj, key);
    if (t < 0) {
        return 0;
    }
    if (fw_jp_int(&api_jp, t, lo, hi, out) != HAL_OK) {
        api_error(r, 400, "invalid_field", "\"%s\" must be an integer from %lld to %lld.", key,
                  (long long)lo, (long long)hi);
        return -1;
    }
    return 1;
}

int api_bool(struct fw_http_resp *r, int obj, const char *key, bool *out)
{
    int t = fw_jp_get(&api_jp, obj, key);
    if (t < 0) {
        return 0;
    }
    if (fw_jp_bool(&api_jp, t, out) != HAL_OK) {
        api_error(r, 400, "invalid_field", "\"%s\" must be true or false.", key);
        return -1;
    }
    return 1;
}

void api_json_begin(struct fw_http_resp *r, struct fw_json *j)
{
    r->body_len = 0;
    fw_json_init(j, r->body, r->body_size);
}

void api_json_end(struct fw_http_resp *r, struct fw_json *j)
{
    if (fw_json_finish(j, &r->body_len) != HAL_OK) {
        r->err = HAL_ENOSPC; /* the server answers 500: never a cut document */
    }
}

void api_hex(const uint8_t *in, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = hx[in[i] >> 4];
        out[2 * i + 1] = hx[in[i] & 15];
    }
    out[2 * n] = '\0';
}
