/* RAM flash with NOR rules and power cuts: see fake_flash.h. */
#include "fake_flash.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hal/hal_err.h"
#include "hal/hal_flash.h"

static uint8_t mem[FAKE_FLASH_MAX];
static struct hal_flash_info info;
static uint32_t ops, cut_at, violations;
static bool dead;

void fake_flash_setup(uint32_t size, uint32_t sector_size, uint32_t prog_size)
{
    info.size = size;
    info.sector_size = sector_size;
    info.prog_size = prog_size;
    info.erase_value = 0xFF;
    memset(mem, 0xFF, sizeof(mem));
    ops = cut_at = violations = 0;
    dead = false;
}

void fake_flash_cut_after(uint32_t n)
{
    cut_at = n;
    ops = 0;
}

void fake_flash_power_on(void)
{
    dead = false;
    cut_at = 0;
    ops = 0;
}

uint32_t fake_flash_ops(void)
{
    return ops;
}

uint8_t *fake_flash_mem(void)
{
    return mem;
}

uint32_t fake_flash_violations(void)
{
    return violations;
}

int hal_flash_info(struct hal_flash_info *out)
{
    *out = info;
    return HAL_OK;
}

static bool in_range(uint32_t off, size_t len)
{
    return off <= info.size && len <= info.size - off;
}

int hal_flash_read(uint32_t off, void *buf, size_t len)
{
    if (dead) {
        return HAL_EIO;
    }
    if (!in_range(off, len)) {
        return HAL_EINVAL;
    }
    memcpy(buf, mem + off, len);
    return HAL_OK;
}

int hal_flash_prog(uint32_t off, const void *buf, size_t len)
{
    const uint8_t *src = buf;
    size_t i, n = len;
    if (dead) {
        return HAL_EIO;
    }
    if (!in_range(off, len) || off % info.prog_size != 0 || len % info.prog_size != 0) {
        violations++;
        fprintf(stderr, "fake_flash: misaligned program 0x%x+%zu\n", (unsigned)off, len);
        return HAL_EINVAL;
    }
    for (i = 0; i < len; i++) {
        if ((mem[off + i] & src[i]) != src[i]) {
            violations++;
            fprintf(stderr, "fake_flash: program sets bits at 0x%x\n", (unsigned)(off + i));
            return HAL_EINVAL;
        }
    }
    ops++;
    if (cut_at != 0 && ops == cut_at) {
        n = (len / info.prog_size / 2) * info.prog_size;
        dead = true;
    }
    for (i = 0; i < n; i++) {
        mem[off + i] &= src[i];
    }
    if (dead) {
        /* the unit caught mid-program: some bits only */
        for (i = n; i < len && i < n + info.prog_size; i++) {
            mem[off + i] &= (uint8_t)(src[i] | 0x5A);
        }
        return HAL_EIO;
    }
    return HAL_OK;
}

int hal_flash_erase(uint32_t off)
{
    if (dead) {
        return HAL_EIO;
    }
    if (off >= info.size || off % info.sector_size != 0) {
        violations++;
        return HAL_EINVAL;
    }
    ops++;
    if (cut_at != 0 && ops == cut_at) {
        memset(mem + off, 0xFF, info.sector_size / 2);
        dead = true;
        return HAL_EIO;
    }
    memset(mem + off, 0xFF, info.sector_size);
    return HAL_OK;
}
