/**
 * @file api.h
 * @brief The firmware's HTTP routes: the admin JSON API under /api/v1/ (docs/API.md),
 *        the SSO endpoints under /sso/<short>/ (firmware/sso/), and the admin UI's
 *        pages (firmware/ui/ui.h, fw_ui_handler). One table, shared by every listener.
 */
#ifndef FW_API_H
#define FW_API_H

#include <stddef.h>

#include "http/http.h"

/** The route table (program lifetime). */
const struct fw_http_route *fw_api_routes(size_t *count);

#endif /* FW_API_H */
