/*
 * LAN9118 Ethernet controller at 0x40200000 (the AN385's LAN9220; QEMU models the
 * software-compatible LAN9118: "-nic user,model=lan9118"), as the lwIP netif of the board.
 *
 * Polled, not interrupt driven. The firmware is a NO_SYS=1 superloop and every lwIP call
 * must come from that loop, so an interrupt handler could only set a flag for the loop to
 * look at; the controller's own RX FIFOs (status + data) already are that flag and the
 * buffer, and hal_netif_poll() drains them on every pass. When a pass finds nothing to do
 * it sleeps with WFI until the next SysTick (at most 1 ms), so an idle board does not spin
 * the host CPU that runs QEMU.
 *
 * RX: RX_FIFO_INF says how many frames are waiting; for each, pop its status word (length
 *     including the 4-byte FCS, error summary), read the data words into a frame buffer,
 *     hand the frame minus FCS to lwIP in a PBUF_POOL pbuf. Bad or oversized frames, and
 *     frames for which the pool is empty, are read out and dropped (counted).
 * TX: TX command A (first+last segment, byte count) and B (tag, frame length), then the
 *     frame as little-endian words into the TX data FIFO; the controller appends the FCS.
 *     TX status words are drained on every poll.
 * MAC address: the one the controller loaded from its EEPROM at reset (QEMU fills it from
 *     -nic ...,mac=; default 52:54:00:12:34:56), else a fixed locally administered address.
 */
#include "board_priv.h"

#include <string.h>

#include "hal/hal_clock.h"
#include "hal/hal_console.h"
#include "hal/hal_netif.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#if ETH_PAD_SIZE != 0
#error "the LAN9118 driver assumes ETH_PAD_SIZE 0"
#endif

#define LAN_BASE 0x40200000u
#define LAN(off) BOARD_REG32(LAN_BASE + (off))

#define RX_DATA_FIFO   LAN(0x00u)
#define TX_DATA_FIFO   LAN(0x20u)
#define RX_STATUS_FIFO LAN(0x40u)
#define TX_STATUS_FIFO LAN(0x48u)
#define ID_REV         LAN(0x50u)
#define IRQ_CFG        LAN(0x54u)
#define INT_STS        LAN(0x58u)
#define INT_EN         LAN(0x5Cu)
#define BYTE_TEST      LAN(0x64u)
#define RX_CFG         LAN(0x6Cu)
#define TX_CFG         LAN(0x70u)
#define HW_CFG         LAN(0x74u)
#define RX_FIFO_INF    LAN(0x7Cu)
#define TX_FIFO_INF    LAN(0x80u)
#define PMT_CTRL       LAN(0x84u)
#define MAC_CSR_CMD    LAN(0xA4u)
#define MAC_CSR_DATA   LAN(0xA8u)
#define E2P_CMD        LAN(0xB0u)

#define BYTE_TEST_VALUE     0x87654321u
#define HW_CFG_SRST         (1u << 0)
#define PMT_CTRL_READY      (1u << 0)
#define TX_CFG_TX_ON        (1u << 1)
#define TX_CFG_TXSAO        (1u << 2) /* TX status FIFO may overrun: never stalls TX */
#define MAC_CSR_BUSY        (1u << 31)
#define MAC_CSR_READ        (1u << 30)
#define E2P_MAC_LOADED      (1u << 4)
#define RX_STS_ES           (1u << 15) /* error summary */
#define RX_STS_LEN(s)       (((s) >> 16) & 0x3FFFu)
#define RX_INF_STS_USED(v)  (((v) >> 16) & 0xFFu)
#define TX_INF_DATA_FREE(v) ((v)&0xFFFFu)
#define TX_INF_STS_USED(v)  (((v) >> 16) & 0xFFu)
#define TX_CMD_A_FIRST      (1u << 13)
#define TX_CMD_A_LAST       (1u << 12)

/* MAC control and status registers (indirect, through MAC_CSR_CMD/DATA) */
#define MAC_CR       1u
#define MAC_ADDRH    2u
#define MAC_ADDRL    3u
#define MAC_MII_ACC  6u
#define MAC_MII_DATA 7u
#define MAC_CR_RXEN  (1u << 2)
#define MAC_CR_TXEN  (1u << 3)
#define MAC_CR_FDPX  (1u << 20)
#define PHY_ADDR     1u
#define PHY_BSR      1u
#define PHY_BSR_LINK (1u << 2)

#define FRAME_MAX       1518u /* with FCS, without VLAN tag */
#define FCS_LEN         4u
#define RX_BURST        8u /* frames per poll: keeps the superloop turning under load */
#define SPIN_LIMIT      100000u
#define LINK_CHECK_MS   1000u
#define LAN9118_ID_MASK 0xFFFF0000u
#define LAN9118_ID_CHIP 0x01180000u
#define LAN9220_ID_CHIP 0x92200000u

static uint32_t frame[(FRAME_MAX + 3u) / 4u];
static uint32_t rx_dropped, tx_dropped, last_link_check_ms;

static void say(const char *s)
{
    hal_console_write(s, strlen(s));
}

static int wait_clear(volatile uint32_t *reg, uint32_t mask)
{
    for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
        if ((*reg & mask) == 0) {
            return 0;
        }
    }
    return -1;
}

static int mac_write(uint32_t reg, uint32_t val)
{
    if (wait_clear(&MAC_CSR_CMD, MAC_CSR_BUSY) != 0) {
        return -1;
    }
    MAC_CSR_DATA = val;
    MAC_CSR_CMD = MAC_CSR_BUSY | reg;
    return wait_clear(&MAC_CSR_CMD, MAC_CSR_BUSY);
}

static int mac_read(uint32_t reg, uint32_t *val)
{
    if (wait_clear(&MAC_CSR_CMD, MAC_CSR_BUSY) != 0) {
        return -1;
    }
    MAC_CSR_CMD = MAC_CSR_BUSY | MAC_CSR_READ | reg;
    if (wait_clear(&MAC_CSR_CMD, MAC_CSR_BUSY) != 0) {
        return -1;
    }
    *val = MAC_CSR_DATA;
    return 0;
}

static int phy_link_up(void)
{
    uint32_t v = 0;
    /* MII read: PHY address, register, busy bit (bit 0); direction bit 1 clear = read. */
    if (mac_write(MAC_MII_ACC, (PHY_ADDR << 11) | (PHY_BSR << 6) | 1u) != 0 ||
        mac_read(MAC_MII_DATA, &v) != 0) {
        return 0;
    }
    return (v & PHY_BSR_LINK) != 0;
}

static void drain_tx_status(void)
{
    uint32_t n = TX_INF_STS_USED(TX_FIFO_INF);
    while (n-- > 0) {
        (void)TX_STATUS_FIFO;
    }
}

static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
    uint32_t len = p->tot_len;
    uint32_t words = (len + 3u) / 4u;
    (void)nif;

    if (len > FRAME_MAX - FCS_LEN || len < 14u) {
        tx_dropped++;
        return ERR_ARG;
    }
    /* Room for both command words and the data, else the frame is dropped (lwIP's TCP
     * retransmits); on QEMU the FIFO empties as soon as a frame is complete. */
    if (TX_INF_DATA_FREE(TX_FIFO_INF) < words * 4u + 8u) {
        tx_dropped++;
        return ERR_MEM;
    }
    frame[words - 1u] = 0;
    if (pbuf_copy_partial(p, frame, (u16_t)len, 0) != len) {
        tx_dropped++;
        return ERR_BUF;
    }
    TX_DATA_FIFO = TX_CMD_A_FIRST | TX_CMD_A_LAST | len;
    TX_DATA_FIFO = (len << 16) | len; /* tag = length (debug aid), then frame length */
    for (uint32_t i = 0; i < words; i++) {
        TX_DATA_FIFO = frame[i];
    }
    drain_tx_status();
    return ERR_OK;
}

static int read_mac_address(uint8_t mac[6])
{
    uint32_t lo, hi;
    if ((E2P_CMD & E2P_MAC_LOADED) == 0 || mac_read(MAC_ADDRL, &lo) != 0 ||
        mac_read(MAC_ADDRH, &hi) != 0) {
        return -1;
    }
    mac[0] = (uint8_t)lo;
    mac[1] = (uint8_t)(lo >> 8);
    mac[2] = (uint8_t)(lo >> 16);
    mac[3] = (uint8_t)(lo >> 24);
    mac[4] = (uint8_t)hi;
    mac[5] = (uint8_t)(hi >> 8);
    /* A multicast or all-zero address is not a station address. */
    if ((mac[0] & 1u) != 0 || (lo == 0 && (hi & 0xFFFFu) == 0)) {
        return -1;
    }
    return 0;
}

signed char hal_netif_init(struct netif *nif)
{
    static const uint8_t fallback_mac[6] = {0x02, 0x4C, 0x4B, 0x00, 0x00, 0x01};
    uint8_t mac[6];
    uint32_t id;

    /* The byte-order test register tells a present, correctly mapped controller from an
     * empty bus (QEMU without -nic still maps the device; hardware might not). */
    if (BYTE_TEST != BYTE_TEST_VALUE) {
        say("lan9118: not found (BYTE_TEST mismatch)\n");
        return ERR_IF;
    }
    id = ID_REV;
    if ((id & LAN9118_ID_MASK) != LAN9118_ID_CHIP && (id & LAN9118_ID_MASK) != LAN9220_ID_CHIP) {
        say("lan9118: unexpected ID_REV\n");
        return ERR_IF;
    }
    HW_CFG = HW_CFG_SRST;
    if (wait_clear(&HW_CFG, HW_CFG_SRST) != 0) {
        say("lan9118: soft reset timed out\n");
        return ERR_IF;
    }
    for (uint32_t i = 0; (PMT_CTRL & PMT_CTRL_READY) == 0; i++) {
        if (i == SPIN_LIMIT) {
            say("lan9118: not ready after reset\n");
            return ERR_IF;
        }
    }
    INT_EN = 0;    /* polled: no interrupt sources */
    INT_STS = ~0u; /* clear whatever reset left pending */
    IRQ_CFG = 0;
    RX_CFG = 0; /* no RX data offset, 4-byte end alignment */
    if (read_mac_address(mac) != 0) {
        memcpy(mac, fallback_mac, sizeof(mac));
    }
    if (mac_write(MAC_ADDRL, (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
                                 (uint32_t)mac[3] << 24) != 0 ||
        mac_write(MAC_ADDRH, (uint32_t)mac[4] | (uint32_t)mac[5] << 8) != 0 ||
        /* Own address and broadcast only (not promiscuous, which is the reset value). */
        mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX) != 0) {
        say("lan9118: MAC register access timed out\n");
        return ERR_IF;
    }
    TX_CFG = TX_CFG_TX_ON | TX_CFG_TXSAO;

    nif->name[0] = 'e';
    nif->name[1] = 'n';
    nif->mtu = 1500;
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, mac, sizeof(mac));
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    if (phy_link_up()) {
        nif->flags |= NETIF_FLAG_LINK_UP;
    }
    nif->output = etharp_output;
    nif->linkoutput = linkoutput;
    last_link_check_ms = hal_clock_ms();
    return ERR_OK;
}

static void rx_discard(uint32_t words)
{
    while (words-- > 0) {
        (void)RX_DATA_FIFO;
    }
}

static int rx_one(struct netif *nif)
{
    uint32_t status = RX_STATUS_FIFO;
    uint32_t len = RX_STS_LEN(status);
    uint32_t words = (len + 3u) / 4u;
    struct pbuf *p;

    /* Runt, oversized or damaged: drop. The length comes from the wire, so it is checked
     * before it sizes any copy into the frame buffer. */
    if ((status & RX_STS_ES) != 0 || len < 14u + FCS_LEN || len > FRAME_MAX) {
        rx_discard(words);
        rx_dropped++;
        return 0;
    }
    for (uint32_t i = 0; i < words; i++) {
        frame[i] = RX_DATA_FIFO;
    }
    p = pbuf_alloc(PBUF_RAW, (u16_t)(len - FCS_LEN), PBUF_POOL);
    if (p == NULL) {
        rx_dropped++;
        return 0;
    }
    if (pbuf_take(p, frame, (u16_t)(len - FCS_LEN)) != ERR_OK || nif->input(p, nif) != ERR_OK) {
        pbuf_free(p);
        rx_dropped++;
    }
    return 1;
}

void hal_netif_poll(struct netif *nif)
{
    uint32_t waiting = RX_INF_STS_USED(RX_FIFO_INF);
    uint32_t now;

    for (uint32_t n = 0; n < waiting && n < RX_BURST; n++) {
        (void)rx_one(nif);
    }
    drain_tx_status();

    now = hal_clock_ms();
    if ((uint32_t)(now - last_link_check_ms) >= LINK_CHECK_MS) {
        last_link_check_ms = now;
        if (phy_link_up()) {
            netif_set_link_up(nif);
        } else {
            netif_set_link_down(nif);
        }
    }
    if (waiting == 0 && (BOARD_UART_STATE & BOARD_UART_STATE_RXF) == 0) {
        /* Idle: sleep until the next SysTick (<= 1 ms). */
        __asm__ volatile("wfi");
    }
}

uint32_t board_netif_rx_dropped(void)
{
    return rx_dropped;
}

uint32_t board_netif_tx_dropped(void)
{
    return tx_dropped;
}
