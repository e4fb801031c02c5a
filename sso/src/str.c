/* String views. */
#include "sso/str.h"

#include <string.h>

#include "sso/err.h"

struct sso_str sso_str_c(const char *s)
{
    struct sso_str v = {s ? s : "", s ? strlen(s) : 0};
    return v;
}

bool sso_str_eq(struct sso_str a, const char *s)
{
    size_t n = strlen(s);
    return a.len == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

bool sso_str_eqv(struct sso_str a, struct sso_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool sso_str_is_blank(struct sso_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != '\n' && s.p[i] != '\r') {
            return false;
        }
    }
    return true;
}

int sso_str_copy(char *out, size_t out_size, struct sso_str s)
{
    if (out_size == 0) {
        return SSO_E_NOSPC;
    }
    if (s.len >= out_size) {
        out[0] = '\0';
        return SSO_E_NOSPC;
    }
    if (s.len) {
        memcpy(out, s.p, s.len);
    }
    out[s.len] = '\0';
    return SSO_OK;
}
