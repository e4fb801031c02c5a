/*
 * The trust store (trust.h): built-in roots from the generated table, admin CAs from the
 * caller, and the mbedTLS callback that hands the matching ones to a verification.
 */
#include <string.h>

#include "mbedtls/x509_crt.h"
#include "net/tls.h"
#include "net/tls_priv.h"
#include "sso/alloc.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "trust/trust.h"

#define PEM_MAX_BYTES (4u * FW_TRUST_CA_MAX_DER) /* base64 + headers + comments around it */

/* One DER TLV at @p p (definite length, at most 3 length bytes). */
static bool tlv(const uint8_t *p, const uint8_t *end, uint8_t *tag, size_t *hdr, size_t *clen)
{
    size_t avail = (size_t)(end - p), n, i, len;
    if (avail < 2) {
        return false;
    }
    *tag = p[0];
    if (p[1] < 0x80) {
        *hdr = 2;
        len = p[1];
    } else {
        n = p[1] & 0x7Fu;
        if (n == 0 || n > 3 || avail < 2 + n) {
            return false;
        }
        len = 0;
        for (i = 0; i < n; i++) {
            len = (len << 8) | p[2 + i];
        }
        *hdr = 2 + n;
    }
    if (len > avail - *hdr) {
        return false;
    }
    *clen = len;
    return true;
}

bool fw_trust_der_subject(const uint8_t *der, size_t len, const uint8_t **subj, size_t *subj_len)
{
    const uint8_t *p = der, *end = der + len;
    uint8_t tag;
    size_t hdr, clen, i;
    /* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
     *   serialNumber, signature, issuer, validity, subject, ... } ... } */
    if (der == NULL || !tlv(p, end, &tag, &hdr, &clen) || tag != 0x30) {
        return false;
    }
    p += hdr;
    end = p + clen;
    if (!tlv(p, end, &tag, &hdr, &clen) || tag != 0x30) {
        return false;
    }
    p += hdr;
    end = p + clen;
    if (!tlv(p, end, &tag, &hdr, &clen)) {
        return false;
    }
    if (tag == 0xA0) { /* version */
        p += hdr + clen;
    }
    /* serialNumber, signature, issuer, validity: skip four elements. */
    for (i = 0; i < 4; i++) {
        if (!tlv(p, end, &tag, &hdr, &clen)) {
            return false;
        }
        p += hdr + clen;
    }
    if (!tlv(p, end, &tag, &hdr, &clen) || tag != 0x30) {
        return false;
    }
    *subj = p;
    *subj_len = hdr + clen;
    return true;
}

int fw_trust_init(struct fw_trust *t, bool builtins, const struct fw_trust_der *admin,
                  size_t n_admin)
{
    size_t i;
    if (t == NULL || (n_admin > 0 && admin == NULL)) {
        return FW_TLS_E_INVAL;
    }
    memset(t, 0, sizeof(*t));
    if (n_admin > FW_TRUST_ADMIN_MAX) {
        return FW_TLS_E_TOO_MANY;
    }
    for (i = 0; i < n_admin; i++) {
        if (admin[i].der == NULL || admin[i].len == 0 || admin[i].len > FW_TRUST_CA_MAX_DER ||
            fw_tls_der_seq_len(admin[i].der, admin[i].len) != admin[i].len) {
            return FW_TLS_E_CERT;
        }
    }
    t->builtins = builtins;
    t->admin = admin;
    t->n_admin = n_admin;
    return FW_TLS_OK;
}

/* Parse @p der (not copied: flash or the caller's configuration) onto @p *list if its
 * subject is @p issuer. @return 0, or -1 out of memory. */
static int offer(const uint8_t *der, size_t len, const mbedtls_x509_buf *issuer,
                 mbedtls_x509_crt **list, size_t *count)
{
    const uint8_t *subj;
    size_t subj_len;
    int rc;
    if (*count >= FW_TRUST_CANDIDATES_MAX || !fw_trust_der_subject(der, len, &subj, &subj_len) ||
        subj_len != issuer->len || memcmp(subj, issuer->p, subj_len) != 0) {
        return 0;
    }
    if (*list == NULL) {
        /* mbedTLS frees the list with mbedtls_x509_crt_free() + mbedtls_free(), which is
         * sso_free (lk_mbedtls_common.h). */
        *list = sso_calloc(1, sizeof(**list));
        if (*list == NULL) {
            return -1;
        }
        mbedtls_x509_crt_init(*list);
    }
    rc = mbedtls_x509_crt_parse_der_nocopy(*list, der, len);
    if (fw_tls_is_nomem(rc)) {
        return -1;
    }
    if (rc == 0) {
        (*count)++;
    }
    /* A root that does not parse is skipped: it cannot vouch for anything. */
    return 0;
}

int fw_trust_ca_cb(void *ctx, const struct mbedtls_x509_crt *child,
                   struct mbedtls_x509_crt **candidates)
{
    const struct fw_trust *t = ctx;
    mbedtls_x509_crt *list = NULL;
    size_t i, count = 0;
    int rc = 0;
    *candidates = NULL;
    if (t == NULL) {
        return 0; /* trusts nothing */
    }
    if (t->builtins) {
        for (i = 0; i < fw_trust_roots_count && rc == 0; i++) {
            rc = offer(fw_trust_roots[i].der, fw_trust_roots[i].len, &child->issuer_raw, &list,
                       &count);
        }
    }
    for (i = 0; i < t->n_admin && rc == 0; i++) {
        rc = offer(t->admin[i].der, t->admin[i].len, &child->issuer_raw, &list, &count);
    }
    if (rc != 0) {
        if (list != NULL) {
            mbedtls_x509_crt_free(list);
            sso_free(list);
        }
        return -1;
    }
    if (list != NULL && count == 0) {
        mbedtls_x509_crt_free(list);
        sso_free(list);
        list = NULL;
    }
    *candidates = list;
    return 0;
}

/* ---- admin CAs --------------------------------------------------------------------- */

static size_t count_blocks(const char *pem, size_t len)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    const size_t bl = sizeof(begin) - 1;
    size_t i, n = 0;
    for (i = 0; i + bl <= len; i++) {
        if (pem[i] == '-' && memcmp(pem + i, begin, bl) == 0) {
            n++;
            i += bl - 1;
        }
    }
    return n;
}

int fw_trust_check_ca(const char *pem, size_t pem_len, int64_t now_s, uint8_t *der_out,
                      size_t der_size, size_t *der_len, struct fw_trust_ca_info *info)
{
    struct sso_cert_info ci;
    mbedtls_x509_crt *crt = NULL;
    size_t blocks;
    int rc = FW_TLS_E_INTERNAL;

    if (info != NULL) {
        memset(info, 0, sizeof(*info));
    }
    if (der_len != NULL) {
        *der_len = 0;
    }
    if (pem == NULL || der_out == NULL || der_len == NULL || info == NULL) {
        return FW_TLS_E_INVAL;
    }
    if (pem_len > PEM_MAX_BYTES) {
        return FW_TLS_E_PEM;
    }
    blocks = count_blocks(pem, pem_len);
    if (blocks == 0) {
        return FW_TLS_E_PEM;
    }
    if (blocks > 1) {
        return FW_TLS_E_TOO_MANY; /* one CA per call: the admin sees what each one is */
    }
    rc = sso_crypto_pem_to_der(pem, pem_len, "CERTIFICATE", der_out, der_size, der_len);
    if (rc == SSO_E_NOSPC) {
        return FW_TLS_E_NOSPC;
    }
    if (rc != SSO_OK) {
        return FW_TLS_E_PEM;
    }
    rc = sso_crypto_cert_info(der_out, *der_len, &ci);
    if (rc == SSO_E_NOMEM) {
        return FW_TLS_E_NOMEM;
    }
    if (rc != SSO_OK) {
        return FW_TLS_E_CERT;
    }
    memcpy(info->subject, ci.subject, sizeof(info->subject));
    info->subject[sizeof(info->subject) - 1] = '\0';
    memcpy(info->sha256, ci.sha256, sizeof(info->sha256));
    info->not_before_s = ci.not_before_s;
    info->not_after_s = ci.not_after_s;
    info->key_bits = ci.key_bits;
    info->key_is_ec = ci.key_type == SSO_KEY_EC_P256 || ci.key_type == SSO_KEY_EC_P384;

    crt = sso_calloc(1, sizeof(*crt));
    if (crt == NULL) {
        return FW_TLS_E_NOMEM;
    }
    mbedtls_x509_crt_init(crt);
    rc = mbedtls_x509_crt_parse_der(crt, der_out, *der_len);
    if (rc != 0) {
        rc = fw_tls_is_nomem(rc) ? FW_TLS_E_NOMEM : FW_TLS_E_CERT;
        goto out;
    }
    /* A leaf certificate (cA=FALSE) is never accepted as a parent by X.509 path
     * validation; storing one would look like trust and act like nothing. */
    if (crt->version != 3 || mbedtls_x509_crt_get_ca_istrue(crt) != 1 ||
        mbedtls_x509_crt_check_key_usage(crt, MBEDTLS_X509_KU_KEY_CERT_SIGN) != 0) {
        rc = FW_TLS_E_NOT_CA;
        goto out;
    }
    rc = fw_tls_check_key(&crt->pk);
    if (rc != FW_TLS_OK) {
        goto out;
    }
    if (now_s >= 0 && ci.not_after_s < now_s) {
        rc = FW_TLS_E_EXPIRED;
        goto out;
    }
    if (now_s >= 0 && ci.not_before_s > now_s) {
        rc = FW_TLS_E_NOT_YET_VALID;
        goto out;
    }
    rc = FW_TLS_OK;
out:
    mbedtls_x509_crt_free(crt);
    sso_free(crt);
    if (rc != FW_TLS_OK) {
        *der_len = 0;
    }
    return rc;
}
