/**
 * @file tls_priv.h
 * @brief Helpers shared by the TLS layer (tls.c), certificate generation (certgen.c) and
 *        the trust store (trust/): certificate chains and keys as the firmware accepts
 *        them. Internal to firmware/; these include mbedTLS types.
 */
#ifndef FW_TLS_PRIV_H
#define FW_TLS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

/**
 * @brief Length of the DER element (tag, length, content) at the start of @p der.
 * @return its length (<= @p len), or 0 if @p der does not start with a SEQUENCE whose
 *         definite length fits in @p len.
 */
size_t fw_tls_der_seq_len(const uint8_t *der, size_t len);

/**
 * @brief Parse @p len bytes of concatenated DER certificates (leaf first) into @p chain
 *        (copied). At most @p max certificates; no trailing bytes.
 * @return FW_TLS_OK, FW_TLS_E_CERT, FW_TLS_E_TOO_MANY, FW_TLS_E_NOMEM, FW_TLS_E_INVAL.
 */
int fw_tls_parse_chain(mbedtls_x509_crt *chain, const uint8_t *der, size_t len, size_t max);

/**
 * @brief Is @p pk a key the firmware uses? ECDSA on P-256 or P-384, or RSA >= 2048 bits.
 * @return FW_TLS_OK, FW_TLS_E_KEY_TYPE, FW_TLS_E_KEY_WEAK.
 */
int fw_tls_check_key(const mbedtls_pk_context *pk);

/**
 * @brief Parse a DER private key and check it against @p crt's public key.
 * @return FW_TLS_OK, FW_TLS_E_KEY, FW_TLS_E_KEY_TYPE, FW_TLS_E_KEY_WEAK,
 *         FW_TLS_E_KEY_MISMATCH, FW_TLS_E_NOT_READY, FW_TLS_E_NOMEM.
 */
int fw_tls_parse_key_for(mbedtls_pk_context *key, const uint8_t *der, size_t len,
                         const mbedtls_x509_crt *crt);

/** The protocol profile of tls.h, applied to a config made by mbedtls_ssl_config_defaults. */
void fw_tls_conf_profile(mbedtls_ssl_config *conf);

/**
 * Server credentials (tls_cred.c): an mbedTLS server config with its certificate chain and
 * key. Reference-counted: fw_tls_server_set_cert() installs a new one (holding one
 * reference), each server connection holds one from accept to free, and the last put
 * frees it. So a certificate replaced at run time stays alive exactly as long as the
 * connections that were accepted with it.
 */
struct fw_tls_cred {
    mbedtls_ssl_config conf;
    mbedtls_x509_crt chain;
    mbedtls_pk_context key;
    unsigned refs;
};

/** The installed credentials, or NULL if none (connections are then refused). */
struct fw_tls_cred *fw_tls_cred_current(void);
void fw_tls_cred_hold(struct fw_tls_cred *cr);
/** Drop a reference; NULL is ignored. */
void fw_tls_cred_put(struct fw_tls_cred *cr);

/** Is @p rc (a possibly combined high + low level mbedTLS code) an allocation failure? */
bool fw_tls_is_nomem(int rc);

/** A short description of an mbedTLS handshake error into @p buf, for fetch details. */
void fw_tls_mbedtls_strerror(int err, char *buf, size_t size);

#endif /* FW_TLS_PRIV_H */
