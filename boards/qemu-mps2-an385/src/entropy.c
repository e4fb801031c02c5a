/*
 * Entropy on mps2-an385: TEST-ONLY. The AN385 image has no hardware random number
 * generator, so this board cannot make secrets of its own. Under QEMU it borrows the host's:
 *
 *   hal_entropy_fill() -> CTR_DRBG (AES-256, mbedTLS; allocation-free)
 *       entropy input:   /dev/urandom of the host running QEMU, read through semihosting,
 *                        at seeding and at every reseed;
 *       personalization: host time (SYS_TIME), SysTick samples around semihosting calls,
 *                        and a 32-byte seed file next to the flash file that is rewritten
 *                        from the DRBG at every boot, so no two boots share a seed even if
 *                        everything else repeated.
 *
 * Contract (hal_entropy.h): bytes come out only while the DRBG is seeded from the host's
 * random source. If the host source cannot be read (no semihosting, no /dev/urandom) or a
 * reseed fails, hal_entropy_fill() returns HAL_EIO: time, jitter and the seed file alone are
 * predictable and are never handed out as entropy. And whatever happens, every boot prints
 * the WARNING below: keys made on this board are only as secret as the host running QEMU.
 */
#include "board_priv.h"

#include <string.h>

#include "hal/hal_clock.h"
#include "hal/hal_console.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "mbedtls/ctr_drbg.h"

#define HOST_RANDOM    "/dev/urandom"
#define SEED_SUFFIX    ".seed"
#define SEED_LEN       32u
#define JITTER_SAMPLES 16u
#define DRBG_MAX_REQ   MBEDTLS_CTR_DRBG_MAX_REQUEST

static mbedtls_ctr_drbg_context drbg;
static int host_random = -1; /* semihosting handle of /dev/urandom */
static int seeded;

static const char warning[] =
    "\n"
    "**************************************************************************\n"
    "*  WARNING: ENTROPY ON THIS BOARD IS FOR TESTING ONLY                    *\n"
    "*                                                                        *\n"
    "*  qemu-mps2-an385 has no hardware random number generator. Its random   *\n"
    "*  bytes come from the host running QEMU (/dev/urandom via semihosting). *\n"
    "*  Every key, certificate, password and session made here is only as     *\n"
    "*  secret as that host. Do not use this board or its keys in production. *\n"
    "**************************************************************************\n";

static const char unavailable[] =
    "*  ENTROPY UNAVAILABLE: the host random source could not be read.        *\n"
    "*  hal_entropy_fill() fails; keys and sessions cannot be made.           *\n"
    "**************************************************************************\n";

static void say(const char *s)
{
    hal_console_write(s, strlen(s));
}

static int sh_open(const char *name, uint32_t mode)
{
    const uint32_t block[3] = {(uint32_t)(uintptr_t)name, mode, (uint32_t)strlen(name)};
    return (int)board_sh_call(BOARD_SH_SYS_OPEN, block);
}

static void sh_close(int h)
{
    const uint32_t block[1] = {(uint32_t)h};
    (void)board_sh_call(BOARD_SH_SYS_CLOSE, block);
}

static int sh_read(int h, void *buf, size_t len)
{
    const uint32_t block[3] = {(uint32_t)h, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return board_sh_call(BOARD_SH_SYS_READ, block) == 0 ? 0 : -1;
}

static int sh_write(int h, const void *buf, size_t len)
{
    const uint32_t block[3] = {(uint32_t)h, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return board_sh_call(BOARD_SH_SYS_WRITE, block) == 0 ? 0 : -1;
}

/* mbedTLS f_entropy: exactly @p len bytes from the host, or an error (the DRBG then refuses
 * to seed or reseed, and hal_entropy_fill fails). */
static int host_entropy(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    if (host_random < 0 || sh_read(host_random, out, len) != 0) {
        return -1;
    }
    return 0;
}

static int seed_path(char *buf, size_t size)
{
    const char *flash = board_flash_path();
    size_t n = strlen(flash);
    if (n == 0 || n + sizeof(SEED_SUFFIX) > size) {
        return -1;
    }
    memcpy(buf, flash, n);
    memcpy(buf + n, SEED_SUFFIX, sizeof(SEED_SUFFIX));
    return 0;
}

/* Per-boot personalization: not entropy to count on, but distinct for every boot. */
static size_t personalization(uint8_t *buf, size_t size, const char *seed_file)
{
    size_t n = 0;
    int64_t t = board_clock_boot_utc();
    int h;

    memcpy(buf + n, &t, sizeof(t));
    n += sizeof(t);
    for (uint32_t i = 0; i < JITTER_SAMPLES && n + 4 <= size; i++) {
        /* A semihosting call takes a host-dependent time; SysTick counts through it. */
        (void)board_sh_call(BOARD_SH_SYS_CLOCK, NULL);
        uint32_t c = board_clock_cycles() ^ (hal_clock_ms() << 24);
        memcpy(buf + n, &c, sizeof(c));
        n += sizeof(c);
    }
    if (seed_file != NULL && n + SEED_LEN <= size) {
        h = sh_open(seed_file, BOARD_SH_OPEN_RB);
        if (h >= 0) {
            if (sh_read(h, buf + n, SEED_LEN) == 0) {
                n += SEED_LEN;
            }
            sh_close(h);
        }
    }
    return n;
}

static void save_seed(const char *seed_file)
{
    uint8_t next[SEED_LEN];
    int h;
    if (mbedtls_ctr_drbg_random(&drbg, next, sizeof(next)) != 0) {
        return;
    }
    h = sh_open(seed_file, BOARD_SH_OPEN_WPB);
    if (h >= 0) {
        (void)sh_write(h, next, sizeof(next));
        sh_close(h);
    }
    memset(next, 0, sizeof(next));
}

int board_entropy_init(void)
{
    return board_entropy_init_from(HOST_RANDOM);
}

int board_entropy_init_from(const char *source)
{
    uint8_t pers[8 + 4 * JITTER_SAMPLES + SEED_LEN];
    char seed_file[300];
    int have_seed_file = seed_path(seed_file, sizeof(seed_file)) == 0;
    size_t pers_len;

    say(warning);
    board_entropy_close();
    mbedtls_ctr_drbg_init(&drbg);
    host_random = sh_open(source, BOARD_SH_OPEN_RB);
    pers_len = personalization(pers, sizeof(pers), have_seed_file ? seed_file : NULL);
    if (mbedtls_ctr_drbg_seed(&drbg, host_entropy, NULL, pers, pers_len) != 0) {
        memset(pers, 0, sizeof(pers));
        mbedtls_ctr_drbg_free(&drbg);
        say(unavailable);
        return HAL_EIO;
    }
    memset(pers, 0, sizeof(pers));
    seeded = 1;
    if (have_seed_file) {
        save_seed(seed_file);
    }
    return HAL_OK;
}

void board_entropy_close(void)
{
    if (host_random >= 0) {
        sh_close(host_random);
        host_random = -1;
    }
    if (seeded) {
        mbedtls_ctr_drbg_free(&drbg);
        seeded = 0;
    }
}

int hal_entropy_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    size_t left = len;
    if (!seeded) {
        memset(buf, 0, len);
        return HAL_EIO;
    }
    while (left > 0) {
        size_t n = left < DRBG_MAX_REQ ? left : DRBG_MAX_REQ;
        /* Reseeds from the host source when the DRBG asks for it; if that fails the
         * request fails, and the caller gets an error instead of bytes (the part already
         * produced is wiped, so nobody uses half a key). */
        if (mbedtls_ctr_drbg_random(&drbg, p, n) != 0) {
            memset(buf, 0, len);
            return HAL_EIO;
        }
        p += n;
        left -= n;
    }
    return HAL_OK;
}
