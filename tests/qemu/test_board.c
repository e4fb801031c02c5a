/*
 * The QEMU mps2-an385 board's HAL, run under the emulator: the SysTick clock measured
 * against host time, UTC from semihosting, the flash file with NOR rules, the entropy
 * contract (fails closed, never weak bytes), and the linker-script bounds of heap and stack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_priv.h"
#include "hal/hal_board.h"
#include "hal/hal_clock.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "hal/hal_flash.h"
#include "harness.h"

#define SECTOR     32768u
#define FLASH_SIZE 65536u
#define MAGIC      0x4C4B5231u /* "LKR1" */

static const char *test_file(const char *name)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", LK_QEMU_TEST_DIR, name);
    return path;
}

static int fresh_flash(const char *name)
{
    const char *path = test_file(name);
    char seed[520];
    snprintf(seed, sizeof(seed), "%s.seed", path);
    remove(path);
    remove(seed);
    return board_flash_init(path);
}

static int all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) {
            return 0;
        }
    }
    return 1;
}

/* Host wall clock in centiseconds since QEMU started: semihosting SYS_ELAPSED (ticks of
 * SYS_TICKFREQ). Not SYS_CLOCK: QEMU answers that with its own CPU time, which falls
 * behind the wall clock whenever the host is busy. */
static uint32_t host_cs(void)
{
    uint32_t ticks[2] = {0, 0};
    uint32_t freq = (uint32_t)board_sh_call(0x31u, NULL);
    if (board_sh_call(0x30u, ticks) != 0 || freq < 100u) {
        return 0;
    }
    uint64_t t = (uint64_t)ticks[1] << 32 | ticks[0];
    return (uint32_t)(t / (freq / 100u));
}

TEST_CASE(entropy_unseeded_fails_closed)
{
    uint8_t buf[16];
    memset(buf, 0xAA, sizeof(buf));
    /* Before board init the source has no seed: an error, and no bytes left behind. */
    TEST_EQ(hal_entropy_fill(buf, sizeof(buf)), HAL_EIO);
    TEST_TRUE(all_bytes(buf, sizeof(buf), 0));
}

TEST_CASE(clock_follows_host_wall_clock)
{
    uint32_t ms0, cs0, ms, cs, ticks0;
    board_clock_init();
    /* Start on a centisecond edge so the host measurement is not off by one. */
    cs0 = host_cs();
    while (host_cs() == cs0) {
    }
    cs0 = host_cs();
    ms0 = hal_clock_ms();
    ticks0 = board_clock_systicks();
    while ((uint32_t)(hal_clock_ms() - ms0) < 2000u) {
    }
    cs = host_cs();
    ms = hal_clock_ms();
    printf("    2000 ms of board clock = %lu cs of host wall time (%lu SysTick interrupts)\n",
           (unsigned long)(cs - cs0), (unsigned long)(board_clock_systicks() - ticks0));
    /* 25 MHz APB clock / 25000 per ms: 2 s of board time is 200 cs of host time, however
     * busy the host is. A wrong clock assumption (the 1 MHz reference clock, or 50 MHz)
     * would be off by far more. */
    TEST_TRUE(cs - cs0 >= 195u && cs - cs0 <= 215u);
    TEST_TRUE(ms - ms0 >= 2000u);
}

/* Read Timer0 and SysTick as close together as the emulator allows: retry until two
 * Timer0 readings around the SysTick one are within 100 us (the host may deschedule QEMU
 * between any two instructions). */
static int sample(uint32_t *timer, uint32_t *systick)
{
    for (int i = 0; i < 1000; i++) {
        uint32_t a = BOARD_REG32(0x40000004u);
        uint32_t s = BOARD_SYST_CVR;
        uint32_t b = BOARD_REG32(0x40000004u);
        if (a - b < 2500u) {
            *timer = a;
            *systick = s;
            return 0;
        }
    }
    return -1;
}

TEST_CASE(systick_counts_the_25mhz_cpu_clock)
{
    uint32_t t0, s0, t1, s1;
    board_clock_init();
    /* SysTick free running over its full 24 bits, no interrupt, on the CPU clock. */
    BOARD_SYST_CSR = 0;
    BOARD_SYST_RVR = 0xFFFFFFu;
    BOARD_SYST_CVR = 0;
    BOARD_SYST_CSR = (1u << 0) | (1u << 2);
    TEST_OK(sample(&t0, &s0));
    do {
        TEST_OK(sample(&t1, &s1));
    } while (t0 - t1 < 2500000u); /* 100 ms of the 25 MHz APB timer */
    uint32_t dt = t0 - t1, ds = (s0 - s1) & 0xFFFFFFu;
    printf("    APB timer %lu cycles, SysTick %lu cycles\n", (unsigned long)dt, (unsigned long)ds);
    /* Same clock: within 1% (the 1 MHz SysTick reference clock would give 4%). */
    TEST_TRUE(ds > dt - dt / 100u && ds < dt + dt / 100u);
    board_clock_init();
}

TEST_CASE(utc_from_host_and_settable)
{
    int64_t utc = 0;
    board_clock_init();
    TEST_OK(hal_clock_utc(&utc));
    /* The board's trusted time source is the host clock at boot (SYS_TIME). */
    int64_t host = board_sh_time();
    TEST_TRUE(utc >= host - 2 && utc <= host + 2);
    TEST_TRUE(utc > 1700000000);
    TEST_OK(hal_clock_set_utc(2000000000));
    TEST_OK(hal_clock_utc(&utc));
    TEST_TRUE(utc >= 2000000000 && utc <= 2000000001);
    TEST_EQ(hal_clock_set_utc(0), HAL_EINVAL);
    TEST_EQ(hal_clock_set_utc(-5), HAL_EINVAL);
}

TEST_CASE(flash_geometry)
{
    struct hal_flash_info info;
    TEST_OK(fresh_flash("geometry.bin"));
    TEST_OK(hal_flash_info(&info));
    TEST_EQ(info.size, FLASH_SIZE);
    TEST_EQ(info.sector_size, SECTOR);
    TEST_EQ(info.prog_size, 4);
    TEST_EQ(info.erase_value, 0xFF);
    /* The partition the HAL serves is the one the linker script reserves. */
    TEST_EQ((uintptr_t)__config_start__, 0x003F0000u);
    TEST_EQ((uintptr_t)(__config_end__ - __config_start__), FLASH_SIZE);
}

TEST_CASE(flash_new_part_is_erased)
{
    static uint8_t buf[FLASH_SIZE];
    TEST_OK(fresh_flash("new.bin"));
    memset(buf, 0, sizeof(buf));
    TEST_OK(hal_flash_read(0, buf, sizeof(buf)));
    TEST_TRUE(all_bytes(buf, sizeof(buf), 0xFF));
}

TEST_CASE(flash_nor_rules)
{
    uint8_t a[8] = {0x0F, 0xF0, 0x00, 0xFF, 0x12, 0x34, 0x56, 0x78};
    uint8_t b[8] = {0x0E, 0xF0, 0x00, 0xFF, 0x12, 0x34, 0x56, 0x70};   /* only clears bits */
    uint8_t bad[8] = {0x1F, 0xF0, 0x00, 0xFF, 0x12, 0x34, 0x56, 0x78}; /* sets bit 4 of [0] */
    uint8_t r[8];
    TEST_OK(fresh_flash("nor.bin"));
    TEST_OK(hal_flash_prog(64, a, sizeof(a)));
    TEST_OK(hal_flash_read(64, r, sizeof(r)));
    TEST_MEM_EQ(r, a, sizeof(a));
    /* Programming again may clear more bits ... */
    TEST_OK(hal_flash_prog(64, b, sizeof(b)));
    TEST_OK(hal_flash_read(64, r, sizeof(r)));
    TEST_MEM_EQ(r, b, sizeof(b));
    /* ... but never set one: refused, and nothing written. */
    TEST_EQ(hal_flash_prog(64, bad, sizeof(bad)), HAL_EINVAL);
    TEST_OK(hal_flash_read(64, r, sizeof(r)));
    TEST_MEM_EQ(r, b, sizeof(b));
    /* Erase works per sector: sector 0 back to 0xFF, sector 1 untouched. */
    TEST_OK(hal_flash_prog(SECTOR + 8, a, sizeof(a)));
    TEST_OK(hal_flash_erase(0));
    TEST_OK(hal_flash_read(64, r, sizeof(r)));
    TEST_TRUE(all_bytes(r, sizeof(r), 0xFF));
    TEST_OK(hal_flash_read(SECTOR + 8, r, sizeof(r)));
    TEST_MEM_EQ(r, a, sizeof(a));
    TEST_OK(hal_flash_erase(SECTOR));
    TEST_OK(hal_flash_read(SECTOR + 8, r, sizeof(r)));
    TEST_TRUE(all_bytes(r, sizeof(r), 0xFF));
}

TEST_CASE(flash_rejects_bad_arguments)
{
    uint8_t r[8] = {0};
    TEST_OK(fresh_flash("args.bin"));
    TEST_EQ(hal_flash_prog(2, r, 4), HAL_EINVAL);          /* misaligned offset */
    TEST_EQ(hal_flash_prog(4, r, 3), HAL_EINVAL);          /* partial program unit */
    TEST_EQ(hal_flash_prog(FLASH_SIZE, r, 4), HAL_EINVAL); /* past the end */
    TEST_EQ(hal_flash_prog(FLASH_SIZE - 4, r, 8), HAL_EINVAL);
    TEST_EQ(hal_flash_read(FLASH_SIZE - 4, r, 8), HAL_EINVAL);
    TEST_EQ(hal_flash_read(0xFFFFFFFCu, r, 8), HAL_EINVAL); /* offset + len wraps */
    TEST_EQ(hal_flash_erase(4096), HAL_EINVAL);             /* not a sector boundary */
    TEST_EQ(hal_flash_erase(FLASH_SIZE), HAL_EINVAL);
    TEST_OK(hal_flash_read(FLASH_SIZE - 8, r, 8));
    TEST_OK(hal_flash_read(FLASH_SIZE, r, 0));
}

TEST_CASE(flash_refuses_foreign_file)
{
    FILE *f = fopen(test_file("foreign.bin"), "wb");
    TEST_TRUE(f != NULL);
    TEST_EQ(fwrite("not a flash image", 1, 17, f), 17);
    fclose(f);
    /* A file of another size is not this board's flash: refused, not reinterpreted. */
    TEST_EQ(board_flash_init(test_file("foreign.bin")), HAL_EIO);
    uint8_t r[4];
    TEST_EQ(hal_flash_read(0, r, 4), HAL_EIO);
}

TEST_CASE(entropy_contract)
{
    static uint8_t big[5000];
    uint8_t a[64], b[64];
    unsigned bits = 0;
    TEST_OK(fresh_flash("entropy.bin"));
    TEST_OK(board_entropy_init());
    TEST_OK(hal_entropy_fill(a, sizeof(a)));
    TEST_OK(hal_entropy_fill(b, sizeof(b)));
    TEST_TRUE(memcmp(a, b, sizeof(a)) != 0);
    /* Longer than one DRBG request (1024 bytes). */
    TEST_OK(hal_entropy_fill(big, sizeof(big)));
    for (size_t i = 0; i < 4096; i++) {
        bits += (unsigned)__builtin_popcount(big[i]);
    }
    /* 32768 fair bits: mean 16384, sigma 90.5; +-600 is beyond 6 sigma. */
    TEST_TRUE(bits > 16384u - 600u && bits < 16384u + 600u);
    TEST_TRUE(memcmp(big, big + 1024, 1024) != 0);
    /* A closed source fails closed and wipes the buffer. */
    board_entropy_close();
    memset(a, 0x55, sizeof(a));
    TEST_EQ(hal_entropy_fill(a, sizeof(a)), HAL_EIO);
    TEST_TRUE(all_bytes(a, sizeof(a), 0));
}

TEST_CASE(entropy_without_host_source_fails_closed)
{
    uint8_t a[32];
    TEST_OK(fresh_flash("nosource.bin"));
    /* Time, SysTick jitter and the seed file alone are predictable: without the host's
     * random source the board refuses to produce bytes at all. */
    TEST_EQ(board_entropy_init_from("/nonexistent/latchkey-random"), HAL_EIO);
    memset(a, 0x55, sizeof(a));
    TEST_EQ(hal_entropy_fill(a, sizeof(a)), HAL_EIO);
    TEST_TRUE(all_bytes(a, sizeof(a), 0));
    /* A source that opens but gives nothing (an empty file) fails the same way. */
    FILE *f = fopen(test_file("empty-random"), "wb");
    TEST_TRUE(f != NULL);
    fclose(f);
    TEST_EQ(board_entropy_init_from(test_file("empty-random")), HAL_EIO);
    TEST_EQ(hal_entropy_fill(a, sizeof(a)), HAL_EIO);
}

TEST_CASE(entropy_seed_file_changes_every_boot)
{
    uint8_t s1[32], s2[32];
    char seed[520];
    FILE *f;
    TEST_OK(fresh_flash("seed.bin"));
    snprintf(seed, sizeof(seed), "%s.seed", test_file("seed.bin"));
    TEST_OK(board_entropy_init());
    f = fopen(seed, "rb");
    TEST_TRUE(f != NULL);
    TEST_EQ(fread(s1, 1, sizeof(s1), f), sizeof(s1));
    fclose(f);
    TEST_OK(board_entropy_init());
    f = fopen(seed, "rb");
    TEST_TRUE(f != NULL);
    TEST_EQ(fread(s2, 1, sizeof(s2), f), sizeof(s2));
    fclose(f);
    TEST_TRUE(memcmp(s1, s2, sizeof(s1)) != 0);
    board_entropy_close();
}

TEST_CASE(heap_and_stack_are_bounded)
{
    /* The heap ends where the linker script says: a request beyond it fails. */
    void *p = malloc((size_t)(__heap_end__ - __heap_start__) + 1u);
    TEST_TRUE(p == NULL);
    p = malloc(1u << 20);
    TEST_TRUE(p != NULL);
    TEST_TRUE((char *)p >= __heap_start__ && (char *)p + (1u << 20) <= __heap_end__);
    free(p);
    size_t peak = board_stack_peak();
    printf("    stack high-water mark: %lu bytes\n", (unsigned long)peak);
    TEST_TRUE(peak > 0 && peak < (size_t)((char *)__stack - (char *)__stack_limit__));
}

/* Fixture pair (see CMakeLists.txt): one emulator writes, the next one reads. */
TEST_CASE(persist_write)
{
    uint32_t v[4] = {MAGIC, 0, 0, 0};
    TEST_OK(board_flash_init(test_file("persist.bin")));
    TEST_OK(board_entropy_init());
    TEST_OK(hal_entropy_fill(&v[1], 12));
    TEST_OK(hal_flash_erase(SECTOR));
    TEST_OK(hal_flash_prog(SECTOR + 256, v, sizeof(v)));
}

TEST_CASE(persist_check)
{
    uint32_t v[4], mine[3];
    TEST_OK(board_flash_init(test_file("persist.bin")));
    TEST_OK(hal_flash_read(SECTOR + 256, v, sizeof(v)));
    TEST_EQ(v[0], MAGIC);
    /* A new boot has a new entropy state: it does not repeat the previous boot's bytes. */
    TEST_OK(board_entropy_init());
    TEST_OK(hal_entropy_fill(mine, sizeof(mine)));
    TEST_TRUE(memcmp(mine, &v[1], sizeof(mine)) != 0);
}

TEST_CASE(reset_reboots)
{
    uint32_t v[2];
    TEST_OK(board_flash_init(test_file("reset.bin")));
    TEST_OK(hal_flash_read(SECTOR, v, sizeof(v)));
    if (v[0] == 0xFFFFFFFFu) {
        v[0] = MAGIC;
        v[1] = hal_clock_ms();
        TEST_OK(hal_flash_prog(SECTOR, v, sizeof(v)));
        printf("    first boot: wrote the marker, resetting\n");
        fflush(stdout);
        hal_board_reset();
    }
    /* Second boot, same emulator: the marker came through the reset. */
    TEST_EQ(v[0], MAGIC);
    printf("    second boot: marker found after reset\n");
    TEST_OK(hal_flash_erase(SECTOR));
}

static const struct lk_test_case cases[] = {
    LK_CASE(entropy_unseeded_fails_closed),
    LK_CASE(clock_follows_host_wall_clock),
    LK_CASE(systick_counts_the_25mhz_cpu_clock),
    LK_CASE(utc_from_host_and_settable),
    LK_CASE(flash_geometry),
    LK_CASE(flash_new_part_is_erased),
    LK_CASE(flash_nor_rules),
    LK_CASE(flash_rejects_bad_arguments),
    LK_CASE(flash_refuses_foreign_file),
    LK_CASE(entropy_contract),
    LK_CASE(entropy_without_host_source_fails_closed),
    LK_CASE(entropy_seed_file_changes_every_boot),
    LK_CASE(heap_and_stack_are_bounded),
};

static const struct lk_test_case fixture_cases[] = {
    LK_CASE(persist_write),
    LK_CASE(persist_check),
    LK_CASE(reset_reboots),
};

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (size_t i = 0; i < sizeof(fixture_cases) / sizeof(fixture_cases[0]); i++) {
            if (strcmp(argv[1], fixture_cases[i].name) == 0) {
                return lk_test_run(fixture_cases, 3, argc, argv);
            }
        }
    }
    return lk_test_run(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
