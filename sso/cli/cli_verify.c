/*
 * latchkey verify: validate a SAMLResponse exactly as the device's ACS does, and print
 * the verdict as one JSON object.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sso/alloc.h"
#include "sso/b64.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/md.h"
#include "sso/resp.h"
#include "sso/time.h"

#define CLI_MAX_INPUT (1024 * 1024)
#define CLI_MAX_IRT   16

struct verify_opts {
    const char *response;
    const char *metadata;
    const char *certs[SSO_CFG_MD_MAX_CERTS];
    unsigned cert_count;
    const char *idp_entity_id;
    const char *sp_entity_id;
    const char *acs_url;
    const char *now;
    const char *irt[CLI_MAX_IRT];
    unsigned irt_count;
    long skew;
    bool allow_sha1;
    const char *sp_key;
    const char *replay_file;
    bool no_unsolicited;
};

/* Everything the verification needs that the options point at. */
struct verify_state {
    uint8_t cert_der[SSO_CFG_MD_MAX_CERTS][SSO_CFG_CERT_MAX_DER];
    uint8_t key_der[8192];
    size_t key_len;
    struct sso_md_idp md;
    struct sso_replay replay;
    struct sso_resp_config cfg;
    struct sso_resp_params params;
    struct sso_resp_result res;
    struct sso_resp_error err;
};

static int parse_opts(int argc, char **argv, struct verify_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->skew = SSO_CFG_DEFAULT_SKEW_S;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (strcmp(a, "--allow-sha1") == 0) {
            o->allow_sha1 = true;
            takes = false;
        } else if (strcmp(a, "--no-unsolicited") == 0) {
            o->no_unsolicited = true;
            takes = false;
        } else if (a[0] == '-' && a[1] == '-' && v == NULL) {
            return cli_usage_error("%s needs a value", a);
        } else if (strcmp(a, "--idp-metadata") == 0) {
            o->metadata = v;
        } else if (strcmp(a, "--idp-cert") == 0) {
            if (o->cert_count == SSO_CFG_MD_MAX_CERTS) {
                return cli_usage_error("at most %d --idp-cert", SSO_CFG_MD_MAX_CERTS);
            }
            o->certs[o->cert_count++] = v;
        } else if (strcmp(a, "--idp-entity-id") == 0) {
            o->idp_entity_id = v;
        } else if (strcmp(a, "--sp-entity-id") == 0) {
            o->sp_entity_id = v;
        } else if (strcmp(a, "--acs-url") == 0) {
            o->acs_url = v;
        } else if (strcmp(a, "--now") == 0) {
            o->now = v;
        } else if (strcmp(a, "--in-response-to") == 0) {
            if (o->irt_count == CLI_MAX_IRT) {
                return cli_usage_error("at most %d --in-response-to", CLI_MAX_IRT);
            }
            o->irt[o->irt_count++] = v;
        } else if (strcmp(a, "--skew") == 0) {
            char *end;
            errno = 0;
            o->skew = strtol(v, &end, 10);
            if (errno || *end || o->skew < 0 || o->skew > 86400) {
                return cli_usage_error("--skew takes seconds (0..86400)");
            }
        } else if (strcmp(a, "--sp-key") == 0) {
            o->sp_key = v;
        } else if (strcmp(a, "--replay-cache") == 0) {
            o->replay_file = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("unknown option %s", a);
        } else {
            if (o->response != NULL) {
                return cli_usage_error("only one RESPONSE");
            }
            o->response = a;
            takes = false;
        }
        if (takes) {
            i++;
        }
    }
    if (o->response == NULL) {
        return cli_usage_error("verify needs a RESPONSE file ('-' for stdin)");
    }
    if (o->sp_entity_id == NULL || o->acs_url == NULL) {
        return cli_usage_error("verify needs --sp-entity-id and --acs-url");
    }
    if (o->metadata == NULL && o->cert_count == 0) {
        return cli_usage_error("verify needs --idp-metadata or --idp-cert");
    }
    return CLI_OK;
}

static int load_pem(const char *path, const char *label, uint8_t *out, size_t size, size_t *len)
{
    size_t n;
    char *pem = cli_read_file(path, 1 << 20, &n);
    int rc;
    if (pem == NULL) {
        return CLI_USAGE;
    }
    rc = sso_crypto_pem_to_der(pem, n, label, out, size, len);
    free(pem);
    if (rc != SSO_OK) {
        return cli_usage_error("%s: not a usable PEM %s (%s)", path, label ? label : "key",
                               sso_err_code(rc));
    }
    return CLI_OK;
}

static int parse_now(const char *s, int64_t *now)
{
    char *end;
    long long v;
    if (s == NULL) {
        *now = (int64_t)time(NULL);
        return CLI_OK;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno == 0 && *end == '\0' && end != s) {
        *now = v;
        return CLI_OK;
    }
    if (sso_time_parse(s, strlen(s), now) != SSO_OK) {
        return cli_usage_error("--now takes RFC 3339 (2024-01-02T03:04:05Z) or Unix seconds");
    }
    return CLI_OK;
}

/* Replay cache file: one "hex-key expiry" line per live entry. */
static int load_replay(const char *path, struct sso_replay *c)
{
    FILE *f;
    char line[128];
    unsigned i = 0;
    sso_replay_init(c);
    if (path == NULL) {
        return CLI_OK;
    }
    f = fopen(path, "r");
    if (f == NULL) {
        return errno == ENOENT ? CLI_OK : cli_usage_error("cannot read %s", path);
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        struct sso_replay_entry *e;
        long long exp;
        int used = 0;
        if (i == SSO_CFG_REPLAY_MAX) {
            break;
        }
        e = &c->e[i];
        for (int k = 0; k < 16; k++) {
            unsigned b;
            if (sscanf(line + 2 * k, "%2x", &b) != 1) {
                fclose(f);
                return cli_usage_error("%s: corrupt replay cache", path);
            }
            e->key[k] = (uint8_t)b;
        }
        if (sscanf(line + 32, " %lld%n", &exp, &used) != 1) {
            fclose(f);
            return cli_usage_error("%s: corrupt replay cache", path);
        }
        e->expires_s = exp;
        i++;
    }
    fclose(f);
    return CLI_OK;
}

static int save_replay(const char *path, const struct sso_replay *c)
{
    FILE *f;
    if (path == NULL) {
        return CLI_OK;
    }
    f = fopen(path, "w");
    if (f == NULL) {
        return cli_usage_error("cannot write %s", path);
    }
    for (unsigned i = 0; i < SSO_CFG_REPLAY_MAX; i++) {
        if (c->e[i].expires_s == 0) {
            continue;
        }
        for (int k = 0; k < 16; k++) {
            fprintf(f, "%02x", c->e[i].key[k]);
        }
        fprintf(f, " %lld\n", (long long)c->e[i].expires_s);
    }
    return fclose(f) == 0 ? CLI_OK : cli_usage_error("cannot write %s", path);
}

/* The input is raw XML, or the base64 SAMLResponse form value. */
static int decode_input(char *buf, size_t len, char **xml, size_t *xml_len)
{
    size_t i = 0;
    /* A UTF-8 byte-order mark starts some IdPs' XML (the XML layer skips it). */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        i = 3;
    }
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r')) {
        i++;
    }
    if (i < len && buf[i] == '<') {
        *xml = buf;
        *xml_len = len;
        return SSO_OK;
    }
    *xml = malloc(SSO_B64_DECODED_MAX(len) + 1);
    if (*xml == NULL) {
        return SSO_E_NOMEM;
    }
    return sso_b64_decode(buf, len, (uint8_t *)*xml, SSO_B64_DECODED_MAX(len), xml_len);
}

static void print_time(struct cli_json *j, const char *key, int64_t t)
{
    char s[SSO_TIME_STR_SIZE];
    if (t == 0 || sso_time_format(t, s, sizeof(s)) != SSO_OK) {
        cli_json_null(j, key);
    } else {
        cli_json_str(j, key, s);
    }
}

static void print_result(const struct sso_resp_result *r)
{
    struct cli_json j;
    cli_json_begin(&j, stdout);
    cli_json_bool(&j, "ok", true);
    cli_json_str(&j, "name_id", r->name_id);
    cli_json_str(&j, "name_id_format", r->name_id_format[0] ? r->name_id_format : NULL);
    cli_json_str(&j, "session_index", r->session_index[0] ? r->session_index : NULL);
    cli_json_str(&j, "issuer", r->issuer);
    cli_json_str(&j, "response_id", r->response_id);
    cli_json_str(&j, "assertion_id", r->assertion_id);
    cli_json_str(&j, "in_response_to", r->in_response_to[0] ? r->in_response_to : NULL);
    print_time(&j, "issue_instant", r->issue_instant_s);
    print_time(&j, "not_on_or_after", r->not_on_or_after_s);
    print_time(&j, "session_not_on_or_after", r->session_not_on_or_after_s);
    cli_json_bool(&j, "response_signed", r->response_signed);
    cli_json_bool(&j, "assertion_signed", r->assertion_signed);
    cli_json_bool(&j, "encrypted", r->encrypted);
    cli_json_obj_open(&j, "attributes");
    for (unsigned i = 0; i < r->attr_count; i++) {
        cli_json_arr_open(&j, sso_resp_attr_name(r, i));
        for (unsigned k = 0; k < r->attrs[i].value_count; k++) {
            cli_json_str(&j, NULL, sso_resp_attr_value(r, i, k));
        }
        cli_json_arr_close(&j);
    }
    cli_json_obj_close(&j);
    cli_json_end(&j);
}

static void print_error(int code, const char *detail)
{
    struct cli_json j;
    cli_json_begin(&j, stdout);
    cli_json_bool(&j, "ok", false);
    cli_json_str(&j, "error", sso_err_code(code));
    cli_json_str(&j, "detail", detail);
    cli_json_end(&j);
}

static int load_config(const struct verify_opts *o, struct verify_state *s)
{
    struct sso_resp_config *cfg = &s->cfg;
    int rc;
    memset(cfg, 0, sizeof(*cfg));
    cfg->sp_entity_id = o->sp_entity_id;
    cfg->acs_url = o->acs_url;
    cfg->idp_entity_id = o->idp_entity_id;
    cfg->skew_s = (uint32_t)o->skew;
    /* The legacy-IdP opt-in: SHA-1, and the 1024-bit RSA keys such IdPs signed with. */
    cfg->dsig.allow_sha1 = o->allow_sha1;
    cfg->dsig.allow_weak_rsa = o->allow_sha1;
    cfg->allow_unsolicited = !o->no_unsolicited;
    if (o->metadata != NULL) {
        size_t n;
        char *xml = cli_read_file(o->metadata, SSO_CFG_MD_MAX_BYTES, &n);
        if (xml == NULL) {
            return CLI_USAGE;
        }
        rc = sso_md_parse(&s->md, xml, n, NULL);
        free(xml);
        if (rc != SSO_OK) {
            return cli_usage_error("%s: unusable metadata (%s)", o->metadata, sso_err_code(rc));
        }
        for (unsigned i = 0; i < s->md.cert_count; i++) {
            cfg->trust.cert_der[cfg->trust.count] = s->md.certs[i].der;
            cfg->trust.cert_len[cfg->trust.count] = s->md.certs[i].der_len;
            cfg->trust.count++;
        }
        if (cfg->idp_entity_id == NULL && s->md.entity_id[0] != '\0') {
            cfg->idp_entity_id = s->md.entity_id;
        }
    }
    for (unsigned i = 0; i < o->cert_count; i++) {
        size_t n = 0;
        if (cfg->trust.count == SSO_CFG_MD_MAX_CERTS) {
            return cli_usage_error("too many IdP certificates (max %d)", SSO_CFG_MD_MAX_CERTS);
        }
        rc = load_pem(o->certs[i], "CERTIFICATE", s->cert_der[i], sizeof(s->cert_der[i]), &n);
        if (rc != CLI_OK) {
            return rc;
        }
        cfg->trust.cert_der[cfg->trust.count] = s->cert_der[i];
        cfg->trust.cert_len[cfg->trust.count] = n;
        cfg->trust.count++;
    }
    if (cfg->idp_entity_id == NULL) {
        return cli_usage_error("verify needs --idp-entity-id (the metadata has none)");
    }
    if (o->sp_key != NULL) {
        rc = load_pem(o->sp_key, NULL, s->key_der, sizeof(s->key_der), &s->key_len);
        if (rc != CLI_OK) {
            return rc;
        }
        cfg->sp_key_der = s->key_der;
        cfg->sp_key_len = s->key_len;
    }
    return CLI_OK;
}

int cli_verify(int argc, char **argv)
{
    struct verify_opts o;
    struct verify_state *s;
    char *in = NULL, *xml = NULL;
    size_t in_len = 0, xml_len = 0;
    int rc = parse_opts(argc, argv, &o);
    if (rc != CLI_OK) {
        return rc;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return cli_usage_error("out of memory");
    }
    rc = load_config(&o, s);
    if (rc == CLI_OK) {
        rc = parse_now(o.now, &s->params.now_s);
    }
    if (rc == CLI_OK) {
        rc = load_replay(o.replay_file, &s->replay);
    }
    if (rc == CLI_OK) {
        in = cli_read_file(o.response, CLI_MAX_INPUT, &in_len);
        rc = in == NULL ? CLI_USAGE : CLI_OK;
    }
    if (rc != CLI_OK) {
        goto out;
    }
    s->params.time_known = true;
    s->params.outstanding = o.irt;
    s->params.outstanding_count = o.irt_count;
    s->params.replay = &s->replay;
    s->params.rng = cli_rng;

    rc = decode_input(in, in_len, &xml, &xml_len);
    if (rc != SSO_OK) {
        /* Bad base64 is a rejection of the input, not a usage error. */
        print_error(rc, sso_strerror(rc));
        rc = CLI_REJECTED;
        goto out;
    }
    rc = sso_resp_validate(xml, xml_len, &s->cfg, &s->params, &s->res, &s->err);
    if (rc != SSO_OK) {
        print_error(s->err.code, s->err.detail);
        rc = CLI_REJECTED;
        goto out;
    }
    rc = save_replay(o.replay_file, &s->replay);
    if (rc == CLI_OK) {
        print_result(&s->res);
    }
out:
    if (xml != in) {
        free(xml);
    }
    free(in);
    free(s);
    return rc;
}
