/*
 * The firmware's random generator and mbedTLS's clock (tls.h).
 *
 * One CTR-DRBG (AES-256, mbedTLS) whose entropy input is hal_entropy_fill() directly: no
 * mbedtls_entropy_context in between, so no board has to provide mbedtls_hardware_poll()
 * and no weak platform source can sneak into the pool. The DRBG reseeds itself from the
 * same source every MBEDTLS_CTR_DRBG_RESEED_INTERVAL requests; if the board's source
 * fails then, the request fails: bytes never come from a DRBG that could not reseed.
 */
#include <string.h>

#include "hal/hal_clock.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "net/tls.h"

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
#include "psa/crypto.h"
#endif

/* Without these, mbedTLS would skip the validity dates of server certificates without a
 * word (x509_crt.c checks them only with MBEDTLS_HAVE_TIME_DATE), and the firmware could
 * not point its clock at the board's UTC. A board's mbedtls_config.h must define them. */
#if !defined(MBEDTLS_HAVE_TIME_DATE) || !defined(MBEDTLS_PLATFORM_TIME_ALT)
#error                                                                                             \
    "firmware TLS needs MBEDTLS_HAVE_TIME_DATE and MBEDTLS_PLATFORM_TIME_ALT in the board's mbedtls_config.h"
#endif

static mbedtls_ctr_drbg_context drbg;
static bool seeded;

/* The DRBG's entropy callback: all @p len bytes from the board, or an error. */
static int board_entropy(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    if (hal_entropy_fill(out, len) != HAL_OK) {
        mbedtls_platform_zeroize(out, len);
        return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    }
    return 0;
}

/* mbedTLS's wall clock is the board's UTC, so certificate validity follows what the
 * device believes (SNTP, the admin, the host board's test offset). While UTC is unknown
 * this returns 0 (1970): every certificate is then "not yet valid" and verification
 * fails closed; fetch.c refuses earlier with a clear "time unknown". */
static mbedtls_time_t board_time(mbedtls_time_t *t)
{
    int64_t now = 0;
    if (hal_clock_utc(&now) != HAL_OK || now < 0) {
        now = 0;
    }
    if (t != NULL) {
        *t = (mbedtls_time_t)now;
    }
    return (mbedtls_time_t)now;
}

int fw_tls_init(void)
{
    static const unsigned char pers[] = "latchkey fw_tls drbg";
    if (seeded) {
        mbedtls_ctr_drbg_free(&drbg);
        seeded = false;
    }
    mbedtls_ctr_drbg_init(&drbg);
    (void)mbedtls_platform_set_time(board_time);
    if (mbedtls_ctr_drbg_seed(&drbg, board_entropy, NULL, pers, sizeof(pers) - 1) != 0) {
        mbedtls_ctr_drbg_free(&drbg);
        return FW_TLS_E_RANDOM;
    }
    seeded = true;
#if defined(MBEDTLS_PSA_CRYPTO_C)
    /* TLS 1.3 runs through PSA, whose RNG is ours (fw_tls_rng below). */
    if (psa_crypto_init() != PSA_SUCCESS) {
        mbedtls_ctr_drbg_free(&drbg);
        seeded = false;
        return FW_TLS_E_RANDOM;
    }
#endif
    return FW_TLS_OK;
}

bool fw_tls_ready(void)
{
    return seeded;
}

int fw_tls_rng(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    if (!seeded) {
        return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    }
    while (len > 0) {
        size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        int rc = mbedtls_ctr_drbg_random(&drbg, out, n);
        if (rc != 0) {
            return rc;
        }
        out += n;
        len -= n;
    }
    return 0;
}

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context,
                                             uint8_t *output, size_t output_size,
                                             size_t *output_length);

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context,
                                             uint8_t *output, size_t output_size,
                                             size_t *output_length)
{
    (void)context;
    *output_length = 0;
    if (fw_tls_rng(NULL, output, output_size) != 0) {
        return PSA_ERROR_INSUFFICIENT_ENTROPY;
    }
    *output_length = output_size;
    return PSA_SUCCESS;
}
#endif

/* ---- error names ------------------------------------------------------------------- */

const char *fw_tls_err_code(int err)
{
    switch (err) {
#define FW_TLS_ERR_CODE(name, value, code, detail)                                                 \
    case name:                                                                                     \
        return code;
        FW_TLS_ERR_TABLE(FW_TLS_ERR_CODE)
#undef FW_TLS_ERR_CODE
    default:
        return "unknown_error";
    }
}

const char *fw_tls_strerror(int err)
{
    switch (err) {
#define FW_TLS_ERR_DETAIL(name, value, code, detail)                                               \
    case name:                                                                                     \
        return detail;
        FW_TLS_ERR_TABLE(FW_TLS_ERR_DETAIL)
#undef FW_TLS_ERR_DETAIL
    default:
        return "unknown error";
    }
}
