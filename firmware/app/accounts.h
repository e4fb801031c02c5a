/**
 * @file accounts.h
 * @brief Local accounts (PBKDF2-HMAC-SHA256 password hashes in the config record), the
 *        console's one-time recovery password (break-glass), and the failed-login backoff.
 *
 * Hashes. Each account keeps a random 16-byte salt, an iteration count and the 32-byte
 * PBKDF2-HMAC-SHA256 output. New and changed passwords get FW_CFG_PBKDF2_ITERATIONS
 * (fw_config.h; docs/STORAGE.md gives the measured cost); an account keeps the count
 * it was hashed with, so raising the constant later needs no migration. A check runs
 * the same work for an unknown user as for a known one and compares in constant time,
 * so neither timing nor the answer tells which user names exist.
 *
 * Recovery. `recovery-login` on the console (physical access is the appliance's trust
 * root) makes a random one-time password, valid FW_RECOVERY_TTL_S seconds and for one
 * login as user "recovery" with the admin role, whatever the SSO policy says. Only its
 * SHA-256 is kept, in RAM: a reboot cancels it.
 *
 * Backoff. After FW_LOGIN_FREE_FAILS consecutive failed password logins (any user: the
 * state is global, so its memory is bounded), each further attempt must wait 2, 4, 8 ...
 * up to FW_LOGIN_MAX_WAIT_S seconds after the previous failure; a success resets it. An
 * online guesser gets about 300 tries a day. The console and SSO are not affected.
 */
#ifndef FW_ACCOUNTS_H
#define FW_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/cfg.h"

#define FW_PASSWORD_MIN     8
#define FW_PASSWORD_MAX     128
#define FW_ADMIN_USER       "admin"
#define FW_RECOVERY_USER    "recovery"
#define FW_RECOVERY_TTL_S   600
#define FW_GEN_PASSWORD_LEN 16
#define FW_LOGIN_FREE_FAILS 5
#define FW_LOGIN_MAX_WAIT_S 300

/** The account named @p name (exact match), or NULL. */
const struct sso_cfg_account *fw_account_find(const struct sso_cfg *c, const char *name);

/**
 * @brief Create account @p name or change its password (fresh salt, current iteration
 *        count); @p role is kept for an existing account when SSO_CFG_ROLE_NONE.
 * @return HAL_OK; HAL_EINVAL (name or password breaks its rule: name per
 *         sso_cfg_user_name_ok, password FW_PASSWORD_MIN..FW_PASSWORD_MAX bytes, no NUL);
 *         HAL_ENOSPC (the account table is full); HAL_EIO (entropy or hashing failed).
 */
int fw_account_set(struct sso_cfg *c, const char *name, const char *pw, size_t pw_len,
                   enum sso_cfg_role role, int64_t now_s);

/**
 * @brief Check a password.
 * @return the account's role, or SSO_CFG_ROLE_NONE (unknown user, wrong password, or
 *         hashing failed).
 */
enum sso_cfg_role fw_account_check(const struct sso_cfg *c, const char *name, const char *pw,
                                   size_t pw_len);

/** A random password of FW_GEN_PASSWORD_LEN characters from an unambiguous alphabet
 *  (@p out needs FW_GEN_PASSWORD_LEN + 1 bytes). @return HAL_OK or HAL_EIO. */
int fw_account_gen_password(char *out);

/** Iterations used for new hashes. */
uint32_t fw_account_iterations(void);

/* ---- break-glass one-time password ---------------------------------------------------- */

/** Make a new recovery password (replacing any earlier one) into @p out
 *  (FW_GEN_PASSWORD_LEN + 1 bytes). @return HAL_OK or HAL_EIO. */
int fw_recovery_issue(char *out);

/** Check and consume: true only once, for the current password, before it expires. */
bool fw_recovery_use(const char *pw, size_t pw_len);

/** Seconds the recovery password stays valid, 0 if none is outstanding. */
uint32_t fw_recovery_left_s(void);

/* ---- failed-login backoff ------------------------------------------------------------- */

/** Seconds to wait before a password may be checked again (0: now). */
uint32_t fw_login_wait_s(void);
void fw_login_failed(void);
void fw_login_succeeded(void);

#endif /* FW_ACCOUNTS_H */
