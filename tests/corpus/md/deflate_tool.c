/* Test helper (host only): `deflate_tool d` compresses stdin with sso_deflate(),
 * `deflate_tool i` inflates stdin with sso_inflate(); result on stdout. Exit 0 on success,
 * 1 with the error code on stderr otherwise. Driven by deflate_interop.py, which checks
 * both directions against Python's zlib. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sso/deflate.h"
#include "sso/err.h"

static unsigned char in[70000];
static unsigned char out[140000];
static struct sso_deflate_work dw;
static struct sso_inflate_work iw;

int main(int argc, char **argv)
{
    size_t n = fread(in, 1, sizeof(in), stdin), len = 0;
    int rc;
    if (argc != 2 || ferror(stdin) || !feof(stdin)) {
        fprintf(stderr, "usage: deflate_tool d|i < input (at most %zu bytes)\n", sizeof(in) - 1);
        return 2;
    }
    if (strcmp(argv[1], "d") == 0) {
        rc = sso_deflate(in, n, out, sizeof(out), &len, &dw);
    } else if (strcmp(argv[1], "i") == 0) {
        rc = sso_inflate(in, n, out, sizeof(out), &len, &iw);
    } else {
        return 2;
    }
    if (rc != SSO_OK) {
        fprintf(stderr, "%s\n", sso_err_code(rc));
        return 1;
    }
    fwrite(out, 1, len, stdout);
    return 0;
}
