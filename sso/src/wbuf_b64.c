/* Base64 output for the binding encoders (see wbuf_priv.h). Its own file so that users of
 * the writer that never emit base64 (url.c) do not pull in the base64 module. */
#include <stdint.h>

#include "sso/b64.h"
#include "sso/err.h"
#include "wbuf_priv.h"

void sso_wbuf_b64(struct sso_wbuf *b, const uint8_t *s, size_t n)
{
    size_t enc, written = 0;
    if (n > (SIZE_MAX / 4 - 1) * 3) {
        sso_wbuf_fail(b, SSO_E_NOSPC);
        return;
    }
    enc = SSO_B64_ENCODED_LEN(n);
    if (b->p != NULL && enc < SIZE_MAX - b->len && b->len + enc < b->size) {
        /* Fits with room for its NUL, which the next put or finish overwrites. */
        int rc = sso_b64_encode(s, n, b->p + b->len, b->size - b->len, &written);
        if (rc != SSO_OK || written != enc) {
            sso_wbuf_fail(b, rc != SSO_OK ? rc : SSO_E_INTERNAL);
            return;
        }
        b->len += enc;
    } else {
        if (enc > SIZE_MAX - 1 - b->len) {
            sso_wbuf_fail(b, SSO_E_NOSPC);
            return;
        }
        b->len += enc;
    }
}
