/**
 * @file policy.h
 * @brief Who may log in how: the password grace period after SSO is enabled, and when
 *        the SSO configuration is complete enough to be enabled.
 *
 * Password grace. While SSO is disabled, password login works. Enabling records
 * enabled_at; password login keeps working until enabled_at + password_grace_hours
 * (exclusive), then only SSO (and the console's break-glass) opens a session. The check
 * uses the device clock (fw_time_now), which tests move with --clock-offset or the
 * console's clock-offset. While the time is unknown the deadline cannot be evaluated and
 * SSO cannot work either (no SSO login without time), so password login is allowed: a
 * deliberate choice that keeps the device manageable (the alternative locks every
 * admin out until SNTP answers); it is documented in docs/API.md.
 */
#ifndef FW_POLICY_H
#define FW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/cfg.h"

/** enabled_at + grace in seconds, or 0 while SSO is disabled. */
int64_t fw_policy_password_until(const struct sso_cfg *c);

/** May a local password open a session now? */
bool fw_policy_password_allowed(const struct sso_cfg *c);

/**
 * @brief Is the configuration complete enough for SSO logins?
 * @param missing  if not NULL, receives a comma-separated list of what is missing.
 */
bool fw_policy_sso_ready(const struct sso_cfg *c, char *missing, size_t size);

/** The IdP SSO URL the device sends browsers to (Redirect binding preferred), or "". */
const char *fw_policy_idp_sso_url(const struct sso_cfg *c, bool *redirect);

#endif /* FW_POLICY_H */
