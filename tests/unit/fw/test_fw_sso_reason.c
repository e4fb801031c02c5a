/*
 * The ACS refusal sentences and audit details (firmware/sso/reason.c): every reason code
 * the SAML core and the ACS can give has its own sentence; the sentences carry the values
 * the admin needs (the Audience the IdP sent and the SP entity ID it must send, the
 * fingerprints of the configured certificates, as openssl computes them, the clock and
 * the skew); every value at its bound still fits FW_SSO_REASON_MAX; a small buffer is an
 * error, never a cut sentence; the audit detail puts the values first.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/reason.h"
#include "sso/time.h"

#define SP_ENT  "https://fw1.example.com/sso/okta/metadata"
#define SP_ACS  "https://fw1.example.com/sso/okta/acs"
#define IDP_ENT "http://www.okta.com/exk1fcia6d6EMsf331d8"
#define CERT_A  "real/okta/certs/okta-exk91cb99lKkKSYoy0h7.pem"
#define CERT_B  "real/okta/certs/okta-exkppsa1qwuFV4D7z0h7.pem"
/* openssl x509 -noout -fingerprint -sha256 of CERT_A and CERT_B */
#define FP_A                                                                                       \
    "CC:49:C1:88:6A:69:CA:7F:DD:77:5D:55:9F:93:B9:DC:75:FA:30:32:E9:BC:BC:25:47:5F:22:13:DA:E1:"   \
    "B6:89"
#define FP_B                                                                                       \
    "D4:0D:F0:1C:CE:DE:49:D2:07:CB:6D:8A:BD:15:77:0A:4B:6E:CA:14:A8:54:48:C2:95:9A:98:F8:5D:C3:"   \
    "1E:D4"
#define DEFAULTS "The identity provider's answer was refused ("

static struct sso_cfg_cert certs[SSO_CFG_MD_MAX_CERTS];
static struct sso_resp_error err;
static struct fw_sso_reason_in in;
static char out[FW_SSO_REASON_MAX];

/* Every code of the table (the X-macro in sso/err.h). */
static const int all_codes[] = {
#define X(name, value, code, detail) name,
    SSO_ERR_TABLE(X)
#undef X
};

static int load_cert(const char *rel, struct sso_cfg_cert *c)
{
    size_t n, len = 0;
    char *pem = lk_test_read_file(lk_corpus_path(rel), &n);
    int rc;
    if (pem == NULL) {
        return -1;
    }
    rc = sso_crypto_pem_to_der(pem, n, "CERTIFICATE", c->der, sizeof(c->der), &len);
    free(pem);
    c->len = (uint16_t)len;
    return rc;
}

static void setup(int code)
{
    memset(&err, 0, sizeof(err));
    memset(&in, 0, sizeof(in));
    err.code = code;
    in.code = code;
    in.err = &err;
    in.sp_entity_id = SP_ENT;
    in.acs_url = SP_ACS;
    in.idp_entity_id = IDP_ENT;
    in.provider_name = "Okta";
    in.skew_s = 180;
    (void)sso_time_parse("2024-05-01T13:00:05Z", 20, &in.now_s);
    in.certs = certs;
    in.cert_count = 1;
}

static bool has(const char *s)
{
    return strstr(out, s) != NULL;
}

/* Is @p code one the ACS can show (the core's response validation or the ACS itself)? */
static bool acs_code(int code)
{
    return (code <= SSO_E_XML_SYNTAX && code > SSO_E_SESS_FULL - 100) || code == SSO_E_B64 ||
           code == SSO_E_URL || code == SSO_E_NOMEM;
}

TEST_CASE(every_code_has_a_sentence)
{
    size_t i;
    TEST_OK(load_cert(CERT_A, &certs[0]));
    for (i = 0; i < sizeof(all_codes) / sizeof(all_codes[0]); i++) {
        size_t n;
        if (all_codes[i] == SSO_OK) {
            continue;
        }
        setup(all_codes[i]);
        TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
        n = strlen(out);
        if (n < 20 || out[n - 1] != '.' || strchr(out, '%') != NULL) {
            lk_test_fail(__FILE__, __LINE__, "%s: \"%s\"", sso_err_code(all_codes[i]), out);
        }
        /* The codes the ACS meets each have their own words, not the fallback. */
        if (acs_code(all_codes[i]) && strncmp(out, DEFAULTS, strlen(DEFAULTS)) == 0) {
            lk_test_fail(__FILE__, __LINE__, "%s has only the fallback sentence",
                         sso_err_code(all_codes[i]));
        }
        TEST_OK(fw_sso_reason_audit(&in, out, sizeof(out)));
        TEST_TRUE(out[0] != '\0');
    }
}

TEST_CASE(audience_names_both_entity_ids)
{
    setup(SSO_E_RESP_AUDIENCE);
    strcpy(err.got, SP_ACS); /* the classic mistake: the ACS URL as Audience URI */
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_STR_EQ(out, "The IdP sent this login for another application (Audience " SP_ACS
                     "). Check the SP Entity ID configured at the IdP: it must be " SP_ENT ".");
    TEST_OK(fw_sso_reason_audit(&in, out, sizeof(out)));
    TEST_STR_EQ(out, "Audience '" SP_ACS "', not this SP");
    TEST_TRUE(strlen(out) <= SSO_CFG_AUDIT_DETAIL_MAX);
}

TEST_CASE(signature_names_the_configured_fingerprints)
{
    setup(SSO_E_DSIG_BAD);
    err.where = "Assertion";
    TEST_OK(load_cert(CERT_A, &certs[0]));
    TEST_OK(load_cert(CERT_B, &certs[1]));
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_STR_EQ(out, "Signature did not verify against the configured IdP certificate (SHA-256 "
                     "fingerprint " FP_A "). If the IdP changed its signing certificate, import "
                     "its metadata again.");
    in.cert_count = 2; /* during a rollover */
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("configured IdP certificates (SHA-256 fingerprints " FP_A ", " FP_B ")."));
    TEST_OK(fw_sso_reason_audit(&in, out, sizeof(out)));
    TEST_STR_EQ(out, "Assertion signature does not verify with 2 configured cert(s), SHA-256 "
                     "CC:49:C1:88:6A:69:CA:7F..");
}

TEST_CASE(clock_sentences_give_times_and_skew)
{
    setup(SSO_E_RESP_EXPIRED);
    err.where = "SubjectConfirmationData";
    TEST_OK(sso_time_parse("2024-05-01T12:05:00Z", 20, &err.bound_s));
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("expired: it was valid until 2024-05-01 12:05:00 UTC, and this device's "
                  "clock says 2024-05-01 13:00:05 UTC (allowed clock skew: 180 s)"));
    TEST_TRUE(has("device clock is probably ahead"));
    TEST_OK(fw_sso_reason_audit(&in, out, sizeof(out)));
    TEST_STR_EQ(out, "SubjectConfirmationData NotOnOrAfter 2024-05-01T12:05:00Z; device time "
                     "2024-05-01T13:00:05Z, skew 180 s");
    TEST_TRUE(strlen(out) <= SSO_CFG_AUDIT_DETAIL_MAX);

    setup(SSO_E_RESP_NOT_YET_VALID);
    err.where = "Conditions";
    TEST_OK(sso_time_parse("2024-05-01T14:00:00Z", 20, &err.bound_s));
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("not valid yet: it starts at 2024-05-01 14:00:00 UTC"));
    TEST_TRUE(has("device clock is probably behind"));
}

TEST_CASE(issuer_recipient_destination)
{
    setup(SSO_E_RESP_ISSUER);
    strcpy(err.got, "http://www.okta.com/exkOTHER");
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("(Issuer http://www.okta.com/exkOTHER) than the configured one (" IDP_ENT ")"));
    TEST_OK(fw_sso_reason_audit(&in, out, sizeof(out)));
    TEST_STR_EQ(out, "Issuer 'http://www.okta.com/exkOTHER', configured '" IDP_ENT "'");

    setup(SSO_E_RESP_RECIPIENT);
    strcpy(err.got, "https://old.example.com/sso/okta/acs");
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("(Recipient https://old.example.com/sso/okta/acs)"));
    TEST_TRUE(has("must be this device's ACS URL: " SP_ACS "."));

    setup(SSO_E_RESP_DESTINATION);
    strcpy(err.got, "https://old.example.com/sso/okta/acs");
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("(Destination https://old.example.com/sso/okta/acs)"));
}

TEST_CASE(one_time_use_and_initiation)
{
    setup(SSO_E_RESP_REPLAY);
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("already used"));
    setup(SSO_E_RESP_UNSOLICITED);
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("IdP-initiated") && has("Sign in with Okta"));
    setup(SSO_E_RESP_IN_RESPONSE_TO);
    strcpy(err.got, "_abc123");
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("(InResponseTo _abc123)") && has("10 minutes"));
    setup(SSO_E_RESP_STATUS);
    strcpy(err.got, "Responder/AuthnFailed");
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("(status Responder/AuthnFailed)"));
}

/* Every value at its bound: the sentence still fits FW_SSO_REASON_MAX. */
TEST_CASE(worst_case_fits)
{
    static char big[SSO_CFG_RESP_STR_MAX], name[SSO_CFG_NAME_MAX + 1];
    size_t i;
    memset(big, 'u', sizeof(big) - 1);
    memset(name, 'n', sizeof(name) - 1);
    for (i = 0; i < SSO_CFG_MD_MAX_CERTS; i++) {
        TEST_OK(load_cert(i % 2 ? CERT_B : CERT_A, &certs[i]));
    }
    for (i = 0; i < sizeof(all_codes) / sizeof(all_codes[0]); i++) {
        setup(all_codes[i]);
        memcpy(err.got, big, sizeof(err.got));
        memset(err.detail, 'd', sizeof(err.detail) - 1);
        err.bound_s = in.now_s;
        in.sp_entity_id = in.acs_url = in.idp_entity_id = big;
        in.provider_name = name;
        in.cert_count = SSO_CFG_MD_MAX_CERTS;
        TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
        TEST_OK(fw_sso_reason_audit(&in, out, sizeof(out)));
    }
}

TEST_CASE(small_buffer_is_an_error_not_a_cut)
{
    char small[40];
    setup(SSO_E_RESP_AUDIENCE);
    strcpy(err.got, SP_ACS);
    TEST_EQ(fw_sso_reason_text(&in, small, sizeof(small)), SSO_E_NOSPC);
    TEST_STR_EQ(small, "");
    TEST_EQ(fw_sso_reason_audit(&in, small, sizeof(small)), SSO_E_NOSPC);
    TEST_STR_EQ(small, "");
    TEST_EQ(fw_sso_reason_text(NULL, small, sizeof(small)), SSO_E_INVAL);
    /* Without the core's details (a check of the ACS itself), still a sentence. */
    in.err = NULL;
    TEST_OK(fw_sso_reason_text(&in, out, sizeof(out)));
    TEST_TRUE(has("another application") && has(SP_ENT));
}

static const struct lk_test_case cases[] = {
    LK_CASE(every_code_has_a_sentence),
    LK_CASE(audience_names_both_entity_ids),
    LK_CASE(signature_names_the_configured_fingerprints),
    LK_CASE(clock_sentences_give_times_and_skew),
    LK_CASE(issuer_recipient_destination),
    LK_CASE(one_time_use_and_initiation),
    LK_CASE(worst_case_fits),
    LK_CASE(small_buffer_is_an_error_not_a_cut),
};

TEST_MAIN(cases)
