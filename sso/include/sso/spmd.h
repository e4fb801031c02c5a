/**
 * @file spmd.h
 * @brief The SP metadata document the device publishes at /sso/<short>/metadata and the
 *        admin pastes into the IdP.
 *
 * One md:EntityDescriptor with an SPSSODescriptor for SAML 2.0: AuthnRequestsSigned="false"
 * (requests go out unsigned over the redirect binding), WantAssertionsSigned="true" (the
 * SP refuses unsigned assertions), an optional encryption KeyDescriptor carrying the SP
 * certificate with the EncryptionMethod algorithms the SP can decrypt, the emailAddress
 * NameIDFormat, and one HTTP-POST AssertionConsumerService (index 0, default).
 *
 * The document is written into a caller buffer; on SSO_E_NOSPC @p needed reports the
 * buffer size (NUL included) that would have been enough. Nothing is allocated.
 */
#ifndef SSO_SPMD_H
#define SSO_SPMD_H

#include <stddef.h>
#include <stdint.h>

/** Inputs; strings are NUL-terminated and only read during the call. */
struct sso_spmd_params {
    const char *entity_id;   /**< SP entity ID, non-empty, shorter than SSO_CFG_URL_MAX */
    const char *acs_url;     /**< absolute http(s) URL, shorter than SSO_CFG_URL_MAX */
    const uint8_t *cert_der; /**< SP certificate (DER) for encryption, or NULL */
    size_t cert_len;         /**< at most SSO_CFG_CERT_MAX_DER */
};

/**
 * @brief Write the SP metadata XML (with an XML declaration) into @p out.
 * @return SSO_OK, SSO_E_NOSPC, SSO_E_INVAL (entity ID empty, too long or not representable
 *         in XML; certificate empty or over SSO_CFG_CERT_MAX_DER), SSO_E_URL (ACS URL).
 */
int sso_spmd_build(char *out, size_t out_size, size_t *needed, const struct sso_spmd_params *p);

#endif /* SSO_SPMD_H */
