/**
 * @file host.h
 * @brief Internals shared by the host board's files (not a HAL header).
 *
 * The host board is the firmware as a Linux process. board.c parses the flags and owns
 * process-level state (terminal mode, reboot by re-exec, exit); each other file
 * implements one HAL header over the OS.
 */
#ifndef LK_HOST_H
#define LK_HOST_H

#include <stdint.h>

/** Exit status of the process when an injected power cut stops it. */
#define BOARD_EXIT_POWER_CUT 3
/** Exit status for a bad command line or an unusable host resource (port, flash file). */
#define BOARD_EXIT_USAGE     2

struct board_opts {
    const char *flash_path;     /**< --flash */
    int http_port;              /**< --http, 0 = no forwarding */
    int https_port;             /**< --https, 0 = no forwarding */
    const char *admin_password; /**< --admin-password, or NULL */
    int64_t clock_offset_s;     /**< --clock-offset */
    uint32_t flash_cut_after;   /**< --flash-cut-after, 0 = never */
};

extern struct board_opts board_opts;

/** Print "host: ..." on stderr, restore the terminal and exit with @p status. */
void board_fatal(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/** Open the flash file (board.c calls it from hal_board_init). Exits on failure. */
void board_flash_open(void);
/** Start the clock (monotonic zero, UTC offset). */
void board_clock_init(void);
/** Terminal setup for the console. */
void board_console_init(void);
/** Restore the terminal (at exit, before re-exec). */
void board_console_restore(void);
/** The console's input fd while it is open, else -1 (polled together with the network). */
int board_console_fd(void);

#endif /* LK_HOST_H */
