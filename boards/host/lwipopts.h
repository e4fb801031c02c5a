/**
 * @file lwipopts.h
 * @brief lwIP options of the host board: the shared set, unchanged. The host has memory
 *        to spare, but it runs the same budget as the device so that tests see the same
 *        limits (pool exhaustion, window sizes).
 */
#ifndef LK_HOST_LWIPOPTS_H
#define LK_HOST_LWIPOPTS_H

#include "../../firmware/lwipopts_common.h"

#endif /* LK_HOST_LWIPOPTS_H */
