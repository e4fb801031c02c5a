/**
 * @file status.h
 * @brief GET /api/v1/status: what the device is and how it is doing, as JSON.
 *
 * {"version":"0.1.0","board":"host","hostname":"latchkey","uptime_s":12,
 *  "ip":"10.0.2.15"|null,"time_synced":true,"time_source":"rtc"|"sntp"|"none",
 *  "utc":1767225600|null,"free_heap":12345}
 *
 * free_heap = the sso/alloc.h budget left (limit - current) + lwIP's heap left
 * (MEM_SIZE - used). The console's `status` prints the same document.
 *
 * Over HTTP (fw_status_json_req) the document also carries "sso" (what the login page
 * needs) and, for a client with a valid session cookie, "session" (docs/API.md).
 */
#ifndef FW_STATUS_H
#define FW_STATUS_H

#include <stddef.h>

#include "http/http.h"

/** Write the status document into @p buf. @return HAL_OK or HAL_ENOSPC. */
int fw_status_json(char *buf, size_t size, size_t *len);

/** The document for @p req (NULL: the console's, without sso and session). */
int fw_status_json_req(const struct fw_http_req *req, char *buf, size_t size, size_t *len);

#endif /* FW_STATUS_H */
