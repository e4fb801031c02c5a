/*
 * bench_xmlsec: the comparator. libxmlsec1 1.2 + OpenSSL (Debian's libxmlsec1-dev), in
 * process, on the same responses and with the same statistics as bench_latchkey. Built for
 * benchmarks only (tests/bench/CMakeLists.txt, when pkg-config finds xmlsec1-openssl).
 *
 *   bench_xmlsec [--min-ms N] [--min-iters N] [--max-iters N] [--only NAME] [--no-pk|--pk-only]
 *                [--heap] [--wall] MANIFEST
 *   bench_xmlsec --once NAME K MANIFEST      (callgrind, as bench_latchkey)
 *
 * What one validation is here: libxml2 parses a fresh copy of the response, the ID
 * attributes of Response and Assertion are registered (what `xmlsec1 --id-attr` does), the
 * Response signature is verified, the EncryptedAssertion (if any) is decrypted with the SP
 * key through a keys manager, then the Assertion signature is verified, and the document
 * is freed. The verification key is given directly (dsigCtx->signKey, the IdP certificate's
 * key loaded once), so xmlsec neither reads KeyInfo nor builds an X.509 chain: xmlsec at its
 * cheapest. None of the SAML checks Latchkey makes afterwards (structure, XSW rules,
 * conditions, replay) are done here; the comparison flatters xmlsec.
 *
 * --heap counts every byte libxml2, xmlsec and OpenSSL allocate (xmlMemSetup and
 * CRYPTO_set_mem_functions before anything is initialised) and reports the peak over one
 * validation. The counting wrappers cost time, so the timings of a --heap run are not used.
 *
 * Public-key operations alone, through OpenSSL's EVP API with the same keys: a context
 * made for each operation (EVP_PKEY_CTX_new, *_init, padding/digest, the operation), as a
 * caller does per signature.
 *
 * Output: "xmlsec.<kind> key=value ..." records, read by bench.py.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <xmlsec/crypto.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlenc.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#define MAX_RESPONSES 8
#define NS_SAMLP      "urn:oasis:names:tc:SAML:2.0:protocol"
#define NS_SAML       "urn:oasis:names:tc:SAML:2.0:assertion"

struct response {
    char name[64];
    char file[512];
    char cert[512];
    char sp_key[512];
    unsigned nsig;
    char kind[16];
};

struct opts {
    unsigned long min_ms, min_iters, max_iters;
    const char *only, *once, *manifest;
    unsigned long once_k;
    bool no_pk, pk_only, heap, wall;
};

static struct response responses[MAX_RESPONSES];
static unsigned n_responses;

static void die(const char *what, const char *arg)
{
    printf("bench_xmlsec: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    fflush(stdout);
    exit(1);
}

/* CPU time of this thread unless --wall, as bench_latchkey (tests/bench/bench_clock.h). */
static clockid_t clock_id = CLOCK_THREAD_CPUTIME_ID;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- counting allocator (--heap only) --------------------------------------------------- */

static size_t heap_cur, heap_peak;
#define HDR 16 /* keeps the caller's alignment */

static void *count_malloc(size_t n)
{
    unsigned char *p = malloc(n + HDR);
    if (p == NULL) {
        return NULL;
    }
    memcpy(p, &n, sizeof(n));
    heap_cur += n;
    if (heap_cur > heap_peak) {
        heap_peak = heap_cur;
    }
    return p + HDR;
}

static void count_free(void *q)
{
    if (q != NULL) {
        unsigned char *p = (unsigned char *)q - HDR;
        size_t n;
        memcpy(&n, p, sizeof(n));
        heap_cur -= n;
        free(p);
    }
}

static void *count_realloc(void *q, size_t n)
{
    void *r;
    size_t old = 0;
    if (q == NULL) {
        return count_malloc(n);
    }
    memcpy(&old, (unsigned char *)q - HDR, sizeof(old));
    r = count_malloc(n);
    if (r == NULL) {
        return NULL;
    }
    memcpy(r, q, old < n ? old : n);
    count_free(q);
    return r;
}

static char *count_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = count_malloc(n);
    if (d != NULL) {
        memcpy(d, s, n);
    }
    return d;
}

static void *ossl_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return count_malloc(n);
}

static void *ossl_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return count_realloc(p, n);
}

static void ossl_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    count_free(p);
}

/* ---- files and manifest ----------------------------------------------------------------- */

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
    char line[2048];
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        die("cannot open manifest", path);
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned long size;
        struct response *r = &responses[n_responses];
        if (strncmp(line, "params ", 7) == 0 || line[0] == '#' || line[0] == '\n') {
            continue;
        }
        if (n_responses == MAX_RESPONSES) {
            die("too many responses in manifest", path);
        }
        if (sscanf(line, "%63s %511s %511s %511s %u %15s %lu", r->name, r->file, r->cert, r->sp_key,
                   &r->nsig, r->kind, &size) != 7) {
            die("bad response line in manifest", path);
        }
        n_responses++;
    }
    fclose(f);
    if (n_responses == 0) {
        die("manifest has no responses", path);
    }
}

/* ---- one validation --------------------------------------------------------------------- */

struct loaded {
    char *xml;
    size_t len;
    char *work;
    xmlSecKeyPtr idp_key;     /* public key of the IdP certificate */
    xmlSecKeysMngrPtr sp_mng; /* SP private key, for EncryptedKey; NULL if not encrypted */
};

static xmlNodePtr child(xmlNodePtr parent, const char *name, const char *ns)
{
    return xmlSecFindChild(parent, (const xmlChar *)name, (const xmlChar *)ns);
}

/* What xmlsec1 --id-attr:ID does for one element. */
static void register_id(xmlDocPtr doc, xmlNodePtr node)
{
    xmlAttrPtr attr = xmlHasProp(node, (const xmlChar *)"ID");
    xmlChar *id;
    if (attr == NULL) {
        die("element has no ID", (const char *)node->name);
    }
    id = xmlNodeListGetString(doc, attr->children, 1);
    if (id == NULL || xmlAddID(NULL, doc, id, attr) == NULL) {
        die("cannot register ID", (const char *)id);
    }
    xmlFree(id);
}

static void verify(const struct loaded *l, xmlNodePtr signed_elem, const char *what)
{
    xmlNodePtr sig = child(signed_elem, "Signature", (const char *)xmlSecDSigNs);
    xmlSecDSigCtxPtr ctx;
    if (sig == NULL) {
        die("no Signature in", what);
    }
    ctx = xmlSecDSigCtxCreate(NULL);
    if (ctx == NULL) {
        die("xmlSecDSigCtxCreate failed", NULL);
    }
    ctx->signKey = xmlSecKeyDuplicate(l->idp_key);
    if (ctx->signKey == NULL || xmlSecDSigCtxVerify(ctx, sig) < 0 ||
        ctx->status != xmlSecDSigStatusSucceeded) {
        die("signature does not verify:", what);
    }
    xmlSecDSigCtxDestroy(ctx);
}

static void validate_once(const struct loaded *l)
{
    xmlDocPtr doc;
    xmlNodePtr root, assertion;

    memcpy(l->work, l->xml, l->len + 1);
    doc = xmlReadMemory(l->work, (int)l->len, NULL, NULL, XML_PARSE_NONET);
    if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
        die("libxml2 cannot parse the response", NULL);
    }
    register_id(doc, root);
    assertion = child(root, "Assertion", NS_SAML);
    if (assertion != NULL) {
        register_id(doc, assertion);
    }
    verify(l, root, "Response");
    if (assertion == NULL) {
        xmlNodePtr ea = child(root, "EncryptedAssertion", NS_SAML), ed;
        xmlSecEncCtxPtr enc;
        if (ea == NULL || (ed = child(ea, "EncryptedData", (const char *)xmlSecEncNs)) == NULL ||
            l->sp_mng == NULL) {
            die("no Assertion and no EncryptedData", NULL);
        }
        enc = xmlSecEncCtxCreate(l->sp_mng);
        if (enc == NULL || xmlSecEncCtxDecrypt(enc, ed) < 0 || !enc->resultReplaced) {
            die("xmlsec cannot decrypt the EncryptedAssertion", NULL);
        }
        xmlSecEncCtxDestroy(enc);
        assertion = child(ea, "Assertion", NS_SAML);
        if (assertion == NULL) {
            die("no Assertion after decryption", NULL);
        }
        register_id(doc, assertion);
    }
    verify(l, assertion, "Assertion");
    xmlFreeDoc(doc);
}

static void load_response(const struct response *r, struct loaded *l)
{
    memset(l, 0, sizeof(*l));
    l->xml = read_file(r->file, &l->len);
    l->work = malloc(l->len + 1);
    if (l->xml == NULL || l->work == NULL) {
        die("cannot read", r->file);
    }
    l->idp_key = xmlSecCryptoAppKeyLoad(r->cert, xmlSecKeyDataFormatCertPem, NULL, NULL, NULL);
    if (l->idp_key == NULL) {
        die("xmlsec cannot load", r->cert);
    }
    if (strcmp(r->sp_key, "-") != 0) {
        xmlSecKeyPtr k =
            xmlSecCryptoAppKeyLoad(r->sp_key, xmlSecKeyDataFormatPem, NULL, NULL, NULL);
        l->sp_mng = xmlSecKeysMngrCreate();
        if (k == NULL || l->sp_mng == NULL || xmlSecCryptoAppDefaultKeysMngrInit(l->sp_mng) < 0 ||
            xmlSecCryptoAppDefaultKeysMngrAdoptKey(l->sp_mng, k) < 0) {
            die("xmlsec cannot load", r->sp_key);
        }
    }
}

static void unload_response(struct loaded *l)
{
    xmlSecKeyDestroy(l->idp_key);
    if (l->sp_mng != NULL) {
        xmlSecKeysMngrDestroy(l->sp_mng);
    }
    free(l->xml);
    free(l->work);
}

/* ---- statistics (as bench_latchkey) ------------------------------------------------------ */

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
    s.p99 = t[(n * 99 + 99) / 100 - 1];
    s.mean = sum / n;
    return s;
}

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

static bool more(const struct opts *o, unsigned long i, uint64_t start)
{
    if (i >= o->max_iters) {
        return false;
    }
    if (i < o->min_iters) {
        return true;
    }
    return now_ns() - start < (uint64_t)o->min_ms * 1000000u;
}

static void bench_response(const struct opts *o, const struct response *r)
{
    struct loaded l;
    unsigned long n, cap = 0;
    uint64_t *t = NULL, start;
    size_t peak = 0;
    struct stats s;

    load_response(r, &l);
    validate_once(&l); /* warm-up, not counted */
    start = now_ns();
    for (n = 0; more(o, n, start); n++) {
        size_t base = heap_cur;
        uint64_t t0;
        heap_peak = heap_cur;
        t0 = now_ns();
        validate_once(&l);
        t = push(t, &cap, n, now_ns() - t0);
        if (heap_peak - base > peak) {
            peak = heap_peak - base;
        }
    }
    s = stats_of(t, n);
    printf("xmlsec.result name=%s size=%lu iters=%lu unit=ns median=%llu p99=%llu min=%llu "
           "mean=%llu peak_heap=%s%lu\n",
           r->name, (unsigned long)l.len, n, (unsigned long long)s.median,
           (unsigned long long)s.p99, (unsigned long long)s.min, (unsigned long long)s.mean,
           o->heap ? "" : "-", o->heap ? (unsigned long)peak : 0ul);
    fflush(stdout);
    unload_response(&l);
    free(t);
}

/* ---- public-key operations through EVP -------------------------------------------------- */

static EVP_PKEY *load_private(const char *path)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f) {
        fclose(f);
    }
    if (k == NULL) {
        die("OpenSSL cannot read", path);
    }
    return k;
}

static EVP_PKEY *load_cert_key(const char *path)
{
    FILE *f = fopen(path, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    EVP_PKEY *k;
    if (f) {
        fclose(f);
    }
    if (x == NULL || (k = X509_get_pubkey(x)) == NULL) {
        die("OpenSSL cannot read", path);
    }
    X509_free(x);
    return k;
}

static const char *key_of_cert(const char *cert)
{
    static char path[512];
    size_t n = strlen(cert);
    if (n < 4 || n >= sizeof(path) || strcmp(cert + n - 4, ".crt") != 0) {
        die("certificate path does not end in .crt", cert);
    }
    memcpy(path, cert, n - 4);
    memcpy(path + n - 4, ".key", 5);
    return path;
}

static unsigned char hash[32], sig[512], ct[512];
static size_t sig_len, ct_len;

static uint64_t evp_verify(EVP_PKEY *pub, bool rsa)
{
    uint64_t t0 = now_ns();
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pub, NULL);
    if (c == NULL || EVP_PKEY_verify_init(c) <= 0 ||
        (rsa && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) <= 0) ||
        EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) <= 0 ||
        EVP_PKEY_verify(c, sig, sig_len, hash, sizeof(hash)) != 1) {
        die("EVP_PKEY_verify failed", NULL);
    }
    EVP_PKEY_CTX_free(c);
    return now_ns() - t0;
}

static uint64_t evp_oaep_decrypt(EVP_PKEY *priv)
{
    unsigned char out[512];
    size_t olen = sizeof(out);
    uint64_t t0 = now_ns();
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(priv, NULL);
    if (c == NULL || EVP_PKEY_decrypt_init(c) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha1()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha1()) <= 0 ||
        EVP_PKEY_decrypt(c, out, &olen, ct, ct_len) <= 0 || olen != 32 ||
        memcmp(out, hash, 32) != 0) {
        die("EVP_PKEY_decrypt failed", NULL);
    }
    EVP_PKEY_CTX_free(c);
    return now_ns() - t0;
}

static void bench_pk(const struct opts *o, const char *op, const char *key_pem,
                     const char *cert_pem)
{
    EVP_PKEY *priv = load_private(key_pem), *pub = cert_pem ? load_cert_key(cert_pem) : NULL;
    bool oaep = cert_pem == NULL, rsa = EVP_PKEY_get_base_id(priv) == EVP_PKEY_RSA;
    unsigned long n, cap = 0;
    uint64_t *t = NULL, start;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(priv, NULL);
    struct stats s;

    for (size_t i = 0; i < sizeof(hash); i++) {
        hash[i] = (unsigned char)(i * 7 + 1);
    }
    if (!oaep) {
        sig_len = sizeof(sig);
        if (c == NULL || EVP_PKEY_sign_init(c) <= 0 ||
            (rsa && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) <= 0) ||
            EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) <= 0 ||
            EVP_PKEY_sign(c, sig, &sig_len, hash, sizeof(hash)) <= 0) {
            die("EVP_PKEY_sign failed", key_pem);
        }
    } else {
        ct_len = sizeof(ct);
        if (c == NULL || EVP_PKEY_encrypt_init(c) <= 0 ||
            EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) <= 0 ||
            EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha1()) <= 0 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha1()) <= 0 ||
            EVP_PKEY_encrypt(c, ct, &ct_len, hash, sizeof(hash)) <= 0) {
            die("EVP_PKEY_encrypt failed", key_pem);
        }
    }
    EVP_PKEY_CTX_free(c);
    (void)(oaep ? evp_oaep_decrypt(priv) : evp_verify(pub, rsa));
    start = now_ns();
    for (n = 0; more(o, n, start); n++) {
        t = push(t, &cap, n, oaep ? evp_oaep_decrypt(priv) : evp_verify(pub, rsa));
    }
    s = stats_of(t, n);
    printf("xmlsec.pk op=%s unit=ns iters=%lu median=%llu\n", op, n, (unsigned long long)s.median);
    fflush(stdout);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
    free(t);
}

/* ---- main ------------------------------------------------------------------------------- */

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
        } else if (strcmp(a, "--heap") == 0) {
            o->heap = true;
        } else if (strcmp(a, "--wall") == 0) {
            o->wall = true;
        } else if (a[0] != '-' && o->manifest == NULL) {
            o->manifest = a;
        } else {
            die("usage: bench_xmlsec [--min-ms N] [--min-iters N] [--max-iters N] [--only NAME] "
                "[--no-pk] [--pk-only] [--heap] [--wall] [--once NAME K] MANIFEST",
                a);
        }
    }
    if (o->manifest == NULL || o->max_iters == 0 || o->min_iters > o->max_iters) {
        die("need a MANIFEST and 0 < --min-iters <= --max-iters", NULL);
    }
}

int main(int argc, char **argv)
{
    struct opts o;
    parse_opts(argc, argv, &o);
    if (o.wall) {
        clock_id = CLOCK_MONOTONIC;
    }
    if (o.heap) {
        /* Before the first allocation of either library. */
        if (xmlMemSetup(count_free, count_malloc, count_realloc, count_strdup) != 0 ||
            !CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free)) {
            die("cannot install the counting allocator", NULL);
        }
    }
    xmlInitParser();
    LIBXML_TEST_VERSION
    if (xmlSecInit() < 0 || xmlSecCheckVersion() != 1 || xmlSecCryptoAppInit(NULL) < 0 ||
        xmlSecCryptoInit() < 0) {
        die("xmlsec initialisation failed", NULL);
    }
    load_manifest(o.manifest);

    if (o.once != NULL) {
        for (unsigned i = 0; i < n_responses; i++) {
            if (strcmp(responses[i].name, o.once) == 0) {
                struct loaded l;
                load_response(&responses[i], &l);
                for (unsigned long k = 0; k < o.once_k; k++) {
                    validate_once(&l);
                }
                unload_response(&l);
                printf("xmlsec.once name=%s k=%lu\n", o.once, o.once_k);
                return 0;
            }
        }
        die("no such response", o.once);
    }

    printf("xmlsec.config xmlsec=%s libxml2=%s openssl=%s heap=%d clock=%s\n", XMLSEC_VERSION,
           LIBXML_DOTTED_VERSION, OpenSSL_version(OPENSSL_VERSION_STRING), o.heap,
           o.wall ? "wall" : "cpu");
    for (unsigned i = 0; i < n_responses; i++) {
        if (!o.pk_only && (o.only == NULL || strcmp(o.only, responses[i].name) == 0)) {
            bench_response(&o, &responses[i]);
        }
    }
    if (!o.no_pk && !o.heap) {
        bool rsa = false, ec = false, oaep = false;
        for (unsigned i = 0; i < n_responses; i++) {
            const struct response *r = &responses[i];
            if (o.only != NULL && strcmp(o.only, r->name) != 0) {
                continue;
            }
            if (strncmp(r->kind, "rsa", 3) == 0 && !rsa) {
                bench_pk(&o, "rsa2048_verify", key_of_cert(r->cert), r->cert);
                rsa = true;
            }
            if (strcmp(r->kind, "ecdsa") == 0 && !ec) {
                bench_pk(&o, "p256_verify", key_of_cert(r->cert), r->cert);
                ec = true;
            }
            if (strcmp(r->kind, "rsa+oaep") == 0 && !oaep) {
                bench_pk(&o, "rsa2048_oaep_decrypt", r->sp_key, NULL);
                oaep = true;
            }
        }
    }
    xmlSecCryptoShutdown();
    xmlSecCryptoAppShutdown();
    xmlSecShutdown();
    xmlCleanupParser();
    return 0;
}
