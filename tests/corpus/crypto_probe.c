/*
 * crypto_probe: the crypto adapter's view of a file, printed for comparison with openssl
 * by crypto_vs_openssl.py (host only).
 *
 *   crypto_probe cert PEM                    sha256 not_before not_after type bits
 *   crypto_probe oaep KEYPEM MD MGF CTFILE   plaintext as hex
 *   crypto_probe aes-cbc|aes-gcm KEYHEX FILE plaintext as hex
 *
 * MD and MGF: sha1 sha256 sha384 sha512. Errors print "error <code>" and exit 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sso/crypto.h"
#include "sso/err.h"

static uint8_t der[16384], out[65536];

static int fail(int rc)
{
    printf("error %s\n", sso_err_code(rc));
    return 1;
}

static void print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
    printf("\n");
}

static enum sso_md_alg md_of(const char *s)
{
    static const char *const names[] = {"none", "sha1", "sha256", "sha384", "sha512"};
    for (int i = 1; i < 5; i++) {
        if (strcmp(s, names[i]) == 0) {
            return (enum sso_md_alg)i;
        }
    }
    return SSO_MD_NONE;
}

static int probe_rng(void *ctx, uint8_t *buf, size_t len)
{
    uint32_t *s = ctx;
    for (size_t i = 0; i < len; i++) {
        *s = *s * 1103515245u + 12345u;
        buf[i] = (uint8_t)(*s >> 16);
    }
    return 0;
}

static int read_pem(const char *path, const char *label, size_t *der_len)
{
    size_t len;
    char *pem = lk_test_read_file(path, &len);
    int rc;
    if (pem == NULL) {
        return SSO_E_IO;
    }
    rc = sso_crypto_pem_to_der(pem, len, label, der, sizeof(der), der_len);
    free(pem);
    return rc;
}

int main(int argc, char **argv)
{
    int rc;
    size_t der_len, n;
    if (argc == 3 && strcmp(argv[1], "cert") == 0) {
        struct sso_cert_info info;
        static const char *const types[] = {"none", "rsa", "ec-p256", "ec-p384"};
        rc = read_pem(argv[2], "CERTIFICATE", &der_len);
        if (rc == SSO_OK) {
            rc = sso_crypto_cert_info(der, der_len, &info);
        }
        if (rc != SSO_OK) {
            return fail(rc);
        }
        for (size_t i = 0; i < 32; i++) {
            printf("%02x", info.sha256[i]);
        }
        printf(" %lld %lld %s %u\n", (long long)info.not_before_s, (long long)info.not_after_s,
               types[info.key_type], info.key_bits);
        return 0;
    }
    if (argc == 6 && strcmp(argv[1], "oaep") == 0) {
        uint32_t seed = 1;
        char *ct = lk_test_read_file(argv[5], &n);
        if (ct == NULL) {
            return fail(SSO_E_IO);
        }
        rc = read_pem(argv[2], NULL, &der_len);
        if (rc == SSO_OK) {
            rc = sso_crypto_rsa_oaep_decrypt(der, der_len, md_of(argv[3]), md_of(argv[4]),
                                             (const uint8_t *)ct, n, out, sizeof(out), &n,
                                             probe_rng, &seed);
        }
        free(ct);
        if (rc != SSO_OK) {
            return fail(rc);
        }
        print_hex(out, n);
        return 0;
    }
    if (argc == 4 && (strcmp(argv[1], "aes-cbc") == 0 || strcmp(argv[1], "aes-gcm") == 0)) {
        uint8_t key[32];
        size_t klen = strlen(argv[2]) / 2;
        char *in = lk_test_read_file(argv[3], &n);
        if (in == NULL || klen > sizeof(key)) {
            free(in);
            return fail(SSO_E_INVAL);
        }
        for (size_t i = 0; i < klen; i++) {
            unsigned v;
            sscanf(argv[2] + 2 * i, "%2x", &v);
            key[i] = (uint8_t)v;
        }
        if (argv[1][4] == 'c') {
            rc =
                sso_crypto_aes_cbc_decrypt(key, klen, (const uint8_t *)in, n, out, sizeof(out), &n);
        } else {
            rc =
                sso_crypto_aes_gcm_decrypt(key, klen, (const uint8_t *)in, n, out, sizeof(out), &n);
        }
        free(in);
        if (rc != SSO_OK) {
            return fail(rc);
        }
        print_hex(out, n);
        return 0;
    }
    fprintf(stderr, "usage: crypto_probe cert PEM | oaep KEYPEM MD MGF CT | aes-cbc|aes-gcm "
                    "KEYHEX FILE\n");
    return 2;
}
