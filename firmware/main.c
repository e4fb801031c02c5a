/*
 * Latchkey firmware: the boot sequence and the superloop (lwIP NO_SYS=1). The same file
 * on every board; the board is below hal/.
 *
 * Boot: board init -> heap budget -> clock (is UTC known?) -> config partition ->
 * first-boot provisioning -> lwIP -> network (DHCP or static) -> HTTP listener ->
 * console. SNTP starts once the network has an address.
 *
 * The superloop never blocks; every component is a state machine driven from here or
 * from lwIP callbacks that run inside fw_net_poll() and sys_check_timeouts().
 */
#include <stdbool.h>

#include "app/config.h"
#include "app/console.h"
#include "app/status.h"
#include "app/timesync.h"
#include "fw_config.h"
#include "hal/hal_board.h"
#include "hal/hal_clock.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "http/http.h"
#include "lwip/init.h"
#include "lwip/timeouts.h"
#include "net/net.h"
#include "sso/alloc.h"
#include "ui/ui.h"
#include "util/log.h"

static const struct fw_http_route routes[] = {
    {FW_HTTP_GET, "/api/v1/status", false, 0, fw_status_handler, NULL},
    /* Last: every other GET is a page or file of the admin UI (or its 404). */
    {FW_HTTP_GET, "/", true, 0, fw_ui_handler, NULL},
};

static struct fw_http_server http_server = {
    .routes = routes,
    .n_routes = sizeof(routes) / sizeof(routes[0]),
};

/*
 * First boot: the local admin password. Local accounts (and where the password's hash
 * is kept) arrive with a later issue; until then the password is only announced.
 */
static void first_boot_provision(void)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* 32, unambiguous */
    char pw[17];
    unsigned char rnd[16];
    size_t i;
    if (!fw_config_first_boot()) {
        return;
    }
    if (hal_board_admin_password() != NULL) {
        fw_log_printf("first boot: admin password provisioned by the board (not stored yet: "
                      "local accounts are not implemented)");
        return;
    }
    if (hal_entropy_fill(rnd, sizeof(rnd)) != HAL_OK) {
        fw_panic("entropy source failed");
    }
    for (i = 0; i < sizeof(rnd); i++) {
        pw[i] = alphabet[rnd[i] % 32u]; /* 256 % 32 == 0: no modulo bias */
    }
    pw[sizeof(rnd)] = '\0';
    fw_log_printf("first boot: generated admin password: %s (not stored yet: local accounts "
                  "are not implemented)",
                  pw);
}

int main(int argc, char **argv)
{
    const struct fw_settings *cfg;
    struct fw_net_cfg net;
    bool sntp_started = false;
    int rc;

    hal_board_init(argc, argv);
    sso_alloc_set_limit(FW_CFG_HEAP_BYTES);
    fw_log_printf("latchkey %s on board %s", LK_VERSION, hal_board_name());
    fw_time_boot();
    fw_config_boot();
    first_boot_provision();
    cfg = fw_config_get();
    fw_log_printf("config: hostname %s, %s, SNTP %s", cfg->hostname,
                  cfg->use_dhcp ? "DHCP" : "static IPv4",
                  cfg->sntp_server[0] != '\0' ? cfg->sntp_server : "off");

    lwip_init();
    net.hostname = cfg->hostname; /* the live settings: a new hostname applies at once */
    net.use_dhcp = cfg->use_dhcp;
    net.addr = cfg->addr;
    net.netmask = cfg->netmask;
    net.gateway = cfg->gateway;
    net.dns = cfg->dns;
    fw_net_start(&net);

    rc = fw_http_start(&http_server, FW_CFG_HTTP_PORT, NULL);
    if (rc != HAL_OK) {
        fw_log_printf("http: cannot listen on port %d (%d)", FW_CFG_HTTP_PORT, rc);
    } else {
        fw_log_printf("http: listening on port %d", FW_CFG_HTTP_PORT);
    }
    fw_console_start();

    for (;;) {
        fw_net_poll();
        sys_check_timeouts();
        fw_http_poll(hal_clock_ms());
        fw_console_poll();
        fw_time_poll();
        if (!sntp_started && fw_net_is_up()) {
            sntp_started = true;
            fw_time_start_sntp(cfg->sntp_server);
        }
    }
}
