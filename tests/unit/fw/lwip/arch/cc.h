/**
 * @file cc.h
 * @brief lwIP platform glue for the HTTP server test (same as the host board).
 */
#ifndef LK_TEST_ARCH_CC_H
#define LK_TEST_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

/* The compiler knows the byte order (lwIP assumes little-endian otherwise). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BYTE_ORDER BIG_ENDIAN
#else
#define BYTE_ORDER LITTLE_ENDIAN
#endif

#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        printf x;                                                                                  \
    } while (0)

/* An lwIP assertion is a bug in lwIP or in our use of it: stop loudly (the tests see a
 * non-zero exit and the message). */
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__);         \
        fflush(NULL);                                                                              \
        abort();                                                                                   \
    } while (0)

#endif /* LK_TEST_ARCH_CC_H */
