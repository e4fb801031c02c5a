/*
 * The config partition (hal_flash.h) of mps2-an385: 2 sectors of 32 KB at 0x003F0000 in the
 * partition map (mps2_an385.ld), stored in a host file that QEMU opens for us through
 * semihosting (SYS_OPEN/SEEK/READ/WRITE/FLEN). QEMU writes straight through to the file, so
 * the config survives a warm reset (hal_board_reset), a restart of the emulator and a kill.
 *
 * NOR rules, the same as the host board's (boards/host/flash.c), so that code that passes
 * there passes here and on a real part:
 *   - erase works on whole 32 KB sectors and sets them to 0xFF;
 *   - program is aligned to 4 bytes, may only clear bits, and refuses (HAL_EINVAL, nothing
 *     written) a program that would set a bit back to 1;
 *   - a new (empty) file is a new part: it comes erased.
 * The file is not locked (semihosting cannot): run one emulator per flash file.
 */
#include "board_priv.h"

#include <string.h>

#include "hal/hal_err.h"
#include "hal/hal_flash.h"

#define FLASH_PROG  4u
#define CHUNK       256u
#define PATH_MAX_SZ 256u

static int handle = -1;
static char path[PATH_MAX_SZ];

static uint32_t flash_size(void)
{
    return (uint32_t)(__config_end__ - __config_start__);
}

static uint32_t sector_size(void)
{
    return (uint32_t)(uintptr_t)__config_sector_size__;
}

static int sh_open(const char *name, uint32_t mode)
{
    const uint32_t block[3] = {(uint32_t)(uintptr_t)name, mode, (uint32_t)strlen(name)};
    return (int)board_sh_call(BOARD_SH_SYS_OPEN, block);
}

static int sh_seek(uint32_t off)
{
    const uint32_t block[2] = {(uint32_t)handle, off};
    return board_sh_call(BOARD_SH_SYS_SEEK, block) == 0 ? HAL_OK : HAL_EIO;
}

/* SYS_READ and SYS_WRITE return the number of bytes *not* transferred: 0 is success. */
static int file_read(uint32_t off, void *buf, size_t len)
{
    const uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    if (sh_seek(off) != HAL_OK) {
        return HAL_EIO;
    }
    return board_sh_call(BOARD_SH_SYS_READ, block) == 0 ? HAL_OK : HAL_EIO;
}

static int file_write(uint32_t off, const void *buf, size_t len)
{
    const uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    if (sh_seek(off) != HAL_OK) {
        return HAL_EIO;
    }
    return board_sh_call(BOARD_SH_SYS_WRITE, block) == 0 ? HAL_OK : HAL_EIO;
}

static int fill_erased(uint32_t off, uint32_t len)
{
    uint8_t ff[CHUNK];
    memset(ff, 0xFF, sizeof(ff));
    for (uint32_t done = 0; done < len; done += CHUNK) {
        uint32_t n = len - done < CHUNK ? len - done : CHUNK;
        if (file_write(off + done, ff, n) != HAL_OK) {
            return HAL_EIO;
        }
    }
    return HAL_OK;
}

const char *board_flash_path(void)
{
    return path;
}

int board_flash_init(const char *name)
{
    uint32_t block[1];
    int len;

    if (name == NULL) {
        name = BOARD_FLASH_DEFAULT_PATH;
    }
    if (strlen(name) >= sizeof(path)) {
        return HAL_EINVAL;
    }
    strcpy(path, name);
    if (handle >= 0) {
        block[0] = (uint32_t)handle;
        (void)board_sh_call(BOARD_SH_SYS_CLOSE, block);
        handle = -1;
    }
    /* "r+b" keeps an existing file; only a missing one is created ("w+b"). */
    handle = sh_open(path, BOARD_SH_OPEN_RPB);
    if (handle < 0) {
        handle = sh_open(path, BOARD_SH_OPEN_WPB);
    }
    if (handle < 0) {
        return HAL_EIO;
    }
    block[0] = (uint32_t)handle;
    len = (int)board_sh_call(BOARD_SH_SYS_FLEN, block);
    if (len == 0) {
        /* A new part comes erased. */
        if (fill_erased(0, flash_size()) != HAL_OK) {
            goto fail;
        }
    } else if (len != (int)flash_size()) {
        /* Not a flash image of this board (or a truncated one): refuse rather than guess
         * which bytes are the config. */
        goto fail;
    }
    return HAL_OK;
fail:
    block[0] = (uint32_t)handle;
    (void)board_sh_call(BOARD_SH_SYS_CLOSE, block);
    handle = -1;
    return HAL_EIO;
}

void board_flash_close(void)
{
    if (handle >= 0) {
        const uint32_t block[1] = {(uint32_t)handle};
        (void)board_sh_call(BOARD_SH_SYS_CLOSE, block);
        handle = -1;
    }
}

int hal_flash_info(struct hal_flash_info *out)
{
    out->size = flash_size();
    out->sector_size = sector_size();
    out->prog_size = FLASH_PROG;
    out->erase_value = 0xFF;
    return HAL_OK;
}

static int in_range(uint32_t off, size_t len)
{
    return off <= flash_size() && len <= flash_size() - off;
}

int hal_flash_read(uint32_t off, void *buf, size_t len)
{
    if (!in_range(off, len)) {
        return HAL_EINVAL;
    }
    if (handle < 0) {
        return HAL_EIO;
    }
    return len == 0 ? HAL_OK : file_read(off, buf, len);
}

int hal_flash_prog(uint32_t off, const void *buf, size_t len)
{
    uint8_t cur[CHUNK];
    const uint8_t *src = buf;

    if (!in_range(off, len) || off % FLASH_PROG != 0 || len % FLASH_PROG != 0) {
        return HAL_EINVAL;
    }
    if (handle < 0) {
        return HAL_EIO;
    }
    /* NOR can only clear bits: check the whole range before touching any of it, so a
     * refused program leaves the flash as it was. */
    for (size_t done = 0; done < len; done += CHUNK) {
        size_t n = len - done < CHUNK ? len - done : CHUNK;
        if (file_read(off + (uint32_t)done, cur, n) != HAL_OK) {
            return HAL_EIO;
        }
        for (size_t i = 0; i < n; i++) {
            if ((cur[i] & src[done + i]) != src[done + i]) {
                return HAL_EINVAL;
            }
        }
    }
    /* After the check, value & old == value: writing the new bytes is the AND. */
    for (size_t done = 0; done < len; done += CHUNK) {
        size_t n = len - done < CHUNK ? len - done : CHUNK;
        if (file_write(off + (uint32_t)done, src + done, n) != HAL_OK) {
            return HAL_EIO;
        }
    }
    return HAL_OK;
}

int hal_flash_erase(uint32_t off)
{
    if (off >= flash_size() || off % sector_size() != 0) {
        return HAL_EINVAL;
    }
    if (handle < 0) {
        return HAL_EIO;
    }
    return fill_erased(off, sector_size());
}
