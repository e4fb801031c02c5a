/*
 * Time on mps2-an385.
 *
 * Monotonic milliseconds come from CMSDK APB Timer0 (0x40000000), a 32-bit down counter on
 * the 25 MHz APB clock (QEMU hw/arm/mps2.c SYSCLK), free running from 0xFFFFFFFF. Every
 * reading folds the cycles elapsed since the previous one into a 64-bit count, so the
 * clock is exact as long as it is read at least once per wrap (171 s); the SysTick
 * exception reads it every millisecond, and the superloop far more often.
 *
 * SysTick (processor clock, also 25 MHz) interrupts every 1 ms. It is the board's tick:
 * it keeps the count folded and wakes the core from WFI when the superloop idles. It is
 * not the time base, because interrupts get lost under QEMU: when the host is busy QEMU
 * runs the emulated core late, several expired periods collapse into one pending SysTick,
 * and a count of interrupts falls behind. Measured on a loaded 2-core host: 2000 SysTick
 * interrupts took 2.9 to 3.6 s of wall time. A counter read on demand cannot lose time.
 * tests/qemu/test_board.c checks both clocks against the host's wall clock.
 *
 * UTC: the board has no battery-backed RTC; under QEMU the host clock plays that part. At
 * boot board_clock_init() reads it once with semihosting SYS_TIME and from then on UTC runs
 * from the monotonic count. hal_clock_set_utc() (SNTP, an admin) replaces the base.
 */
#include "board_priv.h"

#include "hal/hal_clock.h"
#include "hal/hal_err.h"

#define CYCLES_PER_MS (BOARD_SYSCLK_HZ / 1000u)
#define SYST_ENABLE   (1u << 0)
#define SYST_TICKINT  (1u << 1)
#define SYST_CPUCLK   (1u << 2)

#define TIMER0_CTRL   BOARD_REG32(0x40000000u)
#define TIMER0_VALUE  BOARD_REG32(0x40000004u)
#define TIMER0_RELOAD BOARD_REG32(0x40000008u)
#define TIMER_ENABLE  (1u << 0)

void board_systick_isr(void);

static uint64_t cycles; /* APB clock cycles since board_clock_init */
static uint32_t last_value;
static volatile uint32_t systick_count;
static int64_t utc_base_s;   /* UTC at utc_base_ms */
static uint64_t utc_base_ms; /* monotonic ms when utc_base_s was taken */
static int utc_known;
static int64_t boot_utc_s = -1;
static int64_t test_offset_s; /* hal_clock_set_test_offset: on top of whatever UTC is */

static uint32_t mask_irq(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}

static void unmask_irq(uint32_t primask)
{
    /* Restore the previous mask rather than enable blindly. */
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

/* Fold the cycles since the last reading into the 64-bit count. The SysTick handler does
 * it too, so the thread-mode caller masks it for the read-modify-write. */
static uint64_t fold(void)
{
    uint32_t primask = mask_irq();
    uint32_t v = TIMER0_VALUE;
    cycles += (uint32_t)(last_value - v); /* down counter; modulo 2^32 across the wrap */
    last_value = v;
    uint64_t c = cycles;
    unmask_irq(primask);
    return c;
}

void board_systick_isr(void)
{
    systick_count = systick_count + 1u;
    (void)fold();
}

void board_clock_init(void)
{
    TIMER0_CTRL = 0;
    TIMER0_RELOAD = 0xFFFFFFFFu;
    TIMER0_VALUE = 0xFFFFFFFFu;
    last_value = 0xFFFFFFFFu;
    cycles = 0;
    TIMER0_CTRL = TIMER_ENABLE;

    BOARD_SYST_CSR = 0;
    BOARD_SYST_RVR = CYCLES_PER_MS - 1u;
    BOARD_SYST_CVR = 0;
    BOARD_SYST_CSR = SYST_ENABLE | SYST_TICKINT | SYST_CPUCLK;

    boot_utc_s = board_sh_time();
    utc_known = 0;
    if (boot_utc_s > 0) {
        utc_base_s = boot_utc_s;
        utc_base_ms = board_clock_ms64();
        utc_known = 1;
    }
}

int64_t board_clock_boot_utc(void)
{
    return boot_utc_s;
}

uint32_t board_clock_cycles(void)
{
    return TIMER0_VALUE ^ BOARD_SYST_CVR;
}

uint32_t board_clock_systicks(void)
{
    return systick_count;
}

uint64_t board_clock_ms64(void)
{
    return fold() / CYCLES_PER_MS;
}

uint32_t hal_clock_ms(void)
{
    return (uint32_t)board_clock_ms64();
}

int hal_clock_utc(int64_t *unix_s)
{
    if (!utc_known) {
        return HAL_ENODATA;
    }
    *unix_s = utc_base_s + (int64_t)((board_clock_ms64() - utc_base_ms) / 1000u) + test_offset_s;
    return HAL_OK;
}

int hal_clock_set_test_offset(int64_t offset_s)
{
    /* An emulated board is a test board: the offset moves the UTC it reports (expiry and
     * skew tests) without touching the host clock, and survives hal_clock_set_utc. */
    test_offset_s = offset_s;
    return HAL_OK;
}

int hal_clock_set_utc(int64_t unix_s)
{
    if (unix_s <= 0) {
        return HAL_EINVAL;
    }
    /* SNTP and admins set the true time; a test offset stays on top of it (a sync corrects
     * the clock, it does not undo the time travel a test asked for). */
    utc_base_ms = board_clock_ms64();
    utc_base_s = unix_s;
    utc_known = 1;
    return HAL_OK;
}
