/*
 * Response validation on genuine Okta responses from the corpus: the accepting path and
 * every check that must refuse when one SP parameter is off. Runs on the host and, through
 * semihosting file access, under QEMU on the Cortex-M3.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sso/alloc.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/resp.h"
#include "sso/time.h"

#define DEX_FILE   "real/okta/okta-dex-okta-resp.xml"
#define DEX_CERT   "real/okta/certs/okta-exk91cb99lKkKSYoy0h7.pem"
#define DEX_ISSUER "http://www.okta.com/exk91cb99lKkKSYoy0h7"
#define DEX_ACS    "http://127.0.0.1:5556/dex/callback"
#define DEX_IRT    "6zmm5mguyebwvajyf2sdwwcw6m"
#define DEX_NOW    "2017-04-04T04:34:59.330Z"
#define DEX_NAMEID "eric.chiang+okta@coreos.com"

#define ENC_FILE                                                                                   \
    "real/okta/okta-crewjam-TestSPCanHandleOktaResponseEncryptedAssertionBothSigned.xml"
#define ENC_CERT   "real/okta/certs/okta-exkppsa1qwuFV4D7z0h7.pem"
#define ENC_KEY    "real/okta/keys/crewjam-sp_key.pem"
#define ENC_ISSUER "http://www.okta.com/exkppsa1qwuFV4D7z0h7"

/* One test fixture: config, params, buffers. Static: the target stack is small. */
static struct fixture {
    uint8_t cert[2048];
    size_t cert_len;
    uint8_t key[4096];
    size_t key_len;
    const char *irt[1];
    struct sso_replay replay;
    struct sso_resp_config cfg;
    struct sso_resp_params params;
    struct sso_resp_result res;
    struct sso_resp_error err;
} fx;

static int test_rng(void *ctx, uint8_t *buf, size_t len)
{
    /* Deterministic bytes are fine here: the rng only blinds the RSA private operation. */
    static uint32_t x = 0x12345678u;
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    return 0;
}

static int load_pem(const char *rel, const char *label, uint8_t *out, size_t size, size_t *len)
{
    size_t n;
    char *pem = lk_test_read_file(lk_corpus_path(rel), &n);
    int rc;
    if (pem == NULL) {
        return -1;
    }
    rc = sso_crypto_pem_to_der(pem, n, label, out, size, len);
    free(pem);
    return rc;
}

/* Set up for the dex Okta response with every parameter right. */
static int setup_dex(void)
{
    memset(&fx, 0, sizeof(fx));
    if (load_pem(DEX_CERT, "CERTIFICATE", fx.cert, sizeof(fx.cert), &fx.cert_len) != SSO_OK) {
        return -1;
    }
    fx.cfg.sp_entity_id = DEX_ACS; /* dex uses the ACS URL as entity ID */
    fx.cfg.acs_url = DEX_ACS;
    fx.cfg.idp_entity_id = DEX_ISSUER;
    fx.cfg.trust.cert_der[0] = fx.cert;
    fx.cfg.trust.cert_len[0] = fx.cert_len;
    fx.cfg.trust.count = 1;
    fx.cfg.skew_s = 0;
    fx.cfg.allow_unsolicited = true;
    fx.irt[0] = DEX_IRT;
    fx.params.outstanding = fx.irt;
    fx.params.outstanding_count = 1;
    fx.params.time_known = true;
    fx.params.rng = test_rng;
    sso_replay_init(&fx.replay);
    fx.params.replay = &fx.replay;
    return sso_time_parse(DEX_NOW, strlen(DEX_NOW), &fx.params.now_s);
}

/* Validate a fresh copy of corpus file @p rel (validation normalises its input). */
static int validate(const char *rel)
{
    size_t n;
    char *xml = lk_test_read_file(lk_corpus_path(rel), &n);
    int rc;
    if (xml == NULL) {
        return -9999;
    }
    rc = sso_resp_validate(xml, n, &fx.cfg, &fx.params, &fx.res, &fx.err);
    free(xml);
    return rc;
}

TEST_CASE(okta_response_accepted)
{
    struct sso_alloc_stats st;
    int g;
    TEST_OK(setup_dex());
    TEST_OK(validate(DEX_FILE));
    TEST_EQ(fx.err.code, SSO_OK);
    TEST_STR_EQ(fx.res.name_id, DEX_NAMEID);
    TEST_STR_EQ(fx.res.issuer, DEX_ISSUER);
    TEST_STR_EQ(fx.res.in_response_to, DEX_IRT);
    TEST_TRUE(fx.res.response_signed);
    TEST_TRUE(fx.res.assertion_signed);
    TEST_TRUE(!fx.res.encrypted);
    TEST_TRUE(fx.res.not_on_or_after_s > fx.params.now_s);
    g = sso_resp_attr_find(&fx.res, "groups");
    TEST_TRUE(g >= 0);
    TEST_TRUE(fx.res.attrs[g].value_count >= 1);
    /* Everything the validation allocated is back. */
    sso_alloc_stats(&st);
    TEST_EQ(st.cur_blocks, 0);
}

TEST_CASE(replay_refused)
{
    TEST_OK(setup_dex());
    TEST_OK(validate(DEX_FILE));
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_REPLAY);
    TEST_STR_EQ(sso_err_code(fx.err.code), "replay");
}

TEST_CASE(wrong_audience)
{
    TEST_OK(setup_dex());
    fx.cfg.sp_entity_id = "https://appliance.example.net/saml/metadata";
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_AUDIENCE);
    /* The value behind the refusal, for the device's page. */
    TEST_STR_EQ(fx.err.got, DEX_ACS);
    TEST_STR_EQ(fx.err.where, "Conditions");
    TEST_EQ(fx.err.bound_s, 0);
}

TEST_CASE(wrong_acs_url)
{
    TEST_OK(setup_dex());
    fx.cfg.acs_url = "https://appliance.example.net/saml/acs";
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_DESTINATION);
    TEST_STR_EQ(fx.err.got, DEX_ACS);
    TEST_STR_EQ(fx.err.where, "Response");
}

TEST_CASE(wrong_issuer)
{
    TEST_OK(setup_dex());
    fx.cfg.idp_entity_id = "http://www.okta.com/exkSOMEONEELSE";
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_ISSUER);
    TEST_STR_EQ(fx.err.got, DEX_ISSUER);
    TEST_STR_EQ(fx.err.where, "Response");
}

TEST_CASE(expired_at_not_on_or_after)
{
    TEST_OK(setup_dex());
    TEST_OK(sso_time_parse("2017-04-04T04:39:59.330Z", 24, &fx.params.now_s));
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_EXPIRED);
    /* The bound that passed: both NotOnOrAfter values are 04:39:59 (fractions dropped). */
    TEST_EQ(fx.err.bound_s, fx.params.now_s);
    TEST_TRUE(fx.err.where != NULL);
    TEST_STR_EQ(fx.err.got, "");
    /* One second earlier is still inside the window. */
    fx.params.now_s -= 1;
    TEST_OK(validate(DEX_FILE));
}

TEST_CASE(skew_allows_slightly_late)
{
    TEST_OK(setup_dex());
    TEST_OK(sso_time_parse("2017-04-04T04:40:30Z", 20, &fx.params.now_s));
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_EXPIRED);
    fx.cfg.skew_s = 180;
    TEST_OK(validate(DEX_FILE));
}

TEST_CASE(not_yet_valid)
{
    TEST_OK(setup_dex());
    TEST_OK(sso_time_parse("2017-04-04T04:19:59Z", 20, &fx.params.now_s));
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_NOT_YET_VALID);
    TEST_EQ(fx.err.bound_s, fx.params.now_s + 600); /* NotBefore 04:29:59 */
    TEST_STR_EQ(fx.err.where, "Conditions");
}

TEST_CASE(in_response_to_mismatch)
{
    TEST_OK(setup_dex());
    fx.irt[0] = "_not-the-request-we-sent";
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_IN_RESPONSE_TO);
    TEST_STR_EQ(fx.err.got, DEX_IRT);
    /* No outstanding request at all: a solicited response is still refused. */
    fx.params.outstanding_count = 0;
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_IN_RESPONSE_TO);
}

TEST_CASE(time_unknown_refused)
{
    TEST_OK(setup_dex());
    fx.params.time_known = false;
    TEST_EQ(validate(DEX_FILE), SSO_E_RESP_TIME_UNKNOWN);
}

TEST_CASE(no_trusted_cert)
{
    TEST_OK(setup_dex());
    fx.cfg.trust.count = 0;
    TEST_EQ(validate(DEX_FILE), SSO_E_DSIG_NO_KEY);
}

TEST_CASE(other_cert_refused)
{
    static uint8_t other[2048]; /* static: the target stack is small */
    size_t other_len;
    TEST_OK(setup_dex());
    TEST_OK(load_pem(ENC_CERT, "CERTIFICATE", other, sizeof(other), &other_len));
    fx.cfg.trust.cert_der[0] = other;
    fx.cfg.trust.cert_len[0] = other_len;
    TEST_EQ(validate(DEX_FILE), SSO_E_DSIG_BAD);
    TEST_STR_EQ(fx.err.where, "Response"); /* the Response signature is checked first */
    /* Rollover: the right cert second in the list still verifies. */
    fx.cfg.trust.cert_der[1] = fx.cert;
    fx.cfg.trust.cert_len[1] = fx.cert_len;
    fx.cfg.trust.count = 2;
    TEST_OK(validate(DEX_FILE));
}

TEST_CASE(tampered_nameid_refused)
{
    size_t n;
    char *xml = lk_test_read_file(lk_corpus_path(DEX_FILE), &n);
    char *at;
    TEST_TRUE(xml != NULL);
    TEST_OK(setup_dex());
    at = strstr(xml, "eric.chiang+okta@");
    TEST_TRUE(at != NULL);
    at[0] = 'E';
    TEST_EQ(sso_resp_validate(xml, n, &fx.cfg, &fx.params, &fx.res, &fx.err), SSO_E_DSIG_DIGEST);
    TEST_EQ(fx.res.name_id[0], '\0');
    free(xml);
}

TEST_CASE(status_not_success)
{
    static const char success[] = "status:Success\"/>";
    static const char denied[] = "status:Responder\"><saml2p:StatusCode "
                                 "Value=\"urn:oasis:names:tc:SAML:2.0:status:AuthnFailed\"/>"
                                 "</saml2p:StatusCode>";
    size_t n, head;
    char *xml = lk_test_read_file(lk_corpus_path(DEX_FILE), &n);
    char *out, *at;
    TEST_TRUE(xml != NULL);
    TEST_OK(setup_dex());
    /* Success -> Responder with a second-level AuthnFailed, as an IdP that refused the
     * user answers (the Status is outside the signatures: it fails before them). */
    at = strstr(xml, success);
    TEST_TRUE(at != NULL);
    out = malloc(n + sizeof(denied));
    TEST_TRUE(out != NULL);
    head = (size_t)(at - xml);
    memcpy(out, xml, head);
    memcpy(out + head, denied, sizeof(denied) - 1);
    memcpy(out + head + sizeof(denied) - 1, at + sizeof(success) - 1,
           n - head - (sizeof(success) - 1));
    n = n - (sizeof(success) - 1) + sizeof(denied) - 1;
    TEST_EQ(sso_resp_validate(out, n, &fx.cfg, &fx.params, &fx.res, &fx.err), SSO_E_RESP_STATUS);
    TEST_STR_EQ(fx.err.got, "Responder/AuthnFailed");
    free(out);
    free(xml);
}

TEST_CASE(replay_cache_full_fails_closed)
{
    static struct sso_replay c;
    sso_replay_init(&c);
    for (int i = 0; i < SSO_CFG_REPLAY_MAX; i++) {
        char id[16];
        snprintf(id, sizeof(id), "id%d", i);
        TEST_OK(sso_replay_add(&c, "idp", id, 1000, 10));
    }
    TEST_EQ(sso_replay_add(&c, "idp", "one-more", 1000, 10), SSO_E_RESP_REPLAY_FULL);
    TEST_TRUE(sso_replay_seen(&c, "idp", "id7", 999));
    TEST_TRUE(!sso_replay_seen(&c, "other-idp", "id7", 999));
    /* Once entries expire, their slots are reused. */
    TEST_OK(sso_replay_add(&c, "idp", "one-more", 2000, 1000));
    TEST_TRUE(sso_replay_seen(&c, "idp", "one-more", 1500));
    TEST_TRUE(!sso_replay_seen(&c, "idp", "one-more", 2000));
}

TEST_CASE(encrypted_okta_accepted)
{
    TEST_OK(setup_dex());
    TEST_OK(load_pem(ENC_CERT, "CERTIFICATE", fx.cert, sizeof(fx.cert), &fx.cert_len));
    fx.cfg.trust.cert_len[0] = fx.cert_len;
    TEST_OK(load_pem(ENC_KEY, NULL, fx.key, sizeof(fx.key), &fx.key_len));
    fx.cfg.sp_entity_id = "http://localhost:8000/saml/metadata";
    fx.cfg.acs_url = "http://localhost:8000/saml/acs";
    fx.cfg.idp_entity_id = ENC_ISSUER;
    fx.irt[0] = "id-953d4cab69ff475c5901d12e585b0bb15a7b85fe";
    TEST_OK(sso_time_parse("2020-03-03T19:40:54Z", 20, &fx.params.now_s));
    /* Without the SP key the assertion cannot be read. */
    TEST_EQ(validate(ENC_FILE), SSO_E_ENC_NO_KEY);
    fx.cfg.sp_key_der = fx.key;
    fx.cfg.sp_key_len = fx.key_len;
    TEST_OK(validate(ENC_FILE));
    TEST_STR_EQ(fx.res.name_id, "testuser@testrsc.com");
    TEST_TRUE(fx.res.encrypted);
    TEST_TRUE(fx.res.assertion_signed);
    TEST_TRUE(fx.res.response_signed);
}

static const struct lk_test_case cases[] = {
    LK_CASE(okta_response_accepted),
    LK_CASE(replay_refused),
    LK_CASE(wrong_audience),
    LK_CASE(wrong_acs_url),
    LK_CASE(wrong_issuer),
    LK_CASE(expired_at_not_on_or_after),
    LK_CASE(skew_allows_slightly_late),
    LK_CASE(not_yet_valid),
    LK_CASE(in_response_to_mismatch),
    LK_CASE(time_unknown_refused),
    LK_CASE(no_trusted_cert),
    LK_CASE(other_cert_refused),
    LK_CASE(tampered_nameid_refused),
    LK_CASE(status_not_success),
    LK_CASE(replay_cache_full_fails_closed),
    LK_CASE(encrypted_okta_accepted),
};
TEST_MAIN(cases)
