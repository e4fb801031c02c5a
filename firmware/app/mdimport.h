/**
 * @file mdimport.h
 * @brief IdP metadata into the configuration: pasted/uploaded XML now, the metadata URL
 *        fetched over HTTPS in the background (an explicit state machine, polled from the
 *        superloop), and the refresh schedule that picks up certificate rollover.
 *
 * Import. The XML goes through the SAML core's metadata parser (sso/md.h); the entity
 * ID (when the metadata has one; otherwise the configured one stays, and the UI says
 * "not found"), SSO URLs and every signing certificate replace the IdP settings, and the
 * configuration is saved. Expired metadata (validUntil in the past) is refused.
 *
 * Fetch states (fw_md_fetch_state):
 *   IDLE    --fw_md_fetch_start(url)-----------> FETCHING
 *   FETCHING --body complete, import OK--------> DONE    (saved, audited)
 *            --transport/HTTP/parse failure----> FAILED  (nothing changed, audited)
 *   DONE/FAILED --fw_md_fetch_start------------> FETCHING
 * The fetch itself (HTTPS GET with certificate verification against the trust store)
 * is firmware/fetch/ (fetch.h).
 *
 * Refresh. For metadata imported from the URL, the next refresh is imported_at +
 * min(cacheDuration, 24 h), no later than an hour before validUntil, no sooner than
 * FW_MD_REFRESH_MIN_S; a failed refresh keeps the last good settings, audits why, and
 * retries after FW_MD_RETRY_S.
 */
#ifndef FW_MDIMPORT_H
#define FW_MDIMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/cfg.h"

#define FW_MD_REFRESH_DEFAULT_S 86400
#define FW_MD_REFRESH_MIN_S     300
#define FW_MD_RETRY_S           3600

/** Why an import failed: a stable code (SAML core or fetch) and a sentence. */
struct fw_md_err {
    char code[40];
    char detail[240];
};

/**
 * @brief Apply metadata @p xml (modified in place) to @p c->idp.
 * @return 0, or -1 with @p err filled (nothing in @p c changed).
 */
int fw_md_apply_xml(struct sso_cfg *c, char *xml, size_t len, enum sso_cfg_idp_source src,
                    int64_t now_s, struct fw_md_err *err);

enum fw_md_fetch_state {
    FW_MD_IDLE,
    FW_MD_FETCHING,
    FW_MD_DONE,
    FW_MD_FAILED,
};

/**
 * @brief Start fetching the configured metadata URL.
 * @param refresh  true for a scheduled refresh (audited as such).
 * @return 0; HAL_EAGAIN (a fetch is running); HAL_EINVAL (no URL); HAL_ENOTSUP (this
 *         build has no HTTPS client); HAL_ENOMEM.
 */
int fw_md_fetch_start(bool refresh);

enum fw_md_fetch_state fw_md_fetch_state(void);
const struct fw_md_err *fw_md_fetch_error(void);
int64_t fw_md_fetch_finished_at(void);

/** When the next scheduled refresh is due (UTC), 0 if none. */
int64_t fw_md_next_refresh(void);

/** The reason of the last failed refresh, or NULL after a good one. */
const char *fw_md_last_refresh_error(void);

/** Superloop: drive a running fetch, start scheduled refreshes. */
void fw_md_poll(void);

/** The configuration's IdP changed (import, manual entry): reschedule. */
void fw_md_reschedule(void);

/** Name of a source ("url", "pasted", "manual"), NULL for none. */
const char *fw_md_source_name(unsigned src);

#endif /* FW_MDIMPORT_H */
