/*
 * bench_latchkey: how fast Latchkey validates the benchmark responses, and how much heap
 * it takes. The same source runs on the host (nanoseconds, CLOCK_MONOTONIC) and on the
 * Cortex-M3 under QEMU -icount shift=0 (instructions; bench_clock.h).
 *
 *   bench_latchkey [--min-ms N] [--min-iters N] [--max-iters N] [--only NAME]
 *                  [--no-pk | --pk-only] [--wall]
 *                  MANIFEST
 *   bench_latchkey --once NAME K MANIFEST     K validations of NAME and nothing else (K = 0:
 *                                             setup only; callgrind subtracts the two)
 *   bench_latchkey --calibrate                M3: the clock against a loop of known length
 *
 * MANIFEST is what gen_responses.py wrote. Each validation gets a fresh copy of the input
 * (sso_resp_validate normalises in place) and an empty replay cache, both prepared outside
 * the timed region; every result is checked (NameID, both signatures) so a bench never
 * times a rejection. Peak heap is sso_alloc_stats().peak_bytes over one validation: every
 * mbedTLS and Mini-XML allocation goes through sso/alloc.h.
 *
 * Built with -DSSO_PROBE=1 (against a core built the same way) it also splits each
 * validation into the phases of sso/src/probe.h. Separately it times mbedTLS's public-key
 * operations alone, as the validation uses them ("fresh": a key just parsed, so the
 * Montgomery constants are computed inside the operation) and with a reused key ("warm").
 *
 * Output: one record per line, "latchkey.<kind> key=value ...", read by bench.py.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"
#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/rsa.h"
#include "mbedtls/x509_crt.h"
#include "probe.h"
#include "sso/alloc.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/resp.h"

#define MAX_RESPONSES 8
#define NAME_MAX_LEN  64
#define PATH_MAX_LEN  512
#define EXPECT_NAMEID "alice@example.com"

struct response {
    char name[NAME_MAX_LEN];
    char file[PATH_MAX_LEN];
    char cert[PATH_MAX_LEN];
    char sp_key[PATH_MAX_LEN]; /* "-" for none */
    unsigned nsig;
    char kind[16];
};

struct params {
    long long now_s;
    char request_id[128];
    char sp_entity_id[256];
    char acs_url[256];
    char idp_entity_id[256];
};

struct opts {
    unsigned long min_ms;
    unsigned long min_iters;
    unsigned long max_iters;
    const char *only;
    const char *once;
    unsigned long once_k;
    bool no_pk;
    bool pk_only;
    bool calibrate;
    bool wall;
    const char *manifest;
};

/* Big objects live here, not on the M3's stack. */
static struct response responses[MAX_RESPONSES];
static unsigned n_responses;
static struct params prm;
static uint8_t cert_der[SSO_CFG_CERT_MAX_DER];
static uint8_t key_der[4096];
static struct sso_resp_result result;
static struct sso_resp_error error;
static struct sso_replay replay;
static char line[2048];

static void die(const char *what, const char *arg)
{
    printf("bench_latchkey: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    fflush(stdout);
    exit(1);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[size] = '\0';
    *len = (size_t)size;
    return buf;
}

static void load_manifest(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        die("cannot open manifest", path);
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "params ", 7) == 0) {
            if (sscanf(line + 7, "%lld %127s %255s %255s %255s", &prm.now_s, prm.request_id,
                       prm.sp_entity_id, prm.acs_url, prm.idp_entity_id) != 5) {
                die("bad params line in manifest", path);
            }
            continue;
        }
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        if (n_responses == MAX_RESPONSES) {
            die("too many responses in manifest", path);
        }
        struct response *r = &responses[n_responses];
        unsigned long size;
        if (sscanf(line, "%63s %511s %511s %511s %u %15s %lu", r->name, r->file, r->cert, r->sp_key,
                   &r->nsig, r->kind, &size) != 7) {
            die("bad response line in manifest", path);
        }
        n_responses++;
    }
    fclose(f);
    if (n_responses == 0 || prm.now_s == 0) {
        die("manifest has no params or no responses", path);
    }
}

/* Not a real random source: RSA blinding needs bytes, a benchmark needs no secrecy. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static int bench_rng(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        buf[i] = (uint8_t)rng_state;
    }
    return 0;
}

static int mbed_rng(void *ctx, unsigned char *buf, size_t len)
{
    return bench_rng(ctx, buf, len);
}

static size_t load_der(const char *pem_path, const char *label, uint8_t *out, size_t out_size)
{
    size_t pem_len = 0, der_len = 0;
    char *pem = read_file(pem_path, &pem_len);
    if (pem == NULL) {
        die("cannot read", pem_path);
    }
    if (sso_crypto_pem_to_der(pem, pem_len, label, out, out_size, &der_len) != SSO_OK) {
        die("not a PEM file", pem_path);
    }
    free(pem);
    return der_len;
}

/* ---- phases (probe build only) --------------------------------------------------------- */

static uint64_t phase_sum[SSO_PROBE_COUNT];
#if defined(SSO_PROBE) && SSO_PROBE
#define PROBE_DEPTH 8
static enum sso_probe_phase phase_stack[PROBE_DEPTH];
static unsigned phase_depth;
static uint64_t phase_last;

void sso_probe_push(enum sso_probe_phase phase)
{
    uint64_t now = bench_clock_now();
    phase_sum[phase_stack[phase_depth]] += now - phase_last;
    phase_last = now;
    if (phase_depth + 1 >= PROBE_DEPTH) {
        die("probe stack overflow", NULL);
    }
    phase_stack[++phase_depth] = phase;
}

void sso_probe_pop(void)
{
    uint64_t now = bench_clock_now();
    phase_sum[phase_stack[phase_depth]] += now - phase_last;
    phase_last = now;
    if (phase_depth == 0) {
        die("probe stack underflow", NULL);
    }
    phase_depth--;
}

static void phases_begin(void)
{
    phase_depth = 0;
    phase_stack[0] = SSO_PROBE_CHECKS;
    phase_last = bench_clock_now();
}

static void phases_end(void)
{
    uint64_t now = bench_clock_now();
    phase_sum[phase_stack[phase_depth]] += now - phase_last;
    if (phase_depth != 0) {
        die("probe stack unbalanced", NULL);
    }
}
#define PROBED 1
#else
static void phases_begin(void)
{
}
static void phases_end(void)
{
}
#define PROBED 0
#endif

/* ---- statistics ------------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

struct stats {
    uint64_t median, p99, min, mean;
};

static struct stats stats_of(uint64_t *t, unsigned long n)
{
    struct stats s;
    uint64_t sum = 0;
    qsort(t, n, sizeof(*t), cmp_u64);
    for (unsigned long i = 0; i < n; i++) {
        sum += t[i];
    }
    s.min = t[0];
    s.median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    /* Nearest rank: the smallest value with at least 99 % of the samples at or below it. */
    s.p99 = t[(n * 99 + 99) / 100 - 1];
    s.mean = sum / n;
    return s;
}

/* Store sample @p i, growing the array as needed. */
static uint64_t *push(uint64_t *t, unsigned long *cap, unsigned long i, uint64_t v)
{
    if (i == *cap) {
        unsigned long bigger = *cap ? 2 * *cap : 64;
        uint64_t *nt = realloc(t, bigger * sizeof(*t));
        if (nt == NULL) {
            die("out of memory", NULL);
        }
        t = nt;
        *cap = bigger;
    }
    t[i] = v;
    return t;
}

/* Run until both bounds are met (or max_iters): time-bounded on the host, where clocks
 * jitter; on the M3 the figures are exact and --min-ms 0 --min-iters 1 is enough. */
static bool more(const struct opts *o, unsigned long i, uint64_t start)
{
    if (i >= o->max_iters) {
        return false;
    }
    if (i < o->min_iters) {
        return true;
    }
    return bench_clock_now() - start < (uint64_t)o->min_ms * 1000000u;
}

/* ---- one response ---------------------------------------------------------------------- */

struct loaded {
    char *xml;
    size_t len;
    char *work;
    struct sso_resp_config cfg;
    struct sso_resp_params par;
    const char *outstanding[1];
};

static void load_response(const struct response *r, struct loaded *l)
{
    memset(l, 0, sizeof(*l));
    l->xml = read_file(r->file, &l->len);
    if (l->xml == NULL) {
        die("cannot read", r->file);
    }
    l->work = malloc(l->len + 1);
    if (l->work == NULL) {
        die("out of memory", NULL);
    }
    l->cfg.sp_entity_id = prm.sp_entity_id;
    l->cfg.acs_url = prm.acs_url;
    l->cfg.idp_entity_id = prm.idp_entity_id;
    l->cfg.skew_s = 60;
    l->cfg.trust.cert_der[0] = cert_der;
    l->cfg.trust.cert_len[0] = load_der(r->cert, "CERTIFICATE", cert_der, sizeof(cert_der));
    l->cfg.trust.count = 1;
    if (strcmp(r->sp_key, "-") != 0) {
        l->cfg.sp_key_der = key_der;
        l->cfg.sp_key_len = load_der(r->sp_key, NULL, key_der, sizeof(key_der));
    }
    l->outstanding[0] = prm.request_id;
    l->par.now_s = prm.now_s;
    l->par.time_known = true;
    l->par.outstanding = l->outstanding;
    l->par.outstanding_count = 1;
    l->par.replay = &replay;
    l->par.rng = bench_rng;
}

static void unload_response(struct loaded *l)
{
    free(l->xml);
    free(l->work);
}

/* One validation; returns its duration, raises *peak to its heap peak and *stack to its
 * stack depth (M3 only). */
static uint64_t validate_once(const struct response *r, struct loaded *l, size_t *peak,
                              unsigned long *stack)
{
    struct sso_alloc_stats before, after;
    uint64_t t0, t1;
    int rc;

    memcpy(l->work, l->xml, l->len + 1);
    sso_replay_init(&replay);
    bench_stack_mark();
    sso_alloc_reset_peak();
    sso_alloc_stats(&before);
    phases_begin();
    t0 = bench_clock_now();
    rc = sso_resp_validate(l->work, l->len, &l->cfg, &l->par, &result, &error);
    t1 = bench_clock_now();
    phases_end();
    sso_alloc_stats(&after);
    if (bench_stack_used() > *stack) {
        *stack = bench_stack_used();
    }
    if (rc != SSO_OK) {
        printf("bench_latchkey: %s rejected: %s (%s)\n", r->name, sso_err_code(rc), error.detail);
        exit(1);
    }
    if (strcmp(result.name_id, EXPECT_NAMEID) != 0 || !result.response_signed ||
        !result.assertion_signed || result.encrypted != (strcmp(r->kind, "rsa+oaep") == 0)) {
        die("unexpected result for", r->name);
    }
    if (after.cur_bytes != before.cur_bytes) {
        die("validation leaked heap:", r->name);
    }
    if (after.peak_bytes - before.cur_bytes > *peak) {
        *peak = after.peak_bytes - before.cur_bytes;
    }
    return t1 - t0;
}

static void bench_response(const struct opts *o, const struct response *r)
{
    struct loaded l;
    size_t peak = 0;
    unsigned long n = 0, cap = 0, stack = 0;
    uint64_t *t = NULL, start;
    struct stats s;

    load_response(r, &l);
    memset(phase_sum, 0, sizeof(phase_sum));
    (void)validate_once(r, &l, &peak, &stack); /* warm the caches; not counted */
    memset(phase_sum, 0, sizeof(phase_sum));
    start = bench_clock_now();
    for (n = 0; more(o, n, start); n++) {
        t = push(t, &cap, n, validate_once(r, &l, &peak, &stack));
    }
    s = stats_of(t, n);
    printf("latchkey.result name=%s size=%lu iters=%lu unit=%s median=%llu p99=%llu min=%llu "
           "mean=%llu peak_heap=%lu stack=%lu\n",
           r->name, (unsigned long)l.len, n, bench_clock_unit(), (unsigned long long)s.median,
           (unsigned long long)s.p99, (unsigned long long)s.min, (unsigned long long)s.mean,
           (unsigned long)peak, stack);
    if (PROBED) {
        printf("latchkey.phases name=%s unit=%s parse=%llu dsig=%llu sig=%llu decrypt=%llu "
               "unwrap=%llu checks=%llu\n",
               r->name, bench_clock_unit(), (unsigned long long)(phase_sum[SSO_PROBE_PARSE] / n),
               (unsigned long long)(phase_sum[SSO_PROBE_DSIG] / n),
               (unsigned long long)(phase_sum[SSO_PROBE_SIG] / n),
               (unsigned long long)(phase_sum[SSO_PROBE_DECRYPT] / n),
               (unsigned long long)(phase_sum[SSO_PROBE_UNWRAP] / n),
               (unsigned long long)(phase_sum[SSO_PROBE_CHECKS] / n));
    }
    fflush(stdout);
    unload_response(&l);
    free(t);
}

/* ---- public-key operations alone ------------------------------------------------------- */

enum pk_op {
    PK_VERIFY,
    PK_OAEP_DECRYPT
};

static void pk_load(mbedtls_pk_context *pk, const char *key_pem_path)
{
    size_t len = 0;
    char *pem = read_file(key_pem_path, &len);
    mbedtls_pk_init(pk);
    if (pem == NULL) {
        die("cannot read", key_pem_path);
    }
    if (mbedtls_pk_parse_key(pk, (const unsigned char *)pem, len + 1, NULL, 0, mbed_rng, NULL) !=
        0) {
        die("mbedtls_pk_parse_key failed", key_pem_path);
    }
    free(pem);
}

/* The public half as the validation gets it: SubjectPublicKeyInfo DER, parsed per use. */
static unsigned char spki[1024];
static size_t spki_len;
static unsigned char sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
static size_t sig_len;
static unsigned char ct[512];
static unsigned char hash[32];

static uint64_t pk_run(enum pk_op op, mbedtls_pk_context *key, const char *key_path, bool fresh)
{
    mbedtls_pk_context pub, *k = key;
    unsigned char out[64];
    size_t olen = 0;
    uint64_t t0, t1;
    int ret;

    if (fresh) {
        /* As the validation does it: the key parsed anew, so the operation computes its
         * Montgomery constants (and, for the private key, its blinding values) itself. */
        if (op == PK_VERIFY) {
            mbedtls_pk_init(&pub);
            if (mbedtls_pk_parse_public_key(&pub, spki, spki_len) != 0) {
                die("mbedtls_pk_parse_public_key failed", NULL);
            }
        } else {
            pk_load(&pub, key_path);
            mbedtls_rsa_set_padding(mbedtls_pk_rsa(pub), MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA1);
        }
        k = &pub;
    }
    t0 = bench_clock_now();
    if (op == PK_VERIFY) {
        ret = mbedtls_pk_verify(k, MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, sig_len);
    } else {
        ret = mbedtls_rsa_rsaes_oaep_decrypt(mbedtls_pk_rsa(*k), mbed_rng, NULL, NULL, 0, &olen, ct,
                                             out, sizeof(out));
    }
    t1 = bench_clock_now();
    if (ret != 0 || (op == PK_OAEP_DECRYPT && (olen != 32 || memcmp(out, hash, 32) != 0))) {
        die("public-key operation failed", NULL);
    }
    if (fresh) {
        mbedtls_pk_free(&pub);
    }
    return t1 - t0;
}

static void bench_pk(const struct opts *o, const char *op_name, enum pk_op op, const char *key_pem)
{
    mbedtls_pk_context key;
    unsigned long n = 0, cap = 0;
    uint64_t *t = NULL, start;
    struct stats fresh, warm;

    pk_load(&key, key_pem);
    for (size_t i = 0; i < sizeof(hash); i++) {
        hash[i] = (unsigned char)(i * 7 + 1);
    }
    if (op == PK_VERIFY) {
        int len = mbedtls_pk_write_pubkey_der(&key, spki, sizeof(spki));
        if (len <= 0) {
            die("mbedtls_pk_write_pubkey_der failed", key_pem);
        }
        memmove(spki, spki + sizeof(spki) - (size_t)len, (size_t)len);
        spki_len = (size_t)len;
        if (mbedtls_pk_sign(&key, MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, sizeof(sig), &sig_len,
                            mbed_rng, NULL) != 0) {
            die("mbedtls_pk_sign failed", key_pem);
        }
    } else {
        mbedtls_rsa_context *rsa = mbedtls_pk_rsa(key);
        mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA1);
        if (mbedtls_rsa_rsaes_oaep_encrypt(rsa, mbed_rng, NULL, NULL, 0, 32, hash, ct) != 0) {
            die("mbedtls_rsa_rsaes_oaep_encrypt failed", key_pem);
        }
    }
    (void)pk_run(op, &key, key_pem, false);
    for (int pass = 0; pass < 2; pass++) {
        start = bench_clock_now();
        for (n = 0; more(o, n, start); n++) {
            t = push(t, &cap, n, pk_run(op, &key, key_pem, pass == 0));
        }
        if (pass == 0) {
            fresh = stats_of(t, n);
        } else {
            warm = stats_of(t, n);
        }
    }
    printf("latchkey.pk op=%s unit=%s iters=%lu fresh=%llu warm=%llu\n", op_name,
           bench_clock_unit(), n, (unsigned long long)fresh.median,
           (unsigned long long)warm.median);
    fflush(stdout);
    mbedtls_pk_free(&key);
    free(t);
}

/* The key file next to a certificate: pki/idp.crt -> pki/idp.key. */
static const char *key_of_cert(const char *cert)
{
    static char path[PATH_MAX_LEN];
    size_t n = strlen(cert);
    if (n < 4 || n >= sizeof(path) || strcmp(cert + n - 4, ".crt") != 0) {
        die("certificate path does not end in .crt", cert);
    }
    memcpy(path, cert, n - 4);
    memcpy(path + n - 4, ".key", 5);
    return path;
}

/* ---- calibration (M3) ------------------------------------------------------------------ */

#if defined(__arm__)
static uint64_t calibrate_loop(uint32_t n)
{
    uint64_t t0 = bench_clock_now(), t1;
    /* 2 instructions per iteration: subs, bne. */
    __asm__ volatile("1: subs %0, %0, #1\n"
                     "   bne 1b\n"
                     : "+r"(n)
                     :
                     : "cc");
    t1 = bench_clock_now();
    return t1 - t0;
}
#endif

static int calibrate(void)
{
#if defined(__arm__)
    /* The loop of 2 x 10 M instructions, minus an empty run (the clock reads themselves). */
    uint64_t empty = calibrate_loop(1), big = calibrate_loop(10000000u);
    printf("latchkey.calibrate expected=20000000 measured=%llu overhead=%llu\n",
           (unsigned long long)(big - empty), (unsigned long long)empty);
    return 0;
#else
    printf("bench_latchkey: --calibrate is for the Cortex-M3 build\n");
    return 2;
#endif
}

/* ---- main ------------------------------------------------------------------------------ */

static unsigned long num_arg(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0') {
        die("not a number", s);
    }
    return v;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    o->min_ms = 1000;
    o->min_iters = 20;
    o->max_iters = 1000000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (strcmp(a, "--min-ms") == 0 && has) {
            o->min_ms = num_arg(argv[++i]);
        } else if (strcmp(a, "--min-iters") == 0 && has) {
            o->min_iters = num_arg(argv[++i]);
        } else if (strcmp(a, "--max-iters") == 0 && has) {
            o->max_iters = num_arg(argv[++i]);
        } else if (strcmp(a, "--only") == 0 && has) {
            o->only = argv[++i];
        } else if (strcmp(a, "--once") == 0 && i + 2 < argc) {
            o->once = argv[++i];
            o->once_k = num_arg(argv[++i]);
        } else if (strcmp(a, "--no-pk") == 0) {
            o->no_pk = true;
        } else if (strcmp(a, "--pk-only") == 0) {
            o->pk_only = true;
        } else if (strcmp(a, "--calibrate") == 0) {
            o->calibrate = true;
        } else if (strcmp(a, "--wall") == 0) {
            o->wall = true;
        } else if (a[0] != '-' && o->manifest == NULL) {
            o->manifest = a;
        } else {
            die("usage: bench_latchkey [--min-ms N] [--min-iters N] [--max-iters N] "
                "[--only NAME] [--no-pk] [--pk-only] [--wall] [--once NAME K] [--calibrate] "
                "MANIFEST",
                a);
        }
    }
    if (o->max_iters == 0 || o->min_iters > o->max_iters) {
        die("need 0 < --min-iters <= --max-iters", NULL);
    }
}

int main(int argc, char **argv)
{
    struct opts o;
    parse_opts(argc, argv, &o);
    bench_clock_init(o.wall);
    if (o.calibrate) {
        return calibrate();
    }
    if (o.manifest == NULL) {
        die("no MANIFEST", NULL);
    }
    load_manifest(o.manifest);

    if (o.once != NULL) {
        /* callgrind: this invocation with K = 1 minus the one with K = 0 is one validation. */
        for (unsigned i = 0; i < n_responses; i++) {
            if (strcmp(responses[i].name, o.once) == 0) {
                struct loaded l;
                size_t peak = 0;
                unsigned long stack = 0;
                load_response(&responses[i], &l);
                for (unsigned long k = 0; k < o.once_k; k++) {
                    (void)validate_once(&responses[i], &l, &peak, &stack);
                }
                unload_response(&l);
                printf("latchkey.once name=%s k=%lu\n", o.once, o.once_k);
                return 0;
            }
        }
        die("no such response", o.once);
    }

    printf("latchkey.config probed=%d unit=%s clock=%s\n", PROBED, bench_clock_unit(),
           bench_clock_kind());
    for (unsigned i = 0; i < n_responses; i++) {
        if (!o.pk_only && (o.only == NULL || strcmp(o.only, responses[i].name) == 0)) {
            bench_response(&o, &responses[i]);
        }
    }
    if (!o.no_pk) {
        /* One of each kind the responses use, with their own keys. */
        bool rsa = false, ec = false, oaep = false;
        for (unsigned i = 0; i < n_responses; i++) {
            const struct response *r = &responses[i];
            if (o.only != NULL && strcmp(o.only, r->name) != 0) {
                continue;
            }
            if (strncmp(r->kind, "rsa", 3) == 0 && !rsa) {
                bench_pk(&o, "rsa2048_verify", PK_VERIFY, key_of_cert(r->cert));
                rsa = true;
            }
            if (strcmp(r->kind, "ecdsa") == 0 && !ec) {
                bench_pk(&o, "p256_verify", PK_VERIFY, key_of_cert(r->cert));
                ec = true;
            }
            if (strcmp(r->kind, "rsa+oaep") == 0 && !oaep) {
                bench_pk(&o, "rsa2048_oaep_decrypt", PK_OAEP_DECRYPT, r->sp_key);
                oaep = true;
            }
        }
    }
    return 0;
}
