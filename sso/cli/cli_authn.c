/*
 * latchkey authn-request --sp-entity-id ID --acs-url URL --idp-sso-url URL
 *                        [--relay-state S] [--binding redirect|post] [--now T]
 *   {"ok":true,"binding":..,"id":..,"issue_instant":..,"xml":..,"url"|"form_html":..}
 *
 * latchkey sp-metadata --sp-entity-id ID --acs-url URL [--sp-cert PEM]
 *   the SP metadata XML on stdout.
 *
 * Both build what the device sends, from the same sso/ code. Exit 0; 2 for usage errors,
 * unreadable files and values the encoders refuse (an unsafe RelayState, a non-http URL:
 * these are bad command-line input, reported as {"ok":false,...} for authn-request).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sso/authn.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/spmd.h"
#include "sso/time.h"

struct opts {
    const char *sp_entity_id, *acs_url, *idp_sso_url, *relay_state, *binding, *now, *sp_cert;
};

/* Options of the form "--name VALUE"; @p allowed lists the names this subcommand takes. */
static int parse_opts(int argc, char **argv, const char *const *allowed, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        bool ok = false;
        for (const char *const *a = allowed; *a != NULL; a++) {
            ok = ok || strcmp(argv[i], *a) == 0;
        }
        if (ok && strcmp(argv[i], "--sp-entity-id") == 0) {
            slot = &o->sp_entity_id;
        } else if (ok && strcmp(argv[i], "--acs-url") == 0) {
            slot = &o->acs_url;
        } else if (ok && strcmp(argv[i], "--idp-sso-url") == 0) {
            slot = &o->idp_sso_url;
        } else if (ok && strcmp(argv[i], "--relay-state") == 0) {
            slot = &o->relay_state;
        } else if (ok && strcmp(argv[i], "--binding") == 0) {
            slot = &o->binding;
        } else if (ok && strcmp(argv[i], "--now") == 0) {
            slot = &o->now;
        } else if (ok && strcmp(argv[i], "--sp-cert") == 0) {
            slot = &o->sp_cert;
        }
        if (slot == NULL) {
            return cli_usage_error("%s: unknown argument %s", argv[0], argv[i]);
        }
        if (i + 1 >= argc) {
            return cli_usage_error("%s: %s needs a value", argv[0], argv[i]);
        }
        if (*slot != NULL) {
            return cli_usage_error("%s: %s given twice", argv[0], argv[i]);
        }
        *slot = argv[++i];
    }
    return CLI_OK;
}

static int json_error(int rc)
{
    struct cli_json j;
    cli_json_begin(&j, stdout);
    cli_json_bool(&j, "ok", false);
    cli_json_str(&j, "error", sso_err_code(rc));
    cli_json_str(&j, "detail", sso_strerror(rc));
    cli_json_end(&j);
    return CLI_USAGE;
}

/* Unix seconds ("1704067200") or an xs:dateTime. */
static bool parse_now(const char *s, int64_t *t)
{
    char *end = NULL;
    long long v;
    if (sso_time_parse(s, strlen(s), t) == SSO_OK) {
        return true;
    }
    if (*s < '0' || *s > '9') {
        return false;
    }
    v = strtoll(s, &end, 10);
    if (*end != '\0') {
        return false;
    }
    *t = v;
    return true;
}

typedef int (*encode_fn)(char *out, size_t out_size, size_t *needed,
                         const struct sso_authn_request *req, const struct sso_authn_params *p);

/* Run an encoder twice: once to learn the size, once into a buffer of that size. */
static char *encode(encode_fn fn, const struct sso_authn_request *req,
                    const struct sso_authn_params *p, int *rc)
{
    size_t need = 0;
    char *out;
    *rc = fn(NULL, 0, &need, req, p);
    if (*rc != SSO_E_NOSPC) {
        return NULL;
    }
    out = malloc(need);
    if (out == NULL) {
        *rc = SSO_E_NOMEM;
        return NULL;
    }
    *rc = fn(out, need, &need, req, p);
    if (*rc != SSO_OK) {
        free(out);
        return NULL;
    }
    return out;
}

int cli_authn_request(int argc, char **argv)
{
    static const char *const allowed[] = {
        "--sp-entity-id", "--acs-url", "--idp-sso-url", "--relay-state", "--binding",
        "--now",          NULL};
    struct opts o;
    struct sso_authn_request req;
    struct sso_authn_params p;
    struct cli_json j;
    int64_t now = (int64_t)time(NULL);
    bool post;
    char *xml = NULL, *enc = NULL;
    int rc = parse_opts(argc, argv, allowed, &o);

    if (rc != CLI_OK) {
        return rc;
    }
    if (o.sp_entity_id == NULL || o.acs_url == NULL || o.idp_sso_url == NULL) {
        return cli_usage_error("usage: latchkey authn-request --sp-entity-id ID --acs-url URL "
                               "--idp-sso-url URL [--relay-state S] [--binding redirect|post] "
                               "[--now T]");
    }
    if (o.binding != NULL && strcmp(o.binding, "redirect") != 0 && strcmp(o.binding, "post") != 0) {
        return cli_usage_error("authn-request: --binding must be redirect or post");
    }
    post = o.binding != NULL && strcmp(o.binding, "post") == 0;
    if (o.now != NULL && !parse_now(o.now, &now)) {
        return cli_usage_error("authn-request: --now wants unix seconds or an xs:dateTime");
    }
    p.sp_entity_id = o.sp_entity_id;
    p.acs_url = o.acs_url;
    p.idp_sso_url = o.idp_sso_url;
    p.relay_state = o.relay_state;
    rc = sso_authn_new(&req, now, cli_rng, NULL);
    if (rc != SSO_OK) {
        return json_error(rc);
    }
    xml = encode(sso_authn_xml, &req, &p, &rc);
    if (xml != NULL) {
        enc = encode(post ? sso_authn_post_form : sso_authn_redirect_url, &req, &p, &rc);
    }
    if (xml == NULL || enc == NULL) {
        free(xml);
        return json_error(rc);
    }
    cli_json_begin(&j, stdout);
    cli_json_bool(&j, "ok", true);
    cli_json_str(&j, "binding", post ? "post" : "redirect");
    cli_json_str(&j, "id", req.id);
    cli_json_str(&j, "issue_instant", req.issue_instant);
    cli_json_str(&j, "xml", xml);
    cli_json_str(&j, post ? "form_html" : "url", enc);
    cli_json_end(&j);
    free(xml);
    free(enc);
    return CLI_OK;
}

int cli_sp_metadata(int argc, char **argv)
{
    static const char *const allowed[] = {"--sp-entity-id", "--acs-url", "--sp-cert", NULL};
    static uint8_t der[SSO_CFG_CERT_MAX_DER];
    struct opts o;
    struct sso_spmd_params p = {NULL, NULL, NULL, 0};
    size_t need = 0;
    char *out;
    int rc = parse_opts(argc, argv, allowed, &o);

    if (rc != CLI_OK) {
        return rc;
    }
    if (o.sp_entity_id == NULL || o.acs_url == NULL) {
        return cli_usage_error(
            "usage: latchkey sp-metadata --sp-entity-id ID --acs-url URL [--sp-cert PEM]");
    }
    p.entity_id = o.sp_entity_id;
    p.acs_url = o.acs_url;
    if (o.sp_cert != NULL) {
        size_t pem_len = 0;
        char *pem = cli_read_file(o.sp_cert, 1024 * 1024, &pem_len);
        if (pem == NULL) {
            return CLI_USAGE;
        }
        rc = sso_crypto_pem_to_der(pem, pem_len, "CERTIFICATE", der, sizeof(der), &p.cert_len);
        free(pem);
        if (rc == SSO_OK) {
            struct sso_cert_info ci;
            rc = sso_crypto_cert_info(der, p.cert_len, &ci);
        }
        if (rc != SSO_OK) {
            return cli_usage_error("sp-metadata: %s: not a usable PEM certificate (%s)", o.sp_cert,
                                   sso_err_code(rc));
        }
        p.cert_der = der;
    }
    rc = sso_spmd_build(NULL, 0, &need, &p);
    if (rc != SSO_E_NOSPC) {
        return cli_usage_error("sp-metadata: %s", sso_err_code(rc));
    }
    out = malloc(need);
    if (out == NULL) {
        return cli_usage_error("out of memory");
    }
    rc = sso_spmd_build(out, need, &need, &p);
    if (rc == SSO_OK) {
        fputs(out, stdout);
    }
    free(out);
    if (rc != SSO_OK) {
        return cli_usage_error("sp-metadata: %s", sso_err_code(rc));
    }
    return fflush(stdout) == 0 ? CLI_OK : CLI_USAGE;
}
