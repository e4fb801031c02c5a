/**
 * @file fw_config.h
 * @brief Compile-time tunables of the firmware that belong to no single module. A board
 *        may set any of them first through FW_CONFIG_FILE (a header path).
 */
#ifndef FW_CONFIG_TUNABLES_H
#define FW_CONFIG_TUNABLES_H

#ifdef FW_CONFIG_FILE
#include FW_CONFIG_FILE
#endif

/** Heap budget for everything allocated through sso/alloc.h (SAML parsing, TLS, request
 *  bodies). deps-notes.md measured a 57 KB peak with a TLS client and server alive; an
 *  ACS post adds its body (up to 64 KB), the decoded copy of SAMLResponse (up to 64 KB)
 *  and the XML parse of the response. 256 KB of the M3 board's 4 MB RAM. */
#ifndef FW_CFG_HEAP_BYTES
#define FW_CFG_HEAP_BYTES (256ul * 1024ul) /* unsigned long: as wide as size_t on every board */
#endif

/** The admin UI's plain-HTTP port (HTTPS arrives with the TLS adapter). */
#ifndef FW_CFG_HTTP_PORT
#define FW_CFG_HTTP_PORT 80
#endif

/** The admin UI's HTTPS port (the same routes as HTTP, with Secure cookies). */
#ifndef FW_CFG_HTTPS_PORT
#define FW_CFG_HTTPS_PORT 443
#endif

/** PBKDF2-HMAC-SHA256 iterations for new local-account password hashes (stored per
 *  account, so a later change needs no migration). Sized for the slowest board: on the
 *  Cortex-M3 an iteration is about 11 100 instructions (QEMU -icount), so 2000 take about
 *  22 M instructions, about 1 s at 25 MHz; the superloop is busy that long per password
 *  check, which the failed-login backoff (app/accounts.h) bounds. docs/STORAGE.md. */
#ifndef FW_CFG_PBKDF2_ITERATIONS
#define FW_CFG_PBKDF2_ITERATIONS 2000u
#endif

#endif /* FW_CONFIG_TUNABLES_H */
