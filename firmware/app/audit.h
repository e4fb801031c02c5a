/**
 * @file audit.h
 * @brief The audit log: every login success or failure (with the precise reason code),
 *        configuration change, import, enable/disable and break-glass action.
 *
 * Each event goes to three places: the console ("audit: #12 sso_login_failed
 * user=alice@example.com code=replay: ..."), the audit tail kept in the config record
 * (the newest SSO_CFG_AUDIT_MAX events, shown by GET /api/v1/audit), and, for events that
 * concern the local users, the notification queue (app/notify.h) where the caller says so.
 * Callers never pass secrets, session IDs or assertion bodies.
 *
 * Flash writes. Appending changes the config record, and a record save erases and
 * programs flash, which wears out (NOR sectors: about 100 000 erase cycles) and which an
 * attacker could drive by failing logins on purpose. So appends are coalesced and rate
 * limited (docs/STORAGE.md, "Audit writes"):
 *  - an event rides along with any configuration save that happens anyway;
 *  - a security event (logins, enable/disable, break-glass, trust and key changes) is
 *    persisted FW_AUDIT_SECURITY_DELAY_MS after it happened, together with everything
 *    else that happened in that window;
 *  - other events within FW_AUDIT_COALESCE_MS;
 *  - audit-only saves draw from a bucket of FW_AUDIT_BURST tokens refilled one per
 *    FW_AUDIT_REFILL_MS: a flood of failed logins causes at most one save per refill
 *    period once the burst is used, and the events keep collecting in RAM meanwhile
 *    (a power cut then loses at most those; the console line was printed at once).
 */
#ifndef FW_AUDIT_H
#define FW_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#define FW_AUDIT_SECURITY_DELAY_MS 1000u
#define FW_AUDIT_COALESCE_MS       60000u
#define FW_AUDIT_BURST             8u
#define FW_AUDIT_REFILL_MS         300000u

/** Events: stable numbers (stored in the record) and names (fw_audit_event_name). */
enum fw_audit_event {
    FW_EV_BOOT = 1,
    FW_EV_LOGIN_OK = 2,
    FW_EV_LOGIN_FAILED = 3,
    FW_EV_LOGOUT = 4,
    FW_EV_SSO_LOGIN_OK = 5,
    FW_EV_SSO_LOGIN_FAILED = 6,
    FW_EV_SSO_NO_ACCESS = 7,
    FW_EV_CONFIG_CHANGED = 8,
    FW_EV_METADATA_IMPORTED = 9,
    FW_EV_METADATA_IMPORT_FAILED = 10,
    FW_EV_METADATA_REFRESHED = 11,
    FW_EV_METADATA_REFRESH_FAILED = 12,
    FW_EV_SSO_ENABLED = 13,
    FW_EV_SSO_DISABLED = 14,
    FW_EV_TRUST_ADDED = 15,
    FW_EV_TRUST_REMOVED = 16,
    FW_EV_RECOVERY_ISSUED = 17,
    FW_EV_RECOVERY_USED = 18,
    FW_EV_CONFIG_DAMAGED = 19,
    FW_EV_SESSION_TABLE_FULL = 20,
    FW_EV_PASSWORD_CHANGED = 21,
    FW_EV_DEVICE_CERT_REPLACED = 22,
    FW_EV_SESSION_REVOKED = 23,
    FW_EV_ACCOUNT_CREATED = 24,
    FW_EV_KEYS_GENERATED = 25,
    FW_EV_SSO_LOGIN_REFUSED = 26, /**< refused before the IdP: no time, not enabled */
    FW_EV_LOGIN_LOCKED = 27,      /**< a login attempt during the failed-login backoff */
};

/** Stable snake_case name of an event ("sso_login_failed"), "unknown" otherwise. */
const char *fw_audit_event_name(unsigned ev);

/** Set up from the loaded tail (the next sequence number). After fw_config_boot(). */
void fw_audit_boot(void);

/**
 * @brief Record an event.
 * @param code  an enum sso_err reason, or 0.
 * @param user  the user concerned, or NULL.
 * @param fmt   printf-style detail (at most SSO_CFG_AUDIT_DETAIL_MAX bytes are kept).
 */
void fw_audit(enum fw_audit_event ev, int code, const char *user, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Superloop: persist pending events when the policy above says so. */
void fw_audit_poll(uint32_t now_ms);

/** A configuration save just persisted the tail (nothing pending any more). */
void fw_audit_saved(void);

/** Events not yet persisted. */
unsigned fw_audit_pending(void);

/** Audit-only saves made since boot. */
uint32_t fw_audit_flushes(void);

#endif /* FW_AUDIT_H */
