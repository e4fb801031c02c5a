/* GET /api/v1/status: see status.h. */
#include "app/status.h"

#include "api/api_priv.h"
#include "app/config.h"
#include "app/timesync.h"
#include "hal/hal_board.h"
#include "hal/hal_err.h"
#include "lwip/stats.h"
#include "net/net.h"
#include "sso/alloc.h"
#include "util/json.h"

static size_t free_heap(void)
{
    struct sso_alloc_stats a;
    size_t n = 0;
    sso_alloc_stats(&a);
    if (a.limit_bytes > a.cur_bytes) {
        n += a.limit_bytes - a.cur_bytes;
    }
#if MEM_STATS
    if (lwip_stats.mem.avail > lwip_stats.mem.used) {
        n += (size_t)(lwip_stats.mem.avail - lwip_stats.mem.used);
    }
#endif
    return n;
}

int fw_status_json(char *buf, size_t size, size_t *len)
{
    return fw_status_json_req(NULL, buf, size, len);
}

int fw_status_json_req(const struct fw_http_req *req, char *buf, size_t size, size_t *len)
{
    struct fw_json j;
    char ip[16];
    int64_t utc;
    bool synced = fw_time_now(&utc) == HAL_OK;

    fw_net_ip_str(ip, sizeof(ip));
    fw_json_init(&j, buf, size);
    fw_json_obj_begin(&j, NULL);
    fw_json_str(&j, "version", LK_VERSION);
    fw_json_str(&j, "board", hal_board_name());
    fw_json_str(&j, "hostname", fw_config_get()->hostname);
    fw_json_uint(&j, "uptime_s", fw_time_uptime_s());
    fw_json_str(&j, "ip", ip[0] != '\0' ? ip : NULL);
    fw_json_bool(&j, "time_synced", synced);
    fw_json_str(&j, "time_source", fw_time_source_name(fw_time_source()));
    if (synced) {
        fw_json_int(&j, "utc", utc);
    } else {
        fw_json_null(&j, "utc");
    }
    fw_json_uint(&j, "free_heap", free_heap());
    if (req != NULL) {
        api_status_extra(req, &j);
    }
    fw_json_obj_end(&j);
    return fw_json_finish(&j, len);
}
