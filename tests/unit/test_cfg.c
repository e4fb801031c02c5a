/* The SSO config record codec (sso/cfg.h): rules, round trips, bounds, every refusal. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "sso/cfg.h"
#include "sso/err.h"

/* Structs are ~31 KB: static, never on the (small, on the target) stack. */
static struct sso_cfg a, b;
static uint8_t buf[SSO_CFG_ENCODED_MAX + 64];
static uint8_t buf2[SSO_CFG_ENCODED_MAX + 64];

static void fill(char *dst, size_t n, char c)
{
    memset(dst, c, n);
    dst[n] = '\0';
}

/* Every field at its bound: the encoding must be exactly SSO_CFG_ENCODED_MAX bytes. */
static void full_config(struct sso_cfg *c)
{
    unsigned i;
    sso_cfg_defaults(c);
    fill(c->sp.provider_name, SSO_CFG_NAME_MAX, 'P');
    fill(c->sp.short_name, SSO_CFG_SHORT_MAX, 'a');
    memcpy(c->sp.metadata_url, "https://", 8);
    fill(c->sp.metadata_url + 8, SSO_CFG_URL_MAX - 1 - 8, 'm');
    /* the base URL is bounded tighter (room for the generated paths) */
    memcpy(c->sp.base_url, "https://", 8);
    fill(c->sp.base_url + 8, SSO_CFG_BASE_URL_MAX - 8, 'b');
    c->sp.default_relay_state[0] = '/';
    fill(c->sp.default_relay_state + 1, SSO_CFG_RELAY_STATE_MAX - 1, 'r');
    fill(c->sp.username_attribute, SSO_CFG_ATTR_MAX, 'u');
    fill(c->sp.role_attribute, SSO_CFG_ATTR_MAX, 'g');
    for (i = 0; i < SSO_CFG_GROUPS_MAX; i++) {
        fill(c->sp.admin_groups[i], SSO_CFG_GROUP_MAX, (char)('A' + i));
        fill(c->sp.readonly_groups[i], SSO_CFG_GROUP_MAX, (char)('a' + i));
    }
    c->sp.admin_group_count = c->sp.readonly_group_count = SSO_CFG_GROUPS_MAX;
    c->sp.clock_skew_s = SSO_CFG_SKEW_MAX_S;
    c->sp.session_lifetime_s = SSO_CFG_LIFETIME_MAX_S;
    c->sp.password_grace_hours = SSO_CFG_GRACE_MAX_HOURS;
    c->sp.allow_idp_initiated = false;
    c->sp.enabled = true;
    c->sp.enabled_at_s = 1767225600;
    fill(c->idp.entity_id, SSO_CFG_URL_MAX - 1, 'e');
    memcpy(c->idp.sso_redirect, c->sp.metadata_url, SSO_CFG_URL_MAX);
    memcpy(c->idp.sso_post, c->sp.metadata_url, SSO_CFG_URL_MAX);
    c->idp.source = SSO_CFG_IDP_URL;
    c->idp.entity_id_found = true;
    c->idp.imported_at_s = 1767225601;
    c->idp.valid_until_s = 1798761600;
    c->idp.cache_duration_s = 86400;
    c->idp.cert_count = SSO_CFG_MD_MAX_CERTS;
    for (i = 0; i < SSO_CFG_MD_MAX_CERTS; i++) {
        c->idp.certs[i].len = SSO_CFG_CERT_MAX_DER;
        memset(c->idp.certs[i].der, 0x30 + (int)i, SSO_CFG_CERT_MAX_DER);
    }
    c->account_count = SSO_CFG_ACCOUNTS_MAX;
    for (i = 0; i < SSO_CFG_ACCOUNTS_MAX; i++) {
        struct sso_cfg_account *ac = &c->accounts[i];
        fill(ac->name, SSO_CFG_USER_MAX, (char)('k' + i));
        ac->role = i == 0 ? SSO_CFG_ROLE_ADMIN : SSO_CFG_ROLE_READONLY;
        ac->iterations = 10000 + i;
        memset(ac->salt, 0x11 * (int)(i + 1), sizeof(ac->salt));
        memset(ac->hash, 0x22 * (int)(i + 1), sizeof(ac->hash));
        ac->changed_at_s = 1700000000 + i;
    }
    c->keys.tls_key.len = SSO_CFG_KEY_MAX;
    memset(c->keys.tls_key.der, 1, SSO_CFG_KEY_MAX);
    c->keys.sp_key.len = SSO_CFG_KEY_MAX;
    memset(c->keys.sp_key.der, 2, SSO_CFG_KEY_MAX);
    c->keys.tls_cert.len = SSO_CFG_CERT_MAX_DER;
    memset(c->keys.tls_cert.der, 3, SSO_CFG_CERT_MAX_DER);
    c->keys.sp_cert.len = SSO_CFG_CERT_MAX_DER;
    memset(c->keys.sp_cert.der, 4, SSO_CFG_CERT_MAX_DER);
    c->trust_count = SSO_CFG_TRUST_MAX;
    for (i = 0; i < SSO_CFG_TRUST_MAX; i++) {
        c->trust[i].len = SSO_CFG_CERT_MAX_DER;
        memset(c->trust[i].der, 5 + (int)i, SSO_CFG_CERT_MAX_DER);
    }
    c->audit.count = SSO_CFG_AUDIT_MAX;
    for (i = 0; i < SSO_CFG_AUDIT_MAX; i++) {
        struct sso_cfg_audit_entry *e = &c->audit.e[i];
        e->seq = 100 + i;
        e->time_s = i == 3 ? 0 : 1767225600 + i;
        e->event = (uint16_t)(i + 1);
        e->code = (int16_t)(-1200 - (int)i);
        fill(e->user, SSO_CFG_USER_MAX, 'w');
        fill(e->detail, SSO_CFG_AUDIT_DETAIL_MAX, 'd');
    }
}

/* A small, typical configuration. */
static void small_config(struct sso_cfg *c)
{
    sso_cfg_defaults(c);
    strcpy(c->sp.provider_name, "Okta \xc3\xa9quipe"); /* UTF-8 is fine */
    strcpy(c->sp.short_name, "okta");
    strcpy(c->sp.base_url, "https://fw1.example.com:8443");
    strcpy(c->sp.role_attribute, "groups");
    strcpy(c->sp.admin_groups[0], "admins");
    c->sp.admin_group_count = 1;
    strcpy(c->idp.entity_id, "http://www.okta.com/exk1fcia6d6EMsf331d8");
    strcpy(c->idp.sso_redirect, "https://dev-1.okta.com/app/x/sso/saml");
    c->idp.source = SSO_CFG_IDP_PASTED;
    c->idp.cert_count = 1;
    c->idp.certs[0].len = 3;
    memcpy(c->idp.certs[0].der, "\x30\x01\x00", 3);
    c->account_count = 1;
    strcpy(c->accounts[0].name, "admin");
    c->accounts[0].role = SSO_CFG_ROLE_ADMIN;
    c->accounts[0].iterations = 4096;
    sso_cfg_audit_append(&c->audit, 1, 1767225600, 7, 0, "admin", "first boot");
}

TEST_CASE(defaults)
{
    sso_cfg_defaults(&a);
    TEST_EQ(a.sp.clock_skew_s, 180);
    TEST_EQ(a.sp.session_lifetime_s, 28800);
    TEST_EQ(a.sp.password_grace_hours, 72);
    TEST_TRUE(a.sp.allow_idp_initiated);
    TEST_TRUE(!a.sp.enabled);
    TEST_EQ(a.idp.cert_count, 0);
    /* the defaults encode to a few bytes and decode to themselves */
    size_t len = 0;
    TEST_OK(sso_cfg_encode(&a, buf, sizeof(buf), &len));
    TEST_TRUE(len < 40);
    TEST_OK(sso_cfg_decode(&b, buf, len));
    TEST_MEM_EQ(&a, &b, sizeof(a));
    /* and so does an empty payload */
    TEST_OK(sso_cfg_decode(&b, NULL, 0));
    TEST_MEM_EQ(&a, &b, sizeof(a));
}

TEST_CASE(round_trip_full_is_exactly_the_max)
{
    size_t len = 0;
    full_config(&a);
    TEST_OK(sso_cfg_encode(&a, buf, sizeof(buf), &len));
    TEST_EQ(len, SSO_CFG_ENCODED_MAX);
    TEST_OK(sso_cfg_decode(&b, buf, len));
    TEST_MEM_EQ(&a, &b, sizeof(a));
    /* The record fits a slot of both boards' 32 KB config partitions. */
    TEST_TRUE(SSO_CFG_ENCODED_MAX + 200 < 32768 - 48);
    printf("  worst-case record: %u bytes; struct sso_cfg: %u bytes\n",
           (unsigned)SSO_CFG_ENCODED_MAX, (unsigned)sizeof(struct sso_cfg));
}

TEST_CASE(round_trip_small)
{
    size_t len = 0;
    small_config(&a);
    TEST_OK(sso_cfg_encode(&a, buf, sizeof(buf), &len));
    TEST_OK(sso_cfg_decode(&b, buf, len));
    TEST_MEM_EQ(&a, &b, sizeof(a));
}

TEST_CASE(encode_reports_every_short_buffer)
{
    size_t len = 0, want, n, dummy;
    small_config(&a);
    TEST_OK(sso_cfg_encode(&a, buf, sizeof(buf), &want));
    for (n = 0; n < want; n++) {
        TEST_EQ(sso_cfg_encode(&a, buf2, n, &dummy), SSO_E_NOSPC);
    }
    TEST_OK(sso_cfg_encode(&a, buf2, want, &len));
    TEST_EQ(len, want);
    TEST_MEM_EQ(buf, buf2, want);
}

/* Values the decoder would refuse are never written. */
TEST_CASE(encode_refuses_invalid_values)
{
    size_t len;
    small_config(&a);
    strcpy(a.sp.short_name, "Okta");
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    strcpy(a.sp.base_url, "https://fw1.example.com/path");
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    strcpy(a.sp.metadata_url, "javascript:alert(1)");
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    strcpy(a.sp.default_relay_state, "//evil.example");
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    strcpy(a.sp.provider_name, "line\nbreak");
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.sp.clock_skew_s = SSO_CFG_SKEW_MAX_S + 1;
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.sp.session_lifetime_s = SSO_CFG_LIFETIME_MIN_S - 1;
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.sp.admin_groups[0][0] = '\0';
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.accounts[0].role = SSO_CFG_ROLE_NONE;
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.accounts[0].iterations = 0;
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    strcpy(a.accounts[0].name, "ad min");
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.idp.certs[0].len = 0;
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.idp.cert_count = SSO_CFG_MD_MAX_CERTS + 1;
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.keys.sp_key.len = SSO_CFG_KEY_MAX + 1;
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.idp.source = 9;
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.audit.count = SSO_CFG_AUDIT_MAX + 1;
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    memset(a.sp.provider_name, 'x', sizeof(a.sp.provider_name)); /* no NUL in the array */
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
    small_config(&a);
    a.idp.valid_until_s = -5; /* times are positive: the decoder would refuse it */
    TEST_EQ(sso_cfg_encode(&a, buf, sizeof(buf), &len), SSO_E_INVAL);
}

/* Build a payload from raw TLVs. */
static size_t tlv(uint8_t *p, uint16_t type, const void *v, size_t vlen)
{
    p[0] = (uint8_t)type;
    p[1] = (uint8_t)(type >> 8);
    p[2] = (uint8_t)vlen;
    p[3] = (uint8_t)(vlen >> 8);
    memcpy(p + 4, v, vlen);
    return 4 + vlen;
}

static int dec1(uint16_t type, const void *v, size_t vlen)
{
    size_t n = tlv(buf, type, v, vlen);
    return sso_cfg_decode(&b, buf, n);
}

TEST_CASE(decode_refuses_bad_values)
{
    static const uint8_t zero8[8] = {0};
    static const uint8_t neg8[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    static const uint8_t big_skew[4] = {0x59, 0x02, 0, 0}; /* 601 */
    static const uint8_t ok_skew[4] = {0x58, 0x02, 0, 0};  /* 600 */
    static const uint8_t short_life[4] = {0x2B, 0x01, 0, 0};
    TEST_OK(dec1(SSO_CFG_T_SKEW, ok_skew, 4));
    TEST_EQ(b.sp.clock_skew_s, 600);
    TEST_EQ(dec1(SSO_CFG_T_SKEW, big_skew, 4), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_SKEW, ok_skew, 3), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_LIFETIME, short_life, 4), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_SHORT, "Okta", 4), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_SHORT, "", 0), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_SHORT, "ok\0a", 4), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_SHORT, "ok-1", 4));
    TEST_STR_EQ(b.sp.short_name, "ok-1");
    TEST_EQ(dec1(SSO_CFG_T_PROVIDER, "a\x1b[31m", 6), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_PROVIDER, "\xc3\x28", 2), SSO_E_CFG_CORRUPT);     /* bad UTF-8 */
    TEST_EQ(dec1(SSO_CFG_T_PROVIDER, "\xe0\x80\xaf", 3), SSO_E_CFG_CORRUPT); /* overlong */
    TEST_EQ(dec1(SSO_CFG_T_PROVIDER, "\xed\xa0\x80", 3), SSO_E_CFG_CORRUPT); /* surrogate */
    TEST_EQ(dec1(SSO_CFG_T_PROVIDER, "\xf4\x90\x80\x80", 4), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_PROVIDER, "\xf0\x9f\x94\x91", 4));
    TEST_EQ(dec1(SSO_CFG_T_BASE_URL, "https://a/b", 11), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_MD_URL, "ftp://a", 7), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_IDP_POST, "https://u@a", 11), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_RELAY, "https://evil", 12), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_RELAY, "/status", 7));
    TEST_EQ(dec1(SSO_CFG_T_FLAGS, "\x04", 1), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_FLAGS, "\x01\x00", 2), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_FLAGS, "\x02", 1));
    TEST_TRUE(b.sp.enabled && !b.sp.allow_idp_initiated);
    TEST_EQ(dec1(SSO_CFG_T_ENABLED_AT, zero8, 8), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_ENABLED_AT, neg8, 8), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_ENABLED_AT, neg8, 7), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_IDP_SOURCE, "\x00", 1), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_IDP_SOURCE, "\x04", 1), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_IDP_FOUND, "\x02", 1), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_IDP_CERT, "", 0), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_TLS_KEY, "", 0), SSO_E_CFG_CORRUPT);
    /* the error leaves the defaults, not a half-applied record */
    sso_cfg_defaults(&a);
    TEST_MEM_EQ(&a, &b, sizeof(a));
}

TEST_CASE(decode_refuses_oversized_values)
{
    static uint8_t big[SSO_CFG_CERT_MAX_DER + 1];
    memset(big, 'a', sizeof(big));
    TEST_EQ(dec1(SSO_CFG_T_IDP_CERT, big, SSO_CFG_CERT_MAX_DER + 1), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_IDP_CERT, big, SSO_CFG_CERT_MAX_DER));
    TEST_EQ(dec1(SSO_CFG_T_SP_KEY, big, SSO_CFG_KEY_MAX + 1), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_SP_KEY, big, SSO_CFG_KEY_MAX));
    TEST_EQ(dec1(SSO_CFG_T_PROVIDER, big, SSO_CFG_NAME_MAX + 1), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_PROVIDER, big, SSO_CFG_NAME_MAX));
    TEST_EQ(dec1(SSO_CFG_T_SHORT, big, SSO_CFG_SHORT_MAX + 1), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_SHORT, big, SSO_CFG_SHORT_MAX));
    TEST_EQ(dec1(SSO_CFG_T_IDP_ENTITY, big, SSO_CFG_URL_MAX), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_IDP_ENTITY, big, SSO_CFG_URL_MAX - 1));
    TEST_EQ(dec1(SSO_CFG_T_ADMIN_GROUP, big, SSO_CFG_GROUP_MAX + 1), SSO_E_CFG_CORRUPT);
    TEST_EQ(dec1(SSO_CFG_T_ROLE_ATTR, big, SSO_CFG_ATTR_MAX + 1), SSO_E_CFG_CORRUPT);
}

TEST_CASE(decode_refuses_duplicates_and_overfull_lists)
{
    size_t n = 0;
    unsigned i;
    n += tlv(buf + n, SSO_CFG_T_SHORT, "a", 1);
    n += tlv(buf + n, SSO_CFG_T_SHORT, "b", 1);
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_CORRUPT);
    n = 0;
    n += tlv(buf + n, SSO_CFG_T_IDP_SOURCE, "\x01", 1);
    n += tlv(buf + n, SSO_CFG_T_IDP_SOURCE, "\x01", 1);
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_CORRUPT);
    n = 0;
    n += tlv(buf + n, SSO_CFG_T_SP_CERT, "\x30", 1);
    n += tlv(buf + n, SSO_CFG_T_SP_CERT, "\x30", 1);
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_CORRUPT);
    /* lists: up to their bound, not one more */
    n = 0;
    for (i = 0; i < SSO_CFG_GROUPS_MAX; i++) {
        n += tlv(buf + n, SSO_CFG_T_ADMIN_GROUP, "g", 1);
    }
    TEST_OK(sso_cfg_decode(&b, buf, n));
    TEST_EQ(b.sp.admin_group_count, SSO_CFG_GROUPS_MAX);
    n += tlv(buf + n, SSO_CFG_T_ADMIN_GROUP, "g", 1);
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_CORRUPT);
    n = 0;
    for (i = 0; i <= SSO_CFG_MD_MAX_CERTS; i++) {
        n += tlv(buf + n, SSO_CFG_T_IDP_CERT, "\x30", 1);
    }
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_CORRUPT);
    n = 0;
    for (i = 0; i <= SSO_CFG_TRUST_MAX; i++) {
        n += tlv(buf + n, SSO_CFG_T_TRUST_CA, "\x30", 1);
    }
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_CORRUPT);
}

TEST_CASE(decode_accounts)
{
    uint8_t v[SSO_CFG_ACCOUNT_FIXED + SSO_CFG_USER_MAX + 1];
    size_t n;
    unsigned i;
    memset(v, 0, sizeof(v));
    v[0] = SSO_CFG_ROLE_ADMIN;
    v[1] = 0x10; /* 4096 iterations */
    memcpy(v + SSO_CFG_ACCOUNT_FIXED, "admin", 5);
    TEST_OK(dec1(SSO_CFG_T_ACCOUNT, v, SSO_CFG_ACCOUNT_FIXED + 5));
    TEST_EQ(b.account_count, 1);
    TEST_STR_EQ(b.accounts[0].name, "admin");
    TEST_EQ(b.accounts[0].iterations, 16);
    /* empty name, bad name, bad role, zero iterations, too long */
    TEST_EQ(dec1(SSO_CFG_T_ACCOUNT, v, SSO_CFG_ACCOUNT_FIXED), SSO_E_CFG_CORRUPT);
    v[SSO_CFG_ACCOUNT_FIXED + 1] = ' ';
    TEST_EQ(dec1(SSO_CFG_T_ACCOUNT, v, SSO_CFG_ACCOUNT_FIXED + 5), SSO_E_CFG_CORRUPT);
    v[SSO_CFG_ACCOUNT_FIXED + 1] = 'd';
    v[0] = 3;
    TEST_EQ(dec1(SSO_CFG_T_ACCOUNT, v, SSO_CFG_ACCOUNT_FIXED + 5), SSO_E_CFG_CORRUPT);
    v[0] = SSO_CFG_ROLE_READONLY;
    v[1] = 0;
    TEST_EQ(dec1(SSO_CFG_T_ACCOUNT, v, SSO_CFG_ACCOUNT_FIXED + 5), SSO_E_CFG_CORRUPT);
    v[1] = 1;
    memset(v + SSO_CFG_ACCOUNT_FIXED, 'x', SSO_CFG_USER_MAX + 1);
    TEST_EQ(dec1(SSO_CFG_T_ACCOUNT, v, sizeof(v)), SSO_E_CFG_CORRUPT);
    TEST_OK(dec1(SSO_CFG_T_ACCOUNT, v, sizeof(v) - 1));
    /* the same name twice */
    memcpy(v + SSO_CFG_ACCOUNT_FIXED, "admin", 5);
    n = tlv(buf, SSO_CFG_T_ACCOUNT, v, SSO_CFG_ACCOUNT_FIXED + 5);
    n += tlv(buf + n, SSO_CFG_T_ACCOUNT, v, SSO_CFG_ACCOUNT_FIXED + 5);
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_CORRUPT);
    /* more accounts than the table */
    n = 0;
    for (i = 0; i <= SSO_CFG_ACCOUNTS_MAX; i++) {
        v[SSO_CFG_ACCOUNT_FIXED] = (uint8_t)('a' + i);
        n += tlv(buf + n, SSO_CFG_T_ACCOUNT, v, SSO_CFG_ACCOUNT_FIXED + 5);
    }
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_CORRUPT);
}

TEST_CASE(decode_audit_entries)
{
    uint8_t v[SSO_CFG_AUDIT_FIXED + 8];
    size_t n;
    memset(v, 0, sizeof(v));
    v[0] = 5;  /* seq 5 */
    v[16] = 3; /* user length */
    memcpy(v + SSO_CFG_AUDIT_FIXED, "bobhi", 5);
    TEST_OK(dec1(SSO_CFG_T_AUDIT, v, SSO_CFG_AUDIT_FIXED + 5));
    TEST_STR_EQ(b.audit.e[0].user, "bob");
    TEST_STR_EQ(b.audit.e[0].detail, "hi");
    v[16] = 6; /* user longer than the value */
    TEST_EQ(dec1(SSO_CFG_T_AUDIT, v, SSO_CFG_AUDIT_FIXED + 5), SSO_E_CFG_CORRUPT);
    v[16] = 3;
    TEST_EQ(dec1(SSO_CFG_T_AUDIT, v, SSO_CFG_AUDIT_FIXED - 1), SSO_E_CFG_CORRUPT);
    v[SSO_CFG_AUDIT_FIXED + 3] = '\n';
    TEST_EQ(dec1(SSO_CFG_T_AUDIT, v, SSO_CFG_AUDIT_FIXED + 5), SSO_E_CFG_CORRUPT);
    v[SSO_CFG_AUDIT_FIXED + 3] = 'h';
    /* numbers must increase */
    n = tlv(buf, SSO_CFG_T_AUDIT, v, SSO_CFG_AUDIT_FIXED + 5);
    n += tlv(buf + n, SSO_CFG_T_AUDIT, v, SSO_CFG_AUDIT_FIXED + 5);
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_CORRUPT);
}

TEST_CASE(unknown_types)
{
    size_t n = 0;
    n += tlv(buf + n, 0x0001, "fw-host", 7);       /* the firmware's settings: skipped */
    n += tlv(buf + n, 0x00FF, "x", 1);             /* also the firmware's */
    n += tlv(buf + n, SSO_CFG_T_SHORT, "okta", 4); /* ours */
    n += tlv(buf + n, 0x4777, "later", 5);         /* skippable, unknown */
    TEST_OK(sso_cfg_decode(&b, buf, n));
    TEST_STR_EQ(b.sp.short_name, "okta");
    /* a critical type this code does not know refuses the whole record */
    n += tlv(buf + n, 0x0777, "trust", 5);
    TEST_EQ(sso_cfg_decode(&b, buf, n), SSO_E_CFG_VERSION);
    TEST_STR_EQ(b.sp.short_name, "");
    TEST_EQ(dec1(0x010F, "x", 1), SSO_E_CFG_VERSION); /* also inside a known section */
    /* skipped types are not carried over by the next encode */
    n = tlv(buf, 0x4777, "later", 5);
    TEST_OK(sso_cfg_decode(&b, buf, n));
    TEST_OK(sso_cfg_encode(&b, buf2, sizeof(buf2), &n));
    for (size_t i = 0; i + 5 <= n; i++) {
        TEST_TRUE(memcmp(buf2 + i, "later", 5) != 0);
    }
}

/* Truncation inside a TLV is refused; only whole TLVs count. */
TEST_CASE(truncated_payloads)
{
    size_t len = 0, cut, off;
    unsigned boundaries = 0;
    small_config(&a);
    TEST_OK(sso_cfg_encode(&a, buf, sizeof(buf), &len));
    for (cut = 0; cut < len; cut++) {
        bool at_boundary = false;
        int rc = sso_cfg_decode(&b, buf, cut);
        for (off = 0; off <= cut; off += 4u + (size_t)(buf[off + 2] | buf[off + 3] << 8)) {
            if (off == cut) {
                at_boundary = true;
            }
        }
        boundaries += at_boundary;
        if (at_boundary) {
            TEST_OK(rc);
        } else {
            TEST_EQ(rc, SSO_E_CFG_CORRUPT);
        }
    }
    TEST_TRUE(boundaries > 10);
}

/* Deterministic mutation: whatever decodes must encode again to the same thing. */
TEST_CASE(mutations_decode_or_refuse_cleanly)
{
    size_t len = 0, len2 = 0, i;
    uint32_t x = 12345;
    unsigned ok = 0, refused = 0, round;
    full_config(&a);
    TEST_OK(sso_cfg_encode(&a, buf, sizeof(buf), &len));
    for (round = 0; round < 3000; round++) {
        static uint8_t m[SSO_CFG_ENCODED_MAX];
        unsigned flips = 1 + round % 4;
        memcpy(m, buf, len);
        for (i = 0; i < flips; i++) {
            x = x * 1103515245u + 12345u;
            /* bias toward headers: the first bytes of TLVs decide the most */
            m[(x >> 8) % (round % 2 ? len : 600)] ^= (uint8_t)(1u << ((x >> 4) & 7));
        }
        if (sso_cfg_decode(&b, m, len) == SSO_OK) {
            ok++;
            TEST_OK(sso_cfg_encode(&b, buf2, sizeof(buf2), &len2));
            TEST_OK(sso_cfg_decode(&a, buf2, len2));
            TEST_MEM_EQ(&a, &b, sizeof(a));
            full_config(&a);
        } else {
            refused++;
        }
    }
    printf("  mutations: %u decoded, %u refused\n", ok, refused);
    TEST_TRUE(ok > 0 && refused > 0);
}

TEST_CASE(rules)
{
    TEST_TRUE(sso_cfg_short_name_ok("okta", 4));
    TEST_TRUE(sso_cfg_short_name_ok("a-1", 3));
    TEST_TRUE(!sso_cfg_short_name_ok("", 0));
    TEST_TRUE(!sso_cfg_short_name_ok("Okta", 4));
    TEST_TRUE(!sso_cfg_short_name_ok("a.b", 3));
    TEST_TRUE(!sso_cfg_short_name_ok("a/b", 3));
    TEST_TRUE(!sso_cfg_short_name_ok("a_b", 3));
    TEST_TRUE(sso_cfg_short_name_ok("abcdefghijabcdefghijabcdefghij12", 32));
    TEST_TRUE(!sso_cfg_short_name_ok("abcdefghijabcdefghijabcdefghij123", 33));
    TEST_TRUE(sso_cfg_base_url_ok("https://fw.example.com", 22));
    TEST_TRUE(sso_cfg_base_url_ok("http://127.0.0.1:8080", 21));
    TEST_TRUE(!sso_cfg_base_url_ok("https://fw.example.com/", 23));
    TEST_TRUE(!sso_cfg_base_url_ok("https://fw.example.com?x", 24));
    TEST_TRUE(!sso_cfg_base_url_ok("https://fw.example.com#x", 24));
    TEST_TRUE(!sso_cfg_base_url_ok("fw.example.com", 14));
    TEST_TRUE(!sso_cfg_base_url_ok("https://u@fw", 12));
    TEST_TRUE(!sso_cfg_base_url_ok("https://", 8));
    TEST_TRUE(sso_cfg_user_name_ok("alice@example.com", 17));
    TEST_TRUE(!sso_cfg_user_name_ok("a b", 3));
    TEST_TRUE(!sso_cfg_user_name_ok("", 0));
    TEST_TRUE(sso_cfg_text_ok("Okta", 4));
    TEST_TRUE(!sso_cfg_text_ok("a\tb", 3));
    TEST_TRUE(!sso_cfg_text_ok("a\x7f", 2));
    TEST_TRUE(!sso_cfg_text_ok("\xff", 1));
    TEST_TRUE(!sso_cfg_text_ok("\xc3", 1)); /* cut sequence */
}

TEST_CASE(sp_urls)
{
    static char acs[SSO_CFG_URL_MAX], ent[SSO_CFG_URL_MAX];
    sso_cfg_defaults(&a);
    TEST_EQ(sso_cfg_sp_urls(&a.sp, acs, ent), SSO_E_INVAL);
    TEST_STR_EQ(acs, "");
    strcpy(a.sp.base_url, "http://127.0.0.1:8080");
    TEST_EQ(sso_cfg_sp_urls(&a.sp, acs, ent), SSO_E_INVAL);
    strcpy(a.sp.short_name, "okta");
    TEST_OK(sso_cfg_sp_urls(&a.sp, acs, ent));
    TEST_STR_EQ(acs, "http://127.0.0.1:8080/sso/okta/acs");
    TEST_STR_EQ(ent, "http://127.0.0.1:8080/sso/okta/metadata");
    TEST_OK(sso_cfg_sp_urls(&a.sp, NULL, ent));
    /* the longest base URL and short name still fit */
    full_config(&a);
    TEST_OK(sso_cfg_sp_urls(&a.sp, acs, ent));
    TEST_EQ(strlen(ent), SSO_CFG_URL_MAX - 1);
    /* one byte more is refused */
    strcat(a.sp.base_url, "b");
    TEST_EQ(sso_cfg_sp_urls(&a.sp, acs, ent), SSO_E_INVAL);
}

TEST_CASE(map_role)
{
    const char *v1[] = {"users", "admins"};
    const char *v2[] = {"readonly", "other"};
    const char *v3[] = {"Admins", ""};
    const char *v4[] = {"readonly", "admins"};
    sso_cfg_defaults(&a);
    strcpy(a.sp.admin_groups[0], "admins");
    a.sp.admin_group_count = 1;
    strcpy(a.sp.readonly_groups[0], "readonly");
    strcpy(a.sp.readonly_groups[1], "auditors");
    a.sp.readonly_group_count = 2;
    TEST_EQ(sso_cfg_map_role(&a.sp, v1, 2), SSO_CFG_ROLE_ADMIN);
    TEST_EQ(sso_cfg_map_role(&a.sp, v2, 2), SSO_CFG_ROLE_READONLY);
    TEST_EQ(sso_cfg_map_role(&a.sp, v3, 2), SSO_CFG_ROLE_NONE); /* case-sensitive */
    TEST_EQ(sso_cfg_map_role(&a.sp, v4, 2), SSO_CFG_ROLE_ADMIN);
    TEST_EQ(sso_cfg_map_role(&a.sp, v1, 0), SSO_CFG_ROLE_NONE);
}

TEST_CASE(audit_append)
{
    unsigned i;
    static char longtext[300];
    sso_cfg_defaults(&a);
    for (i = 0; i < SSO_CFG_AUDIT_MAX + 5; i++) {
        sso_cfg_audit_append(&a.audit, i + 1, 1000 + i, 1, 0, "u", "d");
    }
    TEST_EQ(a.audit.count, SSO_CFG_AUDIT_MAX);
    TEST_EQ(a.audit.e[0].seq, 6);
    TEST_EQ(a.audit.e[SSO_CFG_AUDIT_MAX - 1].seq, SSO_CFG_AUDIT_MAX + 5);
    /* hostile text: control characters and bad bytes replaced, cut on a UTF-8 boundary */
    sso_cfg_audit_append(&a.audit, 100, 0, 2, -1211, "ev\nil\x1b\xff", NULL);
    TEST_STR_EQ(a.audit.e[SSO_CFG_AUDIT_MAX - 1].user, "ev?il??");
    TEST_STR_EQ(a.audit.e[SSO_CFG_AUDIT_MAX - 1].detail, "");
    memset(longtext, 'a', sizeof(longtext) - 1);
    memcpy(longtext + SSO_CFG_AUDIT_DETAIL_MAX - 1, "\xc3\xa9", 2); /* straddles the end */
    sso_cfg_audit_append(&a.audit, 101, 0, 2, 0, NULL, longtext);
    /* cut: never silently, it ends in "..." */
    TEST_EQ(strlen(a.audit.e[SSO_CFG_AUDIT_MAX - 1].detail), SSO_CFG_AUDIT_DETAIL_MAX);
    TEST_STR_EQ(a.audit.e[SSO_CFG_AUDIT_MAX - 1].detail + SSO_CFG_AUDIT_DETAIL_MAX - 4, "a...");
    /* exactly at the bound: kept whole, no marker */
    longtext[SSO_CFG_AUDIT_DETAIL_MAX - 1] = 'z';
    longtext[SSO_CFG_AUDIT_DETAIL_MAX] = '\0';
    sso_cfg_audit_append(&a.audit, 102, 0, 2, 0, NULL, longtext);
    TEST_EQ(strlen(a.audit.e[SSO_CFG_AUDIT_MAX - 1].detail), SSO_CFG_AUDIT_DETAIL_MAX);
    TEST_EQ(a.audit.e[SSO_CFG_AUDIT_MAX - 1].detail[SSO_CFG_AUDIT_DETAIL_MAX - 1], 'z');
    /* a multi-byte character where the marker goes: the cut stays on a boundary */
    memset(longtext, 'b', SSO_CFG_AUDIT_DETAIL_MAX + 10);
    longtext[SSO_CFG_AUDIT_DETAIL_MAX + 10] = '\0';
    memcpy(longtext + SSO_CFG_AUDIT_DETAIL_MAX - 4, "\xe2\x82\xac", 3); /* U+20AC */
    sso_cfg_audit_append(&a.audit, 103, 0, 2, 0, NULL, longtext);
    TEST_EQ(strlen(a.audit.e[SSO_CFG_AUDIT_MAX - 1].detail), SSO_CFG_AUDIT_DETAIL_MAX - 1);
    TEST_STR_EQ(a.audit.e[SSO_CFG_AUDIT_MAX - 1].detail + SSO_CFG_AUDIT_DETAIL_MAX - 5, "b...");
    /* whatever was appended encodes */
    size_t len;
    TEST_OK(sso_cfg_encode(&a, buf, sizeof(buf), &len));
}

static const struct lk_test_case cases[] = {
    LK_CASE(defaults),
    LK_CASE(round_trip_full_is_exactly_the_max),
    LK_CASE(round_trip_small),
    LK_CASE(encode_reports_every_short_buffer),
    LK_CASE(encode_refuses_invalid_values),
    LK_CASE(decode_refuses_bad_values),
    LK_CASE(decode_refuses_oversized_values),
    LK_CASE(decode_refuses_duplicates_and_overfull_lists),
    LK_CASE(decode_accounts),
    LK_CASE(decode_audit_entries),
    LK_CASE(unknown_types),
    LK_CASE(truncated_payloads),
    LK_CASE(mutations_decode_or_refuse_cleanly),
    LK_CASE(rules),
    LK_CASE(sp_urls),
    LK_CASE(map_role),
    LK_CASE(audit_append),
};

TEST_MAIN(cases)
