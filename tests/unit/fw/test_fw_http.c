/* HTTP request-head parser and response helpers (firmware/http/http_msg.c), and the JSON
 * writer the handlers use (firmware/util/json.c). */
#include <string.h>

#include "hal/hal_err.h"
#include "harness.h"
#include "http/http_msg.h"
#include "util/json.h"

static int parse(const char *s, struct fw_http_req *req)
{
    return fw_http_parse_head(s, strlen(s), FW_HTTP_HEAD_MAX, req);
}

static int status_of(const char *s)
{
    struct fw_http_req req;
    return parse(s, &req);
}

static int str_eq(struct fw_http_str a, const char *b)
{
    return a.len == strlen(b) && memcmp(a.p, b, a.len) == 0;
}

TEST_CASE(simple_get)
{
    static const char in[] = "GET /api/v1/status?x=1&y HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                             "User-Agent: t\r\n\r\nGET /next";
    struct fw_http_req req;
    struct fw_http_str v;
    int n = parse(in, &req);
    TEST_EQ(n, (int)(strstr(in, "GET /next") - in));
    TEST_EQ(req.method, FW_HTTP_GET);
    TEST_TRUE(str_eq(req.target, "/api/v1/status?x=1&y"));
    TEST_TRUE(str_eq(req.path, "/api/v1/status"));
    TEST_TRUE(str_eq(req.query, "x=1&y"));
    TEST_TRUE(str_eq(req.host, "127.0.0.1:8080"));
    TEST_EQ(req.version_minor, 1);
    TEST_TRUE(req.keep_alive);
    TEST_TRUE(!req.has_length);
    TEST_TRUE(fw_http_req_header(&req, "user-agent", &v));
    TEST_TRUE(str_eq(v, "t"));
    TEST_TRUE(!fw_http_req_header(&req, "cookie", &v));
}

TEST_CASE(methods_and_versions)
{
    struct fw_http_req req;
    TEST_TRUE(parse("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n", &req) > 0);
    TEST_EQ(req.method, FW_HTTP_HEAD);
    TEST_TRUE(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n", &req) > 0);
    TEST_EQ(req.method, FW_HTTP_POST);
    TEST_TRUE(req.has_length);
    TEST_EQ(req.content_length, 12);
    TEST_TRUE(parse("BREW / HTTP/1.1\r\nHost: h\r\n\r\n", &req) > 0);
    TEST_EQ(req.method, FW_HTTP_OTHER);
    TEST_TRUE(parse("get / HTTP/1.1\r\nHost: h\r\n\r\n", &req) > 0); /* case matters */
    TEST_EQ(req.method, FW_HTTP_OTHER);
    /* HTTP/1.0: no Host needed, close unless asked */
    TEST_TRUE(parse("GET / HTTP/1.0\r\n\r\n", &req) > 0);
    TEST_EQ(req.version_minor, 0);
    TEST_TRUE(!req.keep_alive);
    TEST_TRUE(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &req) > 0);
    TEST_TRUE(req.keep_alive);
    TEST_TRUE(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n", &req) > 0);
    TEST_TRUE(!req.keep_alive);
    TEST_TRUE(parse("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n\r\n", &req) > 0);
    TEST_TRUE(req.expect_continue);
    TEST_TRUE(parse("GET / HTTP/1.1\r\nHost:h\r\nX-Empty:\r\n\r\n", &req) > 0);
}

TEST_CASE(incomplete_heads_wait)
{
    TEST_EQ(status_of(""), 0);
    TEST_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\n"), 0);
    TEST_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\n\r"), 0);
    TEST_EQ(status_of("G"), 0);
}

TEST_CASE(malformed_heads_are_400)
{
    static const char *const bad[] = {
        "GET / HTTP/1.1\r\n\r\n",                           /* 1.1 without Host */
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",     /* two Hosts */
        "GET / HTTP/1.1\nHost: h\n\n",                      /* bare LF */
        "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",          /* bare CR */
        "GET /\x01 HTTP/1.1\r\nHost: h\r\n\r\n",            /* control character */
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n",    /* DEL in a value */
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  b\r\n\r\n", /* obs-fold */
        "GET / HTTP/1.1\r\nHost : h\r\n\r\n",               /* space before the colon */
        "GET / HTTP/1.1\r\n: h\r\nHost: h\r\n\r\n",         /* empty name */
        "GET / HTTP/1.1\r\nHost h\r\n\r\n",                 /* no colon */
        "GET http://x/ HTTP/1.1\r\nHost: h\r\n\r\n",        /* absolute-form */
        "GET * HTTP/1.1\r\nHost: h\r\n\r\n",                /* asterisk-form */
        "GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n",             /* fragment */
        "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",               /* two spaces */
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",               /* trailing space */
        "GET / http/1.1\r\nHost: h\r\n\r\n",                /* version case */
        "GET / HTTP/1.10\r\nHost: h\r\n\r\n",               /* version digits */
        "GET /\r\nHost: h\r\n\r\n",                         /* HTTP/0.9 style */
        " GET / HTTP/1.1\r\nHost: h\r\n\r\n",               /* leading space */
        "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",            /* leading blank line */
        "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",                /* not a token */
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01", /* a TLS ClientHello: refused before a full head */
    };
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fw_http_req req;
        int rc = fw_http_parse_head(bad[i], strlen(bad[i]), FW_HTTP_HEAD_MAX, &req);
        if (rc != -400) {
            lk_test_fail(__FILE__, __LINE__, "case %zu: got %d, want -400", i, rc);
            return;
        }
    }
}

TEST_CASE(other_refusals)
{
    static char big[FW_HTTP_HEAD_MAX + 64];
    size_t i;
    TEST_EQ(status_of("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), -505);
    TEST_EQ(status_of("GET / HTTP/0.9\r\nHost: h\r\n\r\n"), -505);
    TEST_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"), -501);
    TEST_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4294967296\r\n\r\n"), -413);
    TEST_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\r\n"), -417);
    /* a head that does not end within the limit */
    memset(big, 'a', sizeof(big));
    memcpy(big, "GET / HTTP/1.1\r\nHost: h\r\nX: ", 28);
    TEST_EQ(
        fw_http_parse_head(big, FW_HTTP_HEAD_MAX - 1, FW_HTTP_HEAD_MAX, &(struct fw_http_req){0}),
        0);
    TEST_EQ(fw_http_parse_head(big, FW_HTTP_HEAD_MAX, FW_HTTP_HEAD_MAX, &(struct fw_http_req){0}),
            -431);
    /* too many header lines */
    strcpy(big, "GET / HTTP/1.1\r\nHost: h\r\n");
    for (i = 0; i < FW_HTTP_HEADERS_MAX; i++) {
        strcat(big, "A: b\r\n");
    }
    strcat(big, "\r\n");
    TEST_EQ(status_of(big), -431);
}

TEST_CASE(response_helpers)
{
    char body[8], hdrs[40];
    struct fw_http_resp r;
    memset(&r, 0, sizeof(r));
    r.body = body;
    r.body_size = sizeof(body);
    r.hdrs = hdrs;
    r.hdrs_size = sizeof(hdrs);
    TEST_OK(fw_http_resp_write(&r, "1234", 4));
    TEST_OK(fw_http_resp_write(&r, "5678", 4));
    TEST_EQ(r.err, 0);
    TEST_EQ(fw_http_resp_write(&r, "9", 1), HAL_ENOSPC);
    TEST_EQ(r.err, HAL_ENOSPC); /* sticky: the server sends a 500, never a cut body */
    r.err = 0;
    TEST_OK(fw_http_resp_header(&r, "Location", "/x"));
    TEST_EQ(r.hdrs_len, 14);
    TEST_MEM_EQ(hdrs, "Location: /x\r\n", 14);
    /* header injection through a value is refused */
    TEST_EQ(fw_http_resp_header(&r, "Location", "/x\r\nSet-Cookie: a=b"), HAL_EINVAL);
    TEST_EQ(r.err, HAL_EINVAL);
    TEST_EQ(fw_http_resp_header(&r, "X\nY", "v"), HAL_EINVAL);
    TEST_EQ(fw_http_resp_header(&r, "X:Y", "v"), HAL_EINVAL);
    TEST_EQ(r.hdrs_len, 14);
    TEST_EQ(fw_http_resp_header(&r, "X-Long", "0123456789012345678901234"), HAL_ENOSPC);
    TEST_STR_EQ(fw_http_reason(404), "Not Found");
    TEST_STR_EQ(fw_http_reason(431), "Request Header Fields Too Large");
    TEST_STR_EQ(fw_http_reason(299), "");
}

TEST_CASE(json_writer)
{
    char buf[128];
    struct fw_json j;
    size_t len = 0;
    fw_json_init(&j, buf, sizeof(buf));
    fw_json_obj_begin(&j, NULL);
    fw_json_str(&j, "s", "a\"b\\c\n\x01");
    fw_json_int(&j, "neg", INT64_MIN);
    fw_json_uint(&j, "u", 0);
    fw_json_bool(&j, "t", true);
    fw_json_null(&j, "n");
    fw_json_str(&j, "ns", NULL);
    fw_json_arr_begin(&j, "a");
    fw_json_int(&j, NULL, 1);
    fw_json_obj_begin(&j, NULL);
    fw_json_obj_end(&j);
    fw_json_arr_end(&j);
    fw_json_obj_end(&j);
    TEST_OK(fw_json_finish(&j, &len));
    buf[len] = '\0';
    TEST_STR_EQ(buf, "{\"s\":\"a\\\"b\\\\c\\u000a\\u0001\",\"neg\":-9223372036854775808,\"u\":0,"
                     "\"t\":true,\"n\":null,\"ns\":null,\"a\":[1,{}]}");
    /* overflow is sticky */
    fw_json_init(&j, buf, 10);
    fw_json_obj_begin(&j, NULL);
    fw_json_str(&j, "key", "a long value");
    fw_json_obj_end(&j);
    TEST_EQ(fw_json_finish(&j, &len), HAL_ENOSPC);
    /* unbalanced */
    fw_json_init(&j, buf, sizeof(buf));
    fw_json_obj_begin(&j, NULL);
    TEST_EQ(fw_json_finish(&j, &len), HAL_EINVAL);
    fw_json_init(&j, buf, sizeof(buf));
    fw_json_obj_end(&j);
    TEST_EQ(fw_json_finish(&j, &len), HAL_EINVAL);
}

/* Body bytes that arrive in the same read as the head are not head bytes: an XML upload
 * with bare LFs, or binary, must not make the head a 400. The head itself stays strict. */
TEST_CASE(body_bytes_after_the_head_are_not_checked)
{
    static const char in[] = "POST /api/v1/sso/import HTTP/1.1\r\nHost: h\r\n"
                             "Content-Type: application/xml\r\nContent-Length: 12\r\n\r\n"
                             "<a>\n\x01\x7f</a>\n";
    static const char bad[] = "POST / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n<a>\n</a>";
    struct fw_http_req req;
    int n = parse(in, &req);
    TEST_EQ(n, (int)(strstr(in, "<a>") - in));
    TEST_EQ(req.content_length, 12);
    TEST_EQ(parse(bad, &req), -400);
    /* a partial head is still checked as it arrives */
    TEST_EQ(parse("POST / HTTP/1.1\r\nHost: h\n", &req), -400);
}

static const struct lk_test_case cases[] = {
    LK_CASE(body_bytes_after_the_head_are_not_checked),
    LK_CASE(simple_get),
    LK_CASE(methods_and_versions),
    LK_CASE(incomplete_heads_wait),
    LK_CASE(malformed_heads_are_400),
    LK_CASE(other_refusals),
    LK_CASE(response_helpers),
    LK_CASE(json_writer),
};

TEST_MAIN(cases)
