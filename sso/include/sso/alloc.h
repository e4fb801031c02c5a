/**
 * @file alloc.h
 * @brief The one documented allocator of the SAML core and its vendor libraries.
 *
 * sso/ itself, Mini-XML (through cmake/mxml/config.h) and mbedTLS (through
 * MBEDTLS_PLATFORM_CALLOC_MACRO) allocate only through these functions; CI checks that
 * no other object calls malloc. The implementation (sso/src/port/alloc.c) sits on the C
 * library's heap, which on a board is bounded by the linker script, and keeps byte counts
 * so that the firmware can report free memory and benchmarks can report peak heap.
 * Single-threaded, like everything else in the firmware.
 */
#ifndef SSO_ALLOC_H
#define SSO_ALLOC_H

#include <stddef.h>

void *sso_malloc(size_t size);
void *sso_calloc(size_t n, size_t size);
void *sso_realloc(void *p, size_t size);
void sso_free(void *p);

struct sso_alloc_stats {
    size_t cur_bytes;    /**< bytes currently allocated (payload only) */
    size_t peak_bytes;   /**< high-water mark since the last reset */
    size_t limit_bytes;  /**< allocation fails past this many bytes; 0 = no limit */
    size_t cur_blocks;   /**< live allocations */
    size_t total_allocs; /**< allocations since start */
    size_t failed;       /**< allocations refused */
};

/** Snapshot the counters. */
void sso_alloc_stats(struct sso_alloc_stats *out);

/** Restart the peak at the current usage (benchmarks measure one operation at a time). */
void sso_alloc_reset_peak(void);

/** Refuse allocations that would take usage past @p bytes (0 = unlimited). For boards
 *  and for tests that check behaviour when memory runs out. */
void sso_alloc_set_limit(size_t bytes);

#endif /* SSO_ALLOC_H */
