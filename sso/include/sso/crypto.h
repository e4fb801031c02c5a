/**
 * @file crypto.h
 * @brief The SAML core's view of cryptography. sso/src/port/crypto_mbedtls.c is the only
 *        file in sso/ that includes mbedTLS headers; swapping the crypto library means
 *        rewriting that one file.
 *
 * Keys and certificates travel as DER bytes; nothing here keeps state between calls
 * except the hash context, which the caller allocates (its size is published).
 * Randomness comes in as a callback, like mbedTLS's f_rng.
 */
#ifndef SSO_CRYPTO_H
#define SSO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sso_md_alg {
    SSO_MD_NONE = 0,
    SSO_MD_SHA1,
    SSO_MD_SHA256,
    SSO_MD_SHA384,
    SSO_MD_SHA512,
};

/** Largest digest, in bytes. */
#define SSO_MD_MAX_SIZE 64

enum sso_key_type {
    SSO_KEY_NONE = 0,
    SSO_KEY_RSA,
    SSO_KEY_EC_P256,
    SSO_KEY_EC_P384,
};

/** Signature schemes the core verifies: RSA PKCS#1 v1.5, or ECDSA with raw r||s. */
enum sso_sig_scheme {
    SSO_SIG_RSA_PKCS1 = 1,
    SSO_SIG_ECDSA = 2,
};

/** Random-bytes callback: fill @p buf, return 0, or non-zero if no entropy. */
typedef int (*sso_rng_fn)(void *ctx, uint8_t *buf, size_t len);

/** Caller-allocated hash context (opaque; size fixed at build time). */
struct sso_md_ctx {
    uint64_t opaque[64];
};

/** Digest output size for @p alg, 0 for SSO_MD_NONE. */
size_t sso_crypto_md_size(enum sso_md_alg alg);

int sso_crypto_md_start(struct sso_md_ctx *ctx, enum sso_md_alg alg);
int sso_crypto_md_update(struct sso_md_ctx *ctx, const void *data, size_t len);
/** Writes sso_crypto_md_size() bytes to @p out and wipes the context. */
int sso_crypto_md_finish(struct sso_md_ctx *ctx, uint8_t *out);
/** Release a context that will not be finished (error paths). */
void sso_crypto_md_abort(struct sso_md_ctx *ctx);
/** One-shot digest. */
int sso_crypto_md(enum sso_md_alg alg, const void *data, size_t len, uint8_t *out);

/** What the core needs to know about a certificate. */
struct sso_cert_info {
    uint8_t sha256[32]; /**< fingerprint of the DER certificate */
    enum sso_key_type key_type;
    unsigned key_bits;
    int64_t not_before_s; /**< Unix time; reported, never enforced for IdP certs */
    int64_t not_after_s;
    char subject[128]; /**< one-line DN, truncated if longer */
};

/**
 * @brief Parse a DER X.509 certificate.
 * @return SSO_OK or SSO_E_MD_CERT.
 */
int sso_crypto_cert_info(const uint8_t *der, size_t der_len, struct sso_cert_info *out);

/**
 * @brief Convert one PEM block ("-----BEGIN CERTIFICATE-----" or a private key) to DER.
 * @param label  the PEM label expected, e.g. "CERTIFICATE"; NULL accepts any.
 * @return SSO_OK, SSO_E_B64 on bad PEM, SSO_E_NOSPC if @p out is too small.
 */
int sso_crypto_pem_to_der(const char *pem, size_t pem_len, const char *label, uint8_t *out,
                          size_t out_size, size_t *out_len);

/**
 * @brief Verify a signature over a precomputed hash with the public key in a DER
 *        certificate.
 *
 * The scheme must fit the key type (RSA with SSO_SIG_RSA_PKCS1, EC with SSO_SIG_ECDSA): a
 * mismatch is an algorithm error, never a fallback. ECDSA signatures are raw r||s
 * (RFC 4051), each half the curve size; anything else fails. RSA keys under 2048 bits give
 * SSO_E_DSIG_KEY_WEAK unless @p allow_weak_rsa.
 *
 * @return SSO_OK, SSO_E_DSIG_BAD (does not verify), SSO_E_DSIG_ALG, SSO_E_DSIG_KEY_WEAK,
 *         SSO_E_MD_CERT.
 */
int sso_crypto_verify_cert(const uint8_t *cert_der, size_t cert_len, enum sso_sig_scheme scheme,
                           enum sso_md_alg md, const uint8_t *hash, const uint8_t *sig,
                           size_t sig_len, bool allow_weak_rsa);

/**
 * @brief RSA-OAEP decrypt with a DER private key (PKCS#1 or PKCS#8).
 * @param oaep_md  hash of OAEP (SHA-1 for xmlenc#rsa-oaep-mgf1p, else as given)
 * @param mgf_md   hash of MGF1; mbedTLS requires it equal to @p oaep_md, so a
 *                 different one gives SSO_E_ENC_ALG
 * @return SSO_OK, SSO_E_ENC_DECRYPT (uniform, whatever failed), SSO_E_ENC_ALG,
 *         SSO_E_NOSPC.
 */
int sso_crypto_rsa_oaep_decrypt(const uint8_t *key_der, size_t key_len, enum sso_md_alg oaep_md,
                                enum sso_md_alg mgf_md, const uint8_t *in, size_t in_len,
                                uint8_t *out, size_t out_size, size_t *out_len, sso_rng_fn rng,
                                void *rng_ctx);

/**
 * @brief AES-CBC decrypt as XML Encryption uses it: @p in is IV || ciphertext and the
 *        padding is the XML-Enc one (last byte = pad length, other pad bytes arbitrary).
 * @return SSO_OK or SSO_E_ENC_DECRYPT.
 */
int sso_crypto_aes_cbc_decrypt(const uint8_t *key, size_t key_len, const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t out_size, size_t *out_len);

/**
 * @brief AES-GCM decrypt as XML Encryption 1.1 uses it: @p in is IV(12) || ciphertext ||
 *        tag(16).
 * @return SSO_OK or SSO_E_ENC_DECRYPT (authentication failure included).
 */
int sso_crypto_aes_gcm_decrypt(const uint8_t *key, size_t key_len, const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t out_size, size_t *out_len);

/** Constant-time comparison: 0 if equal. */
int sso_crypto_ct_memcmp(const void *a, const void *b, size_t len);

/** Wipe a secret (cannot be optimised away). */
void sso_crypto_zeroize(void *p, size_t len);

#endif /* SSO_CRYPTO_H */
