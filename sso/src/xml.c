/*
 * Strict XML documents: orchestration of the pre-scan and Mini-XML, the compact tree they
 * build, namespace resolution and the accessors. See sso/xml.h for the model.
 *
 * Parse = xml_scan() (checks and normalises the raw bytes, counts everything) + one
 * allocation sized from those counts + Mini-XML in SAX mode replaying events into the
 * builder below + a cross-check that both parsers saw the same document.
 */
#include <string.h>

#include "sso/alloc.h"
#include "sso/err.h"
#include "sso/sso_config.h"
#include "xml_priv.h"

/* ---- small helpers ------------------------------------------------------------------------ */

static struct sso_str view(const char *p, size_t len)
{
    struct sso_str v = {p, len};
    return v;
}

static bool eqn(struct sso_str a, const char *p, size_t n)
{
    return a.len == n && (n == 0 || memcmp(a.p, p, n) == 0);
}

static bool valid_node(const struct sso_xml_doc *doc, int node)
{
    return doc != NULL && doc->nodes != NULL && node >= 0 && (uint32_t)node < doc->node_count;
}

bool xml_is_elem(const struct sso_xml_doc *doc, int node)
{
    return valid_node(doc, node) && doc->nodes[node].type == SSO_XML_ELEMENT;
}

struct sso_str xml_rec_qname(const struct sso_xml_doc *doc, uint32_t i)
{
    const struct sso_xml_attr_rec *r = &doc->attrs[i];
    return view(doc->pool + r->str, r->qlen);
}

struct sso_str xml_rec_value(const struct sso_xml_doc *doc, uint32_t i)
{
    const struct sso_xml_attr_rec *r = &doc->attrs[i];
    return view(doc->pool + r->str + r->qlen + 1, r->vlen);
}

/* Prefix a namespace declaration record declares: "" for xmlns, "p" for xmlns:p. */
static struct sso_str decl_prefix(const struct sso_xml_doc *doc, uint32_t i)
{
    struct sso_str q = xml_rec_qname(doc, i);
    return q.len > 6 ? view(q.p + 6, q.len - 6) : view("", 0);
}

static bool is_decl_name(const char *q)
{
    return strncmp(q, "xmlns", 5) == 0 && (q[5] == '\0' || q[5] == ':');
}

struct sso_str xml_ns_uri(const struct sso_xml_doc *doc, int32_t ns)
{
    if (ns == XML_NS_XML) {
        return sso_str_c(SSO_NS_XML);
    }
    if (ns < 0) {
        return view("", 0);
    }
    return xml_rec_value(doc, (uint32_t)ns);
}

int32_t xml_lookup_binding(const struct sso_xml_doc *doc, int node, struct sso_str prefix)
{
    if (eqn(prefix, "xml", 3)) {
        return XML_NS_XML; /* bound by definition (XML Namespaces 1.0, section 3) */
    }
    for (int n = node; n > 0; n = doc->nodes[n].parent) {
        const struct sso_xml_node *e = &doc->nodes[n];
        uint32_t first = e->attr_first + e->nattr;
        for (uint32_t i = first; i < first + e->nnsdecl; i++) {
            if (sso_str_eqv(decl_prefix(doc, i), prefix)) {
                return (int32_t)i;
            }
        }
    }
    return XML_NS_NONE;
}

/* ---- tree builder ------------------------------------------------------------------------- */

void xml_build_fail(struct xml_builder *b, int err)
{
    if (b->err == SSO_OK) {
        b->err = err;
    }
}

/* Append @p n bytes to the pool, turning the pre-scan's U+DFFF stand-in back into U+FEFF. */
static bool pool_put(struct xml_builder *b, const char *s, size_t n)
{
    char *p;
    if (n > b->pool_cap - b->pool_len) {
        xml_build_fail(b, SSO_E_XML_SYNTAX); /* Mini-XML and the pre-scan disagree */
        return false;
    }
    p = b->doc->pool + b->pool_len;
    memcpy(p, s, n);
    for (size_t i = 0; i + 2 < n; i++) {
        if (p[i] == (char)0xed && p[i + 1] == (char)0xbf && p[i + 2] == (char)0xbf) {
            p[i] = (char)0xef;
            p[i + 1] = (char)0xbb;
            p[i + 2] = (char)0xbf;
        }
    }
    b->pool_len += (uint32_t)n;
    return true;
}

/* Equality of Mini-XML's text (with stand-ins) and the pool's (with U+FEFF restored). */
static bool same_as_pool(const char *m, const char *pool, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (m[i] != pool[i]) {
            if (i + 2 < n && memcmp(m + i, "\xed\xbf\xbf", 3) == 0 &&
                memcmp(pool + i, "\xef\xbb\xbf", 3) == 0) {
                i += 2;
                continue;
            }
            return false;
        }
    }
    return true;
}

static bool pool_str(struct xml_builder *b, const char *s, size_t n)
{
    return pool_put(b, s, n) && pool_put(b, "", 1);
}

/* A new node, last child of the open element. */
static int new_node(struct xml_builder *b, enum sso_xml_type type)
{
    struct sso_xml_doc *doc = b->doc;
    struct sso_xml_node *n;
    int idx;
    if (doc->node_count >= b->node_cap) {
        xml_build_fail(b, SSO_E_XML_SYNTAX);
        return -1;
    }
    idx = (int)doc->node_count++;
    n = &doc->nodes[idx];
    memset(n, 0, sizeof(*n));
    n->parent = b->cur;
    n->first_child = -1;
    n->next = -1;
    n->ns = XML_NS_NONE;
    n->type = (uint8_t)type;
    n->str = b->pool_len;
    if (b->prev >= 0) {
        doc->nodes[b->prev].next = idx;
    } else {
        doc->nodes[b->cur].first_child = idx;
    }
    b->prev = idx;
    return idx;
}

static uint16_t prefix_len(const char *q, size_t n)
{
    const char *c = memchr(q, ':', n);
    return c != NULL ? (uint16_t)(c - q) : 0;
}

void xml_build_open(struct xml_builder *b, const char *qname)
{
    struct sso_xml_doc *doc = b->doc;
    size_t n = strlen(qname);
    int idx;
    if (b->err != SSO_OK) {
        return;
    }
    if (n == 0 || n > XML_NAME_MAX || b->depth >= b->max_depth || (b->cur == 0 && doc->root >= 0)) {
        xml_build_fail(b, SSO_E_XML_SYNTAX);
        return;
    }
    idx = new_node(b, SSO_XML_ELEMENT);
    if (idx < 0 || !pool_str(b, qname, n)) {
        return;
    }
    doc->nodes[idx].len = (uint32_t)n;
    doc->nodes[idx].prefix_len = prefix_len(qname, n);
    doc->nodes[idx].attr_first = doc->attr_count;
    if (b->cur == 0) {
        doc->root = idx;
    }
    b->cur = idx;
    b->prev = -1;
    b->depth++;
}

void xml_build_attr(struct xml_builder *b, const char *qname, const char *value)
{
    struct sso_xml_doc *doc = b->doc;
    struct sso_xml_attr_rec *r;
    size_t qn = strlen(qname), vn = strlen(value);
    if (b->err != SSO_OK) {
        return;
    }
    if (doc->attr_count >= b->attr_cap || qn == 0 || qn > XML_NAME_MAX ||
        doc->attr_count - doc->nodes[b->cur].attr_first >= 0xffffu) {
        xml_build_fail(b, SSO_E_XML_SYNTAX);
        return;
    }
    r = &doc->attrs[doc->attr_count];
    r->str = b->pool_len;
    r->qlen = (uint16_t)qn;
    r->vlen = (uint32_t)vn;
    r->prefix_len = prefix_len(qname, qn);
    r->ns = XML_NS_NONE;
    if (pool_str(b, qname, qn) && pool_str(b, value, vn)) {
        doc->attr_count++;
    }
}

/*
 * Namespace names. A canonical form is only defined for absolute URIs: libxml2 (xmllint,
 * xmlsec1) refuses to canonicalize a document with a relative or unparsable namespace URI,
 * and prints '&' raw where the W3C rule (and other signers) escape it. So a namespace
 * name must be an RFC 3986 absolute URI, checked the way libxml2's parser does it, built
 * from characters that need no escaping in c14n output ('&' refused, no IP literals, no
 * non-ASCII).
 */
struct uri_cur {
    const char *p;
    const char *end;
};

static bool uri_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool uri_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool uri_hex(char c)
{
    return uri_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* unreserved / pct-encoded / sub-delims (without '&') / any of @p extra; advances. */
static bool uri_take(struct uri_cur *u, const char *extra)
{
    char c;
    if (u->p >= u->end || *u->p == '\0') {
        return false;
    }
    c = *u->p;
    if (c == '%') {
        if (u->end - u->p < 3 || !uri_hex(u->p[1]) || !uri_hex(u->p[2])) {
            return false;
        }
        u->p += 3;
        return true;
    }
    if (uri_alpha(c) || uri_digit(c) || strchr("-._~!$'()*+,;=", c) != NULL ||
        strchr(extra, c) != NULL) {
        u->p++;
        return true;
    }
    return false;
}

static bool ns_uri_ok(struct sso_str s)
{
    struct uri_cur u = {s.p, s.p + s.len};
    /* scheme ":" */
    if (u.p == u.end || !uri_alpha(*u.p)) {
        return false; /* relative */
    }
    while (u.p < u.end && (uri_alpha(*u.p) || uri_digit(*u.p) || strchr("+-.", *u.p) != NULL)) {
        u.p++;
    }
    if (u.p == u.end || *u.p++ != ':') {
        return false;
    }
    if (u.end - u.p >= 2 && u.p[0] == '/' && u.p[1] == '/') {
        /* "//" [ userinfo "@" ] host [ ":" port ] */
        const char *auth = u.p += 2;
        while (uri_take(&u, ":")) {
        }
        if (u.p < u.end && *u.p == '@') {
            u.p++;
        } else {
            u.p = auth;
        }
        while (uri_take(&u, "")) {
        }
        if (u.p < u.end && *u.p == ':') {
            /* libxml2 wants at least one digit here */
            if (++u.p == u.end || !uri_digit(*u.p)) {
                return false;
            }
            while (u.p < u.end && uri_digit(*u.p)) {
                u.p++;
            }
        }
        if (u.p < u.end && strchr("/?#", *u.p) == NULL) {
            return false; /* path-abempty starts with '/' */
        }
    }
    while (uri_take(&u, ":@/")) { /* path */
    }
    if (u.p < u.end && *u.p == '?') {
        u.p++;
        while (uri_take(&u, ":@/?")) {
        }
    }
    if (u.p < u.end && *u.p == '#') {
        u.p++;
        while (uri_take(&u, ":@/?")) {
        }
    }
    return u.p == u.end;
}

/* XML Namespaces 1.0 constraints on the declarations of element @p e. */
static int check_decls(const struct sso_xml_doc *doc, const struct sso_xml_node *e)
{
    uint32_t first = e->attr_first + e->nattr;
    for (uint32_t i = first; i < first + e->nnsdecl; i++) {
        struct sso_str p = decl_prefix(doc, i), v = xml_rec_value(doc, i);
        bool is_xml_uri = sso_str_eq(v, SSO_NS_XML);
        if (sso_str_eq(p, "xmlns") || sso_str_eq(v, SSO_NS_XMLNS)) {
            return SSO_E_XML_NAMESPACE; /* xmlns is reserved and never declared */
        }
        if (sso_str_eq(p, "xml") != is_xml_uri) {
            return SSO_E_XML_NAMESPACE; /* xml is bound to its URI and only it */
        }
        if (v.len == 0) {
            if (p.len != 0) {
                return SSO_E_XML_NAMESPACE; /* xmlns:p="" undeclares nothing in 1.0 */
            }
        } else if (!ns_uri_ok(v)) {
            return SSO_E_XML_NAMESPACE;
        }
    }
    return SSO_OK;
}

/* Attributes of @p e are unique by (namespace URI, local name). */
static int check_dups(const struct sso_xml_doc *doc, const struct sso_xml_node *e)
{
    for (uint32_t i = e->attr_first; i < e->attr_first + e->nattr; i++) {
        struct sso_xml_attr a, b;
        sso_xml_attr_at(doc, (int)(e - doc->nodes), i - e->attr_first, &a);
        for (uint32_t j = e->attr_first; j < i; j++) {
            sso_xml_attr_at(doc, (int)(e - doc->nodes), j - e->attr_first, &b);
            if (sso_str_eqv(a.ns, b.ns) && sso_str_eqv(a.local, b.local)) {
                return SSO_E_XML_DUP_ATTR; /* a:x and b:x with a, b bound to one URI */
            }
        }
    }
    return SSO_OK;
}

void xml_build_open_end(struct xml_builder *b)
{
    struct sso_xml_doc *doc = b->doc;
    struct sso_xml_node *e = &doc->nodes[b->cur];
    uint32_t k = e->attr_first;
    int rc;
    if (b->err != SSO_OK) {
        return;
    }
    /* stable partition: attributes first, then namespace declarations (document order) */
    for (uint32_t i = e->attr_first; i < doc->attr_count; i++) {
        if (!is_decl_name(doc->pool + doc->attrs[i].str)) {
            struct sso_xml_attr_rec r = doc->attrs[i];
            memmove(&doc->attrs[k + 1], &doc->attrs[k], (i - k) * sizeof(r));
            doc->attrs[k++] = r;
        }
    }
    e->nattr = (uint16_t)(k - e->attr_first);
    e->nnsdecl = (uint16_t)(doc->attr_count - k);
    rc = check_decls(doc, e);
    if (rc == SSO_OK) {
        struct sso_str p = view(doc->pool + e->str, e->prefix_len);
        e->ns = xml_lookup_binding(doc, b->cur, p);
        if (sso_str_eq(p, "xmlns") || (p.len != 0 && e->ns == XML_NS_NONE)) {
            rc = SSO_E_XML_NAMESPACE; /* undeclared prefix */
        }
    }
    for (uint32_t i = e->attr_first; rc == SSO_OK && i < k; i++) {
        struct sso_xml_attr_rec *r = &doc->attrs[i];
        if (r->prefix_len != 0) {
            r->ns = xml_lookup_binding(doc, b->cur, view(doc->pool + r->str, r->prefix_len));
            if (r->ns == XML_NS_NONE) {
                rc = SSO_E_XML_NAMESPACE;
            }
        }
    }
    if (rc == SSO_OK) {
        rc = check_dups(doc, e);
    }
    if (rc != SSO_OK) {
        xml_build_fail(b, rc);
    }
}

void xml_build_close(struct xml_builder *b, const char *qname)
{
    struct sso_xml_doc *doc = b->doc;
    const struct sso_xml_node *e = &doc->nodes[b->cur];
    if (b->err != SSO_OK) {
        return;
    }
    if (b->cur == 0 || strlen(qname) != e->len ||
        !same_as_pool(qname, doc->pool + e->str, e->len)) {
        xml_build_fail(b, SSO_E_XML_SYNTAX);
        return;
    }
    b->prev = b->cur;
    b->cur = e->parent;
    b->depth--;
}

void xml_build_text(struct xml_builder *b, const char *text)
{
    struct sso_xml_doc *doc = b->doc;
    size_t n = strlen(text);
    int idx;
    if (b->err != SSO_OK || n == 0) {
        return; /* an empty CDATA section adds nothing to the infoset */
    }
    if (b->cur == 0) {
        xml_build_fail(b, SSO_E_XML_SYNTAX); /* text outside the root element */
        return;
    }
    if (b->prev >= 0 && doc->nodes[b->prev].type == SSO_XML_TEXT) {
        /* adjacent text and CDATA make one text node; it is the last thing in the pool */
        struct sso_xml_node *t = &doc->nodes[b->prev];
        if (t->str + t->len + 1 != b->pool_len) {
            xml_build_fail(b, SSO_E_INTERNAL);
            return;
        }
        b->pool_len--;
        if (pool_str(b, text, n)) {
            t->len += (uint32_t)n;
        }
        return;
    }
    idx = new_node(b, SSO_XML_TEXT);
    if (idx >= 0 && pool_str(b, text, n)) {
        doc->nodes[idx].len = (uint32_t)n;
    }
}

void xml_build_comment(struct xml_builder *b, const char *text, size_t len)
{
    int idx;
    if (b->err != SSO_OK) {
        return;
    }
    idx = new_node(b, SSO_XML_COMMENT);
    if (idx >= 0 && pool_str(b, text, len)) {
        b->doc->nodes[idx].len = (uint32_t)len;
    }
}

/* ---- parse -------------------------------------------------------------------------------- */

static int resolve_limits(const struct sso_xml_limits *lim, struct xml_limits *out)
{
    out->max_bytes = lim != NULL && lim->max_bytes ? lim->max_bytes : SSO_CFG_XML_MAX_BYTES;
    out->max_depth = lim != NULL && lim->max_depth ? lim->max_depth : SSO_CFG_XML_MAX_DEPTH;
    out->max_nodes = lim != NULL && lim->max_nodes ? lim->max_nodes : SSO_CFG_XML_MAX_NODES;
    out->max_attrs = lim != NULL && lim->max_attrs ? lim->max_attrs : SSO_CFG_XML_MAX_ATTRS;
    /* keep every offset and count inside its record field */
    if (out->max_bytes > 0x3fffffffu || out->max_nodes > 0x3fffffffu || out->max_attrs > 0xffffu ||
        out->max_depth > 0xffffu) {
        return SSO_E_INVAL;
    }
    return SSO_OK;
}

static int alloc_tree(struct sso_xml_doc *doc, const struct xml_scan_result *sr)
{
    size_t nodes = ((size_t)sr->nodes + 1) * sizeof(struct sso_xml_node);
    size_t attrs = (size_t)sr->attrs * sizeof(struct sso_xml_attr_rec);
    char *block = sso_malloc(nodes + attrs + sr->pool);
    if (block == NULL) {
        return SSO_E_NOMEM;
    }
    doc->block = block;
    doc->nodes = (void *)block;
    doc->attrs = (void *)(block + nodes);
    doc->pool = block + nodes + attrs;
    memset(&doc->nodes[0], 0, sizeof(doc->nodes[0]));
    doc->nodes[0].parent = -1;
    doc->nodes[0].first_child = -1;
    doc->nodes[0].next = -1;
    doc->nodes[0].ns = XML_NS_NONE;
    doc->nodes[0].type = SSO_XML_DOCUMENT;
    doc->node_count = 1;
    return SSO_OK;
}

int sso_xml_parse(struct sso_xml_doc *doc, char *buf, size_t len, const struct sso_xml_limits *lim)
{
    struct xml_limits limits;
    struct xml_scan_result sr;
    struct xml_builder b;
    char *copy = NULL, *text = buf, saved = 0;
    int rc = SSO_E_INTERNAL;
    if (doc == NULL) {
        return SSO_E_INVAL;
    }
    memset(doc, 0, sizeof(*doc));
    doc->root = -1;
    if (buf == NULL && len != 0) {
        rc = SSO_E_INVAL;
        goto out;
    }
    rc = resolve_limits(lim, &limits);
    if (rc != SSO_OK) {
        goto out;
    }
    rc = xml_scan(buf, len, &limits, &sr);
    if (rc != SSO_OK) {
        goto out;
    }
    rc = alloc_tree(doc, &sr);
    if (rc != SSO_OK) {
        goto out;
    }
    /* Mini-XML reads a NUL-terminated string. The normalised text usually left room for
     * the NUL; if not, and it ends with an end tag, Mini-XML reads that tag to EOF just as
     * well without its final '>' (restored below); otherwise the text is copied. */
    if (sr.out_len < len) {
        buf[sr.out_len] = '\0';
    } else if (sr.ends_with_end_tag) {
        saved = buf[len - 1];
        buf[len - 1] = '\0';
    } else {
        copy = sso_malloc(sr.out_len + 1);
        if (copy == NULL) {
            rc = SSO_E_NOMEM;
            goto out;
        }
        memcpy(copy, buf, sr.out_len);
        copy[sr.out_len] = '\0';
        text = copy;
    }
    memset(&b, 0, sizeof(b));
    b.doc = doc;
    b.node_cap = sr.nodes + 1;
    b.attr_cap = sr.attrs;
    b.pool_cap = sr.pool;
    b.max_depth = limits.max_depth;
    b.prev = -1;
    rc = xml_mxml_load(&b, text);
    if (saved != 0) {
        buf[len - 1] = saved;
    }
    sso_free(copy);
    if (rc != SSO_OK) {
        goto out;
    }
    /* both parsers must have seen the same document, to the byte */
    if (b.cur != 0 || doc->root < 0 || doc->node_count != sr.nodes + 1 ||
        doc->attr_count != sr.attrs || b.pool_len != sr.pool) {
        rc = SSO_E_XML_SYNTAX;
        goto out;
    }
    rc = SSO_OK;
out:
    if (rc != SSO_OK) {
        sso_free(doc->block);
        memset(doc, 0, sizeof(*doc));
        doc->root = -1;
        doc->err = rc;
    }
    return rc;
}

void sso_xml_free(struct sso_xml_doc *doc)
{
    if (doc == NULL) {
        return;
    }
    sso_free(doc->block);
    memset(doc, 0, sizeof(*doc));
    doc->root = -1;
}

/* ---- navigation --------------------------------------------------------------------------- */

int sso_xml_root(const struct sso_xml_doc *doc)
{
    return doc != NULL && doc->nodes != NULL ? doc->root : -1;
}

int sso_xml_parent(const struct sso_xml_doc *doc, int node)
{
    return valid_node(doc, node) ? doc->nodes[node].parent : -1;
}

int sso_xml_first_child(const struct sso_xml_doc *doc, int node)
{
    return valid_node(doc, node) ? doc->nodes[node].first_child : -1;
}

int sso_xml_next(const struct sso_xml_doc *doc, int node)
{
    return valid_node(doc, node) ? doc->nodes[node].next : -1;
}

enum sso_xml_type sso_xml_type(const struct sso_xml_doc *doc, int node)
{
    return valid_node(doc, node) ? (enum sso_xml_type)doc->nodes[node].type : SSO_XML_DOCUMENT;
}

unsigned sso_xml_depth(const struct sso_xml_doc *doc, int node)
{
    unsigned d = 0;
    if (!valid_node(doc, node)) {
        return 0;
    }
    for (int n = node; n > 0; n = doc->nodes[n].parent) {
        d++;
    }
    return d;
}

int sso_xml_first_elem(const struct sso_xml_doc *doc, int node)
{
    int c = sso_xml_first_child(doc, node);
    while (c >= 0 && doc->nodes[c].type != SSO_XML_ELEMENT) {
        c = doc->nodes[c].next;
    }
    return c;
}

int sso_xml_next_elem(const struct sso_xml_doc *doc, int node)
{
    int c = sso_xml_next(doc, node);
    while (c >= 0 && doc->nodes[c].type != SSO_XML_ELEMENT) {
        c = doc->nodes[c].next;
    }
    return c;
}

int sso_xml_child(const struct sso_xml_doc *doc, int node, const char *ns, const char *local)
{
    for (int c = sso_xml_first_elem(doc, node); c >= 0; c = sso_xml_next_elem(doc, c)) {
        if (sso_xml_is(doc, c, ns, local)) {
            return c;
        }
    }
    return -1;
}

unsigned sso_xml_child_count(const struct sso_xml_doc *doc, int node, const char *ns,
                             const char *local)
{
    unsigned n = 0;
    for (int c = sso_xml_first_elem(doc, node); c >= 0; c = sso_xml_next_elem(doc, c)) {
        n += sso_xml_is(doc, c, ns, local) ? 1 : 0;
    }
    return n;
}

int sso_xml_walk_next(const struct sso_xml_doc *doc, int top, int node)
{
    if (!valid_node(doc, node) || !valid_node(doc, top)) {
        return -1;
    }
    if (doc->nodes[node].first_child >= 0) {
        return doc->nodes[node].first_child;
    }
    while (node != top && node > 0) {
        if (doc->nodes[node].next >= 0) {
            return doc->nodes[node].next;
        }
        node = doc->nodes[node].parent;
    }
    return -1;
}

/* ---- names -------------------------------------------------------------------------------- */

bool sso_xml_is(const struct sso_xml_doc *doc, int node, const char *ns, const char *local)
{
    return xml_is_elem(doc, node) && sso_str_eq(sso_xml_ns(doc, node), ns != NULL ? ns : "") &&
           sso_str_eq(sso_xml_local(doc, node), local != NULL ? local : "");
}

struct sso_str sso_xml_ns(const struct sso_xml_doc *doc, int node)
{
    return xml_is_elem(doc, node) ? xml_ns_uri(doc, doc->nodes[node].ns) : view("", 0);
}

struct sso_str sso_xml_local(const struct sso_xml_doc *doc, int node)
{
    const struct sso_xml_node *e;
    uint32_t skip;
    if (!xml_is_elem(doc, node)) {
        return view("", 0);
    }
    e = &doc->nodes[node];
    skip = e->prefix_len ? e->prefix_len + 1u : 0;
    return view(doc->pool + e->str + skip, e->len - skip);
}

struct sso_str sso_xml_prefix(const struct sso_xml_doc *doc, int node)
{
    if (!xml_is_elem(doc, node)) {
        return view("", 0);
    }
    return view(doc->pool + doc->nodes[node].str, doc->nodes[node].prefix_len);
}

/* ---- attributes --------------------------------------------------------------------------- */

unsigned sso_xml_attr_count(const struct sso_xml_doc *doc, int node)
{
    return xml_is_elem(doc, node) ? doc->nodes[node].nattr : 0;
}

void sso_xml_attr_at(const struct sso_xml_doc *doc, int node, unsigned i, struct sso_xml_attr *out)
{
    const struct sso_xml_attr_rec *r;
    struct sso_str q;
    uint32_t idx;
    memset(out, 0, sizeof(*out));
    out->ns = out->prefix = out->local = out->value = view("", 0);
    if (!xml_is_elem(doc, node) || i >= doc->nodes[node].nattr) {
        return;
    }
    idx = doc->nodes[node].attr_first + i;
    r = &doc->attrs[idx];
    q = xml_rec_qname(doc, idx);
    out->ns = xml_ns_uri(doc, r->ns);
    out->prefix = view(q.p, r->prefix_len);
    out->local = r->prefix_len ? view(q.p + r->prefix_len + 1, q.len - r->prefix_len - 1u) : q;
    out->value = xml_rec_value(doc, idx);
}

bool sso_xml_attr(const struct sso_xml_doc *doc, int node, const char *ns, const char *local,
                  struct sso_str *out)
{
    unsigned n = sso_xml_attr_count(doc, node);
    for (unsigned i = 0; i < n; i++) {
        struct sso_xml_attr a;
        sso_xml_attr_at(doc, node, i, &a);
        if (sso_str_eq(a.ns, ns != NULL ? ns : "") && sso_str_eq(a.local, local)) {
            if (out != NULL) {
                *out = a.value;
            }
            return true;
        }
    }
    return false;
}

unsigned sso_xml_nsdecl_count(const struct sso_xml_doc *doc, int node)
{
    return xml_is_elem(doc, node) ? doc->nodes[node].nnsdecl : 0;
}

void sso_xml_nsdecl_at(const struct sso_xml_doc *doc, int node, unsigned i, struct sso_str *prefix,
                       struct sso_str *uri)
{
    *prefix = *uri = view("", 0);
    if (xml_is_elem(doc, node) && i < doc->nodes[node].nnsdecl) {
        uint32_t idx = doc->nodes[node].attr_first + doc->nodes[node].nattr + i;
        *prefix = decl_prefix(doc, idx);
        *uri = xml_rec_value(doc, idx);
    }
}

bool sso_xml_lookup_ns(const struct sso_xml_doc *doc, int node, struct sso_str prefix,
                       struct sso_str *uri)
{
    int32_t b;
    if (!xml_is_elem(doc, node)) {
        return false;
    }
    b = xml_lookup_binding(doc, node, prefix);
    if (b == XML_NS_NONE) {
        return false;
    }
    if (uri != NULL) {
        *uri = xml_ns_uri(doc, b);
    }
    return true;
}

/* ---- character data ----------------------------------------------------------------------- */

struct sso_str sso_xml_text(const struct sso_xml_doc *doc, int node)
{
    if (!valid_node(doc, node) ||
        (doc->nodes[node].type != SSO_XML_TEXT && doc->nodes[node].type != SSO_XML_COMMENT)) {
        return view("", 0);
    }
    return view(doc->pool + doc->nodes[node].str, doc->nodes[node].len);
}

int sso_xml_string_value(const struct sso_xml_doc *doc, int node, char *out, size_t out_size,
                         size_t *len)
{
    size_t n = 0;
    if (len != NULL) {
        *len = 0;
    }
    if (out == NULL || out_size == 0) {
        return SSO_E_INVAL;
    }
    out[0] = '\0';
    if (!valid_node(doc, node)) {
        return SSO_E_INVAL;
    }
    /* text only: comments are not part of the string value (XPath 1.0, 5.2), which is what
     * keeps "user@evil.com<!---->.example.com" from reading as "user@evil.com" */
    for (int c = node; c >= 0; c = sso_xml_walk_next(doc, node, c)) {
        const struct sso_xml_node *t = &doc->nodes[c];
        if (t->type != SSO_XML_TEXT) {
            continue;
        }
        if (t->len >= out_size - n) {
            out[0] = '\0';
            return SSO_E_NOSPC;
        }
        memcpy(out + n, doc->pool + t->str, t->len);
        n += t->len;
    }
    out[n] = '\0';
    if (len != NULL) {
        *len = n;
    }
    return SSO_OK;
}

int sso_xml_text_only(const struct sso_xml_doc *doc, int node, char *out, size_t out_size,
                      size_t *len)
{
    if (len != NULL) {
        *len = 0;
    }
    if (out != NULL && out_size > 0) {
        out[0] = '\0';
    }
    if (!xml_is_elem(doc, node)) {
        return SSO_E_INVAL;
    }
    if (sso_xml_first_elem(doc, node) >= 0) {
        return SSO_E_XML_SYNTAX; /* markup where only a value belongs */
    }
    return sso_xml_string_value(doc, node, out, out_size, len);
}

int sso_xml_struct_children(const struct sso_xml_doc *doc, int node, int *out, int max)
{
    int n = 0;
    for (int c = sso_xml_first_child(doc, node); c >= 0; c = sso_xml_next(doc, c)) {
        enum sso_xml_type t = sso_xml_type(doc, c);
        if (t == SSO_XML_ELEMENT) {
            if (n < max) {
                out[n] = c;
            }
            n++;
        } else if (t != SSO_XML_TEXT || !sso_str_is_blank(sso_xml_text(doc, c))) {
            return SSO_E_XML_SYNTAX;
        }
    }
    return n;
}

bool sso_xml_has_comment(const struct sso_xml_doc *doc, int node)
{
    if (!valid_node(doc, node)) {
        return false;
    }
    for (int c = node; c >= 0; c = sso_xml_walk_next(doc, node, c)) {
        if (doc->nodes[c].type == SSO_XML_COMMENT) {
            return true;
        }
    }
    return false;
}
