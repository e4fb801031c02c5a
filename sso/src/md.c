/* IdP metadata import (sso/md.h). */
#include "sso/md.h"

#include <string.h>

#include "sso/alloc.h"
#include "sso/b64.h"
#include "sso/err.h"
#include "sso/str.h"
#include "sso/time.h"
#include "sso/url.h"
#include "sso/xml.h"

#define BINDING_REDIRECT "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
#define BINDING_POST     "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"

/* Base64 text of one certificate, whitespace included: twice the unwrapped size leaves
 * room for any sane line wrapping and indentation. */
#define CERT_TEXT_MAX (2u * SSO_B64_ENCODED_LEN(SSO_CFG_CERT_MAX_DER))

static const char *const nameid_uris[SSO_MD_NAMEID_KNOWN] = {
    "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:entity",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted",
};

const char *sso_md_nameid_uri(unsigned bit)
{
    return bit < SSO_MD_NAMEID_KNOWN ? nameid_uris[bit] : NULL;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static struct sso_str trim(struct sso_str s)
{
    while (s.len > 0 && is_ws(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len > 0 && is_ws(s.p[s.len - 1])) {
        s.len--;
    }
    return s;
}

/* Is @p token one of the whitespace-separated items of @p list? (A substring test would
 * accept "urn:oasis:names:tc:SAML:2.0:protocolX".) */
static bool has_token(struct sso_str list, const char *token)
{
    size_t i = 0, n = strlen(token);
    while (i < list.len) {
        size_t start;
        while (i < list.len && is_ws(list.p[i])) {
            i++;
        }
        start = i;
        while (i < list.len && !is_ws(list.p[i])) {
            i++;
        }
        if (i - start == n && memcmp(list.p + start, token, n) == 0) {
            return true;
        }
    }
    return false;
}

static bool is_md(const struct sso_xml_doc *doc, int node, const char *local)
{
    return sso_xml_is(doc, node, SSO_NS_MD, local);
}

/* An EntityDescriptor counts only as the root or inside a chain of EntitiesDescriptors
 * up to the root (not, say, smuggled inside an Extensions element). */
static bool is_entity(const struct sso_xml_doc *doc, int node)
{
    int p;
    if (!is_md(doc, node, "EntityDescriptor")) {
        return false;
    }
    p = sso_xml_parent(doc, node);
    while (p != SSO_XML_DOC_NODE) {
        if (p < 0 || !is_md(doc, p, "EntitiesDescriptor")) {
            return false;
        }
        p = sso_xml_parent(doc, p);
    }
    return true;
}

/* The SAML 2.0 IDPSSODescriptor of @p entity: its node, -1 if none, or
 * SSO_E_MD_TOO_MANY if several (which one would apply is not defined). */
static int idp_role(const struct sso_xml_doc *doc, int entity)
{
    int found = -1;
    for (int c = sso_xml_first_elem(doc, entity); c >= 0; c = sso_xml_next_elem(doc, c)) {
        struct sso_str pse;
        if (is_md(doc, c, "IDPSSODescriptor") &&
            sso_xml_attr(doc, c, NULL, "protocolSupportEnumeration", &pse) &&
            has_token(pse, SSO_NS_SAMLP)) {
            if (found >= 0) {
                return SSO_E_MD_TOO_MANY;
            }
            found = c;
        }
    }
    return found;
}

/* Earliest validUntil and shortest cacheDuration over @p node (a role) and its ancestors. */
static int times(struct sso_md_idp *out, const struct sso_xml_doc *doc, int node)
{
    for (int n = node; n > SSO_XML_DOC_NODE; n = sso_xml_parent(doc, n)) {
        struct sso_str v;
        int64_t t;
        if (sso_xml_attr(doc, n, NULL, "validUntil", &v)) {
            if (sso_time_parse(v.p, v.len, &t) != SSO_OK) {
                return SSO_E_MD_MALFORMED;
            }
            if (!out->has_valid_until || t < out->valid_until_s) {
                out->valid_until_s = t;
            }
            out->has_valid_until = true;
        }
        if (sso_xml_attr(doc, n, NULL, "cacheDuration", &v)) {
            if (sso_duration_parse(v.p, v.len, &t) != SSO_OK) {
                return SSO_E_MD_MALFORMED;
            }
            if (!out->has_cache_duration || t < out->cache_duration_s) {
                out->cache_duration_s = t;
            }
            out->has_cache_duration = true;
        }
    }
    return SSO_OK;
}

static int sso_services(struct sso_md_idp *out, const struct sso_xml_doc *doc, int role)
{
    for (int c = sso_xml_first_elem(doc, role); c >= 0; c = sso_xml_next_elem(doc, c)) {
        struct sso_str binding, loc;
        char *dst;
        if (!is_md(doc, c, "SingleSignOnService") ||
            !sso_xml_attr(doc, c, NULL, "Binding", &binding)) {
            continue;
        }
        if (sso_str_eq(binding, BINDING_REDIRECT)) {
            dst = out->sso_redirect;
        } else if (sso_str_eq(binding, BINDING_POST)) {
            dst = out->sso_post;
        } else {
            continue; /* SOAP, Artifact, Shibboleth 1.x: not used */
        }
        if (dst[0] != '\0') {
            continue; /* the first endpoint of a binding is the preferred one */
        }
        /* The browser is sent there (Location header, form action): a "javascript:" or
         * relative Location from hostile metadata must not get that far. */
        if (!sso_xml_attr(doc, c, NULL, "Location", &loc) || !sso_url_is_http(loc.p, loc.len)) {
            return SSO_E_MD_MALFORMED;
        }
        if (sso_str_copy(dst, SSO_CFG_URL_MAX, loc) != SSO_OK) {
            return SSO_E_XML_LIMIT;
        }
    }
    if (out->sso_redirect[0] == '\0' && out->sso_post[0] == '\0') {
        return SSO_E_MD_NO_SSO;
    }
    return SSO_OK;
}

static int add_cert(struct sso_md_idp *out, const struct sso_xml_doc *doc, int node, char *text)
{
    struct sso_md_cert *slot;
    size_t tlen = 0;
    int rc = sso_xml_text_only(doc, node, text, CERT_TEXT_MAX, &tlen);
    if (rc == SSO_E_NOSPC) {
        return SSO_E_XML_LIMIT;
    }
    if (rc != SSO_OK) {
        return SSO_E_MD_CERT;
    }
    if (out->cert_count >= SSO_CFG_MD_MAX_CERTS) {
        return SSO_E_XML_LIMIT; /* more keys than we keep: refuse rather than drop one */
    }
    slot = &out->certs[out->cert_count];
    rc = sso_b64_decode(text, tlen, slot->der, sizeof(slot->der), &slot->der_len);
    if (rc == SSO_E_NOSPC) {
        rc = SSO_E_XML_LIMIT;
        goto fail;
    }
    if (rc != SSO_OK || slot->der_len == 0) {
        rc = SSO_E_MD_CERT;
        goto fail;
    }
    rc = sso_crypto_cert_info(slot->der, slot->der_len, &slot->info);
    if (rc != SSO_OK) {
        rc = rc == SSO_E_NOMEM ? rc : SSO_E_MD_CERT;
        goto fail;
    }
    for (unsigned i = 0; i < out->cert_count; i++) {
        if (memcmp(out->certs[i].info.sha256, slot->info.sha256, 32) == 0) {
            memset(slot, 0, sizeof(*slot)); /* same certificate listed twice */
            return SSO_OK;
        }
    }
    out->cert_count++;
    return SSO_OK;
fail:
    memset(slot, 0, sizeof(*slot));
    return rc;
}

static int signing_certs(struct sso_md_idp *out, const struct sso_xml_doc *doc, int role)
{
    char *text = sso_malloc(CERT_TEXT_MAX);
    int rc = SSO_OK;
    if (text == NULL) {
        return SSO_E_NOMEM;
    }
    for (int kd = sso_xml_first_elem(doc, role); kd >= 0 && rc == SSO_OK;
         kd = sso_xml_next_elem(doc, kd)) {
        struct sso_str use;
        int ki;
        if (!is_md(doc, kd, "KeyDescriptor")) {
            continue;
        }
        if (sso_xml_attr(doc, kd, NULL, "use", &use)) {
            if (sso_str_eq(use, "encryption")) {
                continue; /* never trusted for signatures */
            }
            if (!sso_str_eq(use, "signing")) {
                rc = SSO_E_MD_MALFORMED; /* KeyTypes allows only these two */
                break;
            }
        }
        ki = sso_xml_child(doc, kd, SSO_NS_DS, "KeyInfo");
        if (ki < 0) {
            continue;
        }
        for (int xd = sso_xml_first_elem(doc, ki); xd >= 0 && rc == SSO_OK;
             xd = sso_xml_next_elem(doc, xd)) {
            if (!sso_xml_is(doc, xd, SSO_NS_DS, "X509Data")) {
                continue;
            }
            for (int xc = sso_xml_first_elem(doc, xd); xc >= 0 && rc == SSO_OK;
                 xc = sso_xml_next_elem(doc, xc)) {
                if (sso_xml_is(doc, xc, SSO_NS_DS, "X509Certificate")) {
                    rc = add_cert(out, doc, xc, text);
                }
            }
        }
    }
    sso_free(text);
    if (rc == SSO_OK && out->cert_count == 0) {
        rc = SSO_E_MD_NO_CERT;
    }
    return rc;
}

static int name_id_formats(struct sso_md_idp *out, const struct sso_xml_doc *doc, int role)
{
    for (int c = sso_xml_first_elem(doc, role); c >= 0; c = sso_xml_next_elem(doc, c)) {
        char uri[128];
        size_t n = 0;
        unsigned k;
        int rc;
        if (!is_md(doc, c, "NameIDFormat")) {
            continue;
        }
        rc = sso_xml_text_only(doc, c, uri, sizeof(uri), &n);
        if (rc == SSO_E_NOSPC) {
            out->name_id_other++; /* longer than any format we know */
            continue;
        }
        if (rc != SSO_OK) {
            return SSO_E_MD_MALFORMED;
        }
        {
            struct sso_str v = trim((struct sso_str){uri, n});
            k = 0;
            while (k < SSO_MD_NAMEID_KNOWN && !sso_str_eq(v, nameid_uris[k])) {
                k++;
            }
        }
        if (k < SSO_MD_NAMEID_KNOWN) {
            out->name_id_formats |= 1u << k;
        } else {
            out->name_id_other++;
        }
    }
    return SSO_OK;
}

/* Find the IdP entity and its role. */
static int select_entity(const struct sso_xml_doc *doc, const char *want, int *entity, int *role)
{
    int root = sso_xml_root(doc);
    unsigned matches = 0;
    *entity = -1;
    *role = -1;
    if (!is_md(doc, root, "EntityDescriptor") && !is_md(doc, root, "EntitiesDescriptor")) {
        return SSO_E_MD_MALFORMED;
    }
    for (int n = root; n >= 0; n = sso_xml_walk_next(doc, root, n)) {
        int r;
        if (!is_entity(doc, n)) {
            continue;
        }
        r = idp_role(doc, n);
        if (r < 0 && r != -1) {
            return r;
        }
        if (r < 0) {
            continue; /* an SP, an attribute authority, a SAML 1.x-only IdP */
        }
        if (want != NULL) {
            struct sso_str id;
            if (!sso_xml_attr(doc, n, NULL, "entityID", &id) || !sso_str_eq(id, want)) {
                continue;
            }
        }
        if (++matches > 1) {
            /* Several candidates: taking the first would let the order of an aggregate
             * decide which keys are trusted. */
            return SSO_E_MD_TOO_MANY;
        }
        *entity = n;
        *role = r;
    }
    return matches == 1 ? SSO_OK : SSO_E_MD_NO_IDP;
}

int sso_md_parse(struct sso_md_idp *out, char *buf, size_t len, const char *want_entity_id)
{
    struct sso_xml_doc doc;
    struct sso_xml_limits lim = {SSO_CFG_MD_MAX_BYTES, 0, 0, 0};
    struct sso_str id;
    int entity = -1, role = -1;
    int rc = SSO_E_INTERNAL;

    if (out == NULL) {
        return SSO_E_INVAL;
    }
    memset(out, 0, sizeof(*out));
    memset(&doc, 0, sizeof(doc));
    if (buf == NULL) {
        return SSO_E_INVAL;
    }
    if (len > SSO_CFG_MD_MAX_BYTES) {
        return SSO_E_XML_LIMIT;
    }
    /* A UTF-8 byte order mark is allowed by XML (Azure AD's FederationMetadata.xml has
     * one); skip it here rather than depend on the parser for it. */
    if (len >= 3 && (uint8_t)buf[0] == 0xEF && (uint8_t)buf[1] == 0xBB && (uint8_t)buf[2] == 0xBF) {
        buf += 3;
        len -= 3;
    }
    rc = sso_xml_parse(&doc, buf, len, &lim);
    if (rc != SSO_OK) {
        goto out;
    }
    rc = select_entity(&doc, want_entity_id, &entity, &role);
    if (rc != SSO_OK) {
        goto out;
    }
    /* Missing or blank entityID: "not found", left for the admin to fill in. */
    if (sso_xml_attr(&doc, entity, NULL, "entityID", &id) && trim(id).len > 0) {
        if (sso_str_copy(out->entity_id, sizeof(out->entity_id), id) != SSO_OK) {
            rc = SSO_E_XML_LIMIT;
            goto out;
        }
    }
    rc = sso_services(out, &doc, role);
    if (rc != SSO_OK) {
        goto out;
    }
    rc = signing_certs(out, &doc, role);
    if (rc != SSO_OK) {
        goto out;
    }
    rc = name_id_formats(out, &doc, role);
    if (rc != SSO_OK) {
        goto out;
    }
    rc = times(out, &doc, role);
out:
    sso_xml_free(&doc);
    if (rc != SSO_OK) {
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

int sso_md_check_valid(const struct sso_md_idp *md, int64_t now_s)
{
    if (md == NULL) {
        return SSO_E_INVAL;
    }
    return md->has_valid_until && md->valid_until_s <= now_s ? SSO_E_MD_EXPIRED : SSO_OK;
}

/* ---- Okta metadata URL ------------------------------------------------------------------ */

static bool alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool iprefix(const char *s, const char *lower)
{
    for (; *lower != '\0'; s++, lower++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        if (c != *lower) {
            return false;
        }
    }
    return true;
}

int sso_md_okta_app_id(const char *url, char *out, size_t out_size)
{
    static const char *const domains[] = {".okta.com/", ".oktapreview.com/", ".okta-emea.com/"};
    static const char tail[] = "/sso/saml/metadata";
    const char *p, *id;
    size_t label = 0, id_len = 0;
    bool domain_ok = false;

    if (out != NULL && out_size > 0) {
        out[0] = '\0';
    }
    if (url == NULL || out == NULL) {
        return SSO_E_INVAL;
    }
    if (!iprefix(url, "https://")) {
        return SSO_E_URL;
    }
    p = url + 8;
    /* <org>: one DNS label (no dots, so "evil.com/x.okta.com" cannot pass). */
    while (alnum(p[label]) || (p[label] == '-' && label > 0)) {
        label++;
    }
    if (label == 0 || label > 63 || p[label - 1] == '-') {
        return SSO_E_URL;
    }
    p += label;
    for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]) && !domain_ok; i++) {
        if (iprefix(p, domains[i])) {
            p += strlen(domains[i]);
            domain_ok = true;
        }
    }
    if (!domain_ok || strncmp(p, "app/", 4) != 0) {
        return SSO_E_URL;
    }
    id = p + 4;
    while (alnum(id[id_len])) {
        id_len++;
    }
    if (id_len == 0 || id_len > 64 || strcmp(id + id_len, tail) != 0) {
        return SSO_E_URL;
    }
    if (id_len >= out_size) {
        return SSO_E_NOSPC;
    }
    memcpy(out, id, id_len);
    out[id_len] = '\0';
    return SSO_OK;
}
