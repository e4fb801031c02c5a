/**
 * @file url.h
 * @brief Percent-encoding, application/x-www-form-urlencoded parsing, and the checks the
 *        SAML bindings need on URLs and RelayState.
 *
 * Model. Encoders write into caller buffers and NUL-terminate; when the buffer is too
 * small they return SSO_E_NOSPC, leave "" in it and still report through @p needed the
 * buffer size (NUL included) the full output requires, so the caller can size a retry.
 * Decoders never produce more bytes than they read, so decoding in place (out == in) is
 * allowed. The form iterator hands out views into the caller's body or query string
 * (valid as long as that buffer is); nothing is allocated and every loop is bounded by
 * the input length.
 *
 * Decoding refuses "%00": every decoded value ends up in a NUL-terminated string and an
 * embedded NUL would let "a%00b" compare equal to "a" in C string code (truncation).
 */
#ifndef SSO_URL_H
#define SSO_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "sso/str.h"

/**
 * @brief Percent-encode @p in (RFC 3986): every byte outside the unreserved set
 *        ALPHA / DIGIT / "-" / "." / "_" / "~" becomes %XX (upper-case hex).
 * @param needed  if not NULL, receives the buffer size the output needs, NUL included,
 *                on success and on SSO_E_NOSPC.
 * @return SSO_OK, SSO_E_NOSPC, SSO_E_INVAL (NULL pointers).
 */
int sso_url_encode(const char *in, size_t in_len, char *out, size_t out_size, size_t *needed);

/**
 * @brief Percent-decode @p in into @p out and NUL-terminate it.
 * @param form     true for application/x-www-form-urlencoded ('+' is a space).
 * @param out_len  if not NULL, receives the decoded length.
 * @return SSO_OK; SSO_E_URL on a '%' not followed by two hex digits or on "%00";
 *         SSO_E_NOSPC if @p out is too small (out is then "").
 */
int sso_url_decode(const char *in, size_t in_len, bool form, char *out, size_t out_size,
                   size_t *out_len);

/** Iterator over the name=value pairs of a form body or query string. */
struct sso_url_form {
    const char *p;
    size_t len;
    size_t pos;
};

/** Start iterating over @p s (a body, or the part of a URL after '?' and before '#'). */
void sso_url_form_init(struct sso_url_form *it, const char *s, size_t len);

/**
 * @brief Next pair, as raw (still encoded) views into the input. Empty segments ("a=1&&b")
 *        are skipped; a segment without '=' has an empty value.
 * @return true if a pair was produced, false at the end.
 */
bool sso_url_form_next(struct sso_url_form *it, struct sso_str *name, struct sso_str *value);

/**
 * @brief Find the field whose decoded name is @p name and decode its value into @p out.
 *
 * A field given twice is an error, not "first wins": two SAMLResponse or RelayState
 * values would let a front end and this parser act on different ones.
 *
 * @return 1 if found (value in @p out), 0 if absent, SSO_E_URL if the input is malformed
 *         or the name is repeated, SSO_E_NOSPC if @p out is too small.
 */
int sso_url_form_get(const char *s, size_t len, const char *name, char *out, size_t out_size,
                     size_t *out_len);

/**
 * @brief Is @p rs (already decoded from the form) safe to redirect to after login?
 *
 * Only a device-local path is accepted: it starts with a single '/', holds no "//", no
 * backslash, only visible ASCII (no control characters, spaces or bytes >= 0x80), no
 * percent-encoded '/', '\' or '%' (which a later decoding could turn into "//"), no
 * malformed '%' escape, and is at most SSO_CFG_RELAY_STATE_MAX bytes. Anything else could
 * send the freshly signed-in admin to another origin (open redirect, CWE-601).
 */
bool sso_url_relay_state_ok(const char *rs, size_t len);

/**
 * @brief Is @p url an absolute http or https URL fit to put in a Location header or a
 *        form action? Scheme http/https (any case), "://", a non-empty host without
 *        userinfo, only visible ASCII, no backslash and no fragment.
 *        (A "javascript:" SSO URL in hostile metadata would otherwise become script in
 *        the auto-submitting POST form.)
 */
bool sso_url_is_http(const char *url, size_t len);

#endif /* SSO_URL_H */
