/* /api/v1/audit, /sessions, /trust, /device/cert, and /api/v1/status (docs/API.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_priv.h"
#include "api/handlers.h"
#include "app/audit.h"
#include "app/config.h"
#include "app/keys.h"
#include "app/status.h"
#include "app/timesync.h"
#include "hal/hal_err.h"
#include "net/tls.h"
#include "sso/alloc.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/url.h"
#include "trust/trust.h"

void fw_api_status(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    size_t len = 0;
    int rc;
    (void)ctx;
    rc = fw_status_json_req(req, r->body, r->body_size, &len);
    if (rc != HAL_OK) {
        r->err = rc;
        return;
    }
    r->body_len = len;
}

/* ---- audit ----------------------------------------------------------------------------- */

static void audit_entry(struct fw_json *j, const struct sso_cfg_audit_entry *e)
{
    fw_json_obj_begin(j, NULL);
    fw_json_uint(j, "seq", e->seq);
    if (e->time_s > 0) {
        fw_json_int(j, "time", e->time_s);
    } else {
        fw_json_null(j, "time");
    }
    fw_json_str(j, "event", fw_audit_event_name(e->event));
    fw_json_str(j, "code", e->code != 0 ? sso_err_code(e->code) : NULL);
    fw_json_str(j, "user", e->user[0] != '\0' ? e->user : NULL);
    fw_json_str(j, "detail", e->detail);
    fw_json_obj_end(j);
}

/* Room kept after the entries for the closing members ("more", "max", "unsaved"). */
#define AUDIT_TAIL_ROOM 96

/*
 * GET /api/v1/audit[?since=SEQ]: the entries after SEQ, oldest first, as many as fit the
 * response buffer; "more" says that the caller should ask again with since = the last
 * seq it got. (Entries are bounded, but user names and details full of characters that
 * JSON escapes could make all 32 larger than one response.)
 */
void fw_api_audit(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    const struct sso_cfg_audit *a = fw_config_audit_tail();
    static char scratch[1024]; /* one entry, measured before it is written */
    char since_txt[12];
    unsigned long since = 0;
    struct fw_json j, m;
    bool more = false;
    size_t mlen = 0;
    unsigned i;
    (void)ctx;
    if (api_session(req, r, API_READ) == NULL) {
        return;
    }
    if (sso_url_form_get(req->query.p, req->query.len, "since", since_txt, sizeof(since_txt),
                         NULL) == 1) {
        char *end = NULL;
        since = strtoul(since_txt, &end, 10);
        if (end == since_txt || *end != '\0') {
            api_error(r, 400, "invalid_field", "\"since\" must be an audit sequence number.");
            return;
        }
    }
    api_json_begin(r, &j);
    fw_json_obj_begin(&j, NULL);
    fw_json_arr_begin(&j, "entries");
    for (i = 0; i < a->count && i < SSO_CFG_AUDIT_MAX; i++) {
        const struct sso_cfg_audit_entry *e = &a->e[i];
        if (e->seq <= since) {
            continue;
        }
        fw_json_init(&m, scratch, sizeof(scratch));
        audit_entry(&m, e);
        if (fw_json_finish(&m, &mlen) != 0 || j.size - j.len < mlen + 1 + AUDIT_TAIL_ROOM) {
            more = true;
            break;
        }
        audit_entry(&j, e);
    }
    fw_json_arr_end(&j);
    fw_json_bool(&j, "more", more);
    fw_json_uint(&j, "max", SSO_CFG_AUDIT_MAX);
    fw_json_uint(&j, "unsaved", fw_audit_pending());
    fw_json_obj_end(&j);
    api_json_end(r, &j);
}

/* ---- sessions -------------------------------------------------------------------------- */

static int64_t up_to_utc(uint64_t up_s, bool known, int64_t now_utc, uint64_t now_up)
{
    if (!known) {
        return 0;
    }
    return now_utc - (int64_t)(now_up - up_s);
}

void fw_api_sessions(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    struct fw_session *me = api_session(req, r, API_READ);
    struct fw_json j;
    int64_t now = 0;
    uint64_t up = fw_time_uptime_s();
    bool known = fw_time_now(&now) == HAL_OK;
    unsigned i;
    (void)ctx;
    if (me == NULL) {
        return;
    }
    api_json_begin(r, &j);
    fw_json_obj_begin(&j, NULL);
    fw_json_arr_begin(&j, "sessions");
    for (i = 0; i < FW_SESSIONS_MAX; i++) {
        const struct fw_session *s = fw_sess_at(i);
        uint64_t idle_end;
        if (s == NULL) {
            continue;
        }
        idle_end = s->last_up_s + FW_SESSION_IDLE_S;
        fw_json_obj_begin(&j, NULL);
        fw_json_str(&j, "id", s->handle);
        fw_json_str(&j, "user", s->user);
        fw_json_str(&j, "role", fw_sess_role_name(s->role));
        fw_json_str(&j, "method", fw_sess_method_name(s->method));
        if (known) {
            fw_json_int(&j, "created", up_to_utc(s->created_up_s, known, now, up));
            fw_json_int(&j, "last_seen", up_to_utc(s->last_up_s, known, now, up));
            fw_json_int(&j, "expires",
                        now + (int64_t)((idle_end < s->end_up_s ? idle_end : s->end_up_s) - up));
        } else {
            fw_json_null(&j, "created");
            fw_json_null(&j, "last_seen");
            fw_json_null(&j, "expires");
        }
        fw_json_bool(&j, "current", s == me);
        fw_json_obj_end(&j);
    }
    fw_json_arr_end(&j);
    fw_json_uint(&j, "max", FW_SESSIONS_MAX);
    fw_json_obj_end(&j);
    api_json_end(r, &j);
}

void fw_api_session_delete(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char prefix[] = "/api/v1/sessions/";
    struct fw_session *me = api_session(req, r, API_ADMIN), *s;
    (void)ctx;
    if (me == NULL) {
        return;
    }
    s = req->path.len > sizeof(prefix) - 1 ? fw_sess_by_handle(req->path.p + sizeof(prefix) - 1,
                                                               req->path.len - (sizeof(prefix) - 1))
                                           : NULL;
    if (s == NULL) {
        api_error(r, 404, "not_found", "No such session.");
        return;
    }
    fw_audit(FW_EV_SESSION_REVOKED, 0, me->user, "ended a %s session of %s",
             fw_sess_method_name(s->method), s->user);
    if (s == me) {
        (void)fw_http_resp_header(r, "Set-Cookie", fw_sess_clear_cookie(req->tls));
    }
    fw_sess_end(s);
    (void)fw_http_resp_write(r, "{}", 2);
}

/* ---- trust store (admin-added CAs) ----------------------------------------------------- */

static void cert_json(struct fw_json *j, const struct sso_cfg_cert *c)
{
    struct sso_cert_info info;
    char hex[65];
    fw_json_obj_begin(j, NULL);
    if (sso_crypto_cert_info(c->der, c->len, &info) == SSO_OK) {
        api_hex(info.sha256, sizeof(info.sha256), hex);
        fw_json_str(j, "sha256", hex);
        fw_json_str(j, "subject", info.subject);
        fw_json_int(j, "not_after", info.not_after_s);
    } else {
        uint8_t h[32];
        (void)sso_crypto_md(SSO_MD_SHA256, c->der, c->len, h);
        api_hex(h, sizeof(h), hex);
        fw_json_str(j, "sha256", hex);
        fw_json_null(j, "subject");
        fw_json_null(j, "not_after");
    }
    fw_json_obj_end(j);
}

void fw_api_trust_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    const struct sso_cfg *c = fw_config_sso();
    struct fw_json j;
    char hex[65];
    size_t i;
    (void)ctx;
    if (api_session(req, r, API_READ) == NULL) {
        return;
    }
    api_json_begin(r, &j);
    fw_json_obj_begin(&j, NULL);
    fw_json_arr_begin(&j, "builtin");
    for (i = 0; i < fw_trust_roots_count; i++) {
        fw_json_obj_begin(&j, NULL);
        api_hex(fw_trust_roots[i].sha256, 32, hex);
        fw_json_str(&j, "name", fw_trust_roots[i].name);
        fw_json_str(&j, "sha256", hex);
        fw_json_obj_end(&j);
    }
    fw_json_arr_end(&j);
    fw_json_arr_begin(&j, "admin");
    for (i = 0; i < c->trust_count && i < SSO_CFG_TRUST_MAX; i++) {
        cert_json(&j, &c->trust[i]);
    }
    fw_json_arr_end(&j);
    fw_json_uint(&j, "admin_max", SSO_CFG_TRUST_MAX);
    fw_json_obj_end(&j);
    api_json_end(r, &j);
}

void fw_api_trust_post(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char *const keys[] = {"pem", NULL};
    static uint8_t der[FW_TRUST_CA_MAX_DER]; /* not on the stack */
    struct fw_session *s = api_session(req, r, API_ADMIN);
    struct fw_trust_ca_info info;
    struct sso_cfg *c;
    char *pem = NULL, hex[65];
    size_t plen = 0, dlen = 0;
    struct fw_json j;
    int64_t now = -1;
    unsigned i;
    int t, rc;
    (void)ctx;
    if (s == NULL || api_body(req, r, false) < 0 || !api_only_keys(r, 0, keys)) {
        return;
    }
    t = fw_jp_get(&api_jp, 0, "pem");
    if (fw_jp_type(&api_jp, t) != FW_JP_STRING) {
        api_error(r, 400, t < 0 ? "missing_field" : "invalid_field",
                  "\"pem\" (a PEM CA certificate) is required.");
        return;
    }
    pem = sso_malloc(api_jp.tok[t].dec_len + 1);
    if (pem == NULL) {
        api_error(r, 503, "out_of_memory", "Not enough memory; try again.");
        return;
    }
    (void)fw_jp_str(&api_jp, t, pem, api_jp.tok[t].dec_len + 1, &plen);
    if (fw_time_now(&now) != HAL_OK) {
        now = -1;
    }
    /* A CA certificate (cA=TRUE, keyCertSign), a usable key, currently valid: anything
     * else could never anchor a chain, or should not. */
    rc = fw_trust_check_ca(pem, plen, now, der, sizeof(der), &dlen, &info);
    sso_free(pem);
    if (rc != FW_TLS_OK) {
        api_error(r, 400, fw_tls_err_code(rc), "Not a usable CA certificate: %s%s%s.",
                  fw_tls_strerror(rc), info.subject[0] != '\0' ? " - " : "", info.subject);
        return;
    }
    if (dlen > SSO_CFG_CERT_MAX_DER) {
        api_error(r, 400, "too_large", "The certificate is %lu bytes of DER; at most %u are kept.",
                  (unsigned long)dlen, (unsigned)SSO_CFG_CERT_MAX_DER);
        return;
    }
    api_hex(info.sha256, sizeof(info.sha256), hex);
    c = fw_config_edit();
    for (i = 0; i < c->trust_count; i++) {
        if (c->trust[i].len == dlen && memcmp(c->trust[i].der, der, dlen) == 0) {
            fw_config_abort();
            api_error(r, 409, "exists", "This certificate is already in the trust store.");
            return;
        }
    }
    if (c->trust_count >= SSO_CFG_TRUST_MAX) {
        fw_config_abort();
        api_error(r, 409, "trust_store_full",
                  "The trust store holds at most %d added CAs; remove one first.",
                  SSO_CFG_TRUST_MAX);
        return;
    }
    memcpy(c->trust[c->trust_count].der, der, dlen);
    c->trust[c->trust_count].len = (uint16_t)dlen;
    c->trust_count++;
    fw_audit(FW_EV_TRUST_ADDED, 0, s->user, "CA %.16s... %.60s", hex, info.subject);
    rc = fw_config_commit(NULL);
    if (rc != HAL_OK) {
        api_error(r, 507, "storage_failed", "The trust store could not be saved (%d).", rc);
        return;
    }
    r->status = 201;
    api_json_begin(r, &j);
    fw_json_obj_begin(&j, NULL);
    fw_json_str(&j, "sha256", hex);
    fw_json_str(&j, "subject", info.subject);
    fw_json_obj_end(&j);
    api_json_end(r, &j);
}

void fw_api_trust_delete(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char prefix[] = "/api/v1/trust/";
    struct fw_session *s = api_session(req, r, API_ADMIN);
    const char *want;
    struct sso_cfg *c;
    unsigned i;
    int rc;
    (void)ctx;
    if (s == NULL) {
        return;
    }
    if (req->path.len != sizeof(prefix) - 1 + 64) {
        api_error(r, 404, "not_found", "No such certificate (use its SHA-256, 64 hex digits).");
        return;
    }
    want = req->path.p + sizeof(prefix) - 1;
    c = fw_config_edit();
    for (i = 0; i < c->trust_count; i++) {
        uint8_t h[32];
        char hex[65];
        (void)sso_crypto_md(SSO_MD_SHA256, c->trust[i].der, c->trust[i].len, h);
        api_hex(h, sizeof(h), hex);
        if (memcmp(hex, want, 64) == 0) {
            memmove(&c->trust[i], &c->trust[i + 1], sizeof(c->trust[0]) * (c->trust_count - i - 1));
            c->trust_count--;
            memset(&c->trust[c->trust_count], 0, sizeof(c->trust[0]));
            fw_audit(FW_EV_TRUST_REMOVED, 0, s->user, "CA %.16s...", hex);
            rc = fw_config_commit(NULL);
            if (rc != HAL_OK) {
                api_error(r, 507, "storage_failed", "The trust store could not be saved (%d).", rc);
                return;
            }
            (void)fw_http_resp_write(r, "{}", 2);
            return;
        }
    }
    fw_config_abort();
    api_error(r, 404, "not_found", "No such certificate in the trust store.");
}

/* ---- device certificate ----------------------------------------------------------------- */

void fw_api_device_cert_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    const struct sso_cfg *c = fw_config_sso();
    struct sso_cert_info info;
    struct fw_json j;
    (void)ctx;
    if (api_session(req, r, API_READ) == NULL) {
        return;
    }
    api_json_begin(r, &j);
    fw_json_obj_begin(&j, NULL);
    fw_json_bool(&j, "https", fw_keys_https_ready());
    if (c->keys.tls_cert.len > 0) {
        char hex[65];
        uint8_t h[32];
        (void)sso_crypto_md(SSO_MD_SHA256, c->keys.tls_cert.der, c->keys.tls_cert.len, h);
        api_hex(h, sizeof(h), hex);
        fw_json_str(&j, "sha256", hex);
        if (sso_crypto_cert_info(c->keys.tls_cert.der, c->keys.tls_cert.len, &info) == SSO_OK) {
            fw_json_str(&j, "subject", info.subject);
            fw_json_int(&j, "not_after", info.not_after_s);
        } else {
            fw_json_null(&j, "subject"); /* a chain: its leaf is first */
            fw_json_null(&j, "not_after");
        }
    } else {
        fw_json_null(&j, "sha256");
        fw_json_null(&j, "subject");
        fw_json_null(&j, "not_after");
    }
    fw_json_bool(&j, "sp_key", c->keys.sp_key.len > 0);
    fw_json_obj_end(&j);
    api_json_end(r, &j);
}

void fw_api_device_cert(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char *const keys[] = {"cert_pem", "key_pem", NULL};
    struct fw_session *s = api_session(req, r, API_ADMIN);
    struct fw_keys_err err;
    char *cert = NULL, *key = NULL;
    size_t cl = 0, kl = 0;
    int tc, tk, rc;
    (void)ctx;
    if (s == NULL || api_body(req, r, false) < 0 || !api_only_keys(r, 0, keys)) {
        return;
    }
    tc = fw_jp_get(&api_jp, 0, "cert_pem");
    tk = fw_jp_get(&api_jp, 0, "key_pem");
    if (fw_jp_type(&api_jp, tc) != FW_JP_STRING || fw_jp_type(&api_jp, tk) != FW_JP_STRING) {
        api_error(r, 400, "missing_field", "cert_pem and key_pem (PEM strings) are required.");
        return;
    }
    cert = sso_malloc(api_jp.tok[tc].dec_len + 1);
    key = sso_malloc(api_jp.tok[tk].dec_len + 1);
    if (cert == NULL || key == NULL) {
        api_error(r, 503, "out_of_memory", "Not enough memory; try again.");
        goto out;
    }
    (void)fw_jp_str(&api_jp, tc, cert, api_jp.tok[tc].dec_len + 1, &cl);
    (void)fw_jp_str(&api_jp, tk, key, api_jp.tok[tk].dec_len + 1, &kl);
    rc = fw_keys_replace_https(key, kl, cert, cl, s->user, &err);
    if (rc == -1) {
        api_error(r, 400, err.code, "%s", err.detail);
    } else if (rc == -2) {
        api_error(r, 507, "storage_failed", "The certificate could not be saved.");
    } else {
        fw_api_device_cert_get(req, r, NULL);
    }
out:
    if (key != NULL) {
        sso_crypto_zeroize(key, api_jp.tok[tk].dec_len + 1);
    }
    sso_free(key);
    sso_free(cert);
}
