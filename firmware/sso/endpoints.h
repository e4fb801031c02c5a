/**
 * @file endpoints.h
 * @brief The SSO endpoints under /sso/<short>/ (docs/API.md) and their one-time-use state.
 *
 *   GET  /sso/<short>/login     AuthnRequest (HTTP-Redirect binding, or the POST form when
 *                               the IdP offers only that), RelayState a device-local path
 *   POST /sso/<short>/acs       SAMLResponse -> sso_resp_validate -> session + 303
 *   GET  /sso/<short>/metadata  SP metadata (sso_spmd_build) with the SP encryption cert
 *   GET|POST /sso/<short>/logout  local logout
 *
 * One-time use. Outstanding AuthnRequest IDs live in a sso_authn_pending table
 * (SSO_CFG_AUTHN_PENDING_MAX, 10 minutes each); a request ID is consumed by the first
 * response that answers it and then kept in a small ring of consumed IDs, which is
 * passed to the validator as outstanding too: a second post of the same response then
 * reaches the replay cache and is refused with the stable code `replay` (not a
 * confusing in_response_to_mismatch). Assertion IDs are remembered in the replay cache
 * (SSO_CFG_REPLAY_MAX entries until they expire; full = refuse, never forget). Both live
 * in RAM; after a reboot an IdP-initiated assertion issued before the device knew the
 * time in this boot is refused as a replay (fw_time_known_since), and SP-initiated ones
 * have no outstanding request left.
 *
 * Failures show a short page styled like the sign-in page (fw_ui_css_path, the UI's
 * security headers): what happened and what to do in one sentence with the values that
 * matter (sso/reason.h: the Audience the IdP sent and the SP entity ID it must send, the
 * configured certificates' fingerprints, the clock and the skew, ...), HTML-escaped, and
 * the stable reason code. The audit log gets the code and a compact detail, values first.
 * Nothing from the assertion beyond what the sentence needs is shown or logged; never the
 * assertion itself or a session ID.
 *
 * Landing after a login: the RelayState when it is a device-local path; else, for a login
 * started at the IdP (no InResponseTo), the Default Relay State; else the dashboard. A
 * login started here sends RelayState only for ?next=.
 */
#ifndef FW_SSO_ENDPOINTS_H
#define FW_SSO_ENDPOINTS_H

#include <stdint.h>

/** How long an AuthnRequest stays answerable. */
#define FW_SSO_REQUEST_TTL_S 600
/** Consumed request IDs remembered (so a re-post says "replay"). */
#define FW_SSO_CONSUMED_MAX  16

/** Forget outstanding requests and the replay cache (tests, factory reset). */
void fw_sso_reset(void);

/** Milliseconds the last ACS validation took (sso_resp_validate alone). */
uint32_t fw_sso_last_validation_ms(void);

#endif /* FW_SSO_ENDPOINTS_H */
