/* Admin sessions: see sessions.h. */
#include "app/sessions.h"

#include <stdio.h>
#include <string.h>

#include "app/timesync.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "sso/crypto.h"

static struct fw_session table[FW_SESSIONS_MAX];

static void to_hex(const uint8_t *in, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = hx[in[i] >> 4];
        out[2 * i + 1] = hx[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1; /* lower case only: one spelling per ID */
}

static bool alive(const struct fw_session *s, uint64_t now)
{
    return s->used && now < s->end_up_s && now < s->last_up_s + FW_SESSION_IDLE_S;
}

void fw_sess_end(struct fw_session *s)
{
    sso_crypto_zeroize(s, sizeof(*s));
}

static void expire(uint64_t now)
{
    size_t i;
    for (i = 0; i < FW_SESSIONS_MAX; i++) {
        if (table[i].used && !alive(&table[i], now)) {
            fw_sess_end(&table[i]);
        }
    }
}

const char *fw_sess_clear_cookie(bool tls)
{
    return tls ? FW_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure"
               : FW_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax";
}

int fw_sess_create(const char *user, enum sso_cfg_role role, enum fw_sess_method method,
                   uint32_t lifetime_s, bool tls, struct fw_session **out, char *cookie,
                   size_t cookie_size)
{
    uint64_t now = fw_time_uptime_s();
    struct fw_session *s = NULL;
    uint8_t rnd[16 + 16 + 8];
    char idhex[FW_SESSION_ID_HEX + 1];
    int64_t utc = 0;
    size_t i;
    int n;
    expire(now);
    for (i = 0; i < FW_SESSIONS_MAX && s == NULL; i++) {
        if (!table[i].used) {
            s = &table[i];
        }
    }
    if (s == NULL) {
        return HAL_ENOSPC;
    }
    if (hal_entropy_fill(rnd, sizeof(rnd)) != HAL_OK) {
        return HAL_EIO;
    }
    memset(s, 0, sizeof(*s));
    memcpy(s->id, rnd, 16);
    to_hex(rnd + 16, 16, s->csrf);
    to_hex(rnd + 32, 8, s->handle);
    (void)snprintf(s->user, sizeof(s->user), "%s", user);
    s->role = (uint8_t)role;
    s->method = (uint8_t)method;
    s->created_up_s = s->last_up_s = now;
    s->end_up_s = now + lifetime_s;
    if (fw_time_now(&utc) != HAL_OK) {
        utc = 0;
    }
    s->created_utc = utc;
    to_hex(s->id, 16, idhex);
    n = snprintf(cookie, cookie_size, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", FW_SESSION_COOKIE,
                 idhex, tls ? "; Secure" : "");
    sso_crypto_zeroize(rnd, sizeof(rnd));
    sso_crypto_zeroize(idhex, sizeof(idhex));
    if (n < 0 || (size_t)n >= cookie_size) {
        fw_sess_end(s);
        return HAL_ENOSPC;
    }
    s->used = true;
    *out = s;
    return HAL_OK;
}

/* Find the value of cookie FW_SESSION_COOKIE in the Cookie header (RFC 6265 5.4:
 * "name=value" pairs separated by "; "). Returns 1 found, 0 absent, -1 given twice. */
static int find_cookie(struct fw_http_str h, struct fw_http_str *val)
{
    static const char name[] = FW_SESSION_COOKIE "=";
    const size_t nl = strlen(name);
    size_t i = 0;
    int found = 0;
    while (i < h.len) {
        size_t start, len = 0;
        while (i < h.len && (h.p[i] == ' ' || h.p[i] == ';')) {
            i++;
        }
        start = i;
        while (i < h.len && h.p[i] != ';') {
            i++;
        }
        len = i - start;
        while (len > 0 && h.p[start + len - 1] == ' ') {
            len--; /* trailing blanks of "name=value ;" */
        }
        if (len >= nl && memcmp(h.p + start, name, nl) == 0) {
            if (found) {
                return -1;
            }
            found = 1;
            val->p = h.p + start + nl;
            val->len = len - nl;
        }
    }
    return found;
}

struct fw_session *fw_sess_lookup(const struct fw_http_req *req)
{
    struct fw_http_str h, v;
    uint8_t id[16];
    struct fw_session *hit = NULL;
    uint64_t now = fw_time_uptime_s();
    size_t i;
    bool bad = false;
    if (!fw_http_req_header(req, "Cookie", &h) || find_cookie(h, &v) != 1 ||
        v.len != FW_SESSION_ID_HEX) {
        return NULL;
    }
    for (i = 0; i < 16; i++) {
        int hi = hexv(v.p[2 * i]), lo = hexv(v.p[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            bad = true;
            hi = lo = 0;
        }
        id[i] = (uint8_t)(hi << 4 | lo);
    }
    if (bad) {
        return NULL;
    }
    expire(now);
    /* Compare with every entry, in constant time, without stopping at the hit. */
    for (i = 0; i < FW_SESSIONS_MAX; i++) {
        int diff = sso_crypto_ct_memcmp(table[i].id, id, sizeof(id));
        if (table[i].used && diff == 0) {
            hit = &table[i];
        }
    }
    sso_crypto_zeroize(id, sizeof(id));
    if (hit != NULL) {
        hit->last_up_s = now;
    }
    return hit;
}

bool fw_sess_csrf_ok(const struct fw_session *s, const struct fw_http_req *req)
{
    struct fw_http_str v;
    if (s == NULL || !fw_http_req_header(req, "X-CSRF-Token", &v) || v.len != FW_SESSION_ID_HEX) {
        return false;
    }
    return sso_crypto_ct_memcmp(v.p, s->csrf, FW_SESSION_ID_HEX) == 0;
}

unsigned fw_sess_count(void)
{
    unsigned n = 0;
    size_t i;
    expire(fw_time_uptime_s());
    for (i = 0; i < FW_SESSIONS_MAX; i++) {
        n += table[i].used ? 1u : 0u;
    }
    return n;
}

struct fw_session *fw_sess_at(unsigned i)
{
    if (i >= FW_SESSIONS_MAX || !alive(&table[i], fw_time_uptime_s())) {
        return NULL;
    }
    return &table[i];
}

struct fw_session *fw_sess_by_handle(const char *h, size_t len)
{
    unsigned i;
    if (len != FW_SESSION_HANDLE_HEX) {
        return NULL;
    }
    for (i = 0; i < FW_SESSIONS_MAX; i++) {
        struct fw_session *s = fw_sess_at(i);
        if (s != NULL && memcmp(s->handle, h, len) == 0) {
            return s;
        }
    }
    return NULL;
}

void fw_sess_end_all(void)
{
    size_t i;
    for (i = 0; i < FW_SESSIONS_MAX; i++) {
        fw_sess_end(&table[i]);
    }
}

const char *fw_sess_method_name(unsigned m)
{
    switch (m) {
    case FW_SESS_PASSWORD:
        return "password";
    case FW_SESS_SSO:
        return "sso";
    case FW_SESS_RECOVERY:
        return "recovery";
    default:
        return "unknown";
    }
}

const char *fw_sess_role_name(unsigned r)
{
    switch (r) {
    case SSO_CFG_ROLE_ADMIN:
        return "admin";
    case SSO_CFG_ROLE_READONLY:
        return "readonly";
    default:
        return "none";
    }
}
