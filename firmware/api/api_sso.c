/* /api/v1/sso: the Single Sign-On settings, metadata import, enable (docs/API.md). */
#include <stdio.h>
#include <string.h>

#include "api/api_priv.h"
#include "api/handlers.h"
#include "app/audit.h"
#include "app/config.h"
#include "app/mdimport.h"
#include "app/notify.h"
#include "app/policy.h"
#include "app/timesync.h"
#include "hal/hal_err.h"
#include "sso/alloc.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/md.h"
#include "sso/time.h"
#include "sso/url.h"

/* ---- the settings document --------------------------------------------------------- */

static void str_or_null(struct fw_json *j, const char *key, const char *v)
{
    fw_json_str(j, key, v != NULL && v[0] != '\0' ? v : NULL);
}

static void time_or_null(struct fw_json *j, const char *key, int64_t t)
{
    if (t > 0) {
        fw_json_int(j, key, t);
    } else {
        fw_json_null(j, key);
    }
}

static void groups(struct fw_json *j, const char *key, const char (*g)[SSO_CFG_GROUP_MAX + 1],
                   unsigned n)
{
    unsigned i;
    fw_json_arr_begin(j, key);
    for (i = 0; i < n && i < SSO_CFG_GROUPS_MAX; i++) {
        fw_json_str(j, NULL, g[i]);
    }
    fw_json_arr_end(j);
}

/* The GET /api/v1/sso document (also the answer of every change). */
static void sso_doc(struct fw_http_resp *r)
{
    const struct sso_cfg *c = fw_config_sso();
    static char acs[SSO_CFG_URL_MAX], ent[SSO_CFG_URL_MAX], sugg[SSO_CFG_URL_MAX];
    char app_id[SSO_CFG_URL_MAX - sizeof(SSO_MD_OKTA_ENTITY_PREFIX)];
    struct fw_json j;
    unsigned i;
    bool urls = sso_cfg_sp_urls(&c->sp, acs, ent) == SSO_OK;

    sugg[0] = '\0';
    if (c->sp.metadata_url[0] != '\0' &&
        sso_md_okta_app_id(c->sp.metadata_url, app_id, sizeof(app_id)) == SSO_OK) {
        (void)snprintf(sugg, sizeof(sugg), "%s%s", SSO_MD_OKTA_ENTITY_PREFIX, app_id);
    }
    api_json_begin(r, &j);
    fw_json_obj_begin(&j, NULL);
    fw_json_str(&j, "provider_name", c->sp.provider_name);
    fw_json_str(&j, "short_name", c->sp.short_name);
    fw_json_str(&j, "idp_metadata_url", c->sp.metadata_url);
    str_or_null(&j, "idp_entity_id", c->idp.entity_id);
    fw_json_bool(&j, "idp_entity_id_found", c->idp.entity_id_found);
    str_or_null(&j, "idp_entity_id_suggestion", sugg);
    fw_json_str(&j, "base_url", c->sp.base_url);
    fw_json_str(&j, "default_relay_state", c->sp.default_relay_state);
    fw_json_str(&j, "username_attribute", c->sp.username_attribute);
    fw_json_str(&j, "role_attribute", c->sp.role_attribute);
    groups(&j, "admin_groups", c->sp.admin_groups, c->sp.admin_group_count);
    groups(&j, "readonly_groups", c->sp.readonly_groups, c->sp.readonly_group_count);
    fw_json_uint(&j, "clock_skew_s", c->sp.clock_skew_s);
    fw_json_uint(&j, "session_lifetime_s", c->sp.session_lifetime_s);
    fw_json_bool(&j, "allow_idp_initiated", c->sp.allow_idp_initiated);
    fw_json_uint(&j, "password_grace_hours", c->sp.password_grace_hours);
    fw_json_str(&j, "acs_url", urls ? acs : NULL);
    fw_json_str(&j, "sp_entity_id", urls ? ent : NULL);
    fw_json_str(&j, "sp_metadata_url", urls ? ent : NULL);
    str_or_null(&j, "idp_sso_url", fw_policy_idp_sso_url(c, NULL));
    fw_json_arr_begin(&j, "idp_certs");
    for (i = 0; i < c->idp.cert_count && i < SSO_CFG_MD_MAX_CERTS; i++) {
        struct sso_cert_info info;
        char hex[65];
        fw_json_obj_begin(&j, NULL);
        if (sso_crypto_cert_info(c->idp.certs[i].der, c->idp.certs[i].len, &info) == SSO_OK) {
            api_hex(info.sha256, sizeof(info.sha256), hex);
            fw_json_str(&j, "sha256", hex);
            fw_json_str(&j, "subject", info.subject);
            fw_json_int(&j, "not_after", info.not_after_s);
        } else {
            uint8_t h[32];
            (void)sso_crypto_md(SSO_MD_SHA256, c->idp.certs[i].der, c->idp.certs[i].len, h);
            api_hex(h, sizeof(h), hex);
            fw_json_str(&j, "sha256", hex);
            fw_json_null(&j, "subject");
            fw_json_null(&j, "not_after");
        }
        fw_json_obj_end(&j);
    }
    fw_json_arr_end(&j);
    fw_json_obj_begin(&j, "metadata");
    fw_json_str(&j, "source", fw_md_source_name(c->idp.source));
    time_or_null(&j, "imported_at", c->idp.imported_at_s);
    time_or_null(&j, "valid_until", c->idp.valid_until_s);
    time_or_null(&j, "next_refresh", fw_md_next_refresh());
    fw_json_str(&j, "last_error", fw_md_last_refresh_error());
    fw_json_obj_end(&j);
    fw_json_bool(&j, "enabled", c->sp.enabled);
    time_or_null(&j, "enabled_at", c->sp.enabled ? c->sp.enabled_at_s : 0);
    time_or_null(&j, "password_login_until", fw_policy_password_until(c));
    fw_json_obj_end(&j);
    api_json_end(r, &j);
}

void fw_api_sso_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    (void)ctx;
    if (api_session(req, r, API_READ) != NULL) {
        sso_doc(r);
    }
}

/* Save the scratch copy and answer with the new document, or 507. */
static bool commit_or_fail(struct fw_http_resp *r)
{
    int rc = fw_config_commit(NULL);
    if (rc != HAL_OK) {
        api_error(r, rc == HAL_EINVAL ? 400 : 507,
                  rc == HAL_EINVAL ? "invalid_field" : "storage_failed",
                  rc == HAL_EINVAL ? "A value breaks its rule; nothing was changed."
                                   : "The configuration could not be saved (error %d); nothing "
                                     "was changed.",
                  rc);
        return false;
    }
    return true;
}

/* ---- PUT /api/v1/sso -------------------------------------------------------------- */

static bool text_field(struct fw_http_resp *r, const char *key, char *dst, size_t max, bool null_ok,
                       bool (*ok)(const char *, size_t), const char *rule, char *changed,
                       size_t csize)
{
    static char v[SSO_CFG_URL_MAX + 1];
    int got = api_str(r, 0, key, v, max, null_ok);
    size_t n;
    if (got <= 0) {
        return got == 0;
    }
    n = strlen(v);
    if (n > 0 && !ok(v, n)) {
        api_error(r, 400, "invalid_field", "\"%s\": %s.", key, rule);
        return false;
    }
    if (strcmp(dst, v) != 0) {
        size_t cl = strlen(changed);
        (void)snprintf(changed + cl, csize - cl, "%s%s", cl > 0 ? "," : "", key);
    }
    memcpy(dst, v, n + 1);
    return true;
}

static bool https_ok(const char *s, size_t n)
{
    /* The metadata is trusted because TLS authenticated its server: https only. */
    return sso_url_is_http(s, n) && n > 8 && (s[4] == 's' || s[4] == 'S') && s[5] == ':';
}

static bool relay_ok(const char *s, size_t n)
{
    return sso_url_relay_state_ok(s, n);
}

static bool group_list(struct fw_http_resp *r, const char *key, char (*dst)[SSO_CFG_GROUP_MAX + 1],
                       unsigned *count, char *changed, size_t csize)
{
    int t = fw_jp_get(&api_jp, 0, key), e;
    unsigned n = 0;
    static char tmp[SSO_CFG_GROUPS_MAX][SSO_CFG_GROUP_MAX + 1];
    if (t < 0) {
        return true;
    }
    if (fw_jp_type(&api_jp, t) != FW_JP_ARRAY) {
        api_error(r, 400, "invalid_field", "\"%s\" must be an array of strings.", key);
        return false;
    }
    for (e = fw_jp_child(&api_jp, t, -1); e >= 0; e = fw_jp_child(&api_jp, t, e)) {
        size_t len = 0;
        if (n >= SSO_CFG_GROUPS_MAX) {
            api_error(r, 400, "invalid_field", "\"%s\" holds at most %d values.", key,
                      SSO_CFG_GROUPS_MAX);
            return false;
        }
        if (fw_jp_str(&api_jp, e, tmp[n], sizeof(tmp[n]), &len) != HAL_OK || len == 0 ||
            !sso_cfg_text_ok(tmp[n], len)) {
            api_error(r, 400, "invalid_field",
                      "\"%s\": each value is a string of 1..%d bytes without control characters.",
                      key, SSO_CFG_GROUP_MAX);
            return false;
        }
        n++;
    }
    if (n != *count || memcmp(tmp, dst, sizeof(tmp[0]) * n) != 0) {
        size_t cl = strlen(changed);
        (void)snprintf(changed + cl, csize - cl, "%s%s", cl > 0 ? "," : "", key);
    }
    memset(dst, 0, sizeof(tmp[0]) * SSO_CFG_GROUPS_MAX);
    memcpy(dst, tmp, sizeof(tmp[0]) * n);
    *count = n;
    return true;
}

static bool num_field(struct fw_http_resp *r, const char *key, int64_t lo, int64_t hi,
                      uint32_t *dst, char *changed, size_t csize)
{
    int64_t v;
    int got = api_int(r, 0, key, lo, hi, &v);
    if (got <= 0) {
        return got == 0;
    }
    if (*dst != (uint32_t)v) {
        size_t cl = strlen(changed);
        (void)snprintf(changed + cl, csize - cl, "%s%s", cl > 0 ? "," : "", key);
    }
    *dst = (uint32_t)v;
    return true;
}

void fw_api_sso_put(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char *const keys[] = {"provider_name",
                                       "short_name",
                                       "idp_metadata_url",
                                       "idp_entity_id",
                                       "base_url",
                                       "default_relay_state",
                                       "username_attribute",
                                       "role_attribute",
                                       "admin_groups",
                                       "readonly_groups",
                                       "clock_skew_s",
                                       "session_lifetime_s",
                                       "allow_idp_initiated",
                                       "password_grace_hours",
                                       NULL};
    struct fw_session *s = api_session(req, r, API_ADMIN);
    char changed[SSO_CFG_AUDIT_DETAIL_MAX + 1] = "";
    char missing[128];
    char old_entity[SSO_CFG_URL_MAX];
    struct sso_cfg *c;
    bool b;
    int got;
    (void)ctx;
    if (s == NULL || api_body(req, r, false) < 0 || !api_only_keys(r, 0, keys)) {
        return;
    }
    c = fw_config_edit();
    memcpy(old_entity, c->idp.entity_id, sizeof(old_entity));
    /* base_url: a trailing '/' is what people paste; the stored form has none. */
    {
        static char v[SSO_CFG_URL_MAX + 1];
        got = api_str(r, 0, "base_url", v, SSO_CFG_URL_MAX, false);
        if (got < 0) {
            goto fail;
        }
        if (got == 1) {
            size_t n = strlen(v);
            if (n > 0 && v[n - 1] == '/') {
                v[--n] = '\0';
            }
            if (n > 0 && !sso_cfg_base_url_ok(v, n)) {
                api_error(r, 400, "invalid_field",
                          "\"base_url\": http(s)://host[:port] without a path, at most %u "
                          "bytes.",
                          (unsigned)SSO_CFG_BASE_URL_MAX);
                goto fail;
            }
            if (strcmp(v, c->sp.base_url) != 0) {
                (void)snprintf(changed, sizeof(changed), "base_url");
            }
            memcpy(c->sp.base_url, v, n + 1);
        }
    }
    if (!text_field(r, "provider_name", c->sp.provider_name, SSO_CFG_NAME_MAX, false,
                    sso_cfg_text_ok, "no control characters", changed, sizeof(changed)) ||
        !text_field(r, "short_name", c->sp.short_name, SSO_CFG_SHORT_MAX, false,
                    sso_cfg_short_name_ok, "1 to 32 of a-z, 0-9 and '-'", changed,
                    sizeof(changed)) ||
        !text_field(r, "idp_metadata_url", c->sp.metadata_url, SSO_CFG_URL_MAX - 1, false, https_ok,
                    "an https:// URL", changed, sizeof(changed)) ||
        !text_field(r, "idp_entity_id", c->idp.entity_id, SSO_CFG_URL_MAX - 1, true,
                    sso_cfg_text_ok, "no control characters", changed, sizeof(changed)) ||
        !text_field(r, "default_relay_state", c->sp.default_relay_state, SSO_CFG_RELAY_STATE_MAX,
                    false, relay_ok, "a device-local path such as /status (no //, no scheme)",
                    changed, sizeof(changed)) ||
        !text_field(r, "username_attribute", c->sp.username_attribute, SSO_CFG_ATTR_MAX, false,
                    sso_cfg_text_ok, "no control characters", changed, sizeof(changed)) ||
        !text_field(r, "role_attribute", c->sp.role_attribute, SSO_CFG_ATTR_MAX, false,
                    sso_cfg_text_ok, "no control characters", changed, sizeof(changed)) ||
        !group_list(r, "admin_groups", c->sp.admin_groups, &c->sp.admin_group_count, changed,
                    sizeof(changed)) ||
        !group_list(r, "readonly_groups", c->sp.readonly_groups, &c->sp.readonly_group_count,
                    changed, sizeof(changed)) ||
        !num_field(r, "clock_skew_s", 0, SSO_CFG_SKEW_MAX_S, &c->sp.clock_skew_s, changed,
                   sizeof(changed)) ||
        !num_field(r, "session_lifetime_s", SSO_CFG_LIFETIME_MIN_S, SSO_CFG_LIFETIME_MAX_S,
                   &c->sp.session_lifetime_s, changed, sizeof(changed)) ||
        !num_field(r, "password_grace_hours", 0, SSO_CFG_GRACE_MAX_HOURS,
                   &c->sp.password_grace_hours, changed, sizeof(changed))) {
        goto fail;
    }
    got = api_bool(r, 0, "allow_idp_initiated", &b);
    if (got < 0) {
        goto fail;
    }
    if (got == 1 && b != c->sp.allow_idp_initiated) {
        size_t cl = strlen(changed);
        c->sp.allow_idp_initiated = b;
        (void)snprintf(changed + cl, sizeof(changed) - cl, "%sallow_idp_initiated",
                       cl > 0 ? "," : "");
    }
    if (strcmp(old_entity, c->idp.entity_id) != 0) {
        c->idp.entity_id_found = false; /* the admin's value, not the metadata's */
    }
    if (c->sp.enabled && !fw_policy_sso_ready(c, missing, sizeof(missing))) {
        api_error(r, 409, "not_configured",
                  "SSO is enabled; this change would leave it unusable (missing: %s).", missing);
        goto fail;
    }
    if (changed[0] == '\0') {
        fw_config_abort();
        sso_doc(r);
        return;
    }
    fw_audit(FW_EV_CONFIG_CHANGED, 0, s->user, "SSO settings: %s", changed);
    if (commit_or_fail(r)) {
        fw_md_reschedule();
        sso_doc(r);
    }
    return;
fail:
    fw_config_abort();
}

/* ---- PUT /api/v1/sso/idp (manual entry) ------------------------------------------- */

void fw_api_sso_idp_put(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char *const keys[] = {"idp_entity_id", "idp_sso_url", "idp_certs_pem", NULL};
    static char entity[SSO_CFG_URL_MAX], url[SSO_CFG_URL_MAX];
    struct fw_session *s = api_session(req, r, API_ADMIN);
    static struct sso_cfg_idp idp; /* 9 KB: not on the stack */
    struct sso_cfg *c;
    int t, e;
    char *pem = NULL;
    int64_t now = 0;
    (void)ctx;
    if (s == NULL || api_body(req, r, false) < 0 || !api_only_keys(r, 0, keys)) {
        return;
    }
    if (api_str(r, 0, "idp_entity_id", entity, SSO_CFG_URL_MAX - 1, false) != 1 ||
        api_str(r, 0, "idp_sso_url", url, SSO_CFG_URL_MAX - 1, false) != 1) {
        if (r->status == 200) {
            api_error(r, 400, "missing_field",
                      "idp_entity_id, idp_sso_url and idp_certs_pem are required.");
        }
        return;
    }
    if (entity[0] == '\0' || !sso_cfg_text_ok(entity, strlen(entity))) {
        api_error(r, 400, "invalid_field", "\"idp_entity_id\" must be 1..255 printable bytes.");
        return;
    }
    if (!sso_url_is_http(url, strlen(url))) {
        api_error(r, 400, "invalid_field", "\"idp_sso_url\" must be an http(s) URL.");
        return;
    }
    t = fw_jp_get(&api_jp, 0, "idp_certs_pem");
    if (fw_jp_type(&api_jp, t) != FW_JP_ARRAY || api_jp.tok[t].count == 0 ||
        api_jp.tok[t].count > SSO_CFG_MD_MAX_CERTS) {
        api_error(r, 400, "invalid_field", "\"idp_certs_pem\" must hold 1 to %d PEM certificates.",
                  SSO_CFG_MD_MAX_CERTS);
        return;
    }
    memset(&idp, 0, sizeof(idp));
    for (e = fw_jp_child(&api_jp, t, -1); e >= 0; e = fw_jp_child(&api_jp, t, e)) {
        struct sso_cfg_cert *cc = &idp.certs[idp.cert_count];
        struct sso_cert_info info;
        size_t plen = 0, dlen = 0;
        int rc;
        if (fw_jp_type(&api_jp, e) != FW_JP_STRING) {
            api_error(r, 400, "invalid_field", "\"idp_certs_pem\" holds strings.");
            goto out;
        }
        pem = sso_malloc(api_jp.tok[e].dec_len + 1);
        if (pem == NULL) {
            api_error(r, 503, "out_of_memory", "Not enough memory; try again.");
            goto out;
        }
        (void)fw_jp_str(&api_jp, e, pem, api_jp.tok[e].dec_len + 1, &plen);
        rc = sso_crypto_pem_to_der(pem, plen, "CERTIFICATE", cc->der, sizeof(cc->der), &dlen);
        sso_free(pem);
        pem = NULL;
        if (rc == SSO_OK) {
            rc = sso_crypto_cert_info(cc->der, dlen, &info);
        }
        if (rc == SSO_OK && info.key_type == SSO_KEY_NONE) {
            rc = SSO_E_MD_CERT;
        }
        if (rc != SSO_OK) {
            api_error(r, 400, sso_err_code(rc),
                      "Certificate %u is not a usable PEM X.509 "
                      "certificate (%s).",
                      idp.cert_count + 1, sso_strerror(rc));
            goto out;
        }
        cc->len = (uint16_t)dlen;
        idp.cert_count++;
    }
    (void)fw_time_now(&now);
    memcpy(idp.entity_id, entity, sizeof(idp.entity_id));
    memcpy(idp.sso_redirect, url, sizeof(idp.sso_redirect));
    idp.source = SSO_CFG_IDP_MANUAL;
    idp.imported_at_s = now > 0 ? now : 0;
    c = fw_config_edit();
    c->idp = idp;
    fw_audit(FW_EV_METADATA_IMPORTED, 0, s->user, "manual IdP settings: %s, %u certificate(s)",
             entity, idp.cert_count);
    if (commit_or_fail(r)) {
        fw_md_reschedule();
        sso_doc(r);
    }
out:
    sso_crypto_zeroize(&idp, sizeof(idp));
}

/* ---- POST /api/v1/sso/import --------------------------------------------------------- */

static bool is_xml_type(const struct fw_http_req *req)
{
    static const char *const types[] = {"application/xml", "text/xml",
                                        "application/samlmetadata+xml"};
    struct fw_http_str ct;
    size_t i;
    if (!fw_http_req_header(req, "Content-Type", &ct)) {
        return false;
    }
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t n = strlen(types[i]);
        if (ct.len >= n && memcmp(ct.p, types[i], n) == 0 &&
            (ct.len == n || ct.p[n] == ';' || ct.p[n] == ' ')) {
            return true;
        }
    }
    return false;
}

static void import_xml(struct fw_http_resp *r, const struct fw_session *s, char *xml, size_t len)
{
    struct fw_md_err err;
    int64_t now = 0;
    struct sso_cfg *c = fw_config_edit();
    (void)fw_time_now(&now);
    if (fw_md_apply_xml(c, xml, len, SSO_CFG_IDP_PASTED, now, &err) != 0) {
        fw_config_abort();
        fw_audit(FW_EV_METADATA_IMPORT_FAILED, 0, s->user, "pasted metadata: %s", err.code);
        api_error(r, 400, err.code, "%s", err.detail);
        return;
    }
    fw_audit(FW_EV_METADATA_IMPORTED, 0, s->user, "pasted metadata: %s, %u certificate(s)",
             c->idp.entity_id[0] != '\0' ? c->idp.entity_id : "(no entityID)", c->idp.cert_count);
    if (commit_or_fail(r)) {
        fw_md_reschedule();
        sso_doc(r);
    }
}

void fw_api_sso_import(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char *const keys[] = {"metadata_xml", NULL};
    struct fw_session *s = api_session(req, r, API_ADMIN);
    char *xml;
    size_t len = 0;
    int t, rc;
    (void)ctx;
    if (s == NULL) {
        return;
    }
    if (req->body_len > 0 && is_xml_type(req)) {
        /* The XML itself (an upload): parsed in a copy, the request body is read-only. */
        xml = sso_malloc(req->body_len + 1);
        if (xml == NULL) {
            api_error(r, 503, "out_of_memory", "Not enough memory; try again.");
            return;
        }
        memcpy(xml, req->body, req->body_len);
        xml[req->body_len] = '\0';
        import_xml(r, s, xml, req->body_len);
        sso_free(xml);
        return;
    }
    if (api_body(req, r, true) < 0 || !api_only_keys(r, 0, keys)) {
        return;
    }
    t = fw_jp_get(&api_jp, 0, "metadata_xml");
    if (t >= 0) {
        if (fw_jp_type(&api_jp, t) != FW_JP_STRING || api_jp.tok[t].dec_len == 0) {
            api_error(r, 400, "invalid_field", "\"metadata_xml\" must be a non-empty string.");
            return;
        }
        xml = sso_malloc(api_jp.tok[t].dec_len + 1);
        if (xml == NULL) {
            api_error(r, 503, "out_of_memory", "Not enough memory; try again.");
            return;
        }
        (void)fw_jp_str(&api_jp, t, xml, api_jp.tok[t].dec_len + 1, &len);
        import_xml(r, s, xml, len);
        sso_free(xml);
        return;
    }
    rc = fw_md_fetch_start(false);
    switch (rc) {
    case HAL_OK:
        r->status = 202;
        (void)fw_http_resp_write(r, "{\"state\":\"fetching\"}", 20);
        return;
    case HAL_EAGAIN:
        api_error(r, 409, "busy", "A metadata fetch is already running.");
        return;
    case HAL_EINVAL:
        api_error(r, 409, "not_configured", "Set idp_metadata_url first.");
        return;
    default: {
        /* Refused before any network I/O (no time, no TLS, bad URL): the reason is the
         * fetch's, as GET /api/v1/sso/import would report it. */
        const struct fw_md_err *e = fw_md_fetch_error();
        api_error(r, 502, e->code[0] != '\0' ? e->code : "fetch_failed", "%s", e->detail);
        return;
    }
    }
}

void fw_api_sso_import_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char *const names[] = {"idle", "fetching", "done", "failed"};
    enum fw_md_fetch_state st = fw_md_fetch_state();
    const struct fw_md_err *e = fw_md_fetch_error();
    struct fw_json j;
    (void)ctx;
    if (api_session(req, r, API_READ) == NULL) {
        return;
    }
    api_json_begin(r, &j);
    fw_json_obj_begin(&j, NULL);
    fw_json_str(&j, "state", names[st]);
    fw_json_str(&j, "error", st == FW_MD_FAILED ? e->code : NULL);
    fw_json_str(&j, "detail", st == FW_MD_FAILED ? e->detail : NULL);
    time_or_null(&j, "finished_at",
                 st == FW_MD_DONE || st == FW_MD_FAILED ? fw_md_fetch_finished_at() : 0);
    fw_json_obj_end(&j);
    api_json_end(r, &j);
}

/* ---- POST /api/v1/sso/enable --------------------------------------------------------- */

static void notify_users(const struct sso_cfg *c, enum fw_notify_kind kind, const char *text)
{
    unsigned i;
    for (i = 0; i < c->account_count && i < SSO_CFG_ACCOUNTS_MAX; i++) {
        fw_notify_push(kind, c->accounts[i].name, text);
    }
}

void fw_api_sso_enable(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char *const keys[] = {"enabled", NULL};
    struct fw_session *s = api_session(req, r, API_ADMIN);
    char text[FW_NOTIFY_TEXT_MAX + 1];
    struct sso_cfg *c;
    int64_t now = 0;
    bool on;
    (void)ctx;
    if (s == NULL || api_body(req, r, false) < 0 || !api_only_keys(r, 0, keys)) {
        return;
    }
    if (api_bool(r, 0, "enabled", &on) != 1) {
        if (r->status == 200) {
            api_error(r, 400, "missing_field", "\"enabled\" (true or false) is required.");
        }
        return;
    }
    if (on == fw_config_sso()->sp.enabled) {
        /* Idempotent: enabling an enabled configuration keeps the original enabled_at
         * (and so the grace period already running). */
        sso_doc(r);
        return;
    }
    if (on) {
        char missing[128];
        if (!fw_policy_sso_ready(fw_config_sso(), missing, sizeof(missing))) {
            api_error(r, 409, "not_configured", "SSO cannot be enabled yet; missing: %s.", missing);
            return;
        }
        if (fw_time_now(&now) != HAL_OK) {
            api_error(r, 409, "time_unknown",
                      "The device clock is not set; SSO needs the time (SNTP) first.");
            return;
        }
    }
    c = fw_config_edit();
    c->sp.enabled = on;
    c->sp.enabled_at_s = on ? now : 0;
    if (on) {
        char until_s[SSO_TIME_STR_SIZE];
        (void)sso_time_format(fw_policy_password_until(c), until_s, sizeof(until_s));
        (void)snprintf(
            text, sizeof(text), "Single sign-on with %s was enabled by %s; password login ends %s.",
            c->sp.provider_name[0] != '\0' ? c->sp.provider_name : "the IdP", s->user, until_s);
        fw_audit(FW_EV_SSO_ENABLED, 0, s->user, "grace %lu h, password login until %s",
                 (unsigned long)c->sp.password_grace_hours, until_s);
    } else {
        (void)snprintf(text, sizeof(text), "Single sign-on was disabled by %s.", s->user);
        fw_audit(FW_EV_SSO_DISABLED, 0, s->user, "from the admin UI/API");
    }
    if (commit_or_fail(r)) {
        notify_users(fw_config_sso(), on ? FW_NOTIFY_SSO_ENABLED : FW_NOTIFY_SSO_DISABLED, text);
        sso_doc(r);
    }
}
