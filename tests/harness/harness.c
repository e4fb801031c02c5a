/* Test runner: see harness.h. Works on the host and under QEMU semihosting (rdimon). */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>

int lk_test_failed;

void lk_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("    FAIL %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    lk_test_failed = 1;
}

int lk_test_run(const struct lk_test_case *cases, size_t n, int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (argc > 1 && strcmp(argv[1], cases[i].name) != 0) {
            continue;
        }
        lk_test_failed = 0;
        cases[i].fn();
        printf("%s %s\n", lk_test_failed ? "FAIL" : "ok  ", cases[i].name);
        if (lk_test_failed) {
            failed++;
        } else {
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    fflush(stdout);
    if (passed + failed == 0) {
        printf("no test case matched\n");
        return 2;
    }
    return failed > 100 ? 100 : failed;
}

char *lk_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (f == NULL) {
        return NULL;
    }
    for (;;) {
        if (n + 4097 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096) {
            break;
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len) {
        *len = n;
    }
    return buf;
}

const char *lk_corpus_path(const char *rel)
{
    static char path[1024];
    snprintf(path, sizeof(path), "%s/%s", LK_CORPUS_DIR, rel);
    return path;
}

const char *lk_tests_path(const char *rel)
{
    static char path[1024];
    snprintf(path, sizeof(path), "%s/%s", LK_TESTS_DIR, rel);
    return path;
}
