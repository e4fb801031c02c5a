/*
 * Benchmark probes: where a validation spends its time, for tests/bench only.
 *
 * In every normal build SSO_PROBE_PUSH/POP expand to nothing, so the hot path carries no
 * code at all. The bench builds a second copy of the core with -DSSO_PROBE=1; there each
 * PUSH names the phase the following code belongs to and each POP returns to the phase
 * before it. The bench program supplies sso_probe_push()/sso_probe_pop() (reading its
 * clock: nanoseconds on the host, instructions on the Cortex-M3); the core keeps no state.
 * Whatever is not inside a pushed phase is "checks" (structure, conditions, one-time use).
 */
#ifndef SSO_PROBE_H
#define SSO_PROBE_H

enum sso_probe_phase {
    SSO_PROBE_CHECKS = 0, /**< everything not below */
    SSO_PROBE_PARSE,      /**< sso_xml_parse of the Response */
    SSO_PROBE_DSIG,       /**< reference c14n + digest, SignedInfo c14n + hash, grammar */
    SSO_PROBE_SIG,        /**< sso_crypto_verify_cert: certificate parse + public-key verify */
    SSO_PROBE_DECRYPT,    /**< EncryptedAssertion: AES, base64, parse of the plaintext */
    SSO_PROBE_UNWRAP,     /**< inside DECRYPT: SP key parse + RSA-OAEP key transport */
    SSO_PROBE_COUNT
};

#if defined(SSO_PROBE) && SSO_PROBE
void sso_probe_push(enum sso_probe_phase phase);
void sso_probe_pop(void);
#define SSO_PROBE_PUSH(phase) sso_probe_push(phase)
#define SSO_PROBE_POP()       sso_probe_pop()
#else
#define SSO_PROBE_PUSH(phase) ((void)0)
#define SSO_PROBE_POP()       ((void)0)
#endif

#endif /* SSO_PROBE_H */
