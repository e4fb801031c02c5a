/**
 * @file store.h
 * @brief The config partition: one record, kept in two alternating slots so that a power
 *        cut at any point leaves the old record or the new one, never neither.
 *
 * Model (the format is specified in docs/STORAGE.md):
 * - the partition (hal_flash_*) is split into two slots of equal size, each a whole
 *   number of erase sectors (half the partition, rounded down to a sector);
 * - a slot holds one record: a 32-byte header (magic, format, sequence number, payload
 *   length, payload CRC-32, header CRC-32), a 16-byte commit block, then the payload;
 * - a save goes to the slot that does not hold the newest valid record: erase the sectors
 *   it needs, program the payload, program the header, and program the commit word last.
 *   Until that last step the slot is not valid, so a torn save is detected and ignored;
 * - a load takes the valid slot with the newer sequence number (serial-number arithmetic,
 *   so the counter may wrap).
 *
 * The payload is opaque here (the settings TLVs of app/settings.h). The store calls
 * hal_flash_* directly; unit tests link it against a RAM flash (tests/unit/fw/).
 * The caller owns struct fw_store; it holds no pointers. Superloop context only.
 * Errors are HAL codes: HAL_ENODATA (no valid record), HAL_ENOSPC (payload or buffer too
 * large/small), HAL_EIO (flash failed, or read-back after a save did not verify),
 * HAL_ENOTSUP (a flash geometry the format cannot use).
 */
#ifndef FW_STORE_H
#define FW_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "hal/hal_flash.h"

#define FW_STORE_MAGIC       0x46434B4Cu /**< "LKCF" as bytes on flash (little-endian) */
#define FW_STORE_COMMIT      0x54494D43u /**< "CMIT" as bytes on flash (little-endian) */
#define FW_STORE_FORMAT      1u          /**< record layout version this code writes and reads */
#define FW_STORE_HDR_LEN     32u         /**< header bytes (programmed as one block) */
#define FW_STORE_CMT_OFF     32u         /**< offset of the commit block */
#define FW_STORE_CMT_LEN     16u         /**< commit block (word + erased padding) */
#define FW_STORE_PAYLOAD_OFF 48u         /**< payload offset inside a slot */

/** What fw_store_open() found in a slot. */
enum fw_store_slot_state {
    FW_STORE_SLOT_EMPTY = 0, /**< header area erased: never written, after a reset, or a
                                  save cut before it reached the header */
    FW_STORE_SLOT_VALID,     /**< a complete record (both CRCs, commit word) */
    FW_STORE_SLOT_DAMAGED,   /**< something written but not a valid record: an interrupted
                                  save, or corruption */
};

struct fw_store {
    struct hal_flash_info info;
    uint32_t slot_size;    /**< bytes per slot, a multiple of the sector size */
    int newest;            /**< slot of the newest valid record, -1 if none */
    uint32_t seq;          /**< its sequence number (valid when newest >= 0) */
    uint32_t last_ops;     /**< program + erase calls made by the last save or erase */
    uint8_t slot_state[2]; /**< enum fw_store_slot_state, per slot, as found at open */
    uint32_t slot_seq[2];  /**< sequence number of a VALID slot */
};

/**
 * @brief Read the flash geometry and find the newest valid record.
 * @return HAL_OK (with or without a record: see newest), HAL_ENOTSUP, HAL_EIO.
 */
int fw_store_open(struct fw_store *st);

/** Largest payload a slot holds. */
size_t fw_store_max_payload(const struct fw_store *st);

/**
 * @brief Copy the newest record's payload into @p buf.
 * @return HAL_OK, HAL_ENODATA (no valid record), HAL_ENOSPC (@p size too small), HAL_EIO.
 */
int fw_store_load(struct fw_store *st, uint8_t *buf, size_t size, size_t *len);

/**
 * @brief Copy the payload of @p slot (which must be VALID) into @p buf: for a caller that
 *        cannot use the newest record (its payload does not decode) and falls back to
 *        the older one.
 * @return as fw_store_load(); HAL_ENODATA if @p slot holds no valid record.
 */
int fw_store_load_slot(struct fw_store *st, int slot, uint8_t *buf, size_t size, size_t *len);

/**
 * @brief Treat @p slot (VALID) as the record in use: the next save goes to the other
 *        slot (overwriting an unusable newer record there) with sequence number
 *        slot_seq[slot] + 1. Without this, a save after a fallback would overwrite the
 *        only usable record.
 * @return HAL_OK, or HAL_EINVAL if @p slot is not VALID.
 */
int fw_store_use_slot(struct fw_store *st, int slot);

/**
 * @brief Write @p payload as the new record (sequence number + 1) into the older slot.
 *        A failure or a power cut leaves the previous record as the newest.
 * @return HAL_OK, HAL_ENOSPC, HAL_EIO.
 */
int fw_store_save(struct fw_store *st, const uint8_t *payload, size_t len);

/** Erase both slots entirely (factory reset: no stale bytes of old records remain). */
int fw_store_erase(struct fw_store *st);

#endif /* FW_STORE_H */
