/*
 * Certificate chains, keys and the one protocol profile (tls_priv.h).
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/bignum.h"
#include "mbedtls/cipher.h"
#include "mbedtls/ecp.h"
#include "mbedtls/md.h"
#include "net/tls.h"
#include "net/tls_priv.h"

size_t fw_tls_der_seq_len(const uint8_t *der, size_t len)
{
    size_t hdr, body, i, nlen;
    if (len < 2 || der[0] != 0x30) {
        return 0;
    }
    if (der[1] < 0x80) {
        hdr = 2;
        body = der[1];
    } else {
        /* Long form: 1..3 length bytes (a certificate is never 16 MB); 0x80 (indefinite)
         * is not DER. */
        nlen = der[1] & 0x7Fu;
        if (nlen == 0 || nlen > 3 || len < 2 + nlen) {
            return 0;
        }
        body = 0;
        for (i = 0; i < nlen; i++) {
            body = (body << 8) | der[2 + i];
        }
        hdr = 2 + nlen;
    }
    if (body > len - hdr) {
        return 0;
    }
    return hdr + body;
}

int fw_tls_parse_chain(mbedtls_x509_crt *chain, const uint8_t *der, size_t len, size_t max)
{
    size_t off = 0, n = 0;
    if (der == NULL || len == 0) {
        return FW_TLS_E_INVAL;
    }
    while (off < len) {
        size_t one = fw_tls_der_seq_len(der + off, len - off);
        int rc;
        if (one == 0) {
            return FW_TLS_E_CERT; /* trailing garbage or a cut certificate */
        }
        if (n == max) {
            return FW_TLS_E_TOO_MANY;
        }
        rc = mbedtls_x509_crt_parse_der(chain, der + off, one);
        if (fw_tls_is_nomem(rc)) {
            return FW_TLS_E_NOMEM;
        }
        if (rc != 0) {
            return FW_TLS_E_CERT;
        }
        off += one;
        n++;
    }
    return FW_TLS_OK;
}

int fw_tls_check_key(const mbedtls_pk_context *pk)
{
    switch (mbedtls_pk_get_type(pk)) {
    case MBEDTLS_PK_RSA:
        /* Under 2048 bits is factorable by a determined attacker (NIST SP 800-131A). */
        return mbedtls_pk_get_bitlen(pk) >= 2048 ? FW_TLS_OK : FW_TLS_E_KEY_WEAK;
    case MBEDTLS_PK_ECKEY:
    case MBEDTLS_PK_ECDSA: {
        mbedtls_ecp_group_id id = mbedtls_ecp_keypair_get_group_id(mbedtls_pk_ec(*pk));
        /* Only the curves the TLS profile negotiates (and browsers accept). */
        return id == MBEDTLS_ECP_DP_SECP256R1 || id == MBEDTLS_ECP_DP_SECP384R1 ? FW_TLS_OK
                                                                                : FW_TLS_E_KEY_TYPE;
    }
    case MBEDTLS_PK_NONE:
    case MBEDTLS_PK_ECKEY_DH:
    case MBEDTLS_PK_RSA_ALT:
    case MBEDTLS_PK_RSASSA_PSS:
    case MBEDTLS_PK_OPAQUE:
        return FW_TLS_E_KEY_TYPE;
    }
    return FW_TLS_E_KEY_TYPE;
}

int fw_tls_parse_key_for(mbedtls_pk_context *key, const uint8_t *der, size_t len,
                         const mbedtls_x509_crt *crt)
{
    int rc;
    if (!fw_tls_ready()) {
        return FW_TLS_E_NOT_READY;
    }
    rc = mbedtls_pk_parse_key(key, der, len, NULL, 0, fw_tls_rng, NULL);
    if (fw_tls_is_nomem(rc)) {
        return FW_TLS_E_NOMEM;
    }
    if (rc != 0) {
        return FW_TLS_E_KEY;
    }
    rc = fw_tls_check_key(key);
    if (rc != FW_TLS_OK) {
        return rc;
    }
    /* A certificate for one key served with another would fail every handshake; an admin
     * pasting the wrong pair gets told now instead. */
    if (mbedtls_pk_check_pair(&crt->pk, key, fw_tls_rng, NULL) != 0) {
        return FW_TLS_E_KEY_MISMATCH;
    }
    return FW_TLS_OK;
}

/* ---- the protocol profile --------------------------------------------------------- */

/* TLS 1.2: forward secrecy (ECDHE) and AEAD (GCM) only; no CBC (Lucky 13, padding
 * oracles), no static RSA key exchange (no forward secrecy, Bleichenbacher), no PSK. */
static const int suites[] = {
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
#endif
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    0,
};

static const uint16_t groups[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};

/* Handshake signatures: SHA-256 or better (no SHA-1, no MD5). */
static const uint16_t sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256, MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
#endif
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,       MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,       MBEDTLS_TLS1_3_SIG_NONE,
};

/* Certificates in a chain: SHA-256+ signatures, RSA >= 2048, P-256/P-384. */
static const mbedtls_x509_crt_profile cert_profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSA) | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECKEY) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECDSA) | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSASSA_PSS),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1),
    2048,
};

void fw_tls_conf_profile(mbedtls_ssl_config *conf)
{
    mbedtls_ssl_conf_rng(conf, fw_tls_rng, NULL);
    mbedtls_ssl_conf_ciphersuites(conf, suites);
    mbedtls_ssl_conf_groups(conf, groups);
    mbedtls_ssl_conf_sig_algs(conf, sig_algs);
    mbedtls_ssl_conf_cert_profile(conf, &cert_profile);
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_3);
#else
    mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#endif
}

bool fw_tls_is_nomem(int rc)
{
    int high, low;
    if (rc >= 0) {
        return false;
    }
    high = -((-rc) & 0x7F80);
    low = -((-rc) & 0x007F);
    return low == MBEDTLS_ERR_MPI_ALLOC_FAILED || low == MBEDTLS_ERR_ASN1_ALLOC_FAILED ||
           high == MBEDTLS_ERR_ECP_ALLOC_FAILED || high == MBEDTLS_ERR_PK_ALLOC_FAILED ||
           high == MBEDTLS_ERR_X509_ALLOC_FAILED || high == MBEDTLS_ERR_MD_ALLOC_FAILED ||
           high == MBEDTLS_ERR_CIPHER_ALLOC_FAILED || high == MBEDTLS_ERR_SSL_ALLOC_FAILED;
}

/*
 * What a handshake failure most likely means, in a few words. A table of the errors a
 * TLS client meets in practice rather than mbedtls_strerror(): that one pulls every
 * message mbedTLS has into flash (13 KB on the Cortex-M3).
 */
void fw_tls_mbedtls_strerror(int err, char *buf, size_t size)
{
    static const struct {
        int code;
        const char *text;
    } known[] = {
        {MBEDTLS_ERR_SSL_INVALID_RECORD, "invalid TLS record: the server does not speak TLS?"},
        {MBEDTLS_ERR_SSL_CONN_EOF, "connection closed during the handshake"},
        {MBEDTLS_ERR_SSL_DECODE_ERROR, "malformed handshake message"},
        {MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE, "unexpected handshake message"},
        {MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, "the server sent a fatal alert"},
        {MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION, "no common protocol version (TLS 1.2 or later)"},
        {MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE,
         "no common cipher suite, group or signature algorithm (ECDHE + AES-GCM required)"},
        {MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION, "unsupported TLS extension"},
        {MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER, "illegal parameter in a handshake message"},
        {MBEDTLS_ERR_SSL_BAD_CERTIFICATE, "malformed certificate message"},
        {MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL, "message larger than the TLS buffers"},
        {MBEDTLS_ERR_SSL_ALLOC_FAILED, "out of memory"},
        {MBEDTLS_ERR_SSL_INTERNAL_ERROR, "internal error"},
        {MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, "certificate verification failed"},
        {MBEDTLS_ERR_X509_FATAL_ERROR, "certificate chain too long, or out of memory"},
    };
    size_t i;
    const char *t = "TLS error";
    if (size == 0) {
        return;
    }
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (known[i].code == err) {
            t = known[i].text;
        }
    }
    if (fw_tls_is_nomem(err)) {
        t = "out of memory";
    }
    (void)snprintf(buf, size, "%s", t);
}
