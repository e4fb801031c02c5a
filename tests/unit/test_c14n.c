/* Exclusive c14n: namespace rendering, ordering, escaping, comments, subtrees, the
 * enveloped exclusion, InclusiveNamespaces, the sink contract and argument checks.
 * Expected outputs were produced by xmllint --exc-c14n (whole documents) and by xmlsec1
 * (subtrees, PrefixLists); tests/corpus/ repeats that comparison at scale. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sso/c14n.h"
#include "sso/err.h"
#include "sso/xml.h"

struct sink {
    char buf[4096];
    size_t n;
    unsigned calls;
    size_t stop_after; /* fail once this many bytes were seen (0: never) */
    int fail_rc;
};

static int collect(void *ctx, const char *data, size_t len)
{
    struct sink *s = ctx;
    s->calls++;
    if (s->n + len >= sizeof(s->buf)) {
        return 99;
    }
    memcpy(s->buf + s->n, data, len);
    s->n += len;
    s->buf[s->n] = '\0';
    if (s->stop_after != 0 && s->n >= s->stop_after) {
        return s->fail_rc;
    }
    return 0;
}

static int parse(struct sso_xml_doc *doc, const char *xml)
{
    size_t len = strlen(xml);
    char *buf = malloc(len);
    int rc;
    memcpy(buf, xml, len);
    rc = sso_xml_parse(doc, buf, len, NULL);
    free(buf);
    return rc;
}

/* Canonicalize @p top of a parsed @p xml into @p out; returns sso_c14n's result. */
static int run(const char *xml, int top_sel, const struct sso_c14n_opts *opts, struct sink *out)
{
    struct sso_xml_doc doc;
    int rc = parse(&doc, xml), top = SSO_XML_DOC_NODE;
    memset(out, 0, sizeof(*out));
    if (rc != SSO_OK) {
        return rc;
    }
    /* top_sel > 0: the top_sel-th element in document order */
    for (int n = sso_xml_root(&doc), k = 1; top_sel > 0 && n >= 0;
         n = sso_xml_walk_next(&doc, sso_xml_root(&doc), n)) {
        if (sso_xml_type(&doc, n) == SSO_XML_ELEMENT && k++ == top_sel) {
            top = n;
            break;
        }
    }
    rc = sso_c14n(&doc, top, opts, collect, out);
    sso_xml_free(&doc);
    return rc;
}

struct vec {
    const char *xml;
    int top; /* 0: document, k: k-th element */
    bool comments;
    const char *incl;
    const char *want;
};

static const struct vec vectors[] = {
    /* whole documents (xmllint --exc-c14n) */
    {"<?xml version=\"1.0\"?>\n<!--c1-->\n<!--c2--><a>x</a>\n<!--c3-->\n", 0, true, NULL,
     "<!--c1-->\n<!--c2-->\n<a>x</a>\n<!--c3-->"},
    {"<!--c1--><a>x<!--in-->y</a><!--c3-->", 0, false, NULL, "<a>xy</a>"},
    {"<a>a<!---->b</a>", 0, true, NULL, "<a>a<!---->b</a>"},
    {"<a>\r\nx\ry&#13;z</a>", 0, true, NULL, "<a>\nx\ny&#xD;z</a>"},
    {"<a b=\"x\ty\nz\r\nw&#9;&#10;&#13;\"/>", 0, true, NULL,
     "<a b=\"x y z w&#x9;&#xA;&#xD;\"></a>"},
    {"<a b='\"&amp;&lt;>&apos;'>&lt;&amp;&gt;\"'<![CDATA[<&>]]></a>", 0, true, NULL,
     "<a b=\"&quot;&amp;&lt;>'\">&lt;&amp;&gt;\"'&lt;&amp;&gt;</a>"},
    {"<a>&#xE9;&#x1F600;\xef\xbb\xbf</a>", 0, true, NULL,
     "<a>\xc3\xa9\xf0\x9f\x98\x80\xef\xbb\xbf</a>"},
    {"<a xmlns=\"urn:a\"><b xmlns=\"\"><c xmlns=\"urn:a\"/></b></a>", 0, true, NULL,
     "<a xmlns=\"urn:a\"><b xmlns=\"\"><c xmlns=\"urn:a\"></c></b></a>"},
    {"<a xmlns=\"\"><b/></a>", 0, true, NULL, "<a><b></b></a>"},
    {"<a xmlns:x=\"urn:x\" x:b=\"1\" a=\"2\" xmlns:y=\"urn:w\" y:c=\"3\"/>", 0, true, NULL,
     "<a xmlns:x=\"urn:x\" xmlns:y=\"urn:w\" a=\"2\" y:c=\"3\" x:b=\"1\"></a>"},
    /* unused and redundant declarations vanish, rebinding is rendered */
    {"<a xmlns:p=\"urn:p\" xmlns:u=\"urn:u\"><p:b xmlns:p=\"urn:p\"><p:c xmlns:p=\"urn:q\"/>"
     "</p:b></a>",
     0, true, NULL, "<a><p:b xmlns:p=\"urn:p\"><p:c xmlns:p=\"urn:q\"></p:c></p:b></a>"},
    {"<a xml:lang=\"en\" xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"><b xml:space="
     "\"preserve\" id=\"1\"/></a>",
     0, true, NULL, "<a xml:lang=\"en\"><b id=\"1\" xml:space=\"preserve\"></b></a>"},
    {"<a><b/><c></c><d> </d></a>", 0, true, NULL, "<a><b></b><c></c><d> </d></a>"},
    /* subtree: W3C exc-c14n section 2.2 (no inherited xml:lang, only used prefixes) */
    {"<n0:local xmlns:n0=\"foo:bar\" xmlns:n3=\"ftp://example.org\">\n"
     "   <n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n"
     "       <n3:stuff xmlns:n3=\"ftp://example.org\"/>\n"
     "   </n1:elem2>\n"
     "</n0:local>",
     2, false, NULL,
     "<n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n"
     "       <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>\n"
     "   </n1:elem2>"},
    /* subtree: namespaces from ancestors are rendered where first used */
    {"<r xmlns=\"urn:d\" xmlns:p=\"urn:p\" xmlns:q=\"urn:q\"><p:a ID=\"x\"><b q:z=\"1\">t</b>"
     "</p:a></r>",
     2, false, NULL,
     "<p:a xmlns:p=\"urn:p\" ID=\"x\"><b xmlns=\"urn:d\" xmlns:q=\"urn:q\" q:z=\"1\">t</b></p:a>"},
    /* an xmlns="" in scope needs no rendering at the top of a subtree */
    {"<r xmlns=\"urn:d\"><a xmlns=\"\"><b/></a></r>", 2, false, NULL, "<a><b></b></a>"},
    /* InclusiveNamespaces (xmlsec1) */
    {"<r xmlns=\"urn:d\" xmlns:p=\"urn:p\"><p:a ID=\"x\" xmlns:q=\"urn:q\"><b q:z=\"1\">t</b>"
     "</p:a></r>",
     2, false, "#default",
     "<p:a xmlns=\"urn:d\" xmlns:p=\"urn:p\" ID=\"x\"><b xmlns:q=\"urn:q\" q:z=\"1\">t</b></p:a>"},
    {"<r xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:u=\"urn:u\"><a><b>1</b></a></r>", 2,
     false, " xs\tnope  ", "<a xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><b>1</b></a>"},
    {"<r xmlns=\"urn:d\"><a xmlns=\"\"><b/></a></r>", 2, false, "#default", "<a><b></b></a>"},
    {"<r xmlns=\"urn:d\"><a><b xmlns=\"\"><c/></b></a></r>", 2, false, "#default",
     "<a xmlns=\"urn:d\"><b xmlns=\"\"><c></c></b></a>"},
    {"<p:r xmlns:p=\"urn:p\"><p:a/></p:r>", 1, false, "p p xml",
     "<p:r xmlns:p=\"urn:p\"><p:a>"
     "</p:a></p:r>"},
    /* comments in a subtree follow with_comments, with no newlines added */
    {"<r><a><!--x-->y</a></r>", 2, true, NULL, "<a><!--x-->y</a>"},
    {"<r><a><!--x-->y</a></r>", 2, false, NULL, "<a>y</a>"},
};

TEST_CASE(vectors_match)
{
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const struct vec *v = &vectors[i];
        struct sso_c14n_opts o = {.with_comments = v->comments,
                                  .inclusive_prefixes = v->incl,
                                  .inclusive_prefixes_len = v->incl ? strlen(v->incl) : 0,
                                  .exclude = -1};
        struct sink out;
        int rc = run(v->xml, v->top, &o, &out);
        if (rc != SSO_OK || strcmp(out.buf, v->want) != 0) {
            lk_test_fail(__FILE__, __LINE__, "vector %zu: rc %s\n got:  %s\n want: %s", i,
                         sso_err_code(rc), out.buf, v->want);
            return;
        }
    }
}

/* The enveloped-signature transform: the excluded subtree leaves no trace, and its siblings
 * render exactly as without it. */
TEST_CASE(enveloped_exclusion)
{
    static const char xml[] =
        "<r xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" xmlns:p=\"urn:p\"><p:a ID=\"x\">"
        "<p:i>1</p:i><ds:Signature><ds:SignedInfo/></ds:Signature><p:j ds:k=\"2\"/></p:a></r>";
    struct sso_xml_doc doc;
    struct sink out;
    struct sso_c14n_opts o = {.exclude = -1};
    int a, sig;
    TEST_OK(parse(&doc, xml));
    a = sso_xml_first_elem(&doc, sso_xml_root(&doc));
    sig = sso_xml_child(&doc, a, "http://www.w3.org/2000/09/xmldsig#", "Signature");
    TEST_TRUE(sig > 0);
    memset(&out, 0, sizeof(out));
    TEST_OK(sso_c14n(&doc, a, &o, collect, &out));
    TEST_STR_EQ(out.buf, "<p:a xmlns:p=\"urn:p\" ID=\"x\"><p:i>1</p:i><ds:Signature xmlns:ds=\""
                         "http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo></ds:SignedInfo>"
                         "</ds:Signature><p:j xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" "
                         "ds:k=\"2\"></p:j></p:a>");
    o.exclude = sig;
    memset(&out, 0, sizeof(out));
    TEST_OK(sso_c14n(&doc, a, &o, collect, &out));
    TEST_STR_EQ(out.buf, "<p:a xmlns:p=\"urn:p\" ID=\"x\"><p:i>1</p:i><p:j xmlns:ds=\""
                         "http://www.w3.org/2000/09/xmldsig#\" ds:k=\"2\"></p:j></p:a>");
    /* excluding the top itself leaves nothing */
    o.exclude = a;
    memset(&out, 0, sizeof(out));
    TEST_OK(sso_c14n(&doc, a, &o, collect, &out));
    TEST_EQ(out.n, 0);
    /* excluding the root in document mode leaves the top-level comments only */
    sso_xml_free(&doc);
    TEST_OK(parse(&doc, "<!--a--><r/><!--b-->"));
    o.exclude = sso_xml_root(&doc);
    o.with_comments = true;
    memset(&out, 0, sizeof(out));
    TEST_OK(sso_c14n(&doc, SSO_XML_DOC_NODE, &o, collect, &out));
    TEST_STR_EQ(out.buf, "<!--a-->\n\n<!--b-->");
    sso_xml_free(&doc);
}

TEST_CASE(options_and_arguments)
{
    struct sso_xml_doc doc;
    struct sink out;
    struct sso_c14n_opts o = {.exclude = -1};
    int r;
    TEST_OK(parse(&doc, "<r xmlns:p=\"urn:p\"><p:a>t</p:a><!--c--></r>"));
    r = sso_xml_root(&doc);
    /* NULL options: no comments, no PrefixList, nothing excluded */
    memset(&out, 0, sizeof(out));
    TEST_OK(sso_c14n(&doc, SSO_XML_DOC_NODE, NULL, collect, &out));
    TEST_STR_EQ(out.buf, "<r><p:a xmlns:p=\"urn:p\">t</p:a></r>");
    TEST_EQ(sso_c14n(NULL, r, &o, collect, &out), SSO_E_INVAL);
    TEST_EQ(sso_c14n(&doc, r, &o, NULL, &out), SSO_E_INVAL);
    TEST_EQ(
        sso_c14n(&doc, sso_xml_first_child(&doc, sso_xml_first_elem(&doc, r)), &o, collect, &out),
        SSO_E_INVAL); /* a text node is not a subtree to canonicalize */
    TEST_EQ(sso_c14n(&doc, 999, &o, collect, &out), SSO_E_INVAL);
    o.exclude = 999;
    TEST_EQ(sso_c14n(&doc, r, &o, collect, &out), SSO_E_INVAL);
    o.exclude = -1;
    /* a PrefixList holds prefixes and #default, nothing else */
    o.inclusive_prefixes = "p a:b";
    o.inclusive_prefixes_len = strlen(o.inclusive_prefixes);
    TEST_EQ(sso_c14n(&doc, r, &o, collect, &out), SSO_E_INVAL);
    o.inclusive_prefixes = "#dflt";
    o.inclusive_prefixes_len = strlen(o.inclusive_prefixes);
    TEST_EQ(sso_c14n(&doc, r, &o, collect, &out), SSO_E_INVAL);
    /* the length bounds the list: "p" of "pX" */
    o.inclusive_prefixes = "pX";
    o.inclusive_prefixes_len = 1;
    memset(&out, 0, sizeof(out));
    TEST_OK(sso_c14n(&doc, r, &o, collect, &out));
    TEST_STR_EQ(out.buf, "<r xmlns:p=\"urn:p\"><p:a>t</p:a></r>");
    sso_xml_free(&doc);
    struct sso_xml_doc empty = {0};
    TEST_EQ(sso_c14n(&empty, SSO_XML_DOC_NODE, NULL, collect, &out), SSO_E_INVAL);
}

/* The sink's first non-zero return stops the output and comes back unchanged. */
TEST_CASE(sink_errors_propagate)
{
    static char big[3000];
    struct sink out;
    size_t p = 0;
    p += (size_t)snprintf(big + p, sizeof(big) - p, "<r>");
    while (p < sizeof(big) - 100) {
        p += (size_t)snprintf(big + p, sizeof(big) - p, "<e a=\"&lt;\">&amp;x</e>");
    }
    snprintf(big + p, sizeof(big) - p, "</r>");
    TEST_OK(run(big, 0, NULL, &out));
    TEST_TRUE(out.n > 2500 && out.calls > 10); /* batched, but streamed */
    {
        struct sso_xml_doc doc;
        struct sink s2;
        memset(&s2, 0, sizeof(s2));
        s2.stop_after = 1;
        s2.fail_rc = 7;
        TEST_OK(parse(&doc, big));
        TEST_EQ(sso_c14n(&doc, SSO_XML_DOC_NODE, NULL, collect, &s2), 7);
        TEST_EQ(s2.calls, 1);
        s2.calls = 0;
        s2.n = 0;
        s2.fail_rc = SSO_E_IO;
        TEST_EQ(sso_c14n(&doc, SSO_XML_DOC_NODE, NULL, collect, &s2), SSO_E_IO);
        TEST_EQ(s2.calls, 1);
        sso_xml_free(&doc);
    }
}

/* More namespace declarations on one element than the bound: an error, not a truncation. */
TEST_CASE(namespace_bound)
{
    static char xml[8192];
    struct sso_xml_limits lim = {.max_attrs = 200};
    struct sso_xml_doc doc;
    struct sink out;
    size_t p = 0, len;
    char *buf;
    for (unsigned n = 60; n <= 70; n += 10) {
        p = (size_t)snprintf(xml, sizeof(xml), "<r");
        for (unsigned i = 0; i < n; i++) {
            p += (size_t)snprintf(xml + p, sizeof(xml) - p, " xmlns:p%u=\"urn:%u\" p%u:a=\"1\"", i,
                                  i, i);
        }
        p += (size_t)snprintf(xml + p, sizeof(xml) - p, "/>");
        len = p;
        buf = malloc(len);
        memcpy(buf, xml, len);
        TEST_OK(sso_xml_parse(&doc, buf, len, &lim));
        memset(&out, 0, sizeof(out));
        TEST_EQ(sso_c14n(&doc, SSO_XML_DOC_NODE, NULL, collect, &out),
                n <= 64 ? SSO_OK : SSO_E_XML_LIMIT);
        sso_xml_free(&doc);
        free(buf);
    }
}

static const struct lk_test_case cases[] = {
    LK_CASE(vectors_match),         LK_CASE(enveloped_exclusion), LK_CASE(options_and_arguments),
    LK_CASE(sink_errors_propagate), LK_CASE(namespace_bound),
};
TEST_MAIN(cases)
