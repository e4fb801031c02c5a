/*
 * The Mini-XML adapter: the only file of the SAML core that includes mxml.h.
 *
 * Mini-XML 3.3.1 parses the pre-scanned text in SAX mode with opaque text nodes. Every
 * event is copied into the document's own tree (xml.c) and no Mini-XML node is retained,
 * so Mini-XML frees each node when its event is over and its heap holds only the open
 * element path. In 3.3.1 the SAX callback returns void and cannot stop the parse: the
 * builder keeps a sticky error and ignores later events instead.
 *
 * How Mini-XML reports markup other than elements and text (see mxml_load_data):
 *   comment  -> an element named "!--" text "--"     (MXML_SAX_COMMENT)
 *   CDATA    -> an element named "![CDATA[" text      (MXML_SAX_CDATA, no entity decoding)
 *   <!...>   -> an element named "!..."               (MXML_SAX_DIRECTIVE)
 * The pre-scan lets no PI, declaration or DOCTYPE through; the one directive left is
 * "<!>", its stand-in for an empty comment.
 */
#include <mxml.h>
#include <string.h>

#include "sso/alloc.h"
#include "sso/err.h"
#include "xml_priv.h"

/* Mini-XML's own messages would go to stderr; failures are detected by the builder's
 * cross-check against the pre-scan instead, so they are dropped here. */
static void quiet(const char *msg)
{
    (void)msg;
}

static void sax(mxml_node_t *node, mxml_sax_event_t event, void *data)
{
    struct xml_builder *b = data;
    const char *s;
    size_t n;
    if (b->err != SSO_OK) {
        return;
    }
    switch (event) {
    case MXML_SAX_ELEMENT_OPEN: {
        int count = mxmlElementGetAttrCount(node);
        s = mxmlGetElement(node);
        if (s == NULL) {
            break;
        }
        xml_build_open(b, s);
        for (int i = 0; i < count; i++) {
            const char *name = NULL;
            const char *value = mxmlElementGetAttrByIndex(node, i, &name);
            if (name == NULL || value == NULL) {
                xml_build_fail(b, SSO_E_XML_SYNTAX);
                return;
            }
            xml_build_attr(b, name, value);
        }
        xml_build_open_end(b);
        return;
    }
    case MXML_SAX_ELEMENT_CLOSE:
        s = mxmlGetElement(node);
        if (s == NULL) {
            break;
        }
        xml_build_close(b, s);
        return;
    case MXML_SAX_DATA:
        s = mxmlGetOpaque(node);
        if (s == NULL) {
            break;
        }
        xml_build_text(b, s);
        return;
    case MXML_SAX_CDATA:
        s = mxmlGetElement(node);
        if (s == NULL || strncmp(s, "![CDATA[", 8) != 0) {
            break;
        }
        xml_build_text(b, s + 8);
        return;
    case MXML_SAX_COMMENT:
        s = mxmlGetElement(node);
        n = s != NULL ? strlen(s) : 0;
        if (n < 5 || strncmp(s, "!--", 3) != 0 || strcmp(s + n - 2, "--") != 0) {
            break;
        }
        xml_build_comment(b, s + 3, n - 5);
        return;
    case MXML_SAX_DIRECTIVE:
        s = mxmlGetElement(node);
        if (s == NULL || strcmp(s, "!") != 0) {
            break;
        }
        xml_build_comment(b, "", 0);
        return;
    }
    xml_build_fail(b, SSO_E_XML_SYNTAX);
}

int xml_mxml_load(struct xml_builder *b, const char *text)
{
    struct sso_alloc_stats before, after;
    mxml_node_t *top;
    sso_alloc_stats(&before);
    mxmlSetErrorCallback(quiet);
    /* Our own top node: when an allocation fails inside the root element's start tag,
     * Mini-XML 3.3.1 frees its "first" node, which is not set yet, and would leak the
     * root. Hung under this node, everything goes when it does. */
    top = mxmlNewElement(MXML_NO_PARENT, "!top");
    if (top != NULL) {
        (void)mxmlSAXLoadString(top, text, MXML_OPAQUE_CALLBACK, sax, b);
        mxmlDelete(top); /* the document's nodes were released as their events ended */
    }
    sso_alloc_stats(&after);
    if (top == NULL || after.failed != before.failed) {
        return SSO_E_NOMEM;
    }
    return b->err;
}
