/* Error table: codes are stable, unique and named. */
#include <string.h>

#include "harness.h"
#include "sso/err.h"

TEST_CASE(codes_have_names)
{
    TEST_STR_EQ(sso_err_code(SSO_OK), "ok");
    TEST_STR_EQ(sso_err_code(SSO_E_DSIG_DIGEST), "digest_mismatch");
    TEST_STR_EQ(sso_err_code(SSO_E_RESP_REPLAY), "replay");
    TEST_STR_EQ(sso_err_code(12345), "unknown_error");
    TEST_TRUE(strlen(sso_strerror(SSO_E_RESP_AUDIENCE)) > 0);
}

TEST_CASE(codes_are_unique_snake_case)
{
    static const int all[] = {
#define ALL(name, value, code, detail) value,
        SSO_ERR_TABLE(ALL)
#undef ALL
    };
    size_t n = sizeof(all) / sizeof(all[0]);
    for (size_t i = 0; i < n; i++) {
        const char *c = sso_err_code(all[i]);
        for (const char *p = c; *p; p++) {
            TEST_TRUE((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
        }
        for (size_t j = i + 1; j < n; j++) {
            TEST_TRUE(all[i] != all[j]);
            TEST_TRUE(strcmp(c, sso_err_code(all[j])) != 0);
        }
    }
}

static const struct lk_test_case cases[] = {
    LK_CASE(codes_have_names),
    LK_CASE(codes_are_unique_snake_case),
};
TEST_MAIN(cases)
