/**
 * @file net.h
 * @brief The device's one network interface: bring-up (DHCP or a static address), the
 *        superloop hook, and what status reports about it.
 *
 * The netif is static inside net.c; the board supplies its driver (hal_netif_init,
 * hal_netif_poll). All calls from the superloop context.
 */
#ifndef FW_NET_H
#define FW_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fw_net_cfg {
    const char *hostname; /**< DHCP option 12; must stay valid while the netif lives */
    bool use_dhcp;
    /* static configuration (network byte order), used when !use_dhcp */
    uint32_t addr, netmask, gateway, dns;
};

/** Add the netif, bring it up, start DHCP or apply the static address. */
void fw_net_start(const struct fw_net_cfg *cfg);

/** Superloop: service the NIC (hal_netif_poll). */
void fw_net_poll(void);

/** True once the interface has an IPv4 address (lease or static). */
bool fw_net_is_up(void);

/** Dotted IPv4 address into @p out (at least 16 bytes), "" while none. */
void fw_net_ip_str(char *out, size_t out_size);

#endif /* FW_NET_H */
