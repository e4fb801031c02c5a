/**
 * @file reason.h
 * @brief What the ACS tells a person when it refuses an identity provider's answer: one
 *        short, honest sentence per reason code of the SAML core (issue 4, "errors are
 *        specific and human"), and the compact detail the audit log keeps next to the
 *        stable code.
 *
 * Model: pure functions of the reason code, the core's struct sso_resp_error (the value
 * the response carried, the time bound that failed) and the SP's own configuration (its
 * entity ID and ACS URL, the configured IdP, the IdP certificates for their SHA-256
 * fingerprints, the clock skew, the device time). No I/O, no state; the caller owns every
 * buffer and HTML-escapes the text (it is plain text, built from values an attacker may
 * choose: an Audience, an Issuer).
 *
 * What goes in: only what the sentence needs to let the admin act: the mismatching value
 * and the expected one, the certificate fingerprints, the times. Never the assertion, a
 * user's attributes, a session ID or any key.
 *
 * Bounds: the sentence needs at most FW_SSO_REASON_MAX bytes (two values of
 * SSO_CFG_RESP_STR_MAX, or four fingerprints, plus the words). A text that does not fit
 * the caller's buffer is an error, never a cut sentence.
 */
#ifndef FW_SSO_REASON_H
#define FW_SSO_REASON_H

#include <stddef.h>
#include <stdint.h>

#include "sso/cfg.h"
#include "sso/resp.h"

/** Room for any sentence fw_sso_reason_text() writes. */
#define FW_SSO_REASON_MAX 1280

/** The context of a refusal. Strings are NUL-terminated; any may be NULL or "". */
struct fw_sso_reason_in {
    int code;                         /**< enum sso_err */
    const struct sso_resp_error *err; /**< the core's details, or NULL (firmware checks) */
    const char *sp_entity_id;
    const char *acs_url;
    const char *idp_entity_id;        /**< the configured IdP */
    const char *provider_name;        /**< "Okta" */
    int64_t now_s;                    /**< the device's UTC */
    uint32_t skew_s;                  /**< the configured clock skew */
    const struct sso_cfg_cert *certs; /**< the configured IdP signing certificates */
    unsigned cert_count;
};

/**
 * @brief The sentence(s) for the refusal page: what happened and what to do.
 * @return SSO_OK; SSO_E_NOSPC when @p size is too small (nothing usable in @p out);
 *         SSO_E_INVAL for a NULL argument.
 */
int fw_sso_reason_text(const struct fw_sso_reason_in *in, char *out, size_t size);

/**
 * @brief The audit detail: the values first, so that the useful part survives the audit
 *        record's bound (SSO_CFG_AUDIT_DETAIL_MAX; fw_audit() marks a cut).
 * @return SSO_OK, SSO_E_NOSPC or SSO_E_INVAL as above.
 */
int fw_sso_reason_audit(const struct fw_sso_reason_in *in, char *out, size_t size);

/** "AB:CD:..." (95 characters + NUL) of the SHA-256 of @p der. @return SSO_OK or an error. */
int fw_sso_fingerprint(const uint8_t *der, size_t len, char out[96]);

#endif /* FW_SSO_REASON_H */
