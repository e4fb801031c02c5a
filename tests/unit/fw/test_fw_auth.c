/* Local accounts (PBKDF2), the recovery password, the failed-login backoff, sessions and
 * cookies, CSRF, and the login policies (firmware/app/accounts.c, sessions.c, policy.c).
 * The board's entropy and the clocks are fakes here. */
#include <stdio.h>
#include <string.h>

#include "app/accounts.h"
#include "app/policy.h"
#include "app/sessions.h"
#include "app/timesync.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "harness.h"
#include "http/http_msg.h"
#include "sso/crypto.h"

/* ---- fakes --------------------------------------------------------------------------- */

static uint64_t up_s = 1000;
static int64_t utc = 1767225600;
static bool utc_known = true;
static bool entropy_broken;
static uint32_t rnd_state = 0x12345678u;

int hal_entropy_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    size_t i;
    if (entropy_broken) {
        memset(buf, 0, len);
        return HAL_EIO;
    }
    for (i = 0; i < len; i++) {
        rnd_state ^= rnd_state << 13;
        rnd_state ^= rnd_state >> 17;
        rnd_state ^= rnd_state << 5;
        p[i] = (uint8_t)rnd_state;
    }
    return HAL_OK;
}

uint64_t fw_time_uptime_s(void)
{
    return up_s;
}

int fw_time_now(int64_t *unix_s)
{
    if (!utc_known) {
        return HAL_ENODATA;
    }
    *unix_s = utc;
    return HAL_OK;
}

static struct sso_cfg cfg;

/* A request carrying @p headers (CRLF-separated, each ending in CRLF). */
static struct fw_http_req req;
static char reqbuf[1024];

static const struct fw_http_req *request(const char *headers)
{
    (void)snprintf(reqbuf, sizeof(reqbuf), "GET /api/v1/sso HTTP/1.1\r\nHost: d\r\n%s\r\n",
                   headers);
    if (fw_http_parse_head(reqbuf, strlen(reqbuf), sizeof(reqbuf), &req) <= 0) {
        memset(&req, 0, sizeof(req));
    }
    return &req;
}

/* ---- PBKDF2 ---------------------------------------------------------------------------- */

TEST_CASE(pbkdf2_rfc7914_vectors)
{
    static const uint8_t v1[64] = {0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91,
                                   0xc2, 0x25, 0x44, 0xb6, 0x05, 0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde,
                                   0x04, 0x65, 0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc, 0x49,
                                   0xca, 0x9c, 0xcc, 0xf1, 0x79, 0xb6, 0x45, 0x99, 0x16, 0x64, 0xb3,
                                   0x9d, 0x77, 0xef, 0x31, 0x7c, 0x71, 0xb8, 0x45, 0xb1, 0xe3, 0x0b,
                                   0xd5, 0x09, 0x11, 0x20, 0x41, 0xd3, 0xa1, 0x97, 0x83};
    static const uint8_t v2[64] = {0x4d, 0xdc, 0xd8, 0xf6, 0x0b, 0x98, 0xbe, 0x21, 0x83, 0x0c, 0xee,
                                   0x5e, 0xf2, 0x27, 0x01, 0xf9, 0x64, 0x1a, 0x44, 0x18, 0xd0, 0x4c,
                                   0x04, 0x14, 0xae, 0xff, 0x08, 0x87, 0x6b, 0x34, 0xab, 0x56, 0xa1,
                                   0xd4, 0x25, 0xa1, 0x22, 0x58, 0x33, 0x54, 0x9a, 0xdb, 0x84, 0x1b,
                                   0x51, 0xc9, 0xb3, 0x17, 0x6a, 0x27, 0x2b, 0xde, 0xbb, 0xa1, 0xd0,
                                   0x78, 0x47, 0x8f, 0x62, 0xb3, 0x97, 0xf3, 0x3c, 0x8d};
    uint8_t out[64];
    TEST_OK(sso_crypto_pbkdf2_sha256("passwd", 6, (const uint8_t *)"salt", 4, 1, out, 64));
    TEST_MEM_EQ(out, v1, 64);
    TEST_OK(sso_crypto_pbkdf2_sha256("Password", 8, (const uint8_t *)"NaCl", 4, 80000, out, 64));
    TEST_MEM_EQ(out, v2, 64);
    TEST_TRUE(sso_crypto_pbkdf2_sha256("p", 1, (const uint8_t *)"s", 1, 0, out, 32) != 0);
    TEST_TRUE(sso_crypto_pbkdf2_sha256("p", 1, (const uint8_t *)"s", 1, 1, out, 0) != 0);
    TEST_TRUE(sso_crypto_pbkdf2_sha256("p", 1, (const uint8_t *)"s", 1, 1, out, 65) != 0);
}

/* ---- accounts ---------------------------------------------------------------------------- */

TEST_CASE(accounts)
{
    uint8_t salt[SSO_CFG_SALT_LEN], hash[SSO_CFG_HASH_LEN];
    sso_cfg_defaults(&cfg);
    TEST_OK(fw_account_set(&cfg, "admin", "correct horse", 13, SSO_CFG_ROLE_ADMIN, utc));
    TEST_EQ(cfg.account_count, 1);
    TEST_EQ(cfg.accounts[0].iterations, fw_account_iterations());
    TEST_EQ(cfg.accounts[0].changed_at_s, utc);
    TEST_EQ(fw_account_check(&cfg, "admin", "correct horse", 13), SSO_CFG_ROLE_ADMIN);
    TEST_EQ(fw_account_check(&cfg, "admin", "correct horsE", 13), SSO_CFG_ROLE_NONE);
    TEST_EQ(fw_account_check(&cfg, "admin", "correct horse", 12), SSO_CFG_ROLE_NONE);
    TEST_EQ(fw_account_check(&cfg, "Admin", "correct horse", 13), SSO_CFG_ROLE_NONE);
    TEST_EQ(fw_account_check(&cfg, "nobody", "correct horse", 13), SSO_CFG_ROLE_NONE);
    /* a stored hash is never the password, and a new password gets a new salt */
    TEST_TRUE(memcmp(cfg.accounts[0].hash, "correct horse", 13) != 0);
    memcpy(salt, cfg.accounts[0].salt, sizeof(salt));
    memcpy(hash, cfg.accounts[0].hash, sizeof(hash));
    TEST_OK(fw_account_set(&cfg, "admin", "correct horse", 13, SSO_CFG_ROLE_NONE, utc));
    TEST_TRUE(memcmp(salt, cfg.accounts[0].salt, sizeof(salt)) != 0);
    TEST_TRUE(memcmp(hash, cfg.accounts[0].hash, sizeof(hash)) != 0);
    TEST_EQ(cfg.accounts[0].role, SSO_CFG_ROLE_ADMIN); /* kept */
    TEST_EQ(cfg.account_count, 1);
    /* rules */
    TEST_EQ(fw_account_set(&cfg, "x", "short", 5, SSO_CFG_ROLE_ADMIN, utc), HAL_EINVAL);
    TEST_EQ(fw_account_set(&cfg, "bad name", "long enough", 11, SSO_CFG_ROLE_ADMIN, utc),
            HAL_EINVAL);
    TEST_EQ(fw_account_set(&cfg, "recovery", "long enough", 11, SSO_CFG_ROLE_ADMIN, utc),
            HAL_EINVAL);
    TEST_EQ(fw_account_set(&cfg, "new", "long enough", 11, SSO_CFG_ROLE_NONE, utc), HAL_EINVAL);
    TEST_EQ(fw_account_set(&cfg, "nul", "long\0enough", 11, SSO_CFG_ROLE_ADMIN, utc), HAL_EINVAL);
    {
        static char big[FW_PASSWORD_MAX + 2];
        memset(big, 'p', sizeof(big));
        TEST_EQ(fw_account_set(&cfg, "big", big, FW_PASSWORD_MAX + 1, SSO_CFG_ROLE_ADMIN, utc),
                HAL_EINVAL);
        TEST_OK(fw_account_set(&cfg, "big", big, FW_PASSWORD_MAX, SSO_CFG_ROLE_READONLY, utc));
        TEST_EQ(fw_account_check(&cfg, "big", big, FW_PASSWORD_MAX), SSO_CFG_ROLE_READONLY);
        TEST_EQ(fw_account_check(&cfg, "big", big, FW_PASSWORD_MAX + 1), SSO_CFG_ROLE_NONE);
    }
    /* the table is bounded */
    TEST_OK(fw_account_set(&cfg, "c", "long enough", 11, SSO_CFG_ROLE_READONLY, utc));
    TEST_OK(fw_account_set(&cfg, "d", "long enough", 11, SSO_CFG_ROLE_READONLY, utc));
    TEST_EQ(cfg.account_count, SSO_CFG_ACCOUNTS_MAX);
    TEST_EQ(fw_account_set(&cfg, "e", "long enough", 11, SSO_CFG_ROLE_READONLY, utc), HAL_ENOSPC);
    /* no entropy, no account */
    entropy_broken = true;
    TEST_EQ(fw_account_set(&cfg, "d", "other enough", 12, SSO_CFG_ROLE_NONE, utc), HAL_EIO);
    entropy_broken = false;
    TEST_EQ(fw_account_check(&cfg, "d", "long enough", 11), SSO_CFG_ROLE_READONLY);
}

TEST_CASE(generated_passwords)
{
    char a[FW_GEN_PASSWORD_LEN + 1], b[FW_GEN_PASSWORD_LEN + 1];
    size_t i;
    TEST_OK(fw_account_gen_password(a));
    TEST_OK(fw_account_gen_password(b));
    TEST_EQ(strlen(a), FW_GEN_PASSWORD_LEN);
    TEST_TRUE(strcmp(a, b) != 0);
    for (i = 0; i < FW_GEN_PASSWORD_LEN; i++) {
        TEST_TRUE(strchr("abcdefghijkmnpqrstuvwxyz23456789", a[i]) != NULL);
    }
    entropy_broken = true;
    TEST_EQ(fw_account_gen_password(a), HAL_EIO);
    TEST_STR_EQ(a, "");
    entropy_broken = false;
}

TEST_CASE(recovery_password)
{
    char pw[FW_GEN_PASSWORD_LEN + 1], old[FW_GEN_PASSWORD_LEN + 1];
    TEST_EQ(fw_recovery_left_s(), 0);
    TEST_TRUE(!fw_recovery_use("", 0));
    TEST_OK(fw_recovery_issue(pw));
    TEST_EQ(fw_recovery_left_s(), FW_RECOVERY_TTL_S);
    TEST_TRUE(!fw_recovery_use("aaaaaaaaaaaaaaaa", 16));
    TEST_TRUE(!fw_recovery_use(pw, 15));
    TEST_TRUE(fw_recovery_use(pw, FW_GEN_PASSWORD_LEN));
    TEST_TRUE(!fw_recovery_use(pw, FW_GEN_PASSWORD_LEN)); /* one use */
    /* a new one replaces the old; it expires */
    TEST_OK(fw_recovery_issue(old));
    TEST_OK(fw_recovery_issue(pw));
    TEST_TRUE(!fw_recovery_use(old, FW_GEN_PASSWORD_LEN));
    up_s += FW_RECOVERY_TTL_S;
    TEST_EQ(fw_recovery_left_s(), 0);
    TEST_TRUE(!fw_recovery_use(pw, FW_GEN_PASSWORD_LEN));
}

TEST_CASE(failed_login_backoff)
{
    unsigned i;
    fw_login_succeeded();
    for (i = 0; i < FW_LOGIN_FREE_FAILS - 1; i++) {
        fw_login_failed();
        TEST_EQ(fw_login_wait_s(), 0);
    }
    fw_login_failed();
    TEST_EQ(fw_login_wait_s(), 2);
    up_s += 1;
    TEST_EQ(fw_login_wait_s(), 1);
    up_s += 1;
    TEST_EQ(fw_login_wait_s(), 0);
    fw_login_failed();
    TEST_EQ(fw_login_wait_s(), 4);
    for (i = 0; i < 20; i++) {
        fw_login_failed();
    }
    TEST_EQ(fw_login_wait_s(), FW_LOGIN_MAX_WAIT_S);
    up_s += FW_LOGIN_MAX_WAIT_S;
    TEST_EQ(fw_login_wait_s(), 0);
    fw_login_succeeded();
    fw_login_failed();
    TEST_EQ(fw_login_wait_s(), 0);
    fw_login_succeeded();
}

/* ---- sessions ---------------------------------------------------------------------------- */

static char cookie_hdr[96];

static struct fw_session *open_one(const char *user, uint32_t lifetime, char *set_cookie)
{
    struct fw_session *s = NULL;
    if (fw_sess_create(user, SSO_CFG_ROLE_ADMIN, FW_SESS_PASSWORD, lifetime, false, &s, set_cookie,
                       FW_SESS_COOKIE_MAX) != HAL_OK) {
        return NULL;
    }
    /* "lk_session=<32 hex>; ..." -> "Cookie: lk_session=<32 hex>" */
    (void)snprintf(cookie_hdr, sizeof(cookie_hdr), "Cookie: %.43s\r\n", set_cookie);
    return s;
}

TEST_CASE(session_cookies_and_lookup)
{
    char sc[FW_SESS_COOKIE_MAX], hdr[160], id[33];
    struct fw_session *s;
    unsigned i;
    fw_sess_end_all();
    s = open_one("admin", 3600, sc);
    TEST_TRUE(s != NULL);
    TEST_TRUE(strncmp(sc, "lk_session=", 11) == 0);
    TEST_TRUE(strstr(sc, "; Path=/; HttpOnly; SameSite=Lax") != NULL);
    TEST_TRUE(strstr(sc, "Secure") == NULL);
    memcpy(id, sc + 11, 32);
    id[32] = '\0';
    for (i = 0; i < 32; i++) {
        TEST_TRUE(strchr("0123456789abcdef", id[i]) != NULL);
    }
    TEST_TRUE(fw_sess_lookup(request(cookie_hdr)) == s);
    (void)snprintf(hdr, sizeof(hdr), "Cookie: a=1; lk_session=%s; b=2\r\n", id);
    TEST_TRUE(fw_sess_lookup(request(hdr)) == s);
    /* refusals */
    TEST_TRUE(fw_sess_lookup(request("")) == NULL);
    (void)snprintf(hdr, sizeof(hdr), "Cookie: lk_session=%s; lk_session=%s\r\n", id, id);
    TEST_TRUE(fw_sess_lookup(request(hdr)) == NULL); /* two: none */
    (void)snprintf(hdr, sizeof(hdr), "Cookie: lk_session=%.31s\r\n", id);
    TEST_TRUE(fw_sess_lookup(request(hdr)) == NULL);
    (void)snprintf(hdr, sizeof(hdr), "Cookie: lk_session=%sa\r\n", id);
    TEST_TRUE(fw_sess_lookup(request(hdr)) == NULL);
    for (i = 0; i < 32; i++) {
        hdr[i] = id[i] >= 'a' ? (char)(id[i] - 32) : id[i];
    }
    hdr[32] = '\0';
    if (strcmp(hdr, id) != 0) {
        char up[80];
        (void)snprintf(up, sizeof(up), "Cookie: lk_session=%.32s\r\n", hdr);
        TEST_TRUE(fw_sess_lookup(request(up)) == NULL); /* one spelling only */
    }
    TEST_TRUE(fw_sess_lookup(request("Cookie: lk_session=00000000000000000000000000000000\r\n")) ==
              NULL);
    /* HTTPS cookies are Secure */
    {
        struct fw_session *t = NULL;
        TEST_OK(
            fw_sess_create("u", SSO_CFG_ROLE_READONLY, FW_SESS_SSO, 60, true, &t, sc, sizeof(sc)));
        TEST_TRUE(strstr(sc, "; Secure") != NULL);
        TEST_TRUE(strstr(fw_sess_clear_cookie(true), "Secure") != NULL);
        TEST_TRUE(strstr(fw_sess_clear_cookie(false), "Max-Age=0") != NULL);
        fw_sess_end(t);
    }
    /* end */
    fw_sess_end(s);
    TEST_TRUE(fw_sess_lookup(request(cookie_hdr)) == NULL);
}

TEST_CASE(session_timeouts_and_table_bound)
{
    char sc[FW_SESS_COOKIE_MAX];
    struct fw_session *s, *all[FW_SESSIONS_MAX];
    unsigned i;
    fw_sess_end_all();
    /* idle timeout: a request keeps it alive, silence ends it */
    s = open_one("idle", 100000, sc);
    up_s += FW_SESSION_IDLE_S - 1;
    TEST_TRUE(fw_sess_lookup(request(cookie_hdr)) == s);
    up_s += FW_SESSION_IDLE_S - 1;
    TEST_TRUE(fw_sess_lookup(request(cookie_hdr)) == s);
    up_s += FW_SESSION_IDLE_S;
    TEST_TRUE(fw_sess_lookup(request(cookie_hdr)) == NULL);
    /* absolute end, however active */
    s = open_one("abs", 120, sc);
    up_s += 119;
    TEST_TRUE(fw_sess_lookup(request(cookie_hdr)) == s);
    up_s += 1;
    TEST_TRUE(fw_sess_lookup(request(cookie_hdr)) == NULL);
    /* the table is bounded: full of live sessions, a new one is refused */
    for (i = 0; i < FW_SESSIONS_MAX; i++) {
        all[i] = open_one("u", 3600, sc);
        TEST_TRUE(all[i] != NULL);
    }
    TEST_EQ(fw_sess_count(), FW_SESSIONS_MAX);
    TEST_TRUE(open_one("one-more", 3600, sc) == NULL);
    /* handles name sessions for the list, never the ID */
    TEST_TRUE(fw_sess_by_handle(all[3]->handle, strlen(all[3]->handle)) == all[3]);
    TEST_TRUE(fw_sess_by_handle(all[3]->handle, 15) == NULL);
    TEST_TRUE(fw_sess_by_handle("0000000000000000", 16) == NULL);
    /* an expired session frees its slot */
    up_s += 3600;
    TEST_EQ(fw_sess_count(), 0);
    TEST_TRUE(open_one("again", 3600, sc) != NULL);
    /* no entropy: no session */
    entropy_broken = true;
    TEST_TRUE(open_one("x", 60, sc) == NULL);
    entropy_broken = false;
    fw_sess_end_all();
    TEST_EQ(fw_sess_count(), 0);
}

TEST_CASE(csrf_tokens)
{
    char sc[FW_SESS_COOKIE_MAX], hdr[96];
    struct fw_session *s, *t;
    fw_sess_end_all();
    s = open_one("a", 60, sc);
    t = open_one("b", 60, sc);
    TEST_TRUE(strcmp(s->csrf, t->csrf) != 0);
    TEST_EQ(strlen(s->csrf), 32);
    (void)snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s\r\n", s->csrf);
    TEST_TRUE(fw_sess_csrf_ok(s, request(hdr)));
    TEST_TRUE(!fw_sess_csrf_ok(t, request(hdr))); /* another session's token */
    TEST_TRUE(!fw_sess_csrf_ok(s, request("")));
    (void)snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %.31s\r\n", s->csrf);
    TEST_TRUE(!fw_sess_csrf_ok(s, request(hdr)));
    TEST_TRUE(!fw_sess_csrf_ok(NULL, request(hdr)));
    fw_sess_end_all();
}

/* ---- policies ---------------------------------------------------------------------------- */

TEST_CASE(grace_period)
{
    char missing[128];
    sso_cfg_defaults(&cfg);
    utc_known = true;
    TEST_EQ(fw_policy_password_until(&cfg), 0);
    TEST_TRUE(fw_policy_password_allowed(&cfg));
    cfg.sp.enabled = true;
    cfg.sp.enabled_at_s = utc;
    TEST_EQ(fw_policy_password_until(&cfg), utc + 72 * 3600);
    utc += 72 * 3600 - 60; /* 71h59m */
    TEST_TRUE(fw_policy_password_allowed(&cfg));
    utc += 59;
    TEST_TRUE(fw_policy_password_allowed(&cfg));
    utc += 1; /* exactly 72 h: over */
    TEST_TRUE(!fw_policy_password_allowed(&cfg));
    utc += 60;
    TEST_TRUE(!fw_policy_password_allowed(&cfg));
    utc_known = false; /* see policy.h: without time the deadline cannot be evaluated */
    TEST_TRUE(fw_policy_password_allowed(&cfg));
    utc_known = true;
    cfg.sp.password_grace_hours = 0;
    TEST_TRUE(!fw_policy_password_allowed(&cfg));
    cfg.sp.enabled = false;
    TEST_TRUE(fw_policy_password_allowed(&cfg));
    utc -= 72 * 3600 + 60;
    /* readiness */
    sso_cfg_defaults(&cfg);
    TEST_TRUE(!fw_policy_sso_ready(&cfg, missing, sizeof(missing)));
    TEST_STR_EQ(missing, "short_name, base_url, idp_entity_id, idp_sso_url, idp_certs, "
                         "role_attribute, admin_groups");
    strcpy(cfg.sp.short_name, "okta");
    strcpy(cfg.sp.base_url, "https://fw");
    strcpy(cfg.idp.entity_id, "e");
    strcpy(cfg.idp.sso_post, "https://idp/sso");
    cfg.idp.cert_count = 1;
    strcpy(cfg.sp.role_attribute, "groups");
    strcpy(cfg.sp.readonly_groups[0], "ro");
    cfg.sp.readonly_group_count = 1;
    TEST_TRUE(fw_policy_sso_ready(&cfg, missing, sizeof(missing)));
    TEST_STR_EQ(missing, "");
    {
        bool redirect = true;
        TEST_STR_EQ(fw_policy_idp_sso_url(&cfg, &redirect), "https://idp/sso");
        TEST_TRUE(!redirect);
        strcpy(cfg.idp.sso_redirect, "https://idp/redirect");
        TEST_STR_EQ(fw_policy_idp_sso_url(&cfg, &redirect), "https://idp/redirect");
        TEST_TRUE(redirect);
    }
}

static const struct lk_test_case cases[] = {
    LK_CASE(pbkdf2_rfc7914_vectors),
    LK_CASE(accounts),
    LK_CASE(generated_passwords),
    LK_CASE(recovery_password),
    LK_CASE(failed_login_backoff),
    LK_CASE(session_cookies_and_lookup),
    LK_CASE(session_timeouts_and_table_bound),
    LK_CASE(csrf_tokens),
    LK_CASE(grace_period),
};

TEST_MAIN(cases)
