/**
 * @file settings.h
 * @brief The device settings and their encoding as the config record's payload.
 *
 * The payload is a list of TLVs: type (u16, little-endian), length (u16), value. Each
 * type has one fixed meaning forever (docs/STORAGE.md lists them); new settings get new
 * types, so the record grows without a format change. Decoding starts from the defaults
 * and applies the TLVs it knows; unknown types (written by a newer firmware) are skipped
 * on read and not carried over by the next save. A known type with a bad length or an
 * invalid value, a duplicate, or a truncated TLV rejects the whole payload.
 *
 * Plain data, no pointers: copy it freely. Strings are NUL-terminated within their
 * arrays. Addresses are IPv4 in network byte order (as lwIP's ip4_addr_t holds them).
 */
#ifndef FW_SETTINGS_H
#define FW_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_HOSTNAME_MAX    63 /**< characters, without the NUL */
#define FW_SNTP_SERVER_MAX 63 /**< "host" or "host:port" */

/* TLV types: stable numbers (docs/STORAGE.md). */
#define FW_TLV_HOSTNAME    1 /**< string, 1..63 bytes */
#define FW_TLV_SNTP_SERVER 2 /**< string, 0..63 bytes; empty = SNTP off */
#define FW_TLV_IPV4_MODE   3 /**< u8: 0 DHCP, 1 static */
#define FW_TLV_IPV4_STATIC 4 /**< 16 bytes: address, netmask, gateway, DNS (network order) */

#define FW_SETTINGS_DEFAULT_HOSTNAME "latchkey"
#define FW_SETTINGS_DEFAULT_SNTP     "pool.ntp.org"

struct fw_settings {
    char hostname[FW_HOSTNAME_MAX + 1];
    char sntp_server[FW_SNTP_SERVER_MAX + 1];
    bool use_dhcp;
    uint32_t addr, netmask, gateway, dns;
};

/** Factory defaults: hostname "latchkey", SNTP pool.ntp.org, DHCP. */
void fw_settings_defaults(struct fw_settings *s);

/**
 * @brief Encode @p s as TLVs into @p out.
 * @return HAL_OK or HAL_ENOSPC.
 */
int fw_settings_encode(const struct fw_settings *s, uint8_t *out, size_t size, size_t *len);

/**
 * @brief Decode a payload into @p s (defaults first, then the TLVs). On error @p s holds
 *        the defaults.
 * @return HAL_OK or HAL_EINVAL.
 */
int fw_settings_decode(struct fw_settings *s, const uint8_t *in, size_t len);

/** A hostname or FQDN: 1..63 of [A-Za-z0-9.-], labels not empty, no '-' or '.' at the
 *  start or end of a label. */
bool fw_settings_hostname_ok(const char *name);

/** An SNTP server: "" (off), or a hostname/IPv4 address with an optional ":port"
 *  (1..65535). On success sets @p host (at least FW_SNTP_SERVER_MAX + 1 bytes) and
 *  @p port (123 if absent). @p host and @p port may be NULL. */
bool fw_settings_sntp_parse(const char *server, char *host, uint16_t *port);

#endif /* FW_SETTINGS_H */
