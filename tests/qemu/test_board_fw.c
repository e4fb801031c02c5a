/*
 * The board's glue as the firmware links it (no rdimon: newlib's system calls come from
 * boards/qemu-mps2-an385/src/syscalls.c, stdout is the UART): time() and gettimeofday() from
 * the board's UTC, mbedtls_ms_time() from its monotonic clock, and mbedTLS's entropy module
 * fed by mbedtls_hardware_poll() over hal_entropy_fill(), failing closed when the source
 * goes away.
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "board_priv.h"
#include "hal/hal_clock.h"
#include "hal/hal_err.h"
#include "harness.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/platform_time.h"

TEST_CASE(time_is_the_board_utc)
{
    struct timeval tv;
    board_clock_init();
    int64_t host = board_sh_time();
    time_t t = time(NULL);
    TEST_TRUE((int64_t)t >= host - 2 && (int64_t)t <= host + 2);
    /* mbedTLS checks certificate dates with time(): it must follow hal_clock_set_utc. */
    TEST_OK(hal_clock_set_utc(2000000000));
    t = time(NULL);
    TEST_TRUE(t >= 2000000000 && t <= 2000000001);
    TEST_EQ(gettimeofday(&tv, NULL), 0);
    TEST_TRUE(tv.tv_sec >= 2000000000 && tv.tv_sec <= 2000000001);
    TEST_OK(hal_clock_set_test_offset(-86400));
    t = time(NULL);
    TEST_TRUE(t >= 2000000000 - 86400 && t <= 2000000001 - 86400);
    TEST_OK(hal_clock_set_test_offset(0));
}

TEST_CASE(mbedtls_ms_time_is_monotonic_ms)
{
    board_clock_init();
    mbedtls_ms_time_t a = mbedtls_ms_time();
    uint32_t m0 = hal_clock_ms();
    while ((uint32_t)(hal_clock_ms() - m0) < 50u) {
    }
    mbedtls_ms_time_t b = mbedtls_ms_time();
    TEST_TRUE(b - a >= 50 && b - a < 1000);
}

TEST_CASE(mbedtls_entropy_uses_the_board_and_fails_closed)
{
    static mbedtls_entropy_context entropy;
    static mbedtls_ctr_drbg_context drbg;
    unsigned char a[32], b[32];
    const char *path = LK_QEMU_TEST_DIR "/fw-glue.bin";

    board_clock_init();
    TEST_OK(board_flash_init(path));
    TEST_OK(board_entropy_init());
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    TEST_OK(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
                                  (const unsigned char *)"test", 4));
    TEST_OK(mbedtls_ctr_drbg_random(&drbg, a, sizeof(a)));
    TEST_OK(mbedtls_ctr_drbg_random(&drbg, b, sizeof(b)));
    TEST_TRUE(memcmp(a, b, sizeof(a)) != 0);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);

    /* Without the board's source, mbedTLS gets no entropy and refuses to seed. */
    board_entropy_close();
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    TEST_TRUE(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) != 0);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
}

TEST_CASE(stdout_is_the_console)
{
    /* Goes through newlib's _write to the UART; ctest sees it in the same stream. */
    TEST_EQ(printf("    printf reaches the UART console\n"), 36);
    TEST_EQ(fflush(stdout), 0);
    /* There is no file system: fopen fails instead of touching the host. */
    TEST_TRUE(fopen("/etc/hostname", "r") == NULL);
}

static const struct lk_test_case cases[] = {
    LK_CASE(time_is_the_board_utc),
    LK_CASE(mbedtls_ms_time_is_monotonic_ms),
    LK_CASE(mbedtls_entropy_uses_the_board_and_fails_closed),
    LK_CASE(stdout_is_the_console),
};

TEST_MAIN(cases)
