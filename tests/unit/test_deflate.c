/* Raw DEFLATE compressor and bounded decompressor (sso/deflate.h). Python's zlib is the
 * independent implementation: deflate_vectors.h holds streams it produced (see
 * tests/vectors/deflate/gen_vectors.py), and tests/corpus/md/deflate_interop.py inflates
 * our output with it at test time. */
#include <string.h>

#include "deflate_vectors.h"
#include "harness.h"
#include "sso/deflate.h"
#include "sso/err.h"
#include "sso/sso_config.h"

static struct sso_deflate_work dwork;
static struct sso_inflate_work iwork;
static uint8_t big[SSO_CFG_INFLATE_MAX + 64];
static uint8_t comp[SSO_DEFLATE_BOUND(SSO_CFG_INFLATE_MAX + 64)];

static int inflate(const uint8_t *in, size_t len, uint8_t *out, size_t size, size_t *n)
{
    return sso_inflate(in, len, out, size, n, &iwork);
}

/* Deflate then inflate @p in; returns the compressed size or -1. */
static long round_trip(const uint8_t *in, size_t len)
{
    size_t clen = 0, n = 0;
    if (sso_deflate(in, len, comp, sizeof(comp), &clen, &dwork) != SSO_OK) {
        return -1;
    }
    if (clen > SSO_DEFLATE_BOUND(len)) {
        return -1;
    }
    if (inflate(comp, clen, big, sizeof(big), &n) != SSO_OK || n != len) {
        return -1;
    }
    if (len > 0 && memcmp(big, in, len) != 0) {
        return -1;
    }
    return (long)clen;
}

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

TEST_CASE(inflate_zlib_vectors)
{
    size_t n = 0;
    TEST_OK(inflate(vec_stored_z, vec_stored_z_len, big, sizeof(big), &n));
    TEST_EQ(n, vec_stored_plain_len);
    TEST_MEM_EQ(big, vec_stored_plain, n);
    TEST_OK(inflate(vec_fixed_z, vec_fixed_z_len, big, sizeof(big), &n));
    TEST_EQ(n, vec_fixed_plain_len);
    TEST_MEM_EQ(big, vec_fixed_plain, n);
    TEST_OK(inflate(vec_dynamic_z, vec_dynamic_z_len, big, sizeof(big), &n));
    TEST_EQ(n, vec_dynamic_plain_len);
    TEST_MEM_EQ(big, vec_dynamic_plain, n);
    TEST_OK(inflate(vec_authn_default_z, vec_authn_default_z_len, big, sizeof(big), &n));
    TEST_EQ(n, vec_authn_default_plain_len);
    TEST_MEM_EQ(big, vec_authn_default_plain, n);
    TEST_OK(inflate(vec_sync_flush_z, vec_sync_flush_z_len, big, sizeof(big), &n));
    TEST_EQ(n, vec_sync_flush_plain_len);
    TEST_MEM_EQ(big, vec_sync_flush_plain, n);
    TEST_OK(inflate(vec_empty_z, vec_empty_z_len, big, sizeof(big), &n));
    TEST_EQ(n, 0);
}

TEST_CASE(inflate_cap_exact_and_bombs)
{
    size_t n = 0;
    /* Exactly SSO_CFG_INFLATE_MAX bytes inflate. */
    TEST_OK(inflate(vec_rle_z, vec_rle_z_len, big, sizeof(big), &n));
    TEST_EQ(n, SSO_CFG_INFLATE_MAX);
    for (size_t i = 0; i < n; i++) {
        TEST_EQ(big[i], 'a');
    }
    /* One more byte is over the cap, whatever the buffer size. */
    TEST_EQ(inflate(vec_over_cap_z, vec_over_cap_z_len, big, sizeof(big), &n), SSO_E_DEFLATE);
    /* 1 MiB of zeros from ~1 KB: refused at the cap, not truncated. */
    TEST_EQ(inflate(vec_bomb_1m_z, vec_bomb_1m_z_len, big, sizeof(big), &n), SSO_E_DEFLATE);
    /* A smaller caller buffer is the cap. */
    TEST_EQ(inflate(vec_fixed_z, vec_fixed_z_len, big, vec_fixed_plain_len - 1, &n), SSO_E_DEFLATE);
    TEST_OK(inflate(vec_fixed_z, vec_fixed_z_len, big, vec_fixed_plain_len, &n));
    TEST_EQ(inflate(vec_stored_z, vec_stored_z_len, big, vec_stored_plain_len - 1, &n),
            SSO_E_DEFLATE);
    TEST_EQ(inflate(vec_dynamic_z, vec_dynamic_z_len, big, 10, &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(vec_empty_z, vec_empty_z_len, NULL, 0, &n), SSO_OK);
}

TEST_CASE(inflate_rejects_truncation_and_trailing_bytes)
{
    static const struct {
        const uint8_t *z;
        size_t len;
    } v[] = {
        {vec_stored_z, 0},
        {vec_fixed_z, 0},
        {vec_dynamic_z, 0},
        {vec_sync_flush_z, 0},
    };
    const size_t lens[] = {vec_stored_z_len, vec_fixed_z_len, vec_dynamic_z_len,
                           vec_sync_flush_z_len};
    static uint8_t buf[4096];
    size_t n = 0;
    for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        /* Every proper prefix fails. */
        for (size_t cut = 0; cut < lens[k]; cut++) {
            if (inflate(v[k].z, cut, big, sizeof(big), &n) != SSO_E_DEFLATE) {
                lk_test_fail(__FILE__, __LINE__, "vector %zu accepted at length %zu", k, cut);
                return;
            }
        }
        /* A byte after the final block is refused. */
        TEST_TRUE(lens[k] < sizeof(buf));
        memcpy(buf, v[k].z, lens[k]);
        buf[lens[k]] = 0;
        TEST_EQ(inflate(buf, lens[k] + 1, big, sizeof(big), &n), SSO_E_DEFLATE);
    }
}

TEST_CASE(inflate_rejects_malformed)
{
    size_t n = 0;
    /* BFINAL=1, BTYPE=11 (reserved). */
    static const uint8_t reserved[] = {0x07, 0x00};
    /* Stored block whose NLEN is not the complement of LEN. */
    static const uint8_t bad_nlen[] = {0x01, 0x01, 0x00, 0xff, 0xff, 'x'};
    /* Stored block claiming more bytes than present. */
    static const uint8_t short_stored[] = {0x01, 0x05, 0x00, 0xfa, 0xff, 'a', 'b'};
    /* Fixed block starting with a match (length 3, distance 1) before any output:
     * bits: 1, 01, then code 257 = 0000001 (7 bits), dist code 0 = 00000. */
    static const uint8_t early_match[] = {0x03, 0x02, 0x00};
    /* Fixed block using literal/length symbol 286 (11000110, invalid). */
    static const uint8_t sym286[] = {0x1b, 0x03, 0x00};
    /* Fixed block: literal 'a' then distance code 30 (11110, invalid). */
    static const uint8_t dist30[] = {0x4b, 0x04, 0x3e, 0x00};
    /* The byte strings below were built bit by bit and checked to fail in Python's zlib
     * too (zlib.decompress(b, -15)). Dynamic header with HLIT=30 (287 > 286 codes). */
    static const uint8_t hlit_bad[] = {0xf5, 0xe0, 0x93, 0x24, 0x49, 0x92, 0x24, 0x49, 0x92, 0x00};
    /* Dynamic block: all 19 code-length code lengths zero. */
    static const uint8_t cl_empty[] = {0x05, 0xe0, 0x01, 0x00, 0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    /* Dynamic block: code-length code over-subscribed (all 19 lengths = 1). */
    static const uint8_t cl_over[] = {0x05, 0xe0, 0x93, 0x24, 0x49, 0x92,
                                      0x24, 0x49, 0x92, 0x00, 0x00, 0x00};
    /* Dynamic block whose first code length is "repeat previous" (16): nothing to repeat. */
    static const uint8_t repeat_first[] = {0x05, 0x00, 0x02, 0x24, 0x00};
    /* Non-final stored empty block, then nothing: no final block. */
    static const uint8_t no_final[] = {0x00, 0x00, 0x00, 0xff, 0xff};
    TEST_EQ(inflate(reserved, sizeof(reserved), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(bad_nlen, sizeof(bad_nlen), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(short_stored, sizeof(short_stored), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(early_match, sizeof(early_match), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(sym286, sizeof(sym286), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(dist30, sizeof(dist30), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(hlit_bad, sizeof(hlit_bad), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(cl_empty, sizeof(cl_empty), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(cl_over, sizeof(cl_over), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(no_final, sizeof(no_final), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(repeat_first, sizeof(repeat_first), big, sizeof(big), &n), SSO_E_DEFLATE);
    TEST_EQ(inflate(NULL, 0, big, sizeof(big), &n), SSO_E_DEFLATE); /* empty stream */
    TEST_EQ(sso_inflate(NULL, 3, big, sizeof(big), &n, &iwork), SSO_E_INVAL);
    TEST_EQ(sso_inflate(reserved, 2, big, sizeof(big), NULL, &iwork), SSO_E_INVAL);
    TEST_EQ(sso_inflate(reserved, 2, big, sizeof(big), &n, NULL), SSO_E_INVAL);
}

TEST_CASE(inflate_survives_corruption)
{
    /* Flip every bit of the dynamic vector in turn: each result is SSO_OK with bounded
     * output or SSO_E_DEFLATE, never a crash or overrun (ASan watches). */
    static uint8_t buf[8192];
    size_t n = 0;
    unsigned ok = 0, bad = 0;
    TEST_TRUE(vec_dynamic_z_len <= sizeof(buf));
    for (size_t bit = 0; bit < vec_dynamic_z_len * 8; bit += 3) {
        int rc;
        memcpy(buf, vec_dynamic_z, vec_dynamic_z_len);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        rc = inflate(buf, vec_dynamic_z_len, big, sizeof(big), &n);
        if (rc == SSO_OK) {
            TEST_TRUE(n <= SSO_CFG_INFLATE_MAX);
            ok++;
        } else {
            TEST_EQ(rc, SSO_E_DEFLATE);
            bad++;
        }
    }
    TEST_TRUE(bad > 0);
    (void)ok;
}

TEST_CASE(deflate_round_trips)
{
    static uint8_t in[SSO_CFG_INFLATE_MAX];
    uint32_t seed = 12345;
    long c;
    TEST_EQ(round_trip(NULL, 0), 2); /* header + end-of-block: 10 bits */
    TEST_TRUE(round_trip((const uint8_t *)"a", 1) > 0);
    TEST_TRUE(round_trip((const uint8_t *)"abc", 3) > 0);
    /* The AuthnRequest from the zlib vectors compresses well. */
    c = round_trip(vec_fixed_plain, vec_fixed_plain_len);
    TEST_TRUE(c > 0 && (size_t)c < vec_fixed_plain_len * 3 / 4);
    c = round_trip(vec_dynamic_plain, vec_dynamic_plain_len);
    TEST_TRUE(c > 0 && (size_t)c < vec_dynamic_plain_len / 2);
    /* Long runs (overlapping matches, 258-byte cap). */
    memset(in, 'z', sizeof(in));
    c = round_trip(in, sizeof(in));
    TEST_TRUE(c > 0 && c < 200);
    /* Random bytes: incompressible, stays within the bound. */
    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)lcg(&seed);
    }
    TEST_TRUE(round_trip(in, sizeof(in)) > 0);
    /* Low-entropy random text with distant repeats (window edge, chain limits). */
    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)("ab<>/= \"x"[lcg(&seed) % 9]);
    }
    TEST_TRUE(round_trip(in, sizeof(in)) > 0);
    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)(i % 1500 < 700 ? i % 97 : (i * 31) % 251);
    }
    TEST_TRUE(round_trip(in, sizeof(in)) > 0);
    /* Every length from 0 to 300 of a repetitive pattern. */
    for (size_t len = 0; len <= 300; len++) {
        for (size_t i = 0; i < len; i++) {
            in[i] = (uint8_t)("SAMLRequest"[i % 11]);
        }
        if (round_trip(in, len) < 0) {
            lk_test_fail(__FILE__, __LINE__, "round trip failed at length %zu", len);
            return;
        }
    }
}

TEST_CASE(deflate_reports_needed_size)
{
    uint8_t small[16];
    size_t need = 0, need2 = 0;
    TEST_EQ(sso_deflate(vec_fixed_plain, vec_fixed_plain_len, small, sizeof(small), &need, &dwork),
            SSO_E_NOSPC);
    TEST_TRUE(need > sizeof(small));
    TEST_EQ(sso_deflate(vec_fixed_plain, vec_fixed_plain_len, NULL, 0, &need2, &dwork),
            SSO_E_NOSPC);
    TEST_EQ(need2, need);
    TEST_OK(sso_deflate(vec_fixed_plain, vec_fixed_plain_len, comp, need, &need2, &dwork));
    TEST_EQ(need2, need);
    TEST_EQ(sso_deflate(vec_fixed_plain, vec_fixed_plain_len, comp, need - 1, &need2, &dwork),
            SSO_E_NOSPC);
    TEST_EQ(sso_deflate(big, SSO_DEFLATE_IN_MAX + 1, comp, sizeof(comp), &need, &dwork),
            SSO_E_INVAL);
    TEST_EQ(sso_deflate(NULL, 1, comp, sizeof(comp), &need, &dwork), SSO_E_INVAL);
    TEST_EQ(sso_deflate(big, 1, comp, sizeof(comp), NULL, &dwork), SSO_E_INVAL);
    TEST_EQ(sso_deflate(big, 1, comp, sizeof(comp), &need, NULL), SSO_E_INVAL);
}

static const struct lk_test_case cases[] = {
    LK_CASE(inflate_zlib_vectors),
    LK_CASE(inflate_cap_exact_and_bombs),
    LK_CASE(inflate_rejects_truncation_and_trailing_bytes),
    LK_CASE(inflate_rejects_malformed),
    LK_CASE(inflate_survives_corruption),
    LK_CASE(deflate_round_trips),
    LK_CASE(deflate_reports_needed_size),
};
TEST_MAIN(cases)
