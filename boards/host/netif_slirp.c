/*
 * Host network: lwIP's netif wired to an in-process libslirp, the user-mode network that
 * QEMU's `-nic user` uses. No root, no tap device, and the firmware runs the same lwIP
 * code path as on the device.
 *
 *   lwIP linkoutput --frame--> slirp_input()          (guest to "outside")
 *   slirp send_packet --frame--> rx queue --> netif->input() in hal_netif_poll()
 *
 * slirp calls send_packet from inside slirp_input() (an ARP reply, say), which runs
 * inside lwIP's output path; frames are therefore queued and handed to lwIP only from
 * hal_netif_poll(), never re-entrantly.
 *
 * Network 10.0.2.0/24 as QEMU sets it up: gateway and host loopback at 10.0.2.2, DNS
 * proxy at 10.0.2.3, DHCP hands out 10.0.2.15 first. --http/--https forward
 * 127.0.0.1:<port> to 10.0.2.15:80/443.
 */
#define _GNU_SOURCE
#include "host.h"

#include <poll.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hal/hal_netif.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

#define FRAME_MAX   1536 /* Ethernet MTU 1500 + header, rounded */
#define RXQ_LEN     32   /* frames queued from slirp towards lwIP */
#define POLLFDS_MAX 64
#define TIMERS_MAX  4
#define WAIT_MAX_MS 10 /* the HAL's bound on a wait in hal_netif_poll */

struct rx_frame {
    uint16_t len;
    uint8_t data[FRAME_MAX];
};

struct slirp_timer {
    int used;
    int64_t expire_ms; /* -1: not armed */
    SlirpTimerCb cb;   /* timer_new style */
    void *cb_opaque;
    int id; /* timer_new_opaque style, when cb == NULL */
};

static Slirp *slirp;
static struct rx_frame rxq[RXQ_LEN];
static unsigned rxq_head, rxq_count;
static uint32_t rx_dropped;
static uint8_t txbuf[FRAME_MAX];
static struct pollfd pfds[POLLFDS_MAX];
static int npfds;
static struct slirp_timer timers[TIMERS_MAX];

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- slirp callbacks ------------------------------------------------------------- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct rx_frame *f;
    (void)opaque;
    if (len > FRAME_MAX || rxq_count == RXQ_LEN) {
        rx_dropped++; /* as a NIC with a full ring: TCP retransmits */
        return (ssize_t)len;
    }
    f = &rxq[(rxq_head + rxq_count) % RXQ_LEN];
    memcpy(f->data, buf, len);
    f->len = (uint16_t)len;
    rxq_count++;
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "host: slirp: guest error: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    (void)opaque;
    return mono_ns();
}

static struct slirp_timer *timer_alloc(void)
{
    int i;
    for (i = 0; i < TIMERS_MAX; i++) {
        if (!timers[i].used) {
            memset(&timers[i], 0, sizeof(timers[i]));
            timers[i].used = 1;
            timers[i].expire_ms = -1;
            return &timers[i];
        }
    }
    board_fatal(1, "slirp wants more than %d timers", TIMERS_MAX);
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct slirp_timer *t = timer_alloc();
    (void)opaque;
    t->cb = cb;
    t->cb_opaque = cb_opaque;
    return t;
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct slirp_timer *t = timer_alloc();
    (void)opaque;
    t->id = (int)id;
    t->cb_opaque = cb_opaque;
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    (void)opaque;
    ((struct slirp_timer *)timer)->used = 0;
}

static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
    (void)opaque;
    ((struct slirp_timer *)timer)->expire_ms = expire_time;
}

static void cb_register_poll_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void cb_notify(void *opaque)
{
    (void)opaque;
}

static const SlirpCb callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_unregister_poll_fd,
    .notify = cb_notify,
    .timer_new_opaque = cb_timer_new_opaque,
};

static int cb_add_poll(int fd, int events, void *opaque)
{
    struct pollfd *p;
    (void)opaque;
    if (npfds == POLLFDS_MAX) {
        return -1; /* slirp skips a socket it could not register this round */
    }
    p = &pfds[npfds];
    p->fd = fd;
    p->events = (short)(((events & SLIRP_POLL_IN) ? POLLIN : 0) |
                        ((events & SLIRP_POLL_OUT) ? POLLOUT : 0) |
                        ((events & SLIRP_POLL_PRI) ? POLLPRI : 0));
    p->revents = 0;
    return npfds++;
}

static int cb_get_revents(int idx, void *opaque)
{
    short r;
    (void)opaque;
    if (idx < 0 || idx >= npfds) {
        return 0;
    }
    r = pfds[idx].revents;
    return ((r & POLLIN) ? SLIRP_POLL_IN : 0) | ((r & POLLOUT) ? SLIRP_POLL_OUT : 0) |
           ((r & POLLPRI) ? SLIRP_POLL_PRI : 0) | ((r & POLLERR) ? SLIRP_POLL_ERR : 0) |
           ((r & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

/* ---- lwIP side ------------------------------------------------------------------- */

static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
    (void)nif;
    if (p->tot_len > sizeof(txbuf)) {
        return ERR_BUF;
    }
    if (pbuf_copy_partial(p, txbuf, p->tot_len, 0) != p->tot_len) {
        return ERR_BUF;
    }
    slirp_input(slirp, txbuf, p->tot_len);
    return ERR_OK;
}

static void forward(int host_port, int guest_port, struct in_addr guest)
{
    struct in_addr lo;
    if (host_port == 0) {
        return;
    }
    lo.s_addr = htonl(INADDR_LOOPBACK);
    if (slirp_add_hostfwd(slirp, 0, lo, host_port, guest, guest_port) != 0) {
        board_fatal(BOARD_EXIT_USAGE,
                    "cannot forward 127.0.0.1:%d to the device's port %d "
                    "(port in use?)",
                    host_port, guest_port);
    }
}

signed char hal_netif_init(struct netif *nif)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}; /* QEMU's default */
    SlirpConfig cfg;
    struct in_addr guest;

    memset(&cfg, 0, sizeof(cfg));
    cfg.version = 4;
    cfg.restricted = 0; /* outbound connections allowed: metadata fetch, SNTP, tests' IdP */
    cfg.in_enabled = true;
    inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
    inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
    cfg.in6_enabled = false;
    cfg.vhostname = "latchkey-host";
    cfg.if_mtu = 1500;
    cfg.if_mru = 1500;
    cfg.disable_host_loopback = false; /* 10.0.2.2 reaches the host's 127.0.0.1 */
    slirp = slirp_new(&cfg, &callbacks, NULL);
    if (slirp == NULL) {
        board_fatal(1, "slirp_new failed");
    }
    guest = cfg.vdhcp_start;
    forward(board_opts.http_port, 80, guest);
    forward(board_opts.https_port, 443, guest);

    nif->name[0] = 's';
    nif->name[1] = 'l';
    nif->mtu = 1500;
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, mac, sizeof(mac));
    nif->flags =
        NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    nif->output = etharp_output;
    nif->linkoutput = linkoutput;
    return ERR_OK;
}

static void deliver(struct netif *nif)
{
    while (rxq_count > 0) {
        struct rx_frame *f = &rxq[rxq_head];
        struct pbuf *p = pbuf_alloc(PBUF_RAW, f->len, PBUF_POOL);
        rxq_head = (rxq_head + 1) % RXQ_LEN;
        rxq_count--;
        if (p == NULL) {
            rx_dropped++; /* pbuf pool empty: dropped, as a real NIC would */
            continue;
        }
        if (pbuf_take(p, f->data, f->len) != ERR_OK || nif->input(p, nif) != ERR_OK) {
            pbuf_free(p);
        }
    }
}

static void run_timers(void)
{
    int64_t now_ms = mono_ns() / 1000000;
    int i;
    for (i = 0; i < TIMERS_MAX; i++) {
        struct slirp_timer *t = &timers[i];
        if (t->used && t->expire_ms >= 0 && t->expire_ms <= now_ms) {
            t->expire_ms = -1;
            if (t->cb != NULL) {
                t->cb(t->cb_opaque);
            } else {
                slirp_handle_timer(slirp, (SlirpTimerId)t->id, t->cb_opaque);
            }
        }
    }
}

void hal_netif_poll(struct netif *nif)
{
    uint32_t timeout = WAIT_MAX_MS;
    int console = board_console_fd();
    int n, i;

    deliver(nif);
    npfds = 0;
    slirp_pollfds_fill(slirp, &timeout, cb_add_poll, NULL);
    /* Wake up for console input too, and never sleep past a slirp timer. */
    if (console >= 0 && npfds < POLLFDS_MAX) {
        pfds[npfds].fd = console;
        pfds[npfds].events = POLLIN;
        pfds[npfds].revents = 0;
        npfds++;
    }
    for (i = 0; i < TIMERS_MAX; i++) {
        if (timers[i].used && timers[i].expire_ms >= 0) {
            int64_t left = timers[i].expire_ms - mono_ns() / 1000000;
            if (left < (int64_t)timeout) {
                timeout = left < 0 ? 0 : (uint32_t)left;
            }
        }
    }
    if (timeout > WAIT_MAX_MS) {
        timeout = WAIT_MAX_MS;
    }
    n = poll(pfds, (nfds_t)npfds, rxq_count > 0 ? 0 : (int)timeout);
    slirp_pollfds_poll(slirp, n < 0, cb_get_revents, NULL);
    run_timers();
    deliver(nif);
}
