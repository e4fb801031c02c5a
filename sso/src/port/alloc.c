/*
 * The documented allocator (sso/alloc.h): the C library heap with a small header per
 * block so that current and peak bytes can be counted exactly. This file is the one
 * place in sso/ allowed to call malloc/free; CI checks the objects for that.
 */
#include "sso/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The header keeps the payload size; its size keeps the payload max-aligned. */
union alloc_hdr {
    size_t size;
    max_align_t align;
};

static struct sso_alloc_stats stats;

static int would_exceed(size_t add)
{
    return stats.limit_bytes &&
           (add > stats.limit_bytes || stats.cur_bytes > stats.limit_bytes - add);
}

static void account(size_t add, size_t sub)
{
    stats.cur_bytes = stats.cur_bytes + add - sub;
    if (stats.cur_bytes > stats.peak_bytes) {
        stats.peak_bytes = stats.cur_bytes;
    }
}

void *sso_malloc(size_t size)
{
    union alloc_hdr *h;
    if (size == 0) {
        size = 1;
    }
    if (size > SIZE_MAX - sizeof(*h) || would_exceed(size)) {
        stats.failed++;
        return NULL;
    }
    h = malloc(sizeof(*h) + size);
    if (h == NULL) {
        stats.failed++;
        return NULL;
    }
    h->size = size;
    account(size, 0);
    stats.cur_blocks++;
    stats.total_allocs++;
    return h + 1;
}

void *sso_calloc(size_t n, size_t size)
{
    void *p;
    if (size && n > SIZE_MAX / size) {
        stats.failed++;
        return NULL;
    }
    p = sso_malloc(n * size);
    if (p) {
        memset(p, 0, n * size);
    }
    return p;
}

void sso_free(void *p)
{
    union alloc_hdr *h;
    if (p == NULL) {
        return;
    }
    h = (union alloc_hdr *)p - 1;
    account(0, h->size);
    stats.cur_blocks--;
    free(h);
}

void *sso_realloc(void *p, size_t size)
{
    union alloc_hdr *h;
    void *q;
    if (p == NULL) {
        return sso_malloc(size);
    }
    h = (union alloc_hdr *)p - 1;
    if (size <= h->size) {
        return p; /* shrinking keeps the block; counts stay conservative */
    }
    q = sso_malloc(size);
    if (q == NULL) {
        return NULL;
    }
    memcpy(q, p, h->size);
    sso_free(p);
    return q;
}

void sso_alloc_stats(struct sso_alloc_stats *out)
{
    *out = stats;
}

void sso_alloc_reset_peak(void)
{
    stats.peak_bytes = stats.cur_bytes;
}

void sso_alloc_set_limit(size_t bytes)
{
    stats.limit_bytes = bytes;
}
