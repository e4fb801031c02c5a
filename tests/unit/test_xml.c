/* Strict XML layer: every rejection class, the limits at and past their bound, the
 * normalisation the infoset needs, namespaces, accessors, and memory (failure paths free
 * everything, out-of-memory at every allocation, peak heap on real responses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sso/alloc.h"
#include "sso/err.h"
#include "sso/sso_config.h"
#include "sso/xml.h"
#include "xml_priv.h"

/* Parse @p len bytes from an exact-size heap copy (no NUL after it: ASan sees overreads). */
static int parse_n(struct sso_xml_doc *doc, const char *s, size_t len,
                   const struct sso_xml_limits *lim)
{
    char *buf = malloc(len ? len : 1);
    int rc;
    if (buf == NULL) {
        return SSO_E_NOMEM;
    }
    memcpy(buf, s, len);
    rc = sso_xml_parse(doc, buf, len, lim);
    free(buf);
    return rc;
}

static int parse_s(struct sso_xml_doc *doc, const char *s)
{
    return parse_n(doc, s, strlen(s), NULL);
}

static size_t heap_now(void)
{
    struct sso_alloc_stats st;
    sso_alloc_stats(&st);
    return st.cur_bytes;
}

struct vec {
    const char *xml;
    size_t len; /* 0: strlen */
    int err;
};

/* Each rejection class with a minimal input. */
static const struct vec rejected[] = {
    /* size comes first: see limits_bytes; encoding */
    {"<a>\xff</a>", 0, SSO_E_XML_ENCODING},
    {"<a>\xc0\xbc</a>", 0, SSO_E_XML_ENCODING},         /* overlong '<' */
    {"<a>\xe0\x80\xbc</a>", 0, SSO_E_XML_ENCODING},     /* overlong, 3 bytes */
    {"<a>\xed\xa0\x80</a>", 0, SSO_E_XML_ENCODING},     /* surrogate U+D800 */
    {"<a>\xf4\x90\x80\x80</a>", 0, SSO_E_XML_ENCODING}, /* U+110000 */
    {"<a>\xe2\x82</a>", 0, SSO_E_XML_ENCODING},         /* truncated sequence */
    {"<a>\x80</a>", 0, SSO_E_XML_ENCODING},             /* stray continuation */
    {"<a b=\"\xff\"/>", 0, SSO_E_XML_ENCODING},
    {"<a\xff/>", 0, SSO_E_XML_ENCODING},
    {"<a>\xe2\x82\xac", 0, SSO_E_XML_SYNTAX},         /* valid UTF-8, then truncated document */
    {"\xff\xfe<\0a\0/\0>\0", 10, SSO_E_XML_ENCODING}, /* UTF-16LE with BOM */
    {"\xfe\xff\0<\0a\0/\0>", 10, SSO_E_XML_ENCODING}, /* UTF-16BE with BOM */
    {"<\0a\0/\0>\0", 8, SSO_E_XML_ENCODING},          /* UTF-16LE without BOM */
    {"<a>x\0</a>", 9, SSO_E_XML_ENCODING},            /* NUL */
    {"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", 0, SSO_E_XML_ENCODING},
    {"<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>", 0, SSO_E_XML_ENCODING},
    /* characters that are not XML Chars */
    {"<a>\x01</a>", 0, SSO_E_XML_SYNTAX},
    {"<a b=\"\x1f\"/>", 0, SSO_E_XML_SYNTAX},
    {"<a>\xef\xbf\xbe</a>", 0, SSO_E_XML_SYNTAX}, /* U+FFFE */
    {"<a><!--\x02--></a>", 0, SSO_E_XML_SYNTAX},
    /* XML declaration */
    {"<?xml version=\"1.1\"?><a/>", 0, SSO_E_XML_SYNTAX},
    {"<?xml encoding=\"UTF-8\"?><a/>", 0, SSO_E_XML_SYNTAX},
    {"<?xml version=\"1.0\" standalone=\"maybe\"?><a/>", 0, SSO_E_XML_SYNTAX},
    {"<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?><a/>", 0, SSO_E_XML_SYNTAX},
    {"<?xml version=\"1.0\"", 0, SSO_E_XML_SYNTAX},
    /* DTDs and declarations */
    {"<!DOCTYPE a><a/>", 0, SSO_E_XML_DTD},
    {"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", 0, SSO_E_XML_DTD},
    {"<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><a>&lol2;</a>", 0,
     SSO_E_XML_DTD},
    {"<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>", 0, SSO_E_XML_DTD},
    {"<a><!ENTITY x \"y\"></a>", 0, SSO_E_XML_DTD},
    {"<a/><!DOCTYPE a>", 0, SSO_E_XML_DTD},
    /* processing instructions */
    {"<?pi x?><a/>", 0, SSO_E_XML_PI},
    {"<a><?pi x?></a>", 0, SSO_E_XML_PI},
    {"<a/><?pi?>", 0, SSO_E_XML_PI},
    {"<?xml-stylesheet href=\"a\"?><a/>", 0, SSO_E_XML_PI},
    {" <?xml version=\"1.0\"?><a/>", 0, SSO_E_XML_PI}, /* declaration not at the start */
    {"<!--c--><?xml version=\"1.0\"?><a/>", 0, SSO_E_XML_PI},
    {"<?xml?><a/>", 0, SSO_E_XML_PI},
    /* references */
    {"<a>&nbsp;</a>", 0, SSO_E_XML_ENTITY}, /* HTML entity Mini-XML knows */
    {"<a>&copy;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&x;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>a & b</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&amp</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&#0;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&#1;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&#xD800;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&#xFFFE;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&#x110000;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&#99999999999999999999;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&#X41;</a>", 0, SSO_E_XML_ENTITY}, /* XML wants a lowercase x */
    {"<a>&#x;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&#;</a>", 0, SSO_E_XML_ENTITY},
    {"<a>&#x0000000000000000000000000000000041;</a>", 0, SSO_E_XML_ENTITY}, /* > 32 */
    {"<a b=\"&nbsp;\"/>", 0, SSO_E_XML_ENTITY},
    {"<a b=\"&#0;\"/>", 0, SSO_E_XML_ENTITY},
    /* names */
    {"<1a/>", 0, SSO_E_XML_SYNTAX},
    {"<-a/>", 0, SSO_E_XML_SYNTAX},
    {"< a/>", 0, SSO_E_XML_SYNTAX},
    {"<a&amp;b/>", 0, SSO_E_XML_SYNTAX}, /* Mini-XML would decode it */
    {"<a b\xc2\xa0=\"1\"/>", 0, SSO_E_XML_SYNTAX},
    {"<a:b:c xmlns:a=\"urn:a\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<:a/>", 0, SSO_E_XML_NAMESPACE},
    {"<a:/>", 0, SSO_E_XML_NAMESPACE},
    {"<p:1a xmlns:p=\"urn:p\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a p::b=\"1\" xmlns:p=\"urn:p\"/>", 0, SSO_E_XML_NAMESPACE},
    /* attributes */
    {"<a b=\"<\"/>", 0, SSO_E_XML_SYNTAX},
    {"<a b/>", 0, SSO_E_XML_SYNTAX},
    {"<a b=c/>", 0, SSO_E_XML_SYNTAX},
    {"<a b=/>", 0, SSO_E_XML_SYNTAX},
    {"<a b=\"1\"c=\"2\"/>", 0, SSO_E_XML_SYNTAX},
    {"<a b=\"1'/>", 0, SSO_E_XML_SYNTAX},
    {"<a b=\"1\"", 0, SSO_E_XML_SYNTAX},
    {"<a b=\"1\" b=\"2\"/>", 0, SSO_E_XML_DUP_ATTR},
    {"<a xmlns:p=\"urn:x\" xmlns:q=\"urn:x\" p:b=\"1\" q:b=\"2\"/>", 0, SSO_E_XML_DUP_ATTR},
    {"<a xmlns=\"urn:a\" xmlns=\"urn:a\"/>", 0, SSO_E_XML_DUP_ATTR},
    {"<a \"b\"=\"1\"/>", 0, SSO_E_XML_SYNTAX},
    {"<a b=\"1\"?>", 0, SSO_E_XML_SYNTAX},
    {"<a/ >", 0, SSO_E_XML_SYNTAX},
    /* text, CDATA, comments */
    {"<a>]]></a>", 0, SSO_E_XML_SYNTAX},
    {"<a><!-- a -- b --></a>", 0, SSO_E_XML_SYNTAX},
    {"<a><!-- a ---></a>", 0, SSO_E_XML_SYNTAX},
    {"<a><!-- a </a>", 0, SSO_E_XML_SYNTAX},
    {"<a><![CDATA[x</a>", 0, SSO_E_XML_SYNTAX},
    {"<![CDATA[x]]><a/>", 0, SSO_E_XML_SYNTAX},
    {"<a><![CDATA [x]]></a>", 0, SSO_E_XML_DTD},
    /* structure */
    {"", 0, SSO_E_XML_SYNTAX},
    {" \n ", 0, SSO_E_XML_SYNTAX},
    {"<!--only a comment-->", 0, SSO_E_XML_SYNTAX},
    {"<a>", 0, SSO_E_XML_SYNTAX},
    {"<a><b></a></b>", 0, SSO_E_XML_SYNTAX},
    {"<a></b>", 0, SSO_E_XML_SYNTAX},
    {"<a></a></a>", 0, SSO_E_XML_SYNTAX},
    {"</a>", 0, SSO_E_XML_SYNTAX},
    {"x<a/>", 0, SSO_E_XML_SYNTAX},
    {"<a/>x", 0, SSO_E_XML_SYNTAX},
    {"<a/>&amp;", 0, SSO_E_XML_SYNTAX},
    {"<a/><b/>", 0, SSO_E_XML_SYNTAX},
    {"<a></a><a></a>", 0, SSO_E_XML_SYNTAX},
    {"<a", 0, SSO_E_XML_SYNTAX},
    {"<a></a", 0, SSO_E_XML_SYNTAX},
    /* namespaces */
    {"<p:a/>", 0, SSO_E_XML_NAMESPACE},
    {"<a p:b=\"1\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"urn:p\"/><!--x-->", 0, SSO_OK}, /* (control: declared, unused) */
    {"<a xmlns:p=\"urn:p\"><b/></a><p:c/>", 0, SSO_E_XML_SYNTAX},
    {"<a><b xmlns:p=\"urn:p\"/><p:c/></a>", 0, SSO_E_XML_NAMESPACE}, /* out of scope */
    {"<a xmlns:p=\"\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:xml=\"urn:x\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://www.w3.org/XML/1998/namespace\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns=\"http://www.w3.org/XML/1998/namespace\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:xmlns=\"urn:x\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://www.w3.org/2000/xmlns/\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<xmlns:a/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"relative\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns=\"rel/ative\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://x/a b\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://x/?a=1&amp;b=2\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://x/&lt;\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://x/#a#b\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://x/%4\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://x/\xc3\xa9\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\":x\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://host:x/\"/>", 0, SSO_E_XML_NAMESPACE}, /* libxml2: port digits */
    {"<a xmlns:p=\"http://host:/\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://a@b@c/\"/>", 0, SSO_E_XML_NAMESPACE},
    {"<a xmlns:p=\"http://[::1]/\"/>", 0, SSO_E_XML_NAMESPACE}, /* IP literals: not needed */
};

/* Edge cases that are XML and must be accepted. */
static const char *const accepted[] = {
    "<a/>",
    "<a></a>",
    "<a />",
    "<a></a >",
    "\xef\xbb\xbf<a/>",
    "<?xml version=\"1.0\"?><a/>",
    "<?xml version='1.0' encoding='utf-8' standalone='no' ?>\r\n<a/>\r\n",
    "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>",
    "<!--a--><!----><a/><!--b-->",
    "<a>&amp;&lt;&gt;&quot;&apos;&#65;&#x41;&#x10FFFF;&#9;&#xa;&#13;</a>",
    "<a b='&amp;&lt;&gt;&quot;&apos;' c=\">\"/>",
    "<\xc3\xa9l\xc3\xa8ve \xe2\x82\xacuro=\"1\"/>",
    "<a-b.c_d\xc2\xb7"
    "e/>",
    "<_a/>",
    "<a\n\tb\r\n=\r\n'1'\n/>",
    "<a><![CDATA[<&>]]]]><![CDATA[>]]></a>",
    "<a>]]</a>",
    "<a>]</a>",
    "<a><!-- - --></a>",
    "<a><!---x--></a>",
    "<xml:a/>",
    "<a xml:lang=\"en\"/>",
    "<a xmlns:xml=\"http://www.w3.org/XML/1998/namespace\" xml:space=\"preserve\"/>",
    "<a xmlns=\"\"/>",
    "<a xmlns=\"urn:a\"><b xmlns=\"\"/></a>",
    "<a xmlns:p=\"urn:a\" p:b=\"1\" b=\"2\"/>",
    "<a xmlns:p=\"http://x/%41?q=1;r=2#f\"/>",
    "<a xmlns:p=\"urn:\"/>",
    "<a xmlns:p=\"http://u:p@host:80/p?q=1;r=%2F#f/g?h\"/>",
    "<a xmlns:p=\"a+b.c-d:x\" xmlns:q=\"x://\" xmlns:r=\"x:/\"/>",
    "<a>\xef\xbb\xbf</a>",
};

TEST_CASE(rejection_classes)
{
    for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
        const struct vec *v = &rejected[i];
        size_t len = v->len ? v->len : strlen(v->xml), before = heap_now();
        struct sso_xml_doc doc;
        int rc = parse_n(&doc, v->xml, len, NULL);
        if (rc != v->err) {
            lk_test_fail(__FILE__, __LINE__, "case %zu \"%s\": got %s, want %s", i, v->xml,
                         sso_err_code(rc), sso_err_code(v->err));
            return;
        }
        if (rc != SSO_OK) {
            /* a failed parse leaves nothing behind */
            TEST_EQ(heap_now(), before);
            TEST_TRUE(doc.block == NULL && doc.nodes == NULL && doc.node_count == 0);
            TEST_EQ(doc.err, rc);
            TEST_EQ(sso_xml_root(&doc), -1);
        }
        sso_xml_free(&doc);
        TEST_EQ(heap_now(), before);
    }
}

TEST_CASE(accepted_edge_cases)
{
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        struct sso_xml_doc doc;
        int rc = parse_s(&doc, accepted[i]);
        if (rc != SSO_OK) {
            lk_test_fail(__FILE__, __LINE__, "case %zu \"%s\": %s", i, accepted[i],
                         sso_err_code(rc));
            return;
        }
        TEST_TRUE(sso_xml_root(&doc) > 0);
        sso_xml_free(&doc);
    }
}

/* ---- limits: exactly at the bound passes, one over fails ---------------------------------- */

static char *nested(unsigned depth, size_t *len)
{
    char *s = malloc(depth * 7 + 1), *p = s;
    for (unsigned i = 0; i < depth; i++) {
        memcpy(p, "<a>", 3);
        p += 3;
    }
    for (unsigned i = 0; i < depth; i++) {
        memcpy(p, "</a>", 4);
        p += 4;
    }
    *p = '\0';
    *len = (size_t)(p - s);
    return s;
}

TEST_CASE(limits_depth)
{
    struct sso_xml_limits lim = {.max_depth = 4};
    struct sso_xml_doc doc;
    size_t len;
    char *s = nested(4, &len);
    TEST_OK(parse_n(&doc, s, len, &lim));
    TEST_EQ(sso_xml_depth(&doc, (int)doc.node_count - 1), 4);
    sso_xml_free(&doc);
    free(s);
    s = nested(5, &len);
    TEST_EQ(parse_n(&doc, s, len, &lim), SSO_E_XML_LIMIT);
    free(s);
    /* an empty element counts as one level too */
    TEST_OK(parse_n(&doc, "<a><a><a><a/></a></a></a>", 25, &lim));
    sso_xml_free(&doc);
    TEST_EQ(parse_n(&doc, "<a><a><a><a><a/></a></a></a></a>", 32, &lim), SSO_E_XML_LIMIT);
    /* the default bound */
    s = nested(SSO_CFG_XML_MAX_DEPTH, &len);
    TEST_OK(parse_n(&doc, s, len, NULL));
    sso_xml_free(&doc);
    free(s);
    s = nested(SSO_CFG_XML_MAX_DEPTH + 1, &len);
    TEST_EQ(parse_n(&doc, s, len, NULL), SSO_E_XML_LIMIT);
    free(s);
    /* a nesting bomb far past the bound stops early */
    s = nested(20000, &len);
    TEST_EQ(parse_n(&doc, s, len, &(struct sso_xml_limits){.max_bytes = len}), SSO_E_XML_LIMIT);
    free(s);
}

TEST_CASE(limits_nodes)
{
    /* 5 nodes: a, text, comment, b, text (the document node is not counted) */
    static const char doc5[] = "<a>x<!--c--><b/>y</a>";
    struct sso_xml_limits lim = {.max_nodes = 5};
    struct sso_xml_doc doc;
    TEST_OK(parse_s(&doc, doc5));
    TEST_EQ(doc.node_count, 6);
    sso_xml_free(&doc);
    TEST_OK(parse_n(&doc, doc5, strlen(doc5), &lim));
    sso_xml_free(&doc);
    lim.max_nodes = 4;
    TEST_EQ(parse_n(&doc, doc5, strlen(doc5), &lim), SSO_E_XML_LIMIT);
    /* top-level comments count; text split by CDATA is one node */
    lim.max_nodes = 3;
    TEST_OK(parse_n(&doc, "<!--1--><a>x<![CDATA[y]]>z</a>", 30, &lim));
    TEST_EQ(doc.node_count, 4);
    sso_xml_free(&doc);
    lim.max_nodes = 2;
    TEST_EQ(parse_n(&doc, "<!--1--><a>x<![CDATA[y]]>z</a>", 30, &lim), SSO_E_XML_LIMIT);
}

TEST_CASE(limits_attrs)
{
    /* namespace declarations count as attributes */
    static const char four[] = "<a xmlns=\"urn:a\" xmlns:p=\"urn:p\" b=\"1\" p:c=\"2\"><d/></a>";
    struct sso_xml_limits lim = {.max_attrs = 4};
    struct sso_xml_doc doc;
    TEST_OK(parse_n(&doc, four, strlen(four), &lim));
    TEST_EQ(sso_xml_attr_count(&doc, sso_xml_root(&doc)), 2);
    TEST_EQ(sso_xml_nsdecl_count(&doc, sso_xml_root(&doc)), 2);
    sso_xml_free(&doc);
    lim.max_attrs = 3;
    TEST_EQ(parse_n(&doc, four, strlen(four), &lim), SSO_E_XML_LIMIT);
}

TEST_CASE(limits_bytes)
{
    static const char s[] = "<a>x</a>\n\n";
    struct sso_xml_limits lim = {.max_bytes = sizeof(s) - 1};
    struct sso_xml_doc doc;
    TEST_OK(parse_n(&doc, s, sizeof(s) - 1, &lim));
    sso_xml_free(&doc);
    lim.max_bytes--;
    TEST_EQ(parse_n(&doc, s, sizeof(s) - 1, &lim), SSO_E_XML_LIMIT);
    /* the size bound is checked before anything else: even a DTD reports the size */
    lim.max_bytes = 4;
    TEST_EQ(parse_n(&doc, "<!DOCTYPE a><a/>", 16, &lim), SSO_E_XML_LIMIT);
}

TEST_CASE(limits_invalid)
{
    struct sso_xml_doc doc;
    struct sso_xml_limits lim = {.max_attrs = 0x10000};
    TEST_EQ(parse_n(&doc, "<a/>", 4, &lim), SSO_E_INVAL);
    TEST_EQ(sso_xml_parse(NULL, NULL, 0, NULL), SSO_E_INVAL);
    TEST_EQ(sso_xml_parse(&doc, NULL, 3, NULL), SSO_E_INVAL);
}

/* ---- normalisation and character data ------------------------------------------------------ */

static bool text_is(const struct sso_xml_doc *doc, int node, const char *want)
{
    return sso_str_eq(sso_xml_text(doc, node), want);
}

TEST_CASE(line_ends_and_attribute_whitespace)
{
    static const char s[] = "<a b=\"x\ty\nz\r\nw\rv&#9;&#10;&#13;\">1\r\n2\r3&#13;4&#xD;&#10;</a>";
    struct sso_xml_doc doc;
    struct sso_str v;
    int a;
    TEST_OK(parse_s(&doc, s));
    a = sso_xml_root(&doc);
    TEST_TRUE(sso_xml_attr(&doc, a, NULL, "b", &v));
    /* literal whitespace became spaces (CRLF as one); references kept TAB, LF, CR */
    TEST_TRUE(sso_str_eq(v, "x y z w v\t\n\r"));
    TEST_TRUE(text_is(&doc, sso_xml_first_child(&doc, a), "1\n2\n3\r4\r\n"));
    sso_xml_free(&doc);
}

TEST_CASE(text_cdata_comments)
{
    struct sso_xml_doc doc;
    char out[64];
    size_t len;
    int a, t, c;
    TEST_OK(parse_s(&doc, "<a>x&lt;<![CDATA[<&>]]>y<!--c-->z<!----><b>q</b></a>"));
    a = sso_xml_root(&doc);
    t = sso_xml_first_child(&doc, a);
    TEST_EQ(sso_xml_type(&doc, t), SSO_XML_TEXT);
    TEST_TRUE(text_is(&doc, t, "x<<&>y")); /* CDATA merges into the surrounding text */
    c = sso_xml_next(&doc, t);
    TEST_EQ(sso_xml_type(&doc, c), SSO_XML_COMMENT);
    TEST_TRUE(text_is(&doc, c, "c"));
    t = sso_xml_next(&doc, c);
    TEST_TRUE(text_is(&doc, t, "z"));
    c = sso_xml_next(&doc, t);
    TEST_EQ(sso_xml_type(&doc, c), SSO_XML_COMMENT);
    TEST_TRUE(text_is(&doc, c, "")); /* the empty comment survives Mini-XML */
    TEST_TRUE(sso_xml_is(&doc, sso_xml_next(&doc, c), NULL, "b"));
    TEST_OK(sso_xml_string_value(&doc, a, out, sizeof(out), &len));
    TEST_STR_EQ(out, "x<<&>yzq");
    TEST_EQ(len, 8);
    TEST_TRUE(sso_xml_has_comment(&doc, a));
    TEST_TRUE(!sso_xml_has_comment(&doc, sso_xml_first_elem(&doc, a)));
    sso_xml_free(&doc);
}

TEST_CASE(string_value_ignores_comments)
{
    struct sso_xml_doc doc;
    char out[32];
    size_t len;
    TEST_OK(parse_s(&doc, "<n>a<!---->b</n>"));
    TEST_OK(sso_xml_string_value(&doc, sso_xml_root(&doc), out, sizeof(out), &len));
    TEST_STR_EQ(out, "ab");
    TEST_EQ(len, 2);
    TEST_OK(sso_xml_text_only(&doc, sso_xml_root(&doc), out, sizeof(out), &len));
    TEST_STR_EQ(out, "ab");
    /* too small: an error, never a truncation */
    TEST_EQ(sso_xml_string_value(&doc, sso_xml_root(&doc), out, 2, &len), SSO_E_NOSPC);
    TEST_STR_EQ(out, "");
    TEST_OK(sso_xml_string_value(&doc, sso_xml_root(&doc), out, 3, &len));
    sso_xml_free(&doc);
    TEST_OK(parse_s(&doc, "<n>user@evil.com<!---->.example.com</n>"));
    TEST_OK(sso_xml_text_only(&doc, sso_xml_root(&doc), out, sizeof(out), NULL));
    TEST_STR_EQ(out, "user@evil.com.example.com");
    sso_xml_free(&doc);
}

TEST_CASE(text_only_rejects_child_elements)
{
    struct sso_xml_doc doc;
    char out[32];
    size_t len = 99;
    TEST_OK(parse_s(&doc, "<n>a<b>c</b>d</n>"));
    TEST_EQ(sso_xml_text_only(&doc, sso_xml_root(&doc), out, sizeof(out), &len), SSO_E_XML_SYNTAX);
    TEST_EQ(len, 0);
    TEST_OK(sso_xml_string_value(&doc, sso_xml_root(&doc), out, sizeof(out), &len));
    TEST_STR_EQ(out, "acd");
    TEST_EQ(sso_xml_text_only(&doc, sso_xml_first_child(&doc, sso_xml_root(&doc)), out, sizeof(out),
                              &len),
            SSO_E_INVAL); /* a text node is not an element */
    sso_xml_free(&doc);
    TEST_OK(parse_s(&doc, "<n/>"));
    TEST_OK(sso_xml_text_only(&doc, sso_xml_root(&doc), out, sizeof(out), &len));
    TEST_EQ(len, 0);
    sso_xml_free(&doc);
}

TEST_CASE(non_ascii_and_bom_characters)
{
    /* U+FEFF inside the document is a character (Mini-XML would drop it silently) */
    struct sso_xml_doc doc;
    struct sso_str v;
    int a;
    TEST_OK(parse_s(&doc, "\xef\xbb\xbf<\xc3\xa9 b=\"\xef\xbb\xbf&#xFEFF;\">"
                          "\xef\xbb\xbf\xf0\x9f\x98\x80&#x1F600;<!--\xef\xbb\xbf--></\xc3\xa9>"));
    a = sso_xml_root(&doc);
    TEST_TRUE(sso_str_eq(sso_xml_local(&doc, a), "\xc3\xa9"));
    TEST_TRUE(sso_xml_attr(&doc, a, "", "b", &v));
    TEST_TRUE(sso_str_eq(v, "\xef\xbb\xbf\xef\xbb\xbf"));
    TEST_TRUE(text_is(&doc, sso_xml_first_child(&doc, a),
                      "\xef\xbb\xbf\xf0\x9f\x98\x80"
                      "\xf0\x9f\x98\x80"));
    TEST_TRUE(text_is(&doc, sso_xml_next(&doc, sso_xml_first_child(&doc, a)), "\xef\xbb\xbf"));
    sso_xml_free(&doc);
    /* ... and a NameChar: start and end tag must still match */
    TEST_OK(parse_s(&doc, "<a><b\xef\xbb\xbf \xef\xbb\xbf=\"1\">x</b\xef\xbb\xbf></a>"));
    a = sso_xml_first_elem(&doc, sso_xml_root(&doc));
    TEST_TRUE(sso_str_eq(sso_xml_local(&doc, a), "b\xef\xbb\xbf"));
    TEST_TRUE(sso_xml_attr(&doc, a, NULL, "\xef\xbb\xbf", &v) && sso_str_eq(v, "1"));
    sso_xml_free(&doc);
}

/* The three ways the parser finds room for Mini-XML's NUL, and the buffer afterwards. */
TEST_CASE(terminator_paths)
{
    static const char *const docs[] = {
        "<a>x</a>\n",         /* slack after normalisation */
        "<a><b/>x</a>",       /* ends with an end tag: its '>' stands in, then comes back */
        "<a/>",               /* no slack: copied */
        "<a>x</a><!--end-->", /* no slack: copied */
        "<a>\r\nx</a>",       /* CRLF gave the slack */
        "<?xml version=\"1.0\"?><a/>",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        size_t len = strlen(docs[i]), before = heap_now();
        char *buf = malloc(len);
        struct sso_xml_doc doc;
        memcpy(buf, docs[i], len);
        TEST_OK(sso_xml_parse(&doc, buf, len, NULL));
        TEST_EQ(buf[len - 1] == '>' || buf[len - 1] == '\n' || buf[len - 1] == '\0', 1);
        if (i == 1) {
            TEST_MEM_EQ(buf, docs[i], len); /* nothing to normalise: unchanged */
        }
        TEST_TRUE(sso_xml_root(&doc) > 0);
        sso_xml_free(&doc);
        TEST_EQ(heap_now(), before);
        free(buf);
    }
}

/* ---- namespaces and accessors ------------------------------------------------------------- */

TEST_CASE(namespace_prefixes_do_not_matter)
{
    static const char *const docs[] = {
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
        "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:Issuer>i</saml:Issuer>"
        "<saml:Assertion ID=\"x\"/></samlp:Response>",
        "<Response xmlns=\"urn:oasis:names:tc:SAML:2.0:protocol\"><Issuer "
        "xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">i</Issuer><saml2:Assertion "
        "xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"x\"/></Response>",
    };
    for (size_t i = 0; i < 2; i++) {
        struct sso_xml_doc doc;
        struct sso_str v;
        int r, a;
        TEST_OK(parse_s(&doc, docs[i]));
        r = sso_xml_root(&doc);
        TEST_TRUE(sso_xml_is(&doc, r, SSO_NS_SAMLP, "Response"));
        TEST_TRUE(!sso_xml_is(&doc, r, SSO_NS_SAML, "Response"));
        TEST_EQ(sso_xml_child_count(&doc, r, SSO_NS_SAML, "Assertion"), 1);
        a = sso_xml_child(&doc, r, SSO_NS_SAML, "Assertion");
        TEST_TRUE(a > 0);
        TEST_TRUE(sso_xml_attr(&doc, a, NULL, "ID", &v) && sso_str_eq(v, "x"));
        TEST_TRUE(!sso_xml_attr(&doc, a, SSO_NS_SAML, "ID", &v));
        TEST_EQ(sso_xml_parent(&doc, a), r);
        TEST_EQ(sso_xml_parent(&doc, r), SSO_XML_DOC_NODE);
        TEST_EQ(sso_xml_parent(&doc, SSO_XML_DOC_NODE), -1);
        TEST_EQ(sso_xml_child(&doc, r, SSO_NS_SAML, "Nope"), -1);
        sso_xml_free(&doc);
    }
}

TEST_CASE(namespace_accessors)
{
    struct sso_xml_doc doc;
    struct sso_xml_attr at;
    struct sso_str p, u;
    int a, b, c;
    TEST_OK(parse_s(&doc, "<a xmlns=\"urn:d\" z=\"0\" xmlns:p=\"urn:p\" p:y=\"1\" xml:lang=\"en\">"
                          "<p:b xmlns=\"\"><c xmlns:p=\"urn:q\" p:x=\"2\"/></p:b></a>"));
    a = sso_xml_root(&doc);
    b = sso_xml_first_elem(&doc, a);
    c = sso_xml_first_elem(&doc, b);
    TEST_TRUE(sso_str_eq(sso_xml_ns(&doc, a), "urn:d"));
    TEST_TRUE(sso_str_eq(sso_xml_prefix(&doc, a), ""));
    TEST_TRUE(sso_str_eq(sso_xml_ns(&doc, b), "urn:p"));
    TEST_TRUE(sso_str_eq(sso_xml_prefix(&doc, b), "p"));
    TEST_TRUE(sso_str_eq(sso_xml_local(&doc, b), "b"));
    TEST_TRUE(sso_str_eq(sso_xml_ns(&doc, c), "")); /* undeclared by xmlns="" */
    TEST_TRUE(sso_xml_is(&doc, c, NULL, "c") && sso_xml_is(&doc, c, "", "c"));
    /* attributes in document order, declarations kept apart */
    TEST_EQ(sso_xml_attr_count(&doc, a), 3);
    sso_xml_attr_at(&doc, a, 0, &at);
    TEST_TRUE(sso_str_eq(at.local, "z") && sso_str_eq(at.ns, "") && sso_str_eq(at.value, "0"));
    sso_xml_attr_at(&doc, a, 1, &at);
    TEST_TRUE(sso_str_eq(at.prefix, "p") && sso_str_eq(at.local, "y") &&
              sso_str_eq(at.ns, "urn:p"));
    sso_xml_attr_at(&doc, a, 2, &at);
    TEST_TRUE(sso_str_eq(at.ns, SSO_NS_XML) && sso_str_eq(at.local, "lang"));
    sso_xml_attr_at(&doc, a, 3, &at); /* out of range: empty */
    TEST_EQ(at.local.len, 0);
    TEST_TRUE(sso_xml_attr(&doc, a, SSO_NS_XML, "lang", &u) && sso_str_eq(u, "en"));
    TEST_TRUE(sso_xml_attr(&doc, c, "urn:q", "x", &u) && sso_str_eq(u, "2"));
    TEST_TRUE(!sso_xml_attr(&doc, c, "urn:p", "x", &u));
    TEST_EQ(sso_xml_nsdecl_count(&doc, a), 2);
    sso_xml_nsdecl_at(&doc, a, 0, &p, &u);
    TEST_TRUE(sso_str_eq(p, "") && sso_str_eq(u, "urn:d"));
    sso_xml_nsdecl_at(&doc, a, 1, &p, &u);
    TEST_TRUE(sso_str_eq(p, "p") && sso_str_eq(u, "urn:p"));
    sso_xml_nsdecl_at(&doc, b, 0, &p, &u);
    TEST_TRUE(sso_str_eq(p, "") && sso_str_eq(u, ""));
    /* scope lookups */
    TEST_TRUE(sso_xml_lookup_ns(&doc, c, sso_str_c("p"), &u) && sso_str_eq(u, "urn:q"));
    TEST_TRUE(sso_xml_lookup_ns(&doc, b, sso_str_c("p"), &u) && sso_str_eq(u, "urn:p"));
    TEST_TRUE(sso_xml_lookup_ns(&doc, c, sso_str_c(""), &u) && sso_str_eq(u, ""));
    TEST_TRUE(sso_xml_lookup_ns(&doc, a, sso_str_c(""), &u) && sso_str_eq(u, "urn:d"));
    TEST_TRUE(sso_xml_lookup_ns(&doc, a, sso_str_c("xml"), &u) && sso_str_eq(u, SSO_NS_XML));
    TEST_TRUE(!sso_xml_lookup_ns(&doc, a, sso_str_c("q"), &u));
    sso_xml_free(&doc);
    TEST_OK(parse_s(&doc, "<a/>"));
    TEST_TRUE(!sso_xml_lookup_ns(&doc, sso_xml_root(&doc), sso_str_c(""), &u));
    sso_xml_free(&doc);
}

TEST_CASE(navigation)
{
    struct sso_xml_doc doc;
    const char *want[] = {"a", "b", "c", "d"};
    unsigned k = 0;
    int r;
    TEST_OK(parse_s(&doc, "<!--top--><a><b><c/></b>t<d/></a><!--end-->"));
    r = sso_xml_root(&doc);
    TEST_EQ(sso_xml_type(&doc, SSO_XML_DOC_NODE), SSO_XML_DOCUMENT);
    TEST_EQ(sso_xml_type(&doc, sso_xml_first_child(&doc, SSO_XML_DOC_NODE)), SSO_XML_COMMENT);
    TEST_EQ(sso_xml_next(&doc, sso_xml_first_child(&doc, SSO_XML_DOC_NODE)), r);
    TEST_EQ(sso_xml_type(&doc, sso_xml_next(&doc, r)), SSO_XML_COMMENT);
    TEST_EQ(sso_xml_first_elem(&doc, SSO_XML_DOC_NODE), r);
    TEST_EQ(sso_xml_depth(&doc, SSO_XML_DOC_NODE), 0);
    TEST_EQ(sso_xml_depth(&doc, r), 1);
    for (int n = r; n >= 0; n = sso_xml_walk_next(&doc, r, n)) {
        if (sso_xml_type(&doc, n) == SSO_XML_ELEMENT) {
            TEST_TRUE(k < 4 && sso_str_eq(sso_xml_local(&doc, n), want[k]));
            k++;
        }
    }
    TEST_EQ(k, 4);
    TEST_EQ(sso_xml_next_elem(&doc, sso_xml_first_elem(&doc, r)),
            sso_xml_child(&doc, r, NULL, "d"));
    /* out-of-range nodes answer "none" */
    TEST_EQ(sso_xml_parent(&doc, 999), -1);
    TEST_EQ(sso_xml_first_child(&doc, -5), -1);
    TEST_EQ(sso_xml_walk_next(&doc, r, 999), -1);
    TEST_EQ(sso_xml_text(&doc, r).len, 0);
    sso_xml_free(&doc);
    sso_xml_free(&doc); /* twice is harmless */
    TEST_EQ(sso_xml_root(&doc), -1);
}

/* ---- memory ------------------------------------------------------------------------------- */

/* Fixed-grammar children: elements counted, blanks allowed, text and comments refused. */
TEST_CASE(struct_children)
{
    struct sso_xml_doc doc;
    int kids[2];
    int r;
    TEST_OK(parse_s(&doc, "<r> <a/>\n<b/>\t<c/> </r>"));
    r = sso_xml_root(&doc);
    TEST_EQ(sso_xml_struct_children(&doc, r, kids, 2), 3);
    TEST_TRUE(sso_xml_is(&doc, kids[1], "", "b"));
    sso_xml_free(&doc);
    TEST_OK(parse_s(&doc, "<r><a/>x<b/></r>"));
    TEST_EQ(sso_xml_struct_children(&doc, sso_xml_root(&doc), kids, 2), SSO_E_XML_SYNTAX);
    sso_xml_free(&doc);
    TEST_OK(parse_s(&doc, "<r><a/><!--c--><b/></r>"));
    TEST_EQ(sso_xml_struct_children(&doc, sso_xml_root(&doc), kids, 2), SSO_E_XML_SYNTAX);
    sso_xml_free(&doc);
}

/* Every single-byte allocation limit on a small document with attributes: Mini-XML 3.3.1
 * leaked an element's attribute array when the first attribute name could not be copied
 * (fixed in cmake/deps.sh); this sweep is fine-grained enough to hit that point. */
TEST_CASE(out_of_memory_every_byte)
{
    /* A long first value, then short ones: when copying the first name fails, Mini-XML
     * frees that value copy and goes on, so the next attribute has room to allocate. */
    static const char xml[] =
        "<r xmlns=\"urn:x\"><e first=\"0123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789012345678901234567890123456789\" "
        "s=\"x\" t=\"y\">t</e><!--k--></r>";
    size_t before = heap_now();
    char buf[sizeof(xml)];
    for (size_t limit = 0; limit < 8192; limit++) {
        struct sso_xml_doc doc;
        int rc;
        memcpy(buf, xml, sizeof(xml));
        sso_alloc_set_limit(before + limit + 1); /* 0 would mean "no limit" */
        rc = sso_xml_parse(&doc, buf, sizeof(xml) - 1, NULL);
        sso_alloc_set_limit(0);
        if (rc == SSO_OK) {
            sso_xml_free(&doc);
            TEST_EQ(heap_now(), before);
            return;
        }
        TEST_EQ(rc, SSO_E_NOMEM);
        TEST_EQ(heap_now(), before);
    }
    TEST_TRUE(!"parse never succeeded under 8 KB");
}

/* Out of memory at every allocation the parse makes: an error, never a leak or a tree. */
TEST_CASE(out_of_memory_everywhere)
{
    size_t len, before = heap_now();
    char *src = lk_test_read_file(lk_corpus_path("real/okta/okta-gosaml2-okta_response.xml"), &len);
    char *buf = malloc(len);
    unsigned failures = 0;
    TEST_TRUE(src != NULL && buf != NULL);
    for (size_t limit = 0;; limit += 64) {
        struct sso_xml_doc doc;
        int rc;
        memcpy(buf, src, len);
        sso_alloc_set_limit(before + limit + 1);
        rc = sso_xml_parse(&doc, buf, len, NULL);
        sso_alloc_set_limit(0);
        if (rc == SSO_OK) {
            TEST_TRUE(sso_xml_root(&doc) > 0);
            sso_xml_free(&doc);
            TEST_EQ(heap_now(), before);
            break;
        }
        if (rc != SSO_E_NOMEM) {
            lk_test_fail(__FILE__, __LINE__, "limit %lu: %s", (unsigned long)limit,
                         sso_err_code(rc));
            break;
        }
        if (heap_now() != before) {
            lk_test_fail(__FILE__, __LINE__, "limit %lu: %lu bytes leaked", (unsigned long)limit,
                         (unsigned long)(heap_now() - before));
            break;
        }
        failures++;
    }
    TEST_TRUE(failures > 10);
    free(buf);
    free(src);
}

/* Peak heap of a parse, relative to the input, over the genuine responses. */
TEST_CASE(peak_heap_real_responses)
{
    static const char *const files[] = {
        "real/okta/okta-gosaml2-okta_response.xml",
        "real/okta/okta-gosaml2-exampleBase64_2.xml",
        "real/okta/okta-goxmldsig-validExample.xml",
        "real/adfs/adfs-gosaml2-adfs_response.xml",
        "real/azure-ad/azuread-ssoready-entra.xml",
        "real/google/google-ssoready.xml",
        "real/onelogin/onelogin-gosaml2.xml",
        "real/keycloak/keycloak-keycloak-saml20-signed-response.xml",
        "real/shibboleth/shibboleth-gosaml2-astuart-encrypted.xml",
        "real/simplesamlphp/simplesamlphp-xmlcrypto-feide-openidp.xml",
    };
    double worst = 0;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct sso_alloc_stats st;
        struct sso_xml_doc doc;
        size_t len, base = heap_now();
        char *buf = lk_test_read_file(lk_corpus_path(files[i]), &len);
        double ratio;
        TEST_TRUE(buf != NULL);
        sso_alloc_reset_peak();
        TEST_OK(sso_xml_parse(&doc, buf, len, NULL));
        sso_alloc_stats(&st);
        ratio = (double)(st.peak_bytes - base) / (double)len;
        printf("  %-62s %6zu bytes in, tree %6zu, peak heap %6zu (%.2fx), %lu nodes\n", files[i],
               len, st.cur_bytes - base, st.peak_bytes - base, ratio,
               (unsigned long)doc.node_count);
        worst = ratio > worst ? ratio : worst;
        sso_xml_free(&doc);
        free(buf);
    }
    printf("  worst peak/input: %.2fx\n", worst);
    TEST_TRUE(worst < 3.0);
}

/* ---- the cross-check: events that disagree with the pre-scan are errors -------------------- */

struct mini {
    struct sso_xml_node nodes[8];
    struct sso_xml_attr_rec attrs[4];
    char pool[32];
    struct sso_xml_doc doc;
    struct xml_builder b;
};

static void mini_init(struct mini *m, uint32_t pool_cap)
{
    memset(m, 0, sizeof(*m));
    m->doc.nodes = m->nodes;
    m->doc.attrs = m->attrs;
    m->doc.pool = m->pool;
    m->doc.node_count = 1;
    m->doc.root = -1;
    m->nodes[0].parent = m->nodes[0].first_child = m->nodes[0].next = -1;
    m->b.doc = &m->doc;
    m->b.node_cap = 8;
    m->b.attr_cap = 4;
    m->b.pool_cap = pool_cap;
    m->b.max_depth = 2;
    m->b.prev = -1;
}

TEST_CASE(builder_rejects_disagreement)
{
    static struct mini m;
    mini_init(&m, sizeof(m.pool));
    xml_build_text(&m.b, "x"); /* text outside the root */
    TEST_EQ(m.b.err, SSO_E_XML_SYNTAX);
    mini_init(&m, sizeof(m.pool));
    xml_build_open(&m.b, "a");
    xml_build_open_end(&m.b);
    xml_build_close(&m.b, "b"); /* end tag that does not match */
    TEST_EQ(m.b.err, SSO_E_XML_SYNTAX);
    mini_init(&m, sizeof(m.pool));
    xml_build_open(&m.b, "a");
    xml_build_open_end(&m.b);
    xml_build_close(&m.b, "a");
    xml_build_open(&m.b, "a"); /* a second root */
    TEST_EQ(m.b.err, SSO_E_XML_SYNTAX);
    mini_init(&m, sizeof(m.pool));
    for (int i = 0; i < 3; i++) {
        xml_build_open(&m.b, "a"); /* deeper than max_depth */
        xml_build_open_end(&m.b);
    }
    TEST_EQ(m.b.err, SSO_E_XML_SYNTAX);
    mini_init(&m, 6);
    xml_build_open(&m.b, "a");
    xml_build_open_end(&m.b);
    xml_build_text(&m.b, "xyzzy"); /* more text than the pre-scan counted */
    TEST_EQ(m.b.err, SSO_E_XML_SYNTAX);
    mini_init(&m, sizeof(m.pool));
    xml_build_open(&m.b, "a");
    xml_build_attr(&m.b, "p:b", "1");
    xml_build_open_end(&m.b); /* undeclared prefix */
    TEST_EQ(m.b.err, SSO_E_XML_NAMESPACE);
    /* Mini-XML's view of input the pre-scan would have refused */
    mini_init(&m, sizeof(m.pool));
    TEST_EQ(xml_mxml_load(&m.b, "<a><?pi x?></a>"), SSO_E_XML_SYNTAX);
    mini_init(&m, sizeof(m.pool));
    TEST_EQ(xml_mxml_load(&m.b, "<a><!DOCTYPE x></a>"), SSO_E_XML_SYNTAX);
    /* a parse Mini-XML abandons silently leaves an open element behind: caught by the
     * cross-check in sso_xml_parse() */
    mini_init(&m, sizeof(m.pool));
    TEST_OK(xml_mxml_load(&m.b, "<a><b></a>"));
    TEST_TRUE(m.b.cur != 0);
}

static const struct lk_test_case cases[] = {
    LK_CASE(rejection_classes),
    LK_CASE(accepted_edge_cases),
    LK_CASE(limits_depth),
    LK_CASE(limits_nodes),
    LK_CASE(limits_attrs),
    LK_CASE(limits_bytes),
    LK_CASE(limits_invalid),
    LK_CASE(line_ends_and_attribute_whitespace),
    LK_CASE(text_cdata_comments),
    LK_CASE(string_value_ignores_comments),
    LK_CASE(text_only_rejects_child_elements),
    LK_CASE(non_ascii_and_bom_characters),
    LK_CASE(terminator_paths),
    LK_CASE(namespace_prefixes_do_not_matter),
    LK_CASE(namespace_accessors),
    LK_CASE(navigation),
    LK_CASE(builder_rejects_disagreement),
    LK_CASE(struct_children),
    LK_CASE(out_of_memory_every_byte),
    LK_CASE(out_of_memory_everywhere),
    LK_CASE(peak_heap_real_responses),
};
TEST_MAIN(cases)
