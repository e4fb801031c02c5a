/*
 * Base64 (RFC 4648 section 4, standard alphabet), strict.
 *
 * Why strict: a SAMLResponse, a SignatureValue or an X509Certificate has exactly one
 * canonical base64 spelling. Accepting sloppy variants (missing padding, garbage between
 * quanta, non-zero trailing bits, text after '=') gives two parsers room to disagree on
 * what was signed or pinned (parser-differential attacks), and hides corrupted input. The
 * only tolerance is XML whitespace, because IdPs wrap base64 at 64 or 76 columns with CRLF.
 */
#include "sso/b64.h"

#include <stdint.h>

#include "sso/err.h"

/* Decoding table: 0..63 for the alphabet, WS for XML whitespace, PAD for '=', BAD for the
 * rest (NUL and every byte >= 0x80 included). */
enum {
    WS = 0x40,
    PAD = 0x41,
    BAD = 0xff,
};

/* clang-format off */
static const uint8_t dtab[256] = {
    /* 0x00 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, WS,  WS,  BAD, BAD, WS,  BAD, BAD,
    /* 0x10 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    /* 0x20 */ WS,  BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, 62,  BAD, BAD, BAD, 63,
    /* 0x30 */ 52,  53,  54,  55,  56,  57,  58,  59,  60,  61,  BAD, BAD, BAD, PAD, BAD, BAD,
    /* 0x40 */ BAD, 0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,
    /* 0x50 */ 15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25,  BAD, BAD, BAD, BAD, BAD,
    /* 0x60 */ BAD, 26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
    /* 0x70 */ 41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  BAD, BAD, BAD, BAD, BAD,
    /* 0x80 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    /* 0x90 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    /* 0xa0 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    /* 0xb0 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    /* 0xc0 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    /* 0xd0 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    /* 0xe0 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    /* 0xf0 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
};
/* clang-format on */

static const char etab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * One pass: validate everything, write what fits. Invalid input wins over a short buffer,
 * so the error does not depend on the caller's buffer size.
 */
int sso_b64_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size, size_t *out_len)
{
    uint32_t acc = 0;  /* sextets of the current quantum */
    unsigned nq = 0;   /* sextets (data or '=') seen in the current quantum, 0..3 */
    unsigned npad = 0; /* '=' seen in the current quantum */
    int done = 0;      /* a padded quantum ended the data: only whitespace may follow */
    size_t n = 0;      /* decoded bytes (written or not) */
    size_t i;

    if (out_len != NULL) {
        *out_len = 0;
    }
    if ((in == NULL && in_len) || (out == NULL && out_size)) {
        return SSO_E_INVAL;
    }
    for (i = 0; i < in_len; i++) {
        uint8_t v = dtab[(uint8_t)in[i]];
        if (v == WS) {
            continue;
        }
        if (v == BAD || done) {
            return SSO_E_B64; /* foreign byte, or data after the final padded quantum */
        }
        if (v == PAD) {
            /* '=' only in the last two positions of a quantum: "xx==" or "xxx=". */
            if (nq < 2) {
                return SSO_E_B64;
            }
            npad++;
        } else if (npad) {
            return SSO_E_B64; /* "xx=x": data after padding inside a quantum */
        } else {
            acc = (acc << 6) | v;
        }
        if (++nq < 4) {
            continue;
        }
        /* A full quantum of 4 sextets, npad of them '='. */
        if (npad == 2) {
            /* 12 bits carry 8: the low 4 must be zero (canonical form). */
            if (acc & 0x0fu) {
                return SSO_E_B64;
            }
            if (n < out_size) {
                out[n] = (uint8_t)(acc >> 4);
            }
            n += 1;
            done = 1;
        } else if (npad == 1) {
            /* 18 bits carry 16: the low 2 must be zero. */
            if (acc & 0x03u) {
                return SSO_E_B64;
            }
            if (n + 1 < out_size) {
                out[n] = (uint8_t)(acc >> 10);
                out[n + 1] = (uint8_t)(acc >> 2);
            }
            n += 2;
            done = 1;
        } else {
            if (n + 2 < out_size) {
                out[n] = (uint8_t)(acc >> 16);
                out[n + 1] = (uint8_t)(acc >> 8);
                out[n + 2] = (uint8_t)acc;
            }
            n += 3;
        }
        acc = 0;
        nq = 0;
        npad = 0;
    }
    if (nq != 0) {
        return SSO_E_B64; /* truncated quantum: unpadded or cut-off input */
    }
    if (n > out_size) {
        return SSO_E_NOSPC;
    }
    if (out_len != NULL) {
        *out_len = n;
    }
    return SSO_OK;
}

int sso_b64_encode(const uint8_t *in, size_t in_len, char *out, size_t out_size, size_t *out_len)
{
    size_t need, i, o = 0;

    if (out_len != NULL) {
        *out_len = 0;
    }
    if ((in == NULL && in_len) || (out == NULL && out_size)) {
        return SSO_E_INVAL;
    }
    /* ENCODED_LEN overflows size_t for in_len near SIZE_MAX. */
    if (in_len > (SIZE_MAX - 3) / 4 * 3) {
        return SSO_E_NOSPC;
    }
    need = SSO_B64_ENCODED_LEN(in_len);
    if (out_size < need + 1) {
        if (out_size) {
            out[0] = '\0';
        }
        return SSO_E_NOSPC;
    }
    for (i = 0; i + 3 <= in_len; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = etab[(v >> 18) & 63];
        out[o++] = etab[(v >> 12) & 63];
        out[o++] = etab[(v >> 6) & 63];
        out[o++] = etab[v & 63];
    }
    if (in_len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = etab[(v >> 18) & 63];
        out[o++] = etab[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (in_len - i == 2) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = etab[(v >> 18) & 63];
        out[o++] = etab[(v >> 12) & 63];
        out[o++] = etab[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
    if (out_len != NULL) {
        *out_len = o;
    }
    return SSO_OK;
}
