/**
 * @file sso_config.h
 * @brief Compile-time tunables of the SAML core, each with its default.
 *
 * A board (or a test build) may define SSO_CONFIG_FILE to a header that sets any of these
 * first. Every bound is enforced before work starts; exceeding one is an error
 * (SSO_E_XML_LIMIT and friends), never a truncation.
 */
#ifndef SSO_CONFIG_H
#define SSO_CONFIG_H

#ifdef SSO_CONFIG_FILE
#include SSO_CONFIG_FILE
#endif

/** Largest SAML Response document accepted, in bytes (decoded XML). A 64 KB ACS body of
 *  base64 decodes to 48 KB. Genuine responses in the corpus are under 30 KB. */
#ifndef SSO_CFG_XML_MAX_BYTES
#define SSO_CFG_XML_MAX_BYTES 49152
#endif

/** Deepest element nesting accepted. Real SAML stays under about 12 levels. */
#ifndef SSO_CFG_XML_MAX_DEPTH
#define SSO_CFG_XML_MAX_DEPTH 32
#endif

/** Most nodes (elements, text, comments) in one document. */
#ifndef SSO_CFG_XML_MAX_NODES
#define SSO_CFG_XML_MAX_NODES 4096
#endif

/** Most attributes (namespace declarations included) on one element. */
#ifndef SSO_CFG_XML_MAX_ATTRS
#define SSO_CFG_XML_MAX_ATTRS 32
#endif

/** Largest IdP metadata document accepted, in bytes. */
#ifndef SSO_CFG_MD_MAX_BYTES
#define SSO_CFG_MD_MAX_BYTES 65536
#endif

/** Most signing certificates kept from metadata (rollover needs at least two). */
#ifndef SSO_CFG_MD_MAX_CERTS
#define SSO_CFG_MD_MAX_CERTS 4
#endif

/** Largest DER certificate kept, in bytes. */
#ifndef SSO_CFG_CERT_MAX_DER
#define SSO_CFG_CERT_MAX_DER 2048
#endif

/** Longest URL or entity ID kept in configuration, in bytes (including the NUL). */
#ifndef SSO_CFG_URL_MAX
#define SSO_CFG_URL_MAX 256
#endif

/** Default clock skew allowance for NotBefore/NotOnOrAfter, in seconds. */
#ifndef SSO_CFG_DEFAULT_SKEW_S
#define SSO_CFG_DEFAULT_SKEW_S 180
#endif

/** Most attributes returned from an assertion, and most values over all of them. */
#ifndef SSO_CFG_RESP_MAX_ATTRS
#define SSO_CFG_RESP_MAX_ATTRS 32
#endif
#ifndef SSO_CFG_RESP_MAX_VALUES
#define SSO_CFG_RESP_MAX_VALUES 64
#endif

/** Replay-cache capacity: assertions remembered until they expire. When every entry is
 *  live, new logins are refused rather than forgetting one (replay_cache_full). */
#ifndef SSO_CFG_REPLAY_MAX
#define SSO_CFG_REPLAY_MAX 64
#endif

/** Longest NameID, attribute name or value, or ID kept in a result (bytes incl. NUL). */
#ifndef SSO_CFG_RESP_STR_MAX
#define SSO_CFG_RESP_STR_MAX 256
#endif

/** Bytes for all attribute names and values of one assertion. */
#ifndef SSO_CFG_RESP_ATTR_POOL
#define SSO_CFG_RESP_ATTR_POOL 4096
#endif

/** Longest RelayState accepted (SAML bindings 3.5.3 allows 80 bytes). */
#ifndef SSO_CFG_RELAY_STATE_MAX
#define SSO_CFG_RELAY_STATE_MAX 80
#endif

/** Most AuthnRequests awaiting a response at once (the InResponseTo table of
 *  sso_authn_pending); the oldest is evicted when a new one does not fit. */
#ifndef SSO_CFG_AUTHN_PENDING_MAX
#define SSO_CFG_AUTHN_PENDING_MAX 16
#endif

/** Largest inflated size accepted from a DEFLATE stream, in bytes. */
#ifndef SSO_CFG_INFLATE_MAX
#define SSO_CFG_INFLATE_MAX 16384
#endif

/** 1: compile sso_strerror() details; 0: codes only (smaller image). */
#ifndef SSO_CFG_STRERROR
#define SSO_CFG_STRERROR 1
#endif

#endif /* SSO_CONFIG_H */
