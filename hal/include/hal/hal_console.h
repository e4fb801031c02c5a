/**
 * @file hal_console.h
 * @brief The serial console: output, and non-blocking input for the command line.
 */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <stddef.h>

/** Write @p n bytes; blocks until queued. Safe before the network is up. */
void hal_console_write(const char *s, size_t n);

/** Next input character, or -1 if none is waiting (never blocks). */
int hal_console_getc(void);

#endif /* HAL_CONSOLE_H */
