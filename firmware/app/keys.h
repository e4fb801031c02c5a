/**
 * @file keys.h
 * @brief The device's own keys, kept in the config record: the HTTPS identity (ECDSA
 *        P-256 key + self-signed certificate, made at first boot, replaceable by an admin)
 *        and the SAML SP encryption identity (RSA-2048 key + self-signed certificate,
 *        published in the SP metadata, used to decrypt EncryptedAssertions).
 *
 * fw_keys_boot() runs after the configuration is loaded and the TLS random generator is
 * seeded (fw_tls_init): it generates whatever key is missing (the RSA key takes a while
 * on the Cortex-M3: seconds, before the device serves anything), saves them in one
 * record, and installs the HTTPS identity for the listener. Without entropy nothing is
 * generated: the device then serves plain HTTP only and cannot decrypt assertions, and
 * says so. Generation uses net/certgen.h; nothing here is kept outside the config record.
 * Superloop context only.
 */
#ifndef FW_KEYS_H
#define FW_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/** Generate missing keys, save them, install the HTTPS identity. */
void fw_keys_boot(void);

/** True once the HTTPS listener has a certificate. */
bool fw_keys_https_ready(void);

/** Why a replacement was refused: a stable code (net/tls.h) and a sentence. */
struct fw_keys_err {
    const char *code;
    char detail[160];
};

/**
 * @brief Replace the HTTPS certificate and key with an admin's PEM pair (leaf first,
 *        optionally its chain; at most SSO_CFG_CERT_MAX_DER bytes of DER in all). Checked
 *        (fw_certgen_check_pem), saved, then installed for new connections.
 * @return 0, or -1 with @p err filled (400-class: bad input), or -2 (the save failed).
 */
int fw_keys_replace_https(const char *key_pem, size_t key_len, const char *crt_pem, size_t crt_len,
                          const char *user, struct fw_keys_err *err);

#endif /* FW_KEYS_H */
