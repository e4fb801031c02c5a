/**
 * @file config.h
 * @brief The live device configuration and its persistence in the config partition:
 *        one record (store/store.h) whose payload is the device settings' TLVs
 *        (app/settings.h) followed by the SSO configuration's TLVs (sso/cfg.h: SP and
 *        IdP settings, local accounts, keys, admin CAs, audit tail). docs/STORAGE.md
 *        specifies the bytes. One instance, owned here.
 *
 * Boot. fw_config_boot() loads the newest record. If its payload does not decode (a
 * record from a newer firmware, or corruption that the CRCs missed), it falls back to the
 * other slot's record and makes that slot the one in use, so the next save replaces the
 * unusable record and never the usable one. A damaged slot (an interrupted save, or
 * corruption) is reported on the console and in the audit log. No usable record: the
 * defaults (first boot).
 *
 * Changes. A save encodes the whole configuration and writes a new record; only when the
 * store has written and read it back does the change become live, so the live
 * configuration always equals what the next boot will load (a failed save changes
 * nothing). SSO changes go through a scratch copy: fw_config_edit() returns it (a copy of
 * the live configuration), the caller changes it, fw_config_commit() saves it (with the
 * live audit tail) and makes it live, or fw_config_abort() drops it.
 *
 * Superloop context only.
 */
#ifndef FW_CONFIG_H
#define FW_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "app/settings.h"
#include "sso/cfg.h"

/** Largest encoded payload: the device settings (under 256 bytes) + the SSO record. */
#define FW_CONFIG_PAYLOAD_MAX (256u + SSO_CFG_ENCODED_MAX)

/** Open the store and load the configuration. Logs (and audits) what it found. */
void fw_config_boot(void);

/** The live device settings (valid for the program's life; changed only by saves). */
const struct fw_settings *fw_config_get(void);

/** The live SSO configuration. */
const struct sso_cfg *fw_config_sso(void);

/** True if no valid record existed at boot. */
bool fw_config_first_boot(void);

/**
 * @brief Persist @p s (with the live SSO configuration), then make it live.
 * @param ops  if not NULL, receives the number of flash program/erase operations made.
 * @return HAL_OK, HAL_EINVAL (does not encode), or the store's error (nothing changed).
 */
int fw_config_save(const struct fw_settings *s, uint32_t *ops);

/** Start an SSO change: the scratch copy, initialised from the live configuration. */
struct sso_cfg *fw_config_edit(void);

/**
 * @brief Save the scratch copy (taking the live audit tail) and make it live.
 * @return HAL_OK, HAL_EINVAL (a value breaks its rule), or the store's error (the live
 *         configuration is unchanged).
 */
int fw_config_commit(uint32_t *ops);

/** Drop the scratch copy. */
void fw_config_abort(void);

/** Save the live configuration as it is (the audit tail changed). */
int fw_config_flush(uint32_t *ops);

/** The live audit tail (app/audit.c appends to it; the next save persists it). */
struct sso_cfg_audit *fw_config_audit_tail(void);

/** Sequence number of the record in use (0: none). */
uint32_t fw_config_seq(void);

/** Bytes of the payload last loaded or saved. */
uint32_t fw_config_payload_len(void);

/** Erase the config partition (both slots). The live settings stay until reboot. */
int fw_config_factory_reset(void);

#endif /* FW_CONFIG_H */
