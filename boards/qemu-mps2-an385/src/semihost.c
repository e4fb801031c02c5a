/*
 * Semihosting calls (bkpt 0xab on ARMv7-M). QEMU services them on the host when it runs with
 * -semihosting-config enable=on,target=native. They give this emulated board what real
 * hardware would get from other parts: a persistent flash file, a trusted clock at boot, a
 * command line and an exit status. Without semihosting enabled a bkpt locks the core up,
 * which is why the README's command lines always enable it.
 */
#include "board_priv.h"

#include <string.h>

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

uintptr_t board_sh_call(uintptr_t op, const void *arg)
{
    register uintptr_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void board_sh_exit(int status)
{
    /* SYS_EXIT_EXTENDED carries the status (plain SYS_EXIT on AArch32 cannot). QEMU 7.2
     * implements it and ends the process with exit(status), so ctest sees the real code. */
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    for (;;) {
        (void)board_sh_call(BOARD_SH_SYS_EXIT_EXT, block);
        /* Only reached if the host ignored the call: fall back to SYS_EXIT, whose
         * AArch32 form takes the reason code itself (no status). */
        (void)board_sh_call(BOARD_SH_SYS_EXIT,
                            (const void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT);
    }
}

int64_t board_sh_time(void)
{
    uintptr_t t = board_sh_call(BOARD_SH_SYS_TIME, NULL);
    if (t == (uintptr_t)-1) {
        return -1;
    }
    /* AArch32 SYS_TIME is 32-bit: unsigned seconds, good until 2106. */
    return (int64_t)(uint32_t)t;
}

int board_sh_cmdline(char *buf, size_t size)
{
    uint32_t block[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)size};
    if (size == 0) {
        return -1;
    }
    buf[0] = '\0';
    if (board_sh_call(BOARD_SH_SYS_GET_CMDLINE, block) != 0) {
        /* The host reports failure also when the line is longer than the buffer: an
         * argument silently cut short could name the wrong flash file, so it is an error. */
        buf[0] = '\0';
        return -1;
    }
    if (block[1] >= size) {
        buf[0] = '\0';
        return -1;
    }
    buf[block[1]] = '\0';
    return 0;
}
