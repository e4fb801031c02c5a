/**
 * @file md.h
 * @brief IdP metadata import: what the SP needs from a SAML 2.0 metadata document.
 *
 * Model. sso_md_parse() parses the document with the strict XML layer (bounded by
 * SSO_CFG_MD_MAX_BYTES), picks the one IdP entity, and copies what the SP configuration
 * needs into a caller-owned struct sso_md_idp of fixed-size fields: entity ID, the
 * HTTP-Redirect and HTTP-POST SingleSignOnService locations, every signing certificate
 * (DER, with SHA-256 fingerprint and validity from sso_crypto_cert_info()), the
 * NameIDFormats offered, validUntil and cacheDuration. Nothing in the result points into
 * the input or the XML tree, which is freed before returning. A value that does not fit
 * its field is an error (SSO_E_XML_LIMIT), never a truncation.
 *
 * Which entity. The root is an md:EntityDescriptor or an md:EntitiesDescriptor (nested
 * EntitiesDescriptors allowed). An IdP entity is an EntityDescriptor with an
 * IDPSSODescriptor whose protocolSupportEnumeration lists
 * urn:oasis:names:tc:SAML:2.0:protocol. With @p want_entity_id NULL there must be exactly
 * one (none: SSO_E_MD_NO_IDP; several: SSO_E_MD_TOO_MANY); with it, the IdP entity whose
 * entityID equals it exactly is taken.
 *
 * Entity ID. A missing or empty entityID is not an error: entity_id is left "" ("not
 * found") and the admin fills it in (Okta's catalog apps; see sso_md_okta_app_id()).
 *
 * Certificates. KeyDescriptors with use="signing" or without a use attribute are signing
 * keys; use="encryption" ones are skipped; any other use value makes the document
 * malformed. Every ds:X509Certificate under their ds:KeyInfo/ds:X509Data is kept (duplicates
 * once), up to SSO_CFG_MD_MAX_CERTS. Certificate dates are reported, never enforced: SAML
 * trust is in the pinned key, and IdPs routinely sign with long-expired certificates.
 *
 * Not checked here: a ds:Signature on the metadata (the document's integrity comes from
 * the TLS fetch with certificate verification, or from the admin who uploaded it), and
 * validUntil against the clock (sso_md_check_valid()).
 *
 * Main-loop context only (the XML layer's rule). Stack use is small (under 300 bytes on
 * the Cortex-M3); the result struct is about SSO_CFG_MD_MAX_CERTS * (SSO_CFG_CERT_MAX_DER +
 * 200) + 3 * SSO_CFG_URL_MAX bytes (9.8 KB with the defaults). Heap: the XML tree plus
 * 5.5 KB of certificate-text scratch, freed before returning.
 */
#ifndef SSO_MD_H
#define SSO_MD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/crypto.h"
#include "sso/sso_config.h"

/** Okta's IdP entity ID for an app is this prefix plus the app ID. */
#define SSO_MD_OKTA_ENTITY_PREFIX "http://www.okta.com/"

/** NameIDFormat bits of struct sso_md_idp::name_id_formats. */
enum sso_md_nameid {
    SSO_MD_NAMEID_UNSPECIFIED = 1u << 0, /**< SAML 1.1 unspecified */
    SSO_MD_NAMEID_EMAIL = 1u << 1,       /**< SAML 1.1 emailAddress */
    SSO_MD_NAMEID_X509 = 1u << 2,        /**< SAML 1.1 X509SubjectName */
    SSO_MD_NAMEID_WINDOWS = 1u << 3,     /**< SAML 1.1 WindowsDomainQualifiedName */
    SSO_MD_NAMEID_KERBEROS = 1u << 4,    /**< SAML 2.0 kerberos */
    SSO_MD_NAMEID_ENTITY = 1u << 5,      /**< SAML 2.0 entity */
    SSO_MD_NAMEID_PERSISTENT = 1u << 6,  /**< SAML 2.0 persistent */
    SSO_MD_NAMEID_TRANSIENT = 1u << 7,   /**< SAML 2.0 transient */
    SSO_MD_NAMEID_ENCRYPTED = 1u << 8,   /**< SAML 2.0 encrypted */
};
/** Number of known NameIDFormat bits. */
#define SSO_MD_NAMEID_KNOWN 9

/** One signing certificate. */
struct sso_md_cert {
    uint8_t der[SSO_CFG_CERT_MAX_DER];
    size_t der_len;
    struct sso_cert_info info; /**< fingerprint, key type and size, validity */
};

/** What the SP takes from IdP metadata. Caller-owned; filled by sso_md_parse(). */
struct sso_md_idp {
    char entity_id[SSO_CFG_URL_MAX];    /**< "" when the metadata has none (not found) */
    char sso_redirect[SSO_CFG_URL_MAX]; /**< HTTP-Redirect SSO Location, or "" */
    char sso_post[SSO_CFG_URL_MAX];     /**< HTTP-POST SSO Location, or "" */
    unsigned cert_count;                /**< 1..SSO_CFG_MD_MAX_CERTS */
    struct sso_md_cert certs[SSO_CFG_MD_MAX_CERTS];
    uint32_t name_id_formats; /**< enum sso_md_nameid bits */
    unsigned name_id_other;   /**< NameIDFormats not in enum sso_md_nameid */
    bool has_valid_until;
    int64_t valid_until_s; /**< earliest validUntil of the entity, its role and parents */
    bool has_cache_duration;
    int64_t cache_duration_s; /**< shortest cacheDuration of the same, in seconds */
};

/**
 * @brief Parse IdP metadata.
 *
 * @param out             zeroed, then filled; zeroed again on failure.
 * @param buf             the document (UTF-8, an optional BOM is skipped); modified in
 *                        place by the XML layer; not referenced after return.
 * @param len             bytes in @p buf, at most SSO_CFG_MD_MAX_BYTES.
 * @param want_entity_id  NULL, or the entityID of the IdP to take from an aggregate.
 * @return SSO_OK; SSO_E_XML_LIMIT (document or a value over its bound, too many
 *         certificates); SSO_E_XML_* from the parser; SSO_E_MD_MALFORMED (not metadata,
 *         bad use, Location, validUntil or cacheDuration); SSO_E_MD_NO_IDP;
 *         SSO_E_MD_TOO_MANY; SSO_E_MD_NO_SSO; SSO_E_MD_NO_CERT; SSO_E_MD_CERT (a signing
 *         certificate that is not base64 DER X.509); SSO_E_NOMEM; SSO_E_INVAL.
 */
int sso_md_parse(struct sso_md_idp *out, char *buf, size_t len, const char *want_entity_id);

/** SSO_OK, or SSO_E_MD_EXPIRED if the metadata has a validUntil at or before @p now_s. */
int sso_md_check_valid(const struct sso_md_idp *md, int64_t now_s);

/** URI of NameIDFormat bit number @p bit (0..SSO_MD_NAMEID_KNOWN-1), or NULL. */
const char *sso_md_nameid_uri(unsigned bit);

/**
 * @brief Extract the app ID from an Okta metadata URL,
 *        https://<org>.okta.com/app/<id>/sso/saml/metadata (also oktapreview.com and
 *        okta-emea.com), so the UI can offer SSO_MD_OKTA_ENTITY_PREFIX "<id>" as the IdP
 *        entity ID when the metadata has none.
 * @param url  NUL-terminated.
 * @return SSO_OK; SSO_E_URL for anything else (other hosts, extra path, query, fragment,
 *         userinfo, port); SSO_E_NOSPC if @p out is too small (out is then "").
 */
int sso_md_okta_app_id(const char *url, char *out, size_t out_size);

#endif /* SSO_MD_H */
