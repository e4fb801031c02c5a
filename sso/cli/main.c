/*
 * latchkey: the SAML core on the command line, for integrators debugging their IdP and
 * for the tests. Prints JSON; exit 0 ok, 1 rejected, 2 usage/input error (see cli.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli.h"

static const char usage_text[] =
    "usage: latchkey <command> [options]\n"
    "\n"
    "  verify [options] RESPONSE      raw XML or the base64 SAMLResponse value; '-' = stdin\n"
    "      --idp-metadata FILE | --idp-cert PEM (repeatable)   --idp-entity-id ID\n"
    "      --sp-entity-id ID   --acs-url URL   --now RFC3339|unix   --in-response-to ID\n"
    "      --skew S   --allow-sha1   --sp-key PEM   --replay-cache FILE   --no-unsolicited\n"
    "  c14n [--with-comments] [--inclusive-prefixes \"a b\"] [--id ID] [--enveloped]\n"
    "       [--max-bytes N] FILE\n"
    "  metadata [--entity-id ID] FILE\n"
    "  authn-request --sp-entity-id ID --acs-url URL --idp-sso-url URL [--relay-state S]\n"
    "                [--binding redirect|post] [--now RFC3339|unix]\n"
    "  sp-metadata --sp-entity-id ID --acs-url URL [--sp-cert PEM]\n";

struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
};

static const struct cli_cmd commands[] = {
    {"verify", cli_verify},           {"c14n", cli_c14n},
    {"metadata", cli_metadata},       {"authn-request", cli_authn_request},
    {"sp-metadata", cli_sp_metadata},
};

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("latchkey: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_USAGE;
}

char *cli_read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 4096, n = 0;
    char *buf;
    if (f == NULL) {
        cli_usage_error("cannot open %s", path);
        return NULL;
    }
    buf = malloc(cap + 1);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            cli_usage_error("%s is larger than %zu bytes", path, max);
            free(buf);
            buf = NULL;
            break;
        }
        if (got == 0) {
            break;
        }
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    if (buf != NULL && ferror(f)) {
        cli_usage_error("cannot read %s", path);
        free(buf);
        buf = NULL;
    }
    if (f != stdin) {
        fclose(f);
    }
    if (buf != NULL) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

int cli_rng(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t got = getrandom(buf, len, 0);
        if (got <= 0) {
            return -1;
        }
        buf += got;
        len -= (size_t)got;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            return commands[i].fn(argc - 1, argv + 1);
        }
    }
    fputs(usage_text, stderr);
    return cli_usage_error("unknown command '%s'", argv[1]);
}
