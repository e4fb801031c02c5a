/**
 * @file http_msg.h
 * @brief Internal to firmware/http: the request-head parser. Pure (no lwIP, no I/O) so
 *        that unit tests and the fuzzer drive it directly.
 */
#ifndef FW_HTTP_MSG_H
#define FW_HTTP_MSG_H

#include <stddef.h>

#include "http/http.h"

/**
 * @brief Parse a request head from the first @p len bytes of @p buf.
 *
 * Strict HTTP/1.1 (RFC 9112): CRLF line ends only; request-target in origin-form; no
 * obs-fold; no whitespace before a header's colon; header values of visible characters,
 * SP, HTAB and obs-text; one Host (required for HTTP/1.1); one Content-Length of digits
 * only; no Transfer-Encoding. Each of these refusals stops a request-smuggling or
 * header-injection trick, or a parser differential with a proxy in front.
 *
 * @param max  the head limit: without a complete head in @p max bytes, the answer is 431.
 * @return the head length (> 0, up to and including the blank line) with @p req filled
 *         (views into @p buf; body unset), 0 if the head is incomplete but valid so far,
 *         or minus the HTTP status to answer: -400, -413 (Content-Length over 32 bits),
 *         -417 (Expect other than 100-continue), -431 (head or header count over the
 *         limit), -501 (Transfer-Encoding), -505 (HTTP version other than 1.x).
 */
int fw_http_parse_head(const char *buf, size_t len, size_t max, struct fw_http_req *req);

#endif /* FW_HTTP_MSG_H */
