/*
 * CMSDK APB UART0 at 0x40004000, polled. QEMU connects it to the first -serial backend
 * (serial_hd(0)). Used both as the HAL console and, raw, by the fault handler, so it keeps
 * no state: init is idempotent and every call goes straight to the registers.
 */
#include "board_priv.h"

#include "hal/hal_console.h"

/* 115200 baud from the 25 MHz APB clock. QEMU ignores the rate but the CMSDK UART refuses
 * to transmit with a divider under 16, as the hardware does. */
#define UART_BAUDDIV    (BOARD_SYSCLK_HZ / 115200u)
#define UART_SPIN_LIMIT 1000000u

void board_uart_init(void)
{
    BOARD_UART_BAUDDIV = UART_BAUDDIV;
    BOARD_UART_CTRL = BOARD_UART_CTRL_TXEN | BOARD_UART_CTRL_RXEN;
}

void board_uart_putc_raw(char c)
{
    /* Enabled on first use, so that early output (a fault before board init) is seen; a
     * transmitter that never drains drops characters instead of hanging the board. */
    if ((BOARD_UART_CTRL & BOARD_UART_CTRL_TXEN) == 0) {
        board_uart_init();
    }
    for (uint32_t i = 0; (BOARD_UART_STATE & BOARD_UART_STATE_TXF) != 0; i++) {
        if (i == UART_SPIN_LIMIT) {
            return;
        }
    }
    BOARD_UART_DATA = (uint32_t)(unsigned char)c;
}

void board_uart_puts_raw(const char *s)
{
    while (*s != '\0') {
        board_uart_putc_raw(*s++);
    }
}

void board_uart_puthex_raw(uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    board_uart_putc_raw('0');
    board_uart_putc_raw('x');
    for (int shift = 28; shift >= 0; shift -= 4) {
        board_uart_putc_raw(hex[(v >> shift) & 0xFu]);
    }
}

void hal_console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        board_uart_putc_raw(s[i]);
    }
}

int hal_console_getc(void)
{
    if ((BOARD_UART_STATE & BOARD_UART_STATE_RXF) == 0) {
        return -1;
    }
    return (int)(BOARD_UART_DATA & 0xFFu);
}
