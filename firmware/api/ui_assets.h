/**
 * @file ui_assets.h
 * @brief The interface between the HTTP routes and the embedded admin UI.
 *
 * The UI (firmware/ui/, its own build step) implements fw_ui_find(): given a request
 * path ("/", "/login", "/ui/app.js"), it returns the embedded file, gzip-compressed,
 * with its content type, or NULL. The routes serve it with Content-Encoding: gzip to
 * clients that accept it (every browser) and answer 406 otherwise.
 *
 * Build contract: if firmware/ui/ui.cmake exists, firmware/CMakeLists.txt includes it and
 * it appends its sources (which define fw_ui_find) to LK_UI_SOURCES; otherwise
 * firmware/api/ui_assets_stub.c (no files at all) is linked instead.
 */
#ifndef FW_UI_ASSETS_H
#define FW_UI_ASSETS_H

#include <stddef.h>
#include <stdint.h>

struct fw_asset {
    const char *path;         /**< "/login" */
    const char *content_type; /**< "text/html; charset=utf-8" */
    const uint8_t *gz;        /**< gzip bytes (program lifetime) */
    size_t gz_len;
};

/** The asset for @p path (@p len bytes, not NUL-terminated), or NULL. */
const struct fw_asset *fw_ui_find(const char *path, size_t len);

#endif /* FW_UI_ASSETS_H */
