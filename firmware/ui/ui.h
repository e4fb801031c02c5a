/**
 * @file ui.h
 * @brief The admin web UI's files, embedded in the image gzip-compressed, and the HTTP
 *        handler that serves them.
 *
 * Model: firmware/ui/www/ holds plain HTML, one stylesheet and one script (no inline code:
 * the pages run under a Content-Security-Policy without 'unsafe-inline'). At build time
 * gen_assets.py compresses each file (gzip -9, deterministic) into a const table,
 * fw_ui_assets[], that lives in flash; nothing is copied to RAM to serve it. Pages talk to
 * the device through the JSON API only (/api/v1/...), so this module has no state.
 *
 * Caching: files under /static/ carry a content hash in their URL and are served as
 * immutable for a year; the pages are never stored (they name the current hashes). Every
 * response carries the security headers of fw_ui_security_headers().
 *
 * Bounds: the table is fixed at build time; paths are compared by length and bytes.
 */
#ifndef FW_UI_H
#define FW_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

/** One embedded file. Static storage (flash). */
struct fw_asset {
    const char *path; /**< URL path: "/", "/login", "/static/app.<hash>.js" */
    size_t path_len;
    const char *content_type; /**< "text/html; charset=utf-8", ... */
    const uint8_t *gz;        /**< the gzip-compressed file */
    uint32_t gz_len;
    uint32_t raw_len; /**< uncompressed size (reports, tests) */
    bool immutable;   /**< content-hashed URL: cacheable for good */
};

/** The generated table (ui_assets.c in the build tree) and its length. */
extern const struct fw_asset fw_ui_assets[];
extern const size_t fw_ui_assets_count;

/** The asset at URL path @p path (@p len bytes, no query), or NULL. */
const struct fw_asset *fw_ui_find(const char *path, size_t len);

/**
 * The Content-Security-Policy the pages are written for (no 'unsafe-inline', nothing from
 * another origin, no framing), and Referrer-Policy: no-referrer. The HTTP server already
 * sends X-Frame-Options: DENY and X-Content-Type-Options: nosniff on every response.
 * Any HTML the firmware writes itself (the ACS failure page) should carry these too.
 * @return 0, or the fw_http_resp_header() error (also sticky in @p resp->err).
 */
int fw_ui_security_headers(struct fw_http_resp *resp);

/**
 * Route handler for GET (and HEAD) of the UI: register it last, as a "/" prefix route,
 * after the API and SSO routes. Serves the asset with Content-Encoding: gzip (the device
 * has no room for uncompressed copies; every browser accepts gzip), its content type,
 * cache policy and security headers; an unknown path gets a small 404 page.
 */
void fw_ui_handler(const struct fw_http_req *req, struct fw_http_resp *resp, void *ctx);

/** Total gzip-compressed bytes of the UI in the image. */
size_t fw_ui_total_gz(void);

#endif /* FW_UI_H */
