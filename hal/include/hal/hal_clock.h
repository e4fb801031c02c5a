/**
 * @file hal_clock.h
 * @brief Monotonic milliseconds and, once known, UTC.
 */
#ifndef HAL_CLOCK_H
#define HAL_CLOCK_H

#include <stdint.h>

/** Milliseconds since boot; monotonic, wraps after 49 days (lwIP's sys_now() wraps it). */
uint32_t hal_clock_ms(void);

/**
 * @brief Current UTC as Unix seconds.
 * @return HAL_OK, or HAL_ENODATA while wall time is unknown. The firmware refuses SSO
 *         logins until this succeeds (fail closed).
 */
int hal_clock_utc(int64_t *unix_s);

/**
 * @brief Set UTC (from SNTP or an admin). Boards keep it running from the monotonic clock.
 * @return HAL_OK or HAL_ENOTSUP.
 */
int hal_clock_set_utc(int64_t unix_s);

/**
 * @brief Test capability: shift the UTC this board reports by @p offset_s from its true
 *        value, on top of any hal_clock_set_utc() (an SNTP sync does not undo it). Tests
 *        use it to move time (expiry, skew) without touching the host clock.
 * @return HAL_OK, or HAL_ENOTSUP on a board without a test clock (real hardware).
 */
int hal_clock_set_test_offset(int64_t offset_s);

#endif /* HAL_CLOCK_H */
