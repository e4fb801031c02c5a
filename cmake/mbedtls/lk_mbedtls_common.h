/**
 * @file lk_mbedtls_common.h
 * @brief mbedTLS 3.6 options shared by every Latchkey board.
 *
 * Each board's mbedtls_config.h includes this file and then adds what only that board
 * needs (entropy source, time source, bignum tuning). The set is what the product uses:
 * - SAML core: SHA-1 (opt-in legacy only), SHA-256/384/512, RSA PKCS#1 v1.5 verify,
 *   RSA-OAEP decrypt, ECDSA P-256/P-384 verify, X.509 parse, AES-CBC/GCM decrypt.
 * - firmware: TLS 1.2 client and server (ECDHE + AES-GCM), X.509 write for the device
 *   certificate, PBKDF2 for local passwords, CTR-DRBG.
 * Allocation goes through sso_calloc()/sso_free() (sso/alloc.h), so one counter sees
 * every byte the vendor libraries take.
 */
#ifndef LK_MBEDTLS_COMMON_H
#define LK_MBEDTLS_COMMON_H

/* Platform: route calloc/free through the documented Latchkey allocator. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_CALLOC_MACRO sso_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO   sso_free
#include <stddef.h>
void *sso_calloc(size_t n, size_t size);
void sso_free(void *p);

/* Hashes */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C

/* Public key */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C
#define MBEDTLS_GENPRIME

/* X.509 */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CREATE_C
#define MBEDTLS_X509_CRT_WRITE_C
/* firmware/trust/: the built-in roots stay in flash as DER; on each verification the
 * callback parses only the roots whose subject is the issuer being looked for. */
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK

/* Symmetric */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_GCM_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_HMAC_DRBG_C
#define MBEDTLS_PKCS5_C

/* TLS 1.2, ECDHE + AES-GCM only (firmware/net/tls.c also sets the suite list
 * explicitly). No renegotiation, no session tickets, no PSK, no CBC suites. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_IN_CONTENT_LEN       16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN      4096
/* Bound on the certificate chain a peer may present (end entity + intermediates). */
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA 4

/* TLS 1.3 is a build option (cmake -DLK_TLS13=ON, which defines LK_TLS13=1): it needs the
 * PSA crypto core, HKDF and RSA-PSS. The PSA RNG is the firmware's DRBG
 * (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG, firmware/net/tls_rng.c), so no board needs
 * mbedtls_hardware_poll() for it. */
#if defined(LK_TLS13) && LK_TLS13
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG
#define MBEDTLS_HKDF_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#endif

#define MBEDTLS_ERROR_C
#define MBEDTLS_VERSION_C

#endif /* LK_MBEDTLS_COMMON_H */
