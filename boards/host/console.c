/*
 * Host console: stdout for output, stdin for input, as a UART would be. On a terminal,
 * canonical mode and echo are turned off so that the firmware's own line editor does
 * what it does on a serial line (signals stay on: Ctrl-C still stops the process). On a
 * pipe (tests), bytes arrive as written. Input never blocks: the descriptor is polled
 * (O_NONBLOCK is not set on stdin, which is shared with the parent shell).
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "hal/hal_console.h"

static struct termios saved_tio;
static int tio_saved;
static int in_fd = -1; /* -1 after EOF or an error */
static unsigned char inbuf[64];
static size_t in_len, in_pos;

void board_console_init(void)
{
    struct termios tio;
    in_fd = STDIN_FILENO;
    if (isatty(in_fd) && tcgetattr(in_fd, &saved_tio) == 0) {
        tio = saved_tio;
        tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        tio.c_cc[VMIN] = 1;
        tio.c_cc[VTIME] = 0;
        if (tcsetattr(in_fd, TCSANOW, &tio) == 0) {
            tio_saved = 1;
        }
    }
}

void board_console_restore(void)
{
    if (tio_saved) {
        (void)tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
        tio_saved = 0;
    }
}

int board_console_fd(void)
{
    return in_fd;
}

void hal_console_write(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, s, n);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return; /* stdout gone: the console is a sink, like an unplugged UART */
        }
        s += w;
        n -= (size_t)w;
    }
}

int hal_console_getc(void)
{
    if (in_pos < in_len) {
        return inbuf[in_pos++];
    }
    if (in_fd >= 0) {
        struct pollfd p = {.fd = in_fd, .events = POLLIN};
        if (poll(&p, 1, 0) > 0) {
            ssize_t n = read(in_fd, inbuf, sizeof(inbuf));
            if (n > 0) {
                in_len = (size_t)n;
                in_pos = 1;
                return inbuf[0];
            }
            if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                in_fd = -1; /* EOF: the console stays quiet, the device keeps running */
            }
        }
    }
    return -1;
}
