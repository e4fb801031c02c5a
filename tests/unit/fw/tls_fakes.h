/*
 * Test support for the TLS, certgen, trust and fetch tests (test_fw_tls_*.c): the HAL
 * pieces those modules use (a seeded, failable entropy source; a settable UTC on the
 * host, the board's on QEMU), and a tiny test PKI made with mbedTLS at run time (so that
 * host and QEMU runs need no files).
 */
#ifndef LK_TLS_FAKES_H
#define LK_TLS_FAKES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- HAL fakes -------------------------------------------------------------------- */

/** hal_entropy_fill() fails while @p fail is set (deterministic stream otherwise). */
void fake_entropy_fail(bool fail);
/** Set the UTC hal_clock_utc() reports (host: a fake; QEMU: hal_clock_set_utc). */
void fake_utc_set(int64_t utc);
/** Host only: hal_clock_utc() fails (time unknown) until the next fake_utc_set(). */
void fake_utc_unknown(void);
/** Milliseconds of real (or emulated) time, for timings. */
uint32_t test_ms(void);
/** QEMU: the deepest the stack has been since boot (the board paints it); host: 0. */
size_t test_stack_peak(void);

/* ---- test PKI (P-256, SHA-256) ----------------------------------------------------- */

struct test_cert {
    uint8_t key[1400];
    size_t key_len;
    uint8_t crt[2048];
    size_t crt_len;
    char cn[64];
};

/** A self-signed CA (cA=TRUE, keyCertSign), valid [nb, na] (Unix seconds). @return 0. */
int test_make_ca(struct test_cert *ca, const char *cn, int64_t nb, int64_t na);

/**
 * A server certificate issued by @p ca: CN @p cn, SAN DNS @p dns (may be NULL), SAN IP
 * @p ipv4 (network order, 0: none), serverAuth, valid [nb, na]. @return 0.
 */
int test_make_leaf(struct test_cert *leaf, const struct test_cert *ca, const char *cn,
                   const char *dns, uint32_t ipv4, int64_t nb, int64_t na);

/** DER -> PEM text with @p label ("CERTIFICATE"). @return length, or -1. */
long test_pem(const char *label, const uint8_t *der, size_t len, char *out, size_t size);

/** Unix seconds -> "YYYYMMDDhhmmss". */
void test_x509_time(int64_t t, char out[15]);

#endif /* LK_TLS_FAKES_H */
