/*
 * newlib system calls for the firmware on mps2-an385: stdout and stderr go to the UART
 * console, the wall clock is the board's UTC, exit() stops the emulator with its status.
 * There is no file system: open() fails. (The unit tests link newlib's rdimon instead, which
 * does all of this through semihosting; see stdio_semihosted.c.)
 */
#include "board_priv.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "hal/hal_board.h"
#include "hal/hal_clock.h"
#include "hal/hal_console.h"

void board_stdio_init(void);
int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _lseek(int fd, int off, int whence);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _open(const char *name, int flags, int mode);
int _getpid(void);
int _kill(int pid, int sig);
void _exit(int status);
int _gettimeofday(struct timeval *tv, void *tz);

void board_stdio_init(void)
{
    board_uart_init();
}

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    hal_console_write(buf, (size_t)len);
    return len;
}

int _read(int fd, char *buf, int len)
{
    /* Console input belongs to the firmware's command line (hal_console_getc), never to
     * stdio: stdin is always at end of file. */
    (void)fd;
    (void)buf;
    (void)len;
    return 0;
}

int _close(int fd)
{
    (void)fd;
    return 0;
}

int _lseek(int fd, int off, int whence)
{
    (void)fd;
    (void)off;
    (void)whence;
    errno = ESPIPE;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    return fd >= 0 && fd <= 2;
}

int _open(const char *name, int flags, int mode)
{
    (void)name;
    (void)flags;
    (void)mode;
    errno = ENOSYS;
    return -1;
}

int _getpid(void)
{
    return 1;
}

int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = ENOSYS;
    return -1;
}

void _exit(int status)
{
    hal_board_exit(status);
}

/* time() and gettimeofday(): the board's UTC (mbedTLS reads it through time() for X.509
 * validity). While UTC is unknown they fail (-1), and time() returns -1, so certificate
 * dates cannot be checked and verification fails closed. */
int _gettimeofday(struct timeval *tv, void *tz)
{
    int64_t now;
    (void)tz;
    if (hal_clock_utc(&now) != 0) {
        errno = EAGAIN;
        return -1;
    }
    if (tv != NULL) {
        tv->tv_sec = (time_t)now;
        tv->tv_usec = 0;
    }
    return 0;
}
