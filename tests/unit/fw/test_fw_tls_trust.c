/*
 * The trust store (firmware/trust/): the generated built-in roots are exactly the pinned
 * ones, the mbedTLS CA callback hands out only the roots that issued a certificate, full
 * chain verification through it (trusted, untrusted, name, expiry), and the checks on an
 * admin CA. Host and QEMU.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mbedtls/sha256.h"
#include "mbedtls/x509_crt.h"
#include "net/tls.h"
#include "net/tls_priv.h"
#include "sso/alloc.h"
#include "tls_fakes.h"
#include "trust/trust.h"

#define NOW    1800000000 /* 2027-01-15 */
#define DAY    86400
#define N_ROOT 21

static mbedtls_x509_crt x509;
static struct test_cert ca, ca2, leaf, old_leaf;
static char pem[8192];
static uint8_t der[FW_TRUST_CA_MAX_DER];

static void ready(void)
{
    fake_entropy_fail(false);
    fake_utc_set(NOW);
    if (!fw_tls_ready()) {
        (void)fw_tls_init();
    }
}

static size_t heap_now(void)
{
    struct sso_alloc_stats st;
    sso_alloc_stats(&st);
    return st.cur_bytes;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

TEST_CASE(builtin_roots_are_the_pinned_list)
{
    size_t i, j, total = 0, len, n = 0;
    char *list = lk_test_read_file(lk_tests_path("../firmware/trust/roots.txt"), &len);
    char *line, *next;
    ready();
    TEST_TRUE(list != NULL);
    TEST_EQ(fw_trust_roots_count, N_ROOT);
    /* Every entry of roots.txt is in the table, in order, with its pin. */
    for (line = list; *line != '\0'; line = next) {
        char name[96];
        const char *sp;
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        } else {
            next = line + strlen(line);
        }
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        sp = strchr(line, ' ');
        TEST_TRUE(sp != NULL && (size_t)(sp - line) < sizeof(name) && strlen(sp + 1) >= 64);
        memcpy(name, line, (size_t)(sp - line));
        name[sp - line] = '\0';
        TEST_TRUE(n < fw_trust_roots_count);
        TEST_STR_EQ(fw_trust_roots[n].name, name);
        for (j = 0; j < 32; j++) {
            int hi = hexval(sp[1 + 2 * j]), lo = hexval(sp[2 + 2 * j]);
            TEST_TRUE(hi >= 0 && lo >= 0);
            TEST_EQ(fw_trust_roots[n].sha256[j], hi * 16 + lo);
        }
        n++;
    }
    free(list);
    TEST_EQ(n, fw_trust_roots_count);

    for (i = 0; i < fw_trust_roots_count; i++) {
        const struct fw_trust_root *r = &fw_trust_roots[i];
        uint8_t h[32];
        const uint8_t *subj;
        size_t subj_len;
        total += r->len;
        /* The DER is what was pinned. */
        TEST_OK(mbedtls_sha256(r->der, r->len, h, 0));
        TEST_MEM_EQ(h, r->sha256, 32);
        /* A self-issued CA with a key the firmware accepts, valid now. */
        mbedtls_x509_crt_init(&x509);
        TEST_OK(mbedtls_x509_crt_parse_der(&x509, r->der, r->len));
        TEST_EQ(mbedtls_x509_crt_get_ca_istrue(&x509), 1);
        TEST_EQ(x509.subject_raw.len, x509.issuer_raw.len);
        TEST_MEM_EQ(x509.subject_raw.p, x509.issuer_raw.p, x509.subject_raw.len);
        TEST_OK(fw_tls_check_key(&x509.pk));
        TEST_TRUE(!mbedtls_x509_time_is_past(&x509.valid_to));
        /* The cheap subject finder agrees with mbedTLS's parser. */
        TEST_TRUE(fw_trust_der_subject(r->der, r->len, &subj, &subj_len));
        TEST_EQ(subj_len, x509.subject_raw.len);
        TEST_MEM_EQ(subj, x509.subject_raw.p, subj_len);
        mbedtls_x509_crt_free(&x509);
        for (j = 0; j < i; j++) {
            TEST_TRUE(strcmp(fw_trust_roots[j].name, r->name) != 0);
        }
    }
    TEST_EQ(total, fw_trust_roots_der_bytes);
    printf("# built-in roots: %lu, %lu bytes of DER\n", (unsigned long)fw_trust_roots_count,
           (unsigned long)total);
}

/* Candidates the callback offers for @p child. */
static size_t candidates(const struct fw_trust *t, const mbedtls_x509_crt *child,
                         const uint8_t **first)
{
    mbedtls_x509_crt *list = NULL, *c;
    size_t n = 0;
    *first = NULL;
    if (fw_trust_ca_cb((void *)t, child, &list) != 0) {
        return 999;
    }
    for (c = list; c != NULL && c->raw.p != NULL; c = c->next) {
        if (n == 0) {
            *first = c->raw.p;
        }
        n++;
    }
    if (list != NULL) {
        mbedtls_x509_crt_free(list);
        sso_free(list);
    }
    return n;
}

TEST_CASE(ca_callback_offers_only_the_issuer)
{
    struct fw_trust t, none;
    struct fw_trust_der admin[1];
    const uint8_t *first;
    size_t i, before;
    ready();
    TEST_OK(test_make_ca(&ca, "Latchkey Test CA", NOW - DAY, NOW + 3650 * DAY));
    TEST_OK(test_make_leaf(&leaf, &ca, "idp.test", "idp.test", 0, NOW - DAY, NOW + 30 * DAY));
    before = heap_now();
    TEST_OK(fw_trust_init(&t, true, NULL, 0));
    TEST_OK(fw_trust_init(&none, false, NULL, 0));
    /* Each root, as a child, is its own issuer: exactly that root comes back (without
     * copying: the candidate is the flash table itself). */
    for (i = 0; i < fw_trust_roots_count; i++) {
        mbedtls_x509_crt_init(&x509);
        TEST_OK(mbedtls_x509_crt_parse_der(&x509, fw_trust_roots[i].der, fw_trust_roots[i].len));
        TEST_EQ(candidates(&t, &x509, &first), 1);
        TEST_TRUE(first == fw_trust_roots[i].der);
        TEST_EQ(candidates(&none, &x509, &first), 0);
        mbedtls_x509_crt_free(&x509);
    }
    /* A certificate from a CA that is not in the set: nothing. Then the admin adds it. */
    mbedtls_x509_crt_init(&x509);
    TEST_OK(mbedtls_x509_crt_parse_der(&x509, leaf.crt, leaf.crt_len));
    TEST_EQ(candidates(&t, &x509, &first), 0);
    admin[0].der = ca.crt;
    admin[0].len = ca.crt_len;
    TEST_OK(fw_trust_init(&t, true, admin, 1));
    TEST_EQ(candidates(&t, &x509, &first), 1);
    TEST_TRUE(first == ca.crt);
    TEST_OK(fw_trust_init(&t, false, admin, 1));
    TEST_EQ(candidates(&t, &x509, &first), 1);
    mbedtls_x509_crt_free(&x509);
    TEST_EQ(heap_now(), before);
    /* Malformed admin lists. */
    admin[0].len = ca.crt_len - 1;
    TEST_EQ(fw_trust_init(&t, true, admin, 1), FW_TLS_E_CERT);
    admin[0].len = ca.crt_len;
    TEST_EQ(fw_trust_init(&t, true, admin, FW_TRUST_ADMIN_MAX + 1), FW_TLS_E_TOO_MANY);
    TEST_EQ(fw_trust_init(&t, true, NULL, 1), FW_TLS_E_INVAL);
    TEST_EQ(fw_trust_init(NULL, true, NULL, 0), FW_TLS_E_INVAL);
}

static uint32_t verify(const struct fw_trust *t, const struct test_cert *c, const char *name)
{
    uint32_t flags = 0;
    int rc;
    mbedtls_x509_crt_init(&x509);
    if (mbedtls_x509_crt_parse_der(&x509, c->crt, c->crt_len) != 0) {
        return 0xFFFFFFFFu;
    }
    rc = mbedtls_x509_crt_verify_with_ca_cb(&x509, fw_trust_ca_cb, (void *)t,
                                            &mbedtls_x509_crt_profile_default, name, &flags, NULL,
                                            NULL);
    mbedtls_x509_crt_free(&x509);
    if (rc != 0 && flags == 0) {
        return 0xFFFFFFFEu;
    }
    return flags;
}

TEST_CASE(chain_verification_through_the_callback)
{
    struct fw_trust t, builtins;
    struct fw_trust_der admin[2];
    size_t before;
    ready();
    TEST_OK(test_make_ca(&ca, "Latchkey Test CA", NOW - DAY, NOW + 3650 * DAY));
    TEST_OK(test_make_ca(&ca2, "Another CA", NOW - DAY, NOW + 3650 * DAY));
    TEST_OK(
        test_make_leaf(&leaf, &ca, "idp.test", "idp.test", 0x0202000Au, NOW - DAY, NOW + 30 * DAY));
    TEST_OK(
        test_make_leaf(&old_leaf, &ca, "idp.test", "idp.test", 0, NOW - 60 * DAY, NOW - 30 * DAY));
    before = heap_now();
    admin[0].der = ca2.crt;
    admin[0].len = ca2.crt_len;
    admin[1].der = ca.crt;
    admin[1].len = ca.crt_len;
    TEST_OK(fw_trust_init(&t, true, admin, 2));
    TEST_OK(fw_trust_init(&builtins, true, NULL, 0));
    TEST_EQ(verify(&t, &leaf, "idp.test"), 0);
    TEST_EQ(verify(&t, &leaf, "10.0.2.2"), 0); /* IP SAN */
    TEST_EQ(verify(&t, &leaf, "IDP.TEST"), 0); /* DNS names compare without case */
    TEST_EQ(verify(&t, &leaf, "evil.test"), MBEDTLS_X509_BADCERT_CN_MISMATCH);
    TEST_EQ(verify(&t, &leaf, "10.0.2.3"), MBEDTLS_X509_BADCERT_CN_MISMATCH);
    TEST_EQ(verify(&builtins, &leaf, "idp.test"), MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    TEST_EQ(verify(&t, &old_leaf, "idp.test"), MBEDTLS_X509_BADCERT_EXPIRED);
    /* Time moves past the leaf's end: the same chain is now expired. */
    fake_utc_set(NOW + 31 * DAY);
    TEST_EQ(verify(&t, &leaf, "idp.test"), MBEDTLS_X509_BADCERT_EXPIRED);
    fake_utc_set(NOW - 2 * DAY);
    TEST_EQ(verify(&t, &leaf, "idp.test") & MBEDTLS_X509_BADCERT_FUTURE,
            MBEDTLS_X509_BADCERT_FUTURE);
    fake_utc_set(NOW);
    TEST_EQ(heap_now(), before);
}

TEST_CASE(subject_finder_rejects_malformed_der)
{
    const uint8_t *s;
    size_t sl, i;
    static const uint8_t junk[] = {0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30, 0x03};
    ready();
    TEST_OK(test_make_ca(&ca, "Latchkey Test CA", NOW - DAY, NOW + DAY));
    TEST_TRUE(fw_trust_der_subject(ca.crt, ca.crt_len, &s, &sl));
    /* Every truncation fails (or still finds the subject wholly inside what is left). */
    for (i = 0; i < ca.crt_len; i++) {
        if (fw_trust_der_subject(ca.crt, i, &s, &sl)) {
            TEST_TRUE(s + sl <= ca.crt + i);
        }
    }
    TEST_TRUE(!fw_trust_der_subject(junk, sizeof(junk), &s, &sl));
    TEST_TRUE(!fw_trust_der_subject(NULL, 10, &s, &sl));
}

static char *vec(const char *name, size_t *len)
{
    char rel[96];
    snprintf(rel, sizeof(rel), "vectors/crypto/%s", name);
    return lk_test_read_file(lk_tests_path(rel), len);
}

TEST_CASE(admin_ca_checks)
{
    struct fw_trust_ca_info info;
    size_t pl, dl, dl2, n, before;
    char *p = vec("ec256.crt.pem", &pl), *d = vec("ec256.crt.der", &dl);
    char *weak;
    long ll;
    static const uint8_t sha[32] = {0x34, 0xe3, 0x70, 0x0b, 0x86, 0x68, 0x40, 0xbd,
                                    0x7f, 0xda, 0x29, 0xf0, 0xb6, 0x40, 0x0b, 0xcc,
                                    0xf8, 0xa6, 0xc3, 0x8c, 0xb0, 0x76, 0x3b, 0x66,
                                    0xae, 0x8f, 0xbb, 0xd3, 0x6f, 0x18, 0xc0, 0x75};
    ready();
    TEST_TRUE(p != NULL && d != NULL);
    before = heap_now();
    /* openssl's self-signed CA (cA:TRUE), valid 1795807223..2111167223 (certs.txt). */
    TEST_OK(fw_trust_check_ca(p, pl, NOW, der, sizeof(der), &n, &info));
    TEST_EQ(n, dl);
    TEST_MEM_EQ(der, d, dl);
    TEST_MEM_EQ(info.sha256, sha, 32);
    TEST_STR_EQ(info.subject, "C=CH, O=Latchkey Test, CN=ec256.test");
    TEST_EQ(info.not_before_s, 1795807223);
    TEST_EQ(info.not_after_s, 2111167223);
    TEST_EQ(info.key_bits, 256);
    TEST_TRUE(info.key_is_ec);
    TEST_OK(fw_trust_check_ca(p, pl, -1, der, sizeof(der), &n, &info)); /* time unknown */
    TEST_EQ(fw_trust_check_ca(p, pl, 1795807223 - 1, der, sizeof(der), &n, &info),
            FW_TLS_E_NOT_YET_VALID);
    TEST_EQ(n, 0);
    TEST_EQ(fw_trust_check_ca(p, pl, 2111167223 + 1, der, sizeof(der), &n, &info),
            FW_TLS_E_EXPIRED);
    TEST_STR_EQ(info.subject, "C=CH, O=Latchkey Test, CN=ec256.test"); /* still reported */
    TEST_EQ(fw_trust_check_ca(p, pl, NOW, der, dl - 1, &n, &info), FW_TLS_E_NOSPC);
    /* Two certificates in one upload. */
    memcpy(pem, p, pl);
    memcpy(pem + pl, p, pl);
    TEST_EQ(fw_trust_check_ca(pem, 2 * pl, NOW, der, sizeof(der), &n, &info), FW_TLS_E_TOO_MANY);
    /* Not PEM, empty, a key instead of a certificate. */
    TEST_EQ(fw_trust_check_ca("hello", 5, NOW, der, sizeof(der), &n, &info), FW_TLS_E_PEM);
    TEST_EQ(fw_trust_check_ca("", 0, NOW, der, sizeof(der), &n, &info), FW_TLS_E_PEM);
    memcpy(pem, p, pl);
    pem[40] = pem[40] == 'A' ? 'B' : 'A'; /* base64 still, DER broken */
    TEST_TRUE(fw_trust_check_ca(pem, pl, NOW, der, sizeof(der), &n, &info) != FW_TLS_OK);
    free(p);
    free(d);
    /* An RSA-1024 CA. */
    weak = vec("rsa1024.crt.pem", &pl);
    TEST_TRUE(weak != NULL);
    TEST_EQ(fw_trust_check_ca(weak, pl, NOW, der, sizeof(der), &n, &info), FW_TLS_E_KEY_WEAK);
    free(weak);
    /* A server certificate (cA:FALSE) is not a trust anchor. */
    TEST_OK(test_make_ca(&ca, "Latchkey Test CA", NOW - DAY, NOW + 3650 * DAY));
    TEST_OK(test_make_leaf(&leaf, &ca, "idp.test", "idp.test", 0, NOW - DAY, NOW + 30 * DAY));
    ll = test_pem("CERTIFICATE", leaf.crt, leaf.crt_len, pem, sizeof(pem));
    TEST_TRUE(ll > 0);
    TEST_EQ(fw_trust_check_ca(pem, (size_t)ll, NOW, der, sizeof(der), &n, &info), FW_TLS_E_NOT_CA);
    /* ... and the test CA is accepted, with its DER round-tripped exactly. */
    ll = test_pem("CERTIFICATE", ca.crt, ca.crt_len, pem, sizeof(pem));
    TEST_OK(fw_trust_check_ca(pem, (size_t)ll, NOW, der, sizeof(der), &dl2, &info));
    TEST_EQ(dl2, ca.crt_len);
    TEST_MEM_EQ(der, ca.crt, dl2);
    TEST_STR_EQ(info.subject, "CN=Latchkey Test CA");
    TEST_EQ(fw_trust_check_ca(NULL, 0, NOW, der, sizeof(der), &n, &info), FW_TLS_E_INVAL);
    TEST_EQ(heap_now(), before);
}

static const struct lk_test_case cases[] = {
    LK_CASE(builtin_roots_are_the_pinned_list),
    LK_CASE(ca_callback_offers_only_the_issuer),
    LK_CASE(chain_verification_through_the_callback),
    LK_CASE(subject_finder_rejects_malformed_der),
    LK_CASE(admin_ca_checks),
};

TEST_MAIN(cases)
