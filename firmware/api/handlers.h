/**
 * @file handlers.h
 * @brief Route handlers of firmware/api and firmware/sso (the table is in routes.c).
 *        docs/API.md documents each one.
 */
#ifndef FW_API_HANDLERS_H
#define FW_API_HANDLERS_H

#include "http/http.h"

void fw_api_status(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_login(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_logout(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_password(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_sso_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_sso_put(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_sso_idp_put(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_sso_import(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_sso_import_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_sso_enable(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_trust_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_trust_post(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_trust_delete(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_audit(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_sessions(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_session_delete(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_device_cert(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_api_device_cert_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);

/* firmware/sso: /sso/<short>/{login,acs,metadata,logout} and /logout */
void fw_sso_get(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_sso_post(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);
void fw_sso_logout_any(const struct fw_http_req *req, struct fw_http_resp *r, void *ctx);

#endif /* FW_API_HANDLERS_H */
