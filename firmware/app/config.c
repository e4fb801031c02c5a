/* Live configuration and its persistence: see config.h. */
#include "app/config.h"

#include <stdio.h>
#include <string.h>

#include "app/audit.h"
#include "hal/hal_err.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "store/store.h"
#include "util/log.h"

static struct fw_store store;
static struct fw_settings live;
static struct sso_cfg live_sso, scratch;
static bool store_ok, first_boot;
static uint32_t payload_len;
static uint8_t payload[FW_CONFIG_PAYLOAD_MAX];

static const char *slot_state_name(uint8_t st)
{
    switch (st) {
    case FW_STORE_SLOT_EMPTY:
        return "empty";
    case FW_STORE_SLOT_VALID:
        return "valid";
    case FW_STORE_SLOT_DAMAGED:
        return "damaged";
    default:
        return "?";
    }
}

/* Decode a payload into the live settings; on failure both stay at their defaults. */
static int decode(const uint8_t *p, size_t len)
{
    int rc = fw_settings_decode(&live, p, len);
    if (rc != HAL_OK) {
        sso_cfg_defaults(&live_sso);
        return SSO_E_CFG_CORRUPT;
    }
    rc = sso_cfg_decode(&live_sso, p, len);
    if (rc != SSO_OK) {
        fw_settings_defaults(&live);
    }
    return rc;
}

/* Load and decode slot @p slot. */
static int load_slot(int slot)
{
    size_t len = 0;
    int rc = fw_store_load_slot(&store, slot, payload, sizeof(payload), &len);
    if (rc != HAL_OK) {
        return rc == HAL_ENOSPC ? SSO_E_CFG_CORRUPT : SSO_E_IO;
    }
    rc = decode(payload, len);
    if (rc == SSO_OK) {
        payload_len = (uint32_t)len;
    }
    return rc;
}

void fw_config_boot(void)
{
    int rc, other, used = -1;
    char why[96];

    fw_settings_defaults(&live);
    sso_cfg_defaults(&live_sso);
    store_ok = first_boot = false;
    payload_len = 0;
    why[0] = '\0';
    rc = fw_store_open(&store);
    if (rc != HAL_OK) {
        fw_log_printf("config: flash unusable (%d); running on defaults, nothing is saved", rc);
        return;
    }
    store_ok = true;
    if (fw_store_max_payload(&store) < FW_CONFIG_PAYLOAD_MAX) {
        fw_log_printf("config: warning: a slot holds %lu bytes, a full record needs %lu",
                      (unsigned long)fw_store_max_payload(&store),
                      (unsigned long)FW_CONFIG_PAYLOAD_MAX);
    }
    if (store.newest < 0) {
        first_boot = true;
        if (store.slot_state[0] == FW_STORE_SLOT_DAMAGED ||
            store.slot_state[1] == FW_STORE_SLOT_DAMAGED) {
            fw_log_printf("config: no valid record; slots %s/%s (an interrupted first save or "
                          "corruption); using defaults",
                          slot_state_name(store.slot_state[0]),
                          slot_state_name(store.slot_state[1]));
        } else {
            fw_log_printf("config: no saved settings (first boot); using defaults");
        }
        return;
    }
    other = store.newest ^ 1;
    rc = load_slot(store.newest);
    if (rc == SSO_OK) {
        used = store.newest;
    } else {
        (void)snprintf(why, sizeof(why), "record %lu in slot %d is unusable (%s)",
                       (unsigned long)store.seq, store.newest, sso_err_code(rc));
        fw_log_printf("config: %s", why);
        if (store.slot_state[other] == FW_STORE_SLOT_VALID) {
            rc = load_slot(other);
            if (rc == SSO_OK) {
                used = other;
                (void)fw_store_use_slot(&store, other);
            } else {
                fw_log_printf("config: the older record in slot %d is unusable too (%s)", other,
                              sso_err_code(rc));
            }
        }
    }
    if (used < 0) {
        fw_settings_defaults(&live);
        sso_cfg_defaults(&live_sso);
        fw_log_printf("config: using defaults");
        /* The audit tail is gone with the record; this event starts a new one. */
        fw_audit(FW_EV_CONFIG_DAMAGED, SSO_E_CFG_CORRUPT, NULL, "%s; no usable record, defaults",
                 why);
        return;
    }
    fw_log_printf("config: loaded record %lu (%lu bytes, slot %d)", (unsigned long)store.seq,
                  (unsigned long)payload_len, used);
    if (used != store.newest || why[0] != '\0') {
        fw_audit(FW_EV_CONFIG_DAMAGED, SSO_E_CFG_CORRUPT, NULL, "%s; fell back to record %lu", why,
                 (unsigned long)store.seq);
    } else if (store.slot_state[other] == FW_STORE_SLOT_DAMAGED) {
        /* Most often a save that a power cut interrupted: the older settings stayed. */
        fw_log_printf("config: slot %d holds a damaged record (interrupted save or corruption); "
                      "ignored",
                      other);
        fw_audit(FW_EV_CONFIG_DAMAGED, 0, NULL,
                 "slot %d damaged (interrupted save or corruption); record %lu in use", other,
                 (unsigned long)store.seq);
    }
}

const struct fw_settings *fw_config_get(void)
{
    return &live;
}

const struct sso_cfg *fw_config_sso(void)
{
    return &live_sso;
}

bool fw_config_first_boot(void)
{
    return first_boot;
}

uint32_t fw_config_seq(void)
{
    return store_ok && store.newest >= 0 ? store.seq : 0;
}

uint32_t fw_config_payload_len(void)
{
    return payload_len;
}

struct sso_cfg_audit *fw_config_audit_tail(void)
{
    return &live_sso.audit;
}

/* Encode @p s + @p c and write a record. */
static int save(const struct fw_settings *s, const struct sso_cfg *c, uint32_t *ops)
{
    size_t len1 = 0, len2 = 0;
    int rc;
    if (ops != NULL) {
        *ops = 0;
    }
    if (!store_ok) {
        return HAL_EIO;
    }
    rc = fw_settings_encode(s, payload, sizeof(payload), &len1);
    if (rc != HAL_OK) {
        return rc;
    }
    rc = sso_cfg_encode(c, payload + len1, sizeof(payload) - len1, &len2);
    if (rc != SSO_OK) {
        return rc == SSO_E_NOSPC ? HAL_ENOSPC : HAL_EINVAL;
    }
    rc = fw_store_save(&store, payload, len1 + len2);
    if (ops != NULL) {
        *ops = store.last_ops;
    }
    if (rc == HAL_OK) {
        payload_len = (uint32_t)(len1 + len2);
        fw_audit_saved();
    }
    return rc;
}

int fw_config_save(const struct fw_settings *s, uint32_t *ops)
{
    int rc = save(s, &live_sso, ops);
    if (rc == HAL_OK) {
        live = *s;
    }
    return rc;
}

struct sso_cfg *fw_config_edit(void)
{
    scratch = live_sso;
    return &scratch;
}

int fw_config_commit(uint32_t *ops)
{
    int rc;
    /* Events logged while the change was prepared are in the live tail. */
    scratch.audit = live_sso.audit;
    rc = save(&live, &scratch, ops);
    if (rc == HAL_OK) {
        live_sso = scratch;
    }
    return rc;
}

void fw_config_abort(void)
{
    /* Nothing to undo: the live configuration was never touched. Wipe the keys and
     * password hashes the scratch copy may hold. */
    sso_crypto_zeroize(&scratch, sizeof(scratch));
}

int fw_config_flush(uint32_t *ops)
{
    return save(&live, &live_sso, ops);
}

int fw_config_factory_reset(void)
{
    if (!store_ok) {
        return HAL_EIO;
    }
    return fw_store_erase(&store);
}
