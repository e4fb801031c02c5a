/* The route table of the firmware's HTTP listeners: see api.h and docs/API.md. */
#include "api/api.h"
#include "api/handlers.h"
#include "ui/ui.h"

/* Body limits: what the largest valid request needs, no more (the server refuses a
 * bigger Content-Length with 413 before reading any of it). */
#define SMALL  1024u
#define MEDIUM 16384u

static const struct fw_http_route routes[] = {
    {FW_HTTP_GET, "/api/v1/status", false, 0, fw_api_status, NULL},
    {FW_HTTP_POST, "/api/v1/login", false, SMALL, fw_api_login, NULL},
    {FW_HTTP_POST, "/api/v1/logout", false, SMALL, fw_api_logout, NULL},
    {FW_HTTP_POST, "/api/v1/password", false, SMALL, fw_api_password, NULL},
    {FW_HTTP_GET, "/api/v1/sso", false, 0, fw_api_sso_get, NULL},
    {FW_HTTP_PUT, "/api/v1/sso", false, 8192, fw_api_sso_put, NULL},
    {FW_HTTP_PUT, "/api/v1/sso/idp", false, MEDIUM, fw_api_sso_idp_put, NULL},
    {FW_HTTP_POST, "/api/v1/sso/import", false, FW_HTTP_BODY_MAX, fw_api_sso_import, NULL},
    {FW_HTTP_GET, "/api/v1/sso/import", false, 0, fw_api_sso_import_get, NULL},
    {FW_HTTP_POST, "/api/v1/sso/enable", false, SMALL, fw_api_sso_enable, NULL},
    {FW_HTTP_GET, "/api/v1/trust", false, 0, fw_api_trust_get, NULL},
    {FW_HTTP_POST, "/api/v1/trust", false, MEDIUM, fw_api_trust_post, NULL},
    {FW_HTTP_DELETE, "/api/v1/trust/", true, 0, fw_api_trust_delete, NULL},
    {FW_HTTP_GET, "/api/v1/audit", false, 0, fw_api_audit, NULL},
    {FW_HTTP_GET, "/api/v1/sessions", false, 0, fw_api_sessions, NULL},
    {FW_HTTP_DELETE, "/api/v1/sessions/", true, 0, fw_api_session_delete, NULL},
    {FW_HTTP_POST, "/api/v1/device/cert", false, MEDIUM, fw_api_device_cert, NULL},
    {FW_HTTP_GET, "/api/v1/device/cert", false, 0, fw_api_device_cert_get, NULL},
    {FW_HTTP_GET, "/sso/", true, 0, fw_sso_get, NULL},
    {FW_HTTP_POST, "/sso/", true, FW_HTTP_BODY_MAX, fw_sso_post, NULL},
    {FW_HTTP_GET, "/logout", false, 0, fw_sso_logout_any, NULL},
    /* The admin UI (firmware/ui/): strict CSP, Referrer-Policy, the content-hashed static
     * files cached for good, an HTML 404 for unknown page paths. */
    {FW_HTTP_GET, "/", false, 0, fw_ui_handler, NULL},
    {FW_HTTP_GET, "/login", false, 0, fw_ui_handler, NULL},
    {FW_HTTP_GET, "/ui/", true, 0, fw_ui_handler, NULL},
};

const struct fw_http_route *fw_api_routes(size_t *count)
{
    *count = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
