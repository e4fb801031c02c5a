/* AuthnRequest building, redirect and POST encodings, outstanding requests (sso/authn.h). */
#include <string.h>

#include "harness.h"
#include "sso/alloc.h"
#include "sso/authn.h"
#include "sso/b64.h"
#include "sso/deflate.h"
#include "sso/err.h"
#include "sso/url.h"
#include "sso/xml.h"

/* Deterministic "random": 0x00, 0x01, 0x02, ... */
static int counter_rng(void *ctx, uint8_t *buf, size_t len)
{
    uint8_t *next = ctx;
    for (size_t i = 0; i < len; i++) {
        buf[i] = (*next)++;
    }
    return 0;
}

static int failing_rng(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    memset(buf, 0xAA, len);
    return -1;
}

static const struct sso_authn_params params = {
    "https://router.example.net/sso/okta/metadata",
    "https://router.example.net/sso/okta/acs",
    "https://dev-123456.okta.com/app/dev-123456_latchkey_1/exk1a2b3c4/sso/saml",
    "/admin/users",
};

static const char expected_xml[] =
    "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
    " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\""
    " ID=\"_000102030405060708090a0b0c0d0e0f\" Version=\"2.0\""
    " IssueInstant=\"2024-01-01T00:00:00Z\""
    " Destination=\"https://dev-123456.okta.com/app/dev-123456_latchkey_1/exk1a2b3c4/sso/saml\""
    " AssertionConsumerServiceURL=\"https://router.example.net/sso/okta/acs\""
    " ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\">"
    "<saml:Issuer>https://router.example.net/sso/okta/metadata</saml:Issuer>"
    "<samlp:NameIDPolicy Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\""
    " AllowCreate=\"true\"/></samlp:AuthnRequest>";

static struct sso_authn_request fixed_request(void)
{
    struct sso_authn_request r;
    uint8_t seed = 0;
    if (sso_authn_new(&r, 1704067200, counter_rng, &seed) != SSO_OK) {
        memset(&r, 0, sizeof(r));
    }
    return r;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static char buf[8192];
static char buf2[8192];
static uint8_t bin[8192];

TEST_CASE(new_request_id_and_instant)
{
    struct sso_authn_request r;
    uint8_t seed = 0;
    TEST_OK(sso_authn_new(&r, 1704067200, counter_rng, &seed));
    TEST_STR_EQ(r.id, "_000102030405060708090a0b0c0d0e0f");
    TEST_STR_EQ(r.issue_instant, "2024-01-01T00:00:00Z");
    TEST_EQ(strlen(r.id), SSO_AUTHN_ID_SIZE - 1);
    /* The next request gets the next 16 bytes. */
    TEST_OK(sso_authn_new(&r, 0, counter_rng, &seed));
    TEST_STR_EQ(r.id, "_101112131415161718191a1b1c1d1e1f");
    TEST_STR_EQ(r.issue_instant, "1970-01-01T00:00:00Z");
}

TEST_CASE(new_request_failures)
{
    struct sso_authn_request r;
    uint8_t seed = 0;
    memset(&r, 'x', sizeof(r));
    TEST_EQ(sso_authn_new(&r, 0, failing_rng, NULL), SSO_E_RANDOM);
    TEST_STR_EQ(r.id, ""); /* nothing half-made survives */
    TEST_EQ(sso_authn_new(&r, INT64_MAX, counter_rng, &seed), SSO_E_INVAL);
    TEST_STR_EQ(r.id, "");
    TEST_EQ(sso_authn_new(&r, 0, NULL, NULL), SSO_E_INVAL);
    TEST_EQ(sso_authn_new(NULL, 0, counter_rng, &seed), SSO_E_INVAL);
}

TEST_CASE(xml_exact)
{
    struct sso_authn_request r = fixed_request();
    size_t need = 0;
    TEST_OK(sso_authn_xml(buf, sizeof(buf), &need, &r, &params));
    TEST_STR_EQ(buf, expected_xml);
    TEST_EQ(need, sizeof(expected_xml));
    /* Exactly enough, one byte short, count only. */
    TEST_OK(sso_authn_xml(buf, need, &need, &r, &params));
    TEST_EQ(sso_authn_xml(buf, need - 1, &need, &r, &params), SSO_E_NOSPC);
    TEST_STR_EQ(buf, "");
    TEST_EQ(need, sizeof(expected_xml));
    TEST_EQ(sso_authn_xml(NULL, 0, &need, &r, &params), SSO_E_NOSPC);
    TEST_EQ(need, sizeof(expected_xml));
}

TEST_CASE(xml_escapes_values)
{
    struct sso_authn_request r = fixed_request();
    struct sso_authn_params p = params;
    p.sp_entity_id = "urn:a&b<c>\"d\"'e'\tf\ng\rh";
    p.acs_url = "https://h/acs?a=1&b='2'";
    TEST_OK(sso_authn_xml(buf, sizeof(buf), NULL, &r, &p));
    TEST_TRUE(strstr(buf,
                     "<saml:Issuer>urn:a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;&#9;f&#10;g&#13;h"
                     "</saml:Issuer>") != NULL);
    TEST_TRUE(strstr(buf, "AssertionConsumerServiceURL=\"https://h/acs?a=1&amp;b=&#39;2&#39;\"") !=
              NULL);
    /* UTF-8 passes through. */
    p.sp_entity_id = "urn:caf\xc3\xa9:\xf0\x9f\x94\x91";
    TEST_OK(sso_authn_xml(buf, sizeof(buf), NULL, &r, &p));
    TEST_TRUE(strstr(buf, "<saml:Issuer>urn:caf\xc3\xa9:\xf0\x9f\x94\x91</saml:Issuer>") != NULL);
}

TEST_CASE(xml_rejects_bad_values)
{
    static const char *const bad_ids[] = {
        "urn:\x01",             /* C0 control: not an XML character */
        "urn:\x1f",             /* same */
        "urn:\xc3",             /* truncated UTF-8 */
        "urn:\xc0\xaf",         /* overlong '/' */
        "urn:\xed\xa0\x80",     /* surrogate */
        "urn:\xef\xbf\xbe",     /* U+FFFE */
        "urn:\xf4\x90\x80\x80", /* past U+10FFFF */
        "urn:\xff",
        "",
    };
    struct sso_authn_request r = fixed_request();
    struct sso_authn_params p = params;
    char longid[SSO_CFG_URL_MAX + 1];
    size_t need = 7;
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        p.sp_entity_id = bad_ids[i];
        if (sso_authn_xml(buf, sizeof(buf), &need, &r, &p) != SSO_E_INVAL) {
            lk_test_fail(__FILE__, __LINE__, "accepted entity id #%zu", i);
            return;
        }
        TEST_STR_EQ(buf, "");
    }
    p.sp_entity_id = NULL;
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &p), SSO_E_INVAL);
    /* Over the configuration bound (255 bytes + NUL). */
    memset(longid, 'a', sizeof(longid));
    longid[SSO_CFG_URL_MAX] = '\0';
    p.sp_entity_id = longid;
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &p), SSO_E_INVAL);
    longid[SSO_CFG_URL_MAX - 1] = '\0';
    TEST_OK(sso_authn_xml(buf, sizeof(buf), &need, &r, &p));

    p = params;
    p.acs_url = "javascript:alert(1)";
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &p), SSO_E_URL);
    p.acs_url = NULL;
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &p), SSO_E_URL);
    p = params;
    p.idp_sso_url = "data:text/html,<script>";
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &p), SSO_E_URL);
    p.idp_sso_url = "https://idp.example.com/sso#frag";
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &p), SSO_E_URL);
    p.idp_sso_url = longid;
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &p), SSO_E_URL);
    p = params;
    p.relay_state = "//evil.example";
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &p), SSO_E_RELAY_STATE);
    p.relay_state = "https://evil.example/";
    TEST_EQ(sso_authn_redirect_url(buf, sizeof(buf), &need, &r, &p), SSO_E_RELAY_STATE);
    TEST_EQ(sso_authn_post_form(buf, sizeof(buf), &need, &r, &p), SSO_E_RELAY_STATE);
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, NULL, &params), SSO_E_INVAL);
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, NULL), SSO_E_INVAL);
    r.id[0] = '\0';
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &params), SSO_E_INVAL);
    memset(r.id, 'x', sizeof(r.id)); /* not terminated */
    TEST_EQ(sso_authn_xml(buf, sizeof(buf), &need, &r, &params), SSO_E_INVAL);
}

/* Decode a redirect URL back to the XML (the IdP's side of the binding). */
static int decode_redirect(const char *url, char *xml, size_t xml_size, char *rs, size_t rs_size)
{
    static struct sso_inflate_work iw;
    const char *q = strchr(url, '?');
    size_t b64_len = 0, bin_len = 0, xml_len = 0;
    int rc;
    if (q == NULL) {
        return -100;
    }
    q++;
    rc = sso_url_form_get(q, strlen(q), "SAMLRequest", buf2, sizeof(buf2), &b64_len);
    if (rc != 1) {
        return rc == 0 ? -101 : rc;
    }
    rc = sso_b64_decode(buf2, b64_len, bin, sizeof(bin), &bin_len);
    if (rc != SSO_OK) {
        return rc;
    }
    rc = sso_inflate(bin, bin_len, (uint8_t *)xml, xml_size - 1, &xml_len, &iw);
    if (rc != SSO_OK) {
        return rc;
    }
    xml[xml_len] = '\0';
    rc = sso_url_form_get(q, strlen(q), "RelayState", rs, rs_size, NULL);
    return rc < 0 ? rc : SSO_OK;
}

TEST_CASE(redirect_round_trip)
{
    static char xml[4096];
    char rs[128];
    struct sso_authn_request r = fixed_request();
    const char *prefix = "https://dev-123456.okta.com/app/dev-123456_latchkey_1/exk1a2b3c4/sso/"
                         "saml?SAMLRequest=";
    size_t need = 0;
    TEST_OK(sso_authn_redirect_url(buf, sizeof(buf), &need, &r, &params));
    TEST_EQ(need, strlen(buf) + 1);
    TEST_TRUE(starts_with(buf, prefix));
    /* Only unreserved characters and our separators after the '?'. */
    for (const char *c = strchr(buf, '?') + 1; *c; c++) {
        TEST_TRUE(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%=&",
                         *c) != NULL);
    }
    TEST_TRUE(strstr(buf, "&RelayState=%2Fadmin%2Fusers") != NULL);
    TEST_OK(decode_redirect(buf, xml, sizeof(xml), rs, sizeof(rs)));
    TEST_STR_EQ(xml, expected_xml);
    TEST_STR_EQ(rs, "/admin/users");
    /* The compressed request is shorter than the XML itself. */
    TEST_TRUE(strlen(buf) < strlen(params.idp_sso_url) + sizeof(expected_xml));
}

/* The IdP's view: the inflated request parses with the strict XML layer and carries
 * every field in the right namespace. */
TEST_CASE(redirect_xml_parses)
{
    static char xml[4096];
    char rs[128];
    struct sso_authn_request r = fixed_request();
    struct sso_authn_params p = params;
    struct sso_xml_doc d;
    struct sso_str v;
    int root, issuer, pol;
    p.sp_entity_id = "urn:sp&<\"'>";
    TEST_OK(sso_authn_redirect_url(buf, sizeof(buf), NULL, &r, &p));
    TEST_OK(decode_redirect(buf, xml, sizeof(xml), rs, sizeof(rs)));
    memset(&d, 0, sizeof(d));
    TEST_OK(sso_xml_parse(&d, xml, strlen(xml), NULL));
    root = sso_xml_root(&d);
    TEST_TRUE(sso_xml_is(&d, root, SSO_NS_SAMLP, "AuthnRequest"));
    TEST_TRUE(sso_xml_attr(&d, root, NULL, "ID", &v) && sso_str_eq(v, r.id));
    TEST_TRUE(sso_xml_attr(&d, root, NULL, "Version", &v) && sso_str_eq(v, "2.0"));
    TEST_TRUE(sso_xml_attr(&d, root, NULL, "IssueInstant", &v) &&
              sso_str_eq(v, "2024-01-01T00:00:00Z"));
    TEST_TRUE(sso_xml_attr(&d, root, NULL, "Destination", &v) && sso_str_eq(v, p.idp_sso_url));
    TEST_TRUE(sso_xml_attr(&d, root, NULL, "AssertionConsumerServiceURL", &v) &&
              sso_str_eq(v, p.acs_url));
    TEST_TRUE(sso_xml_attr(&d, root, NULL, "ProtocolBinding", &v) &&
              sso_str_eq(v, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"));
    issuer = sso_xml_child(&d, root, SSO_NS_SAML, "Issuer");
    TEST_TRUE(issuer >= 0);
    TEST_OK(sso_xml_text_only(&d, issuer, rs, sizeof(rs), NULL));
    TEST_STR_EQ(rs, "urn:sp&<\"'>"); /* escaping round-trips */
    pol = sso_xml_child(&d, root, SSO_NS_SAMLP, "NameIDPolicy");
    TEST_TRUE(sso_xml_attr(&d, pol, NULL, "Format", &v) &&
              sso_str_eq(v, "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"));
    TEST_TRUE(sso_xml_attr(&d, pol, NULL, "AllowCreate", &v) && sso_str_eq(v, "true"));
    sso_xml_free(&d);
}

TEST_CASE(redirect_separator_and_no_relay_state)
{
    static char xml[4096];
    char rs[128];
    struct sso_authn_request r = fixed_request();
    struct sso_authn_params p = params;
    p.relay_state = NULL;
    p.idp_sso_url = "https://accounts.google.com/o/saml2/idp?idpid=C029op2ga";
    TEST_OK(sso_authn_redirect_url(buf, sizeof(buf), NULL, &r, &p));
    TEST_TRUE(
        starts_with(buf, "https://accounts.google.com/o/saml2/idp?idpid=C029op2ga&SAMLRequest="));
    TEST_TRUE(strstr(buf, "RelayState") == NULL);
    TEST_OK(decode_redirect(buf, xml, sizeof(xml), rs, sizeof(rs)));
    TEST_TRUE(
        strstr(xml, "Destination=\"https://accounts.google.com/o/saml2/idp?idpid=C029op2ga\"") !=
        NULL);
    TEST_STR_EQ(rs, "");
    p.idp_sso_url = "https://idp.example.com/sso?";
    p.relay_state = "";
    TEST_OK(sso_authn_redirect_url(buf, sizeof(buf), NULL, &r, &p));
    TEST_TRUE(starts_with(buf, "https://idp.example.com/sso?SAMLRequest="));
    TEST_TRUE(strstr(buf, "RelayState") == NULL);
    p.idp_sso_url = "https://idp.example.com/sso?a=1&";
    TEST_OK(sso_authn_redirect_url(buf, sizeof(buf), NULL, &r, &p));
    TEST_TRUE(starts_with(buf, "https://idp.example.com/sso?a=1&SAMLRequest="));
}

TEST_CASE(redirect_reports_needed_size)
{
    struct sso_authn_request r = fixed_request();
    size_t need = 0, need2 = 0;
    char small[32];
    TEST_EQ(sso_authn_redirect_url(small, sizeof(small), &need, &r, &params), SSO_E_NOSPC);
    TEST_STR_EQ(small, "");
    TEST_TRUE(need > sizeof(small));
    TEST_EQ(sso_authn_redirect_url(NULL, 0, &need2, &r, &params), SSO_E_NOSPC);
    TEST_EQ(need2, need);
    TEST_OK(sso_authn_redirect_url(buf, need, &need2, &r, &params));
    TEST_EQ(strlen(buf) + 1, need);
    TEST_EQ(sso_authn_redirect_url(buf, need - 1, &need2, &r, &params), SSO_E_NOSPC);
}

TEST_CASE(redirect_out_of_memory)
{
    struct sso_alloc_stats st;
    struct sso_authn_request r = fixed_request();
    size_t need = 0;
    sso_alloc_stats(&st);
    sso_alloc_set_limit(st.cur_bytes + 64);
    TEST_EQ(sso_authn_redirect_url(buf, sizeof(buf), &need, &r, &params), SSO_E_NOMEM);
    TEST_STR_EQ(buf, "");
    sso_alloc_set_limit(st.cur_bytes + 16);
    TEST_EQ(sso_authn_post_form(buf, sizeof(buf), &need, &r, &params), SSO_E_NOMEM);
    sso_alloc_set_limit(0);
    TEST_OK(sso_authn_redirect_url(buf, sizeof(buf), &need, &r, &params));
    sso_alloc_stats(&st);
    TEST_EQ(st.cur_blocks, 0); /* scratch freed */
}

TEST_CASE(post_form)
{
    struct sso_authn_request r = fixed_request();
    struct sso_authn_params p = params;
    const char *v, *end;
    size_t need = 0, n = 0;
    p.idp_sso_url = "https://idp.example.com/sso?a=1&b=2";
    TEST_OK(sso_authn_post_form(buf, sizeof(buf), &need, &r, &p));
    TEST_EQ(need, strlen(buf) + 1);
    TEST_TRUE(starts_with(buf, "<!DOCTYPE html>"));
    TEST_TRUE(
        strstr(buf, "<form method=\"post\" action=\"https://idp.example.com/sso?a=1&amp;b=2\">") !=
        NULL);
    TEST_TRUE(strstr(buf, "<input type=\"hidden\" name=\"RelayState\" value=\"/admin/users\">") !=
              NULL);
    TEST_TRUE(strstr(buf, "<script>" SSO_AUTHN_POST_SCRIPT "</script>") != NULL);
    v = strstr(buf, "name=\"SAMLRequest\" value=\"");
    TEST_TRUE(v != NULL);
    v += strlen("name=\"SAMLRequest\" value=\"");
    end = strchr(v, '"');
    TEST_TRUE(end != NULL);
    TEST_OK(sso_b64_decode(v, (size_t)(end - v), bin, sizeof(bin), &n));
    bin[n] = 0;
    TEST_TRUE(strstr((const char *)bin,
                     "Destination=\"https://idp.example.com/sso?a=1&amp;b=2\"") != NULL);
    TEST_TRUE(strncmp((const char *)bin, "<samlp:AuthnRequest ", 20) == 0);
    /* RelayState with HTML-special characters is escaped. */
    p.relay_state = "/a?x=\"'<b>&c";
    TEST_OK(sso_authn_post_form(buf, sizeof(buf), &need, &r, &p));
    TEST_TRUE(strstr(buf, "value=\"/a?x=&quot;&#39;&lt;b&gt;&amp;c\"") != NULL);
    p.relay_state = NULL;
    TEST_OK(sso_authn_post_form(buf, sizeof(buf), &need, &r, &p));
    TEST_TRUE(strstr(buf, "RelayState") == NULL);
    TEST_EQ(sso_authn_post_form(buf, 100, &need, &r, &p), SSO_E_NOSPC);
    TEST_STR_EQ(buf, "");
    TEST_TRUE(need > 100);
}

TEST_CASE(pending_consume_once)
{
    struct sso_authn_pending t;
    const char *id = "_000102030405060708090a0b0c0d0e0f";
    sso_authn_pending_init(&t);
    TEST_OK(sso_authn_pending_add(&t, id, 1000, 1300));
    TEST_TRUE(sso_authn_pending_consume(&t, id, strlen(id), 1100));
    TEST_TRUE(!sso_authn_pending_consume(&t, id, strlen(id), 1100)); /* only once */
    /* Expiry is exclusive; an expired entry is consumed (gone) but refused. */
    TEST_OK(sso_authn_pending_add(&t, id, 1000, 1300));
    TEST_TRUE(!sso_authn_pending_consume(&t, id, strlen(id), 1300));
    TEST_TRUE(!sso_authn_pending_consume(&t, id, strlen(id), 1000));
    /* Exact match only: prefixes, extensions and other IDs do not count. */
    TEST_OK(sso_authn_pending_add(&t, "_abc", 1000, 1300));
    TEST_TRUE(!sso_authn_pending_consume(&t, "_ab", 3, 1100));
    TEST_TRUE(!sso_authn_pending_consume(&t, "_abcd", 5, 1100));
    TEST_TRUE(!sso_authn_pending_consume(&t, "_abd", 4, 1100));
    TEST_TRUE(!sso_authn_pending_consume(&t, "_ABC", 4, 1100));
    TEST_TRUE(!sso_authn_pending_consume(&t, "", 0, 1100));
    TEST_TRUE(!sso_authn_pending_consume(&t, NULL, 4, 1100));
    TEST_TRUE(!sso_authn_pending_consume(NULL, "_abc", 4, 1100));
    /* A view that is not NUL-terminated works. */
    TEST_TRUE(sso_authn_pending_consume(&t, "_abcXYZ", 4, 1100));
}

TEST_CASE(pending_add_rejects)
{
    struct sso_authn_pending t;
    char longid[SSO_AUTHN_ID_SIZE + 1];
    sso_authn_pending_init(&t);
    TEST_OK(sso_authn_pending_add(&t, "_a", 0, 10));
    TEST_EQ(sso_authn_pending_add(&t, "_a", 0, 10), SSO_E_INVAL); /* duplicate */
    TEST_EQ(sso_authn_pending_add(&t, "", 0, 10), SSO_E_INVAL);
    TEST_EQ(sso_authn_pending_add(&t, NULL, 0, 10), SSO_E_INVAL);
    TEST_EQ(sso_authn_pending_add(&t, "_b", 10, 10), SSO_E_INVAL); /* already expired */
    TEST_EQ(sso_authn_pending_add(NULL, "_b", 0, 10), SSO_E_INVAL);
    memset(longid, 'x', sizeof(longid));
    longid[SSO_AUTHN_ID_SIZE] = '\0'; /* 34 characters: one too many */
    TEST_EQ(sso_authn_pending_add(&t, longid, 0, 10), SSO_E_INVAL);
    longid[SSO_AUTHN_ID_SIZE - 1] = '\0'; /* 33, the size of our own IDs */
    TEST_OK(sso_authn_pending_add(&t, longid, 0, 10));
    TEST_TRUE(sso_authn_pending_consume(&t, longid, strlen(longid), 5));
}

TEST_CASE(pending_evicts_oldest_and_expired)
{
    struct sso_authn_pending t;
    char id[8];
    sso_authn_pending_init(&t);
    for (unsigned i = 0; i < SSO_CFG_AUTHN_PENDING_MAX; i++) {
        id[0] = '_';
        id[1] = (char)('A' + i / 26);
        id[2] = (char)('a' + i % 26);
        id[3] = '\0';
        TEST_OK(sso_authn_pending_add(&t, id, 100 + i, 1000));
    }
    /* Full: the next add evicts the oldest ("_Aa"), nothing else. */
    TEST_OK(sso_authn_pending_add(&t, "_new", 200, 1000));
    TEST_TRUE(!sso_authn_pending_consume(&t, "_Aa", 3, 300));
    TEST_TRUE(sso_authn_pending_consume(&t, "_Ab", 3, 300));
    TEST_TRUE(sso_authn_pending_consume(&t, "_new", 4, 300));
    /* Refill: the oldest is now in a later slot ("_Ac"), not in slot 0. */
    TEST_OK(sso_authn_pending_add(&t, "_x1", 300, 1000));
    TEST_OK(sso_authn_pending_add(&t, "_x2", 300, 1000));
    TEST_OK(sso_authn_pending_add(&t, "_x3", 300, 1000));
    TEST_TRUE(!sso_authn_pending_consume(&t, "_Ac", 3, 300));
    TEST_TRUE(sso_authn_pending_consume(&t, "_Ad", 3, 300));
    TEST_TRUE(sso_authn_pending_consume(&t, "_x1", 3, 300));
    TEST_TRUE(sso_authn_pending_consume(&t, "_x3", 3, 300));
    /* Expired entries are dropped before anything live is evicted. */
    sso_authn_pending_init(&t);
    TEST_OK(sso_authn_pending_add(&t, "_short", 0, 50));
    for (unsigned i = 1; i < SSO_CFG_AUTHN_PENDING_MAX; i++) {
        id[0] = '_';
        id[1] = (char)('a' + i % 26);
        id[2] = '\0';
        TEST_OK(sso_authn_pending_add(&t, id, 10, 1000));
    }
    TEST_OK(sso_authn_pending_add(&t, "_late", 60, 1000)); /* "_short" expired at 50 */
    TEST_TRUE(sso_authn_pending_consume(&t, "_b", 2, 70)); /* second entry kept */
    TEST_TRUE(sso_authn_pending_consume(&t, "_late", 5, 70));
    TEST_TRUE(!sso_authn_pending_consume(&t, "_short", 6, 20));
}

static const struct lk_test_case cases[] = {
    LK_CASE(new_request_id_and_instant),
    LK_CASE(new_request_failures),
    LK_CASE(xml_exact),
    LK_CASE(xml_escapes_values),
    LK_CASE(xml_rejects_bad_values),
    LK_CASE(redirect_round_trip),
    LK_CASE(redirect_xml_parses),
    LK_CASE(redirect_separator_and_no_relay_state),
    LK_CASE(redirect_reports_needed_size),
    LK_CASE(redirect_out_of_memory),
    LK_CASE(post_form),
    LK_CASE(pending_consume_once),
    LK_CASE(pending_add_rejects),
    LK_CASE(pending_evicts_oldest_and_expired),
};
TEST_MAIN(cases)
