/* Host clock for the bench programs: CLOCK_MONOTONIC, nanoseconds (bench_clock.h). */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "bench_clock.h"

void bench_clock_init(void)
{
}

uint64_t bench_clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *bench_clock_unit(void)
{
    return "ns";
}

void bench_stack_mark(void)
{
}

unsigned long bench_stack_used(void)
{
    return 0; /* not measured on the host */
}
