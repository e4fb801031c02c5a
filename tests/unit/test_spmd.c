/* SP metadata generation (sso/spmd.h). Well-formedness is also checked with xmllint by
 * tests/corpus/md/cli_test.py (latchkey sp-metadata | xmllint --noout -). */
#include <string.h>

#include "harness.h"
#include "sso/b64.h"
#include "sso/err.h"
#include "sso/spmd.h"
#include "sso/sso_config.h"

static const char expected_no_cert[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\""
    " entityID=\"https://router.example.net/sso/okta/metadata\">\n"
    "  <md:SPSSODescriptor AuthnRequestsSigned=\"false\" WantAssertionsSigned=\"true\""
    " protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n"
    "    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    "</md:NameIDFormat>\n"
    "    <md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
    " Location=\"https://router.example.net/sso/okta/acs\" index=\"0\" isDefault=\"true\"/>\n"
    "  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n";

static char buf[8192];

TEST_CASE(without_cert_exact)
{
    struct sso_spmd_params p = {"https://router.example.net/sso/okta/metadata",
                                "https://router.example.net/sso/okta/acs", NULL, 0};
    size_t need = 0;
    TEST_OK(sso_spmd_build(buf, sizeof(buf), &need, &p));
    TEST_STR_EQ(buf, expected_no_cert);
    TEST_EQ(need, sizeof(expected_no_cert));
    TEST_EQ(sso_spmd_build(buf, need - 1, &need, &p), SSO_E_NOSPC);
    TEST_STR_EQ(buf, "");
    TEST_EQ(need, sizeof(expected_no_cert));
    TEST_EQ(sso_spmd_build(NULL, 0, &need, &p), SSO_E_NOSPC);
    TEST_EQ(need, sizeof(expected_no_cert));
}

TEST_CASE(with_cert)
{
    static uint8_t der[SSO_CFG_CERT_MAX_DER];
    static uint8_t back[SSO_CFG_CERT_MAX_DER];
    struct sso_spmd_params p = {"urn:x", "http://192.0.2.1/sso/a/acs", der, sizeof(der)};
    const char *c, *e;
    size_t n = 0;
    static const char *const algs[] = {
        "<md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes128-gcm\"/>",
        "<md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>",
        "<md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/>",
        "<md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes256-cbc\"/>",
        "<md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>",
        "<md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#rsa-oaep\"/>",
    };
    for (size_t i = 0; i < sizeof(der); i++) {
        der[i] = (uint8_t)(i * 7 + 3);
    }
    TEST_OK(sso_spmd_build(buf, sizeof(buf), NULL, &p));
    TEST_TRUE(strstr(buf, "<md:KeyDescriptor use=\"encryption\">") != NULL);
    c = strstr(buf, "<ds:X509Certificate>");
    TEST_TRUE(c != NULL);
    c += strlen("<ds:X509Certificate>");
    e = strstr(c, "</ds:X509Certificate>");
    TEST_TRUE(e != NULL);
    TEST_OK(sso_b64_decode(c, (size_t)(e - c), back, sizeof(back), &n));
    TEST_EQ(n, sizeof(der));
    TEST_MEM_EQ(back, der, n);
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        TEST_TRUE(strstr(buf, algs[i]) != NULL);
    }
    /* Schema order inside SPSSODescriptor: KeyDescriptor, NameIDFormat, ACS. */
    TEST_TRUE(strstr(buf, "<md:KeyDescriptor") < strstr(buf, "<md:NameIDFormat>"));
    TEST_TRUE(strstr(buf, "<md:NameIDFormat>") < strstr(buf, "<md:AssertionConsumerService"));
}

TEST_CASE(escapes_values)
{
    struct sso_spmd_params p = {"urn:a&b\"<c>", "https://h/acs?a=1&b=2", NULL, 0};
    TEST_OK(sso_spmd_build(buf, sizeof(buf), NULL, &p));
    TEST_TRUE(strstr(buf, "entityID=\"urn:a&amp;b&quot;&lt;c&gt;\"") != NULL);
    TEST_TRUE(strstr(buf, "Location=\"https://h/acs?a=1&amp;b=2\"") != NULL);
}

TEST_CASE(rejects_bad_input)
{
    static const uint8_t der[4] = {1, 2, 3, 4};
    char longv[SSO_CFG_URL_MAX + 1];
    struct sso_spmd_params p = {"urn:x", "https://h/acs", NULL, 0};
    size_t need = 0;
    p.entity_id = "";
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_INVAL);
    p.entity_id = NULL;
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_INVAL);
    p.entity_id = "urn:\x02";
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_INVAL);
    TEST_STR_EQ(buf, "");
    p.entity_id = "urn:\xc3\x28";
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_INVAL);
    memset(longv, 'a', sizeof(longv));
    longv[SSO_CFG_URL_MAX] = '\0';
    p.entity_id = longv;
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_INVAL);
    p.entity_id = "urn:x";
    p.acs_url = "javascript:x";
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_URL);
    p.acs_url = "/sso/acs";
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_URL);
    p.acs_url = NULL;
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_URL);
    p.acs_url = "https://h/acs";
    p.cert_der = der;
    p.cert_len = 0;
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_INVAL);
    p.cert_len = SSO_CFG_CERT_MAX_DER + 1;
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, &p), SSO_E_INVAL);
    TEST_EQ(sso_spmd_build(buf, sizeof(buf), &need, NULL), SSO_E_INVAL);
}

static const struct lk_test_case cases[] = {
    LK_CASE(without_cert_exact),
    LK_CASE(with_cert),
    LK_CASE(escapes_values),
    LK_CASE(rejects_bad_input),
};
TEST_MAIN(cases)
