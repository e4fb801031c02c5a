/* POST /api/v1/login, /logout, /password and the status document's sso/session parts. */
#include <stdio.h>
#include <string.h>

#include "api/api_priv.h"
#include "api/handlers.h"
#include "app/accounts.h"
#include "app/audit.h"
#include "app/config.h"
#include "app/policy.h"
#include "app/sessions.h"
#include "app/timesync.h"
#include "hal/hal_err.h"
#include "sso/crypto.h"

/* The login page's view of SSO: whether to offer the SSO button and the password form. */
static void sso_login_info(struct fw_json *j)
{
    const struct sso_cfg *c = fw_config_sso();
    char url[SSO_CFG_SHORT_MAX + 16];
    bool pw = fw_policy_password_allowed(c);
    int64_t until = fw_policy_password_until(c);
    bool ready = c->sp.enabled && fw_policy_sso_ready(c, NULL, 0);
    fw_json_obj_begin(j, "sso");
    fw_json_bool(j, "enabled", c->sp.enabled);
    fw_json_str(j, "provider_name", c->sp.provider_name[0] != '\0' ? c->sp.provider_name : NULL);
    (void)snprintf(url, sizeof(url), "/sso/%s/login", c->sp.short_name);
    fw_json_str(j, "login_url", ready ? url : NULL);
    fw_json_bool(j, "password_login", pw);
    if (until != 0) {
        fw_json_int(j, "password_login_until", until);
    } else {
        fw_json_null(j, "password_login_until");
    }
    fw_json_str(j, "reason", pw ? NULL : "Single sign-on is required");
    fw_json_obj_end(j);
}

void api_status_extra(const struct fw_http_req *req, struct fw_json *j)
{
    struct fw_session *s = fw_sess_lookup(req);
    sso_login_info(j);
    if (s == NULL) {
        return;
    }
    fw_json_obj_begin(j, "session");
    fw_json_str(j, "user", s->user);
    fw_json_str(j, "role", fw_sess_role_name(s->role));
    fw_json_str(j, "csrf_token", s->csrf);
    fw_json_str(j, "method", fw_sess_method_name(s->method));
    {
        int64_t now;
        if (fw_time_now(&now) == HAL_OK) {
            fw_json_int(j, "expires", now + (int64_t)(s->end_up_s - fw_time_uptime_s()));
        } else {
            fw_json_null(j, "expires");
        }
    }
    fw_json_obj_end(j);
}

/* Open a session and answer the login (or 503 when the table is full). */
static void open_session(const struct fw_http_req *req, struct fw_http_resp *r, const char *user,
                         enum sso_cfg_role role, enum fw_sess_method m)
{
    struct fw_session *s = NULL;
    char cookie[FW_SESS_COOKIE_MAX];
    struct fw_json j;
    int rc = fw_sess_create(user, role, m, fw_config_sso()->sp.session_lifetime_s, req->tls, &s,
                            cookie, sizeof(cookie));
    if (rc == HAL_ENOSPC) {
        fw_audit(FW_EV_SESSION_TABLE_FULL, 0, user, "login refused: all %u sessions in use",
                 (unsigned)FW_SESSIONS_MAX);
        api_error(r, 503, "session_table_full",
                  "All %u sessions are in use; log out elsewhere or wait for one to expire.",
                  (unsigned)FW_SESSIONS_MAX);
        return;
    }
    if (rc != HAL_OK) {
        api_error(r, 500, "internal_error", "No session could be created.");
        return;
    }
    if (fw_http_resp_header(r, "Set-Cookie", cookie) != HAL_OK) {
        fw_sess_end(s);
        sso_crypto_zeroize(cookie, sizeof(cookie));
        return;
    }
    sso_crypto_zeroize(cookie, sizeof(cookie));
    api_json_begin(r, &j);
    fw_json_obj_begin(&j, NULL);
    fw_json_str(&j, "user", s->user);
    fw_json_str(&j, "role", fw_sess_role_name(s->role));
    fw_json_str(&j, "csrf_token", s->csrf);
    fw_json_obj_end(&j);
    api_json_end(r, &j);
}

void fw_api_login(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char *const keys[] = {"username", "password", NULL};
    char user[SSO_CFG_USER_MAX + 1];
    char pw[FW_PASSWORD_MAX + 1];
    size_t pw_len = 0;
    enum sso_cfg_role role;
    uint32_t wait;
    int pt;
    (void)ctx;
    if (api_body(req, r, false) < 0 || !api_only_keys(r, 0, keys)) {
        return;
    }
    if (api_str(r, 0, "username", user, SSO_CFG_USER_MAX, false) != 1) {
        if (r->status == 200) {
            api_error(r, 400, "missing_field", "\"username\" is required.");
        }
        return;
    }
    pt = fw_jp_get(&api_jp, 0, "password");
    if (pt < 0 || fw_jp_type(&api_jp, pt) != FW_JP_STRING) {
        api_error(r, 400, pt < 0 ? "missing_field" : "invalid_field",
                  "\"password\" is required (a string).");
        return;
    }
    if (fw_jp_str(&api_jp, pt, pw, sizeof(pw), &pw_len) != HAL_OK) {
        /* Longer than any password we store: a wrong password, after the same checks. */
        pw_len = sizeof(pw);
        pw[0] = '\0';
    }
    wait = fw_login_wait_s();
    if (wait > 0) {
        fw_audit(FW_EV_LOGIN_LOCKED, 0, user, "attempt during backoff (%lu s left)",
                 (unsigned long)wait);
        api_error(r, 429, "rate_limited", "Too many failed logins; try again in %lu seconds.",
                  (unsigned long)wait);
        goto out;
    }
    /* Break-glass: the console's one-time password, valid whatever the SSO policy. */
    if (strcmp(user, FW_RECOVERY_USER) == 0) {
        if (fw_recovery_use(pw, pw_len)) {
            fw_login_succeeded();
            fw_audit(FW_EV_RECOVERY_USED, 0, user, "one-time recovery login");
            open_session(req, r, user, SSO_CFG_ROLE_ADMIN, FW_SESS_RECOVERY);
        } else {
            fw_login_failed();
            fw_audit(FW_EV_LOGIN_FAILED, 0, user, "recovery password wrong, used or expired");
            api_error(r, 401, "bad_credentials", "Wrong user name or password.");
        }
        goto out;
    }
    role = pw_len <= FW_PASSWORD_MAX ? fw_account_check(fw_config_sso(), user, pw, pw_len)
                                     : SSO_CFG_ROLE_NONE;
    if (role == SSO_CFG_ROLE_NONE) {
        fw_login_failed();
        fw_audit(FW_EV_LOGIN_FAILED, 0, user, "wrong user name or password");
        api_error(r, 401, "bad_credentials", "Wrong user name or password.");
        goto out;
    }
    fw_login_succeeded();
    /* Checked after the password, so the answer does not tell a stranger that SSO is
     * enforced before they know a password; the admin learns why the password stopped
     * working. */
    if (!fw_policy_password_allowed(fw_config_sso())) {
        struct fw_json j;
        fw_audit(FW_EV_LOGIN_FAILED, 0, user, "password login after the SSO grace period");
        r->status = 403;
        api_json_begin(r, &j);
        fw_json_obj_begin(&j, NULL);
        fw_json_str(&j, "error", "sso_required");
        fw_json_str(&j, "detail", "Single sign-on is required");
        sso_login_info(&j);
        fw_json_obj_end(&j);
        api_json_end(r, &j);
        goto out;
    }
    fw_audit(FW_EV_LOGIN_OK, 0, user, "password login as %s", fw_sess_role_name(role));
    open_session(req, r, user, role, FW_SESS_PASSWORD);
out:
    sso_crypto_zeroize(pw, sizeof(pw));
}

void fw_api_logout(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    struct fw_session *s = api_session(req, r, API_SELF);
    (void)ctx;
    if (s == NULL) {
        return;
    }
    fw_audit(FW_EV_LOGOUT, 0, s->user, "%s session", fw_sess_method_name(s->method));
    fw_sess_end(s);
    (void)fw_http_resp_header(r, "Set-Cookie", fw_sess_clear_cookie(req->tls));
    (void)fw_http_resp_write(r, "{}", 2);
}

void fw_api_password(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    static const char *const keys[] = {"current_password", "new_password", NULL};
    struct fw_session *s = api_session(req, r, API_SELF);
    char cur[FW_PASSWORD_MAX + 1], nw[FW_PASSWORD_MAX + 1];
    size_t cl = 0, nl = 0;
    struct sso_cfg *c;
    int64_t now = 0;
    int rc;
    (void)ctx;
    if (s == NULL || api_body(req, r, false) < 0 || !api_only_keys(r, 0, keys)) {
        return;
    }
    if (s->method != FW_SESS_PASSWORD || fw_account_find(fw_config_sso(), s->user) == NULL) {
        api_error(r, 409, "not_local_account",
                  "Only a local account signed in with its password can change it.");
        return;
    }
    if (api_str(r, 0, "current_password", cur, FW_PASSWORD_MAX, false) != 1 ||
        api_str(r, 0, "new_password", nw, FW_PASSWORD_MAX, false) != 1) {
        if (r->status == 200) {
            api_error(r, 400, "missing_field", "current_password and new_password are required.");
        }
        goto out;
    }
    cl = strlen(cur);
    nl = strlen(nw);
    if (fw_account_check(fw_config_sso(), s->user, cur, cl) == SSO_CFG_ROLE_NONE) {
        fw_audit(FW_EV_LOGIN_FAILED, 0, s->user, "password change: current password wrong");
        api_error(r, 403, "bad_credentials", "The current password is wrong.");
        goto out;
    }
    if (nl < FW_PASSWORD_MIN) {
        api_error(r, 400, "invalid_field", "The new password needs at least %d characters.",
                  FW_PASSWORD_MIN);
        goto out;
    }
    (void)fw_time_now(&now);
    c = fw_config_edit();
    rc = fw_account_set(c, s->user, nw, nl, SSO_CFG_ROLE_NONE, now);
    if (rc != HAL_OK) {
        fw_config_abort();
        api_error(r, 500, "internal_error", "The password could not be hashed (%d).", rc);
        goto out;
    }
    fw_audit(FW_EV_PASSWORD_CHANGED, 0, s->user, "password changed");
    rc = fw_config_commit(NULL);
    if (rc != HAL_OK) {
        api_error(r, 507, "storage_failed", "The new password could not be saved (%d).", rc);
        goto out;
    }
    (void)fw_http_resp_write(r, "{}", 2);
out:
    sso_crypto_zeroize(cur, sizeof(cur));
    sso_crypto_zeroize(nw, sizeof(nw));
}
