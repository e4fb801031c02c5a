/*
 * Latchkey firmware: the boot sequence and the superloop (lwIP NO_SYS=1). The same file
 * on every board; the board is below hal/.
 *
 * Boot: board init -> heap budget -> clock (is UTC known?) -> config partition ->
 * audit log -> admin account provisioning -> TLS random generator -> device keys (made
 * at first boot) -> lwIP -> network (DHCP or static) -> HTTP and HTTPS listeners (routes:
 * api/routes.c) -> console. SNTP starts once the network has an
 * address.
 *
 * The superloop never blocks; every component is a state machine driven from here or
 * from lwIP callbacks that run inside fw_net_poll() and sys_check_timeouts().
 */
#include <stdbool.h>

#include <string.h>

#include "api/api.h"
#include "app/accounts.h"
#include "app/audit.h"
#include "app/config.h"
#include "app/console.h"
#include "app/keys.h"
#include "app/mdimport.h"
#include "app/timesync.h"
#include "fetch/fetch.h"
#include "fw_config.h"
#include "hal/hal_board.h"
#include "hal/hal_clock.h"
#include "hal/hal_entropy.h"
#include "hal/hal_err.h"
#include "http/http.h"
#include "lwip/init.h"
#include "lwip/timeouts.h"
#include "net/net.h"
#include "net/tls.h"
#include "sso/alloc.h"
#include "sso/crypto.h"
#include "sso/endpoints.h"
#include "util/log.h"

static struct fw_http_server http_server, https_server;

/*
 * Provisioning: when the configuration has no local account (first boot, or a record
 * that could not be used), create "admin" with the board's provisioned password, or a
 * generated one printed once on the console (physical access is the trust root). Only
 * the PBKDF2 hash is stored.
 */
static void provision_admin(void)
{
    const char *pw = hal_board_admin_password();
    char gen[FW_GEN_PASSWORD_LEN + 1];
    struct sso_cfg *c;
    int64_t now = 0;
    int rc;
    if (fw_config_sso()->account_count > 0) {
        return;
    }
    if (pw == NULL) {
        if (fw_account_gen_password(gen) != HAL_OK) {
            fw_panic("entropy source failed");
        }
        pw = gen;
    }
    (void)fw_time_now(&now);
    c = fw_config_edit();
    rc = fw_account_set(c, FW_ADMIN_USER, pw, strlen(pw), SSO_CFG_ROLE_ADMIN, now);
    if (rc != HAL_OK) {
        fw_config_abort();
        fw_log_printf("first boot: the provisioned admin password is unusable (%d: 8..128 "
                      "characters); no admin account",
                      rc);
        return;
    }
    fw_audit(FW_EV_ACCOUNT_CREATED, 0, FW_ADMIN_USER, "first-boot admin account (%s password)",
             pw == gen ? "generated" : "provisioned");
    rc = fw_config_commit(NULL);
    if (rc != HAL_OK) {
        fw_log_printf("first boot: the admin account could not be saved (%d); it lives until "
                      "reboot",
                      rc);
    }
    if (pw == gen) {
        fw_log_printf(
            "first boot: generated admin password: %s (shown once; change it after login)", gen);
        sso_crypto_zeroize(gen, sizeof(gen));
    } else {
        fw_log_printf("first boot: admin password provisioned by the board");
    }
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
    fw_audit(FW_EV_BOOT, 0, NULL, "latchkey %s on %s, config record %lu", LK_VERSION,
             hal_board_name(), (unsigned long)fw_config_seq());
    provision_admin();
    if (fw_tls_init() != FW_TLS_OK) {
        fw_log_printf("tls: no entropy: HTTPS, metadata fetch and key generation are off");
    }
    fw_keys_boot();
    fw_sso_reset();
    fw_md_reschedule();
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

    http_server.routes = fw_api_routes(&http_server.n_routes);
    rc = fw_http_start(&http_server, FW_CFG_HTTP_PORT, NULL);
    if (rc != HAL_OK) {
        fw_log_printf("http: cannot listen on port %d (%d)", FW_CFG_HTTP_PORT, rc);
    } else {
        fw_log_printf("http: listening on port %d", FW_CFG_HTTP_PORT);
    }
    if (fw_keys_https_ready()) {
        https_server.routes = http_server.routes;
        https_server.n_routes = http_server.n_routes;
        /* A connection in its TLS handshake is busy: never evicted for a new one. */
        fw_http_set_conn_quiet(fw_tls_server_conn_quiet);
        rc = fw_http_start(&https_server, FW_CFG_HTTPS_PORT, fw_tls_server_allocator());
        if (rc != HAL_OK) {
            fw_log_printf("https: cannot listen on port %d (%d)", FW_CFG_HTTPS_PORT, rc);
        } else {
            fw_log_printf("https: listening on port %d", FW_CFG_HTTPS_PORT);
        }
    }
    fw_console_start();

    for (;;) {
        fw_net_poll();
        sys_check_timeouts();
        fw_http_poll(hal_clock_ms());
        fw_tls_poll(hal_clock_ms());
        fw_fetch_poll(hal_clock_ms());
        fw_console_poll();
        fw_time_poll();
        fw_audit_poll(hal_clock_ms());
        fw_md_poll();
        if (!sntp_started && fw_net_is_up()) {
            sntp_started = true;
            fw_time_start_sntp(cfg->sntp_server);
        }
    }
}
