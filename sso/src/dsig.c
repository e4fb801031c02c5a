/*
 * XML-DSig verification for SAML (see sso/dsig.h for the accepted grammar).
 *
 * Every structural rule here exists because some SP was broken without it:
 * - fixed child order and counts in Signature/SignedInfo: xml-crypto CVE-2025-29774
 *   (several SignedInfo), XSW8 (original hidden in ds:Object);
 * - exactly one Reference naming the parent element: XSW1-8, goxmldsig empty URI;
 * - transform allow-list: XSLT/XPath injection, "selects nothing" transforms;
 * - algorithm allow-list bound to the pinned key's type: HMAC confusion, SHA-1 downgrade;
 * - DigestValue/SignatureValue read as full text with comments refused: CVE-2025-29775.
 */
#include "sso/dsig.h"

#include <stdio.h>
#include <string.h>

#include "sso/alloc.h"
#include "sso/b64.h"
#include "sso/c14n.h"
#include "sso/err.h"
#include "sso/xml.h"

#include "probe.h"

#define ALG_EXC_C14N    "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_EXC_C14N_WC "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
#define ALG_ENVELOPED   "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

struct sig_alg {
    const char *uri;
    enum sso_sig_scheme scheme;
    enum sso_md_alg md;
};

static const struct sig_alg sig_algs[] = {
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", SSO_SIG_RSA_PKCS1, SSO_MD_SHA256},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", SSO_SIG_RSA_PKCS1, SSO_MD_SHA384},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", SSO_SIG_RSA_PKCS1, SSO_MD_SHA512},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", SSO_SIG_ECDSA, SSO_MD_SHA256},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", SSO_SIG_ECDSA, SSO_MD_SHA384},
    /* Legacy, only with allow_sha1. */
    {"http://www.w3.org/2000/09/xmldsig#rsa-sha1", SSO_SIG_RSA_PKCS1, SSO_MD_SHA1},
};

struct digest_alg {
    const char *uri;
    enum sso_md_alg md;
};

static const struct digest_alg digest_algs[] = {
    {"http://www.w3.org/2001/04/xmlenc#sha256", SSO_MD_SHA256},
    {"http://www.w3.org/2001/04/xmldsig-more#sha384", SSO_MD_SHA384},
    {"http://www.w3.org/2001/04/xmlenc#sha512", SSO_MD_SHA512},
    {"http://www.w3.org/2000/09/xmldsig#sha1", SSO_MD_SHA1},
};

/* Working state of one verification, allocated per call. */
/* Largest RSA signature accepted: 8192-bit keys. */
#define DSIG_SIG_MAX 1024

struct dsig_work {
    const struct sso_xml_doc *doc;
    char *detail;
    size_t detail_size;
    /* Parsed SignedInfo. */
    int signed_info;
    int sig_value;
    bool c14n_with_comments;
    struct sso_str c14n_prefixes;
    const struct sig_alg *sig_alg;
    struct sso_str ref_uri;
    struct sso_str xform_prefixes;
    const struct digest_alg *digest_alg;
    int digest_value;
    /* Buffers, kept here (on the heap) rather than on the small target stack. */
    char text[DSIG_SIG_MAX * 2];
    uint8_t sigval[DSIG_SIG_MAX];
    uint8_t digest[SSO_MD_MAX_SIZE];
    uint8_t claimed[SSO_MD_MAX_SIZE];
    uint8_t si_hash[SSO_MD_MAX_SIZE];
};

static int fail(struct dsig_work *w, int err, const char *what)
{
    if (w->detail != NULL && w->detail_size > 0) {
        snprintf(w->detail, w->detail_size, "%s", what);
    }
    return err;
}

/* Element children of a Signature-grammar element: see sso_xml_struct_children(). */
static int struct_children(struct dsig_work *w, int parent, int *out, int max)
{
    int n = sso_xml_struct_children(w->doc, parent, out, max);
    return n < 0 ? fail(w, SSO_E_DSIG_STRUCTURE, "text or comment inside Signature") : n;
}

/* An algorithm element must have no parameters: HMACOutputLength (CVE-2009-0217) and
 * other parameters change the meaning of an algorithm we would otherwise accept. */
static int no_params(struct dsig_work *w, int node, int err, const char *what)
{
    int kids[1];
    int n = struct_children(w, node, kids, 0);
    if (n < 0) {
        return n;
    }
    return n > 0 ? fail(w, err, what) : SSO_OK;
}

static bool is_ds(const struct sso_xml_doc *doc, int node, const char *local)
{
    return sso_xml_is(doc, node, SSO_NS_DS, local);
}

/* Algorithm attribute of @p node, required. */
static int algorithm_of(struct dsig_work *w, int node, struct sso_str *alg)
{
    if (!sso_xml_attr(w->doc, node, NULL, "Algorithm", alg) || alg->len == 0) {
        return fail(w, SSO_E_DSIG_STRUCTURE, "method without Algorithm");
    }
    return SSO_OK;
}

/*
 * An exc-c14n method or transform may carry one ec:InclusiveNamespaces child with a
 * PrefixList, and nothing else.
 */
static int c14n_params(struct dsig_work *w, int node, struct sso_str *prefixes)
{
    int kids[1];
    int n = struct_children(w, node, kids, 1);
    prefixes->p = "";
    prefixes->len = 0;
    if (n < 0) {
        return n;
    }
    if (n > 1) {
        return fail(w, SSO_E_DSIG_TRANSFORM, "unexpected parameters of exc-c14n");
    }
    if (n == 1) {
        if (!sso_xml_is(w->doc, kids[0], SSO_NS_EC, "InclusiveNamespaces") ||
            sso_xml_first_elem(w->doc, kids[0]) >= 0) {
            return fail(w, SSO_E_DSIG_TRANSFORM, "unexpected parameter of exc-c14n");
        }
        if (!sso_xml_attr(w->doc, kids[0], NULL, "PrefixList", prefixes)) {
            return fail(w, SSO_E_DSIG_STRUCTURE, "InclusiveNamespaces without PrefixList");
        }
    }
    return SSO_OK;
}

static int parse_c14n_method(struct dsig_work *w, int node)
{
    struct sso_str alg;
    int rc = algorithm_of(w, node, &alg);
    if (rc != SSO_OK) {
        return rc;
    }
    if (sso_str_eq(alg, ALG_EXC_C14N)) {
        w->c14n_with_comments = false;
    } else if (sso_str_eq(alg, ALG_EXC_C14N_WC)) {
        w->c14n_with_comments = true;
    } else {
        /* Inclusive C14N 1.0/1.1 are not implemented on purpose: no IdP in the corpus
         * that matters needs them, and each extra algorithm is extra attack surface. */
        return fail(w, SSO_E_DSIG_ALG, "canonicalization method is not exclusive c14n");
    }
    return c14n_params(w, node, &w->c14n_prefixes);
}

static int parse_sig_method(struct dsig_work *w, int node, const struct sso_dsig_policy *pol)
{
    struct sso_str alg;
    int rc = algorithm_of(w, node, &alg);
    if (rc == SSO_OK) {
        rc = no_params(w, node, SSO_E_DSIG_ALG, "SignatureMethod must not have parameters");
    }
    if (rc != SSO_OK) {
        return rc;
    }
    for (size_t i = 0; i < sizeof(sig_algs) / sizeof(sig_algs[0]); i++) {
        if (sso_str_eq(alg, sig_algs[i].uri)) {
            if (sig_algs[i].md == SSO_MD_SHA1 && !pol->allow_sha1) {
                return fail(w, SSO_E_DSIG_WEAK_ALG, "rsa-sha1 signature without the legacy opt-in");
            }
            w->sig_alg = &sig_algs[i];
            return SSO_OK;
        }
    }
    return fail(w, SSO_E_DSIG_ALG, "signature algorithm not allowed (HMAC or unknown)");
}

static int parse_digest_method(struct dsig_work *w, int node, const struct sso_dsig_policy *pol)
{
    struct sso_str alg;
    int rc = algorithm_of(w, node, &alg);
    if (rc == SSO_OK) {
        rc = no_params(w, node, SSO_E_DSIG_STRUCTURE, "DigestMethod must not have parameters");
    }
    if (rc != SSO_OK) {
        return rc;
    }
    for (size_t i = 0; i < sizeof(digest_algs) / sizeof(digest_algs[0]); i++) {
        if (sso_str_eq(alg, digest_algs[i].uri)) {
            if (digest_algs[i].md == SSO_MD_SHA1 && !pol->allow_sha1) {
                return fail(w, SSO_E_DSIG_WEAK_ALG, "sha1 digest without the legacy opt-in");
            }
            w->digest_alg = &digest_algs[i];
            return SSO_OK;
        }
    }
    return fail(w, SSO_E_DSIG_ALG, "digest algorithm not allowed");
}

/* Transforms: exactly enveloped-signature, then exc-c14n (with or without comments). */
static int parse_transforms(struct dsig_work *w, int node)
{
    int t[2];
    struct sso_str alg;
    int n = struct_children(w, node, t, 2);
    int rc;
    if (n < 0) {
        return n;
    }
    if (n > 2) {
        return fail(w, SSO_E_DSIG_TRANSFORM, "more than two transforms");
    }
    for (int i = 0; i < n; i++) {
        if (!is_ds(w->doc, t[i], "Transform")) {
            return fail(w, SSO_E_DSIG_STRUCTURE, "Transforms holds a non-Transform element");
        }
    }
    if (n != 2) {
        return fail(w, SSO_E_DSIG_TRANSFORM,
                    "transforms must be enveloped-signature followed by exc-c14n");
    }
    rc = algorithm_of(w, t[0], &alg);
    if (rc != SSO_OK) {
        return rc;
    }
    if (!sso_str_eq(alg, ALG_ENVELOPED) || sso_xml_first_child(w->doc, t[0]) >= 0) {
        return fail(w, SSO_E_DSIG_TRANSFORM, "first transform must be a bare enveloped-signature");
    }
    rc = algorithm_of(w, t[1], &alg);
    if (rc != SSO_OK) {
        return rc;
    }
    /* Same-document "#id" references drop comments before canonicalization whatever the
     * variant (XPointer bare-name semantics); both variants are therefore equivalent here,
     * and comments in signed content are refused anyway. */
    if (!sso_str_eq(alg, ALG_EXC_C14N) && !sso_str_eq(alg, ALG_EXC_C14N_WC)) {
        return fail(w, SSO_E_DSIG_TRANSFORM, "transform not allowed (only exc-c14n)");
    }
    return c14n_params(w, t[1], &w->xform_prefixes);
}

static int parse_reference(struct dsig_work *w, int ref, const struct sso_dsig_policy *pol)
{
    int k[3];
    int n, rc;
    struct sso_str type;
    if (!sso_xml_attr(w->doc, ref, NULL, "URI", &w->ref_uri)) {
        return fail(w, SSO_E_DSIG_REF, "Reference without URI");
    }
    /* Type, if given, must say this is a plain object reference (not a Manifest). */
    if (sso_xml_attr(w->doc, ref, NULL, "Type", &type) &&
        !sso_str_eq(type, "http://www.w3.org/2000/09/xmldsig#Object")) {
        return fail(w, SSO_E_DSIG_REF, "Reference Type is not allowed");
    }
    n = struct_children(w, ref, k, 3);
    if (n < 0) {
        return n;
    }
    if (n != 3 || !is_ds(w->doc, k[0], "Transforms") || !is_ds(w->doc, k[1], "DigestMethod") ||
        !is_ds(w->doc, k[2], "DigestValue")) {
        return fail(w, SSO_E_DSIG_STRUCTURE,
                    "Reference must hold Transforms, DigestMethod, DigestValue");
    }
    rc = parse_transforms(w, k[0]);
    if (rc != SSO_OK) {
        return rc;
    }
    rc = parse_digest_method(w, k[1], pol);
    if (rc != SSO_OK) {
        return rc;
    }
    w->digest_value = k[2];
    return SSO_OK;
}

static int parse_signature(struct dsig_work *w, int sig, const struct sso_dsig_policy *pol)
{
    int k[3], si[3];
    int n, rc;
    n = struct_children(w, sig, k, 3);
    if (n < 0) {
        return n;
    }
    /* SignedInfo first, SignatureValue second, optional KeyInfo, nothing else. */
    if (n < 2 || n > 3 || !is_ds(w->doc, k[0], "SignedInfo") ||
        !is_ds(w->doc, k[1], "SignatureValue") || (n == 3 && !is_ds(w->doc, k[2], "KeyInfo"))) {
        return fail(w, SSO_E_DSIG_STRUCTURE,
                    "Signature must hold SignedInfo, SignatureValue and optional KeyInfo only");
    }
    w->signed_info = k[0];
    w->sig_value = k[1];
    n = struct_children(w, w->signed_info, si, 3);
    if (n < 0) {
        return n;
    }
    if (n > 3) {
        return fail(w, SSO_E_DSIG_REF, "SignedInfo must hold exactly one Reference");
    }
    if (n < 3) {
        return fail(w, n == 2 ? SSO_E_DSIG_REF : SSO_E_DSIG_STRUCTURE,
                    "SignedInfo must hold CanonicalizationMethod, SignatureMethod, Reference");
    }
    if (!is_ds(w->doc, si[0], "CanonicalizationMethod") ||
        !is_ds(w->doc, si[1], "SignatureMethod") || !is_ds(w->doc, si[2], "Reference")) {
        return fail(w, SSO_E_DSIG_STRUCTURE,
                    "SignedInfo must hold CanonicalizationMethod, SignatureMethod, Reference");
    }
    rc = parse_c14n_method(w, si[0]);
    if (rc == SSO_OK) {
        rc = parse_sig_method(w, si[1], pol);
    }
    if (rc == SSO_OK) {
        rc = parse_reference(w, si[2], pol);
    }
    return rc;
}

/* ---- hashing canonical output ---------------------------------------------------------- */

static int hash_sink(void *ctx, const char *data, size_t len)
{
    return sso_crypto_md_update(ctx, data, len) == SSO_OK ? 0 : SSO_E_INTERNAL;
}

static int digest_c14n(const struct sso_xml_doc *doc, int top, int exclude, bool with_comments,
                       struct sso_str prefixes, enum sso_md_alg md, uint8_t *out)
{
    struct sso_md_ctx ctx;
    struct sso_c14n_opts o;
    int rc;
    memset(&o, 0, sizeof(o));
    o.with_comments = with_comments;
    o.inclusive_prefixes = prefixes.p;
    o.inclusive_prefixes_len = prefixes.len;
    o.exclude = exclude;
    rc = sso_crypto_md_start(&ctx, md);
    if (rc != SSO_OK) {
        return rc;
    }
    rc = sso_c14n(doc, top, &o, hash_sink, &ctx);
    if (rc != SSO_OK) {
        sso_crypto_md_abort(&ctx);
        return rc;
    }
    return sso_crypto_md_finish(&ctx, out);
}

/* Decode the full text of a base64 element (DigestValue, SignatureValue). */
static int b64_value(struct dsig_work *w, int node, uint8_t *out, size_t out_size, size_t *out_len)
{
    size_t len = 0;
    if (sso_xml_has_comment(w->doc, node)) {
        return fail(w, SSO_E_DSIG_STRUCTURE, "comment inside a base64 value");
    }
    if (sso_xml_text_only(w->doc, node, w->text, sizeof(w->text), &len) != SSO_OK) {
        return fail(w, SSO_E_DSIG_STRUCTURE, "base64 value is not plain text or is too long");
    }
    if (sso_b64_decode(w->text, len, out, out_size, out_len) != SSO_OK || *out_len == 0) {
        return fail(w, SSO_E_DSIG_STRUCTURE, "invalid base64 in signature value");
    }
    return SSO_OK;
}

static int verify(struct dsig_work *w, int signed_elem, int sig, const struct sso_trust *trust,
                  const struct sso_dsig_policy *pol, struct sso_dsig_info *info)
{
    const struct sso_xml_doc *doc = w->doc;
    struct sso_str id;
    size_t claimed_len = 0, sig_len = 0;
    int rc = SSO_E_INTERNAL;

    if (!is_ds(doc, sig, "Signature") || sso_xml_parent(doc, sig) != signed_elem) {
        return fail(w, SSO_E_DSIG_STRUCTURE, "Signature is not a child of the signed element");
    }
    rc = parse_signature(w, sig, pol);
    if (rc != SSO_OK) {
        return rc;
    }

    /* The one Reference must be "#" + the ID of the element we will consume (SAML core
     * 5.4.2). An empty URI (whole document) or another element's ID is refused: that
     * mismatch is exactly how signature wrapping works. */
    if (!sso_xml_attr(doc, signed_elem, NULL, "ID", &id) || id.len == 0) {
        return fail(w, SSO_E_DSIG_REF, "signed element has no ID");
    }
    if (w->ref_uri.len != id.len + 1 || w->ref_uri.p[0] != '#' ||
        memcmp(w->ref_uri.p + 1, id.p, id.len) != 0) {
        return fail(w, SSO_E_DSIG_REF, "Reference URI does not name the signed element");
    }

    /* Comments in signed content: see the file comment. */
    if (sso_xml_has_comment(doc, signed_elem)) {
        return fail(w, SSO_E_DSIG_STRUCTURE, "comment inside signed content");
    }

    if (trust == NULL || trust->count == 0) {
        return fail(w, SSO_E_DSIG_NO_KEY, "no IdP certificate configured");
    }

    /* Digest of the referenced element, signature subtree removed (enveloped). */
    rc = b64_value(w, w->digest_value, w->claimed, sizeof(w->claimed), &claimed_len);
    if (rc != SSO_OK) {
        return rc;
    }
    if (claimed_len != sso_crypto_md_size(w->digest_alg->md)) {
        return fail(w, SSO_E_DSIG_STRUCTURE, "DigestValue has the wrong length");
    }
    rc = digest_c14n(doc, signed_elem, sig, false, w->xform_prefixes, w->digest_alg->md, w->digest);
    if (rc != SSO_OK) {
        return fail(w, rc == SSO_E_XML_LIMIT ? rc : SSO_E_INTERNAL, "canonicalization failed");
    }
    if (sso_crypto_ct_memcmp(w->digest, w->claimed, claimed_len) != 0) {
        return fail(w, SSO_E_DSIG_DIGEST, "digest of the signed element does not match");
    }

    /* Signature over the canonical SignedInfo, with the configured keys only. */
    rc = b64_value(w, w->sig_value, w->sigval, sizeof(w->sigval), &sig_len);
    if (rc != SSO_OK) {
        return rc;
    }
    rc = digest_c14n(doc, w->signed_info, -1, w->c14n_with_comments, w->c14n_prefixes,
                     w->sig_alg->md, w->si_hash);
    if (rc != SSO_OK) {
        return fail(w, rc == SSO_E_XML_LIMIT ? rc : SSO_E_INTERNAL,
                    "canonicalization of SignedInfo failed");
    }
    rc = SSO_E_DSIG_BAD;
    for (unsigned i = 0; i < trust->count && i < SSO_CFG_MD_MAX_CERTS; i++) {
        int r;
        SSO_PROBE_PUSH(SSO_PROBE_SIG);
        r = sso_crypto_verify_cert(trust->cert_der[i], trust->cert_len[i], w->sig_alg->scheme,
                                   w->sig_alg->md, w->si_hash, w->sigval, sig_len,
                                   pol->allow_weak_rsa);
        SSO_PROBE_POP();
        if (r == SSO_OK) {
            if (info != NULL) {
                info->digest_alg = w->digest_alg->md;
                info->sig_md = w->sig_alg->md;
                info->scheme = w->sig_alg->scheme;
                info->cert_index = i;
            }
            return SSO_OK;
        }
        /* A weak key or a key of the other type is worth naming if nothing verifies. */
        if (r == SSO_E_DSIG_KEY_WEAK || (r == SSO_E_DSIG_ALG && rc == SSO_E_DSIG_BAD)) {
            rc = r;
        }
    }
    if (rc == SSO_E_DSIG_KEY_WEAK) {
        return fail(w, rc, "IdP RSA key is under 2048 bits");
    }
    if (rc == SSO_E_DSIG_ALG) {
        return fail(w, rc, "signature algorithm does not fit the configured key type");
    }
    return fail(w, SSO_E_DSIG_BAD, "signature does not verify with any configured IdP certificate");
}

int sso_dsig_verify(const struct sso_xml_doc *doc, int signed_elem, int sig,
                    const struct sso_trust *trust, const struct sso_dsig_policy *pol,
                    struct sso_dsig_info *info, char *detail, size_t detail_size)
{
    static const struct sso_dsig_policy strict;
    struct dsig_work *w;
    int rc;

    if (detail != NULL && detail_size > 0) {
        detail[0] = '\0';
    }
    w = sso_calloc(1, sizeof(*w));
    if (w == NULL) {
        return SSO_E_NOMEM;
    }
    w->doc = doc;
    w->detail = detail;
    w->detail_size = detail_size;
    rc = verify(w, signed_elem, sig, trust, pol != NULL ? pol : &strict, info);
    sso_crypto_zeroize(w, sizeof(*w));
    sso_free(w);
    return rc;
}
