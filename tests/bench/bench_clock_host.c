/* Host clock for the bench programs: CPU time of the thread, or wall time, in nanoseconds
 * (bench_clock.h says why CPU time is the default). */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "bench_clock.h"

static clockid_t clock_id = CLOCK_THREAD_CPUTIME_ID;

void bench_clock_init(bool wall)
{
    clock_id = wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID;
}

uint64_t bench_clock_now(void)
{
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *bench_clock_unit(void)
{
    return "ns";
}

const char *bench_clock_kind(void)
{
    return clock_id == CLOCK_MONOTONIC ? "wall" : "cpu";
}

void bench_stack_mark(void)
{
}

unsigned long bench_stack_used(void)
{
    return 0; /* not measured on the host */
}
