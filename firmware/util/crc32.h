/**
 * @file crc32.h
 * @brief CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320: the zlib/PNG CRC), for
 *        the config records. Check value: CRC of "123456789" is 0xCBF43926.
 */
#ifndef FW_CRC32_H
#define FW_CRC32_H

#include <stddef.h>
#include <stdint.h>

/** Continue a CRC: start with crc = 0, feed the data in any number of pieces. */
uint32_t fw_crc32(uint32_t crc, const void *data, size_t len);

#endif /* FW_CRC32_H */
