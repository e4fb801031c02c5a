/*
 * Raw pre-scan of an XML document, before Mini-XML sees it.
 *
 * Mini-XML is a forgiving parser: it knows HTML entities, accepts unquoted attribute
 * values, PIs and DOCTYPEs, and it does neither the XML 1.0 line-end (2.11) nor the
 * attribute-value (3.3.3) normalisation. So every byte is checked here first, in one
 * iterative pass with a read cursor r and a write cursor w <= r, and the text Mini-XML
 * will parse is written back into the same buffer (it only ever shrinks):
 *
 *  - size bound first, then UTF-8 (no overlongs, surrogates, > U+10FFFF; UTF-16 refused),
 *    then XML Chars only;
 *  - the XML declaration is checked (1.0, UTF-8) and dropped, a UTF-8 BOM is skipped;
 *  - DOCTYPE and every other <! declaration, and every PI, are refused;
 *  - references: only amp lt gt quot apos and character references to XML Chars;
 *  - names are QNames; attributes are quoted, whitespace-separated, unique, '<'-free;
 *    "]]>" never in text, "--" never inside a comment; tags balance; one root element;
 *  - depth, node and per-element attribute counts are held to the limits;
 *  - CRLF and lone CR become LF everywhere, and literal TAB/LF/CR inside attribute
 *    values become spaces; character references stay as written, so &#13; and &#9; still
 *    yield CR and TAB after Mini-XML decodes them;
 *  - whitespace outside the root element is dropped (it is not in the infoset c14n
 *    sees, and Mini-XML wants the text to start with '<');
 *  - two Mini-XML quirks are steered around: an empty comment "<!---->" is written as
 *    "<!>" (Mini-XML would read past its end), and a literal U+FEFF (which Mini-XML
 *    silently drops anywhere in the text) is written as the never-valid U+DFFF, which
 *    the tree builder turns back into U+FEFF.
 *
 * The counts it returns size the tree exactly, and the tree built from Mini-XML's
 * events must match them: a disagreement between the two parsers is an error.
 */
#include <string.h>

#include "sso/alloc.h"
#include "sso/err.h"
#include "xml_priv.h"

/* Longest reference body between '&' and ';' (Mini-XML reads at most 63 bytes). */
#define REF_MAX 32

struct span {
    uint32_t off; /* in the output (already written, never moved again) */
    uint32_t len;
};

enum where {
    PROLOG,
    CONTENT,
    EPILOG,
};

struct scan {
    char *b;
    size_t len;
    size_t r; /* read cursor */
    size_t w; /* write cursor, w <= r always */
    const struct xml_limits *lim;
    struct xml_scan_result *res;
    struct span *open;   /* names of the open elements: max_depth entries */
    struct span *anames; /* attribute names of the current start tag: max_attrs entries */
    unsigned depth;
    uint32_t run;     /* decoded bytes of the current text run */
    size_t end_tag_w; /* w just after the last end tag */
    uint64_t pool;
};

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool at(const struct scan *s, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return i <= s->len && s->len - i >= n && memcmp(s->b + i, lit, n) == 0;
}

/* Decode one UTF-8 sequence; 0 if it is not the shortest form of a scalar value. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    uint32_t c = p[0], min;
    size_t len;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xc2) {
        return 0; /* stray continuation byte, or overlong 2-byte lead */
    } else if (c < 0xe0) {
        len = 2;
        c &= 0x1f;
        min = 0x80;
    } else if (c < 0xf0) {
        len = 3;
        c &= 0x0f;
        min = 0x800;
    } else if (c < 0xf5) {
        len = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (p[i] & 0x3fu);
    }
    /* overlongs hide '<' and '&' from naive scanners; surrogates are not characters */
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }
    *cp = c;
    return len;
}

static size_t utf8_len(uint32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* XML 1.0 Char production. */
static bool is_char(uint32_t c)
{
    return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
           (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* NameStartChar without ':' (the colon is handled by the QName rules). */
static bool is_name_start(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x2ff) ||
           (c >= 0x370 && c <= 0x37d) || (c >= 0x37f && c <= 0x1fff) ||
           (c >= 0x200c && c <= 0x200d) || (c >= 0x2070 && c <= 0x218f) ||
           (c >= 0x2c00 && c <= 0x2fef) || (c >= 0x3001 && c <= 0xd7ff) ||
           (c >= 0xf900 && c <= 0xfdcf) || (c >= 0xfdf0 && c <= 0xfffd) ||
           (c >= 0x10000 && c <= 0xeffff);
}

static bool is_name_char(uint32_t c)
{
    return is_name_start(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xb7 ||
           (c >= 0x300 && c <= 0x36f) || (c >= 0x203f && c <= 0x2040);
}

/* Decode and check the character at the read cursor. */
static int peek_char(const struct scan *s, uint32_t *cp, size_t *n)
{
    const unsigned char *p = (const unsigned char *)s->b + s->r;
    if (s->r >= s->len) {
        return SSO_E_XML_SYNTAX; /* truncated document */
    }
    if (p[0] == 0) {
        return SSO_E_XML_ENCODING; /* NUL: UTF-16 without BOM, or binary */
    }
    *n = utf8_decode(p, s->len - s->r, cp);
    if (*n == 0) {
        return SSO_E_XML_ENCODING;
    }
    if (!is_char(*cp)) {
        return SSO_E_XML_SYNTAX; /* control characters, U+FFFE, U+FFFF */
    }
    return SSO_OK;
}

/* Move @p n bytes from the read to the write cursor. */
static void copy(struct scan *s, size_t n)
{
    if (s->w != s->r) {
        memmove(s->b + s->w, s->b + s->r, n);
    }
    s->w += n;
    s->r += n;
}

/* Copy one checked character; U+FEFF is written as the stand-in U+DFFF (see the top). */
static void copy_char(struct scan *s, uint32_t cp, size_t n)
{
    if (cp == 0xfeff) {
        s->r += n;
        s->b[s->w++] = (char)0xed;
        s->b[s->w++] = (char)0xbf;
        s->b[s->w++] = (char)0xbf;
        return;
    }
    copy(s, n);
}

/* Copy a run of printable ASCII that needs no check beyond "not special here": most of
 * a SAML response (base64, URIs, names) is such runs, and taking them a character at a
 * time through copy_data_char() made this scan cost as much as Mini-XML's own parse.
 * Stops before everything the per-character paths handle: '<', '&', ']' (for "]]>"),
 * @p quote, controls (TAB, LF, CR, NUL: normalisation) and non-ASCII (UTF-8 checks).
 * w <= r, so the forward copy is safe. Returns the bytes copied. */
static size_t copy_ascii_run(struct scan *s, char quote)
{
    size_t r = s->r, w = s->w, n;
    char *b = s->b;
    while (r < s->len) {
        unsigned char c = (unsigned char)b[r];
        if (c < 0x20 || c >= 0x80 || c == '<' || c == '&' || c == ']' ||
            c == (unsigned char)quote) {
            break;
        }
        b[w++] = (char)c;
        r++;
    }
    n = r - s->r;
    s->r = r;
    s->w = w;
    return n;
}

/* Copy one character of character data, CR and CRLF becoming LF; adds its size to *len. */
static int copy_data_char(struct scan *s, uint32_t *len)
{
    unsigned char c = (unsigned char)s->b[s->r];
    uint32_t cp;
    size_t n;
    int rc;
    if (c == '\r') {
        s->r++;
        if (s->r < s->len && s->b[s->r] == '\n') {
            s->r++;
        }
        s->b[s->w++] = '\n';
        (*len)++;
        return SSO_OK;
    }
    if (c >= 0x20 && c < 0x80) {
        copy(s, 1);
        (*len)++;
        return SSO_OK;
    }
    rc = peek_char(s, &cp, &n);
    if (rc != SSO_OK) {
        return rc;
    }
    copy_char(s, cp, n);
    *len += (uint32_t)n;
    return SSO_OK;
}

static int count_node(struct scan *s)
{
    if (++s->res->nodes > s->lim->max_nodes) {
        return SSO_E_XML_LIMIT; /* node-count bomb */
    }
    return SSO_OK;
}

/* A start tag, end tag or comment ends the current text run: count it as one node. */
static int end_run(struct scan *s)
{
    if (s->run == 0) {
        return SSO_OK;
    }
    s->pool += (uint64_t)s->run + 1;
    s->run = 0;
    return count_node(s);
}

static int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * A reference at the read cursor ('&'). Only the five predefined entities and
 * character references to XML Chars are XML without a DTD; Mini-XML also knows the
 * HTML entities (&nbsp; ...), which must not slip through. Copied as written.
 */
static int scan_ref(struct scan *s, uint32_t *dlen)
{
    static const char *const names[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
    const unsigned char *b = (const unsigned char *)s->b;
    size_t i = s->r + 1;
    if (i < s->len && b[i] == '#') {
        bool hex = i + 1 < s->len && b[i + 1] == 'x'; /* XML wants a lowercase x */
        uint32_t v = 0, base = hex ? 16 : 10;
        size_t digits = 0;
        i += hex ? 2 : 1;
        while (i < s->len && digits <= REF_MAX) {
            int d = hex ? hex_digit(b[i]) : (b[i] >= '0' && b[i] <= '9' ? b[i] - '0' : -1);
            if (d < 0) {
                break;
            }
            v = v < 0x110000 ? v * base + (uint32_t)d : 0x110000;
            digits++;
            i++;
        }
        if (digits == 0 || i >= s->len || b[i] != ';' || !is_char(v)) {
            return SSO_E_XML_ENTITY; /* &#0;, &#xD800;, &#X41;, unterminated ... */
        }
        *dlen = (uint32_t)utf8_len(v);
    } else {
        size_t k;
        for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            if (at(s, i, names[k])) {
                break;
            }
        }
        if (k == sizeof(names) / sizeof(names[0])) {
            return SSO_E_XML_ENTITY; /* undeclared entity, or a bare '&' */
        }
        i += strlen(names[k]) - 1;
        *dlen = 1;
    }
    if (i - s->r - 1 > REF_MAX) {
        return SSO_E_XML_ENTITY;
    }
    copy(s, i + 1 - s->r);
    return SSO_OK;
}

/*
 * A QName at the read cursor, copied; @p name receives where it was written. A Name that
 * is not a QName (colon first, last or twice, a digit after the colon) is a namespace
 * error; something that is not a Name at all is a syntax error.
 */
static int scan_qname(struct scan *s, struct span *name, uint16_t *prefix_len)
{
    size_t start = s->w, qlen = 0;
    bool colon = false, after_colon = false;
    int rc;
    *prefix_len = 0;
    while (s->r < s->len) {
        unsigned char c = (unsigned char)s->b[s->r];
        uint32_t cp = c;
        size_t n = 1;
        if (c >= 0x80) {
            rc = peek_char(s, &cp, &n);
            if (rc != SSO_OK) {
                return rc;
            }
        }
        if (cp == ':') {
            if (qlen == 0 || colon) {
                return SSO_E_XML_NAMESPACE;
            }
            colon = after_colon = true;
            *prefix_len = (uint16_t)qlen;
        } else if (is_name_start(cp)) {
            after_colon = false;
        } else if (is_name_char(cp)) {
            if (qlen == 0) {
                return SSO_E_XML_SYNTAX;
            }
            if (after_colon) {
                return SSO_E_XML_NAMESPACE;
            }
        } else {
            break;
        }
        copy_char(s, cp, n);
        qlen += n;
        if (qlen > XML_NAME_MAX) {
            return SSO_E_XML_LIMIT;
        }
    }
    if (qlen == 0) {
        return SSO_E_XML_SYNTAX;
    }
    if (after_colon) {
        return SSO_E_XML_NAMESPACE;
    }
    name->off = (uint32_t)start;
    name->len = (uint32_t)qlen;
    return SSO_OK;
}

/* Whitespace inside a tag: any run becomes one space. True if there was any. */
static bool tag_ws(struct scan *s)
{
    bool any = false;
    while (s->r < s->len && is_ws((unsigned char)s->b[s->r])) {
        s->r++;
        any = true;
    }
    if (any) {
        s->b[s->w++] = ' ';
    }
    return any;
}

/* An attribute value after its opening quote, up to and including the closing one. */
static int scan_attr_value(struct scan *s, char quote, uint32_t *vlen)
{
    int rc;
    *vlen = 0;
    while (s->r < s->len) {
        size_t run = copy_ascii_run(s, quote);
        char c;
        if (run > 0) {
            *vlen += (uint32_t)run;
            continue;
        }
        c = s->b[s->r];
        if (c == quote) {
            copy(s, 1);
            return SSO_OK;
        }
        if (c == '<') {
            return SSO_E_XML_SYNTAX; /* not allowed in attribute values */
        }
        if (c == '&') {
            uint32_t d;
            rc = scan_ref(s, &d);
            if (rc != SSO_OK) {
                return rc;
            }
            *vlen += d;
            continue;
        }
        if (c == '\t' || c == '\n' || c == '\r') {
            /* 3.3.3: literal whitespace becomes a space (after 2.11, so CRLF is one) */
            s->r++;
            if (c == '\r' && s->r < s->len && s->b[s->r] == '\n') {
                s->r++;
            }
            s->b[s->w++] = ' ';
            (*vlen)++;
            continue;
        }
        rc = copy_data_char(s, vlen);
        if (rc != SSO_OK) {
            return rc;
        }
    }
    return SSO_E_XML_SYNTAX;
}

static int scan_start_tag(struct scan *s, enum where *where)
{
    struct span name;
    unsigned nattr = 0;
    uint16_t plen;
    int rc;
    if (s->depth >= s->lim->max_depth) {
        return SSO_E_XML_LIMIT; /* nesting bomb: stops before Mini-XML allocates the path */
    }
    rc = count_node(s);
    if (rc != SSO_OK) {
        return rc;
    }
    copy(s, 1); /* '<' */
    rc = scan_qname(s, &name, &plen);
    if (rc != SSO_OK) {
        return rc;
    }
    s->pool += (uint64_t)name.len + 1;
    for (;;) {
        struct span an;
        uint32_t vlen;
        char quote;
        bool ws = tag_ws(s);
        if (s->r >= s->len) {
            return SSO_E_XML_SYNTAX;
        }
        if (s->b[s->r] == '>') {
            copy(s, 1);
            s->open[s->depth++] = name;
            if (s->depth > s->res->depth) {
                s->res->depth = s->depth;
            }
            *where = CONTENT;
            return SSO_OK;
        }
        if (s->b[s->r] == '/') {
            if (!at(s, s->r, "/>")) {
                return SSO_E_XML_SYNTAX;
            }
            copy(s, 2);
            if (s->depth + 1 > s->res->depth) {
                s->res->depth = s->depth + 1;
            }
            *where = s->depth == 0 ? EPILOG : CONTENT;
            return SSO_OK;
        }
        if (!ws) {
            return SSO_E_XML_SYNTAX; /* attributes must be separated by whitespace */
        }
        if (nattr >= s->lim->max_attrs) {
            return SSO_E_XML_LIMIT;
        }
        rc = scan_qname(s, &an, &plen);
        if (rc != SSO_OK) {
            return rc;
        }
        for (unsigned i = 0; i < nattr; i++) {
            if (s->anames[i].len == an.len &&
                memcmp(s->b + s->anames[i].off, s->b + an.off, an.len) == 0) {
                return SSO_E_XML_DUP_ATTR; /* which of the two would a consumer read? */
            }
        }
        s->anames[nattr++] = an;
        tag_ws(s);
        if (s->r >= s->len || s->b[s->r] != '=') {
            return SSO_E_XML_SYNTAX; /* attribute without a value */
        }
        copy(s, 1);
        tag_ws(s);
        if (s->r >= s->len || (s->b[s->r] != '"' && s->b[s->r] != '\'')) {
            return SSO_E_XML_SYNTAX; /* unquoted value */
        }
        quote = s->b[s->r];
        copy(s, 1);
        rc = scan_attr_value(s, quote, &vlen);
        if (rc != SSO_OK) {
            return rc;
        }
        s->pool += (uint64_t)an.len + 1 + vlen + 1;
        s->res->attrs++;
    }
}

static int scan_end_tag(struct scan *s, enum where *where)
{
    struct span name;
    const struct span *open = &s->open[s->depth - 1];
    uint16_t plen;
    int rc;
    copy(s, 2); /* "</" */
    rc = scan_qname(s, &name, &plen);
    if (rc != SSO_OK) {
        return rc;
    }
    if (name.len != open->len || memcmp(s->b + name.off, s->b + open->off, name.len) != 0) {
        return SSO_E_XML_SYNTAX; /* mismatched end tag */
    }
    while (s->r < s->len && is_ws((unsigned char)s->b[s->r])) {
        s->r++;
    }
    if (s->r >= s->len || s->b[s->r] != '>') {
        return SSO_E_XML_SYNTAX;
    }
    copy(s, 1);
    s->end_tag_w = s->w;
    if (--s->depth == 0) {
        *where = EPILOG;
    }
    return SSO_OK;
}

static int scan_comment(struct scan *s)
{
    uint32_t clen = 0;
    int rc = count_node(s);
    if (rc != SSO_OK) {
        return rc;
    }
    if (at(s, s->r, "<!---->")) {
        /* Mini-XML does not see the end of an empty comment: hand it a stand-in */
        s->r += 7;
        memcpy(s->b + s->w, "<!>", 3);
        s->w += 3;
        s->pool += 1;
        return SSO_OK;
    }
    copy(s, 4); /* "<!--" */
    while (s->r < s->len) {
        if (at(s, s->r, "--")) {
            if (!at(s, s->r, "-->")) {
                return SSO_E_XML_SYNTAX; /* "--" inside a comment */
            }
            copy(s, 3);
            s->pool += (uint64_t)clen + 1;
            return SSO_OK;
        }
        if (s->b[s->r] == '\t' || s->b[s->r] == '\n') {
            copy(s, 1);
            clen++;
            continue;
        }
        rc = copy_data_char(s, &clen);
        if (rc != SSO_OK) {
            return rc;
        }
    }
    return SSO_E_XML_SYNTAX;
}

static int scan_cdata(struct scan *s)
{
    int rc;
    copy(s, 9); /* "<![CDATA[" */
    while (s->r < s->len) {
        if (at(s, s->r, "]]>")) {
            copy(s, 3);
            return SSO_OK;
        }
        if (s->b[s->r] == '\t' || s->b[s->r] == '\n') {
            copy(s, 1);
            s->run++;
            continue;
        }
        rc = copy_data_char(s, &s->run); /* CDATA joins the surrounding text */
        if (rc != SSO_OK) {
            return rc;
        }
    }
    return SSO_E_XML_SYNTAX;
}

/* Character data inside the root element, up to the next '<'. */
static int scan_text(struct scan *s)
{
    int rc;
    while (s->r < s->len) {
        size_t run = copy_ascii_run(s, '<');
        char c;
        if (run > 0) {
            s->run += (uint32_t)run;
            continue;
        }
        c = s->b[s->r];
        if (c == '<') {
            return SSO_OK;
        }
        if (c == '&') {
            uint32_t d;
            rc = scan_ref(s, &d);
            if (rc != SSO_OK) {
                return rc;
            }
            s->run += d;
            continue;
        }
        if (c == ']' && at(s, s->r, "]]>")) {
            return SSO_E_XML_SYNTAX; /* not allowed in content */
        }
        if (c == '\t' || c == '\n') {
            copy(s, 1);
            s->run++;
            continue;
        }
        rc = copy_data_char(s, &s->run);
        if (rc != SSO_OK) {
            return rc;
        }
    }
    return SSO_E_XML_SYNTAX; /* truncated inside the root element */
}

/* Parse " name = 'value'" inside the XML declaration at *i; advance *i on success. */
static bool decl_attr(const struct scan *s, size_t *i, const char *name, struct span *v)
{
    size_t j = *i;
    char q;
    if (j >= s->len || !is_ws((unsigned char)s->b[j])) {
        return false;
    }
    while (j < s->len && is_ws((unsigned char)s->b[j])) {
        j++;
    }
    if (!at(s, j, name)) {
        return false;
    }
    j += strlen(name);
    while (j < s->len && is_ws((unsigned char)s->b[j])) {
        j++;
    }
    if (j >= s->len || s->b[j] != '=') {
        return false;
    }
    j++;
    while (j < s->len && is_ws((unsigned char)s->b[j])) {
        j++;
    }
    if (j >= s->len || (s->b[j] != '"' && s->b[j] != '\'')) {
        return false;
    }
    q = s->b[j++];
    v->off = (uint32_t)j;
    while (j < s->len && s->b[j] != q && s->b[j] != '<' && s->b[j] != '>') {
        j++;
    }
    if (j >= s->len || s->b[j] != q) {
        return false;
    }
    v->len = (uint32_t)(j - v->off);
    *i = j + 1;
    return true;
}

static bool span_is(const struct scan *s, const struct span *v, const char *lit, bool fold)
{
    size_t n = strlen(lit);
    if (v->len != n) {
        return false;
    }
    for (size_t k = 0; k < n; k++) {
        char c = s->b[v->off + k];
        if (fold && c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != lit[k]) {
            return false;
        }
    }
    return true;
}

/* The XML declaration at the read cursor: checked, then dropped from the output. */
static int scan_decl(struct scan *s)
{
    size_t i = s->r + 5; /* after "<?xml" */
    struct span v;
    if (!decl_attr(s, &i, "version", &v) || !span_is(s, &v, "1.0", false)) {
        return SSO_E_XML_SYNTAX; /* only XML 1.0 line-end and name rules are implemented */
    }
    if (decl_attr(s, &i, "encoding", &v) && !span_is(s, &v, "utf-8", true)) {
        return SSO_E_XML_ENCODING; /* bytes are read as UTF-8, whatever the label says */
    }
    if (decl_attr(s, &i, "standalone", &v) && !span_is(s, &v, "yes", false) &&
        !span_is(s, &v, "no", false)) {
        return SSO_E_XML_SYNTAX;
    }
    while (i < s->len && is_ws((unsigned char)s->b[i])) {
        i++;
    }
    if (!at(s, i, "?>")) {
        return SSO_E_XML_SYNTAX;
    }
    s->r = i + 2;
    return SSO_OK;
}

/* Markup at the read cursor ('<'). */
static int scan_markup(struct scan *s, enum where *where)
{
    int rc;
    if (at(s, s->r, "<!--")) {
        rc = *where == CONTENT ? end_run(s) : SSO_OK;
        return rc != SSO_OK ? rc : scan_comment(s);
    }
    if (at(s, s->r, "<![CDATA[")) {
        return *where == CONTENT ? scan_cdata(s) : SSO_E_XML_SYNTAX;
    }
    if (at(s, s->r, "<!")) {
        return SSO_E_XML_DTD; /* DOCTYPE, ENTITY, ...: entity expansion and XXE start here */
    }
    if (at(s, s->r, "<?")) {
        return SSO_E_XML_PI; /* a PI (or a misplaced XML declaration) */
    }
    if (at(s, s->r, "</")) {
        if (*where != CONTENT) {
            return SSO_E_XML_SYNTAX;
        }
        rc = end_run(s);
        return rc != SSO_OK ? rc : scan_end_tag(s, where);
    }
    if (*where == EPILOG) {
        return SSO_E_XML_SYNTAX; /* a second root element */
    }
    rc = *where == CONTENT ? end_run(s) : SSO_OK;
    return rc != SSO_OK ? rc : scan_start_tag(s, where);
}

static int scan_all(struct scan *s)
{
    enum where where = PROLOG;
    const unsigned char *b = (const unsigned char *)s->b;
    int rc;
    if (at(s, 0, "\xef\xbb\xbf")) {
        s->r = 3; /* UTF-8 byte order mark */
    } else if (s->len >= 2 && ((b[0] == 0xfe && b[1] == 0xff) || (b[0] == 0xff && b[1] == 0xfe))) {
        return SSO_E_XML_ENCODING; /* UTF-16 */
    }
    if (at(s, s->r, "<?xml") && s->r + 5 < s->len && is_ws(b[s->r + 5])) {
        rc = scan_decl(s);
        if (rc != SSO_OK) {
            return rc;
        }
    }
    for (;;) {
        if (where == CONTENT) {
            rc = scan_text(s);
            if (rc != SSO_OK) {
                return rc;
            }
        } else {
            while (s->r < s->len && is_ws(b[s->r])) {
                s->r++; /* outside the root element: not part of the infoset */
            }
            if (s->r >= s->len) {
                break;
            }
            if (b[s->r] != '<') {
                uint32_t cp;
                size_t n;
                rc = peek_char(s, &cp, &n);
                return rc != SSO_OK ? rc : SSO_E_XML_SYNTAX; /* text outside the root */
            }
        }
        rc = scan_markup(s, &where);
        if (rc != SSO_OK) {
            return rc;
        }
    }
    if (where != EPILOG) {
        return SSO_E_XML_SYNTAX; /* no root element */
    }
    if (s->pool > UINT32_MAX) {
        return SSO_E_XML_LIMIT;
    }
    return SSO_OK;
}

int xml_scan(char *buf, size_t len, const struct xml_limits *lim, struct xml_scan_result *res)
{
    struct scan s;
    int rc = SSO_E_INTERNAL;
    memset(res, 0, sizeof(*res));
    /* the size bound comes before any other work */
    if (len > lim->max_bytes) {
        return SSO_E_XML_LIMIT;
    }
    if (len != 0 && memchr(buf, '\0', len) != NULL) {
        return SSO_E_XML_ENCODING; /* UTF-16 or binary; and Mini-XML would stop at it */
    }
    memset(&s, 0, sizeof(s));
    s.b = buf;
    s.len = len;
    s.lim = lim;
    s.res = res;
    s.open = sso_malloc(sizeof(struct span) * ((size_t)lim->max_depth + lim->max_attrs));
    if (s.open == NULL) {
        return SSO_E_NOMEM;
    }
    s.anames = s.open + lim->max_depth;
    rc = scan_all(&s);
    if (rc == SSO_OK) {
        res->out_len = s.w;
        res->pool = (uint32_t)s.pool;
        res->ends_with_end_tag = s.w > 0 && s.end_tag_w == s.w;
    }
    sso_free(s.open);
    return rc;
}
