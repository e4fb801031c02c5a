/*
 * Private parts of the XML layer, shared by xml.c (tree, namespaces, accessors),
 * xml_scan.c (raw pre-scan and normalisation), port/xml_mxml.c (the Mini-XML adapter)
 * and c14n.c.
 *
 * The tree lives in one allocation: node records, then attribute records, then the
 * string pool. Records hold 32-bit offsets into the pool, never pointers, so the block
 * has no interior pointers and is as small as a SAML response allows.
 */
#ifndef SSO_XML_PRIV_H
#define SSO_XML_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sso/xml.h"

/* Values of the ns field of a node or attribute record that are not record indices. */
#define XML_NS_NONE (-1) /* no namespace (and, for an element, no default declared) */
#define XML_NS_XML  (-2) /* the implicit xml prefix */

/* Longest QName accepted, in bytes (record fields are 16 bits). */
#define XML_NAME_MAX 0xffffu

struct sso_xml_node {
    int32_t parent; /* -1 for the document node */
    int32_t first_child;
    int32_t next;
    uint32_t str; /* pool offset: element QName, or text / comment content */
    uint32_t len; /* bytes at str, NUL not counted */
    /* element only */
    uint32_t attr_first; /* first record: nattr attributes, then nnsdecl declarations */
    int32_t ns; /* record of the declaration binding the element's prefix (for an unprefixed
                   element: the nearest default declaration, even xmlns=""), or XML_NS_* */
    uint16_t nattr;
    uint16_t nnsdecl;
    uint16_t prefix_len; /* bytes before the colon; 0 if unprefixed */
    uint8_t type;        /* enum sso_xml_type */
    uint8_t pad;
};

struct sso_xml_attr_rec {
    uint32_t str;        /* pool offset of the QName; the value follows its NUL */
    uint32_t vlen;       /* value bytes */
    int32_t ns;          /* attribute: binding record or XML_NS_*; declaration: unused */
    uint16_t qlen;       /* QName bytes */
    uint16_t prefix_len; /* bytes before the colon; 0 if unprefixed */
};

/* ---- pre-scan (xml_scan.c) --------------------------------------------------------------- */

/* What the pre-scan learnt; sizes the tree exactly and is cross-checked against it. */
struct xml_scan_result {
    size_t out_len;         /* bytes of normalised text left at the start of the buffer */
    uint32_t nodes;         /* elements + text nodes + comments (document node excluded) */
    uint32_t attrs;         /* attribute records, namespace declarations included */
    uint32_t pool;          /* string pool bytes the tree needs, NULs included */
    unsigned depth;         /* deepest element (root = 1) */
    bool ends_with_end_tag; /* the normalised text ends with the '>' of an end tag */
};

/* Limits with every field resolved (non-zero). */
struct xml_limits {
    size_t max_bytes;
    unsigned max_depth;
    unsigned max_nodes;
    unsigned max_attrs;
};

/*
 * Check @p buf strictly and normalise it in place (see xml_scan.c for the list of checks).
 * On success the first res->out_len bytes are what Mini-XML must parse.
 */
int xml_scan(char *buf, size_t len, const struct xml_limits *lim, struct xml_scan_result *res);

/* ---- tree builder (xml.c), fed by the Mini-XML adapter ------------------------------------ */

struct xml_builder {
    struct sso_xml_doc *doc;
    uint32_t node_cap; /* records available */
    uint32_t attr_cap;
    uint32_t pool_cap; /* bytes available */
    uint32_t pool_len;
    unsigned max_depth;
    unsigned depth;
    int cur;  /* open element, 0 for the document node */
    int prev; /* last child of cur, or -1 */
    int err;  /* sticky: the first error wins, later events are ignored */
};

void xml_build_open(struct xml_builder *b, const char *qname);
void xml_build_attr(struct xml_builder *b, const char *qname, const char *value);
void xml_build_open_end(struct xml_builder *b);
void xml_build_close(struct xml_builder *b, const char *qname);
void xml_build_text(struct xml_builder *b, const char *text);
void xml_build_comment(struct xml_builder *b, const char *text, size_t len);
void xml_build_fail(struct xml_builder *b, int err);

/* ---- Mini-XML adapter (port/xml_mxml.c) --------------------------------------------------- */

/*
 * Parse the NUL-terminated, pre-scanned @p text with Mini-XML in SAX mode, replaying each
 * event into @p b. Mini-XML keeps no node after the call.
 * @return SSO_OK, SSO_E_NOMEM if Mini-XML could not allocate, or the builder's error.
 */
int xml_mxml_load(struct xml_builder *b, const char *text);

/* ---- shared helpers for c14n.c ------------------------------------------------------------- */

/* QName, prefix and value views of record @p i. */
struct sso_str xml_rec_qname(const struct sso_xml_doc *doc, uint32_t i);
struct sso_str xml_rec_value(const struct sso_xml_doc *doc, uint32_t i);
/* Namespace URI a binding value (record index or XML_NS_*) stands for. */
struct sso_str xml_ns_uri(const struct sso_xml_doc *doc, int32_t ns);
/* Binding record of @p prefix (empty = default) in scope at element @p node: a record index,
 * XML_NS_XML for "xml", or XML_NS_NONE if not declared. An xmlns="" record is returned as is. */
int32_t xml_lookup_binding(const struct sso_xml_doc *doc, int node, struct sso_str prefix);

/* True if @p node is a valid element index of @p doc. */
bool xml_is_elem(const struct sso_xml_doc *doc, int node);

#endif /* SSO_XML_PRIV_H */
