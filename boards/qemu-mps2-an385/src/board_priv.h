/**
 * @file board_priv.h
 * @brief Private interfaces of the QEMU mps2-an385 board (Cortex-M3): register addresses,
 *        the semihosting calls, the raw UART used before and outside the HAL (fault
 *        handler), and the linker-script symbols of the memory map (see README.md).
 *
 * Nothing here is visible to firmware/ or sso/: they only see the hal/ headers.
 * Every function runs in the superloop (thread mode), except board_uart_putc_raw() and
 * board_sh_exit(), which the fault handler also calls.
 */
#ifndef BOARD_PRIV_H
#define BOARD_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* ---- Clocks (QEMU hw/arm/mps2.c: SYSCLK 25 MHz = CPU clock (SysTick) = APB clock) ---- */
#define BOARD_SYSCLK_HZ 25000000u

/* ---- Memory-mapped registers ---------------------------------------------------- */
#define BOARD_REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* CMSDK APB UART0 */
#define BOARD_UART0_BASE     0x40004000u
#define BOARD_UART_DATA      BOARD_REG32(BOARD_UART0_BASE + 0x00u)
#define BOARD_UART_STATE     BOARD_REG32(BOARD_UART0_BASE + 0x04u)
#define BOARD_UART_CTRL      BOARD_REG32(BOARD_UART0_BASE + 0x08u)
#define BOARD_UART_BAUDDIV   BOARD_REG32(BOARD_UART0_BASE + 0x10u)
#define BOARD_UART_STATE_TXF 0x1u /* TX buffer full */
#define BOARD_UART_STATE_RXF 0x2u /* RX buffer full (a character is waiting) */
#define BOARD_UART_CTRL_TXEN 0x1u
#define BOARD_UART_CTRL_RXEN 0x2u

/* System control space (ARMv7-M) */
#define BOARD_SYST_CSR      BOARD_REG32(0xE000E010u)
#define BOARD_SYST_RVR      BOARD_REG32(0xE000E014u)
#define BOARD_SYST_CVR      BOARD_REG32(0xE000E018u)
#define BOARD_SCB_ICSR      BOARD_REG32(0xE000ED04u)
#define BOARD_SCB_VTOR      BOARD_REG32(0xE000ED08u)
#define BOARD_SCB_AIRCR     BOARD_REG32(0xE000ED0Cu)
#define BOARD_SCB_CCR       BOARD_REG32(0xE000ED14u)
#define BOARD_SCB_SHCSR     BOARD_REG32(0xE000ED24u)
#define BOARD_SCB_CFSR      BOARD_REG32(0xE000ED28u)
#define BOARD_SCB_HFSR      BOARD_REG32(0xE000ED2Cu)
#define BOARD_SCB_MMFAR     BOARD_REG32(0xE000ED34u)
#define BOARD_SCB_BFAR      BOARD_REG32(0xE000ED38u)
#define BOARD_AIRCR_VECTKEY (0x05FAu << 16)
#define BOARD_AIRCR_SYSRST  (1u << 2)

/* ---- Semihosting (ARM "Semihosting for AArch32 and AArch64", v2) ---------------------- */
#define BOARD_SH_SYS_OPEN        0x01u
#define BOARD_SH_SYS_CLOSE       0x02u
#define BOARD_SH_SYS_WRITE0      0x04u
#define BOARD_SH_SYS_WRITE       0x05u
#define BOARD_SH_SYS_READ        0x06u
#define BOARD_SH_SYS_SEEK        0x0Au
#define BOARD_SH_SYS_FLEN        0x0Cu
#define BOARD_SH_SYS_CLOCK       0x10u
#define BOARD_SH_SYS_TIME        0x11u
#define BOARD_SH_SYS_ERRNO       0x13u
#define BOARD_SH_SYS_GET_CMDLINE 0x15u
#define BOARD_SH_SYS_EXIT        0x18u
#define BOARD_SH_SYS_ELAPSED     0x30u
#define BOARD_SH_SYS_EXIT_EXT    0x20u

/* SYS_OPEN modes (ISO C fopen modes by index) */
#define BOARD_SH_OPEN_RB  1u /* "rb" */
#define BOARD_SH_OPEN_RPB 3u /* "r+b" */
#define BOARD_SH_OPEN_WPB 7u /* "w+b" */

/** One semihosting call: operation in r0, parameter block address in r1; returns r0. */
uintptr_t board_sh_call(uintptr_t op, const void *arg);
/** Stop the emulator with @p status (SYS_EXIT_EXTENDED, ADP_Stopped_ApplicationExit). */
void board_sh_exit(int status) __attribute__((noreturn));
/** Host time in Unix seconds (SYS_TIME), or -1. */
int64_t board_sh_time(void);
/** The semihosting command line (QEMU -semihosting-config arg=..., or -append), NUL-ended.
 *  @return 0, or -1 if the call failed or the line did not fit in @p size bytes. */
int board_sh_cmdline(char *buf, size_t size);

/* ---- Raw UART (no HAL state needed; used by the fault handler) --------------------------- */
void board_uart_init(void);
void board_uart_putc_raw(char c);
void board_uart_puts_raw(const char *s);
void board_uart_puthex_raw(uint32_t v);

/* ---- Board pieces, called from hal_board_init() in this order ----------------------------- */
void board_clock_init(void);
/** Host file of the config partition when the command line names none (QEMU's cwd). */
#define BOARD_FLASH_DEFAULT_PATH "latchkey-qemu-flash.bin"
/** @p path: host file backing the config partition; NULL means the default name.
 *  @return HAL_OK, HAL_EINVAL (path too long), HAL_EIO (cannot open, or not a flash
 *  image of this board's size). */
int board_flash_init(const char *path);
/** Host path of the flash file ("" before board_flash_init). */
const char *board_flash_path(void);
/** Close the flash file (before a reset: QEMU keeps host files open across resets). */
void board_flash_close(void);
/** Seed the test-only DRBG and print the warning. @return HAL_OK or HAL_EIO. */
int board_entropy_init(void);
/** The same with another host file as the random source (tests: a missing one). */
int board_entropy_init_from(const char *source);
void board_entropy_close(void);
/** Set by board_clock_init from SYS_TIME; used by the entropy seed. */
int64_t board_clock_boot_utc(void);
/** Raw timer bits: jitter input for the test-only entropy personalization. */
uint32_t board_clock_cycles(void);
/** SysTick interrupts taken since boot (tests compare them with the time base). */
uint32_t board_clock_systicks(void);

/* ---- Memory map (linker script symbols; see mps2_an385.ld) --------------------------------- */
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern char __heap_start__[], __heap_end__[];
extern uint32_t __stack_limit__[], __stack[];
extern char __config_start__[], __config_end__[], __config_sector_size__[];

/** 64-bit milliseconds since boot (mbedtls_ms_time: never wraps). */
uint64_t board_clock_ms64(void);

/** LAN9118 frames dropped since boot (bad, oversized, pool empty / FIFO full). */
uint32_t board_netif_rx_dropped(void);
uint32_t board_netif_tx_dropped(void);

/** Lowest stack address ever written since boot (stack painted at reset): high-water mark. */
size_t board_stack_peak(void);

#endif /* BOARD_PRIV_H */
