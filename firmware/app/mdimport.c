/* IdP metadata import, fetch state machine, refresh schedule: see mdimport.h. */
#include "app/mdimport.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app/audit.h"
#include "app/config.h"
#include "app/timesync.h"
#include "fetch/fetch.h"
#include "hal/hal_err.h"
#include "sso/err.h"
#include "sso/md.h"
#include "sso/time.h"
#include "trust/trust.h"
#include "util/log.h"

static struct sso_md_idp md; /* ~10 KB: static, not on the stack */

static enum fw_md_fetch_state fetch_state = FW_MD_IDLE;
static struct fw_md_err fetch_err;
static int64_t fetch_finished_at;
static bool fetch_is_refresh;
static int64_t next_refresh;
static char last_refresh_error[sizeof(((struct fw_md_err *)0)->detail)];
static bool have_refresh_error;

const char *fw_md_source_name(unsigned src)
{
    switch (src) {
    case SSO_CFG_IDP_URL:
        return "url";
    case SSO_CFG_IDP_PASTED:
        return "pasted";
    case SSO_CFG_IDP_MANUAL:
        return "manual";
    default:
        return NULL;
    }
}

static void set_err(struct fw_md_err *e, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(struct fw_md_err *e, int rc, const char *fmt, ...)
{
    va_list ap;
    (void)snprintf(e->code, sizeof(e->code), "%s", sso_err_code(rc));
    va_start(ap, fmt);
    (void)vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
    va_end(ap);
}

/* The sentences the admin reads (issue 4: "errors are specific and human"). */
static void describe(struct fw_md_err *e, int rc)
{
    switch (rc) {
    case SSO_E_XML_SYNTAX:
        set_err(e, rc,
                "The metadata is not XML, or not well-formed (an HTML page, or a download cut "
                "short?).");
        break;
    case SSO_E_XML_ENCODING:
        set_err(e, rc, "The metadata is not valid UTF-8 text.");
        break;
    case SSO_E_XML_NAMESPACE:
    case SSO_E_XML_ENTITY:
    case SSO_E_XML_DUP_ATTR:
        set_err(e, rc, "The metadata is not valid XML (%s).", sso_strerror(rc));
        break;
    case SSO_E_XML_DTD:
        set_err(e, rc, "The metadata contains a DOCTYPE (DTD), which this device refuses.");
        break;
    case SSO_E_XML_PI:
        set_err(e, rc,
                "The metadata contains a processing instruction, which this device refuses.");
        break;
    case SSO_E_MD_MALFORMED:
        set_err(e, rc,
                "The document is XML but not usable SAML 2.0 metadata: the root must be "
                "md:EntityDescriptor or md:EntitiesDescriptor, with valid validUntil, "
                "KeyDescriptor and http(s) SingleSignOnService values.");
        break;
    case SSO_E_MD_NO_IDP:
        set_err(e, rc, "Metadata has no IDPSSODescriptor.");
        break;
    case SSO_E_MD_NO_SSO:
        set_err(e, rc, "Metadata has no HTTP-Redirect or HTTP-POST SingleSignOnService.");
        break;
    case SSO_E_MD_NO_CERT:
        set_err(e, rc, "Metadata has no signing certificate.");
        break;
    case SSO_E_MD_CERT:
        set_err(e, rc, "A signing certificate in the metadata cannot be parsed.");
        break;
    case SSO_E_MD_TOO_MANY:
        set_err(e, rc, "Metadata describes several IdPs; set the IdP Entity ID to choose one.");
        break;
    case SSO_E_XML_LIMIT:
        set_err(e, rc, "Metadata exceeds a size, depth or count limit of this device.");
        break;
    case SSO_E_NOMEM:
        set_err(e, rc, "Not enough memory to parse the metadata; try again.");
        break;
    default:
        set_err(e, rc, "Metadata is not usable: %s.", sso_strerror(rc));
        break;
    }
}

int fw_md_apply_xml(struct sso_cfg *c, char *xml, size_t len, enum sso_cfg_idp_source src,
                    int64_t now_s, struct fw_md_err *err)
{
    static struct sso_cfg_idp idp; /* 9 KB: not on the stack */
    unsigned i;
    int rc;
    memset(err, 0, sizeof(*err));
    if (len > SSO_CFG_MD_MAX_BYTES) {
        set_err(err, SSO_E_XML_LIMIT,
                "The metadata is %lu bytes, more than the %lu bytes this device accepts.",
                (unsigned long)len, (unsigned long)SSO_CFG_MD_MAX_BYTES);
        return -1;
    }
    rc = sso_md_parse(&md, xml, len, NULL);
    if (rc == SSO_E_MD_TOO_MANY && c->idp.entity_id[0] != '\0') {
        /* An aggregate: the configured entity ID chooses. The buffer was parsed in place,
         * so the caller's bytes may have changed; the parser accepts its own output. */
        rc = sso_md_parse(&md, xml, len, c->idp.entity_id);
    }
    if (rc == SSO_OK && now_s > 0) {
        rc = sso_md_check_valid(&md, now_s);
        if (rc != SSO_OK) {
            char t[SSO_TIME_STR_SIZE];
            (void)sso_time_format(md.valid_until_s, t, sizeof(t));
            set_err(err, rc, "Metadata expired at %s (validUntil).", t);
            return -1;
        }
    }
    if (rc != SSO_OK) {
        describe(err, rc);
        return -1;
    }
    memset(&idp, 0, sizeof(idp));
    if (md.entity_id[0] != '\0') {
        memcpy(idp.entity_id, md.entity_id, sizeof(idp.entity_id));
        idp.entity_id_found = true;
    } else if (!c->idp.entity_id_found) {
        /* Not in the metadata (Okta catalog apps): keep what the admin typed. An ID that
         * came from an earlier import of other metadata is not carried over. */
        memcpy(idp.entity_id, c->idp.entity_id, sizeof(idp.entity_id));
    }
    memcpy(idp.sso_redirect, md.sso_redirect, sizeof(idp.sso_redirect));
    memcpy(idp.sso_post, md.sso_post, sizeof(idp.sso_post));
    idp.source = (uint8_t)src;
    idp.imported_at_s = now_s > 0 ? now_s : 0;
    idp.valid_until_s = md.has_valid_until && md.valid_until_s > 0 ? md.valid_until_s : 0;
    idp.cache_duration_s =
        md.has_cache_duration && md.cache_duration_s > 0 ? md.cache_duration_s : 0;
    idp.cert_count = md.cert_count;
    for (i = 0; i < md.cert_count && i < SSO_CFG_MD_MAX_CERTS; i++) {
        if (md.certs[i].der_len > SSO_CFG_CERT_MAX_DER) {
            describe(err, SSO_E_XML_LIMIT);
            return -1;
        }
        memcpy(idp.certs[i].der, md.certs[i].der, md.certs[i].der_len);
        idp.certs[i].len = (uint16_t)md.certs[i].der_len;
    }
    c->idp = idp;
    return 0;
}

/* ---- schedule ------------------------------------------------------------------------- */

void fw_md_reschedule(void)
{
    const struct sso_cfg *c = fw_config_sso();
    int64_t interval = FW_MD_REFRESH_DEFAULT_S, at;
    if (c->idp.source != SSO_CFG_IDP_URL || c->sp.metadata_url[0] == '\0' ||
        c->idp.imported_at_s <= 0) {
        next_refresh = 0;
        return;
    }
    if (c->idp.cache_duration_s > 0 && c->idp.cache_duration_s < interval) {
        interval = c->idp.cache_duration_s;
    }
    if (interval < FW_MD_REFRESH_MIN_S) {
        interval = FW_MD_REFRESH_MIN_S;
    }
    at = c->idp.imported_at_s + interval;
    if (c->idp.valid_until_s > 0 && c->idp.valid_until_s - 3600 < at) {
        at = c->idp.valid_until_s - 3600;
    }
    if (at < c->idp.imported_at_s + FW_MD_REFRESH_MIN_S) {
        at = c->idp.imported_at_s + FW_MD_REFRESH_MIN_S;
    }
    next_refresh = at;
}

int64_t fw_md_next_refresh(void)
{
    return next_refresh;
}

const char *fw_md_last_refresh_error(void)
{
    return have_refresh_error ? last_refresh_error : NULL;
}

/* ---- fetch ---------------------------------------------------------------------------- */

enum fw_md_fetch_state fw_md_fetch_state(void)
{
    return fetch_state;
}

const struct fw_md_err *fw_md_fetch_error(void)
{
    return &fetch_err;
}

int64_t fw_md_fetch_finished_at(void)
{
    return fetch_finished_at;
}

/* The fetch finished with @p body (or failed with @p err): import, save, audit. */
static void fetch_done(char *body, size_t len, const struct fw_md_err *ferr)
{
    const struct sso_cfg *live = fw_config_sso();
    struct fw_md_err err;
    int64_t now = 0;
    if (fw_time_now(&now) != HAL_OK) {
        now = 0;
    }
    fetch_finished_at = now;
    if (ferr != NULL) {
        err = *ferr; /* a copy: ferr may be fetch_err itself */
    } else {
        struct sso_cfg *c = fw_config_edit();
        if (fw_md_apply_xml(c, body, len, SSO_CFG_IDP_URL, now, &err) != 0) {
            fw_config_abort();
        } else if (fw_config_commit(NULL) != HAL_OK) {
            set_err(&err, SSO_E_IO, "The configuration could not be saved.");
        } else {
            fetch_state = FW_MD_DONE;
            have_refresh_error = false;
            memset(&fetch_err, 0, sizeof(fetch_err));
            fw_audit(fetch_is_refresh ? FW_EV_METADATA_REFRESHED : FW_EV_METADATA_IMPORTED, 0, NULL,
                     "from %s: %u certificate(s)", live->sp.metadata_url, live->idp.cert_count);
            fw_md_reschedule();
            return;
        }
    }
    fetch_state = FW_MD_FAILED;
    fetch_err = err;
    if (fetch_is_refresh) {
        /* The last good settings stay; say why, and try again later. */
        (void)snprintf(last_refresh_error, sizeof(last_refresh_error), "%s", err.detail);
        have_refresh_error = true;
        next_refresh = now + FW_MD_RETRY_S;
        fw_audit(FW_EV_METADATA_REFRESH_FAILED, 0, NULL, "%s: %s", err.code, err.detail);
    } else {
        fw_audit(FW_EV_METADATA_IMPORT_FAILED, 0, NULL, "%s: %s", err.code, err.detail);
    }
}

/* The trust set of a running fetch: built-in roots plus a copy of the admin CAs taken
 * at start (a change to the trust store during a fetch cannot pull bytes from under the
 * handshake). */
static struct sso_cfg_cert fetch_cas[SSO_CFG_TRUST_MAX];
static struct fw_trust_der fetch_ders[SSO_CFG_TRUST_MAX];
static struct fw_trust fetch_trust;

/* Human sentences for the fetch failures an admin meets (issue 4's examples). */
static void fetch_error(struct fw_md_err *e, const struct fw_fetch_result *res)
{
    const char *s = NULL;
    (void)snprintf(e->code, sizeof(e->code), "%s", fw_fetch_err_code(res->err));
    switch (res->err) {
    case FW_FETCH_E_HTTP_STATUS:
        if (res->http_status != 0) {
            (void)snprintf(e->detail, sizeof(e->detail), "The metadata URL returned HTTP %d.",
                           res->http_status);
            return;
        }
        break;
    /* Refused before any I/O: fw_fetch_start() gives only the code. */
    case FW_FETCH_E_URL:
        s = "The metadata URL is not a valid https:// URL (a host name or IPv4 address, an "
            "optional port, no user name).";
        break;
    case FW_FETCH_E_NOT_HTTPS:
        s = "The metadata URL must start with https://: metadata must come over verified TLS.";
        break;
    case FW_FETCH_E_TIME_UNKNOWN:
        s = "The device clock is not set yet (SNTP), so the server's TLS certificate cannot be "
            "checked. Try again in a minute.";
        break;
    case FW_FETCH_E_TLS_NOT_READY:
        s = "TLS is not available on this device (its random source failed), so metadata "
            "cannot be fetched.";
        break;
    case FW_FETCH_E_BUSY:
        s = "Another metadata fetch is running. Try again in a moment.";
        break;
    default:
        break;
    }
    if (s != NULL) {
        (void)snprintf(e->detail, sizeof(e->detail), "%s", s);
        return;
    }
    /* fetch.c's line names the server and the check that failed ("TLS certificate of
     * idp.example is not trusted (issuer ...): ..."): it becomes the sentence. */
    (void)snprintf(e->detail, sizeof(e->detail), "%s%s", res->detail,
                   res->detail[0] != '\0' && res->detail[strlen(res->detail) - 1] != '.' ? "."
                                                                                         : "");
}

static void fetch_cb(struct fw_fetch_result *res, void *ctx)
{
    struct fw_md_err err;
    (void)ctx;
    memset(&err, 0, sizeof(err));
    fw_log_printf("metadata: fetch %s in %lu ms: %s", fw_fetch_err_code(res->err),
                  (unsigned long)res->elapsed_ms, res->detail);
    if (res->err != FW_FETCH_OK) {
        fetch_error(&err, res);
        fetch_done(NULL, 0, &err);
        return;
    }
    /* The body is parsed in place; the fetch frees it when this returns. */
    fetch_done((char *)res->body, res->body_len, NULL);
}

int fw_md_fetch_start(bool refresh)
{
    const struct sso_cfg *c = fw_config_sso();
    struct fw_fetch_opts opts;
    unsigned i;
    int rc;
    if (fetch_state == FW_MD_FETCHING || fw_fetch_busy()) {
        return HAL_EAGAIN;
    }
    if (c->sp.metadata_url[0] == '\0') {
        return HAL_EINVAL;
    }
    for (i = 0; i < c->trust_count && i < SSO_CFG_TRUST_MAX; i++) {
        fetch_cas[i] = c->trust[i];
        fetch_ders[i].der = fetch_cas[i].der;
        fetch_ders[i].len = fetch_cas[i].len;
    }
    if (fw_trust_init(&fetch_trust, true, fetch_ders, i) != 0) {
        return HAL_EINVAL;
    }
    memset(&opts, 0, sizeof(opts));
    opts.max_body = SSO_CFG_MD_MAX_BYTES;
    opts.trust = &fetch_trust;
    rc = fw_fetch_start(c->sp.metadata_url, &opts, fetch_cb, NULL);
    if (rc != FW_FETCH_OK) {
        /* Refused before any I/O (bad URL, no time, no TLS): report it like a failure. */
        struct fw_fetch_result res;
        memset(&res, 0, sizeof(res));
        res.err = rc;
        (void)snprintf(res.detail, sizeof(res.detail), "%s", fw_fetch_strerror(rc));
        fetch_is_refresh = refresh;
        fetch_state = FW_MD_FETCHING;
        fetch_error(&fetch_err, &res);
        fetch_done(NULL, 0, &fetch_err);
        return rc == FW_FETCH_E_BUSY ? HAL_EAGAIN : HAL_EIO;
    }
    fetch_is_refresh = refresh;
    fetch_state = FW_MD_FETCHING;
    fw_log_printf("metadata: fetching %s%s", c->sp.metadata_url, refresh ? " (refresh)" : "");
    return HAL_OK;
}

void fw_md_poll(void)
{
    int64_t now;
    if (next_refresh == 0 || fetch_state == FW_MD_FETCHING || fw_time_now(&now) != HAL_OK ||
        now < next_refresh) {
        return;
    }
    if (fw_md_fetch_start(true) != HAL_OK) {
        next_refresh = now + FW_MD_RETRY_S;
    }
}
