/* AuthnRequest, HTTP-Redirect and HTTP-POST encodings, outstanding requests (sso/authn.h). */
#include "sso/authn.h"

#include <string.h>

#include "sso/alloc.h"
#include "sso/b64.h"
#include "sso/deflate.h"
#include "sso/err.h"
#include "sso/url.h"
#include "wbuf_priv.h"

#define ID_HEX_BYTES ((SSO_AUTHN_ID_SIZE - 2) / 2)

int sso_authn_new(struct sso_authn_request *req, int64_t now_s, sso_rng_fn rng, void *rng_ctx)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t rnd[ID_HEX_BYTES];
    int rc = SSO_E_INTERNAL;
    if (req == NULL || rng == NULL) {
        return SSO_E_INVAL;
    }
    memset(req, 0, sizeof(*req));
    rc = sso_time_format(now_s, req->issue_instant, sizeof(req->issue_instant));
    if (rc != SSO_OK) {
        goto out;
    }
    /* 128 random bits: the ID is what InResponseTo is matched against, so it must not be
     * guessable (an attacker who could predict it could pre-build a matching response
     * context) nor repeat. */
    if (rng(rng_ctx, rnd, sizeof(rnd)) != 0) {
        rc = SSO_E_RANDOM;
        goto out;
    }
    /* '_' first: an xs:ID is an NCName and may not start with a digit. */
    req->id[0] = '_';
    for (size_t i = 0; i < sizeof(rnd); i++) {
        req->id[1 + 2 * i] = hex[rnd[i] >> 4];
        req->id[2 + 2 * i] = hex[rnd[i] & 15];
    }
    req->id[SSO_AUTHN_ID_SIZE - 1] = '\0';
    rc = SSO_OK;
out:
    sso_crypto_zeroize(rnd, sizeof(rnd));
    if (rc != SSO_OK) {
        memset(req, 0, sizeof(*req));
    }
    return rc;
}

static bool bounded_str(const char *s, size_t size)
{
    return s != NULL && memchr(s, '\0', size) != NULL;
}

static int check(const struct sso_authn_request *req, const struct sso_authn_params *p)
{
    size_t n;
    if (req == NULL || p == NULL || !bounded_str(req->id, sizeof(req->id)) || req->id[0] == '\0' ||
        !bounded_str(req->issue_instant, sizeof(req->issue_instant)) ||
        req->issue_instant[0] == '\0') {
        return SSO_E_INVAL;
    }
    if (p->sp_entity_id == NULL || p->sp_entity_id[0] == '\0' ||
        !bounded_str(p->sp_entity_id, SSO_CFG_URL_MAX)) {
        return SSO_E_INVAL;
    }
    /* Both URLs end up in places where a non-http scheme would run script or leave the
     * device (the form action, the Location header), and must fit the config bound. */
    if (p->acs_url == NULL || !bounded_str(p->acs_url, SSO_CFG_URL_MAX) ||
        !sso_url_is_http(p->acs_url, strlen(p->acs_url))) {
        return SSO_E_URL;
    }
    if (p->idp_sso_url == NULL || !bounded_str(p->idp_sso_url, SSO_CFG_URL_MAX) ||
        !sso_url_is_http(p->idp_sso_url, strlen(p->idp_sso_url))) {
        return SSO_E_URL;
    }
    if (p->relay_state != NULL && p->relay_state[0] != '\0') {
        n = bounded_str(p->relay_state, SSO_CFG_RELAY_STATE_MAX + 1) ? strlen(p->relay_state)
                                                                     : SSO_CFG_RELAY_STATE_MAX + 1;
        if (!sso_url_relay_state_ok(p->relay_state, n)) {
            return SSO_E_RELAY_STATE;
        }
    }
    return SSO_OK;
}

static void put_attr(struct sso_wbuf *b, const char *name, const char *value)
{
    sso_wbuf_puts(b, " ");
    sso_wbuf_puts(b, name);
    sso_wbuf_puts(b, "=\"");
    sso_wbuf_xml(b, value, strlen(value));
    sso_wbuf_puts(b, "\"");
}

static void put_xml(struct sso_wbuf *b, const struct sso_authn_request *req,
                    const struct sso_authn_params *p)
{
    sso_wbuf_puts(b, "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
                     " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"");
    put_attr(b, "ID", req->id);
    put_attr(b, "Version", "2.0");
    put_attr(b, "IssueInstant", req->issue_instant);
    put_attr(b, "Destination", p->idp_sso_url);
    put_attr(b, "AssertionConsumerServiceURL", p->acs_url);
    put_attr(b, "ProtocolBinding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    sso_wbuf_puts(b, "><saml:Issuer>");
    sso_wbuf_xml(b, p->sp_entity_id, strlen(p->sp_entity_id));
    sso_wbuf_puts(b, "</saml:Issuer><samlp:NameIDPolicy"
                     " Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\""
                     " AllowCreate=\"true\"/></samlp:AuthnRequest>");
}

int sso_authn_xml(char *out, size_t out_size, size_t *needed, const struct sso_authn_request *req,
                  const struct sso_authn_params *p)
{
    struct sso_wbuf b;
    int rc = check(req, p);
    if (rc != SSO_OK) {
        if (out != NULL && out_size > 0) {
            out[0] = '\0';
        }
        return rc;
    }
    sso_wbuf_init(&b, out, out_size);
    put_xml(&b, req, p);
    return sso_wbuf_finish(&b, needed);
}

int sso_authn_redirect_url(char *out, size_t out_size, size_t *needed,
                           const struct sso_authn_request *req, const struct sso_authn_params *p)
{
    struct sso_wbuf b;
    size_t xml_size = 0, xml_len, defl_max, b64_size, defl_len = 0, b64_len = 0, url_len;
    uint8_t *block = NULL;
    struct sso_deflate_work *work;
    char *xml, *b64;
    uint8_t *defl;
    int rc = SSO_E_INTERNAL;

    if (out != NULL && out_size > 0) {
        out[0] = '\0';
    }
    rc = sso_authn_xml(NULL, 0, &xml_size, req, p);
    if (rc != SSO_E_NOSPC) {
        return rc == SSO_OK ? SSO_E_INTERNAL : rc;
    }
    xml_len = xml_size - 1;
    if (xml_len > SSO_DEFLATE_IN_MAX) {
        return SSO_E_INVAL;
    }
    defl_max = SSO_DEFLATE_BOUND(xml_len);
    b64_size = SSO_B64_ENCODED_LEN(defl_max) + 1;
    /* One block: the compressor tables first (alignment), then the three byte buffers. */
    block = sso_malloc(sizeof(*work) + xml_size + defl_max + b64_size);
    if (block == NULL) {
        return SSO_E_NOMEM;
    }
    work = (struct sso_deflate_work *)(void *)block;
    xml = (char *)block + sizeof(*work);
    defl = (uint8_t *)xml + xml_size;
    b64 = (char *)defl + defl_max;

    rc = sso_authn_xml(xml, xml_size, NULL, req, p);
    if (rc != SSO_OK) {
        goto out;
    }
    rc = sso_deflate((const uint8_t *)xml, xml_len, defl, defl_max, &defl_len, work);
    if (rc != SSO_OK) {
        goto out;
    }
    rc = sso_b64_encode(defl, defl_len, b64, b64_size, &b64_len);
    if (rc != SSO_OK) {
        goto out;
    }
    url_len = strlen(p->idp_sso_url);
    sso_wbuf_init(&b, out, out_size);
    sso_wbuf_put(&b, p->idp_sso_url, url_len);
    /* Keep an existing query (Google's "?idpid=...") and add ours to it. */
    if (memchr(p->idp_sso_url, '?', url_len) == NULL) {
        sso_wbuf_puts(&b, "?");
    } else if (p->idp_sso_url[url_len - 1] != '?' && p->idp_sso_url[url_len - 1] != '&') {
        sso_wbuf_puts(&b, "&");
    }
    sso_wbuf_puts(&b, "SAMLRequest=");
    sso_wbuf_url(&b, (const uint8_t *)b64, b64_len);
    if (p->relay_state != NULL && p->relay_state[0] != '\0') {
        sso_wbuf_puts(&b, "&RelayState=");
        sso_wbuf_url(&b, (const uint8_t *)p->relay_state, strlen(p->relay_state));
    }
    rc = sso_wbuf_finish(&b, needed);
out:
    sso_free(block);
    return rc;
}

int sso_authn_post_form(char *out, size_t out_size, size_t *needed,
                        const struct sso_authn_request *req, const struct sso_authn_params *p)
{
    struct sso_wbuf b;
    size_t xml_size = 0;
    char *xml = NULL;
    int rc = SSO_E_INTERNAL;

    if (out != NULL && out_size > 0) {
        out[0] = '\0';
    }
    rc = sso_authn_xml(NULL, 0, &xml_size, req, p);
    if (rc != SSO_E_NOSPC) {
        return rc == SSO_OK ? SSO_E_INTERNAL : rc;
    }
    xml = sso_malloc(xml_size);
    if (xml == NULL) {
        return SSO_E_NOMEM;
    }
    rc = sso_authn_xml(xml, xml_size, NULL, req, p);
    if (rc != SSO_OK) {
        goto out;
    }
    sso_wbuf_init(&b, out, out_size);
    sso_wbuf_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                      "<title>Signing in</title></head><body>\n<form method=\"post\" action=\"");
    sso_wbuf_xml(&b, p->idp_sso_url, strlen(p->idp_sso_url));
    sso_wbuf_puts(&b, "\">\n<input type=\"hidden\" name=\"SAMLRequest\" value=\"");
    sso_wbuf_b64(&b, (const uint8_t *)xml, xml_size - 1);
    sso_wbuf_puts(&b, "\">\n");
    if (p->relay_state != NULL && p->relay_state[0] != '\0') {
        sso_wbuf_puts(&b, "<input type=\"hidden\" name=\"RelayState\" value=\"");
        sso_wbuf_xml(&b, p->relay_state, strlen(p->relay_state));
        sso_wbuf_puts(&b, "\">\n");
    }
    sso_wbuf_puts(&b, "<noscript><p>Script is disabled: press Continue to sign in.</p>"
                      "<input type=\"submit\" value=\"Continue\"></noscript>\n</form>\n"
                      "<script>" SSO_AUTHN_POST_SCRIPT "</script>\n</body></html>\n");
    rc = sso_wbuf_finish(&b, needed);
out:
    sso_free(xml);
    return rc;
}

/* ---- outstanding requests ---------------------------------------------------------------- */

void sso_authn_pending_init(struct sso_authn_pending *t)
{
    if (t != NULL) {
        memset(t, 0, sizeof(*t));
    }
}

static bool entry_is(const struct sso_authn_pending_entry *e, const char *id, size_t len)
{
    return e->id[0] != '\0' && strlen(e->id) == len && memcmp(e->id, id, len) == 0;
}

int sso_authn_pending_add(struct sso_authn_pending *t, const char *id, int64_t now_s,
                          int64_t expires_s)
{
    size_t len;
    struct sso_authn_pending_entry *slot = NULL;
    if (t == NULL || id == NULL || expires_s <= now_s) {
        return SSO_E_INVAL;
    }
    len = bounded_str(id, SSO_AUTHN_ID_SIZE) ? strlen(id) : SSO_AUTHN_ID_SIZE;
    if (len == 0 || len >= SSO_AUTHN_ID_SIZE) {
        return SSO_E_INVAL;
    }
    for (size_t i = 0; i < SSO_CFG_AUTHN_PENDING_MAX; i++) {
        struct sso_authn_pending_entry *e = &t->e[i];
        if (entry_is(e, id, len)) {
            return SSO_E_INVAL; /* an ID is issued once */
        }
        if (e->id[0] != '\0' && e->expires_s <= now_s) {
            memset(e, 0, sizeof(*e)); /* expired: free it */
        }
    }
    for (size_t i = 0; i < SSO_CFG_AUTHN_PENDING_MAX && slot == NULL; i++) {
        if (t->e[i].id[0] == '\0') {
            slot = &t->e[i];
        }
    }
    if (slot == NULL) {
        slot = &t->e[0];
        for (size_t i = 1; i < SSO_CFG_AUTHN_PENDING_MAX; i++) {
            if (t->e[i].seq < slot->seq) {
                slot = &t->e[i];
            }
        }
    }
    memset(slot, 0, sizeof(*slot));
    memcpy(slot->id, id, len);
    slot->expires_s = expires_s;
    slot->seq = t->next_seq++;
    return SSO_OK;
}

bool sso_authn_pending_consume(struct sso_authn_pending *t, const char *id, size_t len,
                               int64_t now_s)
{
    if (t == NULL || id == NULL || len == 0 || len >= SSO_AUTHN_ID_SIZE) {
        return false;
    }
    for (size_t i = 0; i < SSO_CFG_AUTHN_PENDING_MAX; i++) {
        struct sso_authn_pending_entry *e = &t->e[i];
        if (entry_is(e, id, len)) {
            bool live = now_s < e->expires_s;
            /* Removed even when expired or when the response is later rejected: each
             * request can be answered once (stops replaying a captured response). */
            memset(e, 0, sizeof(*e));
            return live;
        }
    }
    return false;
}
