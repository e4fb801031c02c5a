/**
 * @file console.h
 * @brief The serial console's command line: a small line editor (echo, backspace,
 *        Ctrl-U, Ctrl-C) over hal_console_getc(), and the commands:
 *
 *   help                         list the commands
 *   status                       the /api/v1/status document
 *   hostname [NAME]              show or set (and save) the hostname
 *   sntp [SERVER[:PORT]|off]     show or set the SNTP server (applies after reboot)
 *   ip [dhcp|static A M G [DNS]] show or set the IPv4 configuration (after reboot)
 *   sso [disable]                show SSO state; break-glass: disable SSO (saved)
 *   recovery-login               print a one-time password for user "recovery" (admin,
 *                                10 minutes, one login, works after the grace period)
 *   passwd USER [admin|readonly] set a new random password (printed) for a local user
 *   audit [N]                    the last N audit events (default 10)
 *   notices                      the notification queue
 *   sessions                     the open sessions (public handles, never IDs)
 *   pbkdf2-bench [ITERATIONS]    time one PBKDF2-HMAC-SHA256 password hash on this board
 *   clock-offset SECONDS         test clock: shift UTC (boards with a test clock only)
 *   clock-unset                  test clock: forget the time (as before SNTP answers)
 *   reboot                       warm reboot
 *   factory-reset                erase the config partition, then reboot
 *
 * Physical (console) access is the trust root of the appliance, so the console needs no
 * login. A line is at most FW_CONSOLE_LINE_MAX characters; longer input rings the bell
 * and is dropped. Output lines end in CRLF (a UART terminal).
 */
#ifndef FW_CONSOLE_H
#define FW_CONSOLE_H

#define FW_CONSOLE_LINE_MAX 128
#define FW_CONSOLE_ARGS_MAX 8
#define FW_CONSOLE_PROMPT   "> "

/** Print the prompt. */
void fw_console_start(void);

/** Superloop: read waiting characters (at most 64 per call), run complete lines. */
void fw_console_poll(void);

/** Run one command line (modified in place: it is split into words). For tests. */
void fw_console_exec(char *line);

#endif /* FW_CONSOLE_H */
