/*
 * Replay cache (sso/resp.h): assertions already used, remembered until they expire.
 *
 * Entries hold a truncated SHA-256 of (Issuer, NUL, ID) rather than the ID itself, so the
 * table has a fixed size whatever the IdP's ID length, and a persisted cache file reveals
 * nothing. 128 bits leave collisions out of reach.
 */
#include <string.h>

#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/resp.h"

static void replay_key(const char *issuer, const char *id, uint8_t key[16])
{
    struct sso_md_ctx ctx;
    uint8_t h[32];
    static const char sep = '\0';
    if (sso_crypto_md_start(&ctx, SSO_MD_SHA256) != SSO_OK) {
        memset(key, 0, 16);
        return;
    }
    sso_crypto_md_update(&ctx, issuer, strlen(issuer));
    sso_crypto_md_update(&ctx, &sep, 1);
    sso_crypto_md_update(&ctx, id, strlen(id));
    sso_crypto_md_finish(&ctx, h);
    memcpy(key, h, 16);
}

void sso_replay_init(struct sso_replay *c)
{
    memset(c, 0, sizeof(*c));
}

static bool live(const struct sso_replay_entry *e, int64_t now_s)
{
    return e->expires_s != 0 && e->expires_s > now_s;
}

bool sso_replay_seen(const struct sso_replay *c, const char *issuer, const char *id, int64_t now_s)
{
    uint8_t key[16];
    replay_key(issuer, id, key);
    for (size_t i = 0; i < SSO_CFG_REPLAY_MAX; i++) {
        if (live(&c->e[i], now_s) && memcmp(c->e[i].key, key, sizeof(key)) == 0) {
            return true;
        }
    }
    return false;
}

int sso_replay_add(struct sso_replay *c, const char *issuer, const char *id, int64_t expires_s,
                   int64_t now_s)
{
    uint8_t key[16];
    replay_key(issuer, id, key);
    for (size_t i = 0; i < SSO_CFG_REPLAY_MAX; i++) {
        if (!live(&c->e[i], now_s)) {
            memcpy(c->e[i].key, key, sizeof(key));
            /* Never store 0: it marks a free slot. */
            c->e[i].expires_s = expires_s != 0 ? expires_s : 1;
            return SSO_OK;
        }
    }
    return SSO_E_RESP_REPLAY_FULL;
}
