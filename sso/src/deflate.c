/* Raw DEFLATE compressor and bounded decompressor (sso/deflate.h, RFC 1951). */
#include "sso/deflate.h"

#include <stdbool.h>
#include <string.h>

#include "sso/err.h"
#include "sso/sso_config.h"

_Static_assert((SSO_DEFLATE_WINDOW & (SSO_DEFLATE_WINDOW - 1)) == 0, "window: power of two");
_Static_assert(SSO_DEFLATE_WINDOW <= 32768, "window: DEFLATE distances stop at 32768");
_Static_assert((SSO_DEFLATE_HASH_SIZE & (SSO_DEFLATE_HASH_SIZE - 1)) == 0, "hash: power of two");

/* Length codes 257..285: base length and extra bits (RFC 1951 3.2.5). */
static const uint16_t len_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                      15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                      67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
/* Distance codes 0..29. */
static const uint16_t dist_base[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/* ---- compressor ----------------------------------------------------------------------- */

struct bit_out {
    uint8_t *out;
    size_t size;
    size_t len; /* bytes produced, counted past size */
    uint32_t acc;
    unsigned bits;
};

static void put_bits(struct bit_out *w, uint32_t v, unsigned n)
{
    w->acc |= v << w->bits;
    w->bits += n;
    while (w->bits >= 8) {
        if (w->len < w->size) {
            w->out[w->len] = (uint8_t)w->acc;
        }
        w->len++;
        w->acc >>= 8;
        w->bits -= 8;
    }
}

/* Huffman codes go out most-significant bit first. */
static void put_code(struct bit_out *w, uint32_t code, unsigned n)
{
    uint32_t rev = 0;
    for (unsigned i = 0; i < n; i++) {
        rev = (rev << 1) | ((code >> i) & 1u);
    }
    put_bits(w, rev, n);
}

/* Fixed literal/length code (RFC 1951 3.2.6). */
static void put_litlen(struct bit_out *w, unsigned sym)
{
    if (sym < 144) {
        put_code(w, 0x30u + sym, 8);
    } else if (sym < 256) {
        put_code(w, 0x190u + (sym - 144), 9);
    } else if (sym < 280) {
        put_code(w, sym - 256, 7);
    } else {
        put_code(w, 0xC0u + (sym - 280), 8);
    }
}

static void put_match(struct bit_out *w, unsigned len, unsigned dist)
{
    unsigned i = 28;
    while (len_base[i] > len) {
        i--;
    }
    put_litlen(w, 257 + i);
    put_bits(w, len - len_base[i], len_extra[i]);
    i = 29;
    while (dist_base[i] > dist) {
        i--;
    }
    put_code(w, i, 5);
    put_bits(w, dist - dist_base[i], dist_extra[i]);
}

static unsigned hash3(const uint8_t *p)
{
    uint32_t v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
    return (unsigned)((v * 2654435761u) >> 23) & (SSO_DEFLATE_HASH_SIZE - 1);
}

static void insert(struct sso_deflate_work *wk, const uint8_t *in, size_t pos)
{
    unsigned h = hash3(in + pos);
    wk->prev[pos & (SSO_DEFLATE_WINDOW - 1)] = wk->head[h];
    wk->head[h] = (uint16_t)(pos + 1);
}

int sso_deflate(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_size, size_t *needed,
                struct sso_deflate_work *work)
{
    struct bit_out w = {out, out != NULL ? out_size : 0, 0, 0, 0};
    size_t pos = 0;
    if ((in == NULL && in_len > 0) || work == NULL || needed == NULL) {
        return SSO_E_INVAL;
    }
    if (in_len > SSO_DEFLATE_IN_MAX) {
        return SSO_E_INVAL;
    }
    memset(work->head, 0, sizeof(work->head));
    put_bits(&w, 1, 1); /* BFINAL */
    put_bits(&w, 1, 2); /* BTYPE = 01, fixed Huffman */
    while (pos < in_len) {
        size_t best_len = 0, best_dist = 0;
        if (in_len - pos >= 3) {
            unsigned h = hash3(in + pos);
            size_t cand1 = work->head[h]; /* candidate position + 1 */
            size_t max_len = in_len - pos < 258 ? in_len - pos : 258;
            unsigned probes = 0;
            while (cand1 != 0 && probes < SSO_DEFLATE_MAX_CHAIN) {
                size_t cand = cand1 - 1, l = 0, next1;
                /* A slot overwritten by a newer position breaks the chain's order. */
                if (cand >= pos || pos - cand >= SSO_DEFLATE_WINDOW) {
                    break;
                }
                while (l < max_len && in[cand + l] == in[pos + l]) {
                    l++;
                }
                if (l > best_len) {
                    best_len = l;
                    best_dist = pos - cand;
                    if (l == max_len) {
                        break;
                    }
                }
                next1 = work->prev[cand & (SSO_DEFLATE_WINDOW - 1)];
                if (next1 >= cand1) {
                    break;
                }
                cand1 = next1;
                probes++;
            }
        }
        if (best_len >= 3) {
            /* Always cheaper than literals: at most 20 bits for 3 bytes in this window. */
            put_match(&w, (unsigned)best_len, (unsigned)best_dist);
            for (size_t k = 0; k < best_len; k++) {
                if (in_len - (pos + k) >= 3) {
                    insert(work, in, pos + k);
                }
            }
            pos += best_len;
        } else {
            put_litlen(&w, in[pos]);
            if (in_len - pos >= 3) {
                insert(work, in, pos);
            }
            pos++;
        }
    }
    put_litlen(&w, 256); /* end of block */
    if (w.bits > 0) {
        put_bits(&w, 0, 8 - w.bits);
    }
    *needed = w.len;
    return w.len <= w.size ? SSO_OK : SSO_E_NOSPC;
}

/* ---- decompressor --------------------------------------------------------------------- */

struct bit_in {
    const uint8_t *in;
    size_t len;
    size_t pos;
    uint32_t acc;
    unsigned bits;
    bool overrun; /* sticky: a read went past the end */
};

static uint32_t get_bits(struct bit_in *r, unsigned n)
{
    uint32_t v;
    while (r->bits < n) {
        if (r->pos >= r->len) {
            r->overrun = true;
            return 0;
        }
        r->acc |= (uint32_t)r->in[r->pos++] << r->bits;
        r->bits += 8;
    }
    v = r->acc & ((1u << n) - 1u);
    r->acc >>= n;
    r->bits -= n;
    return v;
}

/*
 * Canonical Huffman tables: count[len] codes of each length, symbol[] ordered by code.
 * Returns 0 for a complete code, > 0 for an incomplete one, < 0 if over-subscribed.
 */
static int build(uint16_t *count, uint16_t *symbol, const uint8_t *lengths, unsigned n)
{
    uint16_t offs[16];
    int left = 1;
    memset(count, 0, 16 * sizeof(count[0]));
    for (unsigned s = 0; s < n; s++) {
        count[lengths[s]]++;
    }
    if (count[0] == n) {
        return 0; /* no codes: complete, but nothing can be decoded */
    }
    for (unsigned l = 1; l < 16; l++) {
        left <<= 1;
        left -= count[l];
        if (left < 0) {
            return left;
        }
    }
    offs[1] = 0;
    for (unsigned l = 1; l < 15; l++) {
        offs[l + 1] = (uint16_t)(offs[l] + count[l]);
    }
    for (unsigned s = 0; s < n; s++) {
        if (lengths[s] != 0) {
            symbol[offs[lengths[s]]++] = (uint16_t)s;
        }
    }
    return left;
}

/* Decode one symbol, one bit at a time. Returns the symbol or -1. */
static int decode(struct bit_in *r, const uint16_t *count, const uint16_t *symbol)
{
    int code = 0, first = 0, index = 0;
    for (unsigned l = 1; l < 16; l++) {
        code |= (int)get_bits(r, 1);
        if (r->overrun) {
            return -1;
        }
        if (code - count[l] < first) {
            return symbol[index + (code - first)];
        }
        index += count[l];
        first += count[l];
        first <<= 1;
        code <<= 1;
    }
    return -1; /* a code of an incomplete set that was never assigned */
}

/* Is an incomplete code acceptable? Only a single code of length 1 (RFC 1951 3.2.7 allows
 * one distance code; zlib extends it to literal/length codes of one symbol). */
static bool incomplete_ok(int left, const uint16_t *count, unsigned n)
{
    return left == 0 || (left > 0 && count[0] + count[1] == n && count[1] == 1);
}

static int codes(struct bit_in *r, struct sso_inflate_work *wk, uint8_t *out, size_t cap, size_t *o)
{
    for (;;) {
        int sym = decode(r, wk->lit_count, wk->lit_symbol);
        if (sym < 0) {
            return SSO_E_DEFLATE;
        }
        if (sym < 256) {
            if (*o >= cap) {
                return SSO_E_DEFLATE; /* over the cap: bomb or simply too big */
            }
            out[(*o)++] = (uint8_t)sym;
        } else if (sym == 256) {
            return SSO_OK;
        } else {
            unsigned len, dist;
            int dsym;
            sym -= 257;
            if (sym >= 29) {
                return SSO_E_DEFLATE; /* 286, 287 */
            }
            len = len_base[sym] + get_bits(r, len_extra[sym]);
            dsym = decode(r, wk->dist_count, wk->dist_symbol);
            if (dsym < 0 || dsym >= 30) {
                return SSO_E_DEFLATE;
            }
            dist = dist_base[dsym] + get_bits(r, dist_extra[dsym]);
            if (r->overrun) {
                return SSO_E_DEFLATE;
            }
            if (dist > *o) {
                return SSO_E_DEFLATE; /* reference before the start of the output */
            }
            if (len > cap - *o) {
                return SSO_E_DEFLATE;
            }
            for (unsigned k = 0; k < len; k++) { /* may overlap: byte by byte */
                out[*o] = out[*o - dist];
                (*o)++;
            }
        }
    }
}

static int fixed_tables(struct sso_inflate_work *wk)
{
    unsigned s = 0;
    for (; s < 144; s++) {
        wk->lengths[s] = 8;
    }
    for (; s < 256; s++) {
        wk->lengths[s] = 9;
    }
    for (; s < 280; s++) {
        wk->lengths[s] = 7;
    }
    for (; s < 288; s++) {
        wk->lengths[s] = 8;
    }
    (void)build(wk->lit_count, wk->lit_symbol, wk->lengths, 288);
    memset(wk->lengths, 5, 30);
    (void)build(wk->dist_count, wk->dist_symbol, wk->lengths, 30);
    return SSO_OK;
}

static int dynamic_tables(struct bit_in *r, struct sso_inflate_work *wk)
{
    static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                      11, 4,  12, 3, 13, 2, 14, 1, 15};
    unsigned nlen = get_bits(r, 5) + 257, ndist = get_bits(r, 5) + 1, ncode = get_bits(r, 4) + 4;
    unsigned idx = 0;
    int left;
    if (r->overrun || nlen > 286 || ndist > 30) {
        return SSO_E_DEFLATE;
    }
    memset(wk->lengths, 0, 19);
    for (unsigned i = 0; i < ncode; i++) {
        wk->lengths[order[i]] = (uint8_t)get_bits(r, 3);
    }
    if (r->overrun) {
        return SSO_E_DEFLATE;
    }
    /* The code-length code is built in the distance tables, which are rebuilt below. */
    if (build(wk->dist_count, wk->dist_symbol, wk->lengths, 19) != 0) {
        return SSO_E_DEFLATE; /* must be complete */
    }
    while (idx < nlen + ndist) {
        int sym = decode(r, wk->dist_count, wk->dist_symbol);
        unsigned rep, val = 0;
        if (sym < 0) {
            return SSO_E_DEFLATE;
        }
        if (sym < 16) {
            wk->lengths[idx++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (idx == 0) {
                return SSO_E_DEFLATE; /* repeat with nothing before */
            }
            val = wk->lengths[idx - 1];
            rep = 3 + get_bits(r, 2);
        } else if (sym == 17) {
            rep = 3 + get_bits(r, 3);
        } else {
            rep = 11 + get_bits(r, 7);
        }
        if (r->overrun || rep > nlen + ndist - idx) {
            return SSO_E_DEFLATE;
        }
        while (rep-- > 0) {
            wk->lengths[idx++] = (uint8_t)val;
        }
    }
    if (wk->lengths[256] == 0) {
        return SSO_E_DEFLATE; /* no end-of-block code: the block could never end */
    }
    left = build(wk->lit_count, wk->lit_symbol, wk->lengths, nlen);
    if (left < 0 || !incomplete_ok(left, wk->lit_count, nlen)) {
        return SSO_E_DEFLATE;
    }
    left = build(wk->dist_count, wk->dist_symbol, wk->lengths + nlen, ndist);
    if (left < 0 || !incomplete_ok(left, wk->dist_count, ndist)) {
        return SSO_E_DEFLATE;
    }
    return SSO_OK;
}

int sso_inflate(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_size, size_t *out_len,
                struct sso_inflate_work *work)
{
    struct bit_in r = {in, in_len, 0, 0, 0, false};
    size_t cap = out_size < SSO_CFG_INFLATE_MAX ? out_size : SSO_CFG_INFLATE_MAX;
    size_t o = 0;
    unsigned final = 0;
    int rc = SSO_E_INTERNAL;
    if ((in == NULL && in_len > 0) || (out == NULL && out_size > 0) || out_len == NULL ||
        work == NULL) {
        return SSO_E_INVAL;
    }
    while (!final) {
        unsigned type;
        final = get_bits(&r, 1);
        type = get_bits(&r, 2);
        if (r.overrun) {
            rc = SSO_E_DEFLATE;
            goto out;
        }
        if (type == 0) {
            unsigned len, nlen;
            /* Stored: drop the rest of the current byte, then LEN and its complement. */
            r.acc = 0;
            r.bits = 0;
            if (r.len - r.pos < 4) {
                rc = SSO_E_DEFLATE;
                goto out;
            }
            len = r.in[r.pos] | ((unsigned)r.in[r.pos + 1] << 8);
            nlen = r.in[r.pos + 2] | ((unsigned)r.in[r.pos + 3] << 8);
            r.pos += 4;
            if (len != (~nlen & 0xFFFFu) || len > r.len - r.pos || len > cap - o) {
                rc = SSO_E_DEFLATE;
                goto out;
            }
            if (len > 0) {
                memcpy(out + o, r.in + r.pos, len);
            }
            r.pos += len;
            o += len;
            continue;
        }
        if (type == 1) {
            rc = fixed_tables(work);
        } else if (type == 2) {
            rc = dynamic_tables(&r, work);
        } else {
            rc = SSO_E_DEFLATE; /* reserved block type 11 */
        }
        if (rc != SSO_OK) {
            goto out;
        }
        rc = codes(&r, work, out, cap, &o);
        if (rc != SSO_OK) {
            goto out;
        }
    }
    /* Only zero padding bits may follow the final block: trailing bytes are data this
     * parser would silently ignore while another might not. */
    if (r.pos != r.len || (r.acc & ((1u << r.bits) - 1u)) != 0) {
        rc = SSO_E_DEFLATE;
        goto out;
    }
    *out_len = o;
    rc = SSO_OK;
out:
    return rc;
}
