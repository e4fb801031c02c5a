/*
 * Host clock: milliseconds from CLOCK_MONOTONIC since the board started, and UTC from the
 * host's clock. The host board counts as having a battery-backed RTC: UTC is known from
 * boot. Two adjustments sit on top of the host clock:
 *   set_adjust_s  what hal_clock_set_utc() (SNTP, an admin) set, as a difference;
 *   test_offset_s --clock-offset or the console's clock-offset command (tests).
 */
#define _GNU_SOURCE
#include "host.h"

#include <time.h>

#include "hal/hal_clock.h"
#include "hal/hal_err.h"

static struct timespec boot;
static int64_t set_adjust_s;
static int64_t test_offset_s;

void board_clock_init(void)
{
    clock_gettime(CLOCK_MONOTONIC, &boot);
    test_offset_s = board_opts.clock_offset_s;
}

uint32_t hal_clock_ms(void)
{
    struct timespec now;
    int64_t ms;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (int64_t)(now.tv_sec - boot.tv_sec) * 1000 + (now.tv_nsec - boot.tv_nsec) / 1000000;
    return (uint32_t)ms; /* wraps after 49 days, as the HAL says */
}

static int64_t host_utc(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec;
}

int hal_clock_utc(int64_t *unix_s)
{
    *unix_s = host_utc() + set_adjust_s + test_offset_s;
    return HAL_OK;
}

int hal_clock_set_utc(int64_t unix_s)
{
    /* The test offset stays on top: a sync corrects the clock, it does not undo the
     * time travel a test asked for. */
    set_adjust_s = unix_s - host_utc();
    return HAL_OK;
}

int hal_clock_set_test_offset(int64_t offset_s)
{
    test_offset_s = offset_s;
    return HAL_OK;
}
