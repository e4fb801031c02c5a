/*
 * The crypto adapter against vectors made by openssl and xmlsec1 (tests/vectors/crypto,
 * see its README), plus published known answers (FIPS 180 examples, the GCM spec).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sso/alloc.h"
#include "sso/crypto.h"
#include "sso/err.h"

/* ---- vector files, loaded once, freed at exit ----------------------------------------- */

#define MAX_FILES 128

static struct {
    char name[64];
    char *data;
    size_t len;
} files[MAX_FILES];
static size_t nfiles;

static void free_files(void)
{
    for (size_t i = 0; i < nfiles; i++) {
        free(files[i].data);
    }
    nfiles = 0;
}

/* Contents of tests/vectors/crypto/<name>, or NULL (a failed check follows). */
static const uint8_t *vec(const char *name, size_t *len)
{
    char rel[128];
    for (size_t i = 0; i < nfiles; i++) {
        if (strcmp(files[i].name, name) == 0) {
            *len = files[i].len;
            return (const uint8_t *)files[i].data;
        }
    }
    if (nfiles == MAX_FILES) {
        return NULL;
    }
    if (nfiles == 0) {
        atexit(free_files);
    }
    snprintf(rel, sizeof(rel), "vectors/crypto/%s", name);
    files[nfiles].data = lk_test_read_file(lk_tests_path(rel), &files[nfiles].len);
    if (files[nfiles].data == NULL) {
        lk_test_fail(__FILE__, __LINE__, "cannot read %s", rel);
        return NULL;
    }
    snprintf(files[nfiles].name, sizeof(files[nfiles].name), "%s", name);
    *len = files[nfiles].len;
    return (const uint8_t *)files[nfiles++].data;
}

#define VEC(var, len, name)                                                                        \
    size_t len;                                                                                    \
    const uint8_t *var = vec(name, &len);                                                          \
    TEST_TRUE(var != NULL)

static size_t unhex(const char *h, uint8_t *out, size_t out_size)
{
    size_t n = 0;
    for (; h[0] && h[1] && n < out_size; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[n++] = (uint8_t)v;
    }
    return n;
}

/* Deterministic RNG (xorshift32); and one that always fails. */
static int test_rng(void *ctx, uint8_t *buf, size_t len)
{
    uint32_t *s = ctx;
    for (size_t i = 0; i < len; i++) {
        *s ^= *s << 13;
        *s ^= *s >> 17;
        *s ^= *s << 5;
        buf[i] = (uint8_t)*s;
    }
    return 0;
}

static int failing_rng(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return -1;
}

static uint32_t rng_state = 0x12345678u;

static const char *const md_names[] = {"", "sha1", "sha256", "sha384", "sha512"};

/* ---- hashes --------------------------------------------------------------------------- */

/* FIPS 180-2 appendix examples: "abc". */
TEST_CASE(md_known_answers)
{
    static const struct {
        enum sso_md_alg alg;
        const char *hex;
    } kat[] = {
        {SSO_MD_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {SSO_MD_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {SSO_MD_SHA384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                        "8086072ba1e7cc2358baeca134c825a7"},
        {SSO_MD_SHA512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    };
    for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
        uint8_t want[SSO_MD_MAX_SIZE], got[SSO_MD_MAX_SIZE];
        size_t n = unhex(kat[i].hex, want, sizeof(want));
        TEST_EQ(sso_crypto_md_size(kat[i].alg), n);
        TEST_OK(sso_crypto_md(kat[i].alg, "abc", 3, got));
        TEST_MEM_EQ(got, want, n);
    }
    TEST_EQ(sso_crypto_md_size(SSO_MD_NONE), 0);
}

/* One million 'a' through the streaming interface, in uneven chunks (FIPS 180-2). */
TEST_CASE(md_streaming_million_a)
{
    static char chunk[1000];
    struct sso_md_ctx ctx;
    uint8_t want[32], got[32];
    size_t done = 0, step = 1;
    memset(chunk, 'a', sizeof(chunk));
    unhex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want, 32);
    TEST_OK(sso_crypto_md_start(&ctx, SSO_MD_SHA256));
    while (done < 1000000) {
        size_t n = step;
        if (n > 1000000 - done) {
            n = 1000000 - done;
        }
        TEST_OK(sso_crypto_md_update(&ctx, chunk, n));
        done += n;
        step = step % 997 + 1;
    }
    TEST_OK(sso_crypto_md_finish(&ctx, got));
    TEST_MEM_EQ(got, want, 32);
}

/* Digests of data.bin equal openssl dgst's, one-shot and streamed byte by byte. */
TEST_CASE(md_matches_openssl)
{
    VEC(data, data_len, "data.bin");
    for (int alg = SSO_MD_SHA1; alg <= SSO_MD_SHA512; alg++) {
        char name[32];
        uint8_t got[SSO_MD_MAX_SIZE];
        struct sso_md_ctx ctx;
        snprintf(name, sizeof(name), "data.%s", md_names[alg]);
        VEC(want, want_len, name);
        TEST_EQ(want_len, sso_crypto_md_size((enum sso_md_alg)alg));
        TEST_OK(sso_crypto_md((enum sso_md_alg)alg, data, data_len, got));
        TEST_MEM_EQ(got, want, want_len);
        memset(got, 0, sizeof(got));
        TEST_OK(sso_crypto_md_start(&ctx, (enum sso_md_alg)alg));
        for (size_t i = 0; i < data_len; i++) {
            TEST_OK(sso_crypto_md_update(&ctx, data + i, 1));
        }
        TEST_OK(sso_crypto_md_update(&ctx, NULL, 0));
        TEST_OK(sso_crypto_md_finish(&ctx, got));
        TEST_MEM_EQ(got, want, want_len);
    }
}

/* A context is usable only between start and finish/abort. */
TEST_CASE(md_misuse)
{
    struct sso_md_ctx ctx;
    uint8_t out[64];
    memset(&ctx, 0, sizeof(ctx));
    TEST_EQ(sso_crypto_md_update(&ctx, "x", 1), SSO_E_INVAL); /* never started */
    TEST_EQ(sso_crypto_md_start(&ctx, SSO_MD_NONE), SSO_E_INVAL);
    TEST_EQ(sso_crypto_md_start(&ctx, (enum sso_md_alg)42), SSO_E_INVAL);
    TEST_OK(sso_crypto_md_start(&ctx, SSO_MD_SHA384));
    TEST_OK(sso_crypto_md_finish(&ctx, out));
    TEST_EQ(sso_crypto_md_update(&ctx, "x", 1), SSO_E_INVAL); /* finished */
    TEST_EQ(sso_crypto_md_finish(&ctx, out), SSO_E_INVAL);
    TEST_OK(sso_crypto_md_start(&ctx, SSO_MD_SHA1));
    sso_crypto_md_abort(&ctx);
    TEST_EQ(sso_crypto_md_update(&ctx, "x", 1), SSO_E_INVAL); /* aborted */
    /* finish wipes the state: no hash state left in the caller's memory */
    TEST_OK(sso_crypto_md_start(&ctx, SSO_MD_SHA512));
    TEST_OK(sso_crypto_md_update(&ctx, "secret", 6));
    TEST_OK(sso_crypto_md_finish(&ctx, out));
    for (size_t i = 0; i < sizeof(ctx.opaque) / sizeof(ctx.opaque[0]); i++) {
        TEST_EQ(ctx.opaque[i], 0);
    }
    TEST_EQ(sso_crypto_md(SSO_MD_NONE, "x", 1, out), SSO_E_INVAL);
    TEST_EQ(sso_crypto_md(SSO_MD_SHA256, NULL, 1, out), SSO_E_INVAL);
    TEST_EQ(sso_crypto_md(SSO_MD_SHA256, "x", 1, NULL), SSO_E_INVAL);
}

/* ---- certificates --------------------------------------------------------------------- */

/* Every certificate in certs.txt: fingerprint, dates, key as openssl reported them. */
TEST_CASE(cert_info_matches_openssl)
{
    VEC(txt, txt_len, "certs.txt");
    const char *p = (const char *)txt, *end = p + txt_len;
    int seen = 0;
    while (p < end) {
        char name[32], fp[65], type[16], file[48], subject[64];
        long long nb, na;
        unsigned bits;
        uint8_t want_fp[32];
        struct sso_cert_info info;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        TEST_EQ(sscanf(p, "%31s %64s %lld %lld %15s %u", name, fp, &nb, &na, type, &bits), 6);
        p = nl ? nl + 1 : end;
        snprintf(file, sizeof(file), "%s.crt.der", name);
        VEC(der, der_len, file);
        TEST_OK(sso_crypto_cert_info(der, der_len, &info));
        unhex(fp, want_fp, sizeof(want_fp));
        TEST_MEM_EQ(info.sha256, want_fp, 32);
        TEST_EQ(info.not_before_s, nb);
        TEST_EQ(info.not_after_s, na);
        TEST_EQ(info.key_bits, bits);
        if (strcmp(type, "rsa") == 0) {
            TEST_EQ(info.key_type, SSO_KEY_RSA);
        } else if (strcmp(type, "ec-p256") == 0) {
            TEST_EQ(info.key_type, SSO_KEY_EC_P256);
        } else {
            TEST_STR_EQ(type, "ec-p384");
            TEST_EQ(info.key_type, SSO_KEY_EC_P384);
        }
        if (strcmp(name, "longdn") != 0) {
            snprintf(subject, sizeof(subject), "C=CH, O=Latchkey Test, CN=%s.test", name);
            TEST_STR_EQ(info.subject, subject);
        }
        seen++;
    }
    TEST_EQ(seen, 9);
}

/* ec384's notAfter is past 2049, so it is a GeneralizedTime; 40000 days after notBefore. */
TEST_CASE(cert_info_generalized_time)
{
    VEC(der, der_len, "ec384.crt.der");
    struct sso_cert_info info;
    TEST_OK(sso_crypto_cert_info(der, der_len, &info));
    TEST_TRUE(info.not_after_s > 2524608000); /* 2050-01-01 */
    TEST_EQ(info.not_after_s - info.not_before_s, 40000LL * 86400);
}

TEST_CASE(cert_info_long_subject_truncated)
{
    VEC(der, der_len, "longdn.crt.der");
    struct sso_cert_info info;
    const char *want = "C=CH, ST=Vaud, L=Lausanne, O=Latchkey Test Organisation With A Rather "
                       "Long Name, OU=Identity and Access Management Engineering, CN=a-long";
    TEST_OK(sso_crypto_cert_info(der, der_len, &info));
    TEST_EQ(strlen(info.subject), sizeof(info.subject) - 1);
    TEST_TRUE(strncmp(info.subject, want, sizeof(info.subject) - 1) == 0);
}

static const uint8_t rsa_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};

/* Offset of the first occurrence of needle in hay, 0 if none (never at 0 in a cert). */
static size_t find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 1; i + m <= n; i++) {
        if (memcmp(hay + i, needle, m) == 0) {
            return i;
        }
    }
    return 0;
}

TEST_CASE(cert_info_rejects_bad_der)
{
    VEC(der, der_len, "rsa2048.crt.der");
    static uint8_t buf[4096];
    struct sso_cert_info info;
    TEST_TRUE(der_len + 1 <= sizeof(buf));
    /* Truncated anywhere. */
    for (size_t cut = 0; cut < der_len; cut += 37) {
        memset(&info, 0xaa, sizeof(info));
        TEST_EQ(sso_crypto_cert_info(der, cut, &info), SSO_E_MD_CERT);
        TEST_EQ(info.key_type, SSO_KEY_NONE); /* no half-filled result */
        TEST_EQ(info.key_bits, 0);
    }
    /* One trailing byte: the fingerprint would not cover everything that was pasted. */
    memcpy(buf, der, der_len);
    buf[der_len] = 0;
    TEST_EQ(sso_crypto_cert_info(buf, der_len + 1, &info), SSO_E_MD_CERT);
    /* Not a certificate at all. */
    TEST_EQ(sso_crypto_cert_info((const uint8_t *)"hello world", 11, &info), SSO_E_MD_CERT);
    VEC(key, key_len, "rsa2048.p8.der");
    TEST_EQ(sso_crypto_cert_info(key, key_len, &info), SSO_E_MD_CERT);
    /* A damaged public-key algorithm OID (rsaEncryption -> 1.2.840.113549.1.1.99). */
    memcpy(buf, der, der_len);
    size_t at = find(buf, der_len, rsa_oid, sizeof(rsa_oid));
    TEST_TRUE(at != 0);
    buf[at + sizeof(rsa_oid) - 1] = 99;
    TEST_EQ(sso_crypto_cert_info(buf, der_len, &info), SSO_E_MD_CERT);
    /* A damaged notBefore (UTCTime with a letter in it). */
    memcpy(buf, der, der_len);
    at = find(buf, der_len, (const uint8_t *)"\x17\x0d", 2);
    TEST_TRUE(at != 0);
    buf[at + 4] = 'x';
    TEST_EQ(sso_crypto_cert_info(buf, der_len, &info), SSO_E_MD_CERT);
    TEST_EQ(sso_crypto_cert_info(NULL, 0, &info), SSO_E_INVAL);
}

/* The certificate's own signature algorithm is irrelevant to a pinned key: one mbedTLS
 * does not know (md5WithRSA at Oracle OAM, OID 0.0 in OneLogin examples; here sha256WithRSA
 * turned into 1.2.840.113549.1.1.99) still gives the key, the names and the dates. */
TEST_CASE(cert_info_unknown_signature_algorithm)
{
    VEC(der, der_len, "rsa2048.crt.der");
    static uint8_t buf[4096];
    static const uint8_t sha256rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
    struct sso_cert_info good, info;
    uint8_t fp[32];
    TEST_OK(sso_crypto_cert_info(der, der_len, &good));
    memcpy(buf, der, der_len);
    size_t at = find(buf, der_len, sha256rsa, sizeof(sha256rsa)); /* TBS signature field */
    TEST_TRUE(at != 0);
    buf[at + sizeof(sha256rsa) - 1] = 99;
    TEST_OK(sso_crypto_cert_info(buf, der_len, &info));
    TEST_OK(sso_crypto_md(SSO_MD_SHA256, buf, der_len, fp));
    TEST_MEM_EQ(info.sha256, fp, 32); /* fingerprint of the bytes given, not of a rewrite */
    TEST_EQ(info.key_type, SSO_KEY_RSA);
    TEST_EQ(info.key_bits, 2048);
    TEST_EQ(info.not_before_s, good.not_before_s);
    TEST_EQ(info.not_after_s, good.not_after_s);
    TEST_STR_EQ(info.subject, good.subject);
    /* Both fields changed the same way (what a real md5WithRSA certificate looks like). */
    size_t at2 = find(buf + at + 1, der_len - at - 1, sha256rsa, sizeof(sha256rsa));
    TEST_TRUE(at2 != 0);
    buf[at + 1 + at2 + sizeof(sha256rsa) - 1] = 4; /* md5WithRSAEncryption */
    buf[at + sizeof(sha256rsa) - 1] = 4;
    TEST_OK(sso_crypto_cert_info(buf, der_len, &info));
    TEST_EQ(info.key_type, SSO_KEY_RSA);
    TEST_STR_EQ(info.subject, good.subject);
    /* Trailing bytes are still refused on this path. */
    buf[der_len] = 0;
    TEST_EQ(sso_crypto_cert_info(buf, der_len + 1, &info), SSO_E_MD_CERT);
}

/* ---- PEM ------------------------------------------------------------------------------ */

static uint8_t pem_out[8192];
static char pem_buf[16384];

TEST_CASE(pem_certificate_and_key)
{
    VEC(pem, pem_len, "rsa2048.crt.pem");
    VEC(der, der_len, "rsa2048.crt.der");
    VEC(kpem, kpem_len, "rsa2048.p8.pem");
    VEC(kder, kder_len, "rsa2048.p8.der");
    size_t n;
    TEST_OK(sso_crypto_pem_to_der((const char *)pem, pem_len, "CERTIFICATE", pem_out,
                                  sizeof(pem_out), &n));
    TEST_EQ(n, der_len);
    TEST_MEM_EQ(pem_out, der, n);
    TEST_OK(sso_crypto_pem_to_der((const char *)pem, pem_len, NULL, pem_out, sizeof(pem_out), &n));
    TEST_EQ(n, der_len);
    TEST_OK(sso_crypto_pem_to_der((const char *)kpem, kpem_len, "PRIVATE KEY", pem_out,
                                  sizeof(pem_out), &n));
    TEST_EQ(n, kder_len);
    TEST_MEM_EQ(pem_out, kder, n);
    /* Exact-size buffer works, one byte less does not. */
    TEST_OK(sso_crypto_pem_to_der((const char *)pem, pem_len, "CERTIFICATE", pem_out, der_len, &n));
    TEST_EQ(
        sso_crypto_pem_to_der((const char *)pem, pem_len, "CERTIFICATE", pem_out, der_len - 1, &n),
        SSO_E_NOSPC);
}

/* Build "<pre><pem with LF replaced by CRLF><post>" in pem_buf. */
static size_t crlf_wrap(const char *pre, const uint8_t *pem, size_t pem_len, const char *post)
{
    size_t o = 0;
    o += (size_t)snprintf(pem_buf + o, sizeof(pem_buf) - o, "%s", pre);
    for (size_t i = 0; i < pem_len && o + 2 < sizeof(pem_buf); i++) {
        if (pem[i] == '\n') {
            pem_buf[o++] = '\r';
        }
        pem_buf[o++] = (char)pem[i];
    }
    o += (size_t)snprintf(pem_buf + o, sizeof(pem_buf) - o, "%s", post);
    return o;
}

TEST_CASE(pem_crlf_and_junk_lines)
{
    VEC(pem, pem_len, "ec256.crt.pem");
    VEC(der, der_len, "ec256.crt.der");
    VEC(kpem, kpem_len, "ec256.p8.pem");
    size_t n, len;
    len = crlf_wrap("Bag Attributes\r\n    localKeyID: 01 00 00 00\r\nsubject=/CN=x\r\n", pem,
                    pem_len, "trailing junk\r\n-----\r\n");
    TEST_OK(sso_crypto_pem_to_der(pem_buf, len, "CERTIFICATE", pem_out, sizeof(pem_out), &n));
    TEST_EQ(n, der_len);
    TEST_MEM_EQ(pem_out, der, n);
    /* Pasted into a form: indented marker lines, trailing blanks, no final newline. */
    len = (size_t)snprintf(pem_buf, sizeof(pem_buf), "  -----BEGIN CERTIFICATE----- \n%.*s",
                           (int)(pem_len - 28 - 26), (const char *)pem + 28);
    len += (size_t)snprintf(pem_buf + len, sizeof(pem_buf) - len, "\t-----END CERTIFICATE-----");
    TEST_OK(sso_crypto_pem_to_der(pem_buf, len, "CERTIFICATE", pem_out, sizeof(pem_out), &n));
    TEST_EQ(n, der_len);
    TEST_MEM_EQ(pem_out, der, n);
    /* Key and certificate in one file: the label picks the block. */
    len = crlf_wrap("", kpem, kpem_len, "");
    memcpy(pem_buf + len, pem, pem_len);
    len += pem_len;
    TEST_OK(sso_crypto_pem_to_der(pem_buf, len, "CERTIFICATE", pem_out, sizeof(pem_out), &n));
    TEST_EQ(n, der_len);
    TEST_MEM_EQ(pem_out, der, n);
    TEST_OK(sso_crypto_pem_to_der(pem_buf, len, NULL, pem_out, sizeof(pem_out), &n));
    TEST_TRUE(n != der_len); /* NULL takes the first block: the key */
}

TEST_CASE(pem_rejections)
{
    VEC(pem, pem_len, "rsa2048.crt.pem");
    const char *body = (const char *)pem + 28; /* after "-----BEGIN CERTIFICATE-----\n" */
    int body_len = (int)(pem_len - 28 - 26);   /* before "-----END CERTIFICATE-----\n" */
    size_t n, len;
    /* Wrong label asked for. */
    TEST_EQ(sso_crypto_pem_to_der((const char *)pem, pem_len, "PRIVATE KEY", pem_out,
                                  sizeof(pem_out), &n),
            SSO_E_B64);
    TEST_EQ(sso_crypto_pem_to_der((const char *)pem, pem_len, "CERT", pem_out, sizeof(pem_out), &n),
            SSO_E_B64);
    /* END label differs from BEGIN. */
    len = (size_t)snprintf(pem_buf, sizeof(pem_buf),
                           "-----BEGIN CERTIFICATE-----\n%.*s-----END PRIVATE KEY-----\n", body_len,
                           body);
    TEST_EQ(sso_crypto_pem_to_der(pem_buf, len, NULL, pem_out, sizeof(pem_out), &n), SSO_E_B64);
    /* No END line (truncated paste). */
    len = (size_t)snprintf(pem_buf, sizeof(pem_buf), "-----BEGIN CERTIFICATE-----\n%.*s", body_len,
                           body);
    TEST_EQ(sso_crypto_pem_to_der(pem_buf, len, NULL, pem_out, sizeof(pem_out), &n), SSO_E_B64);
    /* Encrypted-key headers are not base64. */
    len = (size_t)snprintf(pem_buf, sizeof(pem_buf),
                           "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                           "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n%.*s"
                           "-----END RSA PRIVATE KEY-----\n",
                           body_len, body);
    TEST_EQ(sso_crypto_pem_to_der(pem_buf, len, NULL, pem_out, sizeof(pem_out), &n), SSO_E_B64);
    /* A damaged body. */
    len = (size_t)snprintf(pem_buf, sizeof(pem_buf),
                           "-----BEGIN CERTIFICATE-----\n%.*s!\n-----END CERTIFICATE-----\n",
                           body_len, body);
    TEST_EQ(sso_crypto_pem_to_der(pem_buf, len, NULL, pem_out, sizeof(pem_out), &n), SSO_E_B64);
    /* No PEM at all; a marker missing its dashes; empty input. */
    TEST_EQ(sso_crypto_pem_to_der(body, (size_t)body_len, NULL, pem_out, sizeof(pem_out), &n),
            SSO_E_B64);
    len = (size_t)snprintf(pem_buf, sizeof(pem_buf),
                           "-----BEGIN CERTIFICATE----\n%.*s-----END CERTIFICATE-----\n", body_len,
                           body);
    TEST_EQ(sso_crypto_pem_to_der(pem_buf, len, NULL, pem_out, sizeof(pem_out), &n), SSO_E_B64);
    TEST_EQ(sso_crypto_pem_to_der("", 0, NULL, pem_out, sizeof(pem_out), &n), SSO_E_B64);
}

/* ---- signatures ----------------------------------------------------------------------- */

/* Verify <sig> over data.bin with <cert>.crt.der and hash <md>. */
static int verify_files(const char *cert, enum sso_sig_scheme scheme, enum sso_md_alg md,
                        const char *sig, bool weak_ok)
{
    char cname[48], hname[32];
    size_t cert_len, hash_len, sig_len;
    const uint8_t *c, *h, *s;
    snprintf(cname, sizeof(cname), "%s.crt.der", cert);
    snprintf(hname, sizeof(hname), "data.%s", md_names[md]);
    c = vec(cname, &cert_len);
    h = vec(hname, &hash_len);
    s = vec(sig, &sig_len);
    if (c == NULL || h == NULL || s == NULL) {
        return 12345;
    }
    return sso_crypto_verify_cert(c, cert_len, scheme, md, h, s, sig_len, weak_ok);
}

TEST_CASE(verify_rsa_every_hash)
{
    TEST_OK(verify_files("rsa2048", SSO_SIG_RSA_PKCS1, SSO_MD_SHA1, "rsa2048-sha1.sig", false));
    TEST_OK(verify_files("rsa2048", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "rsa2048-sha256.sig", false));
    TEST_OK(verify_files("rsa2048", SSO_SIG_RSA_PKCS1, SSO_MD_SHA384, "rsa2048-sha384.sig", false));
    TEST_OK(verify_files("rsa2048", SSO_SIG_RSA_PKCS1, SSO_MD_SHA512, "rsa2048-sha512.sig", false));
    TEST_OK(verify_files("rsa3072", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "rsa3072-sha256.sig", false));
    TEST_OK(verify_files("rsa4096", SSO_SIG_RSA_PKCS1, SSO_MD_SHA512, "rsa4096-sha512.sig", false));
    TEST_OK(verify_files("longdn", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "rsa2048-sha256.sig", false));
}

TEST_CASE(verify_ecdsa_raw)
{
    TEST_OK(verify_files("ec256", SSO_SIG_ECDSA, SSO_MD_SHA256, "ec256-sha256.sig", false));
    TEST_OK(verify_files("ec256", SSO_SIG_ECDSA, SSO_MD_SHA384, "ec256-sha384.sig", false));
    TEST_OK(verify_files("ec256", SSO_SIG_ECDSA, SSO_MD_SHA1, "ec256-sha1.sig", false));
    TEST_OK(verify_files("ec384", SSO_SIG_ECDSA, SSO_MD_SHA384, "ec384-sha384.sig", false));
    TEST_OK(verify_files("ec384", SSO_SIG_ECDSA, SSO_MD_SHA256, "ec384-sha256.sig", false));
    TEST_OK(verify_files("ec384", SSO_SIG_ECDSA, SSO_MD_SHA512, "ec384-sha512.sig", false));
}

/* What some libraries emit by mistake: the DER form. Never accepted. */
TEST_CASE(verify_ecdsa_der_rejected)
{
    TEST_EQ(verify_files("ec256", SSO_SIG_ECDSA, SSO_MD_SHA256, "ec256-sha256.der.sig", false),
            SSO_E_DSIG_BAD);
    TEST_EQ(verify_files("ec384", SSO_SIG_ECDSA, SSO_MD_SHA384, "ec384-sha384.der.sig", false),
            SSO_E_DSIG_BAD);
    /* A P-256 raw signature against a P-384 key (length), and the converse. */
    TEST_EQ(verify_files("ec384", SSO_SIG_ECDSA, SSO_MD_SHA256, "ec256-sha256.sig", false),
            SSO_E_DSIG_BAD);
    TEST_EQ(verify_files("ec256", SSO_SIG_ECDSA, SSO_MD_SHA384, "ec384-sha384.sig", false),
            SSO_E_DSIG_BAD);
}

TEST_CASE(verify_weak_rsa)
{
    /* 1024-bit: refused unless the legacy opt-in is set, and then really verified. */
    TEST_EQ(verify_files("rsa1024", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "rsa1024-sha256.sig", false),
            SSO_E_DSIG_KEY_WEAK);
    TEST_OK(verify_files("rsa1024", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "rsa1024-sha256.sig", true));
    TEST_EQ(verify_files("rsa1024", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "rsa2048-sha256.sig", true),
            SSO_E_DSIG_BAD);
    /* The weak-key verdict comes before any look at the signature. */
    TEST_EQ(verify_files("rsa1024", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "ec256-sha256.sig", false),
            SSO_E_DSIG_KEY_WEAK);
}

TEST_CASE(verify_wrong_key_or_hash)
{
    TEST_EQ(verify_files("rsa2048b", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "rsa2048-sha256.sig", false),
            SSO_E_DSIG_BAD);
    TEST_EQ(verify_files("rsa3072", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "rsa2048-sha256.sig", false),
            SSO_E_DSIG_BAD);
    TEST_EQ(verify_files("ec256b", SSO_SIG_ECDSA, SSO_MD_SHA256, "ec256-sha256.sig", false),
            SSO_E_DSIG_BAD);
    /* Right key, signature made with another hash. */
    TEST_EQ(verify_files("rsa2048", SSO_SIG_RSA_PKCS1, SSO_MD_SHA384, "rsa2048-sha256.sig", false),
            SSO_E_DSIG_BAD);
    TEST_EQ(verify_files("rsa2048", SSO_SIG_RSA_PKCS1, SSO_MD_SHA1, "rsa2048-sha256.sig", false),
            SSO_E_DSIG_BAD);
    TEST_EQ(verify_files("ec256", SSO_SIG_ECDSA, SSO_MD_SHA256, "ec256-sha384.sig", false),
            SSO_E_DSIG_BAD);
}

TEST_CASE(verify_wrong_scheme)
{
    /* RSA key + ECDSA scheme and the converse: algorithm errors, not "bad signature". */
    TEST_EQ(verify_files("rsa2048", SSO_SIG_ECDSA, SSO_MD_SHA256, "rsa2048-sha256.sig", false),
            SSO_E_DSIG_ALG);
    TEST_EQ(verify_files("rsa2048", SSO_SIG_ECDSA, SSO_MD_SHA256, "ec256-sha256.sig", false),
            SSO_E_DSIG_ALG);
    TEST_EQ(verify_files("ec256", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, "ec256-sha256.sig", false),
            SSO_E_DSIG_ALG);
    TEST_EQ(
        verify_files("rsa2048", (enum sso_sig_scheme)3, SSO_MD_SHA256, "rsa2048-sha256.sig", false),
        SSO_E_DSIG_ALG);
    {
        VEC(c, c_len, "rsa2048.crt.der");
        VEC(s, s_len, "rsa2048-sha256.sig");
        static const uint8_t h[64];
        TEST_EQ(
            sso_crypto_verify_cert(c, c_len, SSO_SIG_RSA_PKCS1, SSO_MD_NONE, h, s, s_len, false),
            SSO_E_DSIG_ALG);
    }
}

/* Flip each bit position class of signature and hash; change lengths. */
TEST_CASE(verify_tampered)
{
    static const struct {
        const char *cert, *sig;
        enum sso_sig_scheme scheme;
    } k[] = {
        {"rsa2048", "rsa2048-sha256.sig", SSO_SIG_RSA_PKCS1},
        {"ec256", "ec256-sha256.sig", SSO_SIG_ECDSA},
        {"ec384", "ec384-sha256.sig", SSO_SIG_ECDSA},
    };
    static uint8_t sig[600];
    for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        char cname[48];
        uint8_t h[32];
        snprintf(cname, sizeof(cname), "%s.crt.der", k[i].cert);
        VEC(c, c_len, cname);
        VEC(s, s_len, k[i].sig);
        VEC(hash, h_len, "data.sha256");
        TEST_TRUE(s_len + 1 <= sizeof(sig));
        memcpy(h, hash, 32);
        memcpy(sig, s, s_len);
        TEST_OK(sso_crypto_verify_cert(c, c_len, k[i].scheme, SSO_MD_SHA256, h, sig, s_len, false));
        for (size_t pos = 0; pos < s_len; pos += 7) {
            sig[pos] ^= (uint8_t)(1u << (pos % 8));
            TEST_EQ(
                sso_crypto_verify_cert(c, c_len, k[i].scheme, SSO_MD_SHA256, h, sig, s_len, false),
                SSO_E_DSIG_BAD);
            sig[pos] ^= (uint8_t)(1u << (pos % 8));
        }
        for (size_t pos = 0; pos < 32; pos += 5) {
            h[pos] ^= 0x40;
            TEST_EQ(
                sso_crypto_verify_cert(c, c_len, k[i].scheme, SSO_MD_SHA256, h, sig, s_len, false),
                SSO_E_DSIG_BAD);
            h[pos] ^= 0x40;
        }
        /* truncated, one byte too many (trailing zero), a leading zero byte, empty */
        TEST_EQ(
            sso_crypto_verify_cert(c, c_len, k[i].scheme, SSO_MD_SHA256, h, sig, s_len - 1, false),
            SSO_E_DSIG_BAD);
        sig[s_len] = 0;
        TEST_EQ(
            sso_crypto_verify_cert(c, c_len, k[i].scheme, SSO_MD_SHA256, h, sig, s_len + 1, false),
            SSO_E_DSIG_BAD);
        memmove(sig + 1, sig, s_len);
        sig[0] = 0;
        TEST_EQ(
            sso_crypto_verify_cert(c, c_len, k[i].scheme, SSO_MD_SHA256, h, sig, s_len + 1, false),
            SSO_E_DSIG_BAD);
        TEST_EQ(sso_crypto_verify_cert(c, c_len, k[i].scheme, SSO_MD_SHA256, h, sig, 0, false),
                SSO_E_DSIG_BAD);
        /* all-zero and all-ones values of the right length (r = 0, r >= n) */
        memset(sig, 0, s_len);
        TEST_EQ(sso_crypto_verify_cert(c, c_len, k[i].scheme, SSO_MD_SHA256, h, sig, s_len, false),
                SSO_E_DSIG_BAD);
        memset(sig, 0xff, s_len);
        TEST_EQ(sso_crypto_verify_cert(c, c_len, k[i].scheme, SSO_MD_SHA256, h, sig, s_len, false),
                SSO_E_DSIG_BAD);
    }
}

TEST_CASE(verify_bad_certificate)
{
    VEC(c, c_len, "rsa2048.crt.der");
    VEC(s, s_len, "rsa2048-sha256.sig");
    VEC(h, h_len, "data.sha256");
    VEC(key, key_len, "rsa2048.p8.der");
    static uint8_t buf[4096];
    TEST_EQ(
        sso_crypto_verify_cert(c, c_len - 1, SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, h, s, s_len, false),
        SSO_E_MD_CERT);
    TEST_EQ(sso_crypto_verify_cert(c, 40, SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, h, s, s_len, false),
            SSO_E_MD_CERT);
    memcpy(buf, c, c_len);
    buf[c_len] = 0;
    TEST_EQ(sso_crypto_verify_cert(buf, c_len + 1, SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, h, s, s_len,
                                   false),
            SSO_E_MD_CERT);
    TEST_EQ(
        sso_crypto_verify_cert(key, key_len, SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, h, s, s_len, false),
        SSO_E_MD_CERT);
    TEST_EQ(sso_crypto_verify_cert((const uint8_t *)"", 0, SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, h, s,
                                   s_len, false),
            SSO_E_MD_CERT);
    TEST_EQ(
        sso_crypto_verify_cert(c, c_len, SSO_SIG_RSA_PKCS1, SSO_MD_SHA256, NULL, s, s_len, false),
        SSO_E_INVAL);
}

/* ---- RSA-OAEP ------------------------------------------------------------------------- */

static uint8_t oaep_out[600];

static int oaep_files(const char *key, enum sso_md_alg md, enum sso_md_alg mgf, const char *ct,
                      size_t *out_len)
{
    size_t key_len, ct_len;
    const uint8_t *k = vec(key, &key_len), *c = vec(ct, &ct_len);
    if (k == NULL || c == NULL) {
        return 12345;
    }
    memset(oaep_out, 0xee, sizeof(oaep_out));
    return sso_crypto_rsa_oaep_decrypt(k, key_len, md, mgf, c, ct_len, oaep_out, sizeof(oaep_out),
                                       out_len, test_rng, &rng_state);
}

TEST_CASE(oaep_openssl_vectors)
{
    static const struct {
        const char *key, *ct, *plain;
        enum sso_md_alg md, mgf;
    } v[] = {
        {"rsa2048.p8.der", "oaep-rsa2048-sha1-mgf1sha1.bin", "key32.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        {"rsa2048.pkcs1.der", "oaep-rsa2048-sha1-mgf1sha1.bin", "key32.bin", SSO_MD_SHA1,
         SSO_MD_SHA1},
        /* xmlenc#rsa-oaep-mgf1p with DigestMethod sha256: MGF1 stays SHA-1 */
        {"rsa2048.p8.der", "oaep-rsa2048-sha256-mgf1sha1.bin", "key32.bin", SSO_MD_SHA256,
         SSO_MD_SHA1},
        {"rsa2048.p8.der", "oaep-rsa2048-sha256-mgf1sha256.bin", "key32.bin", SSO_MD_SHA256,
         SSO_MD_SHA256},
        {"rsa2048.p8.der", "oaep-rsa2048-sha384-mgf1sha1.bin", "key32.bin", SSO_MD_SHA384,
         SSO_MD_SHA1},
        {"rsa2048.p8.der", "oaep-rsa2048-sha512-mgf1sha512.bin", "key32.bin", SSO_MD_SHA512,
         SSO_MD_SHA512},
        {"rsa2048.p8.der", "oaep-rsa2048-sha1-mgf1sha256.bin", "key32.bin", SSO_MD_SHA1,
         SSO_MD_SHA256},
        {"rsa3072.p8.der", "oaep-rsa3072-sha1-mgf1sha1.bin", "key32.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        {"rsa4096.p8.der", "oaep-rsa4096-sha256-mgf1sha1.bin", "key32.bin", SSO_MD_SHA256,
         SSO_MD_SHA1},
        {"rsa1024.p8.der", "oaep-rsa1024-sha1-mgf1sha1.bin", "key16.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        /* hand-encoded controls: proof that the failure vectors below are made right */
        {"rsa2048.p8.der", "oaep-rsa2048-craft-ok.bin", "key32.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        {"rsa2048.p8.der", "oaep-rsa2048-craft-max.bin", "oaep-max-msg.bin", SSO_MD_SHA1,
         SSO_MD_SHA1},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t n = 0;
        VEC(plain, plain_len, v[i].plain);
        int rc = oaep_files(v[i].key, v[i].md, v[i].mgf, v[i].ct, &n);
        if (rc != SSO_OK) {
            lk_test_fail(__FILE__, __LINE__, "%s: %d", v[i].ct, rc);
            return;
        }
        TEST_EQ(n, plain_len);
        TEST_MEM_EQ(oaep_out, plain, n);
    }
    {
        size_t n = 99;
        TEST_OK(oaep_files("rsa2048.p8.der", SSO_MD_SHA1, SSO_MD_SHA1,
                           "oaep-rsa2048-craft-empty.bin", &n));
        TEST_EQ(n, 0);
    }
}

/* Every way to fail gives the one error, SSO_E_ENC_DECRYPT. */
TEST_CASE(oaep_uniform_error)
{
    static const struct {
        const char *key, *ct;
        enum sso_md_alg md, mgf;
    } v[] = {
        /* hand-encoded blocks with one defect each (Manger's oracle is the first) */
        {"rsa2048.p8.der", "oaep-rsa2048-craft-y.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        {"rsa2048.p8.der", "oaep-rsa2048-craft-lhash.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        {"rsa2048.p8.der", "oaep-rsa2048-craft-sep.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        {"rsa2048.p8.der", "oaep-rsa2048-craft-nosep.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        {"rsa2048.p8.der", "oaep-rsa2048-craft-ps.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        /* wrong key */
        {"rsa2048b.p8.der", "oaep-rsa2048-sha1-mgf1sha1.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        /* wrong OAEP digest, wrong MGF1 digest (mbedTLS's one-hash OAEP would give this) */
        {"rsa2048.p8.der", "oaep-rsa2048-sha1-mgf1sha1.bin", SSO_MD_SHA256, SSO_MD_SHA1},
        {"rsa2048.p8.der", "oaep-rsa2048-sha256-mgf1sha1.bin", SSO_MD_SHA256, SSO_MD_SHA256},
        {"rsa2048.p8.der", "oaep-rsa2048-sha256-mgf1sha256.bin", SSO_MD_SHA256, SSO_MD_SHA1},
        /* ciphertext of another key size */
        {"rsa2048.p8.der", "oaep-rsa3072-sha1-mgf1sha1.bin", SSO_MD_SHA1, SSO_MD_SHA1},
        {"rsa2048.p8.der", "oaep-rsa1024-sha1-mgf1sha1.bin", SSO_MD_SHA1, SSO_MD_SHA1},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t n = 99;
        int rc = oaep_files(v[i].key, v[i].md, v[i].mgf, v[i].ct, &n);
        if (rc != SSO_E_ENC_DECRYPT) {
            lk_test_fail(__FILE__, __LINE__, "%s with %s: %d", v[i].ct, v[i].key, rc);
            return;
        }
        TEST_EQ(n, 0);
        TEST_EQ(oaep_out[0], 0xee); /* nothing written */
    }
}

TEST_CASE(oaep_tampered_and_malformed)
{
    VEC(key, key_len, "rsa2048.p8.der");
    VEC(ct, ct_len, "oaep-rsa2048-sha256-mgf1sha1.bin");
    static uint8_t c[300];
    size_t n;
    TEST_TRUE(ct_len + 1 <= sizeof(c));
    memcpy(c, ct, ct_len);
    for (size_t pos = 0; pos < ct_len; pos += 17) {
        c[pos] ^= 0x01;
        TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA256, SSO_MD_SHA1, c, ct_len,
                                            oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
                SSO_E_ENC_DECRYPT);
        c[pos] ^= 0x01;
    }
    /* truncated, padded, >= modulus */
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA256, SSO_MD_SHA1, c, ct_len - 1,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_DECRYPT);
    c[ct_len] = 0;
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA256, SSO_MD_SHA1, c, ct_len + 1,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_DECRYPT);
    memset(c, 0xff, ct_len);
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA256, SSO_MD_SHA1, c, ct_len,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_DECRYPT);
    memset(c, 0, ct_len);
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA256, SSO_MD_SHA1, c, ct_len,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_DECRYPT);
}

TEST_CASE(oaep_arguments_and_key)
{
    VEC(key, key_len, "rsa2048.p8.der");
    VEC(eckey, eckey_len, "ec256.p8.der");
    VEC(k1024, k1024_len, "rsa1024.p8.der");
    VEC(cert, cert_len, "rsa2048.crt.der");
    VEC(ct, ct_len, "oaep-rsa2048-sha1-mgf1sha1.bin");
    VEC(plain, plain_len, "key32.bin");
    size_t n;
    /* Output buffer: exactly the message fits; one byte less is NOSPC. */
    TEST_OK(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA1, SSO_MD_SHA1, ct, ct_len,
                                        oaep_out, plain_len, &n, test_rng, &rng_state));
    TEST_EQ(n, plain_len);
    TEST_MEM_EQ(oaep_out, plain, n);
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA1, SSO_MD_SHA1, ct, ct_len,
                                        oaep_out, plain_len - 1, &n, test_rng, &rng_state),
            SSO_E_NOSPC);
    /* Unsupported digests. */
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_NONE, SSO_MD_SHA1, ct, ct_len,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_ALG);
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA1, SSO_MD_NONE, ct, ct_len,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_ALG);
    /* Unusable keys: not RSA, not a private key, garbage; 1024 bits too small for SHA-512. */
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(eckey, eckey_len, SSO_MD_SHA1, SSO_MD_SHA1, ct, ct_len,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_NO_KEY);
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(cert, cert_len, SSO_MD_SHA1, SSO_MD_SHA1, ct, ct_len,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_NO_KEY);
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len / 2, SSO_MD_SHA1, SSO_MD_SHA1, ct, ct_len,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_NO_KEY);
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(k1024, k1024_len, SSO_MD_SHA512, SSO_MD_SHA512, ct, 128,
                                        oaep_out, sizeof(oaep_out), &n, test_rng, &rng_state),
            SSO_E_ENC_NO_KEY);
    /* Blinding needs randomness: none given, or a failing source. */
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA1, SSO_MD_SHA1, ct, ct_len,
                                        oaep_out, sizeof(oaep_out), &n, NULL, NULL),
            SSO_E_INVAL);
    TEST_EQ(sso_crypto_rsa_oaep_decrypt(key, key_len, SSO_MD_SHA1, SSO_MD_SHA1, ct, ct_len,
                                        oaep_out, sizeof(oaep_out), &n, failing_rng, NULL),
            SSO_E_RANDOM);
}

/* ---- AES ------------------------------------------------------------------------------ */

static uint8_t aes_out[256];
static uint8_t aes_in[256];

TEST_CASE(aes_cbc_openssl_vectors)
{
    static const struct {
        const char *key, *ct, *plain;
    } v[] = {
        {"aes128.key", "cbc128.bin", "plain.bin"},
        {"aes192.key", "cbc192.bin", "plain.bin"},
        {"aes256.key", "cbc256.bin", "plain.bin"},
        {"aes128.key", "cbc128-full.bin", "plain48.bin"},
        {"aes256.key", "cbc256-xmlenc.bin", "plain.bin"}, /* arbitrary pad bytes */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t n = 0;
        VEC(key, key_len, v[i].key);
        VEC(ct, ct_len, v[i].ct);
        VEC(plain, plain_len, v[i].plain);
        TEST_OK(sso_crypto_aes_cbc_decrypt(key, key_len, ct, ct_len, aes_out, sizeof(aes_out), &n));
        TEST_EQ(n, plain_len);
        TEST_MEM_EQ(aes_out, plain, n);
        /* the output buffer must hold the padded plaintext: ciphertext length */
        TEST_OK(sso_crypto_aes_cbc_decrypt(key, key_len, ct, ct_len, aes_out, ct_len - 16, &n));
        TEST_EQ(sso_crypto_aes_cbc_decrypt(key, key_len, ct, ct_len, aes_out, ct_len - 17, &n),
                SSO_E_NOSPC);
    }
}

TEST_CASE(aes_cbc_bad_padding_and_lengths)
{
    VEC(key, key_len, "aes128.key");
    VEC(ct, ct_len, "cbc128.bin");
    VEC(plain, plain_len, "plain.bin");
    size_t n;
    uint8_t pad = (uint8_t)(ct_len - 16 - plain_len); /* PKCS#7 pad byte of the vector */
    TEST_TRUE(ct_len <= sizeof(aes_in));
    /* Set the decrypted pad byte to 0 and to 17 by flipping the previous block (CBC
     * malleability, exactly what a padding-oracle attacker does). */
    static const uint8_t bad_pads[] = {0, 17, 0x80, 0xff};
    for (size_t i = 0; i < sizeof(bad_pads); i++) {
        memcpy(aes_in, ct, ct_len);
        aes_in[ct_len - 17] ^= (uint8_t)(pad ^ bad_pads[i]);
        memset(aes_out, 0xee, sizeof(aes_out));
        TEST_EQ(
            sso_crypto_aes_cbc_decrypt(key, key_len, aes_in, ct_len, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
        TEST_EQ(n, 0);
        for (size_t j = 0; j < ct_len - 16; j++) {
            TEST_EQ(aes_out[j], 0); /* nothing of the plaintext left behind */
        }
    }
    /* Pad byte 16 and 1 are valid (other pad bytes arbitrary). */
    memcpy(aes_in, ct, ct_len);
    aes_in[ct_len - 17] ^= (uint8_t)(pad ^ 16);
    TEST_OK(sso_crypto_aes_cbc_decrypt(key, key_len, aes_in, ct_len, aes_out, sizeof(aes_out), &n));
    TEST_EQ(n, ct_len - 16 - 16);
    memcpy(aes_in, ct, ct_len);
    aes_in[ct_len - 17] ^= (uint8_t)(pad ^ 1);
    TEST_OK(sso_crypto_aes_cbc_decrypt(key, key_len, aes_in, ct_len, aes_out, sizeof(aes_out), &n));
    TEST_EQ(n, ct_len - 16 - 1);
    /* Lengths: IV only, not a block multiple, no IV; key sizes. */
    TEST_EQ(sso_crypto_aes_cbc_decrypt(key, key_len, ct, 16, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
    TEST_EQ(sso_crypto_aes_cbc_decrypt(key, key_len, ct, ct_len - 1, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
    TEST_EQ(sso_crypto_aes_cbc_decrypt(key, key_len, ct, 0, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
    TEST_EQ(sso_crypto_aes_cbc_decrypt(key, 15, ct, ct_len, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
    TEST_EQ(sso_crypto_aes_cbc_decrypt(key, 0, ct, ct_len, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
}

/* CBC has no integrity: a wrong key may yield a valid-looking pad byte. What must never
 * happen is the plaintext coming out. */
TEST_CASE(aes_cbc_wrong_key)
{
    VEC(key, key_len, "aes256.key");
    VEC(ct, ct_len, "cbc128.bin");
    VEC(plain, plain_len, "plain.bin");
    size_t n = 0;
    int rc = sso_crypto_aes_cbc_decrypt(key, 16, ct, ct_len, aes_out, sizeof(aes_out), &n);
    (void)key_len;
    TEST_TRUE(rc == SSO_E_ENC_DECRYPT || (rc == SSO_OK && memcmp(aes_out, plain, plain_len) != 0));
}

TEST_CASE(aes_gcm_xmlsec_vectors)
{
    static const char *const bits[] = {"128", "192", "256"};
    for (size_t i = 0; i < 3; i++) {
        char kname[16], cname[16];
        size_t n = 0;
        snprintf(kname, sizeof(kname), "aes%s.key", bits[i]);
        snprintf(cname, sizeof(cname), "gcm%s.bin", bits[i]);
        VEC(key, key_len, kname);
        VEC(ct, ct_len, cname);
        VEC(plain, plain_len, "plain.bin");
        TEST_EQ(ct_len, 12 + plain_len + 16);
        TEST_OK(sso_crypto_aes_gcm_decrypt(key, key_len, ct, ct_len, aes_out, sizeof(aes_out), &n));
        TEST_EQ(n, plain_len);
        TEST_MEM_EQ(aes_out, plain, n);
        TEST_OK(sso_crypto_aes_gcm_decrypt(key, key_len, ct, ct_len, aes_out, plain_len, &n));
        TEST_EQ(sso_crypto_aes_gcm_decrypt(key, key_len, ct, ct_len, aes_out, plain_len - 1, &n),
                SSO_E_NOSPC);
    }
}

/* McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 3 and 15. */
TEST_CASE(aes_gcm_spec_vectors)
{
    static const char *const p_hex = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a"
                                     "318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba63"
                                     "7b391aafd255";
    static const struct {
        const char *key, *ct, *tag;
    } v[] = {
        {"feffe9928665731c6d6a8f9467308308",
         "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5a"
         "ac84aa051ba30b396a0aac973d58e091473f5985",
         "4d5c2af327cd64a62cf35abd2ba6fab4"},
        {"feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
         "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
         "56828838c5f61e6393ba7a0abcc9f662898015ad",
         "b094dac5d93471bdec1a502270e3cc6c"},
    };
    uint8_t key[32], plain[64];
    size_t plen = unhex(p_hex, plain, sizeof(plain));
    for (size_t i = 0; i < 2; i++) {
        size_t klen = unhex(v[i].key, key, sizeof(key)), n = 0, in_len;
        in_len = unhex("cafebabefacedbaddecaf888", aes_in, 12);
        in_len += unhex(v[i].ct, aes_in + in_len, sizeof(aes_in) - in_len);
        in_len += unhex(v[i].tag, aes_in + in_len, sizeof(aes_in) - in_len);
        TEST_EQ(in_len, 12 + 64 + 16);
        TEST_OK(
            sso_crypto_aes_gcm_decrypt(key, klen, aes_in, in_len, aes_out, sizeof(aes_out), &n));
        TEST_EQ(n, plen);
        TEST_MEM_EQ(aes_out, plain, plen);
    }
}

TEST_CASE(aes_gcm_tampered)
{
    VEC(key, key_len, "aes128.key");
    VEC(key2, key2_len, "aes256.key");
    VEC(ct, ct_len, "gcm128.bin");
    size_t n;
    TEST_TRUE(ct_len <= sizeof(aes_in));
    /* Any bit of IV, ciphertext or tag. */
    for (size_t pos = 0; pos < ct_len; pos += 3) {
        memcpy(aes_in, ct, ct_len);
        aes_in[pos] ^= (uint8_t)(0x80u >> (pos % 8));
        memset(aes_out, 0xee, sizeof(aes_out));
        TEST_EQ(
            sso_crypto_aes_gcm_decrypt(key, key_len, aes_in, ct_len, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
        TEST_EQ(n, 0);
        for (size_t j = 0; j < ct_len - 28; j++) {
            TEST_EQ(aes_out[j], 0); /* unauthenticated plaintext wiped */
        }
    }
    /* Wrong key (and wrong key size); truncated tag; too short to hold IV and tag. */
    TEST_EQ(sso_crypto_aes_gcm_decrypt(key2, key2_len, ct, ct_len, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
    TEST_EQ(sso_crypto_aes_gcm_decrypt(key2, 16, ct, ct_len, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
    TEST_EQ(sso_crypto_aes_gcm_decrypt(key, key_len, ct, ct_len - 1, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
    TEST_EQ(sso_crypto_aes_gcm_decrypt(key, key_len, ct, 27, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
    TEST_EQ(sso_crypto_aes_gcm_decrypt(key, 20, ct, ct_len, aes_out, sizeof(aes_out), &n),
            SSO_E_ENC_DECRYPT);
}

/* ---- running out of memory ------------------------------------------------------------ */

/* Each operation that allocates, run under every heap limit from nothing to what it needs
 * (in steps): it returns SSO_E_NOMEM or succeeds, and never leaks. */
enum oom_op {
    OOM_CERT_INFO,
    OOM_VERIFY_RSA,
    OOM_VERIFY_EC,
    OOM_OAEP,
    OOM_CBC,
    OOM_GCM,
    OOM_COUNT,
};

static int oom_run(enum oom_op op)
{
    size_t a, b, c, n;
    const uint8_t *x, *y, *z;
    struct sso_cert_info info;
    switch (op) {
    case OOM_CERT_INFO:
        x = vec("rsa4096.crt.der", &a);
        return x ? sso_crypto_cert_info(x, a, &info) : 12345;
    case OOM_VERIFY_RSA:
        x = vec("rsa4096.crt.der", &a);
        y = vec("data.sha512", &b);
        z = vec("rsa4096-sha512.sig", &c);
        return x && y && z
                   ? sso_crypto_verify_cert(x, a, SSO_SIG_RSA_PKCS1, SSO_MD_SHA512, y, z, c, false)
                   : 12345;
    case OOM_VERIFY_EC:
        x = vec("ec384.crt.der", &a);
        y = vec("data.sha384", &b);
        z = vec("ec384-sha384.sig", &c);
        return x && y && z
                   ? sso_crypto_verify_cert(x, a, SSO_SIG_ECDSA, SSO_MD_SHA384, y, z, c, false)
                   : 12345;
    case OOM_OAEP:
        x = vec("rsa2048.p8.der", &a);
        y = vec("oaep-rsa2048-sha256-mgf1sha1.bin", &b);
        return x && y
                   ? sso_crypto_rsa_oaep_decrypt(x, a, SSO_MD_SHA256, SSO_MD_SHA1, y, b, oaep_out,
                                                 sizeof(oaep_out), &n, test_rng, &rng_state)
                   : 12345;
    case OOM_CBC:
        x = vec("aes256.key", &a);
        y = vec("cbc256.bin", &b);
        return x && y ? sso_crypto_aes_cbc_decrypt(x, a, y, b, aes_out, sizeof(aes_out), &n)
                      : 12345;
    case OOM_GCM:
        x = vec("aes256.key", &a);
        y = vec("gcm256.bin", &b);
        return x && y ? sso_crypto_aes_gcm_decrypt(x, a, y, b, aes_out, sizeof(aes_out), &n)
                      : 12345;
    case OOM_COUNT:
        break;
    }
    return 12345;
}

TEST_CASE(out_of_memory_sweep)
{
    for (int op = 0; op < OOM_COUNT; op++) {
        struct sso_alloc_stats st;
        size_t base, need;
        TEST_OK(oom_run((enum oom_op)op)); /* loads the vectors, and must work */
        sso_alloc_stats(&st);
        base = st.cur_bytes;
        sso_alloc_reset_peak();
        TEST_OK(oom_run((enum oom_op)op));
        sso_alloc_stats(&st);
        need = st.peak_bytes - base;
        TEST_TRUE(need > 0);
        for (size_t lim = 0; lim < need; lim += need / 64 + 1) {
            int rc;
            sso_alloc_set_limit(base + lim);
            rc = oom_run((enum oom_op)op);
            sso_alloc_set_limit(0);
            sso_alloc_stats(&st);
            if ((rc != SSO_E_NOMEM && rc != SSO_OK) || st.cur_bytes != base) {
                lk_test_fail(__FILE__, __LINE__, "op %d, limit %zu of %zu: rc %d, leaked %zu", op,
                             lim, need, rc, st.cur_bytes - base);
                return;
            }
        }
        sso_alloc_set_limit(base + need);
        TEST_OK(oom_run((enum oom_op)op));
        sso_alloc_set_limit(0);
    }
}

/* ---- constant time, wiping ------------------------------------------------------------ */

TEST_CASE(ct_memcmp_and_zeroize)
{
    uint8_t a[33], b[33];
    for (size_t i = 0; i < sizeof(a); i++) {
        a[i] = b[i] = (uint8_t)(i * 5);
    }
    TEST_EQ(sso_crypto_ct_memcmp(a, b, sizeof(a)), 0);
    TEST_EQ(sso_crypto_ct_memcmp(a, b, 0), 0);
    for (size_t i = 0; i < sizeof(a); i++) {
        b[i] ^= 0x01;
        TEST_TRUE(sso_crypto_ct_memcmp(a, b, sizeof(a)) != 0);
        b[i] ^= 0x01;
    }
    sso_crypto_zeroize(a, sizeof(a));
    for (size_t i = 0; i < sizeof(a); i++) {
        TEST_EQ(a[i], 0);
    }
    sso_crypto_zeroize(NULL, 0);
}

static const struct lk_test_case cases[] = {
    LK_CASE(md_known_answers),
    LK_CASE(md_streaming_million_a),
    LK_CASE(md_matches_openssl),
    LK_CASE(md_misuse),
    LK_CASE(cert_info_matches_openssl),
    LK_CASE(cert_info_generalized_time),
    LK_CASE(cert_info_long_subject_truncated),
    LK_CASE(cert_info_rejects_bad_der),
    LK_CASE(cert_info_unknown_signature_algorithm),
    LK_CASE(pem_certificate_and_key),
    LK_CASE(pem_crlf_and_junk_lines),
    LK_CASE(pem_rejections),
    LK_CASE(verify_rsa_every_hash),
    LK_CASE(verify_ecdsa_raw),
    LK_CASE(verify_ecdsa_der_rejected),
    LK_CASE(verify_weak_rsa),
    LK_CASE(verify_wrong_key_or_hash),
    LK_CASE(verify_wrong_scheme),
    LK_CASE(verify_tampered),
    LK_CASE(verify_bad_certificate),
    LK_CASE(oaep_openssl_vectors),
    LK_CASE(oaep_uniform_error),
    LK_CASE(oaep_tampered_and_malformed),
    LK_CASE(oaep_arguments_and_key),
    LK_CASE(aes_cbc_openssl_vectors),
    LK_CASE(aes_cbc_bad_padding_and_lengths),
    LK_CASE(aes_cbc_wrong_key),
    LK_CASE(aes_gcm_xmlsec_vectors),
    LK_CASE(aes_gcm_spec_vectors),
    LK_CASE(aes_gcm_tampered),
    LK_CASE(out_of_memory_sweep),
    LK_CASE(ct_memcmp_and_zeroize),
};
TEST_MAIN(cases)
