/*
 * Bring-up, reset and exit of mps2-an385 (hal_board.h).
 *
 * Command line: the semihosting command line is argv (QEMU -semihosting-config arg=... or
 * -kernel/-append; startup.c splits it). Options:
 *   --flash PATH   host file of the config partition (default latchkey-qemu-flash.bin in
 *                  QEMU's working directory; created erased if missing)
 */
#include "board_priv.h"

#include <string.h>

#include "hal/hal_board.h"
#include "hal/hal_console.h"
#include "hal/hal_err.h"

#define EXIT_USAGE 2

static void say(const char *s)
{
    hal_console_write(s, strlen(s));
}

static void fatal(const char *what, const char *arg)
{
    say("qemu-mps2-an385: ");
    say(what);
    if (arg != NULL) {
        say(" ");
        say(arg);
    }
    say("\n");
    hal_board_exit(EXIT_USAGE);
}

static const char *parse_flash_path(int argc, char **argv)
{
    const char *flash = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--flash") == 0 && i + 1 < argc) {
            flash = argv[++i];
        } else if (strncmp(argv[i], "--flash=", 8) == 0) {
            flash = argv[i] + 8;
        } else {
            fatal("unknown argument (usage: [--flash PATH]):", argv[i]);
        }
    }
    return flash;
}

void hal_board_init(int argc, char **argv)
{
    const char *flash;

    board_uart_init();
    board_clock_init();
    flash = parse_flash_path(argc, argv);
    say("qemu-mps2-an385: Cortex-M3 @ 25 MHz, console on UART0\n");
    if (board_flash_init(flash) != HAL_OK) {
        fatal("cannot open the flash file (missing semihosting, or not a 64 KB image):",
              flash != NULL ? flash : BOARD_FLASH_DEFAULT_PATH);
    }
    say("qemu-mps2-an385: config flash in host file ");
    say(board_flash_path());
    say("\n");
    (void)board_entropy_init();
}

const char *hal_board_name(void)
{
    return "qemu-mps2-an385";
}

void hal_board_reset(void)
{
    /* QEMU keeps host files open across a system reset: close ours so that reboots do not
     * pile up handles. The flash file is written through, nothing to flush. */
    board_entropy_close();
    board_flash_close();
    __asm__ volatile("dsb" ::: "memory");
    BOARD_SCB_AIRCR = BOARD_AIRCR_VECTKEY | BOARD_AIRCR_SYSRST;
    __asm__ volatile("dsb" ::: "memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void hal_board_exit(int status)
{
    board_sh_exit(status);
}
