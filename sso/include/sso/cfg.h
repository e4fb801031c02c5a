/**
 * @file cfg.h
 * @brief The SSO part of the device's config record: the data (SP settings, IdP
 *        settings, local accounts, keys, admin-added CA certificates, the audit tail) and
 *        its codec, a list of TLVs.
 *
 * Model. struct sso_cfg is plain data of fixed size (no pointers: copy it freely);
 * strings are NUL-terminated inside their arrays, binary values (certificates, keys) are
 * length + bytes. sso_cfg_encode() writes it as TLVs into a caller buffer;
 * sso_cfg_decode() starts from sso_cfg_defaults() and applies the TLVs of a payload. The
 * firmware puts these TLVs in the same payload as its own device settings (hostname,
 * network), which use the types below 0x100; this codec skips those, and the device
 * settings codec skips these. The byte format is specified in docs/STORAGE.md.
 *
 * Decoding is strict: every length is checked against the field's bound before any copy;
 * a truncated TLV, a bad length or value, a singleton given twice, more repetitions of a
 * list type than its array holds, or a string with a NUL or control character makes the
 * whole payload SSO_E_CFG_CORRUPT (the output is then the defaults). Unknown types are
 * handled deliberately, by a bit in the type number (docs/STORAGE.md):
 * - bit 0x4000 set ("skippable"): information a reader may lose without harm (the audit
 *   tail); an unknown skippable type is ignored, and not carried over by the next save;
 * - bit 0x4000 clear ("critical"): trust, identity or policy; an unknown critical type
 *   means the record was written by a firmware that knows things this one does not
 *   (a downgrade), and decoding fails with SSO_E_CFG_VERSION rather than run on a
 *   partial understanding of who may log in.
 *
 * Pure: no I/O, no clock, no allocation. Stack use is small (no local copies of the
 * struct); the struct itself is about SSO_CFG_STRUCT_BYTES (31 KB with the defaults), so
 * callers keep it static.
 */
#ifndef SSO_CFG_H
#define SSO_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/sso_config.h"

/* ---- bounds (a board may set them first through SSO_CONFIG_FILE) --------------------- */

/** Longest Authentication Provider Name, bytes (UTF-8). */
#ifndef SSO_CFG_NAME_MAX
#define SSO_CFG_NAME_MAX 64
#endif
/** Longest Short Name: [a-z0-9-]{1,SSO_CFG_SHORT_MAX}. */
#ifndef SSO_CFG_SHORT_MAX
#define SSO_CFG_SHORT_MAX 32
#endif
/** Longest attribute name (username or role attribute; URIs such as urn:oid:...). */
#ifndef SSO_CFG_ATTR_MAX
#define SSO_CFG_ATTR_MAX 128
#endif
/** Longest group value mapped to a role. */
#ifndef SSO_CFG_GROUP_MAX
#define SSO_CFG_GROUP_MAX 64
#endif
/** Most group values per role (admin, read-only). */
#ifndef SSO_CFG_GROUPS_MAX
#define SSO_CFG_GROUPS_MAX 8
#endif
/** Most local accounts. */
#ifndef SSO_CFG_ACCOUNTS_MAX
#define SSO_CFG_ACCOUNTS_MAX 4
#endif
/** Longest user name (local account, or an SSO user name in the audit log). */
#ifndef SSO_CFG_USER_MAX
#define SSO_CFG_USER_MAX 64
#endif
/** Most CA certificates an admin may add to the trust store for metadata fetches. */
#ifndef SSO_CFG_TRUST_MAX
#define SSO_CFG_TRUST_MAX 3
#endif
/** Largest private key kept (DER): an EC P-256 key is 121..138 bytes, RSA-2048 about 1190..1220. */
#ifndef SSO_CFG_KEY_MAX
#define SSO_CFG_KEY_MAX 1300
#endif
/** Audit events kept in the record (the newest; older ones are dropped). */
#ifndef SSO_CFG_AUDIT_MAX
#define SSO_CFG_AUDIT_MAX 32
#endif
/** Longest audit detail text: room for a refused login's values (an Audience URL, or a
 *  NotOnOrAfter with the device time and skew); longer details end in "..." (fw_audit).
 *  Each byte costs SSO_CFG_AUDIT_MAX bytes in the record and in every RAM copy of it. */
#ifndef SSO_CFG_AUDIT_DETAIL_MAX
#define SSO_CFG_AUDIT_DETAIL_MAX 128
#endif

/** Longest base URL: room left in SSO_CFG_URL_MAX for "/sso/<short>/metadata". */
#define SSO_CFG_BASE_URL_MAX (SSO_CFG_URL_MAX - 1u - (5u + SSO_CFG_SHORT_MAX + 9u))

/** PBKDF2 salt and hash sizes of a local account. */
#define SSO_CFG_SALT_LEN 16
#define SSO_CFG_HASH_LEN 32

/* ---- defaults ------------------------------------------------------------------------- */

#define SSO_CFG_DEFAULT_LIFETIME_S  28800 /**< session lifetime: 8 h */
#define SSO_CFG_DEFAULT_GRACE_HOURS 72    /**< password login after enabling SSO */
#define SSO_CFG_SKEW_MAX_S          600
#define SSO_CFG_LIFETIME_MIN_S      300
#define SSO_CFG_LIFETIME_MAX_S      86400
#define SSO_CFG_GRACE_MAX_HOURS     720

/* ---- TLV types (stable numbers; docs/STORAGE.md) ------------------------------------ */

#define SSO_CFG_TLV_FIRST      0x0100u /**< types below belong to the firmware's settings */
#define SSO_CFG_TLV_SKIPPABLE  0x4000u /**< bit: an unknown type with it may be skipped */
#define SSO_CFG_T_PROVIDER     0x0101u
#define SSO_CFG_T_SHORT        0x0102u
#define SSO_CFG_T_MD_URL       0x0103u
#define SSO_CFG_T_BASE_URL     0x0104u
#define SSO_CFG_T_RELAY        0x0105u
#define SSO_CFG_T_USER_ATTR    0x0106u
#define SSO_CFG_T_ROLE_ATTR    0x0107u
#define SSO_CFG_T_ADMIN_GROUP  0x0108u /**< repeated */
#define SSO_CFG_T_RO_GROUP     0x0109u /**< repeated */
#define SSO_CFG_T_SKEW         0x010Au
#define SSO_CFG_T_LIFETIME     0x010Bu
#define SSO_CFG_T_GRACE        0x010Cu
#define SSO_CFG_T_FLAGS        0x010Du
#define SSO_CFG_T_ENABLED_AT   0x010Eu
#define SSO_CFG_T_IDP_ENTITY   0x0201u
#define SSO_CFG_T_IDP_REDIRECT 0x0202u
#define SSO_CFG_T_IDP_POST     0x0203u
#define SSO_CFG_T_IDP_SOURCE   0x0204u
#define SSO_CFG_T_IDP_IMPORTED 0x0205u
#define SSO_CFG_T_IDP_VALID    0x0206u
#define SSO_CFG_T_IDP_CACHE    0x0207u
#define SSO_CFG_T_IDP_CERT     0x0208u /**< repeated */
#define SSO_CFG_T_IDP_FOUND    0x0209u
#define SSO_CFG_T_ACCOUNT      0x0301u /**< repeated */
#define SSO_CFG_T_TLS_KEY      0x0401u
#define SSO_CFG_T_TLS_CERT     0x0402u
#define SSO_CFG_T_SP_KEY       0x0403u
#define SSO_CFG_T_SP_CERT      0x0404u
#define SSO_CFG_T_TRUST_CA     0x0501u /**< repeated */
#define SSO_CFG_T_AUDIT        0x4601u /**< repeated; skippable */

/* SSO_CFG_T_FLAGS bits */
#define SSO_CFG_FLAG_IDP_INITIATED 0x01u
#define SSO_CFG_FLAG_ENABLED       0x02u

/* ---- the data ------------------------------------------------------------------------- */

/** A certificate (DER). */
struct sso_cfg_cert {
    uint16_t len; /**< 0: none */
    uint8_t der[SSO_CFG_CERT_MAX_DER];
};

/** A private key (DER, PKCS#8 or the algorithm's own form). */
struct sso_cfg_key {
    uint16_t len; /**< 0: none */
    uint8_t der[SSO_CFG_KEY_MAX];
};

/** What the admin configures on the Single Sign-On page. */
struct sso_cfg_sp {
    char provider_name[SSO_CFG_NAME_MAX + 1];
    char short_name[SSO_CFG_SHORT_MAX + 1]; /**< "" until configured */
    char metadata_url[SSO_CFG_URL_MAX];     /**< https URL, or "" */
    char base_url[SSO_CFG_URL_MAX];         /**< "https://host[:port]", no path, or "" */
    char default_relay_state[SSO_CFG_RELAY_STATE_MAX + 1]; /**< local path, or "" */
    char username_attribute[SSO_CFG_ATTR_MAX + 1];         /**< "" = the NameID */
    char role_attribute[SSO_CFG_ATTR_MAX + 1];
    char admin_groups[SSO_CFG_GROUPS_MAX][SSO_CFG_GROUP_MAX + 1];
    unsigned admin_group_count;
    char readonly_groups[SSO_CFG_GROUPS_MAX][SSO_CFG_GROUP_MAX + 1];
    unsigned readonly_group_count;
    uint32_t clock_skew_s;         /**< 0..SSO_CFG_SKEW_MAX_S */
    uint32_t session_lifetime_s;   /**< SSO_CFG_LIFETIME_MIN_S..SSO_CFG_LIFETIME_MAX_S */
    uint32_t password_grace_hours; /**< 0..SSO_CFG_GRACE_MAX_HOURS */
    bool allow_idp_initiated;
    bool enabled;
    int64_t enabled_at_s; /**< when SSO was (first) enabled; 0 when disabled */
};

/** Where the IdP settings came from. */
enum sso_cfg_idp_source {
    SSO_CFG_IDP_NONE = 0,
    SSO_CFG_IDP_URL = 1,    /**< fetched from sp.metadata_url */
    SSO_CFG_IDP_PASTED = 2, /**< metadata XML uploaded or pasted */
    SSO_CFG_IDP_MANUAL = 3, /**< typed in: entity ID, SSO URL, certificate */
};

/** The IdP as the SP trusts it. */
struct sso_cfg_idp {
    char entity_id[SSO_CFG_URL_MAX];    /**< "" = not known (metadata had none) */
    char sso_redirect[SSO_CFG_URL_MAX]; /**< HTTP-Redirect SSO URL, or "" */
    char sso_post[SSO_CFG_URL_MAX];     /**< HTTP-POST SSO URL, or "" */
    uint8_t source;                     /**< enum sso_cfg_idp_source */
    bool entity_id_found;               /**< the metadata carried an entityID */
    int64_t imported_at_s;              /**< last successful import or refresh, 0 never */
    int64_t valid_until_s;              /**< metadata validUntil, 0 if none */
    int64_t cache_duration_s;           /**< metadata cacheDuration, 0 if none */
    unsigned cert_count;
    struct sso_cfg_cert certs[SSO_CFG_MD_MAX_CERTS];
};

enum sso_cfg_role {
    SSO_CFG_ROLE_NONE = 0,
    SSO_CFG_ROLE_ADMIN = 1,
    SSO_CFG_ROLE_READONLY = 2,
};

/** A local account: PBKDF2-HMAC-SHA256(password, salt, iterations) = hash. */
struct sso_cfg_account {
    char name[SSO_CFG_USER_MAX + 1]; /**< 1..SSO_CFG_USER_MAX of [A-Za-z0-9._@-] */
    uint8_t role;                    /**< enum sso_cfg_role, never NONE */
    uint32_t iterations;             /**< >= 1 */
    uint8_t salt[SSO_CFG_SALT_LEN];
    uint8_t hash[SSO_CFG_HASH_LEN];
    int64_t changed_at_s; /**< 0 if the time was unknown */
};

/** The device's own keys: the admin UI's TLS identity and the SP decryption key. */
struct sso_cfg_keys {
    struct sso_cfg_key tls_key;
    struct sso_cfg_cert tls_cert;
    struct sso_cfg_key sp_key;
    struct sso_cfg_cert sp_cert;
};

/** One audit event. Event numbers and their names belong to the firmware. */
struct sso_cfg_audit_entry {
    uint32_t seq;   /**< increasing, never reused */
    int64_t time_s; /**< UTC, 0 if unknown */
    uint16_t event;
    int16_t code; /**< an enum sso_err reason, 0 if none */
    char user[SSO_CFG_USER_MAX + 1];
    char detail[SSO_CFG_AUDIT_DETAIL_MAX + 1];
};

/** The newest audit events, oldest first. */
struct sso_cfg_audit {
    unsigned count;
    struct sso_cfg_audit_entry e[SSO_CFG_AUDIT_MAX];
};

struct sso_cfg {
    struct sso_cfg_sp sp;
    struct sso_cfg_idp idp;
    unsigned account_count;
    struct sso_cfg_account accounts[SSO_CFG_ACCOUNTS_MAX];
    struct sso_cfg_keys keys;
    unsigned trust_count;
    struct sso_cfg_cert trust[SSO_CFG_TRUST_MAX];
    struct sso_cfg_audit audit;
};

/* ---- worst-case encoded size ---------------------------------------------------------- */

#define SSO_CFG_TLV_HDR 4u
#define SSO_CFG_ACCOUNT_FIXED                                                                      \
    (1u + 4u + SSO_CFG_SALT_LEN + SSO_CFG_HASH_LEN + 8u) /**< before the name */
#define SSO_CFG_AUDIT_FIXED (4u + 8u + 2u + 2u + 1u)     /**< before user and detail */

/** The largest payload sso_cfg_encode() can produce (every field at its bound). */
#define SSO_CFG_ENCODED_MAX                                                                        \
    (/* sp */ 7u * SSO_CFG_TLV_HDR + SSO_CFG_NAME_MAX + SSO_CFG_SHORT_MAX +                        \
     (SSO_CFG_URL_MAX - 1u) + SSO_CFG_BASE_URL_MAX + SSO_CFG_RELAY_STATE_MAX +                     \
     2u * SSO_CFG_ATTR_MAX + 2u * SSO_CFG_GROUPS_MAX * (SSO_CFG_TLV_HDR + SSO_CFG_GROUP_MAX) +     \
     3u * (SSO_CFG_TLV_HDR + 4u) + (SSO_CFG_TLV_HDR + 1u) + (SSO_CFG_TLV_HDR + 8u) +               \
     /* idp */ 3u * (SSO_CFG_TLV_HDR + SSO_CFG_URL_MAX - 1u) + 2u * (SSO_CFG_TLV_HDR + 1u) +       \
     3u * (SSO_CFG_TLV_HDR + 8u) +                                                                 \
     SSO_CFG_MD_MAX_CERTS * (SSO_CFG_TLV_HDR + SSO_CFG_CERT_MAX_DER) + /* accounts */              \
     SSO_CFG_ACCOUNTS_MAX * (SSO_CFG_TLV_HDR + SSO_CFG_ACCOUNT_FIXED + SSO_CFG_USER_MAX) +         \
     /* keys */ 2u * (SSO_CFG_TLV_HDR + SSO_CFG_KEY_MAX) +                                         \
     2u * (SSO_CFG_TLV_HDR + SSO_CFG_CERT_MAX_DER) +                                               \
     /* trust */ SSO_CFG_TRUST_MAX * (SSO_CFG_TLV_HDR + SSO_CFG_CERT_MAX_DER) + /* audit */        \
     SSO_CFG_AUDIT_MAX *                                                                           \
         (SSO_CFG_TLV_HDR + SSO_CFG_AUDIT_FIXED + SSO_CFG_USER_MAX + SSO_CFG_AUDIT_DETAIL_MAX))

/* ---- functions ------------------------------------------------------------------------ */

/** Defaults: everything empty, skew SSO_CFG_DEFAULT_SKEW_S, lifetime 8 h, grace 72 h,
 *  IdP-initiated login allowed, SSO disabled. */
void sso_cfg_defaults(struct sso_cfg *c);

/**
 * @brief Encode @p c as TLVs into @p out. Empty strings and absent keys are not written
 *        (their default is empty). @p c is checked as the decoder would check it: a
 *        value the decoder would refuse is never written.
 * @return SSO_OK; SSO_E_NOSPC (@p out too small); SSO_E_INVAL (a field breaks its rule).
 */
int sso_cfg_encode(const struct sso_cfg *c, uint8_t *out, size_t size, size_t *len);

/**
 * @brief Decode a payload: defaults first, then each TLV of type >= SSO_CFG_TLV_FIRST.
 *        On error @p c holds the defaults.
 * @return SSO_OK, SSO_E_CFG_CORRUPT, SSO_E_CFG_VERSION (unknown critical type).
 */
int sso_cfg_decode(struct sso_cfg *c, const uint8_t *in, size_t len);

/** Is @p s a short name: 1..SSO_CFG_SHORT_MAX of [a-z0-9-]? */
bool sso_cfg_short_name_ok(const char *s, size_t len);

/** Is @p s a base URL: http(s)://host[:port] (sso_url_is_http), no path, query or
 *  fragment, short enough that the longest generated URL fits SSO_CFG_URL_MAX? */
bool sso_cfg_base_url_ok(const char *s, size_t len);

/** Is @p s a text value for names (provider, group, attribute): no NUL, no control
 *  characters (C0, DEL), valid UTF-8? */
bool sso_cfg_text_ok(const char *s, size_t len);

/** Is @p s a local user name: 1..SSO_CFG_USER_MAX of [A-Za-z0-9._@-]? */
bool sso_cfg_user_name_ok(const char *s, size_t len);

/**
 * @brief The SP URLs generated from base_url and short_name: the ACS URL
 *        "<base>/sso/<short>/acs" and the SP entity ID "<base>/sso/<short>/metadata"
 *        (also where the SP metadata is served).
 * @param acs, entity  buffers of SSO_CFG_URL_MAX bytes, or NULL.
 * @return SSO_OK, or SSO_E_INVAL if base URL or short name is not set or not valid
 *         (the buffers are then "").
 */
int sso_cfg_sp_urls(const struct sso_cfg_sp *sp, char *acs, char *entity);

/**
 * @brief The role an SSO user gets from the values of the role attribute: admin if any
 *        value equals an admin group, else read-only if any equals a read-only group,
 *        else none (no access). Exact, case-sensitive comparison.
 */
enum sso_cfg_role sso_cfg_map_role(const struct sso_cfg_sp *sp, const char *const *values,
                                   unsigned count);

/**
 * @brief Append an audit entry, dropping the oldest when full. Strings longer than their
 *        bounds are cut at a UTF-8 boundary and end in "...", and control characters
 *        become '?', so that what a hostile IdP put in a NameID cannot break the record or
 *        the log line.
 */
void sso_cfg_audit_append(struct sso_cfg_audit *a, uint32_t seq, int64_t time_s, uint16_t event,
                          int16_t code, const char *user, const char *detail);

#endif /* SSO_CFG_H */
