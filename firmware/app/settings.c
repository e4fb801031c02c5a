/* Device settings and their TLV encoding: see settings.h. */
#include "app/settings.h"

#include <string.h>

#include "hal/hal_err.h"

void fw_settings_defaults(struct fw_settings *s)
{
    memset(s, 0, sizeof(*s));
    memcpy(s->hostname, FW_SETTINGS_DEFAULT_HOSTNAME, sizeof(FW_SETTINGS_DEFAULT_HOSTNAME));
    memcpy(s->sntp_server, FW_SETTINGS_DEFAULT_SNTP, sizeof(FW_SETTINGS_DEFAULT_SNTP));
    s->use_dhcp = true;
}

/* bounded_len() is POSIX, not C11: the firmware builds for a bare-metal C library too. */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Host names per RFC 1123 (letters, digits, hyphens; dot-separated labels). The name
 * ends up in URLs, DHCP option 12 and JSON, so anything else is refused, not escaped. */
static bool name_ok(const char *name, size_t len)
{
    size_t i, label = 0;
    if (len == 0 || len > FW_HOSTNAME_MAX) {
        return false;
    }
    for (i = 0; i < len; i++) {
        char c = name[i];
        if (c == '.') {
            if (label == 0 || name[i - 1] == '-') {
                return false;
            }
            label = 0;
        } else if (c == '-') {
            if (label == 0) {
                return false;
            }
            label++;
        } else if (is_alnum(c)) {
            label++;
        } else {
            return false;
        }
    }
    return label > 0 && name[len - 1] != '-';
}

bool fw_settings_hostname_ok(const char *name)
{
    return name_ok(name, bounded_len(name, FW_HOSTNAME_MAX + 1));
}

bool fw_settings_sntp_parse(const char *server, char *host, uint16_t *port)
{
    size_t len = bounded_len(server, FW_SNTP_SERVER_MAX + 1), hlen;
    const char *colon;
    uint32_t p = 123;
    if (len > FW_SNTP_SERVER_MAX) {
        return false;
    }
    if (len == 0) {
        if (host != NULL) {
            host[0] = '\0';
        }
        if (port != NULL) {
            *port = 0;
        }
        return true;
    }
    colon = memchr(server, ':', len);
    hlen = colon != NULL ? (size_t)(colon - server) : len;
    if (colon != NULL) {
        const char *d = colon + 1;
        if (*d == '\0' || (size_t)(server + len - d) > 5) {
            return false;
        }
        p = 0;
        for (; *d != '\0'; d++) {
            if (*d < '0' || *d > '9') {
                return false;
            }
            p = p * 10 + (uint32_t)(*d - '0');
        }
        if (p == 0 || p > 65535) {
            return false;
        }
    }
    if (!name_ok(server, hlen)) {
        return false;
    }
    if (host != NULL) {
        memcpy(host, server, hlen);
        host[hlen] = '\0';
    }
    if (port != NULL) {
        *port = (uint16_t)p;
    }
    return true;
}

/* ---- encoding ---------------------------------------------------------------------- */

struct enc {
    uint8_t *out;
    size_t size, len;
    int err;
};

static void tlv(struct enc *e, uint16_t type, const void *val, size_t vlen)
{
    if (e->err || vlen > 0xFFFF || e->size - e->len < 4 + vlen) {
        e->err = HAL_ENOSPC;
        return;
    }
    e->out[e->len + 0] = (uint8_t)type;
    e->out[e->len + 1] = (uint8_t)(type >> 8);
    e->out[e->len + 2] = (uint8_t)vlen;
    e->out[e->len + 3] = (uint8_t)(vlen >> 8);
    if (vlen > 0) {
        memcpy(e->out + e->len + 4, val, vlen);
    }
    e->len += 4 + vlen;
}

int fw_settings_encode(const struct fw_settings *s, uint8_t *out, size_t size, size_t *len)
{
    struct enc e = {out, size, 0, HAL_OK};
    uint8_t mode = s->use_dhcp ? 0 : 1, ip[16];
    memcpy(ip + 0, &s->addr, 4);
    memcpy(ip + 4, &s->netmask, 4);
    memcpy(ip + 8, &s->gateway, 4);
    memcpy(ip + 12, &s->dns, 4);
    tlv(&e, FW_TLV_HOSTNAME, s->hostname, bounded_len(s->hostname, FW_HOSTNAME_MAX));
    tlv(&e, FW_TLV_SNTP_SERVER, s->sntp_server, bounded_len(s->sntp_server, FW_SNTP_SERVER_MAX));
    tlv(&e, FW_TLV_IPV4_MODE, &mode, 1);
    tlv(&e, FW_TLV_IPV4_STATIC, ip, sizeof(ip));
    if (e.err != HAL_OK) {
        return e.err;
    }
    *len = e.len;
    return HAL_OK;
}

/* ---- decoding ---------------------------------------------------------------------- */

static int decode_one(struct fw_settings *s, uint16_t type, const uint8_t *v, uint16_t vlen)
{
    switch (type) {
    case FW_TLV_HOSTNAME:
        if (vlen > FW_HOSTNAME_MAX || !name_ok((const char *)v, vlen)) {
            return HAL_EINVAL;
        }
        memcpy(s->hostname, v, vlen);
        s->hostname[vlen] = '\0';
        return HAL_OK;
    case FW_TLV_SNTP_SERVER: {
        char tmp[FW_SNTP_SERVER_MAX + 1];
        if (vlen > FW_SNTP_SERVER_MAX || memchr(v, '\0', vlen) != NULL) {
            return HAL_EINVAL;
        }
        memcpy(tmp, v, vlen);
        tmp[vlen] = '\0';
        if (!fw_settings_sntp_parse(tmp, NULL, NULL)) {
            return HAL_EINVAL;
        }
        memcpy(s->sntp_server, tmp, (size_t)vlen + 1);
        return HAL_OK;
    }
    case FW_TLV_IPV4_MODE:
        if (vlen != 1 || v[0] > 1) {
            return HAL_EINVAL;
        }
        s->use_dhcp = v[0] == 0;
        return HAL_OK;
    case FW_TLV_IPV4_STATIC:
        if (vlen != 16) {
            return HAL_EINVAL;
        }
        memcpy(&s->addr, v + 0, 4);
        memcpy(&s->netmask, v + 4, 4);
        memcpy(&s->gateway, v + 8, 4);
        memcpy(&s->dns, v + 12, 4);
        return HAL_OK;
    default:
        return HAL_OK; /* a newer firmware's setting: skipped */
    }
}

int fw_settings_decode(struct fw_settings *s, const uint8_t *in, size_t len)
{
    uint32_t seen = 0; /* bit per known type: duplicates are refused */
    size_t off = 0;
    fw_settings_defaults(s);
    while (off < len) {
        uint16_t type, vlen;
        int rc;
        if (len - off < 4) {
            goto bad;
        }
        type = (uint16_t)(in[off] | in[off + 1] << 8);
        vlen = (uint16_t)(in[off + 2] | in[off + 3] << 8);
        if (len - off - 4 < vlen) {
            goto bad;
        }
        if (type < 32) {
            if (seen & (1u << type)) {
                goto bad;
            }
            seen |= 1u << type;
        }
        rc = decode_one(s, type, in + off + 4, vlen);
        if (rc != HAL_OK) {
            goto bad;
        }
        off += 4u + vlen;
    }
    return HAL_OK;
bad:
    fw_settings_defaults(s);
    return HAL_EINVAL;
}
