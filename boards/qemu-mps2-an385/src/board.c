/*
 * Bring-up, reset and exit of mps2-an385 (hal_board.h).
 *
 * Command line: the semihosting command line is argv (QEMU -semihosting-config arg=... or
 * -kernel/-append; startup.c splits it). Options, the same as the host board's:
 *   --flash PATH             host file of the config partition (default
 *                            latchkey-qemu-flash.bin in QEMU's working directory; created
 *                            erased if missing)
 *   --admin-password PW      password provisioned for the local admin at first boot
 *   --clock-offset SECONDS   shift the device's UTC from the host clock (tests)
 */
#include "board_priv.h"

#include <string.h>

#include "hal/hal_board.h"
#include "hal/hal_clock.h"
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

static const char usage[] = "unknown or incomplete argument (usage: [--flash PATH] "
                            "[--admin-password PW] [--clock-offset SECONDS]):";

/* "--name VALUE" or "--name=VALUE": the value, or NULL if argv[*i] is another option. */
static const char *option(const char *name, int argc, char **argv, int *i)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) {
        return NULL;
    }
    if (argv[*i][n] == '=') {
        return argv[*i] + n + 1;
    }
    if (argv[*i][n] == '\0' && *i + 1 < argc) {
        *i += 1;
        return argv[*i];
    }
    return NULL;
}

/* A decimal number of seconds within +-100 years; anything else is a usage error. */
static int parse_seconds(const char *s, int64_t *out)
{
    const int64_t limit = 100LL * 365 * 86400;
    int neg = 0;
    int64_t v = 0;
    if (*s == '-' || *s == '+') {
        neg = *s == '-';
        s++;
    }
    if (*s == '\0') {
        return -1;
    }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return -1;
        }
        v = v * 10 + (*s - '0');
        if (v > limit) {
            return -1;
        }
    }
    *out = neg ? -v : v;
    return 0;
}

static const char *flash_arg;
static const char *admin_password;

static void parse_args(int argc, char **argv)
{
    const char *v;
    int64_t offset;
    for (int i = 1; i < argc; i++) {
        if ((v = option("--flash", argc, argv, &i)) != NULL) {
            flash_arg = v;
        } else if ((v = option("--admin-password", argc, argv, &i)) != NULL) {
            admin_password = v;
        } else if ((v = option("--clock-offset", argc, argv, &i)) != NULL) {
            if (parse_seconds(v, &offset) != 0) {
                fatal("--clock-offset: not a number of seconds:", v);
            }
            (void)hal_clock_set_test_offset(offset);
        } else {
            fatal(usage, argv[i]);
        }
    }
}

void hal_board_init(int argc, char **argv)
{
    board_uart_init();
    board_clock_init();
    parse_args(argc, argv);
    say("qemu-mps2-an385: Cortex-M3 @ 25 MHz, console on UART0\n");
    if (board_flash_init(flash_arg) != HAL_OK) {
        fatal("cannot open the flash file (missing semihosting, or not a 64 KB image):",
              flash_arg != NULL ? flash_arg : BOARD_FLASH_DEFAULT_PATH);
    }
    say("qemu-mps2-an385: config flash in host file ");
    say(board_flash_path());
    say("\n");
    (void)board_entropy_init();
}

const char *hal_board_admin_password(void)
{
    return admin_password;
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
