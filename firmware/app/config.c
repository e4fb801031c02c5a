/* Live settings and their persistence: see config.h. */
#include "app/config.h"

#include "hal/hal_err.h"
#include "store/store.h"
#include "util/log.h"

static struct fw_store store;
static struct fw_settings live;
static bool store_ok, first_boot;
static uint8_t payload[FW_CONFIG_PAYLOAD_MAX];

void fw_config_boot(void)
{
    size_t len = 0;
    int rc;

    fw_settings_defaults(&live);
    rc = fw_store_open(&store);
    if (rc != HAL_OK) {
        fw_log_printf("config: flash unusable (%d); running on defaults, nothing is saved", rc);
        return;
    }
    store_ok = true;
    rc = fw_store_load(&store, payload, sizeof(payload), &len);
    if (rc == HAL_ENODATA) {
        first_boot = true;
        fw_log_printf("config: no saved settings (first boot); using defaults");
        return;
    }
    if (rc != HAL_OK) {
        fw_log_printf("config: record %lu unreadable (%d); using defaults",
                      (unsigned long)store.seq, rc);
        return;
    }
    if (fw_settings_decode(&live, payload, len) != HAL_OK) {
        fw_log_printf("config: record %lu does not decode; using defaults",
                      (unsigned long)store.seq);
        return;
    }
    fw_log_printf("config: loaded record %lu (%lu bytes, slot %d)", (unsigned long)store.seq,
                  (unsigned long)len, store.newest);
}

const struct fw_settings *fw_config_get(void)
{
    return &live;
}

bool fw_config_first_boot(void)
{
    return first_boot;
}

uint32_t fw_config_seq(void)
{
    return store_ok && store.newest >= 0 ? store.seq : 0;
}

int fw_config_save(const struct fw_settings *s, uint32_t *ops)
{
    size_t len;
    int rc;
    if (ops != NULL) {
        *ops = 0;
    }
    if (!store_ok) {
        return HAL_EIO;
    }
    rc = fw_settings_encode(s, payload, sizeof(payload), &len);
    if (rc != HAL_OK) {
        return rc;
    }
    rc = fw_store_save(&store, payload, len);
    if (ops != NULL) {
        *ops = store.last_ops;
    }
    if (rc != HAL_OK) {
        return rc;
    }
    live = *s;
    return HAL_OK;
}

int fw_config_factory_reset(void)
{
    if (!store_ok) {
        return HAL_EIO;
    }
    return fw_store_erase(&store);
}
