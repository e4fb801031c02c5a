/**
 * @file hal_netif.h
 * @brief The board's network interface for lwIP (NO_SYS=1).
 *
 * lwIP's struct netif is already the driver ops structure; the board supplies its init
 * function and a poll function that the superloop calls to move received frames into
 * lwIP (netif->input) and to service the NIC.
 */
#ifndef HAL_NETIF_H
#define HAL_NETIF_H

struct netif;

/** lwIP netif_init_fn: set MAC, MTU, flags, linkoutput/output; return ERR_OK. */
signed char hal_netif_init(struct netif *nif);

/**
 * @brief Called from the superloop: deliver received frames (netif->input), service the
 *        NIC's timers. When nothing is pending, a board on a host OS may wait here for a
 *        bounded few milliseconds for network or console input, so that the process
 *        idles instead of spinning; it never waits longer than 10 ms.
 */
void hal_netif_poll(struct netif *nif);

#endif /* HAL_NETIF_H */
