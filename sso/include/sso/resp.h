/**
 * @file resp.h
 * @brief Validation of a SAML 2.0 Response (Web Browser SSO profile, HTTP-POST binding).
 *
 * sso_resp_validate() takes the decoded XML of a SAMLResponse and either returns who
 * signed in (NameID, attributes, session expiry) or a stable reason code with a human
 * detail. The order follows the baseline rules of saml-attacks.md:
 *
 *  1. strict parse (sso/xml.h): size, depth, DTD, PI, namespaces; duplicate IDs refused;
 *  2. structure: root samlp:Response 2.0; exactly one Assertion or EncryptedAssertion, as a
 *     direct child of the root; Status must be Success;
 *  3. signatures: a Response signature, if present, must verify; the Assertion (decrypted
 *     first if encrypted, with the SP key) is consumed only if its own signature verifies
 *     or the Response signature covered it. The element consumed is the element verified.
 *  4. checks: Issuer (Response and Assertion), Destination, bearer SubjectConfirmation
 *     (Recipient, NotOnOrAfter, InResponseTo), Conditions (NotBefore, NotOnOrAfter,
 *     AudienceRestriction), AuthnStatement SessionNotOnOrAfter, with clock skew;
 *  5. one-time use: InResponseTo against the outstanding requests, then the replay cache.
 *
 * Pure: time, the outstanding request IDs, the replay cache and randomness (for RSA
 * blinding when decrypting) are inputs. Memory: the parse takes heap through sso_malloc
 * (a few times the response size) and frees it before returning.
 */
#ifndef SSO_RESP_H
#define SSO_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/crypto.h"
#include "sso/dsig.h"
#include "sso/sso_config.h"

/** What the SP is configured to accept. Strings are NUL-terminated and caller-owned. */
struct sso_resp_config {
    const char *sp_entity_id;  /**< must equal an Audience */
    const char *acs_url;       /**< must equal Destination (if present) and Recipient */
    const char *idp_entity_id; /**< must equal the Assertion Issuer (and Response Issuer) */
    struct sso_trust trust;    /**< IdP signing certificates (DER) */
    struct sso_dsig_policy dsig;
    uint32_t skew_s;           /**< clock skew allowed on every time bound */
    bool allow_unsolicited;    /**< accept IdP-initiated responses (no InResponseTo) */
    const uint8_t *sp_key_der; /**< SP private key for EncryptedAssertion, or NULL */
    size_t sp_key_len;
};

/** One remembered assertion: a hash of its Issuer and ID, and until when to keep it. */
struct sso_replay_entry {
    uint8_t key[16];
    int64_t expires_s;
};

/** Replay cache, owned by the caller (the firmware keeps one; the CLI persists it). */
struct sso_replay {
    struct sso_replay_entry e[SSO_CFG_REPLAY_MAX];
};

/** Per-request inputs. */
struct sso_resp_params {
    int64_t now_s;   /**< current UTC */
    bool time_known; /**< false: refuse (no login without synced time) */
    /** AuthnRequest IDs this SP has outstanding (unexpired), or none. */
    const char *const *outstanding;
    unsigned outstanding_count;
    struct sso_replay *replay; /**< updated on success; NULL disables (tests only) */
    sso_rng_fn rng;            /**< for RSA blinding when decrypting */
    void *rng_ctx;
};

/** One attribute: a name and a run of values in the result's pool. */
struct sso_resp_attr {
    uint16_t name_off;
    uint16_t first_value; /**< index into value_off[] */
    uint16_t value_count;
};

/** Who signed in. All strings NUL-terminated; views into pool via sso_resp_attr_*(). */
struct sso_resp_result {
    char name_id[SSO_CFG_RESP_STR_MAX];
    char name_id_format[SSO_CFG_RESP_STR_MAX];
    char session_index[SSO_CFG_RESP_STR_MAX];
    char issuer[SSO_CFG_RESP_STR_MAX];
    char assertion_id[SSO_CFG_RESP_STR_MAX];
    char response_id[SSO_CFG_RESP_STR_MAX];
    char in_response_to[SSO_CFG_RESP_STR_MAX]; /**< "" when IdP-initiated */
    int64_t issue_instant_s;
    int64_t not_on_or_after_s;         /**< end of the assertion's validity */
    int64_t session_not_on_or_after_s; /**< SessionNotOnOrAfter, or 0 if none */
    bool response_signed;
    bool assertion_signed;
    bool encrypted;
    unsigned attr_count;
    struct sso_resp_attr attrs[SSO_CFG_RESP_MAX_ATTRS];
    uint16_t value_off[SSO_CFG_RESP_MAX_VALUES];
    unsigned value_count;
    char pool[SSO_CFG_RESP_ATTR_POOL];
    uint16_t pool_len;
};

/**
 * Why a response was refused: a stable code (sso_err_code), a human detail, and the
 * values behind it, so that a caller can word its own message (the device's ACS page)
 * without parsing the detail. Everything here comes from the response or the
 * configuration; nothing is secret.
 */
struct sso_resp_error {
    int code;
    char detail[192];
    /** What the response carried where it was refused: the Issuer (issuer_mismatch),
     *  Audience (audience_mismatch), Recipient (recipient_mismatch), Destination
     *  (destination_mismatch), InResponseTo (in_response_to_mismatch) or the status
     *  codes (status_not_success); "" otherwise. */
    char got[SSO_CFG_RESP_STR_MAX];
    /** not_yet_valid: the NotBefore that is still ahead; expired: the NotOnOrAfter that
     *  passed (UTC); 0 otherwise. */
    int64_t bound_s;
    /** The element whose check failed ("Response", "Assertion", "Conditions",
     *  "SubjectConfirmationData"), a static string, or NULL. */
    const char *where;
};

/**
 * @brief Validate a SAML Response.
 *
 * @param xml     decoded Response bytes; modified in place (normalisation), not kept.
 * @param len     bytes in @p xml.
 * @param cfg     SP configuration.
 * @param params  time, outstanding requests, replay cache, rng.
 * @param out     receives the result on success (zeroed on failure).
 * @param err     receives the reason on failure (code SSO_OK on success).
 * @return SSO_OK or a negative code (also in err->code). Never positive.
 */
int sso_resp_validate(char *xml, size_t len, const struct sso_resp_config *cfg,
                      const struct sso_resp_params *params, struct sso_resp_result *out,
                      struct sso_resp_error *err);

/** Name of attribute @p i of @p r. */
const char *sso_resp_attr_name(const struct sso_resp_result *r, unsigned i);
/** Value @p j of attribute @p i of @p r. */
const char *sso_resp_attr_value(const struct sso_resp_result *r, unsigned i, unsigned j);
/** First attribute named @p name (Name or FriendlyName), or -1. */
int sso_resp_attr_find(const struct sso_resp_result *r, const char *name);

/* ---- replay cache -------------------------------------------------------------------------- */

/** Empty the cache. */
void sso_replay_init(struct sso_replay *c);
/** True if (@p issuer, @p id) is remembered and not expired at @p now_s. */
bool sso_replay_seen(const struct sso_replay *c, const char *issuer, const char *id, int64_t now_s);
/**
 * @brief Remember (@p issuer, @p id) until @p expires_s. Expired entries are reused first.
 * @return SSO_OK, or SSO_E_RESP_REPLAY_FULL when every entry is still live (fail closed:
 *         forgetting a live entry would re-open replay).
 */
int sso_replay_add(struct sso_replay *c, const char *issuer, const char *id, int64_t expires_s,
                   int64_t now_s);

#endif /* SSO_RESP_H */
