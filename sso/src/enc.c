/*
 * XML Encryption for SAML EncryptedAssertion (see sso/enc.h).
 *
 * The structure is checked as strictly as the signature grammar: exactly one
 * EncryptedData, EncryptedKeys only where the SAML and XML-Enc layouts put them, one
 * algorithm each from an allow-list, CipherValue only (no CipherReference: nothing is ever
 * fetched). A RetrievalMethod is resolved only to a sibling EncryptedKey inside the same
 * EncryptedAssertion (saml-attacks.md §25).
 */
#include "sso/enc.h"

#include <stdio.h>
#include <string.h>

#include "sso/alloc.h"
#include "sso/b64.h"
#include "sso/err.h"
#include "sso/sso_config.h"

#include "probe.h"

#define ENC_MAX_KEYS        4  /* EncryptedKey candidates tried */
#define ENC_MAX_NS          32 /* in-scope namespace bindings carried onto the wrapper */
#define ENC_WRAP_PREFIX_MAX 4096
#define ENC_KEY_CT_MAX      1024 /* RSA ciphertext up to 8192-bit keys */

#define XENC_ELEMENT "http://www.w3.org/2001/04/xmlenc#Element"
#define XENC_EK_TYPE "http://www.w3.org/2001/04/xmlenc#EncryptedKey"

struct sym_alg {
    const char *uri;
    size_t key_len;
    bool gcm;
};

static const struct sym_alg sym_algs[] = {
    {"http://www.w3.org/2009/xmlenc11#aes128-gcm", 16, true},
    {"http://www.w3.org/2009/xmlenc11#aes192-gcm", 24, true},
    {"http://www.w3.org/2009/xmlenc11#aes256-gcm", 32, true},
    {"http://www.w3.org/2001/04/xmlenc#aes128-cbc", 16, false},
    {"http://www.w3.org/2001/04/xmlenc#aes192-cbc", 24, false},
    {"http://www.w3.org/2001/04/xmlenc#aes256-cbc", 32, false},
};

struct md_uri {
    const char *uri;
    enum sso_md_alg md;
};

static const struct md_uri oaep_digests[] = {
    {"http://www.w3.org/2000/09/xmldsig#sha1", SSO_MD_SHA1},
    {"http://www.w3.org/2001/04/xmlenc#sha256", SSO_MD_SHA256},
    {"http://www.w3.org/2001/04/xmldsig-more#sha384", SSO_MD_SHA384},
    {"http://www.w3.org/2001/04/xmlenc#sha512", SSO_MD_SHA512},
};

static const struct md_uri mgf_algs[] = {
    {"http://www.w3.org/2009/xmlenc11#mgf1sha1", SSO_MD_SHA1},
    {"http://www.w3.org/2009/xmlenc11#mgf1sha256", SSO_MD_SHA256},
    {"http://www.w3.org/2009/xmlenc11#mgf1sha384", SSO_MD_SHA384},
    {"http://www.w3.org/2009/xmlenc11#mgf1sha512", SSO_MD_SHA512},
};

struct enc_work {
    const struct sso_xml_doc *doc;
    char *detail;
    size_t detail_size;
    int ea;
    int enc_data;
    const struct sym_alg *sym;
    int cipher_value;
    int keys[ENC_MAX_KEYS];
    unsigned key_count;
    uint8_t key_ct[ENC_KEY_CT_MAX];
    char key_text[ENC_KEY_CT_MAX * 2];
    uint8_t cek[32];
    /* Wrapper start tag and the prefixes already written (heap, not the target stack). */
    char prefix[ENC_WRAP_PREFIX_MAX];
    struct sso_str seen[ENC_MAX_NS];
};

static int fail(struct enc_work *w, int err, const char *what)
{
    if (w->detail != NULL && w->detail_size > 0) {
        snprintf(w->detail, w->detail_size, "%s", what);
    }
    return err;
}

/* All decryption failures look the same to the sender (no oracle). */
static int decrypt_failed(struct enc_work *w)
{
    return fail(w, SSO_E_ENC_DECRYPT, "encrypted assertion could not be decrypted with the SP key");
}

/* Element children in the XML-Enc grammar: see sso_xml_struct_children(). */
static int children(struct enc_work *w, int parent, int *out, int max)
{
    int n = sso_xml_struct_children(w->doc, parent, out, max);
    return n < 0 ? fail(w, SSO_E_ENC_ALG, "text or comment inside encrypted content") : n;
}

static bool algorithm_is(const struct sso_xml_doc *doc, int node, struct sso_str *alg)
{
    return sso_xml_attr(doc, node, NULL, "Algorithm", alg);
}

/* Find the EncryptedKey elements that may carry the content key. */
static int collect_keys(struct enc_work *w, int key_info)
{
    int k[ENC_MAX_KEYS + 1];
    int n;
    w->key_count = 0;
    if (key_info < 0) {
        /* No KeyInfo: the EncryptedKey siblings inside the EncryptedAssertion. */
        for (int c = sso_xml_first_elem(w->doc, w->ea); c >= 0; c = sso_xml_next_elem(w->doc, c)) {
            if (sso_xml_is(w->doc, c, SSO_NS_XENC, "EncryptedKey") && w->key_count < ENC_MAX_KEYS) {
                w->keys[w->key_count++] = c;
            }
        }
        return w->key_count ? SSO_OK : fail(w, SSO_E_ENC_DECRYPT, "no EncryptedKey found");
    }
    n = children(w, key_info, k, ENC_MAX_KEYS + 1);
    if (n < 0) {
        return n;
    }
    for (int i = 0; i < n && i < ENC_MAX_KEYS + 1; i++) {
        struct sso_str type, uri;
        if (sso_xml_is(w->doc, k[i], SSO_NS_XENC, "EncryptedKey")) {
            if (w->key_count < ENC_MAX_KEYS) {
                w->keys[w->key_count++] = k[i];
            }
        } else if (sso_xml_is(w->doc, k[i], SSO_NS_DS, "RetrievalMethod")) {
            /* Only "#id" naming an EncryptedKey that is a direct child of this very
             * EncryptedAssertion; never anything outside it, never a fetch. */
            if (!sso_xml_attr(w->doc, k[i], NULL, "URI", &uri) || uri.len < 2 || uri.p[0] != '#' ||
                (sso_xml_attr(w->doc, k[i], NULL, "Type", &type) &&
                 !sso_str_eq(type, XENC_EK_TYPE))) {
                return fail(w, SSO_E_ENC_ALG, "RetrievalMethod must name a local EncryptedKey");
            }
            for (int c = sso_xml_first_elem(w->doc, w->ea); c >= 0;
                 c = sso_xml_next_elem(w->doc, c)) {
                struct sso_str id;
                if (sso_xml_is(w->doc, c, SSO_NS_XENC, "EncryptedKey") &&
                    sso_xml_attr(w->doc, c, NULL, "Id", &id) && id.len == uri.len - 1 &&
                    memcmp(id.p, uri.p + 1, id.len) == 0 && w->key_count < ENC_MAX_KEYS) {
                    w->keys[w->key_count++] = c;
                }
            }
        }
        /* ds:KeyName and other hints are ignored: the SP has one key. */
    }
    return w->key_count ? SSO_OK : fail(w, SSO_E_ENC_DECRYPT, "no usable EncryptedKey found");
}

static int parse_enc_data(struct enc_work *w)
{
    int k[5];
    int n, key_info = -1, method = -1, cipher_data = -1;
    struct sso_str alg, type;
    int inner[2];

    if (sso_xml_attr(w->doc, w->enc_data, NULL, "Type", &type) && !sso_str_eq(type, XENC_ELEMENT)) {
        return fail(w, SSO_E_ENC_ALG, "EncryptedData Type must be Element");
    }
    n = children(w, w->enc_data, k, 5);
    if (n < 0) {
        return n;
    }
    for (int i = 0; i < n && i < 5; i++) {
        if (sso_xml_is(w->doc, k[i], SSO_NS_XENC, "EncryptionMethod") && method < 0) {
            method = k[i];
        } else if (sso_xml_is(w->doc, k[i], SSO_NS_DS, "KeyInfo") && key_info < 0) {
            key_info = k[i];
        } else if (sso_xml_is(w->doc, k[i], SSO_NS_XENC, "CipherData") && cipher_data < 0) {
            cipher_data = k[i];
        } else {
            return fail(w, SSO_E_ENC_ALG, "unexpected element in EncryptedData");
        }
    }
    if (method < 0 || cipher_data < 0 || n > 3) {
        return fail(w, SSO_E_ENC_ALG, "EncryptedData needs EncryptionMethod and CipherData");
    }
    if (!algorithm_is(w->doc, method, &alg)) {
        return fail(w, SSO_E_ENC_ALG, "EncryptionMethod without Algorithm");
    }
    w->sym = NULL;
    for (size_t i = 0; i < sizeof(sym_algs) / sizeof(sym_algs[0]); i++) {
        if (sso_str_eq(alg, sym_algs[i].uri)) {
            w->sym = &sym_algs[i];
        }
    }
    if (w->sym == NULL) {
        return fail(w, SSO_E_ENC_ALG, "content encryption algorithm not allowed (AES only)");
    }
    n = children(w, cipher_data, inner, 1);
    if (n != 1 || !sso_xml_is(w->doc, inner[0], SSO_NS_XENC, "CipherValue")) {
        return fail(w, SSO_E_ENC_ALG, "CipherData must hold one CipherValue");
    }
    w->cipher_value = inner[0];
    return collect_keys(w, key_info);
}

/* Decode the full text of a base64 element into @p out. */
static int b64_of(struct enc_work *w, int node, char *text, size_t text_size, uint8_t *out,
                  size_t out_size, size_t *out_len)
{
    size_t len = 0;
    if (sso_xml_text_only(w->doc, node, text, text_size, &len) != SSO_OK ||
        sso_b64_decode(text, len, out, out_size, out_len) != SSO_OK) {
        return decrypt_failed(w);
    }
    return SSO_OK;
}

/* Unwrap the content-encryption key from one EncryptedKey. */
static int unwrap_key(struct enc_work *w, int ek, const uint8_t *key_der, size_t key_len,
                      sso_rng_fn rng, void *rng_ctx)
{
    int k[4], m[3], cd[1];
    int n, method = -1, cipher_data = -1;
    struct sso_str alg;
    enum sso_md_alg oaep_md = SSO_MD_SHA1, mgf_md = SSO_MD_SHA1;
    bool xenc11;
    size_t ct_len = 0, cek_len = 0;
    int rc;

    n = children(w, ek, k, 4);
    if (n < 0) {
        return n;
    }
    for (int i = 0; i < n && i < 4; i++) {
        if (sso_xml_is(w->doc, k[i], SSO_NS_XENC, "EncryptionMethod")) {
            method = k[i];
        } else if (sso_xml_is(w->doc, k[i], SSO_NS_XENC, "CipherData")) {
            cipher_data = k[i];
        }
        /* KeyInfo (which SP key), ReferenceList, CarriedKeyName: informational. */
    }
    if (method < 0 || cipher_data < 0 || !algorithm_is(w->doc, method, &alg)) {
        return fail(w, SSO_E_ENC_ALG, "EncryptedKey needs EncryptionMethod and CipherData");
    }
    if (sso_str_eq(alg, "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p")) {
        xenc11 = false;
    } else if (sso_str_eq(alg, "http://www.w3.org/2009/xmlenc11#rsa-oaep")) {
        xenc11 = true;
    } else {
        return fail(w, SSO_E_ENC_ALG, "key transport must be RSA-OAEP (PKCS#1 v1.5 refused)");
    }
    n = children(w, method, m, 3);
    if (n < 0) {
        return n;
    }
    for (int i = 0; i < n && i < 3; i++) {
        struct sso_str a;
        bool found = false;
        if (sso_xml_is(w->doc, m[i], SSO_NS_DS, "DigestMethod") && algorithm_is(w->doc, m[i], &a)) {
            for (size_t j = 0; j < sizeof(oaep_digests) / sizeof(oaep_digests[0]); j++) {
                if (sso_str_eq(a, oaep_digests[j].uri)) {
                    oaep_md = oaep_digests[j].md;
                    found = true;
                }
            }
        } else if (xenc11 && sso_xml_is(w->doc, m[i], SSO_NS_XENC11, "MGF") &&
                   algorithm_is(w->doc, m[i], &a)) {
            for (size_t j = 0; j < sizeof(mgf_algs) / sizeof(mgf_algs[0]); j++) {
                if (sso_str_eq(a, mgf_algs[j].uri)) {
                    mgf_md = mgf_algs[j].md;
                    found = true;
                }
            }
        }
        /* OAEPparams (a label) and anything unknown are refused: we decrypt with the
         * empty label only, and an unknown parameter changes the meaning. */
        if (!found) {
            return fail(w, SSO_E_ENC_ALG, "unsupported RSA-OAEP parameter");
        }
    }
    n = children(w, cipher_data, cd, 1);
    if (n != 1 || !sso_xml_is(w->doc, cd[0], SSO_NS_XENC, "CipherValue")) {
        return fail(w, SSO_E_ENC_ALG, "EncryptedKey CipherData must hold one CipherValue");
    }
    if (b64_of(w, cd[0], w->key_text, sizeof(w->key_text), w->key_ct, sizeof(w->key_ct), &ct_len) !=
        SSO_OK) {
        return decrypt_failed(w);
    }
    SSO_PROBE_PUSH(SSO_PROBE_UNWRAP);
    rc = sso_crypto_rsa_oaep_decrypt(key_der, key_len, oaep_md, mgf_md, w->key_ct, ct_len, w->cek,
                                     sizeof(w->cek), &cek_len, rng, rng_ctx);
    SSO_PROBE_POP();
    if (rc != SSO_OK || cek_len != w->sym->key_len) {
        return decrypt_failed(w);
    }
    return SSO_OK;
}

/* Append @p s to @p buf (bounded). */
static bool put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
    if (n > size - *len) {
        return false;
    }
    memcpy(buf + *len, s, n);
    *len += n;
    return true;
}

/* Attribute-value escaping for a namespace URI carried onto the wrapper. */
static bool put_attr_escaped(char *buf, size_t size, size_t *len, struct sso_str v)
{
    for (size_t i = 0; i < v.len; i++) {
        const char *rep = NULL;
        switch (v.p[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\t':
            rep = "&#9;";
            break;
        case '\n':
            rep = "&#10;";
            break;
        case '\r':
            rep = "&#13;";
            break;
        default:
            break;
        }
        if (!(rep ? put(buf, size, len, rep, strlen(rep)) : put(buf, size, len, v.p + i, 1))) {
            return false;
        }
    }
    return true;
}

/*
 * Write "<w xmlns:a=".." ...>" with every namespace binding in scope at @p ea (nearest
 * declaration wins), so the decrypted Assertion parses and canonicalizes as in place.
 */
static int wrapper_prefix(struct enc_work *w, char *buf, size_t size, size_t *len)
{
    struct sso_str *seen = w->seen;
    unsigned nseen = 0;
    *len = 0;
    if (!put(buf, size, len, "<w", 2)) {
        return SSO_E_XML_LIMIT;
    }
    for (int e = w->ea; e > SSO_XML_DOC_NODE; e = sso_xml_parent(w->doc, e)) {
        unsigned nd = sso_xml_nsdecl_count(w->doc, e);
        for (unsigned i = 0; i < nd; i++) {
            struct sso_str prefix, uri;
            bool dup = false;
            sso_xml_nsdecl_at(w->doc, e, i, &prefix, &uri);
            for (unsigned j = 0; j < nseen; j++) {
                dup = dup || sso_str_eqv(seen[j], prefix);
            }
            if (dup) {
                continue;
            }
            if (nseen == ENC_MAX_NS) {
                return fail(w, SSO_E_XML_LIMIT, "too many namespaces in scope");
            }
            seen[nseen++] = prefix;
            if (!put(buf, size, len, prefix.len ? " xmlns:" : " xmlns", prefix.len ? 7 : 6) ||
                !put(buf, size, len, prefix.p, prefix.len) || !put(buf, size, len, "=\"", 2) ||
                !put_attr_escaped(buf, size, len, uri) || !put(buf, size, len, "\"", 1)) {
                return fail(w, SSO_E_XML_LIMIT, "namespace context too large");
            }
        }
    }
    return put(buf, size, len, ">", 1) ? SSO_OK : SSO_E_XML_LIMIT;
}

/* Skip a leading XML declaration in the plaintext, if the IdP put one there. */
static size_t skip_xml_decl(const uint8_t *p, size_t len)
{
    size_t i;
    if (len < 6 || memcmp(p, "<?xml", 5) != 0 ||
        !(p[5] == ' ' || p[5] == '\t' || p[5] == '\n' || p[5] == '\r')) {
        return 0;
    }
    for (i = 5; i + 1 < len; i++) {
        if (p[i] == '?' && p[i + 1] == '>') {
            return i + 2;
        }
    }
    return 0;
}

static int decrypt(struct enc_work *w, const uint8_t *key_der, size_t key_len, sso_rng_fn rng,
                   void *rng_ctx, const struct sso_xml_limits *lim, struct sso_xml_doc *out,
                   int *assertion)
{
    int k[ENC_MAX_KEYS + 2];
    int n, rc = SSO_E_INTERNAL;
    char *text = NULL, *wrapped = NULL;
    uint8_t *ct = NULL;
    size_t text_len = 0, ct_len = 0, pre_len = 0, pt_len = 0, skip;
    size_t max_bytes = (lim && lim->max_bytes) ? lim->max_bytes : SSO_CFG_XML_MAX_BYTES;
    char *prefix = w->prefix;

    /* EncryptedAssertion = EncryptedData, EncryptedKey* (SAML core 2.3.4). */
    n = children(w, w->ea, k, ENC_MAX_KEYS + 2);
    if (n < 0) {
        return n;
    }
    w->enc_data = -1;
    for (int i = 0; i < n && i < ENC_MAX_KEYS + 2; i++) {
        if (sso_xml_is(w->doc, k[i], SSO_NS_XENC, "EncryptedData") && w->enc_data < 0 && i == 0) {
            w->enc_data = k[i];
        } else if (!sso_xml_is(w->doc, k[i], SSO_NS_XENC, "EncryptedKey")) {
            return fail(w, SSO_E_ENC_ALG, "EncryptedAssertion holds an unexpected element");
        }
    }
    if (w->enc_data < 0 || n > ENC_MAX_KEYS + 1) {
        return fail(w, SSO_E_ENC_ALG, "EncryptedAssertion must start with one EncryptedData");
    }
    rc = parse_enc_data(w);
    if (rc != SSO_OK) {
        return rc;
    }
    if (key_der == NULL || key_len == 0) {
        return fail(w, SSO_E_ENC_NO_KEY, "encrypted assertion but no SP key is configured");
    }
    rc = SSO_E_ENC_DECRYPT;
    for (unsigned i = 0; i < w->key_count && rc != SSO_OK; i++) {
        rc = unwrap_key(w, w->keys[i], key_der, key_len, rng, rng_ctx);
        if (rc == SSO_E_ENC_ALG) {
            return rc;
        }
    }
    if (rc != SSO_OK) {
        return decrypt_failed(w);
    }

    /* Content: base64 text -> ciphertext -> plaintext inside the wrapper. */
    {
        struct sso_str v;
        size_t total = 0;
        for (int c = sso_xml_first_child(w->doc, w->cipher_value); c >= 0;
             c = sso_xml_next(w->doc, c)) {
            if (sso_xml_type(w->doc, c) != SSO_XML_TEXT) {
                return decrypt_failed(w);
            }
            v = sso_xml_text(w->doc, c);
            total += v.len;
        }
        if (total > (max_bytes / 3 + 64) * 4) {
            return fail(w, SSO_E_XML_LIMIT, "encrypted assertion is too large");
        }
        text_len = total;
    }
    rc = wrapper_prefix(w, prefix, sizeof(w->prefix), &pre_len);
    if (rc != SSO_OK) {
        return rc;
    }
    text = sso_malloc(text_len + 1);
    ct = sso_malloc(SSO_B64_DECODED_MAX(text_len));
    if (text == NULL || ct == NULL) {
        rc = SSO_E_NOMEM;
        goto out;
    }
    if (sso_xml_text_only(w->doc, w->cipher_value, text, text_len + 1, &text_len) != SSO_OK ||
        sso_b64_decode(text, text_len, ct, SSO_B64_DECODED_MAX(text_len), &ct_len) != SSO_OK) {
        rc = decrypt_failed(w);
        goto out;
    }
    sso_free(text);
    text = NULL;
    wrapped = sso_malloc(pre_len + ct_len + 4);
    if (wrapped == NULL) {
        rc = SSO_E_NOMEM;
        goto out;
    }
    memcpy(wrapped, prefix, pre_len);
    rc = w->sym->gcm ? sso_crypto_aes_gcm_decrypt(w->cek, w->sym->key_len, ct, ct_len,
                                                  (uint8_t *)wrapped + pre_len, ct_len, &pt_len)
                     : sso_crypto_aes_cbc_decrypt(w->cek, w->sym->key_len, ct, ct_len,
                                                  (uint8_t *)wrapped + pre_len, ct_len, &pt_len);
    if (rc != SSO_OK) {
        rc = decrypt_failed(w);
        goto out;
    }
    skip = skip_xml_decl((const uint8_t *)wrapped + pre_len, pt_len);
    memmove(wrapped + pre_len, wrapped + pre_len + skip, pt_len - skip);
    pt_len -= skip;
    if (pt_len > max_bytes) {
        rc = decrypt_failed(w); /* uniform, as above */
        goto out;
    }
    memcpy(wrapped + pre_len + pt_len, "</w>", 4);
    {
        struct sso_xml_limits l2;
        memset(&l2, 0, sizeof(l2));
        if (lim != NULL) {
            l2 = *lim;
        }
        l2.max_bytes = pre_len + pt_len + 4;
        rc = sso_xml_parse(out, wrapped, pre_len + pt_len + 4, &l2);
    }
    if (rc != SSO_OK) {
        /* Same code and detail as a padding or key failure: with CBC, "decrypted but not
         * XML" versus "bad padding" is exactly the oracle of Jager and Somorovsky (CCS
         * 2011). */
        rc = decrypt_failed(w);
        goto out;
    }
    /* The plaintext must be exactly one saml:Assertion. */
    {
        int root = sso_xml_root(out);
        int a = sso_xml_first_elem(out, root);
        for (int c = sso_xml_first_child(out, root); c >= 0; c = sso_xml_next(out, c)) {
            if (sso_xml_type(out, c) == SSO_XML_TEXT && !sso_str_is_blank(sso_xml_text(out, c))) {
                a = -1;
            }
        }
        if (a < 0 || !sso_xml_is(out, a, SSO_NS_SAML, "Assertion") ||
            sso_xml_next_elem(out, a) >= 0) {
            sso_xml_free(out);
            rc = decrypt_failed(w); /* uniform, as above */
            goto out;
        }
        *assertion = a;
    }
    rc = SSO_OK;
out:
    if (ct != NULL) {
        sso_crypto_zeroize(ct, ct_len);
        sso_free(ct);
    }
    sso_free(text);
    if (wrapped != NULL) {
        sso_crypto_zeroize(wrapped, pre_len + pt_len);
        sso_free(wrapped);
    }
    return rc;
}

int sso_enc_decrypt_assertion(const struct sso_xml_doc *doc, int ea, const uint8_t *key_der,
                              size_t key_len, sso_rng_fn rng, void *rng_ctx,
                              const struct sso_xml_limits *lim, struct sso_xml_doc *out,
                              int *assertion, char *detail, size_t detail_size)
{
    struct enc_work *w;
    int rc;
    memset(out, 0, sizeof(*out));
    *assertion = -1;
    if (detail != NULL && detail_size > 0) {
        detail[0] = '\0';
    }
    w = sso_calloc(1, sizeof(*w));
    if (w == NULL) {
        return SSO_E_NOMEM;
    }
    w->doc = doc;
    w->ea = ea;
    w->detail = detail;
    w->detail_size = detail_size;
    rc = decrypt(w, key_der, key_len, rng, rng_ctx, lim, out, assertion);
    sso_crypto_zeroize(w, sizeof(*w));
    sso_free(w);
    return rc;
}
