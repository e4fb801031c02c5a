/**
 * @file crypto.h
 * @brief The SAML core's view of cryptography. sso/src/port/crypto_mbedtls.c is the only
 *        file in sso/ that includes mbedTLS headers; swapping the crypto library means
 *        rewriting that one file.
 *
 * Keys and certificates travel as DER bytes; nothing here keeps state between calls
 * except the hash context, which the caller allocates (its size is published).
 * Randomness comes in as a callback, like mbedTLS's f_rng.
 *
 * Memory: hash contexts never allocate. Certificate parsing, signature verification,
 * RSA-OAEP and AES take their working memory from sso_calloc() (a few KB at most; the
 * X.509 and GCM contexts and the RSA work area) and free it before returning; an
 * exhausted heap gives SSO_E_NOMEM. Bounds: RSA keys up to 4096 bits, EC keys on P-256
 * and P-384 only.
 *
 * Errors that depend on attacker-chosen ciphertext are uniform (SSO_E_ENC_DECRYPT);
 * errors that depend only on arguments or configuration (digest, key, buffer size) have
 * their own codes, since they reveal nothing about the ciphertext.
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

/** Caller-allocated hash context (opaque; size fixed at build time; the adapter
 *  static-asserts that its library's contexts fit). Never allocates; may be copied. */
struct sso_md_ctx {
    uint64_t opaque[64];
};

/** Digest output size for @p alg, 0 for SSO_MD_NONE. */
size_t sso_crypto_md_size(enum sso_md_alg alg);

/** Start a digest. @return SSO_OK, or SSO_E_INVAL for SSO_MD_NONE or an unknown value. */
int sso_crypto_md_start(struct sso_md_ctx *ctx, enum sso_md_alg alg);
/** Hash more bytes. @return SSO_OK, or SSO_E_INVAL if the context is not started. */
int sso_crypto_md_update(struct sso_md_ctx *ctx, const void *data, size_t len);
/** Writes sso_crypto_md_size() bytes to @p out and wipes the context (a later update or
 *  finish gives SSO_E_INVAL until the next start). */
int sso_crypto_md_finish(struct sso_md_ctx *ctx, uint8_t *out);
/** Release a context that will not be finished (error paths). */
void sso_crypto_md_abort(struct sso_md_ctx *ctx);
/** One-shot digest. */
int sso_crypto_md(enum sso_md_alg alg, const void *data, size_t len, uint8_t *out);

/** What the core needs to know about a certificate. */
struct sso_cert_info {
    uint8_t sha256[32];         /**< fingerprint of the DER certificate */
    enum sso_key_type key_type; /**< SSO_KEY_NONE: a key type the core cannot use */
    unsigned key_bits;
    int64_t not_before_s; /**< Unix time; reported, never enforced for IdP certs */
    int64_t not_after_s;
    char subject[128]; /**< one-line DN as mbedTLS prints it ("C=CH, O=x, CN=y"; ASCII,
                            other bytes escaped), truncated if longer */
};

/**
 * @brief Parse a DER X.509 certificate (full parse, dates not checked).
 *
 * @p der must be exactly one certificate: trailing bytes are refused, so the fingerprint
 * covers everything given. Run this once when a certificate enters configuration;
 * sso_crypto_verify_cert() then reads only its public key.
 *
 * @return SSO_OK, SSO_E_MD_CERT (@p out zeroed), SSO_E_NOMEM, SSO_E_INVAL.
 */
int sso_crypto_cert_info(const uint8_t *der, size_t der_len, struct sso_cert_info *out);

/**
 * @brief Convert one PEM block ("-----BEGIN CERTIFICATE-----" or a private key) to DER.
 *
 * Lines before the first BEGIN line with the wanted label are skipped (openssl's "Bag
 * Attributes", comments, other blocks), and so is everything after its END line. LF or
 * CRLF, blanks around the marker lines. The END label must match the BEGIN label. The
 * body goes through the strict base64 decoder, so encrypted PEM (Proc-Type/DEK-Info
 * headers) is refused.
 *
 * @param label  the PEM label expected, e.g. "CERTIFICATE"; NULL takes the first block.
 * @return SSO_OK, SSO_E_B64 on bad or missing PEM, SSO_E_NOSPC if @p out is too small.
 */
int sso_crypto_pem_to_der(const char *pem, size_t pem_len, const char *label, uint8_t *out,
                          size_t out_size, size_t *out_len);

/**
 * @brief Verify a signature over a precomputed hash with the public key in a DER
 *        certificate.
 *
 * The scheme must fit the key type (RSA with SSO_SIG_RSA_PKCS1, EC with SSO_SIG_ECDSA): a
 * mismatch is an algorithm error, never a fallback. ECDSA signatures are raw r||s
 * (RFC 4051), each half the curve size; anything else (DER included) fails. RSA
 * signatures must be exactly the modulus length. RSA keys under 2048 bits give
 * SSO_E_DSIG_KEY_WEAK unless @p allow_weak_rsa; under 1024 bits always.
 *
 * Only the certificate's SubjectPublicKeyInfo is parsed (faster; the certificate was
 * checked by sso_crypto_cert_info() when configured). @p hash holds
 * sso_crypto_md_size(@p md) bytes. Which digests are acceptable is the caller's policy.
 *
 * @return SSO_OK, SSO_E_DSIG_BAD (does not verify), SSO_E_DSIG_ALG, SSO_E_DSIG_KEY_WEAK,
 *         SSO_E_MD_CERT, SSO_E_NOMEM, SSO_E_INVAL.
 */
int sso_crypto_verify_cert(const uint8_t *cert_der, size_t cert_len, enum sso_sig_scheme scheme,
                           enum sso_md_alg md, const uint8_t *hash, const uint8_t *sig,
                           size_t sig_len, bool allow_weak_rsa);

/**
 * @brief RSA-OAEP decrypt (RFC 8017 7.1.2, empty label) with a DER private key
 *        (PKCS#1 or unencrypted PKCS#8; convert PEM with sso_crypto_pem_to_der()).
 *
 * Any pair of digests works: xmlenc#rsa-oaep-mgf1p is (DigestMethod or SHA-1, SHA-1),
 * xmlenc11#rsa-oaep is (DigestMethod, MGF). OAEPparams (a non-empty label) are not
 * supported: the caller must refuse them. Every failure that depends on the ciphertext
 * (length, value >= modulus, any OAEP decoding defect) is the same SSO_E_ENC_DECRYPT
 * and the decoding runs without secret-dependent branches (Manger's attack). The caller
 * should also treat a decrypted key of the wrong length like a decryption failure.
 *
 * @param oaep_md  hash of OAEP (SHA-1 for xmlenc#rsa-oaep-mgf1p without DigestMethod)
 * @param mgf_md   hash of MGF1 (SHA-1 for xmlenc#rsa-oaep-mgf1p)
 * @param rng      required: the private-key operation is blinded
 * @return SSO_OK, SSO_E_ENC_DECRYPT, SSO_E_ENC_ALG (digest unsupported),
 *         SSO_E_ENC_NO_KEY (key unparseable, not RSA, over 4096 bits or too small for
 *         the digest), SSO_E_NOSPC (message longer than @p out_size; only a fully valid
 *         block gets that far), SSO_E_RANDOM, SSO_E_NOMEM, SSO_E_INVAL.
 */
int sso_crypto_rsa_oaep_decrypt(const uint8_t *key_der, size_t key_len, enum sso_md_alg oaep_md,
                                enum sso_md_alg mgf_md, const uint8_t *in, size_t in_len,
                                uint8_t *out, size_t out_size, size_t *out_len, sso_rng_fn rng,
                                void *rng_ctx);

/**
 * @brief AES-CBC decrypt as XML Encryption uses it: @p in is IV || ciphertext and the
 *        padding is the XML-Enc one (last byte = pad length 1..16, other pad bytes
 *        arbitrary).
 *
 * @p key_len 16, 24 or 32. @p out needs room for the whole ciphertext (@p in_len - 16),
 * padding included. CBC has no integrity: only signed content may come out of it.
 *
 * @return SSO_OK, SSO_E_ENC_DECRYPT (bad key length, length, or padding; @p out wiped),
 *         SSO_E_NOSPC, SSO_E_NOMEM, SSO_E_INVAL.
 */
int sso_crypto_aes_cbc_decrypt(const uint8_t *key, size_t key_len, const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t out_size, size_t *out_len);

/**
 * @brief AES-GCM decrypt as XML Encryption 1.1 uses it: @p in is IV(12) || ciphertext ||
 *        tag(16), no additional data.
 *
 * @p key_len 16, 24 or 32. @p out needs @p in_len - 28 bytes. Nothing unauthenticated is
 * left in @p out on failure.
 *
 * @return SSO_OK, SSO_E_ENC_DECRYPT (authentication failure included), SSO_E_NOSPC,
 *         SSO_E_NOMEM, SSO_E_INVAL.
 */
int sso_crypto_aes_gcm_decrypt(const uint8_t *key, size_t key_len, const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t out_size, size_t *out_len);

/**
 * @brief PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2), for local account passwords.
 *
 * Cost grows linearly with @p iterations (two SHA-256 compressions each); the caller
 * chooses the count and stores it with the hash. The HMAC context takes a few hundred
 * bytes from sso_calloc() and is freed before returning.
 *
 * @param out_len  1..SSO_MD_MAX_SIZE bytes of output.
 * @return SSO_OK, SSO_E_INVAL (zero iterations, bad lengths), SSO_E_NOMEM.
 */
int sso_crypto_pbkdf2_sha256(const void *password, size_t pw_len, const uint8_t *salt,
                             size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len);

/** Constant-time comparison: 0 if equal. */
int sso_crypto_ct_memcmp(const void *a, const void *b, size_t len);

/** Wipe a secret (cannot be optimised away). */
void sso_crypto_zeroize(void *p, size_t len);

#endif /* SSO_CRYPTO_H */
