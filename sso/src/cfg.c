/* The SSO config record: data rules and TLV codec (sso/cfg.h, docs/STORAGE.md). */
#include "sso/cfg.h"

#include <string.h>

#include "sso/err.h"
#include "sso/url.h"

/* ---- value rules ------------------------------------------------------------------------ */

static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

/* Length of the valid UTF-8 sequence starting at s[0] (at most left bytes), 0 if invalid.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid (RFC 3629). */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n, i;
    uint32_t cp;
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (left < n) {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0u) != 0x80u) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

bool sso_cfg_text_ok(const char *s, size_t len)
{
    size_t i = 0;
    if (s == NULL) {
        return len == 0;
    }
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n;
        /* Control characters would let a stored value forge lines in the console log or
         * the audit view; NUL would truncate it in every C string consumer. */
        if (c < 0x20 || c == 0x7F) {
            return false;
        }
        n = utf8_seq((const unsigned char *)s + i, len - i);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

bool sso_cfg_short_name_ok(const char *s, size_t len)
{
    size_t i;
    if (s == NULL || len == 0 || len > SSO_CFG_SHORT_MAX) {
        return false;
    }
    /* It becomes a path segment of /sso/<short>/...: nothing that needs escaping, no
     * case folding questions, no dots (no "..", no look-alike of a file name). */
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

bool sso_cfg_user_name_ok(const char *s, size_t len)
{
    size_t i;
    if (s == NULL || len == 0 || len > SSO_CFG_USER_MAX) {
        return false;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '-')) {
            return false;
        }
    }
    return true;
}

bool sso_cfg_base_url_ok(const char *s, size_t len)
{
    size_t i, start;
    if (s == NULL || len > SSO_CFG_BASE_URL_MAX || !sso_url_is_http(s, len)) {
        return false;
    }
    start = (s[4] == 's' || s[4] == 'S') ? 8 : 7;
    /* Only scheme://host[:port]: a path, query or fragment would make the generated ACS
     * URL and entity ID depend on how they are joined. */
    for (i = start; i < len; i++) {
        if (s[i] == '/' || s[i] == '?' || s[i] == '#') {
            return false;
        }
    }
    return true;
}

static bool url_or_empty_ok(const char *s, size_t len)
{
    return len == 0 || sso_url_is_http(s, len);
}

static bool relay_or_empty_ok(const char *s, size_t len)
{
    return len == 0 || sso_url_relay_state_ok(s, len);
}

/* ---- defaults and helpers --------------------------------------------------------------- */

void sso_cfg_defaults(struct sso_cfg *c)
{
    memset(c, 0, sizeof(*c));
    c->sp.clock_skew_s = SSO_CFG_DEFAULT_SKEW_S;
    c->sp.session_lifetime_s = SSO_CFG_DEFAULT_LIFETIME_S;
    c->sp.password_grace_hours = SSO_CFG_DEFAULT_GRACE_HOURS;
    c->sp.allow_idp_initiated = true;
}

int sso_cfg_sp_urls(const struct sso_cfg_sp *sp, char *acs, char *entity)
{
    size_t blen = bounded_len(sp->base_url, SSO_CFG_URL_MAX);
    size_t slen = bounded_len(sp->short_name, SSO_CFG_SHORT_MAX + 1);
    char *outs[2];
    static const char *const tails[2] = {"/acs", "/metadata"};
    unsigned i;
    outs[0] = acs;
    outs[1] = entity;
    for (i = 0; i < 2; i++) {
        if (outs[i] != NULL) {
            outs[i][0] = '\0';
        }
    }
    if (!sso_cfg_base_url_ok(sp->base_url, blen) || !sso_cfg_short_name_ok(sp->short_name, slen)) {
        return SSO_E_INVAL;
    }
    for (i = 0; i < 2; i++) {
        char *o = outs[i];
        size_t tl = strlen(tails[i]);
        if (o == NULL) {
            continue;
        }
        /* blen + 5 + slen + tl < SSO_CFG_URL_MAX by sso_cfg_base_url_ok(). */
        memcpy(o, sp->base_url, blen);
        memcpy(o + blen, "/sso/", 6); /* with its NUL, overwritten next */
        memcpy(o + blen + 5, sp->short_name, slen);
        memcpy(o + blen + 5 + slen, tails[i], tl + 1);
    }
    return SSO_OK;
}

static bool in_list(const char (*list)[SSO_CFG_GROUP_MAX + 1], unsigned n, const char *v)
{
    unsigned i;
    for (i = 0; i < n; i++) {
        if (strcmp(list[i], v) == 0) {
            return true;
        }
    }
    return false;
}

enum sso_cfg_role sso_cfg_map_role(const struct sso_cfg_sp *sp, const char *const *values,
                                   unsigned count)
{
    unsigned i;
    bool ro = false;
    /* Admin wins over read-only: a user in both groups was granted admin by someone. */
    for (i = 0; i < count; i++) {
        if (values[i] == NULL || values[i][0] == '\0') {
            continue;
        }
        if (in_list(sp->admin_groups, sp->admin_group_count, values[i])) {
            return SSO_CFG_ROLE_ADMIN;
        }
        if (in_list(sp->readonly_groups, sp->readonly_group_count, values[i])) {
            ro = true;
        }
    }
    return ro ? SSO_CFG_ROLE_READONLY : SSO_CFG_ROLE_NONE;
}

/* Copy @p src into @p dst (size @p size) for the audit tail: control characters and
 * invalid bytes replaced by '?'; a text too long is cut at a UTF-8 boundary and ends in
 * "..." (a reader must never take a cut value for the whole one). */
static void audit_text(char *dst, size_t size, const char *src)
{
    size_t i = 0, o = 0, len;
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    len = bounded_len(src, 4096);
    while (i < len) {
        const unsigned char *u = (const unsigned char *)src + i;
        size_t n = (u[0] < 0x20 || u[0] == 0x7F) ? 0 : utf8_seq(u, len - i);
        if (n == 0) {
            if (o + 1 >= size) {
                break;
            }
            dst[o++] = '?';
            i++;
            continue;
        }
        if (o + n >= size) {
            break;
        }
        memcpy(dst + o, u, n);
        o += n;
        i += n;
    }
    if (i < len && size > 3) {
        /* Back to a character start with room for the marker. */
        while (o > 0 && (o + 3 >= size || ((unsigned char)dst[o] & 0xC0) == 0x80)) {
            o--;
        }
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

void sso_cfg_audit_append(struct sso_cfg_audit *a, uint32_t seq, int64_t time_s, uint16_t event,
                          int16_t code, const char *user, const char *detail)
{
    struct sso_cfg_audit_entry *e;
    if (a->count > SSO_CFG_AUDIT_MAX) {
        a->count = SSO_CFG_AUDIT_MAX;
    }
    if (a->count == SSO_CFG_AUDIT_MAX) {
        memmove(&a->e[0], &a->e[1], sizeof(a->e[0]) * (SSO_CFG_AUDIT_MAX - 1));
        a->count--;
    }
    e = &a->e[a->count++];
    memset(e, 0, sizeof(*e));
    e->seq = seq;
    e->time_s = time_s;
    e->event = event;
    e->code = code;
    audit_text(e->user, sizeof(e->user), user);
    audit_text(e->detail, sizeof(e->detail), detail);
}

/* ---- little-endian fields --------------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    put32(p, (uint32_t)u);
    put32(p + 4, (uint32_t)(u >> 32));
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static int64_t get64(const uint8_t *p)
{
    return (int64_t)((uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32);
}

/* ---- encoding --------------------------------------------------------------------------- */

struct enc {
    uint8_t *out;
    size_t size, len;
    int err;
};

/* Start a TLV of @p vlen bytes; returns where the value goes, or NULL (error set). */
static uint8_t *tlv_open(struct enc *e, uint16_t type, size_t vlen)
{
    uint8_t *p;
    if (e->err != SSO_OK) {
        return NULL;
    }
    if (vlen > 0xFFFFu || e->size - e->len < SSO_CFG_TLV_HDR + vlen) {
        e->err = SSO_E_NOSPC;
        return NULL;
    }
    p = e->out + e->len;
    put16(p, type);
    put16(p + 2, (uint16_t)vlen);
    e->len += SSO_CFG_TLV_HDR + vlen;
    return p + SSO_CFG_TLV_HDR;
}

static void tlv_bytes(struct enc *e, uint16_t type, const void *v, size_t vlen)
{
    uint8_t *p = tlv_open(e, type, vlen);
    if (p != NULL && vlen > 0) {
        memcpy(p, v, vlen);
    }
}

static void tlv_u32(struct enc *e, uint16_t type, uint32_t v)
{
    uint8_t *p = tlv_open(e, type, 4);
    if (p != NULL) {
        put32(p, v);
    }
}

static void tlv_i64(struct enc *e, uint16_t type, int64_t v)
{
    uint8_t *p = tlv_open(e, type, 8);
    if (p != NULL) {
        put64(p, v);
    }
}

/* A time or duration: 0 means none and is not written; negative is not a time. */
static void tlv_time(struct enc *e, uint16_t type, int64_t v)
{
    if (v < 0 && e->err == SSO_OK) {
        e->err = SSO_E_INVAL;
    }
    if (v > 0) {
        tlv_i64(e, type, v);
    }
}

static void tlv_u8(struct enc *e, uint16_t type, uint8_t v)
{
    tlv_bytes(e, type, &v, 1);
}

/* A string field: checked with @p ok, skipped when empty (empty is the default). */
static void tlv_str(struct enc *e, uint16_t type, const char *s, size_t max,
                    bool (*ok)(const char *, size_t))
{
    size_t n = bounded_len(s, max + 1);
    if (n > max || (n > 0 && !ok(s, n))) {
        if (e->err == SSO_OK) {
            e->err = SSO_E_INVAL;
        }
        return;
    }
    if (n > 0) {
        tlv_bytes(e, type, s, n);
    }
}

static void fail_inval(struct enc *e)
{
    if (e->err == SSO_OK) {
        e->err = SSO_E_INVAL;
    }
}

static void enc_sp(struct enc *e, const struct sso_cfg_sp *sp)
{
    unsigned i;
    uint8_t flags = 0;
    if (sp->admin_group_count > SSO_CFG_GROUPS_MAX ||
        sp->readonly_group_count > SSO_CFG_GROUPS_MAX || sp->clock_skew_s > SSO_CFG_SKEW_MAX_S ||
        sp->session_lifetime_s < SSO_CFG_LIFETIME_MIN_S ||
        sp->session_lifetime_s > SSO_CFG_LIFETIME_MAX_S ||
        sp->password_grace_hours > SSO_CFG_GRACE_MAX_HOURS) {
        fail_inval(e);
        return;
    }
    tlv_str(e, SSO_CFG_T_PROVIDER, sp->provider_name, SSO_CFG_NAME_MAX, sso_cfg_text_ok);
    tlv_str(e, SSO_CFG_T_SHORT, sp->short_name, SSO_CFG_SHORT_MAX, sso_cfg_short_name_ok);
    tlv_str(e, SSO_CFG_T_MD_URL, sp->metadata_url, SSO_CFG_URL_MAX - 1, url_or_empty_ok);
    tlv_str(e, SSO_CFG_T_BASE_URL, sp->base_url, SSO_CFG_URL_MAX - 1, sso_cfg_base_url_ok);
    tlv_str(e, SSO_CFG_T_RELAY, sp->default_relay_state, SSO_CFG_RELAY_STATE_MAX,
            relay_or_empty_ok);
    tlv_str(e, SSO_CFG_T_USER_ATTR, sp->username_attribute, SSO_CFG_ATTR_MAX, sso_cfg_text_ok);
    tlv_str(e, SSO_CFG_T_ROLE_ATTR, sp->role_attribute, SSO_CFG_ATTR_MAX, sso_cfg_text_ok);
    for (i = 0; i < sp->admin_group_count; i++) {
        if (sp->admin_groups[i][0] == '\0') {
            fail_inval(e); /* an empty group would be dropped: refuse, do not lose it */
        }
        tlv_str(e, SSO_CFG_T_ADMIN_GROUP, sp->admin_groups[i], SSO_CFG_GROUP_MAX, sso_cfg_text_ok);
    }
    for (i = 0; i < sp->readonly_group_count; i++) {
        if (sp->readonly_groups[i][0] == '\0') {
            fail_inval(e);
        }
        tlv_str(e, SSO_CFG_T_RO_GROUP, sp->readonly_groups[i], SSO_CFG_GROUP_MAX, sso_cfg_text_ok);
    }
    tlv_u32(e, SSO_CFG_T_SKEW, sp->clock_skew_s);
    tlv_u32(e, SSO_CFG_T_LIFETIME, sp->session_lifetime_s);
    tlv_u32(e, SSO_CFG_T_GRACE, sp->password_grace_hours);
    flags = (uint8_t)((sp->allow_idp_initiated ? SSO_CFG_FLAG_IDP_INITIATED : 0) |
                      (sp->enabled ? SSO_CFG_FLAG_ENABLED : 0));
    tlv_u8(e, SSO_CFG_T_FLAGS, flags);
    tlv_time(e, SSO_CFG_T_ENABLED_AT, sp->enabled_at_s);
}

static void enc_cert(struct enc *e, uint16_t type, const struct sso_cfg_cert *c, bool required)
{
    if (c->len > SSO_CFG_CERT_MAX_DER || (required && c->len == 0)) {
        fail_inval(e);
        return;
    }
    if (c->len > 0) {
        tlv_bytes(e, type, c->der, c->len);
    }
}

static void enc_idp(struct enc *e, const struct sso_cfg_idp *idp)
{
    unsigned i;
    if (idp->source > SSO_CFG_IDP_MANUAL || idp->cert_count > SSO_CFG_MD_MAX_CERTS) {
        fail_inval(e);
        return;
    }
    tlv_str(e, SSO_CFG_T_IDP_ENTITY, idp->entity_id, SSO_CFG_URL_MAX - 1, sso_cfg_text_ok);
    tlv_str(e, SSO_CFG_T_IDP_REDIRECT, idp->sso_redirect, SSO_CFG_URL_MAX - 1, url_or_empty_ok);
    tlv_str(e, SSO_CFG_T_IDP_POST, idp->sso_post, SSO_CFG_URL_MAX - 1, url_or_empty_ok);
    if (idp->source != SSO_CFG_IDP_NONE) {
        tlv_u8(e, SSO_CFG_T_IDP_SOURCE, idp->source);
    }
    if (idp->entity_id_found) {
        tlv_u8(e, SSO_CFG_T_IDP_FOUND, 1);
    }
    tlv_time(e, SSO_CFG_T_IDP_IMPORTED, idp->imported_at_s);
    tlv_time(e, SSO_CFG_T_IDP_VALID, idp->valid_until_s);
    tlv_time(e, SSO_CFG_T_IDP_CACHE, idp->cache_duration_s);
    for (i = 0; i < idp->cert_count; i++) {
        enc_cert(e, SSO_CFG_T_IDP_CERT, &idp->certs[i], true);
    }
}

static void enc_account(struct enc *e, const struct sso_cfg_account *a)
{
    size_t n = bounded_len(a->name, SSO_CFG_USER_MAX + 1);
    uint8_t *p;
    if (!sso_cfg_user_name_ok(a->name, n) ||
        (a->role != SSO_CFG_ROLE_ADMIN && a->role != SSO_CFG_ROLE_READONLY) || a->iterations == 0) {
        fail_inval(e);
        return;
    }
    p = tlv_open(e, SSO_CFG_T_ACCOUNT, SSO_CFG_ACCOUNT_FIXED + n);
    if (p == NULL) {
        return;
    }
    p[0] = a->role;
    put32(p + 1, a->iterations);
    memcpy(p + 5, a->salt, SSO_CFG_SALT_LEN);
    memcpy(p + 5 + SSO_CFG_SALT_LEN, a->hash, SSO_CFG_HASH_LEN);
    put64(p + 5 + SSO_CFG_SALT_LEN + SSO_CFG_HASH_LEN, a->changed_at_s);
    memcpy(p + SSO_CFG_ACCOUNT_FIXED, a->name, n);
}

static void enc_key(struct enc *e, uint16_t type, const struct sso_cfg_key *k)
{
    if (k->len > SSO_CFG_KEY_MAX) {
        fail_inval(e);
        return;
    }
    if (k->len > 0) {
        tlv_bytes(e, type, k->der, k->len);
    }
}

static void enc_audit(struct enc *e, const struct sso_cfg_audit_entry *a)
{
    size_t ul = bounded_len(a->user, SSO_CFG_USER_MAX + 1);
    size_t dl = bounded_len(a->detail, SSO_CFG_AUDIT_DETAIL_MAX + 1);
    uint8_t *p;
    if (ul > SSO_CFG_USER_MAX || dl > SSO_CFG_AUDIT_DETAIL_MAX || !sso_cfg_text_ok(a->user, ul) ||
        !sso_cfg_text_ok(a->detail, dl)) {
        fail_inval(e);
        return;
    }
    p = tlv_open(e, SSO_CFG_T_AUDIT, SSO_CFG_AUDIT_FIXED + ul + dl);
    if (p == NULL) {
        return;
    }
    put32(p, a->seq);
    put64(p + 4, a->time_s);
    put16(p + 12, a->event);
    put16(p + 14, (uint16_t)a->code);
    p[16] = (uint8_t)ul;
    memcpy(p + SSO_CFG_AUDIT_FIXED, a->user, ul);
    memcpy(p + SSO_CFG_AUDIT_FIXED + ul, a->detail, dl);
}

int sso_cfg_encode(const struct sso_cfg *c, uint8_t *out, size_t size, size_t *len)
{
    struct enc e;
    unsigned i;
    if (c == NULL || (out == NULL && size > 0) || len == NULL) {
        return SSO_E_INVAL;
    }
    e.out = out;
    e.size = size;
    e.len = 0;
    e.err = SSO_OK;
    if (c->account_count > SSO_CFG_ACCOUNTS_MAX || c->trust_count > SSO_CFG_TRUST_MAX ||
        c->audit.count > SSO_CFG_AUDIT_MAX) {
        return SSO_E_INVAL;
    }
    enc_sp(&e, &c->sp);
    enc_idp(&e, &c->idp);
    for (i = 0; i < c->account_count; i++) {
        enc_account(&e, &c->accounts[i]);
    }
    enc_key(&e, SSO_CFG_T_TLS_KEY, &c->keys.tls_key);
    enc_cert(&e, SSO_CFG_T_TLS_CERT, &c->keys.tls_cert, false);
    enc_key(&e, SSO_CFG_T_SP_KEY, &c->keys.sp_key);
    enc_cert(&e, SSO_CFG_T_SP_CERT, &c->keys.sp_cert, false);
    for (i = 0; i < c->trust_count; i++) {
        enc_cert(&e, SSO_CFG_T_TRUST_CA, &c->trust[i], true);
    }
    for (i = 0; i < c->audit.count; i++) {
        enc_audit(&e, &c->audit.e[i]);
    }
    if (e.err != SSO_OK) {
        return e.err;
    }
    *len = e.len;
    return SSO_OK;
}

/* ---- decoding --------------------------------------------------------------------------- */

/* A string TLV into a field of @p max bytes (+ NUL), checked with @p ok. Empty values
 * are never written, so an empty one is refused too (a record this code cannot have
 * written is not trusted). */
static int dec_str(char *dst, size_t max, const uint8_t *v, size_t vlen,
                   bool (*ok)(const char *, size_t))
{
    if (vlen == 0 || vlen > max || memchr(v, '\0', vlen) != NULL || !ok((const char *)v, vlen)) {
        return SSO_E_CFG_CORRUPT;
    }
    memcpy(dst, v, vlen);
    dst[vlen] = '\0';
    return SSO_OK;
}

static int dec_u32(uint32_t *dst, const uint8_t *v, size_t vlen, uint32_t lo, uint32_t hi)
{
    uint32_t x;
    if (vlen != 4) {
        return SSO_E_CFG_CORRUPT;
    }
    x = get32(v);
    if (x < lo || x > hi) {
        return SSO_E_CFG_CORRUPT;
    }
    *dst = x;
    return SSO_OK;
}

static int dec_time(int64_t *dst, const uint8_t *v, size_t vlen)
{
    int64_t x;
    if (vlen != 8) {
        return SSO_E_CFG_CORRUPT;
    }
    x = get64(v);
    /* Zero means "none" and is never written; negative times are not times. */
    if (x <= 0) {
        return SSO_E_CFG_CORRUPT;
    }
    *dst = x;
    return SSO_OK;
}

static int dec_cert(struct sso_cfg_cert *c, const uint8_t *v, size_t vlen)
{
    if (vlen == 0 || vlen > SSO_CFG_CERT_MAX_DER) {
        return SSO_E_CFG_CORRUPT;
    }
    memcpy(c->der, v, vlen);
    c->len = (uint16_t)vlen;
    return SSO_OK;
}

static int dec_key(struct sso_cfg_key *k, const uint8_t *v, size_t vlen)
{
    if (vlen == 0 || vlen > SSO_CFG_KEY_MAX) {
        return SSO_E_CFG_CORRUPT;
    }
    memcpy(k->der, v, vlen);
    k->len = (uint16_t)vlen;
    return SSO_OK;
}

static int dec_group(char (*list)[SSO_CFG_GROUP_MAX + 1], unsigned *count, const uint8_t *v,
                     size_t vlen)
{
    if (*count >= SSO_CFG_GROUPS_MAX) {
        return SSO_E_CFG_CORRUPT; /* more than the array holds: never written by us */
    }
    if (dec_str(list[*count], SSO_CFG_GROUP_MAX, v, vlen, sso_cfg_text_ok) != SSO_OK) {
        return SSO_E_CFG_CORRUPT;
    }
    (*count)++;
    return SSO_OK;
}

static int dec_account(struct sso_cfg *c, const uint8_t *v, size_t vlen)
{
    struct sso_cfg_account *a;
    size_t n;
    unsigned i;
    if (c->account_count >= SSO_CFG_ACCOUNTS_MAX || vlen <= SSO_CFG_ACCOUNT_FIXED ||
        vlen > SSO_CFG_ACCOUNT_FIXED + SSO_CFG_USER_MAX) {
        return SSO_E_CFG_CORRUPT;
    }
    n = vlen - SSO_CFG_ACCOUNT_FIXED;
    a = &c->accounts[c->account_count];
    memset(a, 0, sizeof(*a));
    if ((v[0] != SSO_CFG_ROLE_ADMIN && v[0] != SSO_CFG_ROLE_READONLY) || get32(v + 1) == 0 ||
        !sso_cfg_user_name_ok((const char *)v + SSO_CFG_ACCOUNT_FIXED, n)) {
        return SSO_E_CFG_CORRUPT;
    }
    a->role = v[0];
    a->iterations = get32(v + 1);
    memcpy(a->salt, v + 5, SSO_CFG_SALT_LEN);
    memcpy(a->hash, v + 5 + SSO_CFG_SALT_LEN, SSO_CFG_HASH_LEN);
    a->changed_at_s = get64(v + 5 + SSO_CFG_SALT_LEN + SSO_CFG_HASH_LEN);
    memcpy(a->name, v + SSO_CFG_ACCOUNT_FIXED, n);
    a->name[n] = '\0';
    /* Two accounts with one name: which password counts would depend on table order. */
    for (i = 0; i < c->account_count; i++) {
        if (strcmp(c->accounts[i].name, a->name) == 0) {
            return SSO_E_CFG_CORRUPT;
        }
    }
    c->account_count++;
    return SSO_OK;
}

static int dec_audit(struct sso_cfg_audit *au, const uint8_t *v, size_t vlen)
{
    struct sso_cfg_audit_entry *a;
    size_t ul, dl;
    if (au->count >= SSO_CFG_AUDIT_MAX || vlen < SSO_CFG_AUDIT_FIXED) {
        return SSO_E_CFG_CORRUPT;
    }
    ul = v[16];
    if (ul > SSO_CFG_USER_MAX || vlen - SSO_CFG_AUDIT_FIXED < ul) {
        return SSO_E_CFG_CORRUPT;
    }
    dl = vlen - SSO_CFG_AUDIT_FIXED - ul;
    if (dl > SSO_CFG_AUDIT_DETAIL_MAX ||
        !sso_cfg_text_ok((const char *)v + SSO_CFG_AUDIT_FIXED, ul) ||
        !sso_cfg_text_ok((const char *)v + SSO_CFG_AUDIT_FIXED + ul, dl)) {
        return SSO_E_CFG_CORRUPT;
    }
    a = &au->e[au->count];
    memset(a, 0, sizeof(*a));
    a->seq = get32(v);
    a->time_s = get64(v + 4);
    a->event = get16(v + 12);
    a->code = (int16_t)get16(v + 14);
    memcpy(a->user, v + SSO_CFG_AUDIT_FIXED, ul);
    memcpy(a->detail, v + SSO_CFG_AUDIT_FIXED + ul, dl);
    /* Entries are written oldest first with increasing numbers. */
    if (au->count > 0 && (int32_t)(a->seq - au->e[au->count - 1].seq) <= 0) {
        return SSO_E_CFG_CORRUPT;
    }
    au->count++;
    return SSO_OK;
}

/* Singleton types that may appear at most once: bit i for type (section, index). */
static int once(uint32_t *seen, unsigned bit)
{
    if (*seen & (1u << bit)) {
        return SSO_E_CFG_CORRUPT;
    }
    *seen |= 1u << bit;
    return SSO_OK;
}

static int dec_one(struct sso_cfg *c, uint16_t type, const uint8_t *v, size_t vlen,
                   uint32_t seen[4])
{
    struct sso_cfg_sp *sp = &c->sp;
    struct sso_cfg_idp *idp = &c->idp;
    int rc;
    /* Singletons of sections 1, 2 and 4: at most once each. */
    if ((type >> 8) >= 1 && (type >> 8) <= 4 && type != SSO_CFG_T_ADMIN_GROUP &&
        type != SSO_CFG_T_RO_GROUP && type != SSO_CFG_T_IDP_CERT && type != SSO_CFG_T_ACCOUNT &&
        (type & 0xFFu) < 32) {
        rc = once(&seen[(type >> 8) - 1], type & 0xFFu);
        if (rc != SSO_OK) {
            return rc;
        }
    }
    switch (type) {
    case SSO_CFG_T_PROVIDER:
        return dec_str(sp->provider_name, SSO_CFG_NAME_MAX, v, vlen, sso_cfg_text_ok);
    case SSO_CFG_T_SHORT:
        return dec_str(sp->short_name, SSO_CFG_SHORT_MAX, v, vlen, sso_cfg_short_name_ok);
    case SSO_CFG_T_MD_URL:
        return dec_str(sp->metadata_url, SSO_CFG_URL_MAX - 1, v, vlen, sso_url_is_http);
    case SSO_CFG_T_BASE_URL:
        return dec_str(sp->base_url, SSO_CFG_URL_MAX - 1, v, vlen, sso_cfg_base_url_ok);
    case SSO_CFG_T_RELAY:
        return dec_str(sp->default_relay_state, SSO_CFG_RELAY_STATE_MAX, v, vlen,
                       sso_url_relay_state_ok);
    case SSO_CFG_T_USER_ATTR:
        return dec_str(sp->username_attribute, SSO_CFG_ATTR_MAX, v, vlen, sso_cfg_text_ok);
    case SSO_CFG_T_ROLE_ATTR:
        return dec_str(sp->role_attribute, SSO_CFG_ATTR_MAX, v, vlen, sso_cfg_text_ok);
    case SSO_CFG_T_ADMIN_GROUP:
        return dec_group(sp->admin_groups, &sp->admin_group_count, v, vlen);
    case SSO_CFG_T_RO_GROUP:
        return dec_group(sp->readonly_groups, &sp->readonly_group_count, v, vlen);
    case SSO_CFG_T_SKEW:
        return dec_u32(&sp->clock_skew_s, v, vlen, 0, SSO_CFG_SKEW_MAX_S);
    case SSO_CFG_T_LIFETIME:
        return dec_u32(&sp->session_lifetime_s, v, vlen, SSO_CFG_LIFETIME_MIN_S,
                       SSO_CFG_LIFETIME_MAX_S);
    case SSO_CFG_T_GRACE:
        return dec_u32(&sp->password_grace_hours, v, vlen, 0, SSO_CFG_GRACE_MAX_HOURS);
    case SSO_CFG_T_FLAGS:
        if (vlen != 1 || (v[0] & ~(SSO_CFG_FLAG_IDP_INITIATED | SSO_CFG_FLAG_ENABLED)) != 0) {
            return SSO_E_CFG_CORRUPT;
        }
        sp->allow_idp_initiated = (v[0] & SSO_CFG_FLAG_IDP_INITIATED) != 0;
        sp->enabled = (v[0] & SSO_CFG_FLAG_ENABLED) != 0;
        return SSO_OK;
    case SSO_CFG_T_ENABLED_AT:
        return dec_time(&sp->enabled_at_s, v, vlen);
    case SSO_CFG_T_IDP_ENTITY:
        return dec_str(idp->entity_id, SSO_CFG_URL_MAX - 1, v, vlen, sso_cfg_text_ok);
    case SSO_CFG_T_IDP_REDIRECT:
        return dec_str(idp->sso_redirect, SSO_CFG_URL_MAX - 1, v, vlen, sso_url_is_http);
    case SSO_CFG_T_IDP_POST:
        return dec_str(idp->sso_post, SSO_CFG_URL_MAX - 1, v, vlen, sso_url_is_http);
    case SSO_CFG_T_IDP_SOURCE:
        if (vlen != 1 || v[0] == SSO_CFG_IDP_NONE || v[0] > SSO_CFG_IDP_MANUAL) {
            return SSO_E_CFG_CORRUPT;
        }
        idp->source = v[0];
        return SSO_OK;
    case SSO_CFG_T_IDP_FOUND:
        if (vlen != 1 || v[0] != 1) {
            return SSO_E_CFG_CORRUPT;
        }
        idp->entity_id_found = true;
        return SSO_OK;
    case SSO_CFG_T_IDP_IMPORTED:
        return dec_time(&idp->imported_at_s, v, vlen);
    case SSO_CFG_T_IDP_VALID:
        return dec_time(&idp->valid_until_s, v, vlen);
    case SSO_CFG_T_IDP_CACHE:
        return dec_time(&idp->cache_duration_s, v, vlen);
    case SSO_CFG_T_IDP_CERT:
        if (idp->cert_count >= SSO_CFG_MD_MAX_CERTS) {
            return SSO_E_CFG_CORRUPT;
        }
        rc = dec_cert(&idp->certs[idp->cert_count], v, vlen);
        if (rc == SSO_OK) {
            idp->cert_count++;
        }
        return rc;
    case SSO_CFG_T_ACCOUNT:
        return dec_account(c, v, vlen);
    case SSO_CFG_T_TLS_KEY:
        return dec_key(&c->keys.tls_key, v, vlen);
    case SSO_CFG_T_TLS_CERT:
        return dec_cert(&c->keys.tls_cert, v, vlen);
    case SSO_CFG_T_SP_KEY:
        return dec_key(&c->keys.sp_key, v, vlen);
    case SSO_CFG_T_SP_CERT:
        return dec_cert(&c->keys.sp_cert, v, vlen);
    case SSO_CFG_T_TRUST_CA:
        if (c->trust_count >= SSO_CFG_TRUST_MAX) {
            return SSO_E_CFG_CORRUPT;
        }
        rc = dec_cert(&c->trust[c->trust_count], v, vlen);
        if (rc == SSO_OK) {
            c->trust_count++;
        }
        return rc;
    case SSO_CFG_T_AUDIT:
        return dec_audit(&c->audit, v, vlen);
    default:
        /* Not ours to understand: skippable types are dropped, critical ones refuse the
         * record (docs/STORAGE.md, "Unknown types"). */
        return (type & SSO_CFG_TLV_SKIPPABLE) != 0 ? SSO_OK : SSO_E_CFG_VERSION;
    }
}

int sso_cfg_decode(struct sso_cfg *c, const uint8_t *in, size_t len)
{
    uint32_t seen[4] = {0, 0, 0, 0};
    size_t off = 0;
    int rc = SSO_E_CFG_CORRUPT;
    if (c == NULL || (in == NULL && len > 0)) {
        return SSO_E_INVAL;
    }
    sso_cfg_defaults(c);
    while (off < len) {
        uint16_t type, vlen;
        if (len - off < SSO_CFG_TLV_HDR) {
            rc = SSO_E_CFG_CORRUPT;
            goto out;
        }
        type = get16(in + off);
        vlen = get16(in + off + 2);
        if (len - off - SSO_CFG_TLV_HDR < vlen) {
            rc = SSO_E_CFG_CORRUPT; /* truncated value */
            goto out;
        }
        if (type >= SSO_CFG_TLV_FIRST) {
            rc = dec_one(c, type, in + off + SSO_CFG_TLV_HDR, vlen, seen);
            if (rc != SSO_OK) {
                goto out;
            }
        }
        off += SSO_CFG_TLV_HDR + (size_t)vlen;
    }
    rc = SSO_OK;
out:
    if (rc != SSO_OK) {
        sso_cfg_defaults(c);
    }
    return rc;
}
