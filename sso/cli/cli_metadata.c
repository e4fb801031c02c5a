/*
 * latchkey metadata [--entity-id ID] FILE
 *
 * Parses IdP metadata as the device would import it and prints what it took:
 *   {"ok":true,"entity_id":..|null,"sso_urls":{"redirect":..|null,"post":..|null},
 *    "certs":[{"sha256":hex,"not_before":..,"not_after":..,"key":"rsa-2048",
 *              "subject":..}],
 *    "name_id_formats":[uri...],"name_id_formats_other":n,
 *    "valid_until":..|null,"cache_duration_s":n|null}
 * Exit 0; 1 with {"ok":false,"error":code,"detail":..} if the metadata is rejected;
 * 2 for usage errors and unreadable files.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sso/err.h"
#include "sso/md.h"
#include "sso/time.h"

/* Read limit of the file itself: well above SSO_CFG_MD_MAX_BYTES, so that an oversized
 * document reaches the parser and is rejected with its bound (exit 1), as on the device. */
#define FILE_MAX (16u * 1024u * 1024u)

static void put_time(struct cli_json *j, const char *key, int64_t t)
{
    char s[SSO_TIME_STR_SIZE];
    if (sso_time_format(t, s, sizeof(s)) == 0) {
        cli_json_str(j, key, s);
    } else {
        cli_json_int(j, key, (long long)t);
    }
}

static const char *key_name(const struct sso_cert_info *ci, char *buf, size_t size)
{
    switch (ci->key_type) {
    case SSO_KEY_RSA:
        snprintf(buf, size, "rsa-%u", ci->key_bits);
        return buf;
    case SSO_KEY_EC_P256:
        return "ec-p256";
    case SSO_KEY_EC_P384:
        return "ec-p384";
    case SSO_KEY_NONE:
        break;
    }
    return "unsupported";
}

static void print_md(const struct sso_md_idp *md)
{
    struct cli_json j;
    char key[32];
    cli_json_begin(&j, stdout);
    cli_json_bool(&j, "ok", true);
    cli_json_str(&j, "entity_id", md->entity_id[0] ? md->entity_id : NULL);
    cli_json_obj_open(&j, "sso_urls");
    cli_json_str(&j, "redirect", md->sso_redirect[0] ? md->sso_redirect : NULL);
    cli_json_str(&j, "post", md->sso_post[0] ? md->sso_post : NULL);
    cli_json_obj_close(&j);
    cli_json_arr_open(&j, "certs");
    for (unsigned i = 0; i < md->cert_count; i++) {
        const struct sso_cert_info *ci = &md->certs[i].info;
        cli_json_obj_open(&j, NULL);
        cli_json_hex(&j, "sha256", ci->sha256, sizeof(ci->sha256));
        put_time(&j, "not_before", ci->not_before_s);
        put_time(&j, "not_after", ci->not_after_s);
        cli_json_str(&j, "key", key_name(ci, key, sizeof(key)));
        cli_json_str(&j, "subject", ci->subject);
        cli_json_obj_close(&j);
    }
    cli_json_arr_close(&j);
    cli_json_arr_open(&j, "name_id_formats");
    for (unsigned b = 0; b < SSO_MD_NAMEID_KNOWN; b++) {
        if (md->name_id_formats & (1u << b)) {
            cli_json_str(&j, NULL, sso_md_nameid_uri(b));
        }
    }
    cli_json_arr_close(&j);
    cli_json_int(&j, "name_id_formats_other", md->name_id_other);
    if (md->has_valid_until) {
        put_time(&j, "valid_until", md->valid_until_s);
    } else {
        cli_json_null(&j, "valid_until");
    }
    if (md->has_cache_duration) {
        cli_json_int(&j, "cache_duration_s", md->cache_duration_s);
    } else {
        cli_json_null(&j, "cache_duration_s");
    }
    cli_json_end(&j);
}

int cli_metadata(int argc, char **argv)
{
    const char *file = NULL, *want = NULL;
    struct sso_md_idp *md;
    char *buf;
    size_t len = 0;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--entity-id") == 0 && i + 1 < argc) {
            want = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("metadata: unknown option %s", argv[i]);
        } else if (file == NULL) {
            file = argv[i];
        } else {
            return cli_usage_error("metadata: one FILE expected");
        }
    }
    if (file == NULL) {
        return cli_usage_error("usage: latchkey metadata [--entity-id ID] FILE");
    }
    buf = cli_read_file(file, FILE_MAX, &len);
    if (buf == NULL) {
        return CLI_USAGE;
    }
    md = malloc(sizeof(*md));
    if (md == NULL) {
        free(buf);
        return cli_usage_error("out of memory");
    }
    rc = sso_md_parse(md, buf, len, want);
    if (rc == SSO_OK) {
        print_md(md);
    } else {
        struct cli_json j;
        cli_json_begin(&j, stdout);
        cli_json_bool(&j, "ok", false);
        cli_json_str(&j, "error", sso_err_code(rc));
        cli_json_str(&j, "detail", sso_strerror(rc));
        cli_json_end(&j);
    }
    free(md);
    free(buf);
    return rc == SSO_OK ? CLI_OK : CLI_REJECTED;
}
