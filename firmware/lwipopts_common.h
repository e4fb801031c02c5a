/**
 * @file lwipopts_common.h
 * @brief lwIP options shared by every board. Each boards/<b>/lwipopts.h includes this file
 *        (by relative path) and may override a value before including it.
 *
 * Model: NO_SYS=1 superloop (firmware/main.c). All lwIP calls happen in the loop context:
 * no interrupt handler touches lwIP, so SYS_LIGHTWEIGHT_PROT is off. Raw/altcp API only
 * (no sockets, no netconn). IPv4 only. DHCP, DNS, SNTP, altcp + altcp_tcp; TLS comes
 * through our own altcp adapter in firmware/net/ (LWIP_ALTCP_TLS stays 0 here).
 *
 * Memory: lwIP's own static pools and its own fixed heap; nothing from malloc. The
 * budget below is for an appliance with 128-256 KB of RAM serving a handful of admin
 * connections (numbers for TCP_MSS 1460, 32-bit target):
 *
 * | what                                   | option                 | bytes (approx) |
 * |----------------------------------------|------------------------|----------------|
 * | lwIP heap: TX data copies, PBUF_RAM    | MEM_SIZE               | 16384          |
 * | RX pbuf pool, 16 x ~1.5 KB             | PBUF_POOL_SIZE         | 24700          |
 * | TCP PCBs (8) + listen PCBs (2)         | MEMP_NUM_TCP_PCB(_LISTEN) | 1700        |
 * | TCP segments (32)                      | MEMP_NUM_TCP_SEG       | 640            |
 * | UDP PCBs (4: DHCP, DNS, SNTP, spare)   | MEMP_NUM_UDP_PCB       | 130            |
 * | ref/rom pbufs (16, zero-copy bodies)   | MEMP_NUM_PBUF          | 320            |
 * | DNS table (4 x 256-byte names)         | DNS_TABLE_SIZE         | 1100           |
 * | total                                  |                        | about 45 KB    |
 *
 * The RX window (4 x MSS) times the connection pool can exceed the pbuf pool; lwIP then
 * drops segments and TCP retransmits, which is the intended back-pressure, not a fault.
 */
#ifndef LK_LWIPOPTS_COMMON_H
#define LK_LWIPOPTS_COMMON_H

#include <stdint.h>

/* ---- system model ------------------------------------------------------------------ */
#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET          0
#define LWIP_NETCONN         0
#define LWIP_SINGLE_NETIF    1
#define LWIP_IPV4            1
#define LWIP_IPV6            0

/** Randomness for TCP initial sequence numbers, DHCP xid, DNS id and source port, SNTP
 *  nonce: from the board's entropy source (firmware/net/lwip_port.c). Predictable values
 *  here would allow blind TCP injection and DNS/SNTP cache poisoning. */
uint32_t fw_lwip_rand(void);
#define LWIP_RAND() fw_lwip_rand()

/* ---- memory: lwIP's own fixed heap and pools ---------------------------------------- */
#ifndef MEM_ALIGNMENT
#define MEM_ALIGNMENT 4
#endif
#ifndef MEM_SIZE
#define MEM_SIZE 16384
#endif
#define MEM_LIBC_MALLOC  0
#define MEMP_MEM_MALLOC  0
#define MEMP_NUM_PBUF    16
#define MEMP_NUM_UDP_PCB 4
#ifndef MEMP_NUM_TCP_PCB
#define MEMP_NUM_TCP_PCB 8 /* HTTP pool (4) + TLS client + spares for TIME_WAIT */
#endif
#define MEMP_NUM_TCP_PCB_LISTEN 2
/* altcp pcbs: a TLS connection or listener is two (the TLS layer over altcp_tcp). */
#define MEMP_NUM_ALTCP_PCB      (2 * (MEMP_NUM_TCP_PCB + MEMP_NUM_TCP_PCB_LISTEN))
#define MEMP_NUM_TCP_SEG        32
#ifndef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE 16
#endif
/* lwIP's own timers, plus one for the SNTP app (not counted by lwIP's formula). */
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 1)

/* ---- IPv4, ARP ----------------------------------------------------------------------- */
#define LWIP_ARP            1
#define ETHARP_TABLE_SIZE   8
#define IP_REASSEMBLY       0 /* nothing we speak needs fragments; saves the reass buffers */
#define IP_FRAG             0
#define LWIP_ICMP           1
#define LWIP_RAW            0
#define LWIP_IGMP           0
#define LWIP_AUTOIP         0
#define LWIP_BROADCAST_PING 0

/* ---- DHCP ---------------------------------------------------------------------------- */
#define LWIP_DHCP                1
/* Address conflict detection would add 5-9 s to every boot (RFC 5227 probe timings). An
 * appliance on a managed LAN, and every emulated network, gets its lease without it. */
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_ACD                 0
#define LWIP_DHCP_GET_NTP_SRV    0 /* the SNTP server comes from configuration only */
#define LWIP_NETIF_HOSTNAME      1 /* DHCP option 12 carries the configured hostname */

/* ---- DNS ----------------------------------------------------------------------------- */
#define LWIP_DNS        1
#define DNS_TABLE_SIZE  4
#define DNS_MAX_SERVERS 2
/* LWIP_DNS_SECURE keeps its default: random id, random source port, one query at a time. */

/* ---- UDP, TCP ------------------------------------------------------------------------ */
#define LWIP_UDP                   1
#define LWIP_TCP                   1
#define TCP_MSS                    1460
#define TCP_WND                    (4 * TCP_MSS)
#define TCP_SND_BUF                (4 * TCP_MSS)
#define TCP_SND_QUEUELEN           ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
#define TCP_LISTEN_BACKLOG         1
#define TCP_DEFAULT_LISTEN_BACKLOG 4
#define LWIP_TCP_KEEPALIVE         0

/* ---- altcp: the HTTP server and clients talk altcp so TLS can slide in underneath ---- */
#define LWIP_ALTCP     1
#define LWIP_ALTCP_TLS 0

/* ---- netif --------------------------------------------------------------------------- */
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   0
#ifndef LWIP_NETIF_LOOPBACK
#define LWIP_NETIF_LOOPBACK 0 /* on only in the HTTP server test (tests/unit/fw/lwip/) */
#endif

/* ---- statistics: only the heap counters (free memory in /api/v1/status) ------------- */
#define LWIP_STATS         1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS          1
#define MEMP_STATS         0
#define LINK_STATS         0
#define ETHARP_STATS       0
#define IP_STATS           0
#define IPFRAG_STATS       0
#define ICMP_STATS         0
#define UDP_STATS          0
#define TCP_STATS          0
#define SYS_STATS          0

/* ---- SNTP (lwIP apps/sntp), driven by firmware/app/timesync.c ----------------------- */
#define SNTP_SERVER_DNS     1
#define SNTP_MAX_SERVERS    1
#define SNTP_STARTUP_DELAY  0
/* Check 1: the reply comes from the server's address and port. Check 2: its originate
 * timestamp echoes our transmit timestamp, which is a random nonce (below) rather than
 * our clock: an off-path attacker cannot forge a reply to set the device clock, which
 * the SAML validity checks depend on. */
#define SNTP_CHECK_RESPONSE 2
void fw_time_sntp_nonce(uint32_t *sec, uint32_t *us);
#define SNTP_GET_SYSTEM_TIME(sec, us) fw_time_sntp_nonce(&(sec), &(us))
/** Seconds since 1970 (lwIP handles the NTP era) and microseconds, after the checks. */
void fw_time_sntp_set(uint32_t sec, uint32_t us);
#define SNTP_SET_SYSTEM_TIME_US(sec, us) fw_time_sntp_set((sec), (us))
/** The server's UDP port: 123 unless the configuration says "host:port" (tests). */
uint16_t fw_time_sntp_port(void);
#define SNTP_PORT fw_time_sntp_port()

#endif /* LK_LWIPOPTS_COMMON_H */
