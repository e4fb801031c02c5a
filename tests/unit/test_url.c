/* Percent-encoding, form parsing, RelayState and URL checks (sso/url.h). */
#include <string.h>

#include "harness.h"
#include "sso/err.h"
#include "sso/sso_config.h"
#include "sso/url.h"

TEST_CASE(encode_unreserved_and_reserved)
{
    char out[64];
    size_t need = 0;
    TEST_OK(sso_url_encode("AZaz09-._~", 10, out, sizeof(out), &need));
    TEST_STR_EQ(out, "AZaz09-._~");
    TEST_EQ(need, 11);
    TEST_OK(sso_url_encode("a b+c/d?e=f&g%h", 15, out, sizeof(out), &need));
    TEST_STR_EQ(out, "a%20b%2Bc%2Fd%3Fe%3Df%26g%25h");
    TEST_EQ(need, strlen(out) + 1);
    TEST_OK(sso_url_encode("\xc3\xa9\x00\xff", 4, out, sizeof(out), &need));
    TEST_STR_EQ(out, "%C3%A9%00%FF");
    TEST_OK(sso_url_encode("", 0, out, sizeof(out), &need));
    TEST_STR_EQ(out, "");
    TEST_EQ(need, 1);
}

TEST_CASE(encode_reports_needed_size)
{
    char out[8];
    size_t need = 0;
    TEST_EQ(sso_url_encode("a/b/c", 5, out, 9, &need), SSO_E_NOSPC); /* needs 10 */
    TEST_EQ(need, 10);
    TEST_STR_EQ(out, "");
    TEST_EQ(sso_url_encode("abcdefg", 7, out, 7, &need), SSO_E_NOSPC); /* NUL needs a byte */
    TEST_EQ(need, 8);
    TEST_OK(sso_url_encode("abcdefg", 7, out, 8, &need));
    TEST_STR_EQ(out, "abcdefg");
    /* Count-only call. */
    TEST_EQ(sso_url_encode("a b", 3, NULL, 0, &need), SSO_E_NOSPC);
    TEST_EQ(need, 6);
    TEST_EQ(sso_url_encode(NULL, 3, out, sizeof(out), &need), SSO_E_INVAL);
    TEST_EQ(sso_url_encode("a", 1, NULL, 5, &need), SSO_E_INVAL);
}

TEST_CASE(decode_basic)
{
    char out[32];
    size_t n = 0;
    TEST_OK(sso_url_decode("a%20b%2bc+d", 11, false, out, sizeof(out), &n));
    TEST_STR_EQ(out, "a b+c+d");
    TEST_EQ(n, 7);
    TEST_OK(sso_url_decode("a%20b%2Bc+d", 11, true, out, sizeof(out), &n));
    TEST_STR_EQ(out, "a b+c d");
    TEST_OK(sso_url_decode("%C3%a9", 6, true, out, sizeof(out), &n));
    TEST_STR_EQ(out, "\xc3\xa9");
    TEST_OK(sso_url_decode("", 0, true, out, sizeof(out), &n));
    TEST_EQ(n, 0);
    TEST_STR_EQ(out, "");
}

TEST_CASE(decode_rejects_malformed)
{
    static const char *const bad[] = {"%", "%2", "a%zz", "%g0", "%0g", "abc%", "%%41", "a%00b"};
    char out[32];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(out, "xx", 3);
        if (sso_url_decode(bad[i], strlen(bad[i]), true, out, sizeof(out), NULL) != SSO_E_URL) {
            lk_test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
            return;
        }
        TEST_STR_EQ(out, "");
    }
    TEST_EQ(sso_url_decode("abc", 3, true, out, 3, NULL), SSO_E_NOSPC);
    TEST_STR_EQ(out, "");
    TEST_EQ(sso_url_decode("abc", 3, true, out, 0, NULL), SSO_E_NOSPC);
    TEST_EQ(sso_url_decode("abc", 3, true, NULL, 4, NULL), SSO_E_INVAL);
    TEST_EQ(sso_url_decode(NULL, 3, true, out, 4, NULL), SSO_E_INVAL);
}

TEST_CASE(decode_in_place)
{
    char buf[] = "%2F%2Fx+y";
    size_t n = 0;
    TEST_OK(sso_url_decode(buf, strlen(buf), true, buf, sizeof(buf), &n));
    TEST_STR_EQ(buf, "//x y");
    TEST_EQ(n, 5);
}

TEST_CASE(form_iterates_pairs)
{
    static const char body[] = "&a=1&&b=&c&=v&d=x=y&";
    struct sso_url_form it;
    struct sso_str n, v;
    sso_url_form_init(&it, body, strlen(body));
    TEST_TRUE(sso_url_form_next(&it, &n, &v));
    TEST_TRUE(sso_str_eq(n, "a") && sso_str_eq(v, "1"));
    TEST_TRUE(sso_url_form_next(&it, &n, &v));
    TEST_TRUE(sso_str_eq(n, "b") && sso_str_eq(v, ""));
    TEST_TRUE(sso_url_form_next(&it, &n, &v));
    TEST_TRUE(sso_str_eq(n, "c") && v.len == 0);
    TEST_TRUE(sso_url_form_next(&it, &n, &v));
    TEST_TRUE(sso_str_eq(n, "") && sso_str_eq(v, "v"));
    TEST_TRUE(sso_url_form_next(&it, &n, &v));
    TEST_TRUE(sso_str_eq(n, "d") && sso_str_eq(v, "x=y"));
    TEST_TRUE(!sso_url_form_next(&it, &n, &v));
    TEST_TRUE(!sso_url_form_next(&it, &n, &v));
    /* Length bound honoured: "a=12" seen as "a=1". */
    sso_url_form_init(&it, "a=12", 3);
    TEST_TRUE(sso_url_form_next(&it, &n, &v));
    TEST_TRUE(sso_str_eq(v, "1"));
    sso_url_form_init(&it, NULL, 5);
    TEST_TRUE(!sso_url_form_next(&it, &n, &v));
}

TEST_CASE(form_get_values)
{
    static const char body[] = "SAMLResponse=PHNhbWw%2BCg%3D%3D&Relay%53tate=%2Fadmin+page";
    char out[64];
    size_t n = 0;
    TEST_EQ(sso_url_form_get(body, strlen(body), "SAMLResponse", out, sizeof(out), &n), 1);
    TEST_STR_EQ(out, "PHNhbWw+Cg==");
    TEST_EQ(n, 12);
    /* The name is matched after decoding. */
    TEST_EQ(sso_url_form_get(body, strlen(body), "RelayState", out, sizeof(out), &n), 1);
    TEST_STR_EQ(out, "/admin page");
    TEST_EQ(sso_url_form_get(body, strlen(body), "SAMLRequest", out, sizeof(out), &n), 0);
    TEST_STR_EQ(out, "");
    /* Prefix of a name is not the name. */
    TEST_EQ(sso_url_form_get(body, strlen(body), "SAML", out, sizeof(out), &n), 0);
    TEST_EQ(sso_url_form_get(body, strlen(body), "SAMLResponseX", out, sizeof(out), &n), 0);
    TEST_EQ(sso_url_form_get("", 0, "a", out, sizeof(out), &n), 0);
}

TEST_CASE(form_get_rejects)
{
    char out[8];
    /* Duplicates, also when spelled differently. */
    TEST_EQ(sso_url_form_get("a=1&a=2", 7, "a", out, sizeof(out), NULL), SSO_E_URL);
    TEST_EQ(sso_url_form_get("a=1&%61=2", 9, "a", out, sizeof(out), NULL), SSO_E_URL);
    /* Malformed escapes in names or in the wanted value. */
    TEST_EQ(sso_url_form_get("b%zz=1&a=2", 10, "a", out, sizeof(out), NULL), SSO_E_URL);
    TEST_EQ(sso_url_form_get("a=%zz", 5, "a", out, sizeof(out), NULL), SSO_E_URL);
    TEST_EQ(sso_url_form_get("a=1%00", 6, "a", out, sizeof(out), NULL), SSO_E_URL);
    TEST_EQ(sso_url_form_get("a%00=1", 6, "a", out, sizeof(out), NULL), SSO_E_URL);
    /* Value does not fit. */
    TEST_EQ(sso_url_form_get("a=12345678", 10, "a", out, sizeof(out), NULL), SSO_E_NOSPC);
    TEST_STR_EQ(out, "");
    TEST_EQ(sso_url_form_get("a=1", 3, NULL, out, sizeof(out), NULL), SSO_E_INVAL);
    TEST_EQ(sso_url_form_get("a=1", 3, "a", NULL, 4, NULL), SSO_E_INVAL);
}

static bool rs_ok(const char *s)
{
    return sso_url_relay_state_ok(s, strlen(s));
}

TEST_CASE(relay_state_accepts_local_paths)
{
    TEST_TRUE(rs_ok("/"));
    TEST_TRUE(rs_ok("/admin"));
    TEST_TRUE(rs_ok("/admin/users?tab=2&x=%41"));
    TEST_TRUE(rs_ok("/a/b/../c"));
    TEST_TRUE(rs_ok("/@evil.example")); /* a path on this device */
    TEST_TRUE(rs_ok("/x/https:/evil"));
}

TEST_CASE(relay_state_rejects_open_redirects)
{
    static const char *const bad[] = {
        "",
        "//evil",
        "//evil.example/path",
        "/\\evil",
        "\\\\evil",
        "\\/evil",
        "/admin//evil",
        "/https://evil",
        "/admin\\x",
        "https:evil",
        "https://evil.example/",
        "http:/evil",
        "javascript:alert(1)",
        "evil.example",
        "admin",
        "./admin",
        "%2F%2Fevil",
        "/%2Fevil",
        "/%2fevil",
        "/%5Cevil",
        "/%5cevil",
        "/%252F%252Fevil",
        "/%",
        "/%2",
        "/%zz",
        "/%00",
        "/%09/evil",
        "/\t/evil",
        "/\n/evil",
        "/\r/evil",
        "/ /evil",
        "/a b",
        "/\x7f",
        "/caf\xc3\xa9",
        " /admin",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (rs_ok(bad[i])) {
            lk_test_fail(__FILE__, __LINE__, "accepted relay state #%zu", i);
            return;
        }
    }
    /* An embedded NUL: the length counts, not strlen. */
    TEST_TRUE(!sso_url_relay_state_ok("/a\0/evil", 8));
    TEST_TRUE(!sso_url_relay_state_ok(NULL, 0));
    TEST_TRUE(!sso_url_relay_state_ok(NULL, 4));
}

TEST_CASE(relay_state_length_bound)
{
    char buf[SSO_CFG_RELAY_STATE_MAX + 2];
    memset(buf, 'a', sizeof(buf));
    buf[0] = '/';
    TEST_TRUE(sso_url_relay_state_ok(buf, SSO_CFG_RELAY_STATE_MAX));
    TEST_TRUE(!sso_url_relay_state_ok(buf, SSO_CFG_RELAY_STATE_MAX + 1));
    TEST_EQ(SSO_CFG_RELAY_STATE_MAX, 80);
}

static bool http_ok(const char *s)
{
    return sso_url_is_http(s, strlen(s));
}

TEST_CASE(is_http)
{
    TEST_TRUE(http_ok("https://idp.example.com/sso"));
    TEST_TRUE(http_ok("HTTPS://idp.example.com"));
    TEST_TRUE(http_ok("http://localhost:8085/realms/master/protocol/saml"));
    TEST_TRUE(http_ok("https://accounts.google.com/o/saml2/idp?idpid=C029op2ga"));
    TEST_TRUE(http_ok("https://h?x=1"));
    TEST_TRUE(!http_ok("javascript:alert(1)"));
    TEST_TRUE(!http_ok("data:text/html,x"));
    TEST_TRUE(!http_ok("ftp://idp.example.com/"));
    TEST_TRUE(!http_ok("https:/idp.example.com"));
    TEST_TRUE(!http_ok("https://"));
    TEST_TRUE(!http_ok("https:///path"));
    TEST_TRUE(!http_ok("https://:443/"));
    TEST_TRUE(!http_ok("https://user@idp.example.com/"));
    TEST_TRUE(!http_ok("https://idp.example.com/a b"));
    TEST_TRUE(!http_ok("https://idp.example.com/\"><script>"));
    TEST_TRUE(!http_ok("https://idp.example.com/#frag"));
    TEST_TRUE(!http_ok("https://idp.example.com\\@evil"));
    TEST_TRUE(!http_ok("https://idp.example.com/\n"));
    TEST_TRUE(!http_ok(" https://idp.example.com/"));
    TEST_TRUE(!http_ok(""));
    TEST_TRUE(!sso_url_is_http(NULL, 3));
    TEST_TRUE(!sso_url_is_http("https://x", 7)); /* length bound: "https:/" */
}

static const struct lk_test_case cases[] = {
    LK_CASE(encode_unreserved_and_reserved),
    LK_CASE(encode_reports_needed_size),
    LK_CASE(decode_basic),
    LK_CASE(decode_rejects_malformed),
    LK_CASE(decode_in_place),
    LK_CASE(form_iterates_pairs),
    LK_CASE(form_get_values),
    LK_CASE(form_get_rejects),
    LK_CASE(relay_state_accepts_local_paths),
    LK_CASE(relay_state_rejects_open_redirects),
    LK_CASE(relay_state_length_bound),
    LK_CASE(is_http),
};
TEST_MAIN(cases)
