/* Wall-clock time and SNTP: see timesync.h. */
#include "app/timesync.h"

#include <string.h>

#include "app/settings.h"
#include "hal/hal_clock.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "lwip/apps/sntp.h"
#include "util/log.h"

static enum fw_time_source source;
static char sntp_host[FW_SNTP_SERVER_MAX + 1]; /* lwIP keeps the pointer */
static uint16_t sntp_port = 123;
static uint32_t last_ms;
static uint64_t uptime_ms;
static int64_t known_since;

void fw_time_boot(void)
{
    int64_t now;
    last_ms = hal_clock_ms();
    uptime_ms = last_ms;
    if (hal_clock_utc(&now) == HAL_OK && now >= FW_TIME_MIN_VALID) {
        source = FW_TIME_RTC;
        known_since = now;
        fw_log_printf("time: board clock trusted, UTC %lld", (long long)now);
    } else {
        source = FW_TIME_NONE;
        fw_log_printf("time: unknown until SNTP answers");
    }
}

void fw_time_start_sntp(const char *server)
{
    if (!fw_settings_sntp_parse(server, sntp_host, &sntp_port) || sntp_host[0] == '\0') {
        fw_log_printf("time: SNTP off");
        return;
    }
    sntp_setoperatingmode(SNTP_OPMODE_POLL);
    sntp_setservername(0, sntp_host);
    sntp_init();
    fw_log_printf("time: SNTP server %s port %u", sntp_host, (unsigned)sntp_port);
}

uint16_t fw_time_sntp_port(void)
{
    return sntp_port;
}

void fw_time_sntp_nonce(uint32_t *sec, uint32_t *us)
{
    uint32_t r[2];
    /* A random transmit timestamp: the reply must echo it (SNTP_CHECK_RESPONSE 2). */
    if (hal_entropy_fill(r, sizeof(r)) != HAL_OK) {
        fw_panic("entropy source failed");
    }
    *sec = r[0];
    *us = r[1] % 1000000u;
}

void fw_time_sntp_set(uint32_t sec, uint32_t us)
{
    (void)us;
    /* A clock set before this firmware existed is a forged or broken reply: keep the
     * time we have (or stay unknown) rather than open validity windows in the past. */
    if ((int64_t)sec < FW_TIME_MIN_VALID) {
        fw_log_printf("time: SNTP reply %lu refused (before 2024)", (unsigned long)sec);
        return;
    }
    if (hal_clock_set_utc((int64_t)sec) != HAL_OK) {
        fw_log_printf("time: board cannot set its clock");
        return;
    }
    if (source != FW_TIME_SNTP) {
        fw_log_printf("time: synced by SNTP, UTC %lu", (unsigned long)sec);
    }
    if (known_since == 0) {
        known_since = (int64_t)sec;
    }
    source = FW_TIME_SNTP;
}

void fw_time_poll(void)
{
    uint32_t now = hal_clock_ms();
    uptime_ms += (uint32_t)(now - last_ms); /* modular: survives the 32-bit wrap */
    last_ms = now;
}

uint64_t fw_time_uptime_s(void)
{
    fw_time_poll();
    return uptime_ms / 1000u;
}

int fw_time_now(int64_t *unix_s)
{
    if (source == FW_TIME_NONE) {
        return HAL_ENODATA;
    }
    return hal_clock_utc(unix_s);
}

int fw_time_known_since(int64_t *unix_s)
{
    if (source == FW_TIME_NONE || known_since == 0) {
        return HAL_ENODATA;
    }
    *unix_s = known_since;
    return HAL_OK;
}

void fw_time_forget(void)
{
    source = FW_TIME_NONE;
    known_since = 0;
    fw_log_printf("time: forgotten (test); unknown until SNTP answers");
}

void fw_time_test_restore(void)
{
    int64_t now;
    if (source == FW_TIME_NONE && hal_clock_utc(&now) == HAL_OK && now >= FW_TIME_MIN_VALID) {
        source = FW_TIME_RTC;
        known_since = now;
        fw_log_printf("time: board clock trusted again, UTC %lld", (long long)now);
    }
}

enum fw_time_source fw_time_source(void)
{
    return source;
}

const char *fw_time_source_name(enum fw_time_source src)
{
    switch (src) {
    case FW_TIME_NONE:
        return "none";
    case FW_TIME_RTC:
        return "rtc";
    case FW_TIME_SNTP:
        return "sntp";
    }
    return "none";
}
