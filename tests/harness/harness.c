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
    /* Sized exactly (under QEMU the heap is small and tests keep several files). */
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[size] = '\0';
    if (len) {
        *len = (size_t)size;
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
