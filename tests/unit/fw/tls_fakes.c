/* Test support for the TLS tests: see tls_fakes.h. */
#if defined(LK_TEST_HOST) && LK_TEST_HOST
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include "tls_fakes.h"

#include <stdio.h>
#include <string.h>

#include "hal/hal_clock.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "mbedtls/ecp.h"
#include "mbedtls/oid.h"
#include "mbedtls/pem.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"
#include "net/tls.h"
#include "sso/alloc.h"

#if LK_TEST_HOST
#include <time.h>
#endif

/* ---- entropy: a deterministic xorshift stream (tests need repeatable, not secret) ---- */

static bool entropy_fails;
static uint64_t xs = 0x9E3779B97F4A7C15ull;

void fake_entropy_fail(bool fail)
{
    entropy_fails = fail;
}

int hal_entropy_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    if (entropy_fails) {
        return HAL_EIO;
    }
    while (len-- > 0) {
        xs ^= xs << 13;
        xs ^= xs >> 7;
        xs ^= xs << 17;
        *p++ = (uint8_t)(xs >> 32);
    }
    return HAL_OK;
}

/* ---- clock ------------------------------------------------------------------------- */

#if LK_TEST_HOST
static int64_t utc = 1800000000; /* 2027-01-15 */
static bool utc_known = true;

int hal_clock_utc(int64_t *unix_s)
{
    if (!utc_known) {
        return HAL_ENODATA;
    }
    *unix_s = utc;
    return HAL_OK;
}

void fake_utc_set(int64_t t)
{
    utc = t;
    utc_known = true;
}

void fake_utc_unknown(void)
{
    utc_known = false;
}

size_t test_stack_peak(void)
{
    return 0;
}

uint32_t test_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}
#else
/* The board's timers (boards/qemu-mps2-an385/src/clock.c); unit tests do not run
 * hal_board_init(), so the clock is started here, once. */
void board_clock_init(void);
size_t board_stack_peak(void);
static bool clock_started;

size_t test_stack_peak(void)
{
    return board_stack_peak();
}

static void start_clock(void)
{
    if (!clock_started) {
        clock_started = true;
        board_clock_init();
    }
}

void fake_utc_set(int64_t t)
{
    start_clock();
    (void)hal_clock_set_utc(t);
}

void fake_utc_unknown(void)
{
}

uint32_t test_ms(void)
{
    start_clock();
    return hal_clock_ms();
}
#endif

/* ---- test PKI ---------------------------------------------------------------------- */

void test_x509_time(int64_t t, char out[15])
{
    int64_t days = t / 86400, secs = t % 86400, z, era, doe, yoe, y, doy, mp, d, m;
    if (secs < 0) {
        secs += 86400;
        days -= 1;
    }
    z = days + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, 15, "%04d%02d%02d%02d%02d%02d", (int)y, (int)m, (int)d, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60));
}

static int finish_der(int rc, uint8_t *buf, size_t size, size_t *len)
{
    if (rc <= 0) {
        return -1;
    }
    memmove(buf, buf + size - (size_t)rc, (size_t)rc);
    *len = (size_t)rc;
    return 0;
}

static int new_key(mbedtls_pk_context *pk, struct test_cert *c)
{
    mbedtls_pk_init(pk);
    if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0 ||
        mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk), fw_tls_rng, NULL) != 0) {
        return -1;
    }
    return finish_der(mbedtls_pk_write_key_der(pk, c->key, sizeof(c->key)), c->key, sizeof(c->key),
                      &c->key_len);
}

static int write(struct test_cert *c, mbedtls_pk_context *subject_key,
                 mbedtls_pk_context *issuer_key, const char *issuer_cn, bool ca, const char *dns,
                 uint32_t ipv4, int64_t nb, int64_t na)
{
    static mbedtls_x509write_cert w; /* static: keep it off the small target stack */
    mbedtls_x509_san_list san[2];
    mbedtls_asn1_sequence eku;
    unsigned char serial[8], ip[4];
    char subj[80], iss[80], tb[15], ta[15];
    int rc = -1;

    mbedtls_x509write_crt_init(&w);
    if (fw_tls_rng(NULL, serial, sizeof(serial)) != 0) {
        goto out;
    }
    serial[0] = (unsigned char)((serial[0] & 0x7F) | 0x01);
    snprintf(subj, sizeof(subj), "CN=%s", c->cn);
    snprintf(iss, sizeof(iss), "CN=%s", issuer_cn);
    test_x509_time(nb, tb);
    test_x509_time(na, ta);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, subject_key);
    mbedtls_x509write_crt_set_issuer_key(&w, issuer_key);
    if (mbedtls_x509write_crt_set_serial_raw(&w, serial, sizeof(serial)) != 0 ||
        mbedtls_x509write_crt_set_subject_name(&w, subj) != 0 ||
        mbedtls_x509write_crt_set_issuer_name(&w, iss) != 0 ||
        mbedtls_x509write_crt_set_validity(&w, tb, ta) != 0 ||
        mbedtls_x509write_crt_set_basic_constraints(&w, ca ? 1 : 0, -1) != 0) {
        goto out;
    }
    if (ca) {
        if (mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_KEY_CERT_SIGN |
                                                        MBEDTLS_X509_KU_CRL_SIGN) != 0) {
            goto out;
        }
    } else {
        memset(san, 0, sizeof(san));
        memset(&eku, 0, sizeof(eku));
        eku.buf.tag = MBEDTLS_ASN1_OID;
        eku.buf.p = (unsigned char *)(uintptr_t)MBEDTLS_OID_SERVER_AUTH;
        eku.buf.len = MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH);
        if (mbedtls_x509write_crt_set_ext_key_usage(&w, &eku) != 0) {
            goto out;
        }
        if (dns != NULL || ipv4 != 0) {
            mbedtls_x509_san_list *last = NULL;
            if (dns != NULL) {
                san[0].node.type = MBEDTLS_X509_SAN_DNS_NAME;
                san[0].node.san.unstructured_name.p = (unsigned char *)(uintptr_t)dns;
                san[0].node.san.unstructured_name.len = strlen(dns);
                last = &san[0];
            }
            if (ipv4 != 0) {
                memcpy(ip, &ipv4, 4);
                san[1].node.type = MBEDTLS_X509_SAN_IP_ADDRESS;
                san[1].node.san.unstructured_name.p = ip;
                san[1].node.san.unstructured_name.len = 4;
                if (last != NULL) {
                    last->next = &san[1];
                } else {
                    last = &san[1];
                }
            }
            if (mbedtls_x509write_crt_set_subject_alternative_name(
                    &w, dns != NULL ? &san[0] : &san[1]) != 0) {
                goto out;
            }
        }
    }
    rc = finish_der(mbedtls_x509write_crt_der(&w, c->crt, sizeof(c->crt), fw_tls_rng, NULL), c->crt,
                    sizeof(c->crt), &c->crt_len);
out:
    mbedtls_x509write_crt_free(&w);
    return rc;
}

int test_make_ca(struct test_cert *ca, const char *cn, int64_t nb, int64_t na)
{
    mbedtls_pk_context pk;
    int rc;
    snprintf(ca->cn, sizeof(ca->cn), "%s", cn);
    rc = new_key(&pk, ca);
    if (rc == 0) {
        rc = write(ca, &pk, &pk, cn, true, NULL, 0, nb, na);
    }
    mbedtls_pk_free(&pk);
    return rc;
}

int test_make_leaf(struct test_cert *leaf, const struct test_cert *ca, const char *cn,
                   const char *dns, uint32_t ipv4, int64_t nb, int64_t na)
{
    mbedtls_pk_context pk, ik;
    int rc;
    snprintf(leaf->cn, sizeof(leaf->cn), "%s", cn);
    mbedtls_pk_init(&ik);
    rc = new_key(&pk, leaf);
    if (rc == 0) {
        rc = mbedtls_pk_parse_key(&ik, ca->key, ca->key_len, NULL, 0, fw_tls_rng, NULL) == 0 ? 0
                                                                                             : -1;
    }
    if (rc == 0) {
        rc = write(leaf, &pk, &ik, ca->cn, false, dns, ipv4, nb, na);
    }
    mbedtls_pk_free(&pk);
    mbedtls_pk_free(&ik);
    return rc;
}

long test_pem(const char *label, const uint8_t *der, size_t len, char *out, size_t size)
{
    char head[64], foot[64];
    size_t olen = 0;
    snprintf(head, sizeof(head), "-----BEGIN %s-----\n", label);
    snprintf(foot, sizeof(foot), "-----END %s-----\n", label);
    if (mbedtls_pem_write_buffer(head, foot, der, len, (unsigned char *)out, size, &olen) != 0) {
        return -1;
    }
    return (long)olen - 1; /* olen counts the NUL */
}
