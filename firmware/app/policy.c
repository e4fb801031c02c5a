/* Login policies: see policy.h. */
#include "app/policy.h"

#include <string.h>

#include "app/timesync.h"
#include "hal/hal_err.h"

int64_t fw_policy_password_until(const struct sso_cfg *c)
{
    if (!c->sp.enabled || c->sp.enabled_at_s <= 0) {
        return 0;
    }
    return c->sp.enabled_at_s + (int64_t)c->sp.password_grace_hours * 3600;
}

bool fw_policy_password_allowed(const struct sso_cfg *c)
{
    int64_t now, until = fw_policy_password_until(c);
    if (until == 0) {
        return true;
    }
    if (fw_time_now(&now) != HAL_OK) {
        return true; /* see policy.h: no time, no SSO; the password must still work */
    }
    return now < until;
}

static void add(char *out, size_t size, size_t *len, const char *what)
{
    size_t n = strlen(what);
    if (out == NULL || *len + n + 3 > size) {
        return;
    }
    if (*len > 0) {
        out[(*len)++] = ',';
        out[(*len)++] = ' ';
    }
    memcpy(out + *len, what, n + 1);
    *len += n;
}

bool fw_policy_sso_ready(const struct sso_cfg *c, char *missing, size_t size)
{
    size_t len = 0;
    bool ok = true;
    if (missing != NULL && size > 0) {
        missing[0] = '\0';
    }
#define NEED(cond, what)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ok = false;                                                                            \
            add(missing, size, &len, what);                                                        \
        }                                                                                          \
    } while (0)
    NEED(c->sp.short_name[0] != '\0', "short_name");
    NEED(c->sp.base_url[0] != '\0', "base_url");
    NEED(c->idp.entity_id[0] != '\0', "idp_entity_id");
    NEED(c->idp.sso_redirect[0] != '\0' || c->idp.sso_post[0] != '\0', "idp_sso_url");
    NEED(c->idp.cert_count > 0, "idp_certs");
    NEED(c->sp.role_attribute[0] != '\0', "role_attribute");
    NEED(c->sp.admin_group_count + c->sp.readonly_group_count > 0, "admin_groups");
#undef NEED
    return ok;
}

const char *fw_policy_idp_sso_url(const struct sso_cfg *c, bool *redirect)
{
    bool r = c->idp.sso_redirect[0] != '\0';
    if (redirect != NULL) {
        *redirect = r;
    }
    return r ? c->idp.sso_redirect : c->idp.sso_post;
}
