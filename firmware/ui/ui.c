/* The admin UI's embedded files: see ui.h. */
#include "ui/ui.h"

#include <stdbool.h>
#include <string.h>

#include "hal/hal_err.h"

/*
 * default-src 'self' without 'unsafe-inline' or 'unsafe-eval': an injected <script> or
 * inline handler (stored XSS through a provider name, an audit detail) does not run, and
 * nothing loads from another origin. frame-ancestors 'none' stops clickjacking of the
 * settings form (with X-Frame-Options: DENY for older browsers); form-action 'self' keeps a
 * tampered form from posting credentials elsewhere; base-uri 'none' stops <base> tricks.
 */
static const char csp[] = "default-src 'self'; object-src 'none'; base-uri 'none'; "
                          "form-action 'self'; frame-ancestors 'none'";

static const char static_prefix[] = "/ui/static/";

static const char not_found[] = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                                "<title>Not found</title></head><body><h1>Not found</h1>"
                                "<p>There is no such page on this device. "
                                "<a href=\"/\">Dashboard</a></p></body></html>\n";

static const char no_gzip[] = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                              "<title>Not acceptable</title></head><body><h1>Not acceptable</h1>"
                              "<p>This device serves its pages gzip-compressed only; use a "
                              "browser.</p></body></html>\n";

/* Does an Accept-Encoding value list gzip? (Case-insensitive token search; a q=0 refusal
 * is not honoured specially: no browser sends it for gzip.) */
static bool accepts_gzip(const struct fw_http_req *req)
{
    struct fw_http_str v;
    size_t i;
    if (!fw_http_req_header(req, "Accept-Encoding", &v)) {
        return false;
    }
    for (i = 0; i + 4 <= v.len; i++) {
        if ((v.p[i] | 0x20) == 'g' && (v.p[i + 1] | 0x20) == 'z' && (v.p[i + 2] | 0x20) == 'i' &&
            (v.p[i + 3] | 0x20) == 'p') {
            return true;
        }
    }
    return false;
}

const struct fw_asset *fw_ui_find(const char *path, size_t len)
{
    size_t i;
    if (path == NULL) {
        return NULL;
    }
    for (i = 0; i < fw_ui_assets_count; i++) {
        const struct fw_asset *a = &fw_ui_assets[i];
        if (strlen(a->path) == len && memcmp(a->path, path, len) == 0) {
            return a;
        }
    }
    return NULL;
}

const char *fw_ui_cache_control(const struct fw_asset *a)
{
    /* Only a URL that names its content's hash may be kept: a new firmware gives new
     * names, so no browser ever runs an old script against a new API. */
    if (a != NULL && strncmp(a->path, static_prefix, sizeof(static_prefix) - 1) == 0) {
        return "public, max-age=31536000, immutable";
    }
    return NULL;
}

int fw_ui_security_headers(struct fw_http_resp *resp)
{
    int rc = fw_http_resp_header(resp, "Content-Security-Policy", csp);
    if (rc == HAL_OK) {
        rc = fw_http_resp_header(resp, "Referrer-Policy", "no-referrer");
    }
    return rc;
}

void fw_ui_handler(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx)
{
    const struct fw_asset *a = fw_ui_find(req->path.p, req->path.len);
    (void)ctx;
    if (fw_ui_security_headers(resp) != HAL_OK) {
        return; /* resp->err is set: the server answers 500 */
    }
    if (a == NULL) {
        fw_http_resp_set(resp, 404, "text/html; charset=utf-8");
        fw_http_resp_static(resp, not_found, sizeof(not_found) - 1);
        return;
    }
    if (!accepts_gzip(req)) {
        /* The image holds only the compressed copy: a client that cannot take gzip is
         * told so, never sent bytes it did not ask for. */
        fw_http_resp_set(resp, 406, "text/html; charset=utf-8");
        fw_http_resp_static(resp, no_gzip, sizeof(no_gzip) - 1);
        return;
    }
    fw_http_resp_set(resp, 200, a->content_type);
    resp->cache_control = fw_ui_cache_control(a);
    (void)fw_http_resp_header(resp, "Content-Encoding", "gzip");
    fw_http_resp_static(resp, a->gz, a->gz_len);
}

size_t fw_ui_total_gz(void)
{
    size_t i, n = 0;
    for (i = 0; i < fw_ui_assets_count; i++) {
        n += fw_ui_assets[i].gz_len;
    }
    return n;
}
