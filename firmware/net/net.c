/* The device's network interface: see net.h. */
#include "net/net.h"

#include <stdio.h>
#include <string.h>

#include "hal/hal_clock.h"
#include "hal/hal_netif.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "netif/ethernet.h"
#include "util/log.h"

static struct netif nif;
static bool up;

/* lwIP calls this when the address changes (DHCP bind, renew to another address). */
static void status_cb(struct netif *n)
{
    char ip[16], gw[16];
    if (ip4_addr_isany_val(*netif_ip4_addr(n))) {
        return;
    }
    ip4addr_ntoa_r(netif_ip4_addr(n), ip, sizeof(ip));
    ip4addr_ntoa_r(netif_ip4_gw(n), gw, sizeof(gw));
    if (!up) {
        fw_log_printf("net: up, address %s gateway %s (%s, %lu ms after boot)", ip, gw,
                      dhcp_supplied_address(n) ? "DHCP" : "static", (unsigned long)hal_clock_ms());
    } else {
        fw_log_printf("net: address now %s", ip);
    }
    up = true;
}

void fw_net_start(const struct fw_net_cfg *cfg)
{
    ip4_addr_t addr, mask, gw;
    ip4_addr_set_any(&addr);
    ip4_addr_set_any(&mask);
    ip4_addr_set_any(&gw);
    if (!cfg->use_dhcp) {
        ip4_addr_set_u32(&addr, cfg->addr);
        ip4_addr_set_u32(&mask, cfg->netmask);
        ip4_addr_set_u32(&gw, cfg->gateway);
    }
    if (netif_add(&nif, &addr, &mask, &gw, NULL, hal_netif_init, ethernet_input) == NULL) {
        fw_panic("netif_add failed");
    }
    netif_set_hostname(&nif, cfg->hostname);
    netif_set_status_callback(&nif, status_cb);
    netif_set_default(&nif);
    netif_set_up(&nif);
    if (cfg->use_dhcp) {
        fw_log_printf("net: DHCP started");
        if (dhcp_start(&nif) != ERR_OK) {
            fw_panic("dhcp_start failed");
        }
    } else {
        ip_addr_t dns;
        ip_addr_set_ip4_u32_val(dns, cfg->dns);
        if (cfg->dns != 0) {
            dns_setserver(0, &dns);
        }
        /* netif_set_up() above already reported the address (status_cb). */
    }
}

void fw_net_poll(void)
{
    hal_netif_poll(&nif);
}

bool fw_net_is_up(void)
{
    return up && !ip4_addr_isany_val(*netif_ip4_addr(&nif));
}

void fw_net_ip_str(char *out, size_t out_size)
{
    if (out_size == 0) {
        return;
    }
    out[0] = '\0';
    if (fw_net_is_up()) {
        ip4addr_ntoa_r(netif_ip4_addr(&nif), out, (int)out_size);
    }
}
