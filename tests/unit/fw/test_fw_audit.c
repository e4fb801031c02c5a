/* The audit log's write policy (firmware/app/audit.c): coalescing, the prompt save of
 * security events, the token bucket that bounds flash wear, and the console line. The
 * configuration store and the clocks are fakes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app/audit.h"
#include "app/config.h"
#include "app/timesync.h"
#include "hal/hal_err.h"
#include "harness.h"
#include "util/log.h"

static struct sso_cfg_audit tail;
static unsigned flushes;
static int flush_rc = HAL_OK;
static uint32_t now_ms = 5;
static char last_log[256];

struct sso_cfg_audit *fw_config_audit_tail(void)
{
    return &tail;
}

int fw_config_flush(uint32_t *ops)
{
    (void)ops;
    flushes++;
    if (flush_rc == HAL_OK) {
        fw_audit_saved();
    }
    return flush_rc;
}

int fw_time_now(int64_t *unix_s)
{
    *unix_s = 1767225600;
    return HAL_OK;
}

void fw_log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(last_log, sizeof(last_log), fmt, ap);
    va_end(ap);
}

static void advance(uint32_t ms)
{
    now_ms += ms;
    fw_audit_poll(now_ms);
}

TEST_CASE(names_and_console_line)
{
    memset(&tail, 0, sizeof(tail));
    fw_audit_boot();
    TEST_STR_EQ(fw_audit_event_name(FW_EV_SSO_LOGIN_FAILED), "sso_login_failed");
    TEST_STR_EQ(fw_audit_event_name(FW_EV_LOGIN_LOCKED), "login_locked");
    TEST_STR_EQ(fw_audit_event_name(0), "unknown");
    TEST_STR_EQ(fw_audit_event_name(9999), "unknown");
    fw_audit(FW_EV_SSO_LOGIN_FAILED, -1211, "ev\x1b[2Jil", "detail %d", 7);
    TEST_STR_EQ(last_log, "audit: #1 sso_login_failed user=ev?[2Jil code=replay: detail 7");
    TEST_EQ(tail.count, 1);
    TEST_EQ(tail.e[0].code, -1211);
    TEST_EQ(tail.e[0].time_s, 1767225600);
    fw_audit_saved();
}

TEST_CASE(sequence_continues_from_the_loaded_tail)
{
    memset(&tail, 0, sizeof(tail));
    tail.count = 1;
    tail.e[0].seq = 41;
    fw_audit_boot();
    fw_audit(FW_EV_BOOT, 0, NULL, "x");
    TEST_EQ(tail.e[1].seq, 42);
    fw_audit_saved();
}

TEST_CASE(coalescing_and_prompt_security_saves)
{
    memset(&tail, 0, sizeof(tail));
    fw_audit_boot();
    advance(FW_AUDIT_REFILL_MS * FW_AUDIT_BURST); /* a full bucket */
    flushes = 0;
    /* a non-security event waits for the coalescing window */
    fw_audit(FW_EV_BOOT, 0, NULL, "boot");
    advance(0);
    advance(FW_AUDIT_SECURITY_DELAY_MS);
    TEST_EQ(flushes, 0);
    advance(FW_AUDIT_COALESCE_MS - FW_AUDIT_SECURITY_DELAY_MS - 1);
    TEST_EQ(flushes, 0);
    advance(1);
    TEST_EQ(flushes, 1);
    TEST_EQ(fw_audit_pending(), 0);
    /* a security event goes out after the short delay, with everything before it */
    fw_audit(FW_EV_LOGOUT, 0, "u", "x");
    fw_audit(FW_EV_LOGIN_FAILED, 0, "u", "x");
    fw_audit(FW_EV_LOGIN_FAILED, 0, "u", "x");
    advance(0);
    advance(FW_AUDIT_SECURITY_DELAY_MS - 1);
    TEST_EQ(flushes, 1);
    advance(1);
    TEST_EQ(flushes, 2);
    TEST_EQ(fw_audit_pending(), 0);
    /* a configuration save in between makes the audit save unnecessary */
    fw_audit(FW_EV_LOGIN_OK, 0, "u", "x");
    fw_audit_saved();
    advance(FW_AUDIT_COALESCE_MS);
    TEST_EQ(flushes, 2);
}

TEST_CASE(flood_is_bounded_by_the_bucket)
{
    unsigned i, saves_in_hour;
    memset(&tail, 0, sizeof(tail));
    fw_audit_boot();
    advance(FW_AUDIT_REFILL_MS * FW_AUDIT_BURST);
    flushes = 0;
    /* one failed login per second for an hour */
    for (i = 0; i < 3600; i++) {
        fw_audit(FW_EV_LOGIN_FAILED, 0, "attacker", "x");
        advance(1000);
    }
    saves_in_hour = flushes;
    /* the burst, then one per refill period */
    TEST_TRUE(saves_in_hour <= FW_AUDIT_BURST + 3600000u / FW_AUDIT_REFILL_MS + 1);
    TEST_TRUE(saves_in_hour >= FW_AUDIT_BURST + 3600000u / FW_AUDIT_REFILL_MS - 1);
    printf("    one failed login per second for an hour: %u audit saves\n", saves_in_hour);
    TEST_EQ(tail.count, SSO_CFG_AUDIT_MAX); /* the newest are kept */
    TEST_EQ(tail.e[SSO_CFG_AUDIT_MAX - 1].seq, 3600);
}

TEST_CASE(failed_save_keeps_the_events)
{
    memset(&tail, 0, sizeof(tail));
    fw_audit_boot();
    advance(FW_AUDIT_REFILL_MS * FW_AUDIT_BURST);
    flushes = 0;
    flush_rc = HAL_EIO;
    fw_audit(FW_EV_SSO_ENABLED, 0, "admin", "x");
    advance(0);
    advance(FW_AUDIT_SECURITY_DELAY_MS);
    TEST_EQ(flushes, 1);
    TEST_EQ(fw_audit_pending(), 1);
    TEST_TRUE(strstr(last_log, "kept in RAM") != NULL);
    /* not retried at once */
    advance(10);
    TEST_EQ(flushes, 1);
    flush_rc = HAL_OK;
    advance(FW_AUDIT_SECURITY_DELAY_MS);
    TEST_EQ(flushes, 2);
    TEST_EQ(fw_audit_pending(), 0);
}

static const struct lk_test_case cases[] = {
    LK_CASE(names_and_console_line),
    LK_CASE(sequence_continues_from_the_loaded_tail),
    LK_CASE(coalescing_and_prompt_security_saves),
    LK_CASE(flood_is_bounded_by_the_bucket),
    LK_CASE(failed_save_keeps_the_events),
};

TEST_MAIN(cases)
