/*
 * The HTTPS server's certificate and key (fw_tls_server_set_cert in tls.h; the reference
 * counting is described in tls_priv.h). Apart from tls.c so that it needs no lwIP.
 */
#include <string.h>

#include "net/tls.h"
#include "net/tls_priv.h"
#include "sso/alloc.h"

static struct fw_tls_cred *current;

struct fw_tls_cred *fw_tls_cred_current(void)
{
    return current;
}

void fw_tls_cred_hold(struct fw_tls_cred *cr)
{
    cr->refs++;
}

void fw_tls_cred_put(struct fw_tls_cred *cr)
{
    if (cr != NULL && --cr->refs == 0) {
        mbedtls_ssl_config_free(&cr->conf);
        mbedtls_x509_crt_free(&cr->chain);
        mbedtls_pk_free(&cr->key); /* wipes the private key */
        sso_free(cr);
    }
}

int fw_tls_server_set_cert(const uint8_t *key_der, size_t key_len, const uint8_t *crt_der,
                           size_t crt_len)
{
    struct fw_tls_cred *cr;
    int rc = FW_TLS_E_INTERNAL;
    if (key_der == NULL || crt_der == NULL || key_len == 0 || crt_len == 0 ||
        key_len > FW_TLS_KEY_MAX_DER || crt_len > FW_TLS_CERT_MAX_DER) {
        return FW_TLS_E_INVAL;
    }
    if (!fw_tls_ready()) {
        return FW_TLS_E_NOT_READY;
    }
    cr = sso_calloc(1, sizeof(*cr));
    if (cr == NULL) {
        return FW_TLS_E_NOMEM;
    }
    mbedtls_ssl_config_init(&cr->conf);
    mbedtls_x509_crt_init(&cr->chain);
    mbedtls_pk_init(&cr->key);
    cr->refs = 1;
    rc = fw_tls_parse_chain(&cr->chain, crt_der, crt_len, MBEDTLS_X509_MAX_INTERMEDIATE_CA + 1);
    if (rc != FW_TLS_OK) {
        goto out;
    }
    rc = fw_tls_parse_key_for(&cr->key, key_der, key_len, &cr->chain);
    if (rc != FW_TLS_OK) {
        goto out;
    }
    rc = FW_TLS_E_NOMEM;
    if (mbedtls_ssl_config_defaults(&cr->conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        goto out;
    }
    fw_tls_conf_profile(&cr->conf);
    /* The admin UI does not ask browsers for client certificates. */
    mbedtls_ssl_conf_authmode(&cr->conf, MBEDTLS_SSL_VERIFY_NONE);
    if (mbedtls_ssl_conf_own_cert(&cr->conf, &cr->chain, &cr->key) != 0) {
        goto out;
    }
    fw_tls_cred_put(current);
    current = cr;
    cr = NULL;
    rc = FW_TLS_OK;
out:
    fw_tls_cred_put(cr);
    return rc;
}
