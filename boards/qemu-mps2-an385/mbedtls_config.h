/**
 * @file mbedtls_config.h
 * @brief mbedTLS 3.6 options for QEMU mps2-an385 (Cortex-M3, newlib, no OS): the shared
 *        set (cmake/mbedtls/lk_mbedtls_common.h) plus what bare metal needs.
 *
 * What the board supplies for them (src/mbedtls_glue.c, src/syscalls.c):
 * - MBEDTLS_PLATFORM_MS_TIME_ALT: mbedtls_ms_time() from the board's 64-bit monotonic ms
 *   (without it, MBEDTLS_HAVE_TIME is an #error on a target with no POSIX clock).
 * - MBEDTLS_HAVE_TIME(_DATE): mbedtls_time() is still time(), i.e. newlib's
 *   _gettimeofday(), which returns the board's UTC and fails while UTC is unknown, so
 *   certificate dates cannot be checked and X.509 verification fails closed. mbedTLS uses
 *   the non-reentrant gmtime() here (no gmtime_r detection off Unix); the firmware is a
 *   single-threaded superloop, so that is safe.
 * - MBEDTLS_ENTROPY_HARDWARE_ALT + MBEDTLS_NO_PLATFORM_ENTROPY: mbedtls_hardware_poll()
 *   over hal_entropy_fill() (test-only on this board, and it fails rather than return
 *   weak bytes).
 * Build note: these objects must be Thumb-2 for the M3. Never pass CMAKE_C_FLAGS on the
 * command line (it replaces the toolchain's CPU flags); tests/qemu checks every image.
 */
#ifndef LK_BOARD_MBEDTLS_CONFIG_H
#define LK_BOARD_MBEDTLS_CONFIG_H

#include "lk_mbedtls_common.h"

/* Thumb-2 multiply-accumulate (UMLAL) in bignum (bn_mul.h). Measured on the M3 (tests/bench,
 * instructions under QEMU -icount): RSA-2048 verify 2.90 M with it, 3.02 M without. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
/* X.509 validity checks read mbedtls_time(): libc time() until the firmware's
 * fw_tls_init() points it at the board's UTC (hal_clock_utc), which also follows the
 * test clock offset and fails closed while UTC is unknown. */
#define MBEDTLS_PLATFORM_TIME_ALT
#define MBEDTLS_PLATFORM_STD_TIME time
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY
/* Window of the modular exponentiation. It only matters for private-key operations (the
 * SP's RSA-OAEP key transport for encrypted assertions): mbedTLS 3.6 uses a 1-bit window
 * for exponents under 80 bits, so a verify with e = 65537 costs the same at every size.
 * Measured on the M3 (tests/bench, RSA-2048 OAEP decrypt with a freshly parsed key):
 *   window   1      2      3      4      5      6
 *   M insn 159.5  132.3  124.1  121.2  121.7  125.6
 * 5 and 6 lose to the constant-time table scan. 4 costs 16 entries x 128 bytes = 2 KB of
 * transient heap per CRT half (1.5 KB more than 2), taken inside the private operation,
 * which is not where a validation's heap peaks (unchanged: 43 270 bytes, encrypted). */
#define MBEDTLS_MPI_WINDOW_SIZE 4

#endif
