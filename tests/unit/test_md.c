/* IdP metadata import (sso/md.h) on hand-made documents; the real-world corpus is checked
 * by tests/corpus/md/md_corpus.py. Certificates come from md_certs.h (generated from the
 * shared corpus with openssl, see tests/vectors/md/gen_certs.py). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "md_certs.h"
#include "sso/alloc.h"
#include "sso/err.h"
#include "sso/md.h"
#include "sso/spmd.h"
#include "sso/xml.h"

#define NCERTS (sizeof(md_test_certs) / sizeof(md_test_certs[0]))

static struct sso_md_idp md;
static char doc[SSO_CFG_MD_MAX_BYTES + 16];
/* Scratch for document pieces: static, the target's stack budget is 1 KB per function. */
static char body[32768];
static char body2[8192];

#define NS    "xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\""
#define DSNS  "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\""
#define P2    "urn:oasis:names:tc:SAML:2.0:protocol"
#define REDIR "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
#define POSTB "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
#define SSO_R "<md:SingleSignOnService Binding=\"" REDIR "\" Location=\"https://idp.example/r\"/>"
#define SSO_P "<md:SingleSignOnService Binding=\"" POSTB "\" Location=\"https://idp.example/p\"/>"

/* A KeyDescriptor for certificate @p i, with @p use ("" for none). */
static const char *kd(unsigned i, const char *use)
{
    static char bufs[8][4096];
    static unsigned next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof(bufs[0]),
             "<md:KeyDescriptor%s%s%s><ds:KeyInfo " DSNS "><ds:X509Data><ds:X509Certificate>"
             "\n      %s\n    </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>",
             use[0] ? " use=\"" : "", use, use[0] ? "\"" : "", md_test_certs[i].b64);
    return b;
}

/* Build a document from printf-style pieces into doc; returns its length. */
static size_t build(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static size_t build(const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(doc, sizeof(doc), fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= sizeof(doc) ? 0 : (size_t)n;
}

/* One IdP entity: entity attributes, then the role body. */
static size_t idp(const char *entity_attrs, const char *role_body)
{
    return build("<md:EntityDescriptor " NS "%s><md:IDPSSODescriptor "
                 "protocolSupportEnumeration=\"" P2 "\">%s</md:IDPSSODescriptor>"
                 "</md:EntityDescriptor>",
                 entity_attrs, role_body);
}

static int parse(size_t len, const char *want)
{
    return sso_md_parse(&md, doc, len, want);
}

static void hex(const uint8_t *p, size_t n, char *out)
{
    static const char h[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = h[p[i] >> 4];
        out[2 * i + 1] = h[p[i] & 15];
    }
    out[2 * n] = '\0';
}

TEST_CASE(minimal_idp)
{
    char fp[65];
    snprintf(body, sizeof(body),
             "%s<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
             "</md:NameIDFormat>" SSO_R SSO_P,
             kd(0, "signing"));
    TEST_OK(parse(idp(" entityID=\"http://www.okta.com/exk1\"", body), NULL));
    TEST_STR_EQ(md.entity_id, "http://www.okta.com/exk1");
    TEST_STR_EQ(md.sso_redirect, "https://idp.example/r");
    TEST_STR_EQ(md.sso_post, "https://idp.example/p");
    TEST_EQ(md.cert_count, 1);
    hex(md.certs[0].info.sha256, 32, fp);
    TEST_STR_EQ(fp, md_test_certs[0].sha256_hex); /* openssl's fingerprint */
    TEST_EQ(md.certs[0].info.not_after_s, md_test_certs[0].not_after_s);
    TEST_EQ(md.certs[0].info.key_type, SSO_KEY_RSA);
    TEST_EQ(md.certs[0].info.key_bits, md_test_certs[0].key_bits);
    TEST_TRUE(md.certs[0].der_len > 0);
    TEST_EQ(md.name_id_formats, SSO_MD_NAMEID_EMAIL);
    TEST_EQ(md.name_id_other, 0);
    TEST_TRUE(!md.has_valid_until && !md.has_cache_duration);
    TEST_OK(sso_md_check_valid(&md, 4000000000LL));
}

TEST_CASE(bom_and_declaration)
{
    size_t n;
    snprintf(body, sizeof(body), "%s" SSO_P, kd(1, ""));
    static const char head[] = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    n = idp(" entityID=\"urn:x\"", body);
    memmove(doc + strlen(head), doc, n + 1);
    memcpy(doc, head, strlen(head));
    TEST_OK(parse(n + strlen(head), NULL));
    TEST_STR_EQ(md.entity_id, "urn:x");
    TEST_STR_EQ(md.sso_redirect, "");
    TEST_STR_EQ(md.sso_post, "https://idp.example/p");
}

TEST_CASE(entity_id_not_found_is_not_an_error)
{
    snprintf(body, sizeof(body), "%s" SSO_R, kd(0, ""));
    TEST_OK(parse(idp("", body), NULL));
    TEST_STR_EQ(md.entity_id, "");
    TEST_EQ(md.cert_count, 1);
    TEST_OK(parse(idp(" entityID=\"\"", body), NULL));
    TEST_STR_EQ(md.entity_id, "");
    TEST_OK(parse(idp(" entityID=\"  \"", body), NULL));
    TEST_STR_EQ(md.entity_id, "");
}

TEST_CASE(value_bounds)
{
    char attr[SSO_CFG_URL_MAX + 32];
    char *loc = body2;
    snprintf(body, sizeof(body), "%s" SSO_R, kd(0, ""));
    /* Entity ID of SSO_CFG_URL_MAX - 1 bytes fits, one more does not. */
    snprintf(attr, sizeof(attr), " entityID=\"urn:%0*d\"", SSO_CFG_URL_MAX - 1 - 4, 0);
    TEST_OK(parse(idp(attr, body), NULL));
    TEST_EQ(strlen(md.entity_id), SSO_CFG_URL_MAX - 1);
    snprintf(attr, sizeof(attr), " entityID=\"urn:%0*d\"", SSO_CFG_URL_MAX - 4, 0);
    TEST_EQ(parse(idp(attr, body), NULL), SSO_E_XML_LIMIT);
    TEST_STR_EQ(md.entity_id, ""); /* nothing half-filled */
    TEST_EQ(md.cert_count, 0);
    /* Same for a Location. */
    snprintf(loc, sizeof(body2),
             "%s<md:SingleSignOnService Binding=\"" REDIR "\" Location=\"https://h/%0*d\"/>",
             kd(0, ""), SSO_CFG_URL_MAX - 10 + 1, 0);
    TEST_EQ(parse(idp("", loc), NULL), SSO_E_XML_LIMIT);
    /* The document bound is checked before parsing. */
    TEST_EQ(sso_md_parse(&md, doc, SSO_CFG_MD_MAX_BYTES + 1, NULL), SSO_E_XML_LIMIT);
}

TEST_CASE(aggregates_and_selection)
{
    char *a = body, *b = body2;
    size_t n;
    snprintf(a, sizeof(body), "%s" SSO_R, kd(0, ""));
    snprintf(b, sizeof(body2), "%s" SSO_P, kd(2, "signing"));
#define ENT(id, body)                                                                              \
    "<md:EntityDescriptor entityID=\"" id                                                          \
    "\"><md:IDPSSODescriptor protocolSupportEnumeration=\"" P2 "\">" body                          \
    "</md:IDPSSODescriptor></md:EntityDescriptor>"
#define SPENT(id)                                                                                  \
    "<md:EntityDescriptor entityID=\"" id                                                          \
    "\"><md:SPSSODescriptor protocolSupportEnumeration=\"" P2 "\"/></md:EntityDescriptor>"
    /* Nested EntitiesDescriptor, one IdP and two SPs. */
    n = build("<md:EntitiesDescriptor " NS
              ">" SPENT("urn:sp1") "<md:EntitiesDescriptor>" ENT("urn:idp", "%s")
                  SPENT("urn:sp2") "</md:EntitiesDescriptor></md:EntitiesDescriptor>",
              a);
    TEST_OK(parse(n, NULL));
    TEST_STR_EQ(md.entity_id, "urn:idp");
    TEST_STR_EQ(md.sso_redirect, "https://idp.example/r");
    /* Two IdPs: ambiguous unless one is named. */
    n = build("<md:EntitiesDescriptor " NS ">" ENT("urn:a", "%s")
                  ENT("urn:b", "%s") "</md:EntitiesDescriptor>",
              a, b);
    TEST_EQ(parse(n, NULL), SSO_E_MD_TOO_MANY);
    n = build("<md:EntitiesDescriptor " NS ">" ENT("urn:a", "%s")
                  ENT("urn:b", "%s") "</md:EntitiesDescriptor>",
              a, b);
    TEST_OK(parse(n, "urn:b"));
    TEST_STR_EQ(md.entity_id, "urn:b");
    TEST_STR_EQ(md.sso_post, "https://idp.example/p");
    TEST_STR_EQ(md.sso_redirect, "");
    TEST_EQ(md.certs[0].info.sha256[0], 0x3d); /* cert 2, not cert 0 */
    n = build("<md:EntitiesDescriptor " NS ">" ENT("urn:a", "%s")
                  ENT("urn:b", "%s") "</md:EntitiesDescriptor>",
              a, b);
    TEST_EQ(parse(n, "urn:c"), SSO_E_MD_NO_IDP);
    n = build("<md:EntitiesDescriptor " NS ">" ENT("urn:a", "%s")
                  ENT("urn:b", "%s") "</md:EntitiesDescriptor>",
              a, b);
    TEST_EQ(parse(n, "urn:"), SSO_E_MD_NO_IDP); /* exact match, not prefix */
    /* The same entity ID twice: ambiguous even when named. */
    n = build("<md:EntitiesDescriptor " NS ">" ENT("urn:a", "%s")
                  ENT("urn:a", "%s") "</md:EntitiesDescriptor>",
              a, b);
    TEST_EQ(parse(n, "urn:a"), SSO_E_MD_TOO_MANY);
    /* A named entity that is only an SP is not an IdP. */
    n = build("<md:EntitiesDescriptor " NS ">" SPENT("urn:sp1")
                  ENT("urn:a", "%s") "</md:EntitiesDescriptor>",
              a);
    TEST_EQ(parse(n, "urn:sp1"), SSO_E_MD_NO_IDP);
    /* An EntityDescriptor hidden in Extensions does not count. */
    n = build("<md:EntitiesDescriptor " NS
              "><md:Extensions>" ENT("urn:hidden", "%s") "</md:Extensions></md:EntitiesDescriptor>",
              a);
    TEST_EQ(parse(n, NULL), SSO_E_MD_NO_IDP);
    n = build("<md:EntityDescriptor " NS " entityID=\"urn:outer\"><md:Extensions>" ENT(
                  "urn:in", "%s") "</md:Extensions></md:EntityDescriptor>",
              a);
    TEST_EQ(parse(n, NULL), SSO_E_MD_NO_IDP);
#undef ENT
#undef SPENT
}

TEST_CASE(protocol_support)
{
    size_t n;
    snprintf(body, sizeof(body), "%s" SSO_R, kd(0, ""));
    n = build("<md:EntityDescriptor " NS "><md:IDPSSODescriptor protocolSupportEnumeration="
              "\"urn:oasis:names:tc:SAML:1.1:protocol " P2
              " urn:mace:shibboleth:1.0\">%s</md:IDPSSODescriptor></md:EntityDescriptor>",
              body);
    TEST_OK(parse(n, NULL));
    n = build("<md:EntityDescriptor " NS "><md:IDPSSODescriptor protocolSupportEnumeration="
              "\"urn:oasis:names:tc:SAML:1.1:protocol\">%s</md:IDPSSODescriptor>"
              "</md:EntityDescriptor>",
              body);
    TEST_EQ(parse(n, NULL), SSO_E_MD_NO_IDP);
    n = build("<md:EntityDescriptor " NS "><md:IDPSSODescriptor protocolSupportEnumeration=\"" P2
              "X\">%s</md:IDPSSODescriptor></md:EntityDescriptor>",
              body);
    TEST_EQ(parse(n, NULL), SSO_E_MD_NO_IDP); /* token, not substring */
    n = build("<md:EntityDescriptor " NS "><md:IDPSSODescriptor>%s</md:IDPSSODescriptor>"
              "</md:EntityDescriptor>",
              body);
    TEST_EQ(parse(n, NULL), SSO_E_MD_NO_IDP);
    /* Two SAML 2.0 IdP roles in one entity: which keys apply is undefined. */
    n = build("<md:EntityDescriptor " NS "><md:IDPSSODescriptor protocolSupportEnumeration=\"" P2
              "\">%s</md:IDPSSODescriptor><md:IDPSSODescriptor protocolSupportEnumeration=\"" P2
              "\">%s</md:IDPSSODescriptor></md:EntityDescriptor>",
              body, body);
    TEST_EQ(parse(n, NULL), SSO_E_MD_TOO_MANY);
    /* IDPSSODescriptor in the wrong namespace. */
    n = build("<md:EntityDescriptor " NS "><x:IDPSSODescriptor xmlns:x=\"urn:other\" "
              "protocolSupportEnumeration=\"" P2 "\">%s</x:IDPSSODescriptor>"
              "</md:EntityDescriptor>",
              body);
    TEST_EQ(parse(n, NULL), SSO_E_MD_NO_IDP);
}

TEST_CASE(sso_services)
{
    const char *k = kd(0, "");
    snprintf(body, sizeof(body), "%s", k);
    TEST_EQ(parse(idp("", body), NULL), SSO_E_MD_NO_SSO);
    snprintf(body, sizeof(body),
             "%s<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:SOAP\" "
             "Location=\"https://idp.example/soap\"/>",
             k);
    TEST_EQ(parse(idp("", body), NULL), SSO_E_MD_NO_SSO);
    /* First of each binding wins; other bindings ignored. */
    snprintf(body, sizeof(body),
             "%s<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:SOAP\" "
             "Location=\"javascript:ignored\"/>" SSO_R "<md:SingleSignOnService Binding=\"" REDIR
             "\" Location=\"https://second/\"/>",
             k);
    TEST_OK(parse(idp("", body), NULL));
    TEST_STR_EQ(md.sso_redirect, "https://idp.example/r");
    /* A Location the browser must not be sent to. */
    static const char *const bad[] = {"javascript:alert(1)", "/relative",        "",
                                      "https://h/#x",        "data:text/html,x", "https://h/a b"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(body, sizeof(body),
                 "%s<md:SingleSignOnService Binding=\"" POSTB "\" Location=\"%s\"/>", k, bad[i]);
        if (parse(idp("", body), NULL) != SSO_E_MD_MALFORMED) {
            lk_test_fail(__FILE__, __LINE__, "accepted Location \"%s\"", bad[i]);
            return;
        }
    }
    snprintf(body, sizeof(body), "%s<md:SingleSignOnService Binding=\"" POSTB "\"/>", k);
    TEST_EQ(parse(idp("", body), NULL), SSO_E_MD_MALFORMED);
}

TEST_CASE(signing_certificates)
{
    /* use absent and use="signing" count; use="encryption" does not. */
    snprintf(body, sizeof(body), "%s%s%s" SSO_R, kd(0, "signing"), kd(1, "encryption"), kd(2, ""));
    TEST_OK(parse(idp("", body), NULL));
    TEST_EQ(md.cert_count, 2);
    TEST_EQ(md.certs[0].info.sha256[0], 0x0f);
    TEST_EQ(md.certs[1].info.sha256[0], 0x3d);
    /* Only an encryption key: no signing certificate. */
    snprintf(body, sizeof(body), "%s" SSO_R, kd(1, "encryption"));
    TEST_EQ(parse(idp("", body), NULL), SSO_E_MD_NO_CERT);
    snprintf(body, sizeof(body), SSO_R);
    TEST_EQ(parse(idp("", body), NULL), SSO_E_MD_NO_CERT);
    /* KeyTypes allows only "signing" and "encryption". */
    snprintf(body, sizeof(body), "%s" SSO_R, kd(0, "Signing"));
    TEST_EQ(parse(idp("", body), NULL), SSO_E_MD_MALFORMED);
    snprintf(body, sizeof(body), "%s%s" SSO_R, kd(0, ""), kd(1, "both"));
    TEST_EQ(parse(idp("", body), NULL), SSO_E_MD_MALFORMED);
    /* The same certificate twice counts once. */
    snprintf(body, sizeof(body), "%s%s" SSO_R, kd(0, ""), kd(0, "signing"));
    TEST_OK(parse(idp("", body), NULL));
    TEST_EQ(md.cert_count, 1);
    /* A KeyDescriptor without ds:KeyInfo (or KeyInfo without X509Data) carries no key. */
    snprintf(body, sizeof(body),
             "<md:KeyDescriptor use=\"signing\"/><md:KeyDescriptor><ds:KeyInfo " DSNS
             "><ds:KeyName>k</ds:KeyName></ds:KeyInfo></md:KeyDescriptor>%s" SSO_R,
             kd(2, ""));
    TEST_OK(parse(idp("", body), NULL));
    TEST_EQ(md.cert_count, 1);
    TEST_EQ(md.certs[0].info.sha256[0], 0x3d);
    /* EC key. */
    snprintf(body, sizeof(body), "%s" SSO_R, kd(4, ""));
    TEST_OK(parse(idp("", body), NULL));
    TEST_EQ(md.certs[0].info.key_type, SSO_KEY_EC_P256);
}

TEST_CASE(certificate_limits_and_garbage)
{
    static char big[3201]; /* 3200 base64 characters: 2400 bytes */
    size_t n = 0;
    /* SSO_CFG_MD_MAX_CERTS distinct keys fit; one more is refused, not dropped. */
    for (unsigned i = 0; i < SSO_CFG_MD_MAX_CERTS && i < NCERTS; i++) {
        n += (size_t)snprintf(body + n, sizeof(body) - n, "%s", kd(i, ""));
    }
    snprintf(body + n, sizeof(body) - n, SSO_R);
    TEST_OK(parse(idp("", body), NULL));
    TEST_EQ(md.cert_count, SSO_CFG_MD_MAX_CERTS);
    TEST_TRUE(NCERTS > SSO_CFG_MD_MAX_CERTS);
    n += (size_t)snprintf(body + n, sizeof(body) - n, "%s", kd(SSO_CFG_MD_MAX_CERTS, ""));
    snprintf(body + n, sizeof(body) - n, SSO_R);
    TEST_EQ(parse(idp("", body), NULL), SSO_E_XML_LIMIT);
    TEST_EQ(md.cert_count, 0);
    /* Not base64, base64 of something that is not a certificate, empty. */
    static const char *const bad[] = {"not base64!", "AAAA", "MIIB", "", "    "};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(body, sizeof(body),
                 "<md:KeyDescriptor><ds:KeyInfo " DSNS "><ds:X509Data><ds:X509Certificate>%s"
                 "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>" SSO_R,
                 bad[i]);
        if (parse(idp("", body), NULL) != SSO_E_MD_CERT) {
            lk_test_fail(__FILE__, __LINE__, "accepted certificate \"%s\"", bad[i]);
            return;
        }
    }
    /* A child element inside X509Certificate. */
    snprintf(body, sizeof(body),
             "<md:KeyDescriptor><ds:KeyInfo " DSNS "><ds:X509Data><ds:X509Certificate>AAAA<x/>"
             "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>" SSO_R);
    TEST_EQ(parse(idp("", body), NULL), SSO_E_MD_CERT);
    /* Certificate text longer than any wrapped certificate (whitespace padding). */
    n = (size_t)snprintf(body, sizeof(body),
                         "<md:KeyDescriptor><ds:KeyInfo " DSNS "><ds:X509Data><ds:X509Certificate>"
                         "%s",
                         md_test_certs[0].b64);
    memset(body + n, ' ', 6000);
    snprintf(body + n + 6000, sizeof(body) - n - 6000,
             "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>" SSO_R);
    TEST_EQ(parse(idp("", body), NULL), SSO_E_XML_LIMIT);
    /* DER larger than SSO_CFG_CERT_MAX_DER. */
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    snprintf(body, sizeof(body),
             "<md:KeyDescriptor><ds:KeyInfo " DSNS "><ds:X509Data><ds:X509Certificate>%s"
             "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>" SSO_R,
             big);
    TEST_EQ(parse(idp("", body), NULL), SSO_E_XML_LIMIT);
}

TEST_CASE(name_id_formats)
{
    char longfmt[200];
    memset(longfmt, 'x', sizeof(longfmt) - 1);
    longfmt[sizeof(longfmt) - 1] = '\0';
    snprintf(body, sizeof(body),
             "%s<md:NameIDFormat>\n  urn:oasis:names:tc:SAML:2.0:nameid-format:persistent\n"
             "</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:"
             "transient</md:NameIDFormat><md:NameIDFormat>urn:mace:shibboleth:1.0:nameIdentifier"
             "</md:NameIDFormat><md:NameIDFormat>%s</md:NameIDFormat>"
             "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailaddress"
             "</md:NameIDFormat>" SSO_R,
             kd(0, ""), longfmt);
    TEST_OK(parse(idp("", body), NULL));
    TEST_EQ(md.name_id_formats, SSO_MD_NAMEID_PERSISTENT | SSO_MD_NAMEID_TRANSIENT);
    TEST_EQ(md.name_id_other, 3); /* unknown, too long, wrong case */
    snprintf(body, sizeof(body), "%s<md:NameIDFormat>urn:x<x/></md:NameIDFormat>" SSO_R, kd(0, ""));
    TEST_EQ(parse(idp("", body), NULL), SSO_E_MD_MALFORMED);
    TEST_STR_EQ(sso_md_nameid_uri(1), "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    TEST_TRUE(sso_md_nameid_uri(SSO_MD_NAMEID_KNOWN) == NULL);
}

TEST_CASE(valid_until_and_cache_duration)
{
    size_t n;
    snprintf(body, sizeof(body), "%s" SSO_R, kd(0, ""));
    /* The earliest validUntil and shortest cacheDuration over role, entity and parents. */
    n = build("<md:EntitiesDescriptor " NS " validUntil=\"2030-01-01T00:00:00Z\" "
              "cacheDuration=\"PT1H\"><md:EntityDescriptor entityID=\"urn:a\" "
              "validUntil=\"2029-06-01T00:00:00.500Z\" cacheDuration=\"P1D\">"
              "<md:IDPSSODescriptor protocolSupportEnumeration=\"" P2 "\" "
              "validUntil=\"2031-01-01T00:00:00Z\" cacheDuration=\"PT15M\">%s"
              "</md:IDPSSODescriptor></md:EntityDescriptor></md:EntitiesDescriptor>",
              body);
    TEST_OK(parse(n, NULL));
    TEST_TRUE(md.has_valid_until && md.has_cache_duration);
    TEST_EQ(md.valid_until_s, 1874966400LL); /* 2029-06-01T00:00:00Z */
    TEST_EQ(md.cache_duration_s, 900);
    TEST_OK(sso_md_check_valid(&md, 1874966399LL));
    TEST_EQ(sso_md_check_valid(&md, 1874966400LL), SSO_E_MD_EXPIRED);
    TEST_EQ(sso_md_check_valid(NULL, 0), SSO_E_INVAL);
    /* Unparseable values are malformed metadata. */
    TEST_EQ(parse(idp(" validUntil=\"2029-06-01\"", body), NULL), SSO_E_MD_MALFORMED);
    TEST_EQ(parse(idp(" validUntil=\"2029-06-01T00:00:00\"", body), NULL), SSO_E_MD_MALFORMED);
    TEST_EQ(parse(idp(" cacheDuration=\"-PT1H\"", body), NULL), SSO_E_MD_MALFORMED);
    TEST_EQ(parse(idp(" cacheDuration=\"1 hour\"", body), NULL), SSO_E_MD_MALFORMED);
}

TEST_CASE(not_metadata)
{
    TEST_EQ(parse(build("<foo/>"), NULL), SSO_E_MD_MALFORMED);
    TEST_EQ(parse(build("<EntityDescriptor entityID=\"x\"/>"), NULL), SSO_E_MD_MALFORMED);
    TEST_EQ(parse(build("<md:EntityDescriptor2 " NS "/>"), NULL), SSO_E_MD_MALFORMED);
    TEST_EQ(parse(build("<md:EntityDescriptor " NS " entityID=\"x\"/>"), NULL), SSO_E_MD_NO_IDP);
    TEST_EQ(parse(build("<md:EntitiesDescriptor " NS "/>"), NULL), SSO_E_MD_NO_IDP);
    /* XML-level rejections come through as they are. */
    TEST_EQ(parse(build("<md:EntityDescriptor " NS ">"), NULL), SSO_E_XML_SYNTAX);
    TEST_EQ(parse(build("<!DOCTYPE x [<!ENTITY e \"x\">]><md:EntityDescriptor " NS "/>"), NULL),
            SSO_E_XML_DTD);
    TEST_EQ(parse(0, NULL), SSO_E_XML_SYNTAX);
    TEST_EQ(sso_md_parse(&md, NULL, 5, NULL), SSO_E_INVAL);
    TEST_EQ(sso_md_parse(NULL, doc, 5, NULL), SSO_E_INVAL);
}

TEST_CASE(out_of_memory)
{
    struct sso_alloc_stats st;
    unsigned nomem = 0;
    size_t n;
    int rc = SSO_E_INTERNAL;
    struct sso_xml_doc x;
    size_t xml_need;
    snprintf(body, sizeof(body), "%s" SSO_R, kd(0, ""));
    /* What the XML tree alone needs: the sweep starts there, so that the failures are
     * those of the import itself (the XML layer's own are test_xml's business). */
    memset(&x, 0, sizeof(x));
    sso_alloc_stats(&st);
    sso_alloc_reset_peak();
    n = idp(" entityID=\"urn:x\"", body);
    TEST_OK(sso_xml_parse(&x, doc, n, NULL));
    xml_need = 0;
    {
        struct sso_alloc_stats after;
        sso_alloc_stats(&after);
        xml_need = after.peak_bytes - st.cur_bytes;
    }
    sso_xml_free(&x);
    /* Raise the limit step by step: each allocation of the import (certificate text
     * scratch, mbedTLS inside sso_crypto_cert_info) fails in turn. */
    for (size_t limit = xml_need; limit < xml_need + 100000; limit += 64) {
        sso_alloc_stats(&st);
        sso_alloc_set_limit(st.cur_bytes + limit);
        n = idp(" entityID=\"urn:x\"", body);
        rc = parse(n, NULL);
        sso_alloc_set_limit(0);
        if (rc == SSO_OK) {
            break;
        }
        /* mbedTLS 3.6 reports a failed allocation while importing an RSA public key as
         * MBEDTLS_ERR_PK_INVALID_PUBKEY, which the crypto adapter can only pass on as a
         * certificate error; every other allocation failure is SSO_E_NOMEM. */
        TEST_TRUE(rc == SSO_E_NOMEM || rc == SSO_E_MD_CERT);
        nomem += rc == SSO_E_NOMEM;
        TEST_STR_EQ(md.entity_id, "");
        sso_alloc_stats(&st);
        TEST_EQ(st.cur_blocks, 0); /* nothing leaks on any failure path */
    }
    TEST_OK(rc);
    TEST_TRUE(nomem > 0);
    sso_alloc_stats(&st);
    TEST_EQ(st.cur_blocks, 0);
}

TEST_CASE(sp_metadata_parses_back)
{
    /* Our own SP metadata: well-formed for the strict parser, and not an IdP. */
    static uint8_t der[SSO_CFG_CERT_MAX_DER];
    struct sso_spmd_params p = {"https://router.example.net/sso/okta/metadata",
                                "https://router.example.net/sso/okta/acs", der, 100};
    struct sso_xml_doc x;
    struct sso_str v;
    size_t need = 0;
    int root, spd, acs;
    memset(der, 0x5a, sizeof(der));
    TEST_OK(sso_spmd_build(doc, sizeof(doc), &need, &p));
    TEST_EQ(sso_md_parse(&md, doc, need - 1, NULL), SSO_E_MD_NO_IDP);
    TEST_OK(sso_spmd_build(doc, sizeof(doc), &need, &p));
    memset(&x, 0, sizeof(x));
    TEST_OK(sso_xml_parse(&x, doc, need - 1, NULL));
    root = sso_xml_root(&x);
    TEST_TRUE(sso_xml_is(&x, root, SSO_NS_MD, "EntityDescriptor"));
    TEST_TRUE(sso_xml_attr(&x, root, NULL, "entityID", &v));
    TEST_TRUE(sso_str_eq(v, "https://router.example.net/sso/okta/metadata"));
    spd = sso_xml_child(&x, root, SSO_NS_MD, "SPSSODescriptor");
    TEST_TRUE(spd >= 0);
    TEST_EQ(sso_xml_child_count(&x, spd, SSO_NS_MD, "KeyDescriptor"), 1);
    TEST_EQ(sso_xml_child_count(&x, sso_xml_child(&x, spd, SSO_NS_MD, "KeyDescriptor"), SSO_NS_MD,
                                "EncryptionMethod"),
            6);
    acs = sso_xml_child(&x, spd, SSO_NS_MD, "AssertionConsumerService");
    TEST_TRUE(sso_xml_attr(&x, acs, NULL, "Location", &v));
    TEST_TRUE(sso_str_eq(v, "https://router.example.net/sso/okta/acs"));
    sso_xml_free(&x);
}

TEST_CASE(okta_app_id)
{
    char id[64];
    static const char *const good[][2] = {
        {"https://dev-123456.okta.com/app/exk1a2b3c4D5e6F7g8h9/sso/saml/metadata",
         "exk1a2b3c4D5e6F7g8h9"},
        {"https://trial-1022863.okta.com/app/exkdoocxa1VmjpXmX697/sso/saml/metadata",
         "exkdoocxa1VmjpXmX697"},
        {"https://dev-513394.oktapreview.com/app/exkppsa1qwuFV4D7z0h7/sso/saml/metadata",
         "exkppsa1qwuFV4D7z0h7"},
        {"https://acme.okta-emea.com/app/exk1/sso/saml/metadata", "exk1"},
        {"HTTPS://Acme.OKTA.com/app/exk1/sso/saml/metadata", "exk1"},
    };
    static const char *const bad[] = {
        "http://acme.okta.com/app/exk1/sso/saml/metadata",
        "https://acme.okta.com/app/exk1/sso/saml/metadata/",
        "https://acme.okta.com/app/exk1/sso/saml/metadata?x=1",
        "https://acme.okta.com/app/exk1/sso/saml/metadata#x",
        "https://acme.okta.com/app/exk1/sso/saml",
        "https://acme.okta.com/app/acme_app_1/exk1/sso/saml/metadata",
        "https://acme.okta.com/app//sso/saml/metadata",
        "https://acme.okta.com:443/app/exk1/sso/saml/metadata",
        "https://user@acme.okta.com/app/exk1/sso/saml/metadata",
        "https://okta.com/app/exk1/sso/saml/metadata",
        "https://.okta.com/app/exk1/sso/saml/metadata",
        "https://evil.com/x.okta.com/app/exk1/sso/saml/metadata",
        "https://acme.okta.com.evil.com/app/exk1/sso/saml/metadata",
        "https://acme.evil.okta.com/app/exk1/sso/saml/metadata",
        "https://acme.oktapreview.co/app/exk1/sso/saml/metadata",
        "https://acme-.okta.com/app/exk1/sso/saml/metadata",
        "https://-acme.okta.com/app/exk1/sso/saml/metadata",
        "https://acme.okta.com/APP/exk1/sso/saml/metadata",
        "https://acme.okta.com/app/exk-1/sso/saml/metadata",
        "https://acme.okta.com/app/exk%31/sso/saml/metadata",
        "",
        "https://",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        TEST_OK(sso_md_okta_app_id(good[i][0], id, sizeof(id)));
        TEST_STR_EQ(id, good[i][1]);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        strcpy(id, "junk");
        if (sso_md_okta_app_id(bad[i], id, sizeof(id)) != SSO_E_URL || id[0] != '\0') {
            lk_test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
            return;
        }
    }
    TEST_EQ(sso_md_okta_app_id(good[0][0], id, 20), SSO_E_NOSPC); /* 20 chars + NUL */
    TEST_STR_EQ(id, "");
    TEST_OK(sso_md_okta_app_id(good[0][0], id, 21));
    TEST_EQ(sso_md_okta_app_id(NULL, id, sizeof(id)), SSO_E_INVAL);
    TEST_EQ(sso_md_okta_app_id(good[0][0], NULL, 5), SSO_E_INVAL);
}

static const struct lk_test_case cases[] = {
    LK_CASE(minimal_idp),
    LK_CASE(bom_and_declaration),
    LK_CASE(entity_id_not_found_is_not_an_error),
    LK_CASE(value_bounds),
    LK_CASE(aggregates_and_selection),
    LK_CASE(protocol_support),
    LK_CASE(sso_services),
    LK_CASE(signing_certificates),
    LK_CASE(certificate_limits_and_garbage),
    LK_CASE(name_id_formats),
    LK_CASE(valid_until_and_cache_duration),
    LK_CASE(not_metadata),
    LK_CASE(out_of_memory),
    LK_CASE(sp_metadata_parses_back),
    LK_CASE(okta_app_id),
};
TEST_MAIN(cases)
