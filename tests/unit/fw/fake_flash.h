/**
 * @file fake_flash.h
 * @brief A RAM flash implementing hal_flash.h for unit tests, with NOR rules enforced
 *        (erase sets a sector to 0xFF; program is aligned and may only clear bits; a
 *        violation fails the test run loudly) and a power cut after N program/erase
 *        operations (littlefs emubd style): the Nth operation is done half-way and it and
 *        every later operation fail with HAL_EIO until fake_flash_power_on().
 */
#ifndef FAKE_FLASH_H
#define FAKE_FLASH_H

#include <stddef.h>
#include <stdint.h>

#define FAKE_FLASH_MAX (64u * 1024u)

/** A new, erased part of this geometry (size <= FAKE_FLASH_MAX). */
void fake_flash_setup(uint32_t size, uint32_t sector_size, uint32_t prog_size);
/** Cut the power at the @p n th program/erase from now (0: never). Resets the count. */
void fake_flash_cut_after(uint32_t n);
/** Power back on: operations work again, no cut armed. */
void fake_flash_power_on(void);
/** Program + erase operations since the last setup/cut_after/power_on. */
uint32_t fake_flash_ops(void);
/** The raw contents (tests corrupt bytes, take and restore snapshots). */
uint8_t *fake_flash_mem(void);
/** NOR-rule violations seen since setup (must stay 0). */
uint32_t fake_flash_violations(void);

#endif /* FAKE_FLASH_H */
