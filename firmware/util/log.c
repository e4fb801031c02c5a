/* Console log lines: see log.h. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hal/hal_board.h"
#include "hal/hal_console.h"

void fw_log_write(const char *s)
{
    hal_console_write(s, strlen(s));
}

void fw_log_printf(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n >= sizeof(line) - 2) {
        n = (int)sizeof(line) - 3;
        memcpy(line + n - 3, "...", 3);
    }
    line[n++] = '\r';
    line[n++] = '\n';
    hal_console_write(line, (size_t)n);
}

void fw_panic(const char *msg)
{
    fw_log_printf("panic: %s", msg);
    hal_board_exit(1);
}
