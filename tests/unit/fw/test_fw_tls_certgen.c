/*
 * Device keys and certificates (firmware/net/certgen.c), the DRBG (tls_rng.c) and the
 * server credential checks (fw_tls_server_set_cert), on the host and under QEMU. Outputs
 * are re-parsed by mbedTLS and verified (self-signature, names, key/cert match); admin
 * PEM inputs come from tests/vectors/crypto (made by openssl).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/rsa.h"
#include "mbedtls/x509_crt.h"
#include "net/certgen.h"
#include "net/tls.h"
#include "sso/alloc.h"
#include "tls_fakes.h"

#define NOW 1800000000 /* 2027-01-15T08:00:00Z */
#define IP4(a, b, c, d)                                                                            \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))

/* Large buffers live here, not on the (small) target stack. */
static uint8_t key[FW_TLS_KEY_MAX_DER], crt[FW_TLS_CERT_MAX_DER];
static uint8_t key2[FW_CERTGEN_RSA_KEY_MAX], crt2[FW_CERTGEN_CRT_MAX];
static uint8_t both[2 * FW_CERTGEN_CRT_MAX];
static char pem_key[4096], pem_crt[4096], pem2[8192];
static mbedtls_x509_crt x509;
static mbedtls_pk_context pk;

static void ready(void)
{
    fake_entropy_fail(false);
    fake_utc_set(NOW);
    if (!fw_tls_ready()) {
        (void)fw_tls_init();
    }
}

static struct fw_certgen_out out_of(uint8_t *k, size_t ks, uint8_t *c, size_t cs)
{
    struct fw_certgen_out o;
    memset(&o, 0, sizeof(o));
    o.key = k;
    o.key_size = ks;
    o.crt = c;
    o.crt_size = cs;
    return o;
}

static size_t heap_now(void)
{
    struct sso_alloc_stats st;
    sso_alloc_stats(&st);
    return st.cur_bytes;
}

/* Verify @p der as its own trust anchor for @p name (self-signature, validity at NOW,
 * and that @p name is in its SAN). @return the mbedTLS flags, or 0xFFFFFFFF. */
static uint32_t self_verify(const uint8_t *der, size_t len, const char *name)
{
    uint32_t flags = 0xFFFFFFFFu;
    mbedtls_x509_crt_init(&x509);
    if (mbedtls_x509_crt_parse_der(&x509, der, len) == 0) {
        flags = 0;
        if (mbedtls_x509_crt_verify(&x509, &x509, NULL, name, &flags, NULL, NULL) != 0 &&
            flags == 0) {
            flags = 0xFFFFFFFEu;
        }
    }
    mbedtls_x509_crt_free(&x509);
    return flags;
}

TEST_CASE(init_fails_closed_without_entropy)
{
    struct fw_certgen_params p = {"lk.example", 0, NOW, 0};
    struct fw_certgen_out o = out_of(key, sizeof(key), crt, sizeof(crt));
    unsigned char b[8];
    fake_entropy_fail(true);
    TEST_EQ(fw_tls_init(), FW_TLS_E_RANDOM);
    TEST_TRUE(!fw_tls_ready());
    TEST_TRUE(fw_tls_rng(NULL, b, sizeof(b)) != 0);
    TEST_EQ(fw_certgen_tls(&p, &o), FW_TLS_E_NOT_READY);
    TEST_EQ(fw_tls_server_set_cert(key, 10, crt, 10), FW_TLS_E_NOT_READY);
    fake_entropy_fail(false);
    TEST_EQ(fw_tls_init(), FW_TLS_OK);
    TEST_TRUE(fw_tls_ready());
    TEST_OK(fw_tls_rng(NULL, b, sizeof(b)));
    /* Large requests are split under the DRBG's per-call limit. */
    TEST_OK(fw_tls_rng(NULL, both, sizeof(both)));
    TEST_STR_EQ(fw_tls_err_code(FW_TLS_E_KEY_MISMATCH), "key_mismatch");
    TEST_STR_EQ(fw_tls_err_code(12345), "unknown_error");
}

TEST_CASE(tls_cert_is_p256_self_signed_for_host_and_ip)
{
    struct fw_certgen_params p = {"lk-test.example", IP4(10, 0, 2, 15), NOW, 0};
    struct fw_certgen_out o = out_of(key, sizeof(key), crt, sizeof(crt));
    char cn[80];
    size_t before;
    uint32_t t0;
    ready();
    before = heap_now();
    sso_alloc_reset_peak();
    t0 = test_ms();
    TEST_OK(fw_certgen_tls(&p, &o));
    {
        struct sso_alloc_stats st;
        sso_alloc_stats(&st);
        printf("# certgen tls (P-256): %lu ms, heap peak %lu bytes, key %lu + cert %lu bytes\n",
               (unsigned long)(test_ms() - t0), (unsigned long)(st.peak_bytes - before),
               (unsigned long)o.key_len, (unsigned long)o.crt_len);
    }
    TEST_EQ(heap_now(), before);
    TEST_TRUE(o.key_len > 100 && o.key_len <= FW_CERTGEN_EC_KEY_MAX);
    TEST_TRUE(o.crt_len > 200 && o.crt_len <= FW_CERTGEN_CRT_MAX);

    /* The key parses, is EC P-256, and matches the certificate. */
    mbedtls_pk_init(&pk);
    TEST_OK(mbedtls_pk_parse_key(&pk, key, o.key_len, NULL, 0, fw_tls_rng, NULL));
    TEST_EQ(mbedtls_pk_get_type(&pk), MBEDTLS_PK_ECKEY);
    TEST_EQ(mbedtls_pk_get_bitlen(&pk), 256);
    mbedtls_x509_crt_init(&x509);
    TEST_OK(mbedtls_x509_crt_parse_der(&x509, crt, o.crt_len));
    TEST_OK(mbedtls_pk_check_pair(&x509.pk, &pk, fw_tls_rng, NULL));
    mbedtls_pk_free(&pk);
    /* Subject, serial, extensions. */
    TEST_EQ(x509.version, 3);
    TEST_TRUE(mbedtls_x509_dn_gets(cn, sizeof(cn), &x509.subject) > 0);
    TEST_STR_EQ(cn, "CN=lk-test.example");
    TEST_TRUE(mbedtls_x509_dn_gets(cn, sizeof(cn), &x509.issuer) > 0);
    TEST_STR_EQ(cn, "CN=lk-test.example");
    TEST_EQ(x509.serial.len, 16);
    TEST_EQ(x509.serial.p[0] & 0x80, 0);
    TEST_EQ(mbedtls_x509_crt_get_ca_istrue(&x509), 0);
    TEST_OK(mbedtls_x509_crt_check_extended_key_usage(&x509, MBEDTLS_OID_SERVER_AUTH,
                                                      MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)));
    TEST_OK(mbedtls_x509_crt_check_key_usage(&x509, MBEDTLS_X509_KU_DIGITAL_SIGNATURE));
    TEST_EQ(x509.sig_oid.len, MBEDTLS_OID_SIZE(MBEDTLS_OID_ECDSA_SHA256));
    TEST_MEM_EQ(x509.sig_oid.p, MBEDTLS_OID_ECDSA_SHA256, x509.sig_oid.len);
    /* Ten years from an hour before NOW (2027-01-15 07:00 .. 2037-01-12). */
    TEST_EQ(x509.valid_from.year, 2027);
    TEST_EQ(x509.valid_from.mon, 1);
    TEST_EQ(x509.valid_from.day, 15);
    TEST_EQ(x509.valid_from.hour, 7);
    TEST_EQ(x509.valid_to.year, 2037);
    mbedtls_x509_crt_free(&x509);

    /* Self-signature verifies; the SAN carries the host name and the address, and only
     * those. */
    TEST_EQ(self_verify(crt, o.crt_len, "lk-test.example"), 0);
    TEST_EQ(self_verify(crt, o.crt_len, "10.0.2.15"), 0);
    TEST_EQ(self_verify(crt, o.crt_len, "other.example"), MBEDTLS_X509_BADCERT_CN_MISMATCH);
    TEST_EQ(self_verify(crt, o.crt_len, "10.0.2.16"), MBEDTLS_X509_BADCERT_CN_MISMATCH);
    /* A flipped bit in the signed part breaks the self-signature. */
    crt[o.crt_len / 2] ^= 0x01;
    TEST_TRUE(self_verify(crt, o.crt_len, "lk-test.example") != 0);
    crt[o.crt_len / 2] ^= 0x01;
    /* The server accepts the pair. */
    TEST_OK(fw_tls_server_set_cert(key, o.key_len, crt, o.crt_len));
}

TEST_CASE(tls_certs_differ_and_mismatch_is_detected)
{
    struct fw_certgen_params p = {"lk.example", 0, NOW, 0};
    struct fw_certgen_out a = out_of(key, sizeof(key), crt, sizeof(crt));
    struct fw_certgen_out b = out_of(key2, sizeof(key2), crt2, sizeof(crt2));
    ready();
    TEST_OK(fw_certgen_tls(&p, &a));
    TEST_OK(fw_certgen_tls(&p, &b));
    TEST_TRUE(a.key_len != b.key_len || memcmp(key, key2, a.key_len) != 0);
    TEST_TRUE(memcmp(crt + 15, crt2 + 15, 16) != 0); /* serials (fixed offset) differ */
    TEST_EQ(self_verify(crt2, b.crt_len, "lk.example"), 0);
    /* Key of one, certificate of the other. */
    TEST_EQ(fw_tls_server_set_cert(key, a.key_len, crt2, b.crt_len), FW_TLS_E_KEY_MISMATCH);
    TEST_EQ(fw_tls_server_set_cert(key2, b.key_len, crt, a.crt_len), FW_TLS_E_KEY_MISMATCH);
    TEST_OK(fw_tls_server_set_cert(key2, b.key_len, crt2, b.crt_len));
    /* Certificate plus a chain certificate: accepted (leaf first). */
    memcpy(both, crt, a.crt_len);
    memcpy(both + a.crt_len, crt2, b.crt_len);
    TEST_OK(fw_tls_server_set_cert(key, a.key_len, both, a.crt_len + b.crt_len));
    /* ... but not with its leaf second. */
    TEST_EQ(fw_tls_server_set_cert(key2, b.key_len, both, a.crt_len + b.crt_len),
            FW_TLS_E_KEY_MISMATCH);
    /* Trailing bytes after the certificate, a cut certificate, garbage key. */
    both[a.crt_len] = 0x00;
    TEST_EQ(fw_tls_server_set_cert(key, a.key_len, both, a.crt_len + 1), FW_TLS_E_CERT);
    TEST_EQ(fw_tls_server_set_cert(key, a.key_len, crt, a.crt_len - 1), FW_TLS_E_CERT);
    TEST_EQ(fw_tls_server_set_cert(crt, 50, crt, a.crt_len), FW_TLS_E_KEY);
    TEST_EQ(fw_tls_server_set_cert(key, 0, crt, a.crt_len), FW_TLS_E_INVAL);
    TEST_EQ(fw_tls_server_set_cert(key, a.key_len, crt, FW_TLS_CERT_MAX_DER + 1), FW_TLS_E_INVAL);
}

TEST_CASE(chain_too_long_is_refused)
{
    struct fw_certgen_params p = {"lk.example", 0, NOW, 0};
    struct fw_certgen_out a = out_of(key, sizeof(key), crt, sizeof(crt));
    static uint8_t six[6 * FW_CERTGEN_CRT_MAX];
    size_t i;
    ready();
    TEST_OK(fw_certgen_tls(&p, &a));
    for (i = 0; i < 6; i++) {
        memcpy(six + i * a.crt_len, crt, a.crt_len);
    }
    TEST_EQ(fw_tls_server_set_cert(key, a.key_len, six, 5 * a.crt_len), FW_TLS_OK);
    TEST_EQ(fw_tls_server_set_cert(key, a.key_len, six, 6 * a.crt_len), FW_TLS_E_TOO_MANY);
}

TEST_CASE(sp_cert_is_rsa2048)
{
    struct fw_certgen_params p = {"lk-test.example", 0, NOW, 365};
    struct fw_certgen_out o = out_of(key, sizeof(key), crt, sizeof(crt));
    mbedtls_mpi e;
    size_t before;
    uint32_t t0, ms;
    ready();
    before = heap_now();
    sso_alloc_reset_peak();
    t0 = test_ms();
    TEST_OK(fw_certgen_sp(&p, &o));
    ms = test_ms() - t0;
    {
        struct sso_alloc_stats st;
        sso_alloc_stats(&st);
        printf("# certgen sp (RSA-2048): %lu ms, heap peak %lu bytes, key %lu + cert %lu bytes\n",
               (unsigned long)ms, (unsigned long)(st.peak_bytes - before), (unsigned long)o.key_len,
               (unsigned long)o.crt_len);
    }
    if (test_stack_peak() > 0) {
        printf("# stack high-water mark so far: %lu bytes\n", (unsigned long)test_stack_peak());
    }
    TEST_EQ(heap_now(), before);
    TEST_TRUE(o.key_len <= FW_CERTGEN_RSA_KEY_MAX);
    mbedtls_pk_init(&pk);
    TEST_OK(mbedtls_pk_parse_key(&pk, key, o.key_len, NULL, 0, fw_tls_rng, NULL));
    TEST_EQ(mbedtls_pk_get_type(&pk), MBEDTLS_PK_RSA);
    TEST_EQ(mbedtls_pk_get_bitlen(&pk), 2048);
    mbedtls_mpi_init(&e);
    TEST_OK(mbedtls_rsa_export(mbedtls_pk_rsa(pk), NULL, NULL, NULL, NULL, &e));
    TEST_EQ(mbedtls_mpi_cmp_int(&e, 65537), 0);
    mbedtls_mpi_free(&e);
    TEST_OK(mbedtls_rsa_check_privkey(mbedtls_pk_rsa(pk)));
    mbedtls_x509_crt_init(&x509);
    TEST_OK(mbedtls_x509_crt_parse_der(&x509, crt, o.crt_len));
    TEST_OK(mbedtls_pk_check_pair(&x509.pk, &pk, fw_tls_rng, NULL));
    TEST_OK(mbedtls_x509_crt_check_key_usage(&x509, MBEDTLS_X509_KU_KEY_ENCIPHERMENT));
    TEST_EQ(x509.valid_to.year, 2028);
    mbedtls_x509_crt_free(&x509);
    mbedtls_pk_free(&pk);
    TEST_EQ(self_verify(crt, o.crt_len, "lk-test.example"), 0);
    /* The PKCS#1 key is also what the SAML core's OAEP decryption takes (its unit tests
     * use PKCS#1 and PKCS#8 DER); an RSA server certificate is accepted as well. */
    TEST_OK(fw_tls_server_set_cert(key, o.key_len, crt, o.crt_len));
}

TEST_CASE(unknown_time_uses_fallback_not_before)
{
    struct fw_certgen_params p = {"lk.example", 0, 0, 30};
    struct fw_certgen_out o = out_of(key, sizeof(key), crt, sizeof(crt));
    ready();
    TEST_OK(fw_certgen_tls(&p, &o));
    mbedtls_x509_crt_init(&x509);
    TEST_OK(mbedtls_x509_crt_parse_der(&x509, crt, o.crt_len));
    /* FW_CERTGEN_FALLBACK_NOT_BEFORE_S (2025-01-01) minus the hour of slack. */
    TEST_EQ(x509.valid_from.year, 2024);
    TEST_EQ(x509.valid_from.mon, 12);
    TEST_EQ(x509.valid_from.day, 31);
    TEST_EQ(x509.valid_from.hour, 23);
    TEST_EQ(x509.valid_to.year, 2025);
    TEST_EQ(x509.valid_to.mon, 1);
    TEST_EQ(x509.valid_to.day, 31);
    mbedtls_x509_crt_free(&x509);
}

TEST_CASE(bad_parameters)
{
    static const char *const bad_hosts[] = {"",           "bad host",    "a..b",
                                            "-a.example", "a-.example",  "a.example.",
                                            "x,CN=evil",  "a_b.example", "ä.example"};
    static char longhost[300];
    struct fw_certgen_params p = {"lk.example", 0, NOW, 0};
    struct fw_certgen_out o = out_of(key, sizeof(key), crt, sizeof(crt));
    size_t i, before;
    ready();
    before = heap_now();
    for (i = 0; i < sizeof(bad_hosts) / sizeof(bad_hosts[0]); i++) {
        p.hostname = bad_hosts[i];
        TEST_EQ(fw_certgen_tls(&p, &o), FW_TLS_E_HOSTNAME);
    }
    p.hostname = NULL;
    TEST_EQ(fw_certgen_tls(&p, &o), FW_TLS_E_HOSTNAME);
    memset(longhost, 'a', 63);
    longhost[63] = '.';
    memset(longhost + 64, 'b', 64); /* a 64-character label */
    p.hostname = longhost;
    TEST_EQ(fw_certgen_tls(&p, &o), FW_TLS_E_HOSTNAME);
    p.hostname = "lk.example";
    p.days = 100u * 366u + 1u;
    TEST_EQ(fw_certgen_tls(&p, &o), FW_TLS_E_INVAL);
    p.days = 0;
    TEST_EQ(fw_certgen_tls(NULL, &o), FW_TLS_E_INVAL);
    /* Buffers too small: an error, never a cut DER. */
    o = out_of(key, 40, crt, sizeof(crt));
    TEST_EQ(fw_certgen_tls(&p, &o), FW_TLS_E_NOSPC);
    TEST_EQ(o.key_len, 0);
    o = out_of(key, sizeof(key), crt, 200);
    TEST_EQ(fw_certgen_tls(&p, &o), FW_TLS_E_NOSPC);
    TEST_EQ(o.key_len, 0);
    TEST_EQ(o.crt_len, 0);
    TEST_EQ(key[0], 0); /* the half-made key was wiped */
    TEST_EQ(heap_now(), before);
}

TEST_CASE(out_of_memory_fails_cleanly)
{
    struct fw_certgen_params p = {"lk.example", 0, NOW, 0};
    struct fw_certgen_out o = out_of(key, sizeof(key), crt, sizeof(crt));
    struct sso_alloc_stats st;
    size_t before, peak, limit, ok = 0, nomem = 0;
    ready();
    before = heap_now();
    sso_alloc_reset_peak();
    TEST_OK(fw_certgen_tls(&p, &o));
    sso_alloc_stats(&st);
    peak = st.peak_bytes - before;
    /* Every limit below the peak fails with out_of_memory (or, near the peak, succeeds),
     * and leaks nothing. Limit 0 means "none", so the sweep starts at 1. */
    for (limit = 1; limit < peak + 64; limit += peak / 24 + 1) {
        int rc;
        sso_alloc_set_limit(before + limit);
        rc = fw_certgen_tls(&p, &o);
        sso_alloc_set_limit(0);
        if (!(rc == FW_TLS_OK || rc == FW_TLS_E_NOMEM)) {
            printf("# limit %lu: %d\n", (unsigned long)limit, rc);
        }
        TEST_TRUE(rc == FW_TLS_OK || rc == FW_TLS_E_NOMEM);
        TEST_EQ(heap_now(), before);
        if (rc == FW_TLS_OK) {
            ok++;
        } else {
            nomem++;
        }
    }
    TEST_TRUE(nomem > 10);
    TEST_TRUE(ok >= 1);
}

/* ---- an admin's PEM pair ----------------------------------------------------------- */

static char *vec(const char *name, size_t *len)
{
    char rel[96];
    snprintf(rel, sizeof(rel), "vectors/crypto/%s", name);
    return lk_test_read_file(lk_tests_path(rel), len);
}

TEST_CASE(admin_pem_pairs)
{
    struct fw_certgen_out o = out_of(key, sizeof(key), crt, sizeof(crt));
    size_t kl, cl, dl, kl2, cl2;
    char *k = vec("ec256.p8.pem", &kl), *c = vec("ec256.crt.pem", &cl);
    char *kd = vec("ec256.p8.der", &dl);
    char *k2 = vec("ec256b.p8.pem", &kl2), *c2 = vec("rsa2048.crt.pem", &cl2);
    char *cd;
    size_t cdl;
    ready();
    TEST_TRUE(k != NULL && c != NULL && kd != NULL && k2 != NULL && c2 != NULL);
    /* A matching pair: DER out equals openssl's DER. */
    TEST_OK(fw_certgen_check_pem(k, kl, c, cl, &o));
    TEST_EQ(o.key_len, dl);
    TEST_MEM_EQ(key, kd, dl);
    cd = vec("ec256.crt.der", &cdl);
    TEST_TRUE(cd != NULL);
    TEST_EQ(o.crt_len, cdl);
    TEST_MEM_EQ(crt, cd, cdl);
    TEST_OK(fw_tls_server_set_cert(key, o.key_len, crt, o.crt_len));
    /* Another key for that certificate. */
    TEST_EQ(fw_certgen_check_pem(k2, kl2, c, cl, &o), FW_TLS_E_KEY_MISMATCH);
    TEST_EQ(o.key_len, 0);
    TEST_EQ(o.crt_len, 0);
    /* Leaf and a second certificate (a chain): both converted, in order. */
    memcpy(pem2, c, cl);
    memcpy(pem2 + cl, c2, cl2);
    TEST_OK(fw_certgen_check_pem(k, kl, pem2, cl + cl2, &o));
    TEST_TRUE(o.crt_len > cdl);
    TEST_MEM_EQ(crt, cd, cdl);
    /* The key file where the certificate goes, and the other way round. */
    TEST_EQ(fw_certgen_check_pem(k, kl, k, kl, &o), FW_TLS_E_PEM);
    TEST_EQ(fw_certgen_check_pem(c, cl, c, cl, &o), FW_TLS_E_PEM);
    free(cd);
    free(k);
    free(c);
    free(kd);
    free(k2);
    free(c2);
}

TEST_CASE(admin_pem_key_policy)
{
    struct fw_certgen_out o = out_of(key, sizeof(key), crt, sizeof(crt));
    static const char *const ok[][2] = {{"ec384.p8.pem", "ec384.crt.pem"},
                                        {"rsa2048.p8.pem", "rsa2048.crt.pem"},
                                        {"rsa4096.p8.pem", "rsa4096.crt.pem"}};
    size_t i, kl, cl;
    char *k, *c;
    ready();
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        k = vec(ok[i][0], &kl);
        c = vec(ok[i][1], &cl);
        TEST_TRUE(k != NULL && c != NULL);
        TEST_OK(fw_certgen_check_pem(k, kl, c, cl, &o));
        free(k);
        free(c);
    }
    /* RSA-1024: too weak to serve. */
    k = vec("rsa1024.p8.pem", &kl);
    c = vec("rsa1024.crt.pem", &cl);
    TEST_TRUE(k != NULL && c != NULL);
    TEST_EQ(fw_certgen_check_pem(k, kl, c, cl, &o), FW_TLS_E_KEY_WEAK);
    free(k);
    free(c);
}

TEST_CASE(admin_pem_other_labels_and_bad_input)
{
    struct fw_certgen_params p = {"lk.example", 0, NOW, 0};
    struct fw_certgen_out g = out_of(key2, sizeof(key2), crt2, sizeof(crt2));
    struct fw_certgen_out o = out_of(key, sizeof(key), crt, sizeof(crt));
    long kl, cl;
    static const char enc[] = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                              "MIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
                              "-----END ENCRYPTED PRIVATE KEY-----\n";
    static const char garbage[] = "-----BEGIN PRIVATE KEY-----\nnot base64!\n"
                                  "-----END PRIVATE KEY-----\n";
    ready();
    /* SEC1 "EC PRIVATE KEY", as certgen writes it. */
    TEST_OK(fw_certgen_tls(&p, &g));
    kl = test_pem("EC PRIVATE KEY", key2, g.key_len, pem_key, sizeof(pem_key));
    cl = test_pem("CERTIFICATE", crt2, g.crt_len, pem_crt, sizeof(pem_crt));
    TEST_TRUE(kl > 0 && cl > 0);
    TEST_OK(fw_certgen_check_pem(pem_key, (size_t)kl, pem_crt, (size_t)cl, &o));
    TEST_EQ(o.key_len, g.key_len);
    TEST_MEM_EQ(key, key2, g.key_len);
    /* Text around the blocks is ignored. */
    memcpy(pem2, "Bag Attributes\n", 15);
    memcpy(pem2 + 15, pem_crt, (size_t)cl);
    TEST_OK(fw_certgen_check_pem(pem_key, (size_t)kl, pem2, 15 + (size_t)cl, &o));
    /* Encrypted, garbage, empty, wrong label. */
    TEST_EQ(fw_certgen_check_pem(enc, sizeof(enc) - 1, pem_crt, (size_t)cl, &o), FW_TLS_E_PEM);
    TEST_EQ(fw_certgen_check_pem(garbage, sizeof(garbage) - 1, pem_crt, (size_t)cl, &o),
            FW_TLS_E_PEM);
    TEST_EQ(fw_certgen_check_pem("", 0, pem_crt, (size_t)cl, &o), FW_TLS_E_PEM);
    TEST_EQ(fw_certgen_check_pem(pem_key, (size_t)kl, "", 0, &o), FW_TLS_E_PEM);
    TEST_EQ(fw_certgen_check_pem(NULL, 0, pem_crt, (size_t)cl, &o), FW_TLS_E_INVAL);
    /* A corrupted certificate body (valid base64, broken DER). */
    memcpy(pem2, pem_crt, (size_t)cl);
    pem2[40] = pem2[40] == 'A' ? 'B' : 'A';
    TEST_TRUE(fw_certgen_check_pem(pem_key, (size_t)kl, pem2, (size_t)cl, &o) != FW_TLS_OK);
    /* Output buffer too small for the certificate. */
    o = out_of(key, sizeof(key), crt, 100);
    TEST_EQ(fw_certgen_check_pem(pem_key, (size_t)kl, pem_crt, (size_t)cl, &o), FW_TLS_E_NOSPC);
    TEST_EQ(key[0], 0); /* wiped */
}

static const struct lk_test_case cases[] = {
    LK_CASE(init_fails_closed_without_entropy),
    LK_CASE(tls_cert_is_p256_self_signed_for_host_and_ip),
    LK_CASE(tls_certs_differ_and_mismatch_is_detected),
    LK_CASE(chain_too_long_is_refused),
    LK_CASE(sp_cert_is_rsa2048),
    LK_CASE(unknown_time_uses_fallback_not_before),
    LK_CASE(bad_parameters),
    LK_CASE(out_of_memory_fails_cleanly),
    LK_CASE(admin_pem_pairs),
    LK_CASE(admin_pem_key_policy),
    LK_CASE(admin_pem_other_labels_and_bad_input),
};

TEST_MAIN(cases)
