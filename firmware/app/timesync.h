/**
 * @file timesync.h
 * @brief Wall-clock time for the firmware: whether it is known, where it came from, and
 *        the SNTP client (lwIP apps/sntp) that keeps it right. Also the 64-bit uptime.
 *
 * Time is unknown until a trusted source sets it. Trusted sources: the board's RTC (when
 * hal_clock_utc() succeeds at boot; the host board's clock, a battery-backed RTC) and
 * SNTP. Everything that checks validity periods (SAML assertions, certificates) asks
 * fw_time_now() and refuses to work while it fails (fail closed).
 *
 * SNTP is plain, unauthenticated NTP: the checks in lwipopts_common.h (source address and
 * port, random originate nonce) stop off-path forgeries, and a time earlier than
 * FW_TIME_MIN_VALID is refused, but an on-path attacker can still move the clock.
 */
#ifndef FW_TIMESYNC_H
#define FW_TIMESYNC_H

#include <stdbool.h>
#include <stdint.h>

/** 2024-01-01T00:00:00Z: no correct clock reads earlier than this firmware's writing. */
#define FW_TIME_MIN_VALID 1704067200

enum fw_time_source {
    FW_TIME_NONE,
    FW_TIME_RTC,  /**< the board knew UTC at boot */
    FW_TIME_SNTP, /**< set by an SNTP reply */
};

/** At boot: note whether the board already knows UTC. */
void fw_time_boot(void);

/**
 * @brief Start SNTP with @p server ("host" or "host:port"; "" leaves SNTP off). Call once
 *        the network is up.
 */
void fw_time_start_sntp(const char *server);

/** Superloop: keeps the 64-bit uptime (call at least once per 49 days). */
void fw_time_poll(void);

/** Seconds since boot. */
uint64_t fw_time_uptime_s(void);

/** @return 0 and the UTC in @p unix_s if known, else a negative HAL code. */
int fw_time_now(int64_t *unix_s);

/**
 * @brief The UTC at which this boot first knew the time (board RTC at boot, or the first
 *        SNTP answer). Anything a previous boot may have seen was issued before it: the
 *        SSO endpoints refuse IdP-initiated assertions issued earlier, because the replay
 *        cache lives in RAM and did not survive the reboot.
 * @return 0, or HAL_ENODATA while the time is unknown.
 */
int fw_time_known_since(int64_t *unix_s);

/** Tests (console `clock-unset` on boards with a test clock): forget the time, as on a
 *  board without RTC before SNTP answers. */
void fw_time_forget(void);

/** Tests: trust the board clock again after fw_time_forget() (console clock-offset). */
void fw_time_test_restore(void);

enum fw_time_source fw_time_source(void);
const char *fw_time_source_name(enum fw_time_source src);

#endif /* FW_TIMESYNC_H */
