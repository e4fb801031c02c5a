/**
 * @file trust.h
 * @brief The trust store for HTTPS metadata fetches: a small built-in set of public
 *        roots, plus the CAs an admin adds.
 *
 * Model:
 * - Built-in roots: 21 public roots (19236 bytes of DER in flash) that the major IdPs'
 *   metadata hosts chain to (Okta, Microsoft Entra, Google, OneLogin, Ping, Auth0, AWS,
 *   Let's Encrypt-hosted Keycloak, the commercial CAs behind AD FS). The list and the
 *   reasons are in roots.txt; the certificates are generated at build time from Debian's
 *   ca-certificates package, each pinned by its SHA-256 (gen_roots.py fails the build on
 *   any difference). fw_trust_roots[] is that generated table.
 * - Admin CAs: DER certificates the application keeps in its configuration (at most
 *   FW_TRUST_ADMIN_MAX). fw_trust_check_ca() validates one before the application stores
 *   it (a CA certificate, a usable key, currently valid) and reports what it is.
 * - struct fw_trust is what a fetch verifies against: views of the built-ins and of the
 *   caller's admin CAs. It owns nothing and allocates nothing; the admin DER blobs must
 *   stay valid while a connection uses it. Verification is never skipped: an empty trust
 *   set trusts nothing.
 * - Memory: nothing is parsed ahead. During a handshake, mbedTLS asks fw_trust_ca_cb()
 *   for the parents of a certificate; it parses (without copying) only the roots whose
 *   subject equals that certificate's issuer, so a verification costs the heap of one or
 *   two parsed roots, not of the whole set.
 *
 * All functions: superloop context; no globals written.
 */
#ifndef FW_TRUST_H
#define FW_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef FW_TRUST_ADMIN_MAX
#define FW_TRUST_ADMIN_MAX 8 /**< admin CAs per trust set */
#endif
#ifndef FW_TRUST_CA_MAX_DER
#define FW_TRUST_CA_MAX_DER 4096 /**< one admin CA certificate, DER */
#endif
#define FW_TRUST_CANDIDATES_MAX 4 /**< parents handed to mbedTLS per lookup */

/** A built-in root (generated table, program lifetime). */
struct fw_trust_root {
    const char *name; /**< Debian ca-certificates file name without ".crt" */
    const uint8_t *der;
    size_t len;
    uint8_t sha256[32]; /**< pinned fingerprint of der */
};

extern const struct fw_trust_root fw_trust_roots[];
extern const size_t fw_trust_roots_count;
extern const size_t fw_trust_roots_der_bytes;

/** A DER certificate the caller owns. */
struct fw_trust_der {
    const uint8_t *der;
    size_t len;
};

/** What a fetch trusts. Fill with fw_trust_init(); plain data, copyable. */
struct fw_trust {
    bool builtins;                    /**< include fw_trust_roots[] */
    const struct fw_trust_der *admin; /**< caller-owned, valid while in use */
    size_t n_admin;
};

/**
 * @brief Build a trust set: the built-in roots (if @p builtins) plus @p n_admin admin CAs.
 *        Each admin CA must at least be a DER SEQUENCE of the length given (the full
 *        checks were made by fw_trust_check_ca() when it was added).
 * @return FW_TLS_OK, FW_TLS_E_TOO_MANY (over FW_TRUST_ADMIN_MAX), FW_TLS_E_CERT,
 *         FW_TLS_E_INVAL.
 */
int fw_trust_init(struct fw_trust *t, bool builtins, const struct fw_trust_der *admin,
                  size_t n_admin);

/** What fw_trust_check_ca() found. */
struct fw_trust_ca_info {
    char subject[128];  /**< one-line DN as mbedTLS prints it */
    uint8_t sha256[32]; /**< of the DER certificate */
    int64_t not_before_s;
    int64_t not_after_s;
    unsigned key_bits;
    bool key_is_ec;
};

/**
 * @brief Validate a CA certificate an admin wants to add, and convert it to DER.
 * @param pem      exactly one "-----BEGIN CERTIFICATE-----" block (text around it is
 *                 ignored); @p pem_len bytes, no NUL needed.
 * @param now_s    current UTC, or a negative value if unknown (validity then unchecked;
 *                 every fetch checks it again anyway).
 * @param der_out  receives the DER (FW_TRUST_CA_MAX_DER bytes suffice).
 * Checks (each stops a CA that could never work or should not be trusted): X.509 v3 with
 * basicConstraints cA=TRUE (a leaf certificate is not a trust anchor), keyCertSign if
 * keyUsage is present, RSA >= 2048 or ECDSA P-256/P-384, not expired, not future-dated.
 * @return FW_TLS_OK; FW_TLS_E_PEM, FW_TLS_E_TOO_MANY (more than one certificate),
 *         FW_TLS_E_CERT, FW_TLS_E_NOT_CA, FW_TLS_E_KEY_TYPE, FW_TLS_E_KEY_WEAK,
 *         FW_TLS_E_EXPIRED, FW_TLS_E_NOT_YET_VALID, FW_TLS_E_NOSPC, FW_TLS_E_NOMEM,
 *         FW_TLS_E_INVAL. @p info is filled as far as parsing got (zeroed otherwise).
 */
int fw_trust_check_ca(const char *pem, size_t pem_len, int64_t now_s, uint8_t *der_out,
                      size_t der_size, size_t *der_len, struct fw_trust_ca_info *info);

/**
 * @brief The DER Name of a certificate's subject (tag and length included), located in
 *        @p der without parsing the rest. @return true and the view, or false.
 */
bool fw_trust_der_subject(const uint8_t *der, size_t len, const uint8_t **subj, size_t *subj_len);

struct mbedtls_x509_crt;

/**
 * @brief mbedTLS trusted-CA callback (mbedtls_x509_crt_ca_cb_t) over a struct fw_trust
 *        (@p ctx): the built-in and admin CAs whose subject is @p child's issuer, parsed
 *        without copying into a list mbedTLS frees. Bounded by FW_TRUST_CANDIDATES_MAX.
 * @return 0 (an empty list means "no trusted parent"), or -1 when out of memory (the
 *         handshake then fails: closed, not open).
 */
int fw_trust_ca_cb(void *ctx, const struct mbedtls_x509_crt *child,
                   struct mbedtls_x509_crt **candidates);

#endif /* FW_TRUST_H */
