/**
 * @file hal_flash.h
 * @brief The config partition: NOR-flash semantics, kept apart from the firmware image.
 *
 * Offsets are relative to the start of the partition. Semantics every board must keep
 * (tests on the host board enforce them, so code that works there works on NOR flash):
 * - erase works on whole sectors and sets every byte to erase_value;
 * - program may only clear bits (value & old), at offsets and lengths that are multiples
 *   of prog_size; programming a location twice without an erase is allowed only to clear
 *   more bits;
 * - a power cut during program or erase leaves the affected range undefined.
 */
#ifndef HAL_FLASH_H
#define HAL_FLASH_H

#include <stddef.h>
#include <stdint.h>

struct hal_flash_info {
    uint32_t size;        /**< partition size in bytes */
    uint32_t sector_size; /**< erase unit */
    uint32_t prog_size;   /**< program unit (alignment and granularity) */
    uint8_t erase_value;  /**< byte value after erase, usually 0xFF */
};

int hal_flash_info(struct hal_flash_info *out);
/** @return HAL_OK, HAL_EINVAL (out of range), HAL_EIO. */
int hal_flash_read(uint32_t off, void *buf, size_t len);
/** @return HAL_OK, HAL_EINVAL (misaligned or out of range), HAL_EIO (program failed). */
int hal_flash_prog(uint32_t off, const void *buf, size_t len);
/** Erase the sector containing @p off (must be sector-aligned). */
int hal_flash_erase(uint32_t off);

#endif /* HAL_FLASH_H */
