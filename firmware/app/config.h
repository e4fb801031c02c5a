/**
 * @file config.h
 * @brief The live device settings and their persistence in the config partition
 *        (store/store.h + app/settings.h). One instance, owned here.
 *
 * fw_config_boot() loads the newest record, or the defaults when there is none (first
 * boot, after a factory reset) or when it cannot be decoded. fw_config_save() writes a
 * new record and only then makes the new settings live, so the live settings always
 * equal what the next boot will load. Superloop context only.
 */
#ifndef FW_CONFIG_H
#define FW_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "app/settings.h"

/** Largest encoded settings payload (grows when the SSO configuration moves in). */
#define FW_CONFIG_PAYLOAD_MAX 1024

/** Open the store and load the settings. Logs what it found. */
void fw_config_boot(void);

/** The live settings (valid for the program's life; changed only by save/reset). */
const struct fw_settings *fw_config_get(void);

/** True if no valid record existed at boot. */
bool fw_config_first_boot(void);

/**
 * @brief Persist @p s, then make it live.
 * @param ops  if not NULL, receives the number of flash program/erase operations made.
 * @return HAL_OK, or the store's error (the live settings are unchanged).
 */
int fw_config_save(const struct fw_settings *s, uint32_t *ops);

/** Sequence number of the record in use (0: none). */
uint32_t fw_config_seq(void);

/** Erase the config partition (both slots). The live settings stay until reboot. */
int fw_config_factory_reset(void);

#endif /* FW_CONFIG_H */
