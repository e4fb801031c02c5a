/**
 * @file ui.h
 * @brief The admin web UI's files, embedded in the image gzip-compressed, and an HTTP
 *        handler that serves them with their cache policy and security headers.
 *
 * Model: firmware/ui/www/ holds plain HTML, one stylesheet and one script (no inline code:
 * the pages run under a Content-Security-Policy without 'unsafe-inline'). At build time
 * gen_assets.py compresses each file (gzip -9, deterministic) into a const table,
 * fw_ui_assets[], that lives in flash; nothing is copied to RAM to serve it. The pages
 * talk to the device through the JSON API only (/api/v1/...), so this module has no state.
 *
 * Paths: "/" (dashboard), "/login", "/ui/sso", "/ui/audit", "/ui/sessions", and the shared
 * files "/ui/static/<name>.<hash>.<ext>". The static files carry a content hash in their URL
 * and may be cached for good (fw_ui_cache_control()); the pages are never stored, so that
 * they always name the current hashes.
 *
 * The route table (firmware/api/routes.c) sends GET "/", "/login" and "/ui/..." to
 * fw_ui_handler().
 *
 * Bounds: the table is fixed at build time; lookups compare length and bytes.
 */
#ifndef FW_UI_H
#define FW_UI_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

struct fw_asset {
    const char *path;         /**< "/login" */
    const char *content_type; /**< "text/html; charset=utf-8" */
    const uint8_t *gz;        /**< gzip bytes (program lifetime) */
    size_t gz_len;
};

/** The asset for @p path (@p len bytes, not NUL-terminated), or NULL. */
const struct fw_asset *fw_ui_find(const char *path, size_t len);

/** The generated table (ui_assets.c in the build tree), its length, and each file's size
 *  before compression (same order; for reports and tests). */
extern const struct fw_asset fw_ui_assets[];
extern const size_t fw_ui_assets_count;
extern const uint32_t fw_ui_assets_raw_len[];

/** The stylesheet's current URL ("/ui/static/app.<hash>.css"), for HTML the firmware
 *  writes itself (the ACS failure page): with <body class="login-page"> and
 *  <main class="login-box"> such a page looks like the sign-in page. */
extern const char fw_ui_css_path[];

/** Cache-Control for @p a: "public, max-age=31536000, immutable" for the content-hashed
 *  /ui/static/ files, NULL (the server's no-store) for the pages. */
const char *fw_ui_cache_control(const struct fw_asset *a);

/**
 * The Content-Security-Policy the pages are written for (no 'unsafe-inline', nothing from
 * another origin, no framing, no <base>, forms post only here), and Referrer-Policy:
 * no-referrer (the SAML URLs on a page never leak to another site). The HTTP server
 * already sends X-Frame-Options: DENY and X-Content-Type-Options: nosniff on every
 * response. Any HTML the firmware writes itself (the ACS failure page) should carry these
 * too.
 * @return 0, or the fw_http_resp_header() error (also sticky in @p resp->err).
 */
int fw_ui_security_headers(struct fw_http_resp *resp);

/**
 * A complete route handler for GET (and HEAD) of "/", "/login" and "/ui/...": the asset
 * with Content-Encoding: gzip (the device has no room for uncompressed copies; every
 * browser accepts gzip), its content type, cache policy and security headers; an unknown
 * path gets a small HTML 404 page with the same headers, and a client whose
 * Accept-Encoding does not list gzip a 406 page.
 */
void fw_ui_handler(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx);

/** Total gzip-compressed bytes of the UI in the image. */
size_t fw_ui_total_gz(void);

#endif /* FW_UI_H */
