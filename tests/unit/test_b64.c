/* Base64: RFC 4648 vectors, XML whitespace, every rejection class, exact buffers. */
#include <string.h>

#include "harness.h"
#include "sso/b64.h"
#include "sso/err.h"

static int dec(const char *s, uint8_t *out, size_t out_size, size_t *out_len)
{
    return sso_b64_decode(s, strlen(s), out, out_size, out_len);
}

/* RFC 4648 section 10. */
static const struct {
    const char *plain;
    const char *enc;
} rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST_CASE(rfc4648_decode)
{
    for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
        uint8_t out[16];
        size_t n = 99;
        TEST_OK(dec(rfc4648[i].enc, out, sizeof(out), &n));
        TEST_EQ(n, strlen(rfc4648[i].plain));
        TEST_MEM_EQ(out, rfc4648[i].plain, n);
    }
}

TEST_CASE(rfc4648_encode)
{
    for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
        char out[16];
        size_t n = 99;
        const char *p = rfc4648[i].plain;
        TEST_OK(sso_b64_encode((const uint8_t *)p, strlen(p), out, sizeof(out), &n));
        TEST_EQ(n, strlen(rfc4648[i].enc));
        TEST_EQ(n, SSO_B64_ENCODED_LEN(strlen(p)));
        TEST_STR_EQ(out, rfc4648[i].enc);
    }
}

/* Every byte value, both alphabet ends ('+', '/'), round trip of all lengths 0..258. */
TEST_CASE(round_trip_all_bytes)
{
    static uint8_t data[258], back[258];
    static char enc[SSO_B64_ENCODED_LEN(258) + 1];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 7 + 3);
    }
    for (size_t len = 0; len <= sizeof(data); len++) {
        size_t n, m;
        TEST_OK(sso_b64_encode(data, len, enc, sizeof(enc), &n));
        TEST_EQ(n, SSO_B64_ENCODED_LEN(len));
        TEST_EQ(strlen(enc), n);
        TEST_OK(sso_b64_decode(enc, n, back, sizeof(back), &m));
        TEST_EQ(m, len);
        TEST_MEM_EQ(back, data, len);
        TEST_TRUE(m <= SSO_B64_DECODED_MAX(n));
    }
    {
        size_t m;
        TEST_OK(dec("+/+/", back, sizeof(back), &m));
        TEST_EQ(m, 3);
        TEST_EQ(back[0], 0xfb);
        TEST_EQ(back[1], 0xff);
        TEST_EQ(back[2], 0xbf);
    }
}

/* IdPs wrap at 64/76 columns with CRLF, indent with spaces or tabs: all skipped. */
TEST_CASE(xml_whitespace_skipped)
{
    uint8_t out[16];
    size_t n;
    TEST_OK(dec("Zm9v\r\nYmFy\r\n", out, sizeof(out), &n));
    TEST_EQ(n, 6);
    TEST_MEM_EQ(out, "foobar", 6);
    TEST_OK(dec("\n\t  Zm 9v\tYm\rFy  \n", out, sizeof(out), &n));
    TEST_EQ(n, 6);
    TEST_MEM_EQ(out, "foobar", 6);
    /* Whitespace inside and after the padding. */
    TEST_OK(dec("Zm9vYg=\r\n=\r\n", out, sizeof(out), &n));
    TEST_EQ(n, 4);
    TEST_MEM_EQ(out, "foob", 4);
    /* Whitespace only is the empty string. */
    TEST_OK(dec(" \r\n\t", out, sizeof(out), &n));
    TEST_EQ(n, 0);
}

TEST_CASE(rejects_foreign_characters)
{
    static const char *const bad[] = {
        "Zm9v!mFy",         /* punctuation */
        "Zm9v-mFy",         /* base64url alphabet */
        "Zm9v_mFy",         /* base64url alphabet */
        "Zm9v\vYmFy",       /* VT is not XML whitespace */
        "Zm9v\fYmFy",       /* FF is not XML whitespace */
        "Zm9v\xc2\xa0YmFy", /* NBSP */
        "Zm9v.YmFy",
    };
    uint8_t out[16];
    size_t n = 77;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        TEST_EQ(dec(bad[i], out, sizeof(out), &n), SSO_E_B64);
        TEST_EQ(n, 0);
    }
    /* An embedded NUL is a foreign byte, not the end of the input. */
    TEST_EQ(sso_b64_decode("Zm9v\0YmFy", 9, out, sizeof(out), &n), SSO_E_B64);
}

TEST_CASE(rejects_bad_padding)
{
    static const char *const bad[] = {
        "Zg",       /* unpadded */
        "Zg=",      /* short padding */
        "Zm8",      /* unpadded */
        "Z===",     /* three pads */
        "====",     /* only padding */
        "=Zg=",     /* pad first */
        "Z=g=",     /* pad in second position */
        "Zg=g",     /* data after a pad within the quantum */
        "Zm9vY",    /* one dangling sextet */
        "Zm9vYg=",  /* truncated padding */
        "Zg==Zg==", /* a second quantum after padding */
        "Zm8=Zm8=", /* same with one pad */
        "Zg===",    /* extra pad */
        "Zg== =",   /* extra pad after whitespace */
        "Zm8==",    /* extra pad */
    };
    uint8_t out[16];
    size_t n;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (dec(bad[i], out, sizeof(out), &n) != SSO_E_B64) {
            lk_test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
            return;
        }
    }
}

/* Non-canonical spellings: the bits dropped by the padding must be zero. */
TEST_CASE(rejects_nonzero_trailing_bits)
{
    uint8_t out[16];
    size_t n;
    TEST_OK(dec("Zg==", out, sizeof(out), &n));
    TEST_EQ(dec("Zh==", out, sizeof(out), &n), SSO_E_B64); /* 'h' = 33: low 4 bits 0001 */
    TEST_EQ(dec("Zv==", out, sizeof(out), &n), SSO_E_B64);
    TEST_OK(dec("Zm8=", out, sizeof(out), &n));
    TEST_EQ(dec("Zm9=", out, sizeof(out), &n), SSO_E_B64); /* '9' = 61: low 2 bits 01 */
    TEST_EQ(dec("Zm/=", out, sizeof(out), &n), SSO_E_B64);
}

TEST_CASE(exact_size_buffers)
{
    uint8_t out[6];
    char enc[9];
    size_t n;
    /* Decode: exactly the decoded size works, one less is NOSPC. */
    TEST_OK(dec("Zm9vYmFy", out, 6, &n));
    TEST_EQ(n, 6);
    TEST_EQ(dec("Zm9vYmFy", out, 5, &n), SSO_E_NOSPC);
    TEST_EQ(n, 0);
    TEST_OK(dec("Zm9vYg==", out, 4, &n));
    TEST_EQ(n, 4);
    TEST_EQ(dec("Zm9vYg==", out, 3, &n), SSO_E_NOSPC);
    TEST_OK(dec("Zm9vYmE=", out, 5, &n));
    TEST_EQ(n, 5);
    TEST_EQ(dec("Zm9vYmE=", out, 4, &n), SSO_E_NOSPC);
    TEST_OK(dec("", NULL, 0, &n));
    TEST_EQ(n, 0);
    TEST_EQ(dec("Zg==", NULL, 0, &n), SSO_E_NOSPC);
    /* Invalid input is reported as such whatever the buffer size. */
    TEST_EQ(dec("Zm9vYm!y", out, 1, &n), SSO_E_B64);
    /* Encode needs ENCODED_LEN + 1 for the NUL. */
    TEST_OK(sso_b64_encode((const uint8_t *)"foobar", 6, enc, 9, &n));
    TEST_EQ(n, 8);
    TEST_STR_EQ(enc, "Zm9vYmFy");
    TEST_EQ(sso_b64_encode((const uint8_t *)"foobar", 6, enc, 8, &n), SSO_E_NOSPC);
    TEST_EQ(n, 0);
    TEST_STR_EQ(enc, "");
    TEST_OK(sso_b64_encode(NULL, 0, enc, 1, &n));
    TEST_STR_EQ(enc, "");
    TEST_EQ(sso_b64_encode(NULL, 0, enc, 0, &n), SSO_E_NOSPC);
}

TEST_CASE(invalid_arguments)
{
    uint8_t out[4];
    char enc[8];
    size_t n;
    TEST_EQ(sso_b64_decode(NULL, 4, out, sizeof(out), &n), SSO_E_INVAL);
    TEST_EQ(sso_b64_decode("Zg==", 4, NULL, 4, &n), SSO_E_INVAL);
    TEST_EQ(sso_b64_encode(NULL, 1, enc, sizeof(enc), &n), SSO_E_INVAL);
    TEST_EQ(sso_b64_encode(out, 1, NULL, 8, &n), SSO_E_INVAL);
    /* out_len may be NULL. */
    TEST_OK(sso_b64_decode("Zg==", 4, out, sizeof(out), NULL));
    TEST_EQ(out[0], 'f');
}

/* A wrapped 1 KiB value as IdPs send it: 76 columns, CRLF. */
TEST_CASE(wrapped_long_value)
{
    static uint8_t data[1024], back[1024];
    static char enc[SSO_B64_ENCODED_LEN(1024) + 1], wrapped[2 * sizeof(enc)];
    size_t n, w = 0;
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i ^ (i >> 3));
    }
    TEST_OK(sso_b64_encode(data, sizeof(data), enc, sizeof(enc), &n));
    for (size_t i = 0; i < n; i++) {
        wrapped[w++] = enc[i];
        if (i % 76 == 75) {
            wrapped[w++] = '\r';
            wrapped[w++] = '\n';
        }
    }
    TEST_OK(sso_b64_decode(wrapped, w, back, sizeof(back), &n));
    TEST_EQ(n, sizeof(data));
    TEST_MEM_EQ(back, data, sizeof(data));
    TEST_EQ(sso_b64_decode(wrapped, w, back, sizeof(back) - 1, &n), SSO_E_NOSPC);
}

static const struct lk_test_case cases[] = {
    LK_CASE(rfc4648_decode),
    LK_CASE(rfc4648_encode),
    LK_CASE(round_trip_all_bytes),
    LK_CASE(xml_whitespace_skipped),
    LK_CASE(rejects_foreign_characters),
    LK_CASE(rejects_bad_padding),
    LK_CASE(rejects_nonzero_trailing_bits),
    LK_CASE(exact_size_buffers),
    LK_CASE(invalid_arguments),
    LK_CASE(wrapped_long_value),
};
TEST_MAIN(cases)
