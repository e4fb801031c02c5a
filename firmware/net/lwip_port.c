/*
 * lwIP's port functions for NO_SYS=1, the same on every board: sys_now() from the HAL's
 * monotonic clock, and LWIP_RAND() from the board's entropy source.
 */
#include <stdint.h>
#include <string.h>

#include "hal/hal_clock.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "lwip/sys.h"
#include "util/log.h"

u32_t sys_now(void)
{
    return hal_clock_ms();
}

/* Entropy is drawn 64 bytes at a time; each value is used once, then wiped. */
static uint32_t pool[16];
static unsigned pool_left;

uint32_t fw_lwip_rand(void)
{
    uint32_t v;
    if (pool_left == 0) {
        /* No weak fallback: TCP sequence numbers, DNS ids and the SNTP nonce must be
         * unpredictable, so a dead entropy source stops the device. */
        if (hal_entropy_fill(pool, sizeof(pool)) != HAL_OK) {
            fw_panic("entropy source failed");
        }
        pool_left = sizeof(pool) / sizeof(pool[0]);
    }
    pool_left--;
    v = pool[pool_left];
    pool[pool_left] = 0;
    return v;
}
