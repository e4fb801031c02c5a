/*
 * Cortex-M3 (QEMU mps2-an385) clock for the bench programs: instructions executed.
 *
 * Under `qemu-system-arm -icount shift=0` QEMU's virtual clock advances by exactly 1 ns per
 * instruction (2^shift ns), and the CMSDK APB Timer0 (25 MHz APB clock) decrements once
 * every 40 ns of virtual time, i.e. once per 40 instructions. Timer0 is read directly
 * (bench programs do not run the board's clock, so no SysTick interrupt adds instructions
 * of its own) and folded into 64 bits at every reading; a single interval may not exceed
 * one wrap (2^32 ticks, 171 G instructions). bench_latchkey --calibrate checks the scale
 * on a loop of known length. DWT CYCCNT would be the obvious counter, but QEMU 7.2 does not
 * model the DWT for the M3.
 */
#include <stddef.h>

#include "bench_clock.h"

/* The stack region of boards/qemu-mps2-an385/mps2_an385.ld. */
extern uint32_t __stack[];
extern uint32_t __stack_limit__[];
#define PAINT 0x5AC3E1F0u

#define TIMER0_CTRL   (*(volatile uint32_t *)0x40000000u)
#define TIMER0_VALUE  (*(volatile uint32_t *)0x40000004u)
#define TIMER0_RELOAD (*(volatile uint32_t *)0x40000008u)
#define INSN_PER_TICK 40u /* 1 GHz of icount time over the 25 MHz timer clock */

static uint64_t ticks;
static uint32_t last;

void bench_clock_init(bool wall)
{
    (void)wall;
    TIMER0_CTRL = 0;
    TIMER0_RELOAD = 0xFFFFFFFFu;
    TIMER0_VALUE = 0xFFFFFFFFu;
    last = 0xFFFFFFFFu;
    ticks = 0;
    TIMER0_CTRL = 1u;
}

uint64_t bench_clock_now(void)
{
    uint32_t v = TIMER0_VALUE;
    ticks += (uint32_t)(last - v); /* down counter, modulo 2^32 across a wrap */
    last = v;
    return ticks * INSN_PER_TICK;
}

const char *bench_clock_unit(void)
{
    return "insn";
}

const char *bench_clock_kind(void)
{
    return "icount";
}

void bench_stack_mark(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    /* Below the current frame, with a margin for this function's own. */
    for (volatile uint32_t *p = __stack_limit__; p < sp - 16;) {
        *p++ = PAINT;
    }
}

unsigned long bench_stack_used(void)
{
    const uint32_t *p = __stack_limit__;
    while (p < __stack && *p == PAINT) {
        p++;
    }
    return (unsigned long)((uintptr_t)__stack - (uintptr_t)p);
}
