/*
 * Exclusive XML Canonicalization 1.0 (https://www.w3.org/TR/xml-exc-c14n/) over the tree
 * of xml.c, streaming into a sink.
 *
 * Namespace rendering follows the W3C text and, where it leaves room, libxml2's
 * xmlExcC14NProcessNamespacesAxis (what xmllint and xmlsec1 run):
 *
 *  - An output element E "pushes" prefix P when P is visibly utilized by E (E's own prefix;
 *    for an unprefixed E, the default namespace if a default declaration, even xmlns="",
 *    is in scope; the prefix of one of E's attributes) or when P is in the
 *    InclusiveNamespaces PrefixList and bound at E ("#default" = the default namespace).
 *    The xml prefix is never pushed.
 *  - E renders the declaration of each prefix it pushes, unless the nearest output
 *    ancestor of E that pushes the same prefix bound it to the same URI. With no such
 *    ancestor, only an empty default (xmlns="") counts as already rendered.
 *
 * libxml2 keeps the pushed namespaces on a stack saved and restored around each element;
 * walking up the parent links to the nearest pushing ancestor gives the same answer with
 * no allocation. An excluded subtree (enveloped signature) is skipped whole: it pushes
 * nothing, so its siblings render exactly as if it were not there.
 *
 * Declarations come out sorted by prefix (default first), attributes by (namespace URI,
 * local name) with unqualified ones first, as byte strings. No recursion anywhere.
 */
#include "sso/c14n.h"

#include <string.h>

#include "sso/err.h"
#include "xml_priv.h"

/* Most namespace declarations rendered on one element. */
#define C14N_MAX_NS 64

/* Output is batched so that a hashing sink sees a few large updates. */
#define C14N_BUF 192

struct c14n {
    const struct sso_xml_doc *doc;
    int top; /* outermost output element */
    int exclude;
    bool comments;
    const char *incl; /* PrefixList, validated */
    size_t incl_len;
    unsigned incl_count;
    sso_c14n_sink_fn sink;
    void *sink_ctx;
    int rc; /* first sink error */
    size_t n;
    char buf[C14N_BUF];
};

static struct sso_str view(const char *p, size_t len)
{
    struct sso_str v = {p, len};
    return v;
}

/* ---- output ------------------------------------------------------------------------------- */

static void flush(struct c14n *c)
{
    if (c->rc == 0 && c->n > 0) {
        c->rc = c->sink(c->sink_ctx, c->buf, c->n);
    }
    c->n = 0;
}

static void put(struct c14n *c, const char *p, size_t n)
{
    while (n > 0 && c->rc == 0) {
        size_t k = sizeof(c->buf) - c->n;
        if (k > n) {
            k = n;
        }
        memcpy(c->buf + c->n, p, k);
        c->n += k;
        p += k;
        n -= k;
        if (c->n == sizeof(c->buf)) {
            flush(c);
        }
    }
}

static void put_s(struct c14n *c, const char *s)
{
    put(c, s, strlen(s));
}

static void put_v(struct c14n *c, struct sso_str s)
{
    put(c, s.p, s.len);
}

/* Text nodes: & < > and CR escaped (C14N 1.0, 2.3). */
static void put_text(struct c14n *c, struct sso_str s)
{
    size_t start = 0;
    for (size_t i = 0; i < s.len; i++) {
        const char *e;
        switch (s.p[i]) {
        case '&':
            e = "&amp;";
            break;
        case '<':
            e = "&lt;";
            break;
        case '>':
            e = "&gt;";
            break;
        case '\r':
            e = "&#xD;";
            break;
        default:
            continue;
        }
        put(c, s.p + start, i - start);
        put_s(c, e);
        start = i + 1;
    }
    put(c, s.p + start, s.len - start);
}

/* Attribute values: & < " TAB LF CR escaped. */
static void put_attr(struct c14n *c, struct sso_str s)
{
    size_t start = 0;
    for (size_t i = 0; i < s.len; i++) {
        const char *e;
        switch (s.p[i]) {
        case '&':
            e = "&amp;";
            break;
        case '<':
            e = "&lt;";
            break;
        case '"':
            e = "&quot;";
            break;
        case '\t':
            e = "&#x9;";
            break;
        case '\n':
            e = "&#xA;";
            break;
        case '\r':
            e = "&#xD;";
            break;
        default:
            continue;
        }
        put(c, s.p + start, i - start);
        put_s(c, e);
        start = i + 1;
    }
    put(c, s.p + start, s.len - start);
}

/* ---- InclusiveNamespaces PrefixList --------------------------------------------------------- */

static bool is_list_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* The @p i-th token of the list, "#default" given as the empty prefix. */
static bool incl_token(const struct c14n *c, unsigned i, struct sso_str *tok)
{
    size_t p = 0;
    for (;;) {
        size_t start;
        while (p < c->incl_len && is_list_ws(c->incl[p])) {
            p++;
        }
        if (p >= c->incl_len) {
            return false;
        }
        start = p;
        while (p < c->incl_len && !is_list_ws(c->incl[p])) {
            p++;
        }
        if (i-- == 0) {
            *tok = view(c->incl + start, p - start);
            if (sso_str_eq(*tok, "#default")) {
                *tok = view("", 0);
            }
            return true;
        }
    }
}

static int incl_init(struct c14n *c, const char *list, size_t len)
{
    struct sso_str t;
    c->incl = list != NULL ? list : "";
    c->incl_len = list != NULL ? len : 0;
    c->incl_count = 0;
    while (incl_token(c, c->incl_count, &t)) {
        /* a prefix (an NCName) or #default; anything else is a malformed transform */
        if (memchr(t.p, ':', t.len) != NULL || memchr(t.p, '#', t.len) != NULL ||
            memchr(t.p, '\0', t.len) != NULL) {
            return SSO_E_INVAL;
        }
        c->incl_count++;
    }
    return SSO_OK;
}

/* ---- namespace axis ----------------------------------------------------------------------- */

/*
 * Candidate @p id of element @p e: 0..incl_count-1 are the PrefixList entries, incl_count
 * is the element itself, the rest its attributes. True, with the prefix and its binding,
 * if the candidate pushes a namespace.
 */
static bool candidate(const struct c14n *c, int e, unsigned id, struct sso_str *prefix,
                      int32_t *bind)
{
    const struct sso_xml_doc *doc = c->doc;
    const struct sso_xml_node *n = &doc->nodes[e];
    if (id < c->incl_count) {
        incl_token(c, id, prefix);
        *bind = xml_lookup_binding(doc, e, *prefix);
    } else if (id == c->incl_count) {
        *prefix = view(doc->pool + n->str, n->prefix_len);
        *bind = n->ns;
    } else {
        uint32_t r = n->attr_first + (id - c->incl_count - 1);
        *prefix = view(doc->pool + doc->attrs[r].str, doc->attrs[r].prefix_len);
        *bind = prefix->len != 0 ? doc->attrs[r].ns : XML_NS_NONE;
    }
    return *bind != XML_NS_NONE && *bind != XML_NS_XML;
}

/* Does output element @p a push @p prefix? If so, *bind is its binding there. */
static bool pushes(const struct c14n *c, int a, struct sso_str prefix, int32_t *bind)
{
    unsigned ncand = c->incl_count + 1u + c->doc->nodes[a].nattr;
    for (unsigned id = 0; id < ncand; id++) {
        struct sso_str p;
        if (candidate(c, a, id, &p, bind) && sso_str_eqv(p, prefix)) {
            return true;
        }
    }
    return false;
}

/* Has an output ancestor of @p e already rendered @p prefix bound to @p uri? */
static bool rendered_above(const struct c14n *c, int e, struct sso_str prefix, struct sso_str uri)
{
    const struct sso_xml_doc *doc = c->doc;
    int32_t bind;
    for (int a = e; a != c->top;) {
        a = doc->nodes[a].parent;
        if (pushes(c, a, prefix, &bind)) {
            return sso_str_eqv(xml_ns_uri(doc, bind), uri);
        }
    }
    return prefix.len == 0 && uri.len == 0; /* an empty default needs no xmlns="" */
}

static int cmp_bytes(struct sso_str a, struct sso_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int r = n != 0 ? memcmp(a.p, b.p, n) : 0;
    if (r != 0) {
        return r;
    }
    return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

static int put_namespaces(struct c14n *c, int e)
{
    const struct sso_xml_doc *doc = c->doc;
    unsigned ncand = c->incl_count + 1u + doc->nodes[e].nattr, count = 0;
    uint16_t ids[C14N_MAX_NS];
    for (unsigned id = 0; id < ncand; id++) {
        struct sso_str p, q;
        int32_t bind, other;
        bool seen = false;
        if (!candidate(c, e, id, &p, &bind)) {
            continue;
        }
        for (unsigned k = 0; k < count && !seen; k++) {
            seen = candidate(c, e, ids[k], &q, &other) && sso_str_eqv(p, q);
        }
        if (seen || rendered_above(c, e, p, xml_ns_uri(doc, bind))) {
            continue;
        }
        if (count == C14N_MAX_NS || id > 0xffffu) {
            return SSO_E_XML_LIMIT;
        }
        /* insertion sort by prefix; the default (empty) sorts first */
        {
            unsigned k = count++;
            while (k > 0) {
                candidate(c, e, ids[k - 1], &q, &other);
                if (cmp_bytes(q, p) <= 0) {
                    break;
                }
                ids[k] = ids[k - 1];
                k--;
            }
            ids[k] = (uint16_t)id;
        }
    }
    for (unsigned k = 0; k < count; k++) {
        struct sso_str p;
        int32_t bind;
        candidate(c, e, ids[k], &p, &bind);
        put_s(c, p.len != 0 ? " xmlns:" : " xmlns");
        put_v(c, p);
        put_s(c, "=\"");
        put_v(c, xml_ns_uri(doc, bind)); /* URIs needing escapes were refused by the parser */
        put_s(c, "\"");
    }
    return SSO_OK;
}

/* ---- attribute axis ----------------------------------------------------------------------- */

static int cmp_attr(const struct sso_xml_doc *doc, int e, unsigned i, unsigned j)
{
    struct sso_xml_attr a, b;
    int r;
    sso_xml_attr_at(doc, e, i, &a);
    sso_xml_attr_at(doc, e, j, &b);
    if (a.ns.len == 0 || b.ns.len == 0) {
        if (a.ns.len != b.ns.len) {
            return a.ns.len == 0 ? -1 : 1; /* unqualified attributes first */
        }
    } else {
        r = cmp_bytes(a.ns, b.ns);
        if (r != 0) {
            return r;
        }
    }
    return cmp_bytes(a.local, b.local);
}

static void put_attrs(struct c14n *c, int e)
{
    const struct sso_xml_doc *doc = c->doc;
    unsigned n = doc->nodes[e].nattr;
    int last = -1;
    /* selection in sorted order: attributes are unique by (URI, local name) */
    for (unsigned done = 0; done < n; done++) {
        int best = -1;
        for (unsigned i = 0; i < n; i++) {
            if (last >= 0 && cmp_attr(doc, e, i, (unsigned)last) <= 0) {
                continue;
            }
            if (best < 0 || cmp_attr(doc, e, i, (unsigned)best) < 0) {
                best = (int)i;
            }
        }
        if (best < 0) {
            break;
        }
        {
            uint32_t r = doc->nodes[e].attr_first + (unsigned)best;
            put_s(c, " ");
            put_v(c, xml_rec_qname(doc, r));
            put_s(c, "=\"");
            put_attr(c, xml_rec_value(doc, r));
            put_s(c, "\"");
        }
        last = best;
    }
}

/* ---- tree walk ---------------------------------------------------------------------------- */

static struct sso_str qname(const struct sso_xml_doc *doc, int e)
{
    return view(doc->pool + doc->nodes[e].str, doc->nodes[e].len);
}

static void put_end(struct c14n *c, int e)
{
    put_s(c, "</");
    put_v(c, qname(c->doc, e));
    put_s(c, ">");
}

/* Canonicalize the subtree of element c->top, iteratively in document order. */
static int walk(struct c14n *c)
{
    const struct sso_xml_doc *doc = c->doc;
    int n = c->top;
    int rc;
    for (;;) {
        const struct sso_xml_node *nd = &doc->nodes[n];
        if (nd->type == SSO_XML_ELEMENT && n != c->exclude) {
            put_s(c, "<");
            put_v(c, qname(doc, n));
            rc = put_namespaces(c, n);
            if (rc != SSO_OK) {
                return rc;
            }
            put_attrs(c, n);
            put_s(c, ">");
            if (nd->first_child >= 0) {
                n = nd->first_child;
                continue;
            }
            put_end(c, n);
        } else if (nd->type == SSO_XML_TEXT) {
            put_text(c, view(doc->pool + nd->str, nd->len));
        } else if (nd->type == SSO_XML_COMMENT && c->comments) {
            put_s(c, "<!--");
            put(c, doc->pool + nd->str, nd->len);
            put_s(c, "-->");
        }
        if (c->rc != 0) {
            return c->rc;
        }
        /* next in document order, closing the elements this finishes */
        while (n != c->top && doc->nodes[n].next < 0) {
            n = doc->nodes[n].parent;
            put_end(c, n);
        }
        if (n == c->top) {
            return c->rc;
        }
        n = doc->nodes[n].next;
    }
}

int sso_c14n(const struct sso_xml_doc *doc, int top, const struct sso_c14n_opts *opts,
             sso_c14n_sink_fn sink, void *sink_ctx)
{
    struct c14n c;
    int rc = SSO_E_INTERNAL;
    if (doc == NULL || doc->nodes == NULL || sink == NULL ||
        (top != SSO_XML_DOC_NODE && !xml_is_elem(doc, top))) {
        return SSO_E_INVAL;
    }
    memset(&c, 0, sizeof(c));
    c.doc = doc;
    c.sink = sink;
    c.sink_ctx = sink_ctx;
    c.exclude = -1;
    if (opts != NULL) {
        c.comments = opts->with_comments;
        c.exclude = opts->exclude;
        if (c.exclude != -1 && !xml_is_elem(doc, c.exclude)) {
            return SSO_E_INVAL;
        }
        rc = incl_init(&c, opts->inclusive_prefixes, opts->inclusive_prefixes_len);
    } else {
        rc = incl_init(&c, NULL, 0);
    }
    if (rc != SSO_OK) {
        return rc;
    }
    if (top != SSO_XML_DOC_NODE) {
        c.top = top;
        rc = walk(&c);
    } else {
        /* whole document: the root element, and top-level comments on their own lines */
        bool after_root = false;
        rc = SSO_OK;
        for (int n = doc->nodes[0].first_child; n >= 0 && rc == SSO_OK; n = doc->nodes[n].next) {
            const struct sso_xml_node *nd = &doc->nodes[n];
            if (nd->type == SSO_XML_ELEMENT) {
                c.top = n;
                rc = walk(&c);
                after_root = true;
            } else if (nd->type == SSO_XML_COMMENT && c.comments) {
                put_s(&c, after_root ? "\n<!--" : "<!--");
                put(&c, doc->pool + nd->str, nd->len);
                put_s(&c, after_root ? "-->" : "-->\n");
                rc = c.rc;
            }
        }
    }
    if (rc == SSO_OK) {
        flush(&c);
        rc = c.rc;
    }
    return rc;
}
