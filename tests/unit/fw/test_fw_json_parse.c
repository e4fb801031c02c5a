/* The strict JSON parser for request bodies (firmware/util/json_parse.c). */
#include <stdio.h>
#include <string.h>

#include "hal/hal_err.h"
#include "harness.h"
#include "util/json_parse.h"

static struct fw_jp jp;

static int parse(const char *s)
{
    return fw_jp_parse(&jp, s, strlen(s));
}

TEST_CASE(accepts_valid_documents)
{
    static const char *const ok[] = {
        "{}",
        "[]",
        " \t\r\n{ } ",
        "0",
        "-0",
        "1.5e-3",
        "-12E+4",
        "\"\"",
        "true",
        "false",
        "null",
        "{\"a\":1,\"b\":[true,false,null,\"x\",{\"c\":[]}]}",
        "[[[[[[[[]]]]]]]]", /* depth 8 */
        "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\udd11\"",
        "\"caf\xc3\xa9 \xf0\x9f\x94\x91\"",
        "{\"\":0}",
    };
    size_t i;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (parse(ok[i]) != HAL_OK) {
            lk_test_fail(__FILE__, __LINE__, "refused valid #%u: %s", (unsigned)i, ok[i]);
            return;
        }
    }
}

TEST_CASE(refuses_invalid_documents)
{
    static const char *const bad[] = {
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "{\"a\":1,}",
        "{,}",
        "[,1]",
        "{\"a\"}",
        "{\"a\" 1}",
        "{a:1}",
        "{'a':1}",
        "{\"a\":1}{}",
        "{\"a\":1} x",
        "01",
        "-",
        "+1",
        ".5",
        "1.",
        "1e",
        "1e+",
        "0x10",
        "NaN",
        "Infinity",
        "-Infinity",
        "tru",
        "truex",
        "nul",
        "[true false]",
        "\"abc",
        "\"a\\\"",
        "\"\\x41\"",
        "\"\\u12\"",
        "\"\\u00zz\"",
        "\"\\u0000\"",        /* NUL */
        "\"\\ud83d\"",        /* lone high surrogate */
        "\"\\udd11\"",        /* lone low surrogate */
        "\"\\ud83d\\u0041\"", /* high + non-low */
        "\"a\tb\"",           /* raw control character */
        "\"a\nb\"",
        "\"\xc3\x28\"",     /* bad UTF-8 */
        "\"\xc0\xaf\"",     /* overlong */
        "\"\xed\xa0\x80\"", /* encoded surrogate */
        "\"\xf4\x90\x80\x80\"",
        "\"\xff\"",
        "\xef\xbb\xbf{}", /* BOM */
        "/* c */ {}",
        "{\"a\":1,\"a\":2}",       /* duplicate key */
        "{\"a\":1,\"\\u0061\":2}", /* duplicate once decoded */
        "[1]]",
        "{\"a\":[1}",
        "{\"a\":1]",
    };
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse(bad[i]);
        if (rc != HAL_EINVAL) {
            lk_test_fail(__FILE__, __LINE__, "bad #%u (%s): got %d", (unsigned)i, bad[i], rc);
            return;
        }
        TEST_EQ(jp.ntok, 0);
    }
    /* an embedded NUL byte in the text is not JSON either */
    TEST_EQ(fw_jp_parse(&jp, "{\"a\":\"x\0y\"}", 11), HAL_EINVAL);
    TEST_EQ(fw_jp_parse(&jp, "{}\0", 3), HAL_EINVAL);
}

TEST_CASE(bounds)
{
    static char doc[1200];
    size_t n = 0;
    int i;
    /* depth: 8 ok (above), 9 refused */
    TEST_EQ(parse("[[[[[[[[[]]]]]]]]]"), HAL_ENOSPC);
    TEST_EQ(parse("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}}}}"),
            HAL_ENOSPC);
    TEST_OK(parse("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":1}}}}}}}}"));
    /* tokens: the array + 127 elements = 128 ok; one more refused */
    doc[n++] = '[';
    for (i = 0; i < FW_JP_TOKENS_MAX - 1; i++) {
        n += (size_t)snprintf(doc + n, sizeof(doc) - n, "%s%d", i ? "," : "", i % 10);
    }
    doc[n++] = ']';
    doc[n] = '\0';
    TEST_OK(parse(doc));
    TEST_EQ(jp.ntok, FW_JP_TOKENS_MAX);
    TEST_EQ(jp.tok[0].count, FW_JP_TOKENS_MAX - 1);
    memcpy(doc + n - 1, ",1]", 4);
    TEST_EQ(parse(doc), HAL_ENOSPC);
    /* key length: 64 bytes ok, 65 refused */
    n = (size_t)snprintf(doc, sizeof(doc), "{\"%064d\":1}", 0);
    TEST_OK(fw_jp_parse(&jp, doc, n));
    n = (size_t)snprintf(doc, sizeof(doc), "{\"%065d\":1}", 0);
    TEST_EQ(fw_jp_parse(&jp, doc, n), HAL_EINVAL);
    /* a thousand-deep attempt stops at the bound without recursing */
    memset(doc, '[', 1000);
    TEST_EQ(fw_jp_parse(&jp, doc, 1000), HAL_ENOSPC);
}

TEST_CASE(navigation)
{
    int root, v, k, n = 0;
    char s[32];
    int64_t x;
    bool b;
    TEST_OK(parse("{\"user\":\"al\\u00e9\",\"n\":[1,[2,3],{\"q\":4}],\"ok\":true,\"z\":null,"
                  "\"big\":-9223372036854775808}"));
    root = 0;
    TEST_EQ(fw_jp_type(&jp, root), FW_JP_OBJECT);
    TEST_EQ(jp.tok[root].count, 5);
    v = fw_jp_get(&jp, root, "user");
    TEST_OK(fw_jp_str(&jp, v, s, sizeof(s), NULL));
    TEST_STR_EQ(s, "al\xc3\xa9");
    TEST_TRUE(fw_jp_str_eq(&jp, v, "al\xc3\xa9"));
    TEST_TRUE(!fw_jp_str_eq(&jp, v, "al"));
    TEST_EQ(fw_jp_str(&jp, v, s, 4, NULL), HAL_ENOSPC);
    TEST_STR_EQ(s, "");
    TEST_OK(fw_jp_str(&jp, v, s, 5, NULL));
    v = fw_jp_get(&jp, root, "n");
    TEST_EQ(fw_jp_type(&jp, v), FW_JP_ARRAY);
    TEST_EQ(jp.tok[v].count, 3);
    for (k = fw_jp_child(&jp, v, -1); k >= 0; k = fw_jp_child(&jp, v, k)) {
        n++;
    }
    TEST_EQ(n, 3);
    k = fw_jp_child(&jp, v, -1);
    TEST_OK(fw_jp_int(&jp, k, 0, 10, &x));
    TEST_EQ(x, 1);
    k = fw_jp_child(&jp, v, k);
    TEST_EQ(fw_jp_type(&jp, k), FW_JP_ARRAY);
    k = fw_jp_child(&jp, v, k);
    TEST_EQ(fw_jp_type(&jp, k), FW_JP_OBJECT);
    TEST_OK(fw_jp_int(&jp, fw_jp_get(&jp, k, "q"), 0, 10, &x));
    TEST_EQ(x, 4);
    TEST_EQ(fw_jp_child(&jp, v, k), -1);
    TEST_OK(fw_jp_bool(&jp, fw_jp_get(&jp, root, "ok"), &b));
    TEST_TRUE(b);
    TEST_EQ(fw_jp_bool(&jp, fw_jp_get(&jp, root, "z"), &b), HAL_EINVAL);
    TEST_EQ(fw_jp_type(&jp, fw_jp_get(&jp, root, "z")), FW_JP_NULL);
    TEST_EQ(fw_jp_get(&jp, root, "missing"), -1);
    TEST_EQ(fw_jp_get(&jp, v, "user"), -1); /* not an object */
    TEST_OK(fw_jp_int(&jp, fw_jp_get(&jp, root, "big"), INT64_MIN, 0, &x));
    TEST_TRUE(x == INT64_MIN);
    /* key iteration: keys only, values at key + 1 */
    n = 0;
    for (k = fw_jp_child(&jp, root, -1); k >= 0; k = fw_jp_child(&jp, root, k)) {
        TEST_EQ(fw_jp_type(&jp, k), FW_JP_STRING);
        n++;
    }
    TEST_EQ(n, 5);
}

TEST_CASE(integers)
{
    int64_t x;
    TEST_OK(parse("[9223372036854775807,9223372036854775808,1.0,1e2,-1,300]"));
    TEST_OK(fw_jp_int(&jp, 1, INT64_MIN, INT64_MAX, &x));
    TEST_TRUE(x == INT64_MAX);
    TEST_EQ(fw_jp_int(&jp, 2, INT64_MIN, INT64_MAX, &x), HAL_EINVAL); /* overflow */
    TEST_EQ(fw_jp_int(&jp, 3, 0, 10, &x), HAL_EINVAL);                /* fraction */
    TEST_EQ(fw_jp_int(&jp, 4, 0, 1000, &x), HAL_EINVAL);              /* exponent */
    TEST_EQ(fw_jp_int(&jp, 5, 0, 10, &x), HAL_EINVAL);                /* below range */
    TEST_EQ(fw_jp_int(&jp, 6, 0, 299, &x), HAL_EINVAL);               /* above range */
    TEST_OK(fw_jp_int(&jp, 6, 0, 300, &x));
    TEST_EQ(fw_jp_int(&jp, 0, 0, 300, &x), HAL_EINVAL); /* not a number */
    TEST_EQ(fw_jp_int(&jp, 99, 0, 300, &x), HAL_EINVAL);
}

/* Random mutations of a valid document: parse or refuse, never crash (run under ASan). */
TEST_CASE(mutations)
{
    static const char base[] = "{\"username\":\"admin\",\"password\":\"p\\u00e9\\n\",\"list\":"
                               "[1,-2.5e3,true,null,{\"k\":\"v\"}],\"n\":0}";
    char m[sizeof(base)];
    uint32_t x = 7;
    unsigned i, ok = 0, bad = 0;
    for (i = 0; i < 20000; i++) {
        size_t len = sizeof(base) - 1;
        memcpy(m, base, sizeof(base));
        x = x * 1103515245u + 12345u;
        m[(x >> 8) % len] = (char)(x >> 20);
        if (i % 3 == 0) {
            len = (x >> 4) % len; /* truncated */
        }
        if (fw_jp_parse(&jp, m, len) == HAL_OK) {
            ok++;
        } else {
            bad++;
        }
    }
    printf("  mutations: %u parsed, %u refused\n", ok, bad);
    TEST_TRUE(ok > 0 && bad > 0);
}

static const struct lk_test_case cases[] = {
    LK_CASE(accepts_valid_documents),
    LK_CASE(refuses_invalid_documents),
    LK_CASE(bounds),
    LK_CASE(navigation),
    LK_CASE(integers),
    LK_CASE(mutations),
};

TEST_MAIN(cases)
