/*
 * The SAML core's cryptography over mbedTLS 3.6 (sso/crypto.h). This is the only file of
 * sso/ that includes mbedTLS headers: moving to another library (or to mbedTLS 4 and PSA)
 * means rewriting this file and nothing else.
 *
 * Memory: hash contexts live in the caller's struct sso_md_ctx; everything bigger than a
 * few hundred bytes (X.509 and GCM contexts, the RSA-OAEP work area) comes from
 * sso_calloc() and is wiped and freed before return, so no function here needs more than
 * the target's per-function stack budget.
 *
 * Two things are done by hand on top of mbedTLS, each for a stated reason:
 * - ECDSA signatures arrive as raw r||s (XML-DSig, RFC 4051) and are re-encoded as the
 *   DER SEQUENCE mbedTLS verifies.
 * - RSA-OAEP decoding (RFC 8017 7.1.2) runs on mbedTLS's raw, blinded private-key
 *   operation, because mbedTLS uses one hash for both the OAEP label hash and MGF1, while
 *   XML Encryption's rsa-oaep-mgf1p fixes MGF1 to SHA-1 whatever its DigestMethod says
 *   (so DigestMethod SHA-256 means SHA-256 + MGF1-SHA-1), and xmlenc11#rsa-oaep names the
 *   two digests separately.
 */
#include "sso/crypto.h"

#include <string.h>

#include "mbedtls/aes.h"
#include "mbedtls/asn1.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/ecp.h"
#include "mbedtls/error.h"
#include "mbedtls/gcm.h"
#include "mbedtls/pk.h"
#include "mbedtls/pkcs5.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/rsa.h"
#include "mbedtls/sha1.h"
#include "mbedtls/sha256.h"
#include "mbedtls/sha512.h"
#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "sso/alloc.h"
#include "sso/b64.h"
#include "sso/err.h"

/* Largest RSA modulus handled, in bytes (RSA-4096: JumpCloud signs with it). */
#define RSA_MAX_BYTES 512

/* ---- hashes --------------------------------------------------------------------------- */

/* What a struct sso_md_ctx really holds. Direct SHA contexts rather than mbedtls_md_*:
 * those allocate on setup, and a hash must not fail for lack of heap. */
struct md_state {
    enum sso_md_alg alg; /* SSO_MD_NONE when idle (never started, finished or aborted) */
    union {
        mbedtls_sha1_context sha1;
        mbedtls_sha256_context sha256;
        mbedtls_sha512_context sha512;
    } u;
};

_Static_assert(sizeof(struct md_state) <= sizeof(struct sso_md_ctx),
               "mbedTLS hash contexts do not fit struct sso_md_ctx: enlarge its opaque[]");
_Static_assert(_Alignof(struct md_state) <= _Alignof(struct sso_md_ctx),
               "struct sso_md_ctx is less aligned than the mbedTLS hash contexts");

static struct md_state *md_state_of(struct sso_md_ctx *ctx)
{
    return (struct md_state *)(void *)ctx->opaque;
}

size_t sso_crypto_md_size(enum sso_md_alg alg)
{
    switch (alg) {
    case SSO_MD_SHA1:
        return 20;
    case SSO_MD_SHA256:
        return 32;
    case SSO_MD_SHA384:
        return 48;
    case SSO_MD_SHA512:
        return 64;
    case SSO_MD_NONE:
        break;
    }
    return 0;
}

static mbedtls_md_type_t md_type(enum sso_md_alg alg)
{
    switch (alg) {
    case SSO_MD_SHA1:
        return MBEDTLS_MD_SHA1;
    case SSO_MD_SHA256:
        return MBEDTLS_MD_SHA256;
    case SSO_MD_SHA384:
        return MBEDTLS_MD_SHA384;
    case SSO_MD_SHA512:
        return MBEDTLS_MD_SHA512;
    case SSO_MD_NONE:
        break;
    }
    return MBEDTLS_MD_NONE;
}

static void md_wipe(struct md_state *st)
{
    switch (st->alg) {
    case SSO_MD_SHA1:
        mbedtls_sha1_free(&st->u.sha1);
        break;
    case SSO_MD_SHA256:
        mbedtls_sha256_free(&st->u.sha256);
        break;
    case SSO_MD_SHA384:
    case SSO_MD_SHA512:
        mbedtls_sha512_free(&st->u.sha512);
        break;
    case SSO_MD_NONE:
        break;
    }
    mbedtls_platform_zeroize(st, sizeof(*st));
}

static int md_begin(struct md_state *st, enum sso_md_alg alg)
{
    int ret = -1;
    memset(st, 0, sizeof(*st));
    if (sso_crypto_md_size(alg) == 0) {
        return SSO_E_INVAL; /* SSO_MD_NONE or not an algorithm at all */
    }
    switch (alg) {
    case SSO_MD_SHA1:
        mbedtls_sha1_init(&st->u.sha1);
        ret = mbedtls_sha1_starts(&st->u.sha1);
        break;
    case SSO_MD_SHA256:
        mbedtls_sha256_init(&st->u.sha256);
        ret = mbedtls_sha256_starts(&st->u.sha256, 0);
        break;
    case SSO_MD_SHA384:
    case SSO_MD_SHA512:
        mbedtls_sha512_init(&st->u.sha512);
        ret = mbedtls_sha512_starts(&st->u.sha512, alg == SSO_MD_SHA384);
        break;
    case SSO_MD_NONE:
        return SSO_E_INVAL;
    }
    if (ret != 0) {
        return SSO_E_INTERNAL;
    }
    st->alg = alg;
    return SSO_OK;
}

static int md_feed(struct md_state *st, const void *data, size_t len)
{
    int ret = -1;
    switch (st->alg) {
    case SSO_MD_SHA1:
        ret = mbedtls_sha1_update(&st->u.sha1, data, len);
        break;
    case SSO_MD_SHA256:
        ret = mbedtls_sha256_update(&st->u.sha256, data, len);
        break;
    case SSO_MD_SHA384:
    case SSO_MD_SHA512:
        ret = mbedtls_sha512_update(&st->u.sha512, data, len);
        break;
    case SSO_MD_NONE:
        return SSO_E_INVAL; /* not started, or already finished */
    }
    return ret == 0 ? SSO_OK : SSO_E_INTERNAL;
}

/* Finish into out (sso_crypto_md_size() bytes) and wipe the state in every case. */
static int md_end(struct md_state *st, uint8_t *out)
{
    int ret = -1;
    switch (st->alg) {
    case SSO_MD_SHA1:
        ret = mbedtls_sha1_finish(&st->u.sha1, out);
        break;
    case SSO_MD_SHA256:
        ret = mbedtls_sha256_finish(&st->u.sha256, out);
        break;
    case SSO_MD_SHA384:
    case SSO_MD_SHA512:
        ret = mbedtls_sha512_finish(&st->u.sha512, out);
        break;
    case SSO_MD_NONE:
        return SSO_E_INVAL;
    }
    md_wipe(st);
    return ret == 0 ? SSO_OK : SSO_E_INTERNAL;
}

int sso_crypto_md_start(struct sso_md_ctx *ctx, enum sso_md_alg alg)
{
    if (ctx == NULL) {
        return SSO_E_INVAL;
    }
    return md_begin(md_state_of(ctx), alg);
}

int sso_crypto_md_update(struct sso_md_ctx *ctx, const void *data, size_t len)
{
    if (ctx == NULL || (data == NULL && len)) {
        return SSO_E_INVAL;
    }
    return md_feed(md_state_of(ctx), data, len);
}

int sso_crypto_md_finish(struct sso_md_ctx *ctx, uint8_t *out)
{
    if (ctx == NULL || out == NULL) {
        if (ctx != NULL) {
            md_wipe(md_state_of(ctx));
        }
        return SSO_E_INVAL;
    }
    return md_end(md_state_of(ctx), out);
}

void sso_crypto_md_abort(struct sso_md_ctx *ctx)
{
    if (ctx != NULL) {
        md_wipe(md_state_of(ctx));
    }
}

int sso_crypto_md(enum sso_md_alg alg, const void *data, size_t len, uint8_t *out)
{
    struct md_state st;
    int rc;
    if ((data == NULL && len) || out == NULL) {
        return SSO_E_INVAL;
    }
    rc = md_begin(&st, alg);
    if (rc != SSO_OK) {
        return rc;
    }
    rc = md_feed(&st, data, len);
    if (rc != SSO_OK) {
        md_wipe(&st);
        return rc;
    }
    return md_end(&st, out);
}

/* ---- randomness bridge ---------------------------------------------------------------- */

/* mbedTLS's f_rng over an sso_rng_fn; remembers a failure so it can be reported as
 * SSO_E_RANDOM rather than as whatever mbedTLS made of it. */
struct rng_bridge {
    sso_rng_fn fn;
    void *ctx;
    int failed;
};

static int rng_bridge_cb(void *p, unsigned char *buf, size_t len)
{
    struct rng_bridge *b = p;
    if (b->fn(b->ctx, buf, len) != 0) {
        b->failed = 1;
        return MBEDTLS_ERR_ERROR_GENERIC_ERROR;
    }
    return 0;
}

/* ---- errors --------------------------------------------------------------------------- */

/* Allocations refused so far (sso/alloc.h). mbedTLS often reports a failed allocation as
 * a format error (pk_parse_key tries the next key format and returns that one's error),
 * so "did the heap say no during this call" is asked of the allocator instead: running
 * out of memory is reported as such, not as a bad key or certificate. */
static size_t alloc_refusals(void)
{
    struct sso_alloc_stats st;
    sso_alloc_stats(&st);
    return st.failed;
}

/* ---- certificates --------------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), valid for every year mbedTLS
 * accepts (0..9999). Counts in 400-year eras of 146097 days, with years starting in
 * March so that the leap day is the last day of the year. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    if (m <= 2) {
        y -= 1;
    }
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;                                   /* 0..399 */
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
    return era * 146097 + doe - 719468; /* 719468: days from 0000-03-01 to 1970-01-01 */
}

static int64_t x509_time_to_unix(const mbedtls_x509_time *t)
{
    return days_from_civil(t->year, t->mon, t->day) * 86400 + (int64_t)t->hour * 3600 +
           (int64_t)t->min * 60 + t->sec;
}

struct cert_work {
    mbedtls_x509_crt crt;
    char dn[512];
};

/* DER header of a SEQUENCE of len content bytes (len < 65536). Returns its size; writes
 * it when out is not NULL. */
static size_t der_seq_header(uint8_t *out, size_t len)
{
    size_t n = len < 0x80 ? 2 : len < 0x100 ? 3 : 4;
    if (out != NULL) {
        out[0] = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
        if (n == 2) {
            out[1] = (uint8_t)len;
        } else if (n == 3) {
            out[1] = 0x81;
            out[2] = (uint8_t)len;
        } else {
            out[1] = 0x82;
            out[2] = (uint8_t)(len >> 8);
            out[3] = (uint8_t)len;
        }
    }
    return n;
}

/*
 * A copy of the certificate with both signatureAlgorithm fields set to
 * sha256WithRSAEncryption, for mbedTLS to parse. Why: mbedTLS refuses a certificate whose
 * own signature algorithm it does not know (md5WithRSAEncryption from Oracle Access
 * Manager, a bogus OID 0.0 from OneLogin's examples). An IdP certificate is only a key
 * carrier: its signature is never checked (it is pinned, not chained), so the algorithm
 * that made it does not matter. Everything else is parsed as given.
 */
static int cert_neutral_sigalg_copy(const uint8_t *der, size_t der_len, uint8_t **copy,
                                    size_t *copy_len)
{
    static const uint8_t alg[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                  0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
    const int seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
    unsigned char *p = (unsigned char *)(uintptr_t)der; /* mbedtls_asn1_get_tag only reads */
    const unsigned char *end = der + der_len, *t0, *tend, *a0, *a1, *s0;
    size_t len, tbs_len, cert_len, o;
    uint8_t *c;

    if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0 || p + len != end ||
        mbedtls_asn1_get_tag(&p, end, &len, seq) != 0) {
        return SSO_E_MD_CERT;
    }
    t0 = p;
    tend = p + len;
    if (p < tend && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0)) {
        if (mbedtls_asn1_get_tag(&p, tend, &len, *p) != 0) {
            return SSO_E_MD_CERT;
        }
        p += len;
    }
    if (mbedtls_asn1_get_tag(&p, tend, &len, MBEDTLS_ASN1_INTEGER) != 0) {
        return SSO_E_MD_CERT;
    }
    p += len;
    a0 = p; /* TBSCertificate.signature */
    if (mbedtls_asn1_get_tag(&p, tend, &len, seq) != 0) {
        return SSO_E_MD_CERT;
    }
    a1 = p + len;
    p = (unsigned char *)(uintptr_t)tend; /* Certificate.signatureAlgorithm */
    if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0) {
        return SSO_E_MD_CERT;
    }
    p += len;
    s0 = p; /* Certificate.signatureValue */
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_BIT_STRING) != 0 || p + len != end) {
        return SSO_E_MD_CERT;
    }
    tbs_len = (size_t)(a0 - t0) + sizeof(alg) + (size_t)(tend - a1);
    cert_len = der_seq_header(NULL, tbs_len) + tbs_len + sizeof(alg) + (size_t)(end - s0);
    if (tbs_len > 0xffff || cert_len > 0xffff) {
        return SSO_E_MD_CERT;
    }
    *copy_len = der_seq_header(NULL, cert_len) + cert_len;
    c = sso_malloc(*copy_len);
    if (c == NULL) {
        return SSO_E_NOMEM;
    }
    o = der_seq_header(c, cert_len);
    o += der_seq_header(c + o, tbs_len);
    memcpy(c + o, t0, (size_t)(a0 - t0));
    o += (size_t)(a0 - t0);
    memcpy(c + o, alg, sizeof(alg));
    o += sizeof(alg);
    memcpy(c + o, a1, (size_t)(tend - a1));
    o += (size_t)(tend - a1);
    memcpy(c + o, alg, sizeof(alg));
    o += sizeof(alg);
    memcpy(c + o, s0, (size_t)(end - s0));
    *copy = c;
    return SSO_OK;
}

int sso_crypto_cert_info(const uint8_t *der, size_t der_len, struct sso_cert_info *out)
{
    int rc = SSO_E_INTERNAL;
    struct cert_work *w = NULL;
    uint8_t *copy = NULL;
    size_t copy_len = 0, refused = alloc_refusals();
    mbedtls_pk_type_t type;
    int ret;

    if (der == NULL || out == NULL) {
        return SSO_E_INVAL;
    }
    memset(out, 0, sizeof(*out));
    w = sso_calloc(1, sizeof(*w));
    if (w == NULL) {
        return SSO_E_NOMEM;
    }
    mbedtls_x509_crt_init(&w->crt);
    /* nocopy: the certificate is freed before der goes out of scope. */
    ret = mbedtls_x509_crt_parse_der_nocopy(&w->crt, der, der_len);
    if (((-ret) & 0x7f80) == -MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG) {
        mbedtls_x509_crt_free(&w->crt);
        mbedtls_x509_crt_init(&w->crt);
        rc = cert_neutral_sigalg_copy(der, der_len, &copy, &copy_len);
        if (rc != SSO_OK) {
            goto out;
        }
        ret = mbedtls_x509_crt_parse_der_nocopy(&w->crt, copy, copy_len);
    }
    if (ret != 0) {
        rc = alloc_refusals() != refused ? SSO_E_NOMEM : SSO_E_MD_CERT;
        goto out;
    }
    /* Bytes after the certificate would be outside the fingerprint yet inside what the
     * admin pasted: reject rather than let two views of "the certificate" exist. */
    if (w->crt.raw.len != (copy != NULL ? copy_len : der_len)) {
        rc = SSO_E_MD_CERT;
        goto out;
    }
    if (mbedtls_sha256(der, der_len, out->sha256, 0) != 0) {
        goto out;
    }
    type = mbedtls_pk_get_type(&w->crt.pk);
    if (type == MBEDTLS_PK_RSA) {
        out->key_type = SSO_KEY_RSA;
        out->key_bits = (unsigned)mbedtls_pk_get_bitlen(&w->crt.pk);
    } else if (type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECKEY_DH ||
               type == MBEDTLS_PK_ECDSA) {
        mbedtls_ecp_group_id gid = mbedtls_ecp_keypair_get_group_id(mbedtls_pk_ec(w->crt.pk));
        out->key_bits = (unsigned)mbedtls_pk_get_bitlen(&w->crt.pk);
        if (gid == MBEDTLS_ECP_DP_SECP256R1) {
            out->key_type = SSO_KEY_EC_P256;
        } else if (gid == MBEDTLS_ECP_DP_SECP384R1) {
            out->key_type = SSO_KEY_EC_P384;
        } else {
            out->key_type = SSO_KEY_NONE;
        }
    } else {
        out->key_type = SSO_KEY_NONE;
        out->key_bits = (unsigned)mbedtls_pk_get_bitlen(&w->crt.pk);
    }
    /* Dates are reported, never enforced here: IdP certificates are key carriers and most
     * in the field are long expired (SAML metadata interoperability profile). */
    out->not_before_s = x509_time_to_unix(&w->crt.valid_from);
    out->not_after_s = x509_time_to_unix(&w->crt.valid_to);
    /* mbedTLS prints ASCII only (other bytes are escaped), so cutting at any byte keeps
     * the string well-formed. A name that does not print completely keeps the part that
     * did: the subject is for people, never for decisions. */
    (void)mbedtls_x509_dn_gets(w->dn, sizeof(w->dn), &w->crt.subject);
    w->dn[sizeof(w->dn) - 1] = '\0';
    {
        size_t n = strlen(w->dn);
        if (n >= sizeof(out->subject)) {
            n = sizeof(out->subject) - 1;
        }
        memcpy(out->subject, w->dn, n);
        out->subject[n] = '\0';
    }
    rc = SSO_OK;
out:
    mbedtls_x509_crt_free(&w->crt);
    mbedtls_platform_zeroize(w, sizeof(*w));
    sso_free(w);
    sso_free(copy);
    if (rc != SSO_OK) {
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

/*
 * Find the SubjectPublicKeyInfo of a DER certificate without parsing the rest: issuer and
 * subject names, extensions and the signature are irrelevant to a pinned key, and skipping
 * them makes every signature check cheaper. The certificate was fully parsed once by
 * sso_crypto_cert_info() when it entered the configuration.
 */
static int cert_spki(const uint8_t *der, size_t der_len, const uint8_t **spki, size_t *spki_len)
{
    unsigned char *p = (unsigned char *)(uintptr_t)der; /* mbedtls_asn1_get_tag only reads */
    const unsigned char *end = der + der_len;
    const unsigned char *tbs_end;
    size_t len;
    int i;
    const int seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;

    /* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } */
    if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0 || p + len != end) {
        return SSO_E_MD_CERT;
    }
    /* TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
     *                               validity, subject, subjectPublicKeyInfo, ... } */
    if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0) {
        return SSO_E_MD_CERT;
    }
    tbs_end = p + len;
    if (p < tbs_end && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0)) {
        if (mbedtls_asn1_get_tag(&p, tbs_end, &len, *p) != 0) {
            return SSO_E_MD_CERT;
        }
        p += len;
    }
    if (mbedtls_asn1_get_tag(&p, tbs_end, &len, MBEDTLS_ASN1_INTEGER) != 0) {
        return SSO_E_MD_CERT;
    }
    p += len;
    for (i = 0; i < 4; i++) { /* signature, issuer, validity, subject */
        if (mbedtls_asn1_get_tag(&p, tbs_end, &len, seq) != 0) {
            return SSO_E_MD_CERT;
        }
        p += len;
    }
    *spki = p;
    if (mbedtls_asn1_get_tag(&p, tbs_end, &len, seq) != 0) {
        return SSO_E_MD_CERT;
    }
    *spki_len = (size_t)(p + len - *spki);
    return SSO_OK;
}

/* DER INTEGER of a big-endian unsigned value: minimal, with a 0x00 when the top bit is
 * set. Returns bytes written (at most n + 3 for n <= 125). */
static size_t der_uint(uint8_t *out, const uint8_t *v, size_t n)
{
    size_t o = 0;
    while (n > 1 && v[0] == 0) {
        v++;
        n--;
    }
    out[o++] = MBEDTLS_ASN1_INTEGER;
    out[o++] = (uint8_t)(n + (v[0] & 0x80 ? 1 : 0));
    if (v[0] & 0x80) {
        out[o++] = 0;
    }
    memcpy(out + o, v, n);
    return o + n;
}

/* Raw r||s (RFC 4051) to the DER ECDSA-Sig-Value mbedTLS verifies. n <= 48. */
static size_t ecdsa_raw_to_der(uint8_t *out, const uint8_t *sig, size_t n)
{
    size_t body = der_uint(out + 2, sig, n);
    body += der_uint(out + 2 + body, sig + n, n);
    out[0] = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
    out[1] = (uint8_t)body; /* <= 2 * 51 = 102: short form */
    return body + 2;
}

int sso_crypto_verify_cert(const uint8_t *cert_der, size_t cert_len, enum sso_sig_scheme scheme,
                           enum sso_md_alg md, const uint8_t *hash, const uint8_t *sig,
                           size_t sig_len, bool allow_weak_rsa)
{
    int rc = SSO_E_INTERNAL;
    mbedtls_pk_context pk;
    mbedtls_pk_type_t type;
    const uint8_t *spki;
    size_t spki_len, hlen = sso_crypto_md_size(md), refused = alloc_refusals();
    int ret;

    if (cert_der == NULL || hash == NULL || (sig == NULL && sig_len)) {
        return SSO_E_INVAL;
    }
    if (hlen == 0 || (scheme != SSO_SIG_RSA_PKCS1 && scheme != SSO_SIG_ECDSA)) {
        return SSO_E_DSIG_ALG;
    }
    mbedtls_pk_init(&pk);
    rc = cert_spki(cert_der, cert_len, &spki, &spki_len);
    if (rc != SSO_OK) {
        goto out;
    }
    ret = mbedtls_pk_parse_public_key(&pk, spki, spki_len);
    if (ret != 0) {
        rc = alloc_refusals() != refused ? SSO_E_NOMEM : SSO_E_MD_CERT;
        goto out;
    }
    type = mbedtls_pk_get_type(&pk);
    if (type == MBEDTLS_PK_RSA) {
        size_t bits = mbedtls_pk_get_bitlen(&pk);
        /* The scheme comes from the signature's SignatureMethod, the key from configuration:
         * a mismatch is refused, never "tried the other way" (key-confusion attacks). */
        if (scheme != SSO_SIG_RSA_PKCS1) {
            rc = SSO_E_DSIG_ALG;
            goto out;
        }
        /* Under 1024 bits is factorable outright: refused even with the legacy opt-in.
         * 1024..2047 needs the opt-in (still found at old IdPs). */
        if (bits < 1024 || (bits < 2048 && !allow_weak_rsa)) {
            rc = SSO_E_DSIG_KEY_WEAK;
            goto out;
        }
        /* XML-DSig carries I2OSP(s, k): exactly the modulus length. Anything else is a
         * malformed or tampered value (mbedTLS alone would accept trailing bytes). */
        if (sig_len != mbedtls_pk_get_len(&pk)) {
            rc = SSO_E_DSIG_BAD;
            goto out;
        }
        /* PKCS#1 v1.5 check by re-encoding and comparing (no lenient DigestInfo parse,
         * so no Bleichenbacher-2006 style forgery with small exponents). */
        ret = mbedtls_pk_verify(&pk, md_type(md), hash, hlen, sig, sig_len);
    } else if (type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECKEY_DH ||
               type == MBEDTLS_PK_ECDSA) {
        uint8_t der[2 + 2 * (3 + 48)];
        size_t n, der_len;
        mbedtls_ecp_group_id gid = mbedtls_ecp_keypair_get_group_id(mbedtls_pk_ec(pk));
        if (scheme != SSO_SIG_ECDSA) {
            rc = SSO_E_DSIG_ALG;
            goto out;
        }
        if (gid == MBEDTLS_ECP_DP_SECP256R1) {
            n = 32;
        } else if (gid == MBEDTLS_ECP_DP_SECP384R1) {
            n = 48;
        } else {
            rc = SSO_E_DSIG_ALG;
            goto out;
        }
        /* RFC 4051: r and s each exactly the curve size. A DER-encoded signature (what
         * some libraries emit by mistake) or a truncated one fails here. */
        if (sig_len != 2 * n) {
            rc = SSO_E_DSIG_BAD;
            goto out;
        }
        der_len = ecdsa_raw_to_der(der, sig, n);
        ret = mbedtls_pk_verify(&pk, md_type(md), hash, hlen, der, der_len);
    } else {
        rc = SSO_E_DSIG_ALG;
        goto out;
    }
    /* A verification that ran out of heap did not say "bad signature". */
    rc = ret == 0 ? SSO_OK : alloc_refusals() != refused ? SSO_E_NOMEM : SSO_E_DSIG_BAD;
out:
    mbedtls_pk_free(&pk);
    return rc;
}

/* ---- PEM ------------------------------------------------------------------------------ */

/* One line of text: [p, eol) without the line end, trailing CR, spaces or tabs. */
static const char *line_end(const char *p, const char *end, const char **next)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    *next = nl ? nl + 1 : end;
    while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    return e;
}

/* If [p, e) is "-----<kw> <label>-----" (leading blanks allowed), return the label. */
static bool pem_marker(const char *p, const char *e, const char *kw, const char **label,
                       size_t *label_len)
{
    size_t kwl = strlen(kw);
    while (p < e && (*p == ' ' || *p == '\t')) {
        p++;
    }
    if ((size_t)(e - p) < 10 + kwl + 1 || memcmp(p, "-----", 5) != 0 ||
        memcmp(p + 5, kw, kwl) != 0 || p[5 + kwl] != ' ' || memcmp(e - 5, "-----", 5) != 0) {
        return false;
    }
    *label = p + 5 + kwl + 1;
    *label_len = (size_t)(e - 5 - *label);
    return true;
}

int sso_crypto_pem_to_der(const char *pem, size_t pem_len, const char *label, uint8_t *out,
                          size_t out_size, size_t *out_len)
{
    const char *p = pem, *end = pem + pem_len, *next, *e;
    const char *lab = NULL, *body = NULL;
    size_t lab_len = 0;

    if (out_len != NULL) {
        *out_len = 0;
    }
    if (pem == NULL && pem_len) {
        return SSO_E_INVAL;
    }
    /* Skip junk lines (openssl's "Bag Attributes", comments, other blocks) up to the
     * first BEGIN line with the wanted label. */
    for (; p < end; p = next) {
        e = line_end(p, end, &next);
        if (pem_marker(p, e, "BEGIN", &lab, &lab_len) &&
            (label == NULL || (strlen(label) == lab_len && memcmp(lab, label, lab_len) == 0))) {
            body = next;
            break;
        }
    }
    if (body == NULL) {
        return SSO_E_B64;
    }
    for (p = body; p < end; p = next) {
        const char *elab;
        size_t elab_len;
        e = line_end(p, end, &next);
        if (pem_marker(p, e, "END", &elab, &elab_len)) {
            /* BEGIN X / END Y is a damaged or spliced file. */
            if (elab_len != lab_len || memcmp(elab, lab, lab_len) != 0) {
                return SSO_E_B64;
            }
            /* Encapsulated headers (Proc-Type, DEK-Info: an encrypted key) contain ':'
             * and fail in the strict decoder, as they should: no passwords here. */
            return sso_b64_decode(body, (size_t)(p - body), out, out_size, out_len);
        }
    }
    return SSO_E_B64; /* no END line: truncated */
}

/* ---- RSA-OAEP ------------------------------------------------------------------------- */

struct oaep_work {
    mbedtls_pk_context pk;
    struct md_state md;
    uint8_t em[RSA_MAX_BYTES];
    uint8_t lhash[SSO_MD_MAX_SIZE];
    uint8_t h[SSO_MD_MAX_SIZE];
};

/* dst ^= MGF1(seed)[0..dlen) with hash alg (RFC 8017 B.2.1). */
static int mgf1_xor(struct oaep_work *w, enum sso_md_alg alg, uint8_t *dst, size_t dlen,
                    const uint8_t *seed, size_t slen)
{
    size_t hlen = sso_crypto_md_size(alg);
    uint32_t counter = 0;
    while (dlen) {
        uint8_t c[4] = {(uint8_t)(counter >> 24), (uint8_t)(counter >> 16), (uint8_t)(counter >> 8),
                        (uint8_t)counter};
        size_t n = dlen < hlen ? dlen : hlen, i;
        if (md_begin(&w->md, alg) != SSO_OK || md_feed(&w->md, seed, slen) != SSO_OK ||
            md_feed(&w->md, c, sizeof(c)) != SSO_OK || md_end(&w->md, w->h) != SSO_OK) {
            return SSO_E_INTERNAL;
        }
        for (i = 0; i < n; i++) {
            dst[i] ^= w->h[i];
        }
        dst += n;
        dlen -= n;
        counter++;
    }
    return SSO_OK;
}

/* 1 if x == 0, else 0, without a branch. */
static unsigned ct_is_zero(unsigned x)
{
    return 1u ^ ((x | (0u - x)) >> (sizeof(unsigned) * 8 - 1));
}

int sso_crypto_rsa_oaep_decrypt(const uint8_t *key_der, size_t key_len, enum sso_md_alg oaep_md,
                                enum sso_md_alg mgf_md, const uint8_t *in, size_t in_len,
                                uint8_t *out, size_t out_size, size_t *out_len, sso_rng_fn rng,
                                void *rng_ctx)
{
    int rc = SSO_E_INTERNAL;
    struct oaep_work *w = NULL;
    struct rng_bridge rb = {rng, rng_ctx, 0};
    mbedtls_rsa_context *rsa;
    size_t k, hlen = sso_crypto_md_size(oaep_md), dblen, i, ps_len = 0;
    size_t refused = alloc_refusals();
    unsigned bad, in_ps = 1;
    const uint8_t *db;
    int ret;

    if (out_len != NULL) {
        *out_len = 0;
    }
    if (key_der == NULL || in == NULL || out_len == NULL || rng == NULL ||
        (out == NULL && out_size)) {
        return SSO_E_INVAL;
    }
    if (hlen == 0 || sso_crypto_md_size(mgf_md) == 0) {
        return SSO_E_ENC_ALG;
    }
    w = sso_calloc(1, sizeof(*w));
    if (w == NULL) {
        return SSO_E_NOMEM;
    }
    mbedtls_pk_init(&w->pk);
    /* Failures that depend only on the configured key are reported as such: they say
     * nothing about the ciphertext. */
    ret = mbedtls_pk_parse_key(&w->pk, key_der, key_len, NULL, 0, rng_bridge_cb, &rb);
    if (ret != 0 || mbedtls_pk_get_type(&w->pk) != MBEDTLS_PK_RSA) {
        rc = rb.failed                     ? SSO_E_RANDOM
             : alloc_refusals() != refused ? SSO_E_NOMEM
                                           : SSO_E_ENC_NO_KEY;
        goto out;
    }
    rsa = mbedtls_pk_rsa(w->pk);
    k = mbedtls_rsa_get_len(rsa);
    if (k > RSA_MAX_BYTES || k < 2 * hlen + 2) {
        rc = SSO_E_ENC_NO_KEY;
        goto out;
    }
    /* From here on every failure is the same SSO_E_ENC_DECRYPT, decided once at the end:
     * telling a bad leading byte from a bad hash or separator is the Manger oracle. */
    if (in_len != k) {
        rc = SSO_E_ENC_DECRYPT;
        goto out;
    }
    /* Blinded private operation (the rng is mandatory for that). Its own failures
     * (randomness, memory, input >= modulus) depend on nothing secret. */
    ret = mbedtls_rsa_private(rsa, rng_bridge_cb, &rb, in, w->em);
    if (ret != 0) {
        rc = rb.failed                     ? SSO_E_RANDOM
             : alloc_refusals() != refused ? SSO_E_NOMEM
                                           : SSO_E_ENC_DECRYPT;
        goto out;
    }
    if (md_begin(&w->md, oaep_md) != SSO_OK || md_end(&w->md, w->lhash) != SSO_OK) {
        goto out; /* lHash = Hash(L), L empty: XML-Enc OAEPparams are not supported */
    }
    /* EM = Y || maskedSeed (hlen) || maskedDB (k - hlen - 1) */
    dblen = k - hlen - 1;
    if (mgf1_xor(w, mgf_md, w->em + 1, hlen, w->em + 1 + hlen, dblen) != SSO_OK ||
        mgf1_xor(w, mgf_md, w->em + 1 + hlen, dblen, w->em + 1, hlen) != SSO_OK) {
        goto out;
    }
    db = w->em + 1 + hlen; /* DB = lHash' || PS (zeros) || 0x01 || M */
    bad = w->em[0];
    for (i = 0; i < hlen; i++) {
        bad |= db[i] ^ w->lhash[i];
    }
    for (i = hlen; i < dblen; i++) {
        unsigned zero = ct_is_zero(db[i]);
        unsigned one = ct_is_zero(db[i] ^ 1u);
        /* While in PS: a zero extends it, 0x01 ends it, anything else is bad. */
        bad |= in_ps & (zero ^ 1u) & (one ^ 1u);
        ps_len += in_ps & zero;
        in_ps &= zero;
    }
    bad |= in_ps; /* no 0x01 separator at all */
    if (bad != 0) {
        rc = SSO_E_ENC_DECRYPT;
        goto out;
    }
    /* Only a fully valid OAEP block gets here, which an attacker cannot produce by
     * mauling someone else's ciphertext: reporting its length is not an oracle. */
    {
        size_t off = hlen + ps_len + 1, mlen = dblen - off;
        if (mlen > out_size) {
            rc = SSO_E_NOSPC;
            goto out;
        }
        if (mlen) {
            memcpy(out, db + off, mlen);
        }
        *out_len = mlen;
    }
    rc = SSO_OK;
out:
    mbedtls_pk_free(&w->pk);
    mbedtls_platform_zeroize(w, sizeof(*w));
    sso_free(w);
    return rc;
}

/* ---- AES ------------------------------------------------------------------------------ */

int sso_crypto_aes_cbc_decrypt(const uint8_t *key, size_t key_len, const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t out_size, size_t *out_len)
{
    int rc = SSO_E_INTERNAL;
    mbedtls_aes_context *aes = NULL;
    uint8_t iv[16];
    size_t ct_len;
    unsigned pad, bad;

    if (out_len != NULL) {
        *out_len = 0;
    }
    if (key == NULL || in == NULL || out_len == NULL || (out == NULL && out_size)) {
        return SSO_E_INVAL;
    }
    /* Key and lengths come from the message (the key out of RSA-OAEP): all one error. */
    if ((key_len != 16 && key_len != 24 && key_len != 32) || in_len < 32 || in_len % 16 != 0) {
        return SSO_E_ENC_DECRYPT;
    }
    ct_len = in_len - 16;
    if (out_size < ct_len) {
        return SSO_E_NOSPC; /* depends on the length only, known before decrypting */
    }
    aes = sso_calloc(1, sizeof(*aes));
    if (aes == NULL) {
        return SSO_E_NOMEM;
    }
    mbedtls_aes_init(aes);
    memcpy(iv, in, 16);
    if (mbedtls_aes_setkey_dec(aes, key, (unsigned)key_len * 8) != 0 ||
        mbedtls_aes_crypt_cbc(aes, MBEDTLS_AES_DECRYPT, ct_len, iv, in + 16, out) != 0) {
        rc = SSO_E_ENC_DECRYPT;
        goto out;
    }
    /* XML Encryption padding (xmlenc-core 5.2): the last byte counts the pad bytes,
     * 1..16; the others are arbitrary, so only that byte is checked. One error for every
     * failure; CBC has no integrity anyway, which is why the caller must accept only
     * signed content out of it (Jager-Somorovsky padding-oracle attacks). */
    pad = out[ct_len - 1];
    bad = ct_is_zero(pad) | ((16u - pad) >> (sizeof(unsigned) * 8 - 1));
    if (bad) {
        mbedtls_platform_zeroize(out, ct_len);
        rc = SSO_E_ENC_DECRYPT;
        goto out;
    }
    mbedtls_platform_zeroize(out + ct_len - pad, pad);
    *out_len = ct_len - pad;
    rc = SSO_OK;
out:
    mbedtls_aes_free(aes);
    mbedtls_platform_zeroize(iv, sizeof(iv));
    sso_free(aes);
    return rc;
}

int sso_crypto_aes_gcm_decrypt(const uint8_t *key, size_t key_len, const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t out_size, size_t *out_len)
{
    int rc = SSO_E_INTERNAL;
    mbedtls_gcm_context *gcm = NULL;
    size_t ct_len, refused = alloc_refusals();

    if (out_len != NULL) {
        *out_len = 0;
    }
    if (key == NULL || in == NULL || out_len == NULL || (out == NULL && out_size)) {
        return SSO_E_INVAL;
    }
    if ((key_len != 16 && key_len != 24 && key_len != 32) || in_len < 12 + 16) {
        return SSO_E_ENC_DECRYPT;
    }
    ct_len = in_len - 12 - 16;
    if (out_size < ct_len) {
        return SSO_E_NOSPC;
    }
    gcm = sso_calloc(1, sizeof(*gcm));
    if (gcm == NULL) {
        return SSO_E_NOMEM;
    }
    mbedtls_gcm_init(gcm);
    /* The full 128-bit tag, always: a truncated tag would be forgeable. mbedTLS checks
     * the tag before releasing plaintext and wipes the output on failure. */
    if (mbedtls_gcm_setkey(gcm, MBEDTLS_CIPHER_ID_AES, key, (unsigned)key_len * 8) != 0) {
        /* Setting the key allocates (the cipher context); nothing else can fail here. */
        rc = alloc_refusals() != refused ? SSO_E_NOMEM : SSO_E_INTERNAL;
        goto out;
    }
    if (mbedtls_gcm_auth_decrypt(gcm, ct_len, in, 12, NULL, 0, in + 12 + ct_len, 16, in + 12,
                                 out) != 0) {
        if (ct_len) {
            mbedtls_platform_zeroize(out, ct_len);
        }
        rc = SSO_E_ENC_DECRYPT;
        goto out;
    }
    *out_len = ct_len;
    rc = SSO_OK;
out:
    mbedtls_gcm_free(gcm);
    sso_free(gcm);
    return rc;
}

/* ---- password hashing ------------------------------------------------------------------ */

int sso_crypto_pbkdf2_sha256(const void *password, size_t pw_len, const uint8_t *salt,
                             size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len)
{
    int rc;
    if ((password == NULL && pw_len > 0) || (salt == NULL && salt_len > 0) || out == NULL ||
        iterations == 0 || out_len == 0 || out_len > SSO_MD_MAX_SIZE) {
        return SSO_E_INVAL;
    }
    rc = mbedtls_pkcs5_pbkdf2_hmac_ext(MBEDTLS_MD_SHA256, (const unsigned char *)password, pw_len,
                                       salt, salt_len, iterations, (uint32_t)out_len, out);
    if (rc != 0) {
        sso_crypto_zeroize(out, out_len);
        return rc == MBEDTLS_ERR_MD_ALLOC_FAILED ? SSO_E_NOMEM : SSO_E_INTERNAL;
    }
    return SSO_OK;
}

/* ---- constant time, wiping ------------------------------------------------------------ */

int sso_crypto_ct_memcmp(const void *a, const void *b, size_t len)
{
    return mbedtls_ct_memcmp(a, b, len);
}

void sso_crypto_zeroize(void *p, size_t len)
{
    mbedtls_platform_zeroize(p, len);
}
