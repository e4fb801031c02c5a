/*
 * What mbedTLS needs from this board (mbedtls_config.h): its millisecond clock
 * (MBEDTLS_PLATFORM_MS_TIME_ALT) and its entropy source (MBEDTLS_ENTROPY_HARDWARE_ALT).
 */
#include <stddef.h>

#include "board_priv.h"

#include "hal/hal_entropy.h"
#include "mbedtls/entropy.h"
#include "mbedtls/platform_time.h"

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)board_clock_ms64();
}

/* The entropy module's "hardware" source is the board's hal_entropy_fill(), which fails
 * rather than return weak bytes; a failure here makes mbedtls_entropy_func() fail, and
 * with it every DRBG seeding, so nothing is keyed from an empty pool. */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    *olen = 0;
    if (hal_entropy_fill(output, len) != 0) {
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = len;
    return 0;
}
