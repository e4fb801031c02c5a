/*
 * Host board: flags, process lifetime (exit, reboot by re-exec), the admin password.
 * See boards/host/README.md for the flags.
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/hal_board.h"

struct board_opts board_opts = {
    .flash_path = "./latchkey-flash.bin",
    .http_port = 8080,
    .https_port = 8443,
};

/* The command line as given, for a warm reboot (re-exec of the same image). */
#define ARGV_MAX 32
static char *saved_argv[ARGV_MAX + 1];

static const char usage_text[] =
    "usage: latchkey-host [options]\n"
    "  --flash PATH           config flash image (default ./latchkey-flash.bin; created\n"
    "                         erased if missing)\n"
    "  --http PORT            forward 127.0.0.1:PORT to the device's port 80 (default 8080;\n"
    "                         0 = none)\n"
    "  --https PORT           forward 127.0.0.1:PORT to the device's port 443 (default 8443;\n"
    "                         0 = none)\n"
    "  --admin-password PW    password provisioned for the local admin at first boot\n"
    "  --clock-offset SECONDS shift the device's UTC from the host clock (tests)\n"
    "  --flash-cut-after N    tests: the Nth flash program/erase is cut half-way and the\n"
    "                         process exits with status 3, as on a power cut\n";

void board_fatal(int status, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("host: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    board_console_restore();
    exit(status);
}

static int64_t parse_int(const char *flag, const char *s, int64_t lo, int64_t hi)
{
    char *end = NULL;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        board_fatal(BOARD_EXIT_USAGE, "%s: '%s' is not a number in [%lld, %lld]", flag, s,
                    (long long)lo, (long long)hi);
    }
    return v;
}

static void parse_args(int argc, char **argv)
{
    enum {
        OPT_FLASH = 1,
        OPT_HTTP,
        OPT_HTTPS,
        OPT_PW,
        OPT_CLOCK,
        OPT_CUT,
        OPT_HELP
    };
    static const struct option longopts[] = {
        {"flash", required_argument, NULL, OPT_FLASH},
        {"http", required_argument, NULL, OPT_HTTP},
        {"https", required_argument, NULL, OPT_HTTPS},
        {"admin-password", required_argument, NULL, OPT_PW},
        {"clock-offset", required_argument, NULL, OPT_CLOCK},
        {"flash-cut-after", required_argument, NULL, OPT_CUT},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FLASH:
            board_opts.flash_path = optarg;
            break;
        case OPT_HTTP:
            board_opts.http_port = (int)parse_int("--http", optarg, 0, 65535);
            break;
        case OPT_HTTPS:
            board_opts.https_port = (int)parse_int("--https", optarg, 0, 65535);
            break;
        case OPT_PW:
            board_opts.admin_password = optarg;
            break;
        case OPT_CLOCK:
            board_opts.clock_offset_s =
                parse_int("--clock-offset", optarg, -100LL * 365 * 86400, 100LL * 365 * 86400);
            break;
        case OPT_CUT:
            board_opts.flash_cut_after =
                (uint32_t)parse_int("--flash-cut-after", optarg, 1, UINT32_MAX);
            break;
        case OPT_HELP:
            fputs(usage_text, stdout);
            exit(0);
        default:
            fputs(usage_text, stderr);
            exit(BOARD_EXIT_USAGE);
        }
    }
    if (optind != argc) {
        fputs(usage_text, stderr);
        board_fatal(BOARD_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    }
    if (board_opts.http_port != 0 && board_opts.http_port == board_opts.https_port) {
        board_fatal(BOARD_EXIT_USAGE, "--http and --https must differ");
    }
}

void hal_board_init(int argc, char **argv)
{
    int i;
    if (argc < 1 || argc > ARGV_MAX) {
        board_fatal(BOARD_EXIT_USAGE, "too many arguments");
    }
    for (i = 0; i < argc; i++) {
        saved_argv[i] = argv[i];
    }
    saved_argv[argc] = NULL;
    /* Console output goes through write(2); stdio (lwIP diagnostics) must not reorder. */
    setvbuf(stdout, NULL, _IONBF, 0);
    /* A peer that vanishes (a forwarded host connection reset while slirp writes to it,
     * a console reader that went away) must give EPIPE, not kill the device. */
    signal(SIGPIPE, SIG_IGN);
    parse_args(argc, argv);
    board_clock_init();
    board_flash_open();
    board_console_init();
}

const char *hal_board_name(void)
{
    return "host";
}

const char *hal_board_admin_password(void)
{
    return board_opts.admin_password;
}

void hal_board_reset(void)
{
    /* A warm reboot: the same image starts again with the same flags and the same flash
     * file, console and ports. Every descriptor but stdio is closed first so that the
     * forwarded ports are free for the new image to bind. */
    fflush(NULL);
    board_console_restore();
    if (close_range(3, ~0U, 0) != 0) {
        int fd;
        for (fd = 3; fd < 1024; fd++) {
            (void)close(fd);
        }
    }
    execv("/proc/self/exe", saved_argv);
    fprintf(stderr, "host: reboot failed: %s\n", strerror(errno));
    _exit(1);
}

void hal_board_exit(int status)
{
    fflush(NULL);
    board_console_restore();
    exit(status);
}
