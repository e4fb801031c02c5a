/**
 * @file lwipopts.h
 * @brief lwIP options for the HTTP server test (test_fw_http_server.c): the firmware's
 *        shared set, plus loopback (traffic to the netif's own address is looped back
 *        inside lwIP) so that a client and the server talk inside one process, driven by
 *        a fake clock.
 */
#ifndef LK_TEST_LWIPOPTS_H
#define LK_TEST_LWIPOPTS_H

#define MEM_ALIGNMENT       8
#define LWIP_NETIF_LOOPBACK 1
/* client and server PCBs live in one stack here: room for both sides of the pool test */
#define MEMP_NUM_TCP_PCB    20
#include "../../../../firmware/lwipopts_common.h"

#endif /* LK_TEST_LWIPOPTS_H */
