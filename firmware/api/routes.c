/* The route table of the firmware's HTTP listeners: see api.h and docs/API.md. */
#include <stdbool.h>
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "api/ui_assets.h"

/* Body limits: what the largest valid request needs, no more (the server refuses a
 * bigger Content-Length with 413 before reading any of it). */
#define SMALL  1024u
#define MEDIUM 16384u

/* Does an Accept-Encoding value list gzip? (Case-insensitive token search; a q=0
 * refusal is not honoured specially: no browser sends it for gzip.) */
static bool accepts_gzip(struct fw_http_str v)
{
    size_t i;
    for (i = 0; i + 4 <= v.len; i++) {
        if ((v.p[i] | 0x20) == 'g' && (v.p[i + 1] | 0x20) == 'z' && (v.p[i + 2] | 0x20) == 'i' &&
            (v.p[i + 3] | 0x20) == 'p') {
            return true;
        }
    }
    return false;
}

/* GET /, /login, /ui/...: the embedded pages (gzip). */
void fw_ui_route(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx)
{
    const struct fw_asset *a = fw_ui_find(req->path.p, req->path.len);
    struct fw_http_str ae;
    (void)ctx;
    if (a == NULL) {
        fw_http_resp_set(r, 404, "application/json");
        (void)fw_http_resp_write(r, "{\"error\":\"not_found\",\"detail\":\"No such page.\"}", 46);
        return;
    }
    /* Every browser accepts gzip; a client that does not gets told, not garbage. */
    if (!fw_http_req_header(req, "Accept-Encoding", &ae) || !accepts_gzip(ae)) {
        fw_http_resp_set(r, 406, "application/json");
        (void)fw_http_resp_write(
            r, "{\"error\":\"not_acceptable\",\"detail\":\"Pages are served gzip-encoded.\"}", 68);
        return;
    }
    fw_http_resp_set(r, 200, a->content_type);
    (void)fw_http_resp_header(r, "Content-Encoding", "gzip");
    (void)fw_http_resp_header(r, "Content-Security-Policy",
                              "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
    fw_http_resp_static(r, a->gz, a->gz_len);
}

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
    {FW_HTTP_GET, "/", false, 0, fw_ui_route, NULL},
    {FW_HTTP_GET, "/login", false, 0, fw_ui_route, NULL},
    {FW_HTTP_GET, "/ui/", true, 0, fw_ui_route, NULL},
};

const struct fw_http_route *fw_api_routes(size_t *count)
{
    *count = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
