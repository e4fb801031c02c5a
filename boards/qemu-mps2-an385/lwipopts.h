/**
 * @file lwipopts.h
 * @brief lwIP options of the QEMU mps2-an385 board: the shared set (firmware/), unchanged.
 *        The LAN9118 driver (src/lan9118.c) copies every received frame out of the
 *        controller's FIFO into one PBUF_POOL pbuf, and needs no padding (ETH_PAD_SIZE 0).
 */
#ifndef LK_QEMU_LWIPOPTS_H
#define LK_QEMU_LWIPOPTS_H

#include "../../firmware/lwipopts_common.h"

#endif /* LK_QEMU_LWIPOPTS_H */
