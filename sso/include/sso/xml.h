/**
 * @file xml.h
 * @brief Strict, bounded, namespace-aware XML documents on top of Mini-XML.
 *
 * Model. sso_xml_parse() checks the raw bytes first (size, UTF-8, DOCTYPE, entity and
 * character references, processing instructions, names, depth, node and attribute counts),
 * applies the XML 1.0 line-end (2.11) and attribute-value (3.3.3) normalisation that
 * Mini-XML does not do, then lets Mini-XML parse the normalised bytes in SAX mode and
 * copies each event into a compact, index-based tree owned by the document. The tree must
 * agree with the pre-scan to the byte, or the parse fails. Namespace prefixes are then
 * resolved to URIs for every element and attribute, so callers match on (namespace URI,
 * local name) and never on prefixes.
 *
 * What is accepted: UTF-8 XML 1.0 (a UTF-8 BOM and an XML declaration saying version 1.0
 * and, if anything, UTF-8, are allowed) with one root element, no DTD or other <!
 * declaration, no processing instruction, only the five predefined entities and character
 * references to XML Chars, QNames everywhere, XML Namespaces 1.0 (no undeclared prefix, no
 * xmlns:p=""). Namespace names must be absolute RFC 3986 URIs of ASCII characters other
 * than '&' (libxml2 cannot canonicalize relative ones, and prints '&' where the W3C rule
 * escapes it, so such documents would have no agreed canonical form). Names are at most
 * 65535 bytes, a reference at most 32 characters between '&' and ';'.
 *
 * Nodes are small integers: the root element and its relatives are reached with
 * sso_xml_root(), sso_xml_first_child(), sso_xml_next() and sso_xml_parent(); -1 means
 * "none". The tree holds element, text and comment nodes. Adjacent character data and CDATA
 * sections form one text node (already unescaped); an empty CDATA section adds none. The
 * XML declaration and whitespace outside the root element are not kept. Comments before or
 * after the root element are children of the document node (SSO_XML_DOC_NODE, the value
 * sso_xml_parent() returns for the root element).
 *
 * Memory. The document owns one allocation for nodes, attributes and strings, taken
 * through sso_malloc() and sized exactly from the pre-scan; every view it returns is valid
 * until sso_xml_free(). While parsing, the pre-scan also takes (max_depth + max_attrs) x 8
 * bytes, and Mini-XML holds the open element path and a copy of the text being read (its
 * heap is bounded by depth and by the longest text node); the input is copied only when its
 * normalised form leaves no byte for a terminator and does not end with an end tag. Peak
 * heap measured on genuine 4-15 KB responses: 1.9x to 2.5x the input. The input buffer is
 * normalised in place (its bytes afterwards are unspecified) and is not referenced after
 * sso_xml_parse() returns.
 *
 * No function here recurses; walks use the parent links or an explicit bounded stack.
 * Main-loop context only (Mini-XML keeps its error callback in a global).
 */
#ifndef SSO_XML_H
#define SSO_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/str.h"

/** Namespace URIs the core matches on. */
#define SSO_NS_SAMLP  "urn:oasis:names:tc:SAML:2.0:protocol"
#define SSO_NS_SAML   "urn:oasis:names:tc:SAML:2.0:assertion"
#define SSO_NS_MD     "urn:oasis:names:tc:SAML:2.0:metadata"
#define SSO_NS_DS     "http://www.w3.org/2000/09/xmldsig#"
#define SSO_NS_XENC   "http://www.w3.org/2001/04/xmlenc#"
#define SSO_NS_XENC11 "http://www.w3.org/2009/xmlenc11#"
#define SSO_NS_EC     "http://www.w3.org/2001/10/xml-exc-c14n#"
#define SSO_NS_XML    "http://www.w3.org/XML/1998/namespace"
#define SSO_NS_XMLNS  "http://www.w3.org/2000/xmlns/"
#define SSO_NS_XSI    "http://www.w3.org/2001/XMLSchema-instance"

/** The document node: parent of the root element and of top-level comments. */
#define SSO_XML_DOC_NODE 0

enum sso_xml_type {
    SSO_XML_DOCUMENT = 0,
    SSO_XML_ELEMENT = 1,
    SSO_XML_TEXT = 2,
    SSO_XML_COMMENT = 3,
};

/** Limits for one parse. A zeroed struct (or NULL) means the sso_config.h defaults; a field
 *  past what the tree records can hold (bytes or nodes over 2^30, attrs or depth over
 *  65535) is SSO_E_INVAL. Exactly at a bound passes, one over is SSO_E_XML_LIMIT. */
struct sso_xml_limits {
    size_t max_bytes;   /**< SSO_CFG_XML_MAX_BYTES */
    unsigned max_depth; /**< SSO_CFG_XML_MAX_DEPTH */
    unsigned max_nodes; /**< SSO_CFG_XML_MAX_NODES */
    unsigned max_attrs; /**< SSO_CFG_XML_MAX_ATTRS, per element */
};

struct sso_xml_node; /* private, in xml_priv.h */
struct sso_xml_attr_rec;

/** A parsed document. Caller-allocated (zero it or call sso_xml_parse on it); owns heap. */
struct sso_xml_doc {
    struct sso_xml_node *nodes;     /**< nodes[0] is the document node */
    struct sso_xml_attr_rec *attrs; /**< attributes and namespace declarations */
    char *pool;                     /**< names, values, text; NUL-separated */
    void *block;                    /**< the one allocation the above live in */
    uint32_t node_count;
    uint32_t attr_count;
    int root; /**< root element node */
    int err;  /**< sticky error of the last parse */
};

/** One attribute as seen by callers. Namespace declarations are not attributes here. */
struct sso_xml_attr {
    struct sso_str ns;     /**< namespace URI; empty for an unprefixed attribute */
    struct sso_str prefix; /**< as written; empty if none */
    struct sso_str local;  /**< local name */
    struct sso_str value;  /**< normalised and unescaped value */
};

/**
 * @brief Parse @p buf (normalised in place) into @p doc.
 *
 * @param doc  receives the tree; on failure it holds nothing (doc->err is the code) and
 *             needs no free.
 * @param buf  the document bytes, UTF-8; overwritten by its normalised form.
 * @param len  bytes in @p buf; no NUL terminator is needed (none is read past @p len).
 * @param lim  NULL or limits (zero fields take the defaults).
 * @return SSO_OK, or SSO_E_XML_* / SSO_E_NOMEM / SSO_E_INVAL. Never a partial tree.
 */
int sso_xml_parse(struct sso_xml_doc *doc, char *buf, size_t len, const struct sso_xml_limits *lim);

/** Free everything @p doc owns; safe on a zeroed or failed doc. */
void sso_xml_free(struct sso_xml_doc *doc);

/* ---- navigation (all return -1 for "none") ---------------------------------------------- */

int sso_xml_root(const struct sso_xml_doc *doc);
int sso_xml_parent(const struct sso_xml_doc *doc, int node);
int sso_xml_first_child(const struct sso_xml_doc *doc, int node);
int sso_xml_next(const struct sso_xml_doc *doc, int node);
enum sso_xml_type sso_xml_type(const struct sso_xml_doc *doc, int node);
/** Depth of @p node: 0 for the document node, 1 for the root element. */
unsigned sso_xml_depth(const struct sso_xml_doc *doc, int node);

/** First child element of @p node, or -1. */
int sso_xml_first_elem(const struct sso_xml_doc *doc, int node);
/** Next sibling element of @p node, or -1. */
int sso_xml_next_elem(const struct sso_xml_doc *doc, int node);
/** First child element of @p node with this namespace URI and local name, or -1. */
int sso_xml_child(const struct sso_xml_doc *doc, int node, const char *ns, const char *local);
/** Number of child elements of @p node with this namespace URI and local name. */
unsigned sso_xml_child_count(const struct sso_xml_doc *doc, int node, const char *ns,
                             const char *local);

/**
 * @brief Element children of @p node in a fixed grammar (XML-DSig, XML-Enc), where only
 *        whitespace may stand between elements: the first @p max element children go to
 *        @p out, all are counted.
 * @return the number of element children, or SSO_E_XML_SYNTAX if a child is non-blank
 *         text or a comment (a comment there is how CVE-2025-29775 hid a second value).
 */
int sso_xml_struct_children(const struct sso_xml_doc *doc, int node, int *out, int max);

/** Next node in document order within the subtree of @p top (pre-order), or -1. */
int sso_xml_walk_next(const struct sso_xml_doc *doc, int top, int node);

/* ---- element names ----------------------------------------------------------------------- */

/** True if @p node is an element with this namespace URI and local name. */
bool sso_xml_is(const struct sso_xml_doc *doc, int node, const char *ns, const char *local);
struct sso_str sso_xml_ns(const struct sso_xml_doc *doc, int node);
struct sso_str sso_xml_local(const struct sso_xml_doc *doc, int node);
struct sso_str sso_xml_prefix(const struct sso_xml_doc *doc, int node);

/* ---- attributes and namespace declarations ------------------------------------------------ */

/** Number of attributes of element @p node (namespace declarations excluded). */
unsigned sso_xml_attr_count(const struct sso_xml_doc *doc, int node);
/** The @p i-th attribute of @p node, in document order. */
void sso_xml_attr_at(const struct sso_xml_doc *doc, int node, unsigned i, struct sso_xml_attr *out);
/**
 * @brief Find attribute (@p ns, @p local) of @p node; @p ns NULL or "" means no namespace.
 * @return true and the value in @p out if present.
 */
bool sso_xml_attr(const struct sso_xml_doc *doc, int node, const char *ns, const char *local,
                  struct sso_str *out);

/** Number of namespace declarations written on element @p node. */
unsigned sso_xml_nsdecl_count(const struct sso_xml_doc *doc, int node);
/** The @p i-th declaration on @p node; prefix is empty for the default namespace, uri is
 *  empty for xmlns="" (undeclaring the default). */
void sso_xml_nsdecl_at(const struct sso_xml_doc *doc, int node, unsigned i, struct sso_str *prefix,
                       struct sso_str *uri);
/**
 * @brief Resolve @p prefix (empty = default namespace) in the scope of element @p node.
 * @return true and the URI in @p uri if bound (the default namespace may be bound to "").
 */
bool sso_xml_lookup_ns(const struct sso_xml_doc *doc, int node, struct sso_str prefix,
                       struct sso_str *uri);

/* ---- character data ------------------------------------------------------------------------ */

/** Content of a text or comment node (text is unescaped; CDATA is already text). */
struct sso_str sso_xml_text(const struct sso_xml_doc *doc, int node);

/**
 * @brief String value of element @p node: all descendant text concatenated, comments
 *        ignored (this is what stops the comment-injection truncation attack).
 *
 * @param out       NUL-terminated result.
 * @param len       if not NULL, receives the length.
 * @return SSO_OK, or SSO_E_NOSPC if it does not fit.
 */
int sso_xml_string_value(const struct sso_xml_doc *doc, int node, char *out, size_t out_size,
                         size_t *len);

/**
 * @brief Like sso_xml_string_value() but the element must hold only character data:
 *        any child element gives SSO_E_XML_SYNTAX. Used for NameID, DigestValue, ...
 */
int sso_xml_text_only(const struct sso_xml_doc *doc, int node, char *out, size_t out_size,
                      size_t *len);

/** True if element @p node has any comment descendant. */
bool sso_xml_has_comment(const struct sso_xml_doc *doc, int node);

#endif /* SSO_XML_H */
