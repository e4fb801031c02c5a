/**
 * @file authn.h
 * @brief SP-initiated login: the SAML 2.0 AuthnRequest, its HTTP-Redirect and HTTP-POST
 *        encodings, and the table of outstanding requests that InResponseTo is checked
 *        against.
 *
 * Model. sso_authn_new() draws a fresh request ID from the caller's random callback and
 * stamps IssueInstant from the caller's clock value; the encoders then turn one request
 * plus the SP/IdP parameters into the XML, the redirect URL (raw DEFLATE, base64, percent
 * encoding, appended to the IdP SSO URL) or an auto-submitting HTML form. The encoders
 * write into caller buffers; on SSO_E_NOSPC they report through @p needed the buffer size
 * (NUL included) that would have been enough, so the caller can retry. The redirect
 * encoder needs scratch memory for the XML, the compressor and the base64 text, which it
 * takes from sso_malloc() in one block (3 KB plus about 3.7 times the XML size: 5.4 KB for
 * a typical 630-byte request) and frees before returning.
 *
 * Every value is validated before anything is written: entity ID non-empty and shorter
 * than SSO_CFG_URL_MAX, URLs absolute http(s) (sso_url_is_http()), RelayState a local path
 * (sso_url_relay_state_ok()): the SP never sends a RelayState it would refuse when the IdP
 * echoes it back. Values are XML-escaped in the request and HTML-escaped in the form.
 *
 * The outstanding-request table (struct sso_authn_pending) is a fixed array the caller
 * owns; no globals. Each entry is consumed at most once, which makes a captured response
 * unusable for a second login even before the replay cache sees its assertion ID.
 */
#ifndef SSO_AUTHN_H
#define SSO_AUTHN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/crypto.h"
#include "sso/sso_config.h"
#include "sso/time.h"

/** Request ID size: "_" + 32 lower-case hex digits (128 random bits) + NUL. */
#define SSO_AUTHN_ID_SIZE 34

/** The script of the POST form, for a Content-Security-Policy hash ('sha256-...'). */
#define SSO_AUTHN_POST_SCRIPT "document.forms[0].submit();"

/** One AuthnRequest: what the SP remembers and what the encoders print. */
struct sso_authn_request {
    char id[SSO_AUTHN_ID_SIZE];            /**< "_" + 32 hex; an xs:ID (NCName) */
    char issue_instant[SSO_TIME_STR_SIZE]; /**< "YYYY-MM-DDTHH:MM:SSZ" */
};

/** Parameters of a request. Strings are NUL-terminated and only read during the call. */
struct sso_authn_params {
    const char *sp_entity_id; /**< saml:Issuer */
    const char *acs_url;      /**< AssertionConsumerServiceURL (HTTP-POST binding) */
    const char *idp_sso_url;  /**< Destination, and where the browser is sent */
    const char *relay_state;  /**< NULL or "" for none; else a local path */
};

/**
 * @brief Start a request: random ID from @p rng, IssueInstant from @p now_s.
 * @return SSO_OK, SSO_E_RANDOM (the callback failed), SSO_E_INVAL (@p now_s not
 *         representable, NULL arguments).
 */
int sso_authn_new(struct sso_authn_request *req, int64_t now_s, sso_rng_fn rng, void *rng_ctx);

/**
 * @brief The samlp:AuthnRequest XML (no XML declaration).
 * @return SSO_OK, SSO_E_NOSPC, SSO_E_INVAL (bad entity ID or value not representable
 *         in XML), SSO_E_URL (bad ACS or SSO URL), SSO_E_RELAY_STATE.
 */
int sso_authn_xml(char *out, size_t out_size, size_t *needed, const struct sso_authn_request *req,
                  const struct sso_authn_params *p);

/**
 * @brief The HTTP-Redirect binding URL: idp_sso_url + ('?' or '&') + "SAMLRequest=" +
 *        urlencode(base64(deflate(xml))) [+ "&RelayState=" + urlencode(relay_state)].
 *        Unsigned (the SP metadata says AuthnRequestsSigned="false").
 * @return as sso_authn_xml(), plus SSO_E_NOMEM.
 */
int sso_authn_redirect_url(char *out, size_t out_size, size_t *needed,
                           const struct sso_authn_request *req, const struct sso_authn_params *p);

/**
 * @brief The HTTP-POST binding page: a complete HTML document whose form posts
 *        SAMLRequest (base64 of the XML) and RelayState to idp_sso_url, submitted by
 *        SSO_AUTHN_POST_SCRIPT, with a Continue button for browsers without script.
 * @return as sso_authn_xml().
 */
int sso_authn_post_form(char *out, size_t out_size, size_t *needed,
                        const struct sso_authn_request *req, const struct sso_authn_params *p);

/* ---- outstanding requests (InResponseTo) ------------------------------------------------ */

struct sso_authn_pending_entry {
    char id[SSO_AUTHN_ID_SIZE]; /**< "" = free slot */
    int64_t expires_s;          /**< not accepted at or after this instant */
    uint64_t seq;               /**< insertion order, for evicting the oldest */
};

/** Caller-owned table; zero it or call sso_authn_pending_init(). */
struct sso_authn_pending {
    struct sso_authn_pending_entry e[SSO_CFG_AUTHN_PENDING_MAX];
    uint64_t next_seq;
};

void sso_authn_pending_init(struct sso_authn_pending *t);

/**
 * @brief Remember request @p id until @p expires_s. Expired entries are dropped first;
 *        if the table is still full, the oldest entry is evicted (a flood of login
 *        clicks can only cancel older pending logins, never grow memory).
 * @return SSO_OK, SSO_E_INVAL (id empty or longer than SSO_AUTHN_ID_SIZE - 1, already
 *         present, or @p expires_s not after @p now_s).
 */
int sso_authn_pending_add(struct sso_authn_pending *t, const char *id, int64_t now_s,
                          int64_t expires_s);

/**
 * @brief Consume the entry whose ID equals @p id exactly (@p len bytes, e.g. an
 *        InResponseTo view). The entry is removed whether or not it has expired.
 * @return true if it was outstanding and @p now_s is before its expiry; false otherwise
 *         (unknown, already consumed, expired).
 */
bool sso_authn_pending_consume(struct sso_authn_pending *t, const char *id, size_t len,
                               int64_t now_s);

#endif /* SSO_AUTHN_H */
