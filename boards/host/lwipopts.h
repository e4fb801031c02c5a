/**
 * @file lwipopts.h
 * @brief lwIP options of the host board: the shared set with one change. The host has
 *        memory to spare, but it runs the same budget as the device so that tests see the
 *        same limits (pool exhaustion, window sizes).
 */
#ifndef LK_HOST_LWIPOPTS_H
#define LK_HOST_LWIPOPTS_H

/* 64-bit host: lwIP's pools hold pointers, which need 8-byte alignment (UBSan flags
 * misaligned struct memp accesses with 4). */
#define MEM_ALIGNMENT 8

#include "../../firmware/lwipopts_common.h"

#endif /* LK_HOST_LWIPOPTS_H */
