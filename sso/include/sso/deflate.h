/**
 * @file deflate.h
 * @brief Raw DEFLATE (RFC 1951, no zlib or gzip header) as the SAML HTTP-Redirect
 *        binding uses it: a small compressor for outgoing AuthnRequests and a bounded
 *        decompressor for incoming redirect-bound messages.
 *
 * Compressor. One fixed-Huffman block with greedy LZ77 matching (3..258 bytes) over a
 * window of SSO_DEFLATE_WINDOW bytes, hash chains of at most SSO_DEFLATE_MAX_CHAIN
 * probes. The whole input is in memory, so no window copy is kept; the hash tables live
 * in a caller-provided struct sso_deflate_work (about 3 KB, too big for the target's
 * 1 KB stack budget: allocate it or make it part of a larger context). Nothing is
 * allocated. Inputs up to SSO_DEFLATE_IN_MAX bytes.
 *
 * Decompressor. Stored, fixed and dynamic Huffman blocks; canonical-code decoding with
 * count/symbol tables in a caller-provided struct sso_inflate_work (about 1 KB). Output
 * goes straight into the caller's buffer, which doubles as the LZ77 window. The output is
 * capped at min(out_size, SSO_CFG_INFLATE_MAX): a stream that would inflate past the cap
 * is an error (SSO_E_DEFLATE), never a truncated result, which is what defuses
 * decompression bombs. Every malformed construct (reserved block type, bad stored length,
 * over-subscribed or incomplete codes, distance before the start, invalid symbols,
 * truncated input, bytes after the final block) is SSO_E_DEFLATE. Work is linear in
 * input plus output; nothing recurses.
 */
#ifndef SSO_DEFLATE_H
#define SSO_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

/** Largest input sso_deflate() accepts (positions are kept in 16 bits). */
#define SSO_DEFLATE_IN_MAX    65535u
/** LZ77 window of the compressor (power of two, <= 32768). */
#define SSO_DEFLATE_WINDOW    1024u
/** Hash table size of the compressor (power of two). */
#define SSO_DEFLATE_HASH_SIZE 512u
/** Most hash-chain candidates examined per position. */
#define SSO_DEFLATE_MAX_CHAIN 32u

/** Worst-case output of sso_deflate() for @p n input bytes (every byte a 9-bit literal,
 *  plus the block header and end-of-block code). */
#define SSO_DEFLATE_BOUND(n) (((n)*9u + 7u) / 8u + 2u)

/** Compressor state; contents are scratch, no initialisation needed. */
struct sso_deflate_work {
    uint16_t head[SSO_DEFLATE_HASH_SIZE]; /**< latest position + 1 per hash, 0 = none */
    uint16_t prev[SSO_DEFLATE_WINDOW];    /**< previous position + 1 on the same chain */
};

/** Decompressor state; contents are scratch, no initialisation needed. */
struct sso_inflate_work {
    uint16_t lit_count[16];
    uint16_t lit_symbol[288];
    uint16_t dist_count[16];
    uint16_t dist_symbol[32];
    uint8_t lengths[320]; /**< code lengths being read from a dynamic block header */
};

/**
 * @brief Compress @p in as one final fixed-Huffman block.
 * @param needed  receives the compressed size, on success and on SSO_E_NOSPC.
 * @return SSO_OK, SSO_E_NOSPC (out too small; @p needed says how much is required),
 *         SSO_E_INVAL (NULL pointers, or input over SSO_DEFLATE_IN_MAX).
 */
int sso_deflate(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_size, size_t *needed,
                struct sso_deflate_work *work);

/**
 * @brief Decompress the raw DEFLATE stream @p in into @p out.
 * @param out_len  receives the decompressed size on success.
 * @return SSO_OK, SSO_E_DEFLATE (malformed, or larger than min(out_size,
 *         SSO_CFG_INFLATE_MAX)), SSO_E_INVAL (NULL pointers).
 */
int sso_inflate(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_size, size_t *out_len,
                struct sso_inflate_work *work);

#endif /* SSO_DEFLATE_H */
