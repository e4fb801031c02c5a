/**
 * @file cli.h
 * @brief Shared pieces of the `latchkey` host CLI (sso/cli/): subcommand entry points,
 *        input reading and a tiny JSON writer. Host-only; never built for a board.
 *
 * Exit codes: 0 ok, 1 rejected (the input was read and judged bad: a malformed or hostile
 * response is a rejection), 2 usage or input error (bad flags, unreadable files, an
 * unusable certificate or metadata file given on the command line).
 */
#ifndef LK_CLI_H
#define LK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_OK       0
#define CLI_REJECTED 1
#define CLI_USAGE    2

/* Subcommands: argv[0] is the subcommand name. */
int cli_c14n(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_metadata(int argc, char **argv);
int cli_authn_request(int argc, char **argv);
int cli_sp_metadata(int argc, char **argv);

/** Print "latchkey: <msg>" to stderr and return CLI_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * @brief Read a whole file ("-" = stdin) into a malloc'd, NUL-terminated buffer.
 * @return the buffer, or NULL (message already printed) if unreadable or over @p max.
 */
char *cli_read_file(const char *path, size_t max, size_t *len);

/** Fill @p buf with random bytes from the OS; 0 on success. Matches sso_rng_fn. */
int cli_rng(void *ctx, uint8_t *buf, size_t len);

/* ---- JSON writer (stdout) ----------------------------------------------------------------- */

struct cli_json {
    FILE *f;
    int depth;
    bool need_comma[16];
};

void cli_json_begin(struct cli_json *j, FILE *f); /* writes "{" */
void cli_json_end(struct cli_json *j);            /* writes "}\n" */
void cli_json_key(struct cli_json *j, const char *key);
void cli_json_str(struct cli_json *j, const char *key, const char *s); /* NULL -> null */
void cli_json_strn(struct cli_json *j, const char *key, const char *s, size_t n);
void cli_json_int(struct cli_json *j, const char *key, long long v);
void cli_json_bool(struct cli_json *j, const char *key, bool v);
void cli_json_null(struct cli_json *j, const char *key);
void cli_json_obj_open(struct cli_json *j, const char *key); /* key NULL inside arrays */
void cli_json_obj_close(struct cli_json *j);
void cli_json_arr_open(struct cli_json *j, const char *key);
void cli_json_arr_close(struct cli_json *j);
/** Write a hex string of @p n bytes. */
void cli_json_hex(struct cli_json *j, const char *key, const uint8_t *p, size_t n);

#endif /* LK_CLI_H */
