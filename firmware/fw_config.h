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
 *  bodies). deps-notes.md measured a 57 KB peak with a TLS client and server alive. */
#ifndef FW_CFG_HEAP_BYTES
#define FW_CFG_HEAP_BYTES (96u * 1024u)
#endif

/** The admin UI's plain-HTTP port (HTTPS arrives with the TLS adapter). */
#ifndef FW_CFG_HTTP_PORT
#define FW_CFG_HTTP_PORT 80
#endif

/** PBKDF2-HMAC-SHA256 iterations for new local-account password hashes (stored per
 *  account). docs/STORAGE.md records the measured cost per board. */
#ifndef FW_CFG_PBKDF2_ITERATIONS
#define FW_CFG_PBKDF2_ITERATIONS 10000u
#endif

#endif /* FW_CONFIG_TUNABLES_H */
