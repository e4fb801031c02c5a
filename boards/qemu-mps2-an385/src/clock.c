/*
 * Time on mps2-an385.
 *
 * Monotonic milliseconds: SysTick on the 25 MHz processor clock (QEMU hw/arm/mps2.c SYSCLK,
 * checked against host time by tests/qemu/test_board.c) reloads every 1 ms and its exception
 * counts a 64-bit tick. SysTick is a core exception, not an NVIC interrupt, so this is the
 * one interrupt the board takes; everything else is polled from the superloop.
 *
 * UTC: the board has no battery-backed RTC; under QEMU the host clock plays that part. At
 * boot board_clock_init() reads it once with semihosting SYS_TIME and from then on UTC runs
 * from the tick. hal_clock_set_utc() (SNTP, an admin) replaces the base.
 */
#include "board_priv.h"

#include "hal/hal_clock.h"
#include "hal/hal_err.h"

#define TICKS_PER_MS (BOARD_SYSCLK_HZ / 1000u)
#define SYST_ENABLE  (1u << 0)
#define SYST_TICKINT (1u << 1)
#define SYST_CPUCLK  (1u << 2)

void board_systick_isr(void);

static volatile uint64_t ticks_ms;
static int64_t utc_base_s;   /* UTC at utc_base_ms */
static uint64_t utc_base_ms; /* tick when utc_base_s was taken */
static int utc_known;
static int64_t boot_utc_s = -1;

static uint64_t now_ms64(void)
{
    /* A 64-bit read is two loads; mask the SysTick exception so it cannot land between
     * them, and restore the previous mask (PRIMASK) rather than enabling blindly. */
    uint32_t primask;
    uint64_t v;
    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    v = ticks_ms;
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
    return v;
}

void board_systick_isr(void)
{
    ticks_ms = ticks_ms + 1u;
}

void board_clock_init(void)
{
    BOARD_SYST_CSR = 0;
    BOARD_SYST_RVR = TICKS_PER_MS - 1u;
    BOARD_SYST_CVR = 0;
    BOARD_SYST_CSR = SYST_ENABLE | SYST_TICKINT | SYST_CPUCLK;

    boot_utc_s = board_sh_time();
    if (boot_utc_s > 0) {
        utc_base_s = boot_utc_s;
        utc_base_ms = now_ms64();
        utc_known = 1;
    }
}

int64_t board_clock_boot_utc(void)
{
    return boot_utc_s;
}

uint32_t board_clock_cycles(void)
{
    return BOARD_SYST_CVR;
}

uint32_t hal_clock_ms(void)
{
    return (uint32_t)now_ms64();
}

int hal_clock_utc(int64_t *unix_s)
{
    if (!utc_known) {
        return HAL_ENODATA;
    }
    *unix_s = utc_base_s + (int64_t)((now_ms64() - utc_base_ms) / 1000u);
    return HAL_OK;
}

int hal_clock_set_utc(int64_t unix_s)
{
    if (unix_s <= 0) {
        return HAL_EINVAL;
    }
    utc_base_ms = now_ms64();
    utc_base_s = unix_s;
    utc_known = 1;
    return HAL_OK;
}
