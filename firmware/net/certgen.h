/**
 * @file certgen.h
 * @brief The device's own keys and certificates: generation at first boot, and the check
 *        of a pair an admin uploads instead.
 *
 * Model:
 * - fw_certgen_tls() makes the HTTPS identity: an ECDSA P-256 key and a self-signed
 *   certificate (CN = host name, SAN DNS = host name, SAN IP = the device address if
 *   known, serverAuth, random 16-byte serial, SHA-256). Cheap on the M3 (one P-256 key
 *   generation and one signature).
 * - fw_certgen_sp() makes the SAML SP encryption identity: an RSA-2048 key (the key type
 *   IdPs encrypt assertions to) and a self-signed certificate for the SP metadata. RSA key
 *   generation is slow and its time random (prime search): measured 1.4 to 6.6 billion
 *   Cortex-M3 instructions (QEMU -icount), i.e. 14 to 66 s at 100 MHz, against 56 to
 *   223 ms on an x86-64 host. It blocks the superloop: do it at first boot, before
 *   serving. fw_certgen_tls() takes about 12 million instructions.
 * - fw_certgen_check_pem() validates an admin-supplied PEM key + certificate (chain) for
 *   the HTTPS listener: parseable, unencrypted key, ECDSA P-256/P-384 or RSA >= 2048, key
 *   matches the leaf certificate. It outputs DER for fw_tls_server_set_cert() and storage.
 *
 * Outputs go into caller buffers (FW_CERTGEN_*_MAX bytes are always enough); nothing is
 * kept here. Temporary mbedTLS contexts come from sso_calloc and are freed (key material
 * wiped) before return. Randomness is fw_tls_rng(): fw_tls_init() must have succeeded.
 * No persistence: the application stores the DER it gets. Superloop context.
 *
 * Errors: FW_TLS_E_* (net/tls.h).
 */
#ifndef FW_CERTGEN_H
#define FW_CERTGEN_H

#include <stddef.h>
#include <stdint.h>

#define FW_CERTGEN_EC_KEY_MAX            160  /**< DER SEC1 P-256 private key (121 bytes) */
#define FW_CERTGEN_RSA_KEY_MAX           1300 /**< DER PKCS#1 RSA-2048 private key (~1190 bytes) */
#define FW_CERTGEN_CRT_MAX               1536 /**< DER self-signed certificate, either kind */
#define FW_CERTGEN_HOST_MAX              253  /**< host name: a DNS name (LDH labels, dots) */
/** Not-before used when the caller does not know UTC (first boot without a clock):
 *  2025-01-01T00:00:00Z, so the certificate is valid whatever the clock reads later. */
#define FW_CERTGEN_FALLBACK_NOT_BEFORE_S 1735689600

struct fw_certgen_params {
    const char *hostname; /**< required: CN and SAN DNS name */
    uint32_t ipv4;        /**< SAN IP address, network byte order; 0: none */
    int64_t now_s;        /**< UTC; <= 0: unknown, use FW_CERTGEN_FALLBACK_NOT_BEFORE_S */
    uint32_t days;        /**< validity; 0: 3650 (ten years) */
};

/** A key + certificate in caller buffers. */
struct fw_certgen_out {
    uint8_t *key;
    size_t key_size;
    size_t key_len; /**< out */
    uint8_t *crt;
    size_t crt_size;
    size_t crt_len; /**< out */
};

/**
 * @brief Generate the HTTPS key (ECDSA P-256, DER SEC1) and self-signed certificate (DER).
 * @return FW_TLS_OK; FW_TLS_E_NOT_READY (no entropy), FW_TLS_E_HOSTNAME, FW_TLS_E_NOSPC,
 *         FW_TLS_E_NOMEM, FW_TLS_E_RANDOM, FW_TLS_E_INVAL, FW_TLS_E_INTERNAL.
 */
int fw_certgen_tls(const struct fw_certgen_params *p, struct fw_certgen_out *out);

/**
 * @brief Generate the SAML SP encryption key (RSA-2048, e = 65537, DER PKCS#1) and its
 *        self-signed certificate (DER; key usage keyEncipherment, digitalSignature).
 * @return as fw_certgen_tls().
 */
int fw_certgen_sp(const struct fw_certgen_params *p, struct fw_certgen_out *out);

/**
 * @brief Check an admin-supplied PEM private key and certificate (optionally followed by
 *        its chain) for the HTTPS listener, and convert both to DER.
 * @param key_pem  "PRIVATE KEY", "EC PRIVATE KEY" or "RSA PRIVATE KEY"; encrypted keys
 *                 are refused (the device has no passphrase to give).
 * @param crt_pem  one or more "CERTIFICATE" blocks, leaf first.
 * @param out      out->key receives the key DER, out->crt the certificates' DER,
 *                 concatenated (what fw_tls_server_set_cert() takes).
 * @return FW_TLS_OK; FW_TLS_E_PEM, FW_TLS_E_KEY, FW_TLS_E_CERT, FW_TLS_E_KEY_TYPE,
 *         FW_TLS_E_KEY_WEAK, FW_TLS_E_KEY_MISMATCH, FW_TLS_E_TOO_MANY, FW_TLS_E_NOSPC,
 *         FW_TLS_E_NOT_READY, FW_TLS_E_NOMEM, FW_TLS_E_INVAL. On error the outputs are
 *         wiped and their lengths are 0.
 */
int fw_certgen_check_pem(const char *key_pem, size_t key_pem_len, const char *crt_pem,
                         size_t crt_pem_len, struct fw_certgen_out *out);

#endif /* FW_CERTGEN_H */
