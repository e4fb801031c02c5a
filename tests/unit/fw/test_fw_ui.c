/* The admin UI's embedded files and handler (firmware/ui/ui.c + the generated table):
 * lookup, gzip framing, cache policy, security headers, and that the worst-case response
 * head fits the HTTP server's head space. tests/integration/ui_assets.py checks the same
 * files over the wire against the sources. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "http/http.h"
#include "ui/ui.h"

static const char *const pages[] = {"/", "/login", "/ui/sso", "/ui/audit", "/ui/sessions"};

static char body[FW_HTTP_BODY_OUT_MAX];
static char hdrs[FW_HTTP_EXTRA_HDRS_MAX];

static void resp_init(struct fw_http_resp *r)
{
    memset(r, 0, sizeof(*r));
    r->status = 200;
    r->content_type = "application/json";
    r->body = body;
    r->body_size = sizeof(body);
    r->hdrs = hdrs;
    r->hdrs_size = sizeof(hdrs);
}

/* GET @p path with the given Accept-Encoding header (NULL: none). */
static void get_ae(const char *path, const char *ae, struct fw_http_resp *r)
{
    static char head[512];
    struct fw_http_req req;
    int n = snprintf(head, sizeof(head), "GET %s HTTP/1.1\r\nHost: lk.test\r\n%s%s%s\r\n", path,
                     ae != NULL ? "Accept-Encoding: " : "", ae != NULL ? ae : "",
                     ae != NULL ? "\r\n" : "");
    memset(&req, 0, sizeof(req));
    req.method = FW_HTTP_GET;
    req.path.p = path;
    req.path.len = strlen(path);
    req.target = req.path;
    req.head = head;
    req.head_len = n > 0 ? (size_t)n : 0;
    resp_init(r);
    fw_ui_handler(&req, r, NULL);
}

/* As a browser asks. */
static void get(const char *path, struct fw_http_resp *r)
{
    get_ae(path, "gzip, deflate, br", r);
}

static int has_header(const struct fw_http_resp *r, const char *line)
{
    size_t n = strlen(line);
    const char *p = r->hdrs;
    const char *end = r->hdrs + r->hdrs_len;
    while (p < end) {
        const char *eol = strstr(p, "\r\n");
        if (eol == NULL || eol > end) {
            return 0;
        }
        if ((size_t)(eol - p) == n && memcmp(p, line, n) == 0) {
            return 1;
        }
        p = eol + 2;
    }
    return 0;
}

static const struct fw_asset *asset_with_prefix(const char *prefix)
{
    for (size_t i = 0; i < fw_ui_assets_count; i++) {
        if (strncmp(fw_ui_assets[i].path, prefix, strlen(prefix)) == 0) {
            return &fw_ui_assets[i];
        }
    }
    return NULL;
}

TEST_CASE(find_pages)
{
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        const struct fw_asset *a = fw_ui_find(pages[i], strlen(pages[i]));
        TEST_TRUE(a != NULL);
        TEST_STR_EQ(a->path, pages[i]);
        TEST_STR_EQ(a->content_type, "text/html; charset=utf-8");
        TEST_TRUE(fw_ui_cache_control(a) == NULL); /* pages: never stored */
    }
    /* exact match only: no prefix, no case folding, no trailing slash, no NUL games */
    TEST_TRUE(fw_ui_find("/nope", 5) == NULL);
    TEST_TRUE(fw_ui_find("/login/", 7) == NULL);
    TEST_TRUE(fw_ui_find("/LOGIN", 6) == NULL);
    TEST_TRUE(fw_ui_find("/log", 4) == NULL);
    TEST_TRUE(fw_ui_find("/login\0x", 8) == NULL);
    TEST_TRUE(fw_ui_find("", 0) == NULL);
    TEST_TRUE(fw_ui_find(NULL, 0) == NULL);
    TEST_TRUE(fw_ui_find("/login", 5) == NULL); /* the length counts, not the NUL */
}

TEST_CASE(gzip_framing)
{
    size_t total = 0;
    TEST_TRUE(fw_ui_assets_count >= 8);
    for (size_t i = 0; i < fw_ui_assets_count; i++) {
        const struct fw_asset *a = &fw_ui_assets[i];
        const uint8_t *t = a->gz + a->gz_len - 4;
        uint32_t isize =
            (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
        TEST_TRUE(a->gz_len > 18);
        /* RFC 1952: magic, deflate, no flags (no file name), mtime 0 (reproducible) */
        TEST_EQ(a->gz[0], 0x1f);
        TEST_EQ(a->gz[1], 0x8b);
        TEST_EQ(a->gz[2], 8);
        TEST_EQ(a->gz[3], 0);
        TEST_EQ(a->gz[4] | a->gz[5] | a->gz[6] | a->gz[7], 0);
        TEST_EQ(isize, fw_ui_assets_raw_len[i]);        /* the trailer's size is the source's */
        TEST_TRUE(a->gz_len < fw_ui_assets_raw_len[i]); /* compression pays for every file */
        TEST_TRUE(fw_ui_find(a->path, strlen(a->path)) == a);
        total += a->gz_len;
    }
    TEST_EQ(fw_ui_total_gz(), total);
    printf("admin UI: %lu bytes gzip-compressed in %lu files\n", (unsigned long)total,
           (unsigned long)fw_ui_assets_count);
}

TEST_CASE(static_files_hashed_and_immutable)
{
    static const char *const kinds[] = {"/ui/static/app.", "/ui/static/favicon."};
    for (size_t k = 0; k < 2; k++) {
        const struct fw_asset *a = asset_with_prefix(kinds[k]);
        TEST_TRUE(a != NULL);
        TEST_STR_EQ(fw_ui_cache_control(a), "public, max-age=31536000, immutable");
        /* /ui/static/app.<10 hex>.css */
        const char *h = a->path + strlen(kinds[k]);
        for (int i = 0; i < 10; i++) {
            TEST_TRUE(strchr("0123456789abcdef", h[i]) != NULL);
        }
        TEST_EQ(h[10], '.');
    }
    /* the stylesheet's URL for the firmware's own pages names the served file */
    TEST_TRUE(fw_ui_find(fw_ui_css_path, strlen(fw_ui_css_path)) != NULL);
    TEST_TRUE(strncmp(fw_ui_css_path, "/ui/static/app.", 15) == 0);
    /* the plain name is not served: a stale page could not get a mismatched file */
    TEST_TRUE(fw_ui_find("/ui/static/app.js", 17) == NULL);
    TEST_TRUE(fw_ui_find("/ui/static/app.css", 18) == NULL);
}

TEST_CASE(handler_page)
{
    struct fw_http_resp r;
    const struct fw_asset *a = fw_ui_find("/ui/sso", 7);
    get("/ui/sso", &r);
    TEST_EQ(r.err, 0);
    TEST_EQ(r.status, 200);
    TEST_STR_EQ(r.content_type, "text/html; charset=utf-8");
    TEST_TRUE(r.static_body == a->gz);
    TEST_EQ(r.static_len, a->gz_len);
    TEST_EQ(r.body_len, 0);
    TEST_TRUE(r.cache_control == NULL); /* the server default: no-store */
    TEST_TRUE(has_header(&r, "Content-Encoding: gzip"));
    TEST_TRUE(has_header(&r, "Referrer-Policy: no-referrer"));
    TEST_TRUE(has_header(&r, "Content-Security-Policy: default-src 'self'; object-src 'none'; "
                             "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"));
    TEST_TRUE(strstr(r.hdrs, "unsafe-inline") == NULL);
    TEST_TRUE(strstr(r.hdrs, "unsafe-eval") == NULL);
}

TEST_CASE(handler_static)
{
    struct fw_http_resp r;
    const struct fw_asset *a = asset_with_prefix("/ui/static/app.");
    get(a->path, &r);
    TEST_EQ(r.err, 0);
    TEST_EQ(r.status, 200);
    TEST_STR_EQ(r.cache_control, "public, max-age=31536000, immutable");
    TEST_TRUE(has_header(&r, "Content-Encoding: gzip"));
    TEST_TRUE(r.static_body == a->gz);
}

TEST_CASE(handler_not_found)
{
    struct fw_http_resp r;
    get("/ui/static/app.0000000000.js", &r);
    TEST_EQ(r.err, 0);
    TEST_EQ(r.status, 404);
    TEST_STR_EQ(r.content_type, "text/html; charset=utf-8");
    TEST_TRUE(r.cache_control == NULL);                   /* the server's default, no-store */
    TEST_TRUE(!has_header(&r, "Content-Encoding: gzip")); /* the 404 page is plain */
    TEST_TRUE(has_header(&r, "Referrer-Policy: no-referrer"));
    TEST_TRUE(r.static_len > 0 && memcmp(r.static_body, "<!doctype html>", 15) == 0);
}

/* No gzip in Accept-Encoding: 406 with a plain page, never gzip bytes unasked for. */
TEST_CASE(handler_without_gzip_is_406)
{
    static const char *const aes[] = {NULL, "identity", "deflate, br", ""};
    struct fw_http_resp r;
    for (size_t i = 0; i < sizeof(aes) / sizeof(aes[0]); i++) {
        get_ae("/login", aes[i], &r);
        TEST_EQ(r.err, 0);
        TEST_EQ(r.status, 406);
        TEST_STR_EQ(r.content_type, "text/html; charset=utf-8");
        TEST_TRUE(!has_header(&r, "Content-Encoding: gzip"));
        TEST_TRUE(has_header(&r, "Referrer-Policy: no-referrer"));
        TEST_TRUE(r.static_len > 0 && memcmp(r.static_body, "<!doctype html>", 15) == 0);
    }
    /* any case, any position */
    get_ae("/login", "br, GZip;q=1.0", &r);
    TEST_EQ(r.status, 200);
    TEST_TRUE(has_header(&r, "Content-Encoding: gzip"));
}

/* The server lays out status line, its fixed headers and the extra headers in
 * FW_HTTP_RESP_HEAD_MAX bytes (http_server.c resp_commit); too long is a 500. The longest
 * UI response head must fit with room for a large Content-Length. */
TEST_CASE(head_fits)
{
    size_t worst = 0;
    for (size_t i = 0; i < fw_ui_assets_count; i++) {
        struct fw_http_resp r;
        static char head[1024]; /* off the small target stack */
        get(fw_ui_assets[i].path, &r);
        TEST_EQ(r.err, 0);
        int n =
            snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %lu\r\n"
                     "Connection: %s\r\nCache-Control: %s\r\n"
                     "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n%.*s\r\n",
                     r.status, "Internal Server Error", r.content_type, 4294967295ul, "keep-alive",
                     r.cache_control ? r.cache_control : "no-store", (int)r.hdrs_len, r.hdrs);
        TEST_TRUE(n > 0);
        if ((size_t)n > worst) {
            worst = (size_t)n;
        }
    }
    printf("longest UI response head: %lu of %d bytes\n", (unsigned long)worst,
           FW_HTTP_RESP_HEAD_MAX);
    TEST_TRUE(worst < FW_HTTP_RESP_HEAD_MAX);
}

/* fw_ui_security_headers on a full header buffer fails closed (500), never half-written. */
TEST_CASE(security_headers_no_room)
{
    struct fw_http_resp r;
    resp_init(&r);
    r.hdrs_size = 40;
    TEST_TRUE(fw_ui_security_headers(&r) != 0);
    TEST_TRUE(r.err != 0);
}

static const struct lk_test_case cases[] = {
    LK_CASE(find_pages),
    LK_CASE(gzip_framing),
    LK_CASE(static_files_hashed_and_immutable),
    LK_CASE(handler_page),
    LK_CASE(handler_static),
    LK_CASE(handler_not_found),
    LK_CASE(handler_without_gzip_is_406),
    LK_CASE(head_fits),
    LK_CASE(security_headers_no_room),
};

TEST_MAIN(cases)
