/**
 * @file hal_board.h
 * @brief Board bring-up and reset.
 */
#ifndef HAL_BOARD_H
#define HAL_BOARD_H

/**
 * @brief Bring the board up: clocks, console, timers, flash, entropy. Called once, first
 *        thing in main(), before any other hal_* function.
 * @param argc, argv  the program's arguments where the board has any (host board flags,
 *        QEMU semihosting command line); boards without them ignore both.
 */
void hal_board_init(int argc, char **argv);

/** Short board name for status output ("host", "qemu-mps2-an385"). */
const char *hal_board_name(void);

/**
 * @brief The local admin password provisioned for this device at manufacture or test
 *        time (host board: --admin-password), used only at first boot.
 * @return a NUL-terminated string valid for the program's life, or NULL if the board
 *         has none (the firmware then generates one and prints it on the console).
 */
const char *hal_board_admin_password(void);

/** Reset the board (warm reboot). Does not return. */
void hal_board_reset(void) __attribute__((noreturn));

/**
 * @brief Stop with an exit status where the board can report one (host process exit,
 *        QEMU semihosting SYS_EXIT_EXTENDED); on real hardware, halt. Does not return.
 */
void hal_board_exit(int status) __attribute__((noreturn));

#endif /* HAL_BOARD_H */
