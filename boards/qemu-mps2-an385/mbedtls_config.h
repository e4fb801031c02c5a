/* mbedTLS options for QEMU mps2-an385 (Cortex-M3, newlib, no OS). */
#ifndef LK_BOARD_MBEDTLS_CONFIG_H
#define LK_BOARD_MBEDTLS_CONFIG_H

#include "lk_mbedtls_common.h"

#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_MPI_WINDOW_SIZE 2

#endif
