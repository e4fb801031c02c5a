/*
 * The bench programs' clock: one reading function per platform.
 *
 * Host (bench_clock_host.c): nanoseconds of CPU time of the calling thread
 * (CLOCK_THREAD_CPUTIME_ID), or of wall time (CLOCK_MONOTONIC) on request. CPU time is the
 * default because the bench machine is shared: a validation preempted by another process
 * is charged only what it ran, so long operations (an RSA private-key operation spans
 * several scheduler slices) are not inflated by the load while short ones slip between
 * preemptions. On an idle machine the two agree.
 * Cortex-M3 under QEMU (bench_clock_m3.c): instructions executed. Under
 * `qemu-system-arm -icount shift=0` every instruction advances QEMU's virtual clock by
 * exactly 1 ns, so the board's 25 MHz CMSDK APB Timer0 ticks once per 40 instructions; the
 * reading is ticks x 40 (resolution 40 instructions), deterministic from run to run.
 */
#ifndef LK_BENCH_CLOCK_H
#define LK_BENCH_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/** Start the clock (the M3 timer is not running until then). @p wall: the host measures
 *  wall time instead of CPU time (ignored on the M3). */
void bench_clock_init(bool wall);
/** Now, in bench_clock_unit() units, monotonic. */
uint64_t bench_clock_now(void);
/** "ns" on the host, "insn" on the M3. */
const char *bench_clock_unit(void);
/** "cpu" or "wall" on the host, "icount" on the M3. */
const char *bench_clock_kind(void);

/** Paint the unused stack (M3; no-op on the host) so that bench_stack_used() can tell how
 *  deep the code run after it went. */
void bench_stack_mark(void);
/** Bytes of stack in use at the deepest point since bench_stack_mark() (from the top of the
 *  stack, so the caller's own frames are included), 0 if not measured (host). */
unsigned long bench_stack_used(void);

#endif
