/* mbedTLS options for the host board (and the host CLI and tests). */
#ifndef LK_BOARD_MBEDTLS_CONFIG_H
#define LK_BOARD_MBEDTLS_CONFIG_H

#include "lk_mbedtls_common.h"

#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
/* X.509 validity checks read mbedtls_time(): libc time() until the firmware's
 * fw_tls_init() points it at the board's UTC (hal_clock_utc), which also follows the
 * test clock offset and fails closed while UTC is unknown. */
#define MBEDTLS_PLATFORM_TIME_ALT
#define MBEDTLS_PLATFORM_STD_TIME time
/* Entropy comes from the board (hal_entropy_fill) through mbedtls_hardware_poll(). */
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY

#endif
