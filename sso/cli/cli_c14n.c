/*
 * latchkey c14n [--with-comments] [--inclusive-prefixes "a b"] [--id ID] [--enveloped]
 *               [--max-bytes N] FILE
 *
 * Prints the exclusive canonical form (W3C exc-c14n) of FILE, or of the subtree of the
 * element whose ID / Id / id / AssertionID attribute is ID. --enveloped leaves out the
 * ds:Signature child of that element (or of the root), as the enveloped-signature transform
 * does, so that `latchkey c14n --id X --enveloped ... | sha256sum` gives a DigestValue.
 * The document is parsed with the SP's own limits; --max-bytes raises the size bound (to
 * see whether an oversized metadata file would otherwise be fine).
 * Exit 0 ok, 1 rejected document (JSON reason on stdout), 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sso/c14n.h"
#include "sso/err.h"
#include "sso/sso_config.h"
#include "sso/xml.h"

/* Larger files are still read, so that the parser's size bound rejects them (exit 1). */
#define C14N_FILE_MAX ((size_t)16 * 1024 * 1024)

static int sink_file(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : 1; /* positive: not an sso code */
}

static int reject(int err, const char *detail)
{
    struct cli_json j;
    cli_json_begin(&j, stdout);
    cli_json_bool(&j, "ok", false);
    cli_json_str(&j, "error", sso_err_code(err));
    cli_json_str(&j, "detail", detail != NULL ? detail : sso_strerror(err));
    cli_json_end(&j);
    return CLI_REJECTED;
}

/* The element carrying @p id in an ID-type attribute; -1 if none, -2 if several. */
static int find_id(const struct sso_xml_doc *doc, const char *id)
{
    static const char *const names[] = {"ID", "Id", "id", "AssertionID"};
    int root = sso_xml_root(doc), found = -1;
    for (int n = root; n >= 0; n = sso_xml_walk_next(doc, root, n)) {
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            struct sso_str v;
            if (sso_xml_attr(doc, n, NULL, names[k], &v) && sso_str_eq(v, id)) {
                if (found >= 0 && found != n) {
                    return -2;
                }
                found = n;
            }
        }
    }
    return found;
}

int cli_c14n(int argc, char **argv)
{
    struct sso_xml_limits lim = {0};
    struct sso_c14n_opts opts = {0};
    struct sso_xml_doc doc;
    const char *path = NULL, *id = NULL, *incl = NULL;
    bool enveloped = false;
    size_t max_bytes = 0;
    char *buf;
    size_t len;
    int rc, top = SSO_XML_DOC_NODE, status;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--with-comments") == 0) {
            opts.with_comments = true;
        } else if (strcmp(argv[i], "--enveloped") == 0) {
            enveloped = true;
        } else if (strcmp(argv[i], "--inclusive-prefixes") == 0 && i + 1 < argc) {
            incl = argv[++i];
        } else if (strcmp(argv[i], "--id") == 0 && i + 1 < argc) {
            id = argv[++i];
        } else if (strcmp(argv[i], "--max-bytes") == 0 && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || v == 0 || v > C14N_FILE_MAX) {
                return cli_usage_error("c14n: --max-bytes wants 1..%zu", C14N_FILE_MAX);
            }
            max_bytes = v;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("c14n: unknown or incomplete option '%s'", argv[i]);
        } else if (path == NULL) {
            path = argv[i];
        } else {
            return cli_usage_error("c14n: only one FILE");
        }
    }
    if (path == NULL) {
        return cli_usage_error("usage: latchkey c14n [--with-comments] [--inclusive-prefixes "
                               "\"a b\"] [--id ID] [--enveloped] [--max-bytes N] FILE");
    }
    buf = cli_read_file(path, C14N_FILE_MAX, &len);
    if (buf == NULL) {
        return CLI_USAGE;
    }
    /* the largest document the SP parses at all: a response or IdP metadata */
    lim.max_bytes =
        SSO_CFG_MD_MAX_BYTES > SSO_CFG_XML_MAX_BYTES ? SSO_CFG_MD_MAX_BYTES : SSO_CFG_XML_MAX_BYTES;
    if (max_bytes != 0) {
        lim.max_bytes = max_bytes;
    }
    rc = sso_xml_parse(&doc, buf, len, &lim);
    if (rc != SSO_OK) {
        free(buf);
        return reject(rc, NULL);
    }
    if (id != NULL) {
        top = find_id(&doc, id);
        if (top < 0) {
            status = reject(top == -1 ? SSO_E_XML_NOT_FOUND : SSO_E_DSIG_DUP_ID, NULL);
            goto out;
        }
    }
    opts.exclude = -1;
    if (enveloped) {
        int parent = top == SSO_XML_DOC_NODE ? sso_xml_root(&doc) : top;
        opts.exclude = sso_xml_child(&doc, parent, SSO_NS_DS, "Signature");
    }
    if (incl != NULL) {
        opts.inclusive_prefixes = incl;
        opts.inclusive_prefixes_len = strlen(incl);
    }
    rc = sso_c14n(&doc, top, &opts, sink_file, stdout);
    if (rc == SSO_E_INVAL) {
        status = cli_usage_error("c14n: invalid --inclusive-prefixes list");
    } else if (rc < 0) {
        status = reject(rc, NULL);
    } else if (rc > 0 || fflush(stdout) != 0) {
        status = cli_usage_error("c14n: cannot write the output");
    } else {
        status = CLI_OK;
    }
out:
    sso_xml_free(&doc);
    free(buf);
    return status;
}
