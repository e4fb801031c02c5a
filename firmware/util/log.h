/**
 * @file log.h
 * @brief Console log lines of the firmware ("module: message"), and the panic stop.
 *
 * Lines are formatted into a fixed 256-byte buffer (longer ones are cut and end in "...":
 * a log line is for humans, not data) and written with hal_console_write(). Never log
 * secrets, session IDs or assertion bodies.
 */
#ifndef FW_LOG_H
#define FW_LOG_H

/** printf-style; appends "\r\n". */
void fw_log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Raw text to the console (no newline added). */
void fw_log_write(const char *s);

/** Print "panic: <msg>" and stop the board (hal_board_exit(1)). */
void fw_panic(const char *msg) __attribute__((noreturn));

#endif /* FW_LOG_H */
