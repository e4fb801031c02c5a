/*
 * Host entropy: the kernel's CSPRNG through getrandom(2), which blocks only until the
 * pool is initialised at boot. Never falls back to anything weaker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

#include "hal/hal_entropy.h"
#include "hal/hal_err.h"

int hal_entropy_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return HAL_EIO;
        }
        p += n;
        len -= (size_t)n;
    }
    return HAL_OK;
}
