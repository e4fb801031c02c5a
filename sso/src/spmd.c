/* SP metadata document (sso/spmd.h). */
#include "sso/spmd.h"

#include <string.h>

#include "sso/err.h"
#include "sso/sso_config.h"
#include "sso/url.h"
#include "wbuf_priv.h"

/* What the SP can decrypt (the XML-Enc module): content algorithms first, GCM preferred, then the
 * key transport algorithms. The IdP picks from this list. */
static const char *const enc_methods[] = {
    "http://www.w3.org/2009/xmlenc11#aes128-gcm",
    "http://www.w3.org/2009/xmlenc11#aes256-gcm",
    "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
    "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
    "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
    "http://www.w3.org/2009/xmlenc11#rsa-oaep",
};

int sso_spmd_build(char *out, size_t out_size, size_t *needed, const struct sso_spmd_params *p)
{
    struct sso_wbuf b;
    if (out != NULL && out_size > 0) {
        out[0] = '\0';
    }
    if (p == NULL || p->entity_id == NULL || p->entity_id[0] == '\0' ||
        memchr(p->entity_id, '\0', SSO_CFG_URL_MAX) == NULL) {
        return SSO_E_INVAL;
    }
    if (p->acs_url == NULL || memchr(p->acs_url, '\0', SSO_CFG_URL_MAX) == NULL ||
        !sso_url_is_http(p->acs_url, strlen(p->acs_url))) {
        return SSO_E_URL;
    }
    if (p->cert_der != NULL && (p->cert_len == 0 || p->cert_len > SSO_CFG_CERT_MAX_DER)) {
        return SSO_E_INVAL;
    }
    sso_wbuf_init(&b, out, out_size);
    sso_wbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\""
                      " entityID=\"");
    sso_wbuf_xml(&b, p->entity_id, strlen(p->entity_id));
    sso_wbuf_puts(&b, "\">\n  <md:SPSSODescriptor AuthnRequestsSigned=\"false\""
                      " WantAssertionsSigned=\"true\""
                      " protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n");
    if (p->cert_der != NULL) {
        sso_wbuf_puts(&b, "    <md:KeyDescriptor use=\"encryption\">\n"
                          "      <ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
                          "<ds:X509Data><ds:X509Certificate>");
        sso_wbuf_b64(&b, p->cert_der, p->cert_len);
        sso_wbuf_puts(&b, "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n");
        for (size_t i = 0; i < sizeof(enc_methods) / sizeof(enc_methods[0]); i++) {
            sso_wbuf_puts(&b, "      <md:EncryptionMethod Algorithm=\"");
            sso_wbuf_puts(&b, enc_methods[i]);
            sso_wbuf_puts(&b, "\"/>\n");
        }
        sso_wbuf_puts(&b, "    </md:KeyDescriptor>\n");
    }
    sso_wbuf_puts(&b, "    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
                      "</md:NameIDFormat>\n"
                      "    <md:AssertionConsumerService"
                      " Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"");
    sso_wbuf_xml(&b, p->acs_url, strlen(p->acs_url));
    sso_wbuf_puts(&b, "\" index=\"0\" isDefault=\"true\"/>\n"
                      "  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n");
    return sso_wbuf_finish(&b, needed);
}
