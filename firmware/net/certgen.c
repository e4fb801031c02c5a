/*
 * Device keys and self-signed certificates (certgen.h).
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/asn1write.h"
#include "mbedtls/ecp.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/rsa.h"
#include "mbedtls/x509_crt.h"
#include "net/certgen.h"
#include "net/tls.h"
#include "net/tls_priv.h"
#include "sso/alloc.h"
#include "sso/crypto.h"
#include "sso/err.h"

#define DEFAULT_DAYS 3650u
#define MAX_DAYS     (100u * 366u)
#define PEM_MAX      16384u /* an RSA-4096 key plus a chain of five certificates fits */

/* ---- time -------------------------------------------------------------------------- */

/* Unix seconds -> "YYYYMMDDhhmmss" (UTC), the form mbedtls_x509write_crt_set_validity()
 * takes (days-to-civil after H. Hinnant's public-domain algorithm). */
static void x509_time(int64_t t, char out[15])
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
    (void)snprintf(out, 15, "%04d%02d%02d%02d%02d%02d", (int)y, (int)m, (int)d, (int)(secs / 3600),
                   (int)(secs / 60 % 60), (int)(secs % 60));
}

/* ---- generation ------------------------------------------------------------------- */

static bool host_ok(const char *h)
{
    size_t n, i, label = 0;
    if (h == NULL) {
        return false;
    }
    n = strlen(h);
    if (n == 0 || n > FW_CERTGEN_HOST_MAX) {
        return false;
    }
    /* LDH labels only: the name goes into "CN=..." unescaped, so no ',', '=', '+'. */
    for (i = 0; i < n; i++) {
        char c = h[i];
        if (c == '.') {
            if (label == 0 || h[i - 1] == '-') {
                return false;
            }
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   (c == '-' && label > 0)) {
            if (++label > 63) {
                return false;
            }
        } else {
            return false;
        }
    }
    return label > 0 && h[n - 1] != '-';
}

/* mbedTLS writes DER at the end of the buffer; move it to the front. */
static int finish_der(int rc, uint8_t *buf, size_t size, size_t *len)
{
    if (rc == MBEDTLS_ERR_ASN1_BUF_TOO_SMALL || rc == MBEDTLS_ERR_PK_BUFFER_TOO_SMALL) {
        return FW_TLS_E_NOSPC;
    }
    if (fw_tls_is_nomem(rc)) {
        return FW_TLS_E_NOMEM;
    }
    if (rc <= 0 || (size_t)rc > size) {
        return FW_TLS_E_INTERNAL;
    }
    memmove(buf, buf + size - (size_t)rc, (size_t)rc);
    *len = (size_t)rc;
    return FW_TLS_OK;
}

static int write_cert(const struct fw_certgen_params *p, mbedtls_pk_context *key, bool tls,
                      struct fw_certgen_out *out)
{
    mbedtls_x509write_cert *w;
    mbedtls_x509_san_list san[2];
    mbedtls_asn1_sequence eku;
    unsigned char serial[16];
    unsigned char ip[4];
    char subject[4 + FW_CERTGEN_HOST_MAX + 1];
    char nb[15], na[15];
    int64_t start = p->now_s > 0 ? p->now_s : FW_CERTGEN_FALLBACK_NOT_BEFORE_S;
    uint32_t days = p->days != 0 ? p->days : DEFAULT_DAYS;
    int rc = FW_TLS_E_INTERNAL;

    w = sso_calloc(1, sizeof(*w));
    if (w == NULL) {
        return FW_TLS_E_NOMEM;
    }
    mbedtls_x509write_crt_init(w);
    /* A random 127-bit serial (positive, never zero): distinct certificates from the
     * same host name must not share issuer+serial (browsers reject that). */
    if (fw_tls_rng(NULL, serial, sizeof(serial)) != 0) {
        rc = FW_TLS_E_RANDOM;
        goto out;
    }
    serial[0] = (unsigned char)((serial[0] & 0x7Fu) | 0x40u);
    (void)snprintf(subject, sizeof(subject), "CN=%s", p->hostname);
    x509_time(start - 3600, nb); /* an hour of slack for clocks behind ours */
    x509_time(start + (int64_t)days * 86400, na);

    memset(san, 0, sizeof(san));
    san[0].node.type = MBEDTLS_X509_SAN_DNS_NAME;
    san[0].node.san.unstructured_name.p = (unsigned char *)(uintptr_t)p->hostname;
    san[0].node.san.unstructured_name.len = strlen(p->hostname);
    if (p->ipv4 != 0) {
        memcpy(ip, &p->ipv4, sizeof(ip)); /* network byte order is the SAN's order */
        san[0].next = &san[1];
        san[1].node.type = MBEDTLS_X509_SAN_IP_ADDRESS;
        san[1].node.san.unstructured_name.p = ip;
        san[1].node.san.unstructured_name.len = sizeof(ip);
    }
    memset(&eku, 0, sizeof(eku));
    eku.buf.tag = MBEDTLS_ASN1_OID;
    eku.buf.p = (unsigned char *)(uintptr_t)MBEDTLS_OID_SERVER_AUTH;
    eku.buf.len = MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH);

    mbedtls_x509write_crt_set_version(w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(w, key);
    mbedtls_x509write_crt_set_issuer_key(w, key);
    rc = FW_TLS_E_NOMEM;
    if (mbedtls_x509write_crt_set_serial_raw(w, serial, sizeof(serial)) != 0 ||
        mbedtls_x509write_crt_set_subject_name(w, subject) != 0 ||
        mbedtls_x509write_crt_set_issuer_name(w, subject) != 0 ||
        mbedtls_x509write_crt_set_validity(w, nb, na) != 0 ||
        mbedtls_x509write_crt_set_basic_constraints(w, 0, -1) != 0 ||
        mbedtls_x509write_crt_set_subject_key_identifier(w) != 0 ||
        mbedtls_x509write_crt_set_subject_alternative_name(w, san) != 0) {
        goto out;
    }
    if (tls) {
        if (mbedtls_x509write_crt_set_key_usage(w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE) != 0 ||
            mbedtls_x509write_crt_set_ext_key_usage(w, &eku) != 0) {
            goto out;
        }
    } else if (mbedtls_x509write_crt_set_key_usage(w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE |
                                                          MBEDTLS_X509_KU_KEY_ENCIPHERMENT |
                                                          MBEDTLS_X509_KU_DATA_ENCIPHERMENT) != 0) {
        goto out;
    }
    rc = mbedtls_x509write_crt_der(w, out->crt, out->crt_size, fw_tls_rng, NULL);
    rc = finish_der(rc, out->crt, out->crt_size, &out->crt_len);
out:
    mbedtls_x509write_crt_free(w);
    sso_free(w);
    return rc;
}

static int generate(const struct fw_certgen_params *p, struct fw_certgen_out *out, bool tls)
{
    mbedtls_pk_context *key;
    int rc = FW_TLS_E_INTERNAL;

    if (p == NULL || out == NULL || out->key == NULL || out->crt == NULL) {
        return FW_TLS_E_INVAL;
    }
    out->key_len = out->crt_len = 0;
    if (!host_ok(p->hostname)) {
        return FW_TLS_E_HOSTNAME;
    }
    if (p->days > MAX_DAYS) {
        return FW_TLS_E_INVAL;
    }
    if (!fw_tls_ready()) {
        return FW_TLS_E_NOT_READY;
    }
    key = sso_calloc(1, sizeof(*key));
    if (key == NULL) {
        return FW_TLS_E_NOMEM;
    }
    mbedtls_pk_init(key);
    if (mbedtls_pk_setup(key, mbedtls_pk_info_from_type(tls ? MBEDTLS_PK_ECKEY : MBEDTLS_PK_RSA)) !=
        0) {
        rc = FW_TLS_E_NOMEM;
        goto out;
    }
    if (tls) {
        rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key), fw_tls_rng, NULL);
    } else {
        rc = mbedtls_rsa_gen_key(mbedtls_pk_rsa(*key), fw_tls_rng, NULL, 2048, 65537);
    }
    if (rc != 0) {
        rc = fw_tls_is_nomem(rc) ? FW_TLS_E_NOMEM : FW_TLS_E_RANDOM;
        goto out;
    }
    rc = mbedtls_pk_write_key_der(key, out->key, out->key_size);
    rc = finish_der(rc, out->key, out->key_size, &out->key_len);
    if (rc != FW_TLS_OK) {
        goto out;
    }
    rc = write_cert(p, key, tls, out);
out:
    mbedtls_pk_free(key); /* mbedTLS wipes the private key material it frees */
    sso_free(key);
    if (rc != FW_TLS_OK) {
        mbedtls_platform_zeroize(out->key, out->key_size);
        out->key_len = out->crt_len = 0;
    }
    return rc;
}

int fw_certgen_tls(const struct fw_certgen_params *p, struct fw_certgen_out *out)
{
    return generate(p, out, true);
}

int fw_certgen_sp(const struct fw_certgen_params *p, struct fw_certgen_out *out)
{
    return generate(p, out, false);
}

/* ---- an admin's PEM pair ---------------------------------------------------------- */

static const char *find(const char *s, size_t len, const char *what)
{
    size_t n = strlen(what), i;
    for (i = 0; i + n <= len; i++) {
        if (s[i] == what[0] && memcmp(s + i, what, n) == 0) {
            return s + i;
        }
    }
    return NULL;
}

/* Every "CERTIFICATE" block, in order, as concatenated DER. */
static int certs_from_pem(const char *pem, size_t len, struct fw_certgen_out *out)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    const char *p = pem, *end = pem + len;
    size_t n = 0;
    out->crt_len = 0;
    for (;;) {
        const char *b = find(p, (size_t)(end - p), begin), *next;
        size_t got = 0;
        int rc;
        if (b == NULL) {
            break;
        }
        if (n == MBEDTLS_X509_MAX_INTERMEDIATE_CA + 1) {
            return FW_TLS_E_TOO_MANY;
        }
        next = find(b + 1, (size_t)(end - b - 1), begin);
        if (next == NULL) {
            next = end;
        }
        rc = sso_crypto_pem_to_der(b, (size_t)(next - b), "CERTIFICATE", out->crt + out->crt_len,
                                   out->crt_size - out->crt_len, &got);
        if (rc == SSO_E_NOSPC) {
            return FW_TLS_E_NOSPC;
        }
        if (rc != SSO_OK) {
            return FW_TLS_E_PEM;
        }
        out->crt_len += got;
        n++;
        p = next;
    }
    return n == 0 ? FW_TLS_E_PEM : FW_TLS_OK;
}

static int key_from_pem(const char *pem, size_t len, struct fw_certgen_out *out)
{
    static const char *const labels[] = {"PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"};
    size_t i;
    /* An encrypted key would need a passphrase the device does not have; the admin
     * exports it unencrypted for the upload (it goes over the HTTPS admin session). */
    if (find(pem, len, "ENCRYPTED") != NULL) {
        return FW_TLS_E_PEM;
    }
    for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        int rc = sso_crypto_pem_to_der(pem, len, labels[i], out->key, out->key_size, &out->key_len);
        if (rc == SSO_OK) {
            return FW_TLS_OK;
        }
        if (rc == SSO_E_NOSPC) {
            return FW_TLS_E_NOSPC;
        }
    }
    return FW_TLS_E_PEM;
}

int fw_certgen_check_pem(const char *key_pem, size_t key_pem_len, const char *crt_pem,
                         size_t crt_pem_len, struct fw_certgen_out *out)
{
    mbedtls_x509_crt *chain = NULL;
    mbedtls_pk_context *key = NULL;
    int rc = FW_TLS_E_INTERNAL;

    if (key_pem == NULL || crt_pem == NULL || out == NULL || out->key == NULL || out->crt == NULL) {
        return FW_TLS_E_INVAL;
    }
    out->key_len = out->crt_len = 0;
    if (key_pem_len > PEM_MAX || crt_pem_len > PEM_MAX) {
        return FW_TLS_E_PEM;
    }
    rc = key_from_pem(key_pem, key_pem_len, out);
    if (rc != FW_TLS_OK) {
        goto out;
    }
    rc = certs_from_pem(crt_pem, crt_pem_len, out);
    if (rc != FW_TLS_OK) {
        goto out;
    }
    rc = FW_TLS_E_NOMEM;
    chain = sso_calloc(1, sizeof(*chain));
    key = sso_calloc(1, sizeof(*key));
    if (chain == NULL || key == NULL) {
        goto out;
    }
    mbedtls_x509_crt_init(chain);
    mbedtls_pk_init(key);
    rc = fw_tls_parse_chain(chain, out->crt, out->crt_len, MBEDTLS_X509_MAX_INTERMEDIATE_CA + 1);
    if (rc != FW_TLS_OK) {
        goto out;
    }
    /* The leaf's key must be this key (fw_tls_parse_key_for also enforces the key
     * types and sizes). */
    rc = fw_tls_parse_key_for(key, out->key, out->key_len, chain);
out:
    if (chain != NULL) {
        mbedtls_x509_crt_free(chain);
        sso_free(chain);
    }
    if (key != NULL) {
        mbedtls_pk_free(key);
        sso_free(key);
    }
    if (rc != FW_TLS_OK) {
        mbedtls_platform_zeroize(out->key, out->key_size);
        out->key_len = out->crt_len = 0;
    }
    return rc;
}
