/**
 * @file dsig.h
 * @brief XML-DSig verification of one enveloped signature, against a tiny fixed grammar.
 *
 * The SAML profile of XML-DSig (SAML core 5.4) is all the core accepts:
 *
 *   Signature   = SignedInfo SignatureValue [KeyInfo]          (nothing else, no Object)
 *   SignedInfo  = CanonicalizationMethod SignatureMethod Reference   (exactly one Reference)
 *   Reference   URI="#<ID of the element the Signature is a direct child of>"
 *               = Transforms DigestMethod DigestValue
 *   Transforms  = enveloped-signature, exc-c14n [InclusiveNamespaces PrefixList]
 *
 * Algorithms come from an allow-list (RSA-SHA256/384/512, ECDSA-SHA256/384; digests
 * SHA-256/384/512; SHA-1 only with the legacy opt-in). The key is never taken from the
 * message: KeyInfo is ignored, and the signature must verify with one of the certificates
 * in the caller's trust list (configuration). Comments anywhere inside the signed element
 * are refused, whatever the canonicalization, because they are the lever of the
 * text-node-truncation attack (CVE-2017-11427 family).
 *
 * Nothing here allocates except through mbedTLS inside sso_crypto_*; canonical bytes are
 * streamed into the hash.
 */
#ifndef SSO_DSIG_H
#define SSO_DSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/crypto.h"
#include "sso/sso_config.h"
#include "sso/xml.h"

/** IdP signing certificates pinned by configuration (DER). Several allow key rollover. */
struct sso_trust {
    const uint8_t *cert_der[SSO_CFG_MD_MAX_CERTS];
    size_t cert_len[SSO_CFG_MD_MAX_CERTS];
    unsigned count;
};

/** What a caller allows. A zeroed struct is the strict default. */
struct sso_dsig_policy {
    bool allow_sha1;     /**< accept rsa-sha1 and sha1 digests (legacy IdPs only) */
    bool allow_weak_rsa; /**< accept RSA keys under 2048 bits (legacy IdPs only) */
};

/** What was verified, for reports and the audit log. */
struct sso_dsig_info {
    enum sso_md_alg digest_alg;
    enum sso_md_alg sig_md;
    enum sso_sig_scheme scheme;
    unsigned cert_index; /**< which trusted certificate verified it */
};

/**
 * @brief Verify the ds:Signature @p sig, which must be a direct child of @p signed_elem,
 *        and whose one Reference must name @p signed_elem by its ID attribute.
 *
 * @param doc         parsed document (the caller has already rejected duplicate IDs).
 * @param signed_elem the element the caller will consume if this succeeds.
 * @param sig         a ds:Signature child of @p signed_elem.
 * @param trust       configured IdP certificates; never anything from KeyInfo.
 * @param pol         NULL for the strict default.
 * @param info        NULL, or receives what was verified.
 * @param detail      NULL, or a buffer for a one-line human reason on failure.
 * @return SSO_OK, or SSO_E_DSIG_* (SSO_E_DSIG_DIGEST, SSO_E_DSIG_BAD, ...). Never positive.
 */
int sso_dsig_verify(const struct sso_xml_doc *doc, int signed_elem, int sig,
                    const struct sso_trust *trust, const struct sso_dsig_policy *pol,
                    struct sso_dsig_info *info, char *detail, size_t detail_size);

#endif /* SSO_DSIG_H */
