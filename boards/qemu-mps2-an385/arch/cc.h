/**
 * @file cc.h
 * @brief lwIP compiler/platform glue for mps2-an385 (arm-none-eabi GCC, newlib, no OS).
 */
#ifndef LK_QEMU_ARCH_CC_H
#define LK_QEMU_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define BYTE_ORDER LITTLE_ENDIAN

/* Diagnostics go to stdout, which is the UART console on this board. */
#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        printf x;                                                                                  \
    } while (0)

/* An lwIP assertion is a bug in lwIP or in our use of it: say where and stop (abort() ends
 * in _exit, which stops the emulator with a failure status). */
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        printf("lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__);                  \
        fflush(NULL);                                                                              \
        abort();                                                                                   \
    } while (0)

#endif /* LK_QEMU_ARCH_CC_H */
