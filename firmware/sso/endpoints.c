/* /sso/<short>/{login,acs,metadata,logout}: see endpoints.h. */
#include "sso/endpoints.h"

#include <stdio.h>
#include <string.h>

#include "api/api_priv.h"
#include "api/handlers.h"
#include "app/audit.h"
#include "app/config.h"
#include "app/policy.h"
#include "app/sessions.h"
#include "app/timesync.h"
#include "hal/hal_clock.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "sso/alloc.h"
#include "sso/authn.h"
#include "sso/b64.h"
#include "sso/err.h"
#include "sso/reason.h"
#include "sso/resp.h"
#include "sso/spmd.h"
#include "sso/url.h"
#include "ui/ui.h"
#include "util/log.h"

#define NAMEID_TRANSIENT "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"

static struct sso_authn_pending pending;
static struct {
    char id[SSO_AUTHN_ID_SIZE];
    int64_t expires_s;
} consumed[FW_SSO_CONSUMED_MAX];
static unsigned consumed_next;
static struct sso_replay replay;
static struct sso_resp_result result; /* ~6 KB: static */
/* The generated ACS URL and SP entity ID of the request being handled (one request at a
 * time: the superloop). */
static char acs[SSO_CFG_URL_MAX], ent[SSO_CFG_URL_MAX];
/* A refusal's audit detail, then its sentence (reason.h), one after the other. */
static char reason_buf[FW_SSO_REASON_MAX];
static uint32_t last_validation_ms;

void fw_sso_reset(void)
{
    sso_authn_pending_init(&pending);
    memset(consumed, 0, sizeof(consumed));
    sso_replay_init(&replay);
}

uint32_t fw_sso_last_validation_ms(void)
{
    return last_validation_ms;
}

static int rng(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    return hal_entropy_fill(buf, len) == HAL_OK ? 0 : -1;
}

/* ---- pages -------------------------------------------------------------------------- */

static void html_escaped(struct fw_http_resp *r, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '<':
            (void)fw_http_resp_write(r, "&lt;", 4);
            break;
        case '>':
            (void)fw_http_resp_write(r, "&gt;", 4);
            break;
        case '&':
            (void)fw_http_resp_write(r, "&amp;", 5);
            break;
        case '"':
            (void)fw_http_resp_write(r, "&quot;", 6);
            break;
        case '\'':
            (void)fw_http_resp_write(r, "&#39;", 5);
            break;
        default:
            (void)fw_http_resp_write(r, s, 1);
            break;
        }
    }
}

static void put(struct fw_http_resp *r, const char *s)
{
    (void)fw_http_resp_write(r, s, strlen(s));
}

static const char logo[] =
    "<svg class=\"logo\" viewBox=\"0 0 24 24\" aria-hidden=\"true\"><path d=\"M7 10V7a5 5 0 0 "
    "1 10 0v3h1.5A1.5 1.5 0 0 1 20 11.5v9a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 4 20.5v-9A1.5 "
    "1.5 0 0 1 5.5 10zm2 0h6V7a3 3 0 0 0-6 0zm3 4a1.5 1.5 0 0 0-1 2.6V19h2v-2.4a1.5 1.5 0 0 0-1-"
    "2.6z\"/></svg>";

static void page_body(struct fw_http_resp *r, int status, const char *title, const char *text,
                      const char *code)
{
    put(r, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
           "name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta "
           "name=\"referrer\" content=\"no-referrer\"><title>");
    html_escaped(r, title);
    put(r, " \xc2\xb7 Latchkey</title><link rel=\"stylesheet\" href=\"");
    put(r, fw_ui_css_path);
    put(r, "\"></head><body class=\"login-page\"><main class=\"login-box\"><div "
           "class=\"login-brand\">");
    put(r, logo);
    put(r, "<span>Latchkey</span></div><h1>");
    html_escaped(r, title);
    /* A refusal is an error; "try later" (no clock, not configured) a warning. */
    put(r, status == 503 || status == 409 ? "</h1><div class=\"msg msg-warn\" role=\"alert\">"
                                          : "</h1><div class=\"msg msg-err\" role=\"alert\">");
    html_escaped(r, text);
    put(r, "</div>");
    if (code != NULL) {
        put(r, "<p class=\"hint\">Reason code: <code>");
        html_escaped(r, code);
        put(r, "</code>. The device's audit log has the details.</p>");
    }
    put(r, "<p><a class=\"btn btn-primary btn-block\" href=\"/login\">Back to sign-in</a></p>"
           "</main></body></html>");
}

/*
 * A short, honest page styled like the sign-in page: what happened, what to do, the
 * stable reason code for the admin. Plain text in, HTML-escaped out (the text may carry
 * values from the IdP's answer). If the page does not fit the response buffer (values
 * at their bounds, many escapes), the code's one-line description replaces the text:
 * shorter, never a cut page.
 */
static void page(struct fw_http_resp *r, int status, const char *title, const char *text,
                 const char *code)
{
    fw_http_resp_set(r, status, "text/html; charset=utf-8");
    r->static_body = NULL;
    r->body_len = 0;
    page_body(r, status, title, text, code);
    if (r->err != 0) {
        r->err = 0;
        r->body_len = 0;
        page_body(r, status, title, "The request was refused; see the reason code.", code);
    }
    (void)fw_ui_security_headers(r);
}

/* ---- path ------------------------------------------------------------------------------ */

/* /sso/<short>/<action>: does <short> name the configured provider? */
static bool parse_path(const struct fw_http_req *req, struct fw_http_str *action)
{
    const struct sso_cfg *c = fw_config_sso();
    const char *p = req->path.p + 5; /* after "/sso/" */
    size_t left = req->path.len - 5, sl = strlen(c->sp.short_name);
    if (req->path.len < 5 || sl == 0 || left <= sl + 1 || memcmp(p, c->sp.short_name, sl) != 0 ||
        p[sl] != '/') {
        return false;
    }
    action->p = p + sl + 1;
    action->len = left - sl - 1;
    return true;
}

static bool is(struct fw_http_str s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

/* ---- /login -------------------------------------------------------------------------- */

static void sso_login(const struct fw_http_req *req, struct fw_http_resp *r)
{
    const struct sso_cfg *c = fw_config_sso();
    char relay[SSO_CFG_RELAY_STATE_MAX + 1];
    struct sso_authn_request ar;
    struct sso_authn_params ap;
    size_t rlen = 0, needed = 0;
    bool redirect;
    int64_t now;
    int rc;

    if (!c->sp.enabled) {
        page(r, 403, "Single sign-on is off",
             "Single sign-on is not enabled on this device. Sign in with your password.", NULL);
        return;
    }
    if (!fw_policy_sso_ready(c, NULL, 0) || sso_cfg_sp_urls(&c->sp, acs, ent) != SSO_OK) {
        page(r, 409, "Single sign-on is not configured",
             "The single sign-on settings are incomplete. An administrator must finish them.",
             NULL);
        return;
    }
    if (fw_time_now(&now) != HAL_OK) {
        /* No time, no SSO: assertion validity windows cannot be checked. */
        fw_audit(FW_EV_SSO_LOGIN_REFUSED, SSO_E_RESP_TIME_UNKNOWN, NULL,
                 "SSO login before the clock was set");
        page(r, 503, "The device clock is not set",
             "Single sign-on needs the correct time to check the identity provider's answer, "
             "and this device has not learned it yet (SNTP). Try again in a minute, or sign in "
             "with your password.",
             sso_err_code(SSO_E_RESP_TIME_UNKNOWN));
        return;
    }
    relay[0] = '\0';
    /* ?next=/path: where to land after login; only a device-local path (no open
     * redirect). Without it no RelayState is sent and the login lands on the dashboard:
     * the Default Relay State is for logins started at the IdP (its app tile). */
    if (sso_url_form_get(req->query.p, req->query.len, "next", relay, sizeof(relay), &rlen) != 1 ||
        !sso_url_relay_state_ok(relay, rlen)) {
        relay[0] = '\0';
    }
    rc = sso_authn_new(&ar, now, rng, NULL);
    if (rc == SSO_OK) {
        rc = sso_authn_pending_add(&pending, ar.id, now, now + FW_SSO_REQUEST_TTL_S);
    }
    if (rc != SSO_OK) {
        page(r, 500, "Sign-in could not start", "The device could not create a request.",
             sso_err_code(rc));
        return;
    }
    memset(&ap, 0, sizeof(ap));
    ap.sp_entity_id = ent;
    ap.acs_url = acs;
    ap.idp_sso_url = fw_policy_idp_sso_url(c, &redirect);
    ap.relay_state = relay[0] != '\0' ? relay : NULL;
    if (redirect) {
        static char out[2048]; /* the Location URL; not on the stack */
        rc = sso_authn_redirect_url(out, sizeof(out), &needed, &ar, &ap);
        if (rc == SSO_OK && fw_http_resp_header(r, "Location", out) == HAL_OK) {
            fw_http_resp_set(r, 302, "text/html; charset=utf-8");
            put(r, "<!doctype html><title>Redirecting</title><p>Redirecting to the identity "
                   "provider.</p>");
            return;
        }
    } else {
        /* The IdP takes only HTTP-POST: an auto-submitting form (the body is the page). */
        fw_http_resp_set(r, 200, "text/html; charset=utf-8");
        rc = sso_authn_post_form(r->body, r->body_size, &needed, &ar, &ap);
        if (rc == SSO_OK) {
            r->body_len = strlen(r->body);
            return;
        }
        r->body_len = 0;
    }
    page(r, 500, "Sign-in could not start",
         "The request to the identity provider could not be built (a URL is too long?).",
         sso_err_code(rc));
}

/* ---- /acs ---------------------------------------------------------------------------- */

static bool is_form(const struct fw_http_req *req)
{
    static const char want[] = "application/x-www-form-urlencoded";
    struct fw_http_str ct;
    size_t n = sizeof(want) - 1, i;
    if (!fw_http_req_header(req, "Content-Type", &ct) || ct.len < n) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if ((ct.p[i] | 0x20) != want[i] && ct.p[i] != want[i]) {
            return false;
        }
    }
    return ct.len == n || ct.p[n] == ';' || ct.p[n] == ' ';
}

/* Outstanding requests for the validator: the pending table plus the consumed ring (so
 * that a second post reaches the replay cache; see endpoints.h). */
static unsigned outstanding(const char **ids, int64_t now)
{
    unsigned n = 0, i;
    for (i = 0; i < SSO_CFG_AUTHN_PENDING_MAX; i++) {
        if (pending.e[i].id[0] != '\0' && pending.e[i].expires_s > now) {
            ids[n++] = pending.e[i].id;
        }
    }
    for (i = 0; i < FW_SSO_CONSUMED_MAX; i++) {
        if (consumed[i].id[0] != '\0' && consumed[i].expires_s > now) {
            ids[n++] = consumed[i].id;
        }
    }
    return n;
}

static bool was_consumed(const char *id, int64_t now)
{
    unsigned i;
    for (i = 0; i < FW_SSO_CONSUMED_MAX; i++) {
        if (consumed[i].id[0] != '\0' && consumed[i].expires_s > now &&
            strcmp(consumed[i].id, id) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * The answer is refused: the audit log gets the stable code and a precise detail (the
 * values first, so that they survive its bound), the person a sentence that says what
 * happened and what to do (reason.h), and no session is opened. @p err is the core's, or
 * NULL for a check of the ACS itself; @p audit_detail and @p text replace the generated
 * ones when not NULL. acs[] and ent[] hold this SP's URLs.
 */
static void refused(struct fw_http_resp *r, int code, const struct sso_resp_error *err,
                    const char *user, int64_t now, const char *audit_detail, const char *text)
{
    const struct sso_cfg *c = fw_config_sso();
    struct fw_sso_reason_in in;
    memset(&in, 0, sizeof(in));
    in.code = code;
    in.err = err;
    in.sp_entity_id = ent;
    in.acs_url = acs;
    in.idp_entity_id = c->idp.entity_id;
    in.provider_name = c->sp.provider_name;
    in.now_s = now;
    in.skew_s = c->sp.clock_skew_s;
    in.certs = c->idp.certs;
    in.cert_count =
        c->idp.cert_count < SSO_CFG_MD_MAX_CERTS ? c->idp.cert_count : SSO_CFG_MD_MAX_CERTS;
    if (audit_detail == NULL) {
        if (fw_sso_reason_audit(&in, reason_buf, sizeof(reason_buf)) != SSO_OK) {
            (void)snprintf(reason_buf, sizeof(reason_buf), "%s", sso_strerror(code));
        }
        audit_detail = reason_buf;
    }
    fw_audit(FW_EV_SSO_LOGIN_FAILED, code, user, "%s", audit_detail);
    if (text == NULL) {
        if (fw_sso_reason_text(&in, reason_buf, sizeof(reason_buf)) != SSO_OK) {
            (void)snprintf(reason_buf, sizeof(reason_buf),
                           "The identity provider's answer was refused (%s).", sso_strerror(code));
        }
        text = reason_buf;
    }
    page(r, 403, "Sign-in failed", text, sso_err_code(code));
}

/* The user name: the NameID, or the first value of the configured attribute. */
static const char *user_name(const struct sso_cfg *c, const char **why)
{
    const char *u;
    if (c->sp.username_attribute[0] == '\0') {
        if (strcmp(result.name_id_format, NAMEID_TRANSIENT) == 0) {
            *why = "NameID is transient (not a user name); set username_attribute";
            return NULL;
        }
        u = result.name_id;
    } else {
        int a = sso_resp_attr_find(&result, c->sp.username_attribute);
        if (a < 0 || result.attrs[a].value_count == 0) {
            *why = "the username attribute is missing";
            return NULL;
        }
        u = sso_resp_attr_value(&result, (unsigned)a, 0);
    }
    if (u == NULL || u[0] == '\0') {
        *why = "the user name is empty";
        return NULL;
    }
    if (strlen(u) > SSO_CFG_USER_MAX || !sso_cfg_text_ok(u, strlen(u))) {
        *why = "the user name is too long or not printable";
        return NULL;
    }
    return u;
}

static enum sso_cfg_role map_role(const struct sso_cfg *c)
{
    const char *vals[SSO_CFG_RESP_MAX_VALUES];
    unsigned n = 0, j;
    int a = sso_resp_attr_find(&result, c->sp.role_attribute);
    if (a < 0) {
        return SSO_CFG_ROLE_NONE;
    }
    for (j = 0; j < result.attrs[a].value_count && n < SSO_CFG_RESP_MAX_VALUES; j++) {
        vals[n++] = sso_resp_attr_value(&result, (unsigned)a, j);
    }
    return sso_cfg_map_role(&c->sp, vals, n);
}

static void sso_acs(const struct fw_http_req *req, struct fw_http_resp *r)
{
    const struct sso_cfg *c = fw_config_sso();
    const char *ids[SSO_CFG_AUTHN_PENDING_MAX + FW_SSO_CONSUMED_MAX];
    char relay[SSO_CFG_RELAY_STATE_MAX + 1], cookie[FW_SESS_COOKIE_MAX];
    struct sso_resp_config rc_cfg;
    struct sso_resp_params params;
    static struct sso_resp_error err; /* ~470 bytes: not on the stack */
    struct fw_session *s = NULL;
    struct sso_alloc_stats heap0, heap1;
    const char *user, *why = NULL;
    enum sso_cfg_role role;
    char *buf = NULL;
    size_t len = 0, rlen = 0;
    int64_t now = 0, floor_s = 0, lifetime;
    uint32_t t0;
    unsigned i;
    int rc;

    if (!is_form(req)) {
        page(r, 415, "Sign-in failed", "The identity provider did not post a form.", NULL);
        return;
    }
    if (!c->sp.enabled || !fw_policy_sso_ready(c, NULL, 0) ||
        sso_cfg_sp_urls(&c->sp, acs, ent) != SSO_OK) {
        fw_audit(FW_EV_SSO_LOGIN_REFUSED, 0, NULL, "response posted while SSO is %s",
                 c->sp.enabled ? "incompletely configured" : "disabled");
        page(r, 403, "Single sign-on is off",
             "Single sign-on is not enabled on this device. Sign in with your password.", NULL);
        return;
    }
    if (fw_time_now(&now) != HAL_OK) {
        fw_audit(FW_EV_SSO_LOGIN_REFUSED, SSO_E_RESP_TIME_UNKNOWN, NULL,
                 "response posted before the clock was set");
        page(r, 503, "The device clock is not set",
             "Single sign-on needs the correct time, and this device has not learned it yet. "
             "Try again in a minute, or sign in with your password.",
             sso_err_code(SSO_E_RESP_TIME_UNKNOWN));
        return;
    }
    /* SAMLResponse: URL-decoded into a buffer of the body's size, then base64-decoded
     * in place (the decoder writes behind what it reads). */
    buf = sso_malloc(req->body_len + 1);
    if (buf == NULL) {
        page(r, 503, "Sign-in failed", "The device is out of memory; try again.", NULL);
        return;
    }
    rc = sso_url_form_get((const char *)req->body, req->body_len, "SAMLResponse", buf,
                          req->body_len + 1, &len);
    if (rc == 1) {
        rc = sso_b64_decode(buf, len, (uint8_t *)buf, len, &len) == SSO_OK ? SSO_OK : SSO_E_B64;
    } else {
        rc = rc == 0 ? SSO_E_RESP_MALFORMED : SSO_E_URL;
    }
    if (rc != SSO_OK) {
        refused(r, rc, NULL, NULL, now,
                rc == SSO_E_RESP_MALFORMED ? "no SAMLResponse in the form"
                                           : "SAMLResponse is not form/base64 encoded",
                rc == SSO_E_RESP_MALFORMED
                    ? "The form posted to this address carries no SAMLResponse."
                    : "The posted form is not correctly encoded (SAMLResponse must be base64 "
                      "in a URL-encoded form).");
        goto out;
    }
    /* RelayState: optional; anything but a local path is ignored (never an open
     * redirect), and so is a value over its bound. */
    relay[0] = '\0';
    if (sso_url_form_get((const char *)req->body, req->body_len, "RelayState", relay, sizeof(relay),
                         &rlen) != 1 ||
        !sso_url_relay_state_ok(relay, rlen)) {
        relay[0] = '\0';
    }

    memset(&rc_cfg, 0, sizeof(rc_cfg));
    rc_cfg.sp_entity_id = ent;
    rc_cfg.acs_url = acs;
    rc_cfg.idp_entity_id = c->idp.entity_id;
    for (i = 0; i < c->idp.cert_count && i < SSO_CFG_MD_MAX_CERTS; i++) {
        rc_cfg.trust.cert_der[i] = c->idp.certs[i].der;
        rc_cfg.trust.cert_len[i] = c->idp.certs[i].len;
    }
    rc_cfg.trust.count = i;
    rc_cfg.skew_s = c->sp.clock_skew_s;
    rc_cfg.allow_unsolicited = c->sp.allow_idp_initiated;
    rc_cfg.sp_key_der = c->keys.sp_key.len > 0 ? c->keys.sp_key.der : NULL;
    rc_cfg.sp_key_len = c->keys.sp_key.len;
    memset(&params, 0, sizeof(params));
    params.now_s = now;
    params.time_known = true;
    params.outstanding = ids;
    params.outstanding_count = outstanding(ids, now);
    params.replay = &replay;
    params.rng = rng;

    sso_alloc_reset_peak();
    sso_alloc_stats(&heap0);
    t0 = hal_clock_ms();
    rc = sso_resp_validate(buf, len, &rc_cfg, &params, &result, &err);
    last_validation_ms = hal_clock_ms() - t0;
    sso_alloc_stats(&heap1);
    sso_free(buf);
    buf = NULL;
    fw_log_printf("sso: response checked in %lu ms (%s); %lu bytes, heap peak +%lu",
                  (unsigned long)last_validation_ms, sso_err_code(rc), (unsigned long)len,
                  (unsigned long)(heap1.peak_bytes - heap0.cur_bytes));
    if (rc != SSO_OK) {
        refused(r, rc, &err, NULL, now, NULL, NULL);
        goto out;
    }
    if (result.in_response_to[0] == '\0') {
        /* IdP-initiated: the replay cache is RAM; anything issued before this boot knew
         * the time may have been used before the reboot. */
        if (fw_time_known_since(&floor_s) != HAL_OK || result.issue_instant_s < floor_s) {
            refused(r, SSO_E_RESP_REPLAY, NULL, NULL, now,
                    "IdP-initiated assertion issued before this boot",
                    "This login answer was issued before the device last restarted, so the "
                    "device cannot tell whether it was used already. Start a new sign-in.");
            goto out;
        }
    } else {
        /* SP-initiated: use the request up. Already used means this very response (or
         * another one answering the same request) came before: a replay. */
        if (!sso_authn_pending_consume(&pending, result.in_response_to,
                                       strlen(result.in_response_to), now)) {
            bool again = was_consumed(result.in_response_to, now);
            refused(r, SSO_E_RESP_REPLAY, NULL, NULL, now,
                    again ? "the request was already answered"
                          : "the request is no longer outstanding",
                    again ? NULL
                          : "The sign-in this answers is no longer open (it expired after 10 "
                            "minutes, or the device restarted). Start a new sign-in.");
            goto out;
        }
        /* It matched a pending ID, so it fits (SSO_AUTHN_ID_SIZE). */
        memcpy(consumed[consumed_next].id, result.in_response_to, sizeof(consumed[0].id) - 1);
        consumed[consumed_next].id[sizeof(consumed[0].id) - 1] = '\0';
        consumed[consumed_next].expires_s = now + FW_SSO_REQUEST_TTL_S;
        consumed_next = (consumed_next + 1) % FW_SSO_CONSUMED_MAX;
    }
    user = user_name(c, &why);
    if (user == NULL) {
        fw_audit(FW_EV_SSO_NO_ACCESS, 0, NULL, "%s", why);
        (void)snprintf(reason_buf, sizeof(reason_buf),
                       "The identity provider did not send a usable user name: %s.", why);
        page(r, 403, "No access", reason_buf, NULL);
        goto out;
    }
    role = map_role(c);
    if (role == SSO_CFG_ROLE_NONE) {
        /* Authenticated, but no group maps to a role: no access (fail closed). */
        fw_audit(FW_EV_SSO_NO_ACCESS, 0, user, "no value of \"%.40s\" maps to a role",
                 c->sp.role_attribute);
        page(r, 403, "No access",
             "You signed in, but your groups give you no access to this device. Ask an "
             "administrator to add you to an admin or read-only group.",
             NULL);
        goto out;
    }
    lifetime = c->sp.session_lifetime_s;
    if (result.session_not_on_or_after_s > 0 && result.session_not_on_or_after_s - now < lifetime) {
        lifetime = result.session_not_on_or_after_s - now; /* the IdP's session cap */
    }
    if (lifetime <= 0) {
        refused(r, SSO_E_RESP_EXPIRED, NULL, user, now, "SessionNotOnOrAfter passed",
                "The identity provider's session for this sign-in has already ended "
                "(SessionNotOnOrAfter). Sign in at the identity provider again.");
        goto out;
    }
    rc = fw_sess_create(user, role, FW_SESS_SSO, (uint32_t)lifetime, req->tls, &s, cookie,
                        sizeof(cookie));
    if (rc != HAL_OK) {
        fw_audit(rc == HAL_ENOSPC ? FW_EV_SESSION_TABLE_FULL : FW_EV_SSO_LOGIN_FAILED, 0, user,
                 "SSO login refused: %s",
                 rc == HAL_ENOSPC ? "all sessions in use" : "no session could be created");
        page(r, 503, "Sign-in failed",
             rc == HAL_ENOSPC ? "Every session slot of this device is in use. Log out elsewhere "
                                "or wait for a session to expire."
                              : "No session could be created.",
             rc == HAL_ENOSPC ? sso_err_code(SSO_E_SESS_FULL) : NULL);
        goto out;
    }
    fw_audit(FW_EV_SSO_LOGIN_OK, 0, user, "%s via %s%s", fw_sess_role_name(role), result.issuer,
             result.in_response_to[0] == '\0' ? " (IdP-initiated)" : "");
    /* Where to land: the RelayState (a local path); else, for a login started at the IdP
     * (its app tile: no InResponseTo), the Default Relay State; else the dashboard. */
    if (fw_http_resp_header(r, "Set-Cookie", cookie) != HAL_OK ||
        fw_http_resp_header(r, "Location",
                            relay[0] != '\0' ? relay
                            : result.in_response_to[0] == '\0' &&
                                    c->sp.default_relay_state[0] != '\0'
                                ? c->sp.default_relay_state
                                : "/") != HAL_OK) {
        fw_sess_end(s);
    } else {
        fw_http_resp_set(r, 303, "text/html; charset=utf-8");
        put(r, "<!doctype html><title>Signed in</title><p>Signed in.</p>");
    }
out:
    sso_free(buf);
    memset(&result, 0, sizeof(result));
    memset(cookie, 0, sizeof(cookie));
}

/* ---- /metadata, /logout ------------------------------------------------------------- */

static void sso_metadata(struct fw_http_resp *r)
{
    const struct sso_cfg *c = fw_config_sso();
    struct sso_spmd_params p;
    size_t needed = 0;
    int rc;
    if (sso_cfg_sp_urls(&c->sp, acs, ent) != SSO_OK) {
        page(r, 409, "Not configured", "Set the device base URL and the short name first.", NULL);
        return;
    }
    memset(&p, 0, sizeof(p));
    p.entity_id = ent;
    p.acs_url = acs;
    p.cert_der = c->keys.sp_cert.len > 0 ? c->keys.sp_cert.der : NULL;
    p.cert_len = c->keys.sp_cert.len;
    fw_http_resp_set(r, 200, "application/samlmetadata+xml");
    rc = sso_spmd_build(r->body, r->body_size, &needed, &p);
    if (rc != SSO_OK) {
        r->body_len = 0;
        page(r, 500, "Metadata unavailable", "The SP metadata could not be built.",
             sso_err_code(rc));
        return;
    }
    r->body_len = strlen(r->body);
}

static void local_logout(const struct fw_http_req *req, struct fw_http_resp *r)
{
    struct fw_session *s = fw_sess_lookup(req);
    if (s != NULL) {
        fw_audit(FW_EV_LOGOUT, 0, s->user, "%s session", fw_sess_method_name(s->method));
        fw_sess_end(s);
    }
    (void)fw_http_resp_header(r, "Set-Cookie", fw_sess_clear_cookie(req->tls));
    (void)fw_http_resp_header(r, "Location", "/login");
    fw_http_resp_set(r, 303, "text/html; charset=utf-8");
    put(r, "<!doctype html><title>Signed out</title><p>Signed out.</p>");
}

void fw_sso_logout_any(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    (void)ctx;
    local_logout(req, r);
}

static void not_found(struct fw_http_resp *r)
{
    page(r, 404, "Not found", "There is no such single sign-on address on this device.", NULL);
}

void fw_sso_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    struct fw_http_str action;
    (void)ctx;
    if (parse_path(req, &action)) {
        if (is(action, "login")) {
            sso_login(req, r);
            return;
        }
        if (is(action, "metadata")) {
            sso_metadata(r);
            return;
        }
        if (is(action, "logout")) {
            local_logout(req, r);
            return;
        }
    }
    not_found(r);
}

void fw_sso_post(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    struct fw_http_str action;
    (void)ctx;
    if (parse_path(req, &action)) {
        if (is(action, "acs")) {
            sso_acs(req, r);
            return;
        }
        if (is(action, "logout")) {
            local_logout(req, r);
            return;
        }
    }
    not_found(r);
}
