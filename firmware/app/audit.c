/* The audit log and its flash-write policy: see audit.h. */
#include "app/audit.h"

#include <stdarg.h>
#include <stdio.h>

#include "app/config.h"
#include "app/timesync.h"
#include "hal/hal_err.h"
#include "sso/err.h"
#include "util/log.h"

static bool booted;
static uint32_t next_seq = 1;
static unsigned pending;      /* events appended since the last save */
static bool pending_security; /* one of them is a security event */
static bool pending_stamped;  /* first_pending_ms holds when the first pending event was seen */
static uint32_t first_pending_ms;
static uint32_t tokens = FW_AUDIT_BURST;
static bool refill_started;
static uint32_t refill_ms;
static uint32_t flushes;

static const char *const names[] = {
    [FW_EV_BOOT] = "boot",
    [FW_EV_LOGIN_OK] = "login_ok",
    [FW_EV_LOGIN_FAILED] = "login_failed",
    [FW_EV_LOGOUT] = "logout",
    [FW_EV_SSO_LOGIN_OK] = "sso_login_ok",
    [FW_EV_SSO_LOGIN_FAILED] = "sso_login_failed",
    [FW_EV_SSO_NO_ACCESS] = "sso_no_access",
    [FW_EV_CONFIG_CHANGED] = "config_changed",
    [FW_EV_METADATA_IMPORTED] = "metadata_imported",
    [FW_EV_METADATA_IMPORT_FAILED] = "metadata_import_failed",
    [FW_EV_METADATA_REFRESHED] = "metadata_refreshed",
    [FW_EV_METADATA_REFRESH_FAILED] = "metadata_refresh_failed",
    [FW_EV_SSO_ENABLED] = "sso_enabled",
    [FW_EV_SSO_DISABLED] = "sso_disabled",
    [FW_EV_TRUST_ADDED] = "trust_added",
    [FW_EV_TRUST_REMOVED] = "trust_removed",
    [FW_EV_RECOVERY_ISSUED] = "recovery_issued",
    [FW_EV_RECOVERY_USED] = "recovery_used",
    [FW_EV_CONFIG_DAMAGED] = "config_damaged",
    [FW_EV_SESSION_TABLE_FULL] = "session_table_full",
    [FW_EV_PASSWORD_CHANGED] = "password_changed",
    [FW_EV_DEVICE_CERT_REPLACED] = "device_cert_replaced",
    [FW_EV_SESSION_REVOKED] = "session_revoked",
    [FW_EV_ACCOUNT_CREATED] = "account_created",
    [FW_EV_KEYS_GENERATED] = "keys_generated",
    [FW_EV_SSO_LOGIN_REFUSED] = "sso_login_refused",
    [FW_EV_LOGIN_LOCKED] = "login_locked",
};

const char *fw_audit_event_name(unsigned ev)
{
    if (ev < sizeof(names) / sizeof(names[0]) && names[ev] != NULL) {
        return names[ev];
    }
    return "unknown";
}

/* Events that must reach flash promptly: who got in, who failed, and changes to who may. */
static bool is_security(enum fw_audit_event ev)
{
    switch (ev) {
    case FW_EV_BOOT:
    case FW_EV_LOGOUT:
    case FW_EV_METADATA_REFRESHED:
    case FW_EV_SESSION_REVOKED:
    case FW_EV_KEYS_GENERATED:
        return false;
    case FW_EV_LOGIN_OK:
    case FW_EV_LOGIN_FAILED:
    case FW_EV_SSO_LOGIN_OK:
    case FW_EV_SSO_LOGIN_FAILED:
    case FW_EV_SSO_NO_ACCESS:
    case FW_EV_CONFIG_CHANGED:
    case FW_EV_METADATA_IMPORTED:
    case FW_EV_METADATA_IMPORT_FAILED:
    case FW_EV_METADATA_REFRESH_FAILED:
    case FW_EV_SSO_ENABLED:
    case FW_EV_SSO_DISABLED:
    case FW_EV_TRUST_ADDED:
    case FW_EV_TRUST_REMOVED:
    case FW_EV_RECOVERY_ISSUED:
    case FW_EV_RECOVERY_USED:
    case FW_EV_CONFIG_DAMAGED:
    case FW_EV_SESSION_TABLE_FULL:
    case FW_EV_PASSWORD_CHANGED:
    case FW_EV_DEVICE_CERT_REPLACED:
    case FW_EV_ACCOUNT_CREATED:
    case FW_EV_SSO_LOGIN_REFUSED:
    case FW_EV_LOGIN_LOCKED:
        return true;
    }
    return true;
}

void fw_audit_boot(void)
{
    const struct sso_cfg_audit *a = fw_config_audit_tail();
    next_seq = a->count > 0 ? a->e[a->count - 1].seq + 1 : 1;
    booted = true;
}

void fw_audit(enum fw_audit_event ev, int code, const char *user, const char *fmt, ...)
{
    /* Twice the bound: a longer detail reaches sso_cfg_audit_append() too long, which
     * cuts it with an explicit "..." (vsnprintf alone would cut silently). */
    char detail[2 * SSO_CFG_AUDIT_DETAIL_MAX + 1];
    struct sso_cfg_audit *a;
    const struct sso_cfg_audit_entry *e;
    int64_t now = 0;
    va_list ap;

    if (!booted) {
        fw_audit_boot();
    }
    va_start(ap, fmt);
    (void)vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    if (fw_time_now(&now) != HAL_OK) {
        now = 0;
    }
    a = fw_config_audit_tail();
    sso_cfg_audit_append(a, next_seq++, now, (uint16_t)ev, (int16_t)code, user, detail);
    e = &a->e[a->count - 1];
    /* The sanitised copy is what the console prints: no control characters from a
     * hostile NameID reach the terminal. */
    fw_log_printf("audit: #%lu %s%s%s%s%s%s%s", (unsigned long)e->seq, fw_audit_event_name(ev),
                  e->user[0] != '\0' ? " user=" : "", e->user, code != 0 ? " code=" : "",
                  code != 0 ? sso_err_code(code) : "", e->detail[0] != '\0' ? ": " : "", e->detail);
    pending++;
    pending_security = pending_security || is_security(ev);
}

void fw_audit_saved(void)
{
    pending = 0;
    pending_security = false;
    pending_stamped = false;
}

unsigned fw_audit_pending(void)
{
    return pending;
}

uint32_t fw_audit_flushes(void)
{
    return flushes;
}

void fw_audit_poll(uint32_t now_ms)
{
    uint32_t wait = pending_security ? FW_AUDIT_SECURITY_DELAY_MS : FW_AUDIT_COALESCE_MS;
    int rc;
    /* Time comes only from here (the superloop's clock): the windows start at the first
     * poll that sees an event, at most one loop pass after it. */
    if (!refill_started) {
        refill_started = true;
        refill_ms = now_ms;
    }
    if (pending > 0 && !pending_stamped) {
        pending_stamped = true;
        first_pending_ms = now_ms;
    }
    /* Refill the bucket (bounded: at most FW_AUDIT_BURST tokens). */
    while (tokens < FW_AUDIT_BURST && (uint32_t)(now_ms - refill_ms) >= FW_AUDIT_REFILL_MS) {
        tokens++;
        refill_ms += FW_AUDIT_REFILL_MS;
    }
    if (tokens == FW_AUDIT_BURST) {
        refill_ms = now_ms;
    }
    if (pending == 0 || (uint32_t)(now_ms - first_pending_ms) < wait || tokens == 0) {
        return;
    }
    tokens--;
    rc = fw_config_flush(NULL);
    flushes++;
    if (rc != HAL_OK) {
        /* Keep the events in RAM; try again after the next refill rather than hammer a
         * failing flash. */
        fw_log_printf("audit: saving the audit log failed (%d); %u events kept in RAM", rc,
                      pending);
        first_pending_ms = now_ms;
    }
}
