/* Minimal JSON writer for the CLI: strings escaped per RFC 8259, nesting tracked. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void sep(struct cli_json *j)
{
    if (j->need_comma[j->depth]) {
        fputc(',', j->f);
    }
    j->need_comma[j->depth] = true;
}

static void put_escaped(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                fprintf(f, "\\u%04x", c);
            } else {
                fputc(c, f);
            }
        }
    }
    fputc('"', f);
}

void cli_json_key(struct cli_json *j, const char *key)
{
    sep(j);
    if (key != NULL) {
        put_escaped(j->f, key, strlen(key));
        fputc(':', j->f);
    }
}

void cli_json_begin(struct cli_json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->need_comma[0] = false;
    fputc('{', f);
}

void cli_json_end(struct cli_json *j)
{
    fputs("}\n", j->f);
    fflush(j->f);
}

void cli_json_strn(struct cli_json *j, const char *key, const char *s, size_t n)
{
    cli_json_key(j, key);
    put_escaped(j->f, s, n);
}

void cli_json_str(struct cli_json *j, const char *key, const char *s)
{
    if (s == NULL) {
        cli_json_null(j, key);
        return;
    }
    cli_json_strn(j, key, s, strlen(s));
}

void cli_json_int(struct cli_json *j, const char *key, long long v)
{
    cli_json_key(j, key);
    fprintf(j->f, "%lld", v);
}

void cli_json_bool(struct cli_json *j, const char *key, bool v)
{
    cli_json_key(j, key);
    fputs(v ? "true" : "false", j->f);
}

void cli_json_null(struct cli_json *j, const char *key)
{
    cli_json_key(j, key);
    fputs("null", j->f);
}

static void open_nested(struct cli_json *j, const char *key, char c)
{
    cli_json_key(j, key);
    fputc(c, j->f);
    if (j->depth + 1 < (int)(sizeof(j->need_comma) / sizeof(j->need_comma[0]))) {
        j->depth++;
    }
    j->need_comma[j->depth] = false;
}

void cli_json_obj_open(struct cli_json *j, const char *key)
{
    open_nested(j, key, '{');
}

void cli_json_obj_close(struct cli_json *j)
{
    fputc('}', j->f);
    j->depth--;
}

void cli_json_arr_open(struct cli_json *j, const char *key)
{
    open_nested(j, key, '[');
}

void cli_json_arr_close(struct cli_json *j)
{
    fputc(']', j->f);
    j->depth--;
}

void cli_json_hex(struct cli_json *j, const char *key, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    cli_json_key(j, key);
    fputc('"', j->f);
    for (size_t i = 0; i < n; i++) {
        fputc(hex[p[i] >> 4], j->f);
        fputc(hex[p[i] & 15], j->f);
    }
    fputc('"', j->f);
}
