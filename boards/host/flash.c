/*
 * Host flash: the config partition as a file with NOR-flash rules enforced, so code that
 * works here works on a real part:
 *   - erase works on whole sectors and sets them to 0xFF;
 *   - program is aligned to prog_size and may only clear bits; setting a bit back to 1 is
 *     refused (HAL_EINVAL) with a diagnostic, nothing is written;
 *   - --flash-cut-after N: the Nth program or erase (counting both from process start) is
 *     done half-way, then the process exits with BOARD_EXIT_POWER_CUT, as if the power
 *     had gone. Half-way means: a program writes its first half of units fully and one
 *     more unit with only some of its bits cleared; an erase resets the first half of
 *     the sector and leaves the rest as it was.
 * The file is locked (flock) so that two processes never share one flash.
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/hal_err.h"
#include "hal/hal_flash.h"

#define FLASH_SIZE   (64u * 1024u)
#define FLASH_SECTOR 4096u
#define FLASH_PROG   4u

static int fd = -1;
static uint8_t erased[FLASH_SECTOR]; /* all 0xFF once the flash is open */
static uint32_t ops;                 /* program + erase operations since process start */

void board_flash_open(void)
{
    struct stat st;
    memset(erased, 0xFF, sizeof(erased));
    fd = open(board_opts.flash_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        board_fatal(BOARD_EXIT_USAGE, "flash %s: %s", board_opts.flash_path, strerror(errno));
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        board_fatal(BOARD_EXIT_USAGE, "flash %s is in use by another process",
                    board_opts.flash_path);
    }
    if (fstat(fd, &st) != 0) {
        board_fatal(BOARD_EXIT_USAGE, "flash %s: %s", board_opts.flash_path, strerror(errno));
    }
    if (st.st_size == 0) {
        /* A new part comes erased. */
        uint32_t off;
        for (off = 0; off < FLASH_SIZE; off += FLASH_SECTOR) {
            if (pwrite(fd, erased, FLASH_SECTOR, off) != (ssize_t)FLASH_SECTOR) {
                board_fatal(BOARD_EXIT_USAGE, "flash %s: cannot initialise: %s",
                            board_opts.flash_path, strerror(errno));
            }
        }
    } else if (st.st_size != (off_t)FLASH_SIZE) {
        board_fatal(BOARD_EXIT_USAGE, "flash %s: size %lld, expected %u (not a flash image?)",
                    board_opts.flash_path, (long long)st.st_size, FLASH_SIZE);
    }
}

int hal_flash_info(struct hal_flash_info *out)
{
    out->size = FLASH_SIZE;
    out->sector_size = FLASH_SECTOR;
    out->prog_size = FLASH_PROG;
    out->erase_value = 0xFF;
    return HAL_OK;
}

static int in_range(uint32_t off, size_t len)
{
    return off <= FLASH_SIZE && len <= FLASH_SIZE - off;
}

static int file_read(uint32_t off, void *buf, size_t len)
{
    return pread(fd, buf, len, off) == (ssize_t)len ? HAL_OK : HAL_EIO;
}

static int file_write(uint32_t off, const void *buf, size_t len)
{
    return pwrite(fd, buf, len, off) == (ssize_t)len ? HAL_OK : HAL_EIO;
}

int hal_flash_read(uint32_t off, void *buf, size_t len)
{
    if (!in_range(off, len)) {
        return HAL_EINVAL;
    }
    return file_read(off, buf, len);
}

static void power_cut(const char *what, uint32_t off)
{
    board_fatal(BOARD_EXIT_POWER_CUT, "power cut injected at flash operation %u (%s at 0x%x)", ops,
                what, off);
}

int hal_flash_prog(uint32_t off, const void *buf, size_t len)
{
    uint8_t old[256], cur[256];
    const uint8_t *src = buf;
    size_t done, i, n, cut_len = len;
    int cut;

    if (!in_range(off, len) || off % FLASH_PROG != 0 || len % FLASH_PROG != 0) {
        return HAL_EINVAL;
    }
    /* NOR can only clear bits: check the whole range before touching any of it. */
    for (done = 0; done < len; done += n) {
        n = len - done < sizeof(old) ? len - done : sizeof(old);
        if (file_read(off + (uint32_t)done, old, n) != HAL_OK) {
            return HAL_EIO;
        }
        for (i = 0; i < n; i++) {
            if ((old[i] & src[done + i]) != src[done + i]) {
                fprintf(stderr,
                        "host: flash program at 0x%x would set bits (0x%02x over 0x%02x); NOR "
                        "needs an erase first\n",
                        (unsigned)(off + done + i), src[done + i], old[i]);
                return HAL_EINVAL;
            }
        }
    }
    ops++;
    cut = board_opts.flash_cut_after != 0 && ops == board_opts.flash_cut_after;
    if (cut) {
        cut_len = (len / FLASH_PROG / 2) * FLASH_PROG; /* fully programmed units */
    }
    for (done = 0; done < cut_len; done += n) {
        n = cut_len - done < sizeof(cur) ? cut_len - done : sizeof(cur);
        if (file_read(off + (uint32_t)done, cur, n) != HAL_OK) {
            return HAL_EIO;
        }
        for (i = 0; i < n; i++) {
            cur[i] &= src[done + i];
        }
        if (file_write(off + (uint32_t)done, cur, n) != HAL_OK) {
            return HAL_EIO;
        }
    }
    if (cut) {
        if (cut_len < len) {
            /* One unit caught mid-program: only some of its bits made it. */
            if (file_read(off + (uint32_t)cut_len, cur, FLASH_PROG) == HAL_OK) {
                for (i = 0; i < FLASH_PROG; i++) {
                    cur[i] &= (uint8_t)(src[cut_len + i] | 0x5A);
                }
                (void)file_write(off + (uint32_t)cut_len, cur, FLASH_PROG);
            }
        }
        power_cut("program", off);
    }
    return HAL_OK;
}

int hal_flash_erase(uint32_t off)
{
    if (off >= FLASH_SIZE || off % FLASH_SECTOR != 0) {
        return HAL_EINVAL;
    }
    ops++;
    if (board_opts.flash_cut_after != 0 && ops == board_opts.flash_cut_after) {
        (void)file_write(off, erased, FLASH_SECTOR / 2);
        power_cut("erase", off);
    }
    return file_write(off, erased, FLASH_SECTOR);
}
