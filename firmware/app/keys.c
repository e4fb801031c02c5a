/* The device's keys: see keys.h. */
#include "app/keys.h"

#include <stdio.h>
#include <string.h>

#include "app/audit.h"
#include "app/config.h"
#include "app/timesync.h"
#include "hal/hal_clock.h"
#include "hal/hal_err.h"
#include "net/certgen.h"
#include "net/tls.h"
#include "sso/crypto.h"
#include "util/log.h"

static bool https_ready;

bool fw_keys_https_ready(void)
{
    return https_ready;
}

static int install(const struct sso_cfg *c)
{
    int rc = fw_tls_server_set_cert(c->keys.tls_key.der, c->keys.tls_key.len, c->keys.tls_cert.der,
                                    c->keys.tls_cert.len);
    https_ready = rc == FW_TLS_OK;
    return rc;
}

void fw_keys_boot(void)
{
    const struct sso_cfg *live = fw_config_sso();
    struct fw_certgen_params p;
    struct fw_certgen_out out;
    struct sso_cfg *c;
    bool made_tls = false, made_sp = false;
    int64_t now = 0;
    uint32_t t0;
    int rc;

    if (!fw_tls_ready()) {
        fw_log_printf("keys: no random generator (entropy failed): no HTTPS, no SP key");
        return;
    }
    if (live->keys.tls_key.len > 0 && live->keys.sp_key.len > 0) {
        rc = install(live);
        if (rc != FW_TLS_OK) {
            fw_log_printf("keys: the stored HTTPS certificate is unusable (%s); HTTPS off",
                          fw_tls_err_code(rc));
        }
        return;
    }
    memset(&p, 0, sizeof(p));
    p.hostname = fw_config_get()->hostname;
    p.now_s = fw_time_now(&now) == HAL_OK ? now : 0;
    c = fw_config_edit();
    if (c->keys.tls_key.len == 0) {
        out.key = c->keys.tls_key.der;
        out.key_size = sizeof(c->keys.tls_key.der);
        out.crt = c->keys.tls_cert.der;
        out.crt_size = sizeof(c->keys.tls_cert.der);
        t0 = hal_clock_ms();
        rc = fw_certgen_tls(&p, &out);
        if (rc != FW_TLS_OK) {
            fw_config_abort();
            fw_log_printf("keys: HTTPS key generation failed (%s)", fw_tls_err_code(rc));
            return;
        }
        c->keys.tls_key.len = (uint16_t)out.key_len;
        c->keys.tls_cert.len = (uint16_t)out.crt_len;
        made_tls = true;
        fw_log_printf("keys: HTTPS key (ECDSA P-256) and certificate for %s made in %lu ms",
                      p.hostname, (unsigned long)(hal_clock_ms() - t0));
    }
    if (c->keys.sp_key.len == 0) {
        out.key = c->keys.sp_key.der;
        out.key_size = sizeof(c->keys.sp_key.der);
        out.crt = c->keys.sp_cert.der;
        out.crt_size = sizeof(c->keys.sp_cert.der);
        t0 = hal_clock_ms();
        rc = fw_certgen_sp(&p, &out);
        if (rc != FW_TLS_OK) {
            fw_config_abort();
            fw_log_printf("keys: SP key generation failed (%s)", fw_tls_err_code(rc));
            return;
        }
        c->keys.sp_key.len = (uint16_t)out.key_len;
        c->keys.sp_cert.len = (uint16_t)out.crt_len;
        made_sp = true;
        fw_log_printf("keys: SP encryption key (RSA-2048) and certificate made in %lu ms",
                      (unsigned long)(hal_clock_ms() - t0));
    }
    fw_audit(FW_EV_KEYS_GENERATED, 0, NULL, "%s%s%s", made_tls ? "HTTPS key" : "",
             made_tls && made_sp ? " and " : "", made_sp ? "SP encryption key" : "");
    rc = fw_config_commit(NULL);
    if (rc != HAL_OK) {
        /* Keep going with keys that live until reboot rather than serve nothing. */
        fw_log_printf("keys: could not be saved (%d); they are new at every boot until the "
                      "flash works",
                      rc);
        /* The scratch copy still holds the unsaved keys: use them for this boot only. */
        (void)install(c);
        fw_config_abort();
        return;
    }
    rc = install(fw_config_sso());
    if (rc != FW_TLS_OK) {
        fw_log_printf("keys: HTTPS certificate refused by TLS (%s)", fw_tls_err_code(rc));
    }
}

int fw_keys_replace_https(const char *key_pem, size_t key_len, const char *crt_pem, size_t crt_len,
                          const char *user, struct fw_keys_err *err)
{
    static uint8_t key[FW_TLS_KEY_MAX_DER], crt[FW_TLS_CERT_MAX_DER];
    struct fw_certgen_out out;
    struct sso_cert_info info;
    struct sso_cfg *c;
    int rc;
    memset(err, 0, sizeof(*err));
    out.key = key;
    out.key_size = sizeof(key);
    out.crt = crt;
    out.crt_size = sizeof(crt);
    rc = fw_certgen_check_pem(key_pem, key_len, crt_pem, crt_len, &out);
    if (rc != FW_TLS_OK) {
        err->code = fw_tls_err_code(rc);
        (void)snprintf(err->detail, sizeof(err->detail), "%s.", fw_tls_strerror(rc));
        goto out;
    }
    if (out.key_len > SSO_CFG_KEY_MAX || out.crt_len > SSO_CFG_CERT_MAX_DER) {
        err->code = "too_large";
        (void)snprintf(err->detail, sizeof(err->detail),
                       "The key (%lu bytes) or the certificates (%lu bytes of DER) exceed what "
                       "the configuration keeps (%u and %u).",
                       (unsigned long)out.key_len, (unsigned long)out.crt_len,
                       (unsigned)SSO_CFG_KEY_MAX, (unsigned)SSO_CFG_CERT_MAX_DER);
        rc = -1;
        goto out;
    }
    c = fw_config_edit();
    memcpy(c->keys.tls_key.der, key, out.key_len);
    c->keys.tls_key.len = (uint16_t)out.key_len;
    memcpy(c->keys.tls_cert.der, crt, out.crt_len);
    c->keys.tls_cert.len = (uint16_t)out.crt_len;
    info.subject[0] = '\0';
    (void)sso_crypto_cert_info(crt, out.crt_len, &info); /* the chain: its first entry */
    fw_audit(FW_EV_DEVICE_CERT_REPLACED, 0, user, "HTTPS certificate %.80s", info.subject);
    if (fw_config_commit(NULL) != HAL_OK) {
        rc = -2;
        goto out;
    }
    rc = install(fw_config_sso());
    if (rc != FW_TLS_OK) {
        fw_log_printf("keys: the new HTTPS certificate was saved but TLS refused it (%s)",
                      fw_tls_err_code(rc));
    }
    rc = 0;
out:
    sso_crypto_zeroize(key, sizeof(key));
    return rc == 0 ? 0 : rc == -2 ? -2 : -1;
}
