/**
 * @file harness.h
 * @brief A tiny test harness that runs the same way on the host and under QEMU
 *        (semihosting): a table of cases, check macros, and an exit code.
 *
 * Each test file defines its cases with TEST_CASE(name), lists them in a table of
 * LK_CASE(name) entries and ends with TEST_MAIN(table). A failed check prints file:line and the
 * values, marks the case failed and returns from it. The runner prints one line per case and the
 * summary "N passed, N failed"; the exit code is the number of failed cases (capped).
 * Run one case with `./test_x name`.
 */
#ifndef LK_HARNESS_H
#define LK_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct lk_test_case {
    const char *name;
    void (*fn)(void);
};

extern int lk_test_failed; /* set by a failing check in the current case */

void lk_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int lk_test_run(const struct lk_test_case *cases, size_t n, int argc, char **argv);

/* Read a whole file into a buffer from the heap (plain malloc: test code). Adds a NUL. */
char *lk_test_read_file(const char *path, size_t *len);
/* Path of a file in ../shared/saml-corpus (static buffer, overwritten each call). */
const char *lk_corpus_path(const char *rel);
/* Path of a file under the repo's tests/ folder. */
const char *lk_tests_path(const char *rel);

#define TEST_CASE(name) static void name(void)

#define TEST_TRUE(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            lk_test_fail(__FILE__, __LINE__, "expected true: %s", #cond);                          \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define TEST_EQ(a, b)                                                                              \
    do {                                                                                           \
        long long lk_a_ = (long long)(a), lk_b_ = (long long)(b);                                  \
        if (lk_a_ != lk_b_) {                                                                      \
            lk_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, lk_a_, lk_b_);      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* An sso/ call must return SSO_OK (0). */
#define TEST_OK(expr) TEST_EQ((expr), 0)

#define TEST_STR_EQ(a, b)                                                                          \
    do {                                                                                           \
        const char *lk_a_ = (a), *lk_b_ = (b);                                                     \
        if (lk_a_ == NULL || lk_b_ == NULL || strcmp(lk_a_, lk_b_) != 0) {                         \
            lk_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,                 \
                         lk_a_ ? lk_a_ : "(null)", lk_b_ ? lk_b_ : "(null)");                      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define TEST_MEM_EQ(a, b, n)                                                                       \
    do {                                                                                           \
        if (memcmp((a), (b), (n)) != 0) {                                                          \
            lk_test_fail(__FILE__, __LINE__, "memory differs: %s vs %s", #a, #b);                  \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* A table entry for case function fn. */
#define LK_CASE(fn)                                                                                \
    {                                                                                              \
#fn, fn                                                                                    \
    }

/* main() for a file whose cases are listed in the array @p table. */
#define TEST_MAIN(table)                                                                           \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return lk_test_run(table, sizeof(table) / sizeof(table[0]), argc, argv);                   \
    }

#endif /* LK_HARNESS_H */
