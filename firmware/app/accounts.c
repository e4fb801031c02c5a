/* Local accounts, recovery password, login backoff: see accounts.h. */
#include "app/accounts.h"

#include <string.h>

#include "app/timesync.h"
#include "fw_config.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "sso/crypto.h"
#include "sso/err.h"

static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

uint32_t fw_account_iterations(void)
{
    return FW_CFG_PBKDF2_ITERATIONS;
}

const struct sso_cfg_account *fw_account_find(const struct sso_cfg *c, const char *name)
{
    unsigned i;
    for (i = 0; i < c->account_count && i < SSO_CFG_ACCOUNTS_MAX; i++) {
        if (strcmp(c->accounts[i].name, name) == 0) {
            return &c->accounts[i];
        }
    }
    return NULL;
}

static bool password_ok(const char *pw, size_t len)
{
    return len >= FW_PASSWORD_MIN && len <= FW_PASSWORD_MAX && memchr(pw, '\0', len) == NULL;
}

int fw_account_set(struct sso_cfg *c, const char *name, const char *pw, size_t pw_len,
                   enum sso_cfg_role role, int64_t now_s)
{
    struct sso_cfg_account a, *slot = NULL;
    size_t nlen = bounded_len(name, SSO_CFG_USER_MAX + 1);
    unsigned i;
    int rc;
    if (!sso_cfg_user_name_ok(name, nlen) || !password_ok(pw, pw_len) ||
        strcmp(name, FW_RECOVERY_USER) == 0) {
        return HAL_EINVAL;
    }
    for (i = 0; i < c->account_count; i++) {
        if (strcmp(c->accounts[i].name, name) == 0) {
            slot = &c->accounts[i];
        }
    }
    if (role == SSO_CFG_ROLE_NONE) {
        if (slot == NULL) {
            return HAL_EINVAL; /* a new account needs a role */
        }
        role = (enum sso_cfg_role)slot->role;
    }
    if (slot == NULL && c->account_count >= SSO_CFG_ACCOUNTS_MAX) {
        return HAL_ENOSPC;
    }
    memset(&a, 0, sizeof(a));
    memcpy(a.name, name, nlen);
    a.role = (uint8_t)role;
    a.iterations = FW_CFG_PBKDF2_ITERATIONS;
    a.changed_at_s = now_s;
    /* A fresh salt for every password: equal passwords never hash alike, and a table
     * precomputed for one device is useless for the next. */
    if (hal_entropy_fill(a.salt, sizeof(a.salt)) != HAL_OK) {
        return HAL_EIO;
    }
    rc = sso_crypto_pbkdf2_sha256(pw, pw_len, a.salt, sizeof(a.salt), a.iterations, a.hash,
                                  sizeof(a.hash));
    if (rc != SSO_OK) {
        sso_crypto_zeroize(&a, sizeof(a));
        return HAL_EIO;
    }
    if (slot == NULL) {
        slot = &c->accounts[c->account_count++];
    }
    *slot = a;
    sso_crypto_zeroize(&a, sizeof(a));
    return HAL_OK;
}

enum sso_cfg_role fw_account_check(const struct sso_cfg *c, const char *name, const char *pw,
                                   size_t pw_len)
{
    static const uint8_t dummy_salt[SSO_CFG_SALT_LEN] = {0};
    const struct sso_cfg_account *a = fw_account_find(c, name);
    uint8_t h[SSO_CFG_HASH_LEN];
    enum sso_cfg_role role = SSO_CFG_ROLE_NONE;
    int rc;
    if (pw_len > FW_PASSWORD_MAX) {
        return SSO_CFG_ROLE_NONE; /* bounds the hashing work an attacker can ask for */
    }
    /* An unknown user costs the same hashing as a known one (no user enumeration by
     * timing), and then fails. */
    rc = sso_crypto_pbkdf2_sha256(pw, pw_len, a != NULL ? a->salt : dummy_salt, SSO_CFG_SALT_LEN,
                                  a != NULL ? a->iterations : FW_CFG_PBKDF2_ITERATIONS, h,
                                  sizeof(h));
    if (rc == SSO_OK && a != NULL && sso_crypto_ct_memcmp(h, a->hash, sizeof(h)) == 0) {
        role = (enum sso_cfg_role)a->role;
    }
    sso_crypto_zeroize(h, sizeof(h));
    return role;
}

int fw_account_gen_password(char *out)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* 32, unambiguous */
    uint8_t rnd[FW_GEN_PASSWORD_LEN];
    size_t i;
    if (hal_entropy_fill(rnd, sizeof(rnd)) != HAL_OK) {
        out[0] = '\0';
        return HAL_EIO;
    }
    for (i = 0; i < sizeof(rnd); i++) {
        out[i] = alphabet[rnd[i] % 32u]; /* 256 % 32 == 0: no modulo bias; 80 bits */
    }
    out[sizeof(rnd)] = '\0';
    sso_crypto_zeroize(rnd, sizeof(rnd));
    return HAL_OK;
}

/* ---- recovery ------------------------------------------------------------------------- */

static uint8_t recovery_hash[32];
static bool recovery_set;
static uint64_t recovery_until_s; /* uptime */

int fw_recovery_issue(char *out)
{
    int rc = fw_account_gen_password(out);
    if (rc != HAL_OK) {
        return rc;
    }
    if (sso_crypto_md(SSO_MD_SHA256, out, FW_GEN_PASSWORD_LEN, recovery_hash) != SSO_OK) {
        out[0] = '\0';
        return HAL_EIO;
    }
    recovery_set = true;
    recovery_until_s = fw_time_uptime_s() + FW_RECOVERY_TTL_S;
    return HAL_OK;
}

uint32_t fw_recovery_left_s(void)
{
    uint64_t now = fw_time_uptime_s();
    if (!recovery_set || now >= recovery_until_s) {
        return 0;
    }
    return (uint32_t)(recovery_until_s - now);
}

bool fw_recovery_use(const char *pw, size_t pw_len)
{
    uint8_t h[32];
    bool ok;
    if (fw_recovery_left_s() == 0 || pw_len != FW_GEN_PASSWORD_LEN) {
        return false;
    }
    if (sso_crypto_md(SSO_MD_SHA256, pw, pw_len, h) != SSO_OK) {
        return false;
    }
    ok = sso_crypto_ct_memcmp(h, recovery_hash, sizeof(h)) == 0;
    if (ok) {
        /* One use: the password is gone whatever happens next. */
        recovery_set = false;
        sso_crypto_zeroize(recovery_hash, sizeof(recovery_hash));
    }
    return ok;
}

/* ---- backoff -------------------------------------------------------------------------- */

static uint32_t fails;
static uint64_t last_fail_s;

uint32_t fw_login_wait_s(void)
{
    uint64_t now = fw_time_uptime_s(), wait;
    if (fails < FW_LOGIN_FREE_FAILS) {
        return 0;
    }
    wait = fails - FW_LOGIN_FREE_FAILS >= 8 ? FW_LOGIN_MAX_WAIT_S
                                            : 2u << (fails - FW_LOGIN_FREE_FAILS);
    if (wait > FW_LOGIN_MAX_WAIT_S) {
        wait = FW_LOGIN_MAX_WAIT_S;
    }
    if (now >= last_fail_s + wait) {
        return 0;
    }
    return (uint32_t)(last_fail_s + wait - now);
}

void fw_login_failed(void)
{
    if (fails < 0xFFFFu) {
        fails++;
    }
    last_fail_s = fw_time_uptime_s();
}

void fw_login_succeeded(void)
{
    fails = 0;
}
