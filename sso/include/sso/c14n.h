/**
 * @file c14n.h
 * @brief Exclusive XML Canonicalization 1.0 (W3C exc-c14n), with or without comments.
 *
 * Canonicalizes a whole document or the subtree of one element of a parsed sso_xml_doc,
 * honouring an InclusiveNamespaces PrefixList. The output streams into a sink (normally a
 * hash, so no canonical copy is ever held in memory). One element subtree may be left out,
 * which is how the enveloped-signature transform is applied.
 *
 * Output is byte-identical to libxml2's xmlC14NExecute in exclusive mode (what
 * `xmllint --exc-c14n` prints) on every document the strict parser accepts; the one known
 * libxml2 divergence (#default in a PrefixList) follows the W3C rule, as xmlsec1 does.
 * tests/corpus/ checks both against the SAML corpus and generated documents.
 *
 * Whole-document mode drops the XML declaration and puts top-level comments on their own
 * lines (C14N 1.0, 2.3). Which comments count is the caller's decision: XML-DSig says a
 * same-document "#id" reference is canonicalized without comments even under the
 * WithComments algorithm.
 *
 * No allocation and no recursion: the walk follows the tree's parent links, namespace
 * rendering looks up the nearest output ancestor that uses the same prefix, and the output
 * is batched through a small buffer on the stack. Cost grows with depth x attributes per
 * element, both bounded by the parse limits.
 */
#ifndef SSO_C14N_H
#define SSO_C14N_H

#include <stdbool.h>
#include <stddef.h>

#include "sso/xml.h"

/** Receives canonical bytes in order. Returns 0 to go on, non-zero to stop (propagated). */
typedef int (*sso_c14n_sink_fn)(void *ctx, const char *data, size_t len);

struct sso_c14n_opts {
    bool with_comments;
    /** InclusiveNamespaces PrefixList: space-separated prefixes, "#default" for the
     *  default namespace; NULL or "" for none. Need not be NUL-terminated: see _len. */
    const char *inclusive_prefixes;
    size_t inclusive_prefixes_len;
    /** Element whose subtree is omitted (enveloped signature), or -1. Its siblings render
     *  as if it were not there; if it is @p top itself, nothing is output. */
    int exclude;
};

/**
 * @brief Canonicalize the subtree of @p top (an element), or the whole document when
 *        @p top is SSO_XML_DOC_NODE, into @p sink.
 * @return SSO_OK; SSO_E_INVAL (bad arguments, or a PrefixList token that is neither a
 *         prefix nor #default); SSO_E_XML_LIMIT (more than 64 namespace declarations to
 *         render on one element); or the sink's first non-zero return value, unchanged.
 */
int sso_c14n(const struct sso_xml_doc *doc, int top, const struct sso_c14n_opts *opts,
             sso_c14n_sink_fn sink, void *sink_ctx);

#endif /* SSO_C14N_H */
