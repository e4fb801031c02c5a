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
 * Iterative: the walk uses the tree's parent links and a bounded namespace stack.
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
    /** Element whose subtree is omitted (enveloped signature), or -1. */
    int exclude;
};

/**
 * @brief Canonicalize the subtree of @p top (an element), or the whole document when
 *        @p top is SSO_XML_DOC_NODE, into @p sink.
 * @return SSO_OK, SSO_E_INVAL, SSO_E_XML_LIMIT (namespace stack), or the sink's non-zero
 *         return value.
 */
int sso_c14n(const struct sso_xml_doc *doc, int top, const struct sso_c14n_opts *opts,
             sso_c14n_sink_fn sink, void *sink_ctx);

#endif /* SSO_C14N_H */
