/**
 * @file enc.h
 * @brief XML Encryption: decrypting a SAML EncryptedAssertion with the SP key.
 *
 * Accepted (everything else is encryption_algorithm):
 * - key transport: RSA-OAEP (xmlenc#rsa-oaep-mgf1p, xmlenc11#rsa-oaep), with the
 *   EncryptedKey inside EncryptedData/KeyInfo, or reached by a RetrievalMethod that names a
 *   sibling EncryptedKey inside the same EncryptedAssertion (Okta's layout). RSA PKCS#1 v1.5
 *   is refused (Bleichenbacher, "Strikes Again", ESORICS 2012).
 * - content: AES-128/192/256-GCM and AES-128/192/256-CBC.
 * Every decryption failure gives the same code and detail (no padding or OAEP oracle).
 *
 * Decryption proves nothing about who wrote the assertion: anyone can encrypt to the SP's
 * public key. The caller must still require an IdP signature (sso/resp.h does).
 */
#ifndef SSO_ENC_H
#define SSO_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "sso/crypto.h"
#include "sso/xml.h"

/**
 * @brief Decrypt EncryptedAssertion @p ea of @p doc and parse the Assertion it holds.
 *
 * The plaintext is parsed inside a wrapper element carrying the namespace declarations in
 * scope at @p ea, so that prefixes resolve (and canonicalize) exactly as they would had the
 * Assertion been in place.
 *
 * @param out        receives the parsed document (free with sso_xml_free) on success.
 * @param assertion  receives the saml:Assertion element of @p out.
 * @return SSO_OK, SSO_E_ENC_ALG (structure or algorithm, checked before any decryption),
 *         SSO_E_ENC_NO_KEY, SSO_E_XML_LIMIT (ciphertext too large), SSO_E_NOMEM, or
 *         SSO_E_ENC_DECRYPT for everything that depends on the plaintext: key unwrap,
 *         padding, tag, and a plaintext that is not exactly one well-formed Assertion.
 */
int sso_enc_decrypt_assertion(const struct sso_xml_doc *doc, int ea, const uint8_t *key_der,
                              size_t key_len, sso_rng_fn rng, void *rng_ctx,
                              const struct sso_xml_limits *lim, struct sso_xml_doc *out,
                              int *assertion, char *detail, size_t detail_size);

#endif /* SSO_ENC_H */
