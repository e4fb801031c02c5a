/**
 * @file hal_entropy.h
 * @brief The board's source of randomness.
 */
#ifndef HAL_ENTROPY_H
#define HAL_ENTROPY_H

#include <stddef.h>

/**
 * @brief Fill @p buf with @p len bytes of entropy.
 * @return HAL_OK, or HAL_EIO if the source cannot deliver full-strength bytes. Never
 *         returns weak bytes instead. A test-only source says so loudly at boot.
 */
int hal_entropy_fill(void *buf, size_t len);

#endif /* HAL_ENTROPY_H */
