/*
 * Reset, vector table, fault reporting and the C runtime of the mps2-an385 board. Shared by
 * the firmware and by the unit tests that run under QEMU (see board.cmake); the two differ
 * only in board_stdio_init() (UART for the firmware, semihosting for the tests).
 *
 * Boot: the core loads SP and PC from the vector table at 0x00000000 (QEMU loads the ELF
 * there, as a flash programmer would). Reset_Handler copies .data from its load address in
 * the image to RAM, zeroes .bss, paints the stack for the high-water mark, enables the
 * separate fault handlers, then calls main() with the semihosting command line as argv.
 */
#include "board_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define STACK_PAINT        0xC0DEC0DEu
#define BOARD_MAX_ARGS     16
#define BOARD_CMDLINE_SIZE 512

/* Exit status of the emulator after a fault: 0x80 + exception number (HardFault: 131), so a
 * crashed test or firmware run fails loudly instead of hanging. */
#define FAULT_EXIT_BASE 0x80

int main(int argc, char **argv);
void __libc_init_array(void);
void board_stdio_init(void);
void Reset_Handler(void) __attribute__((noreturn));
void board_fault_entry(void);
void board_fault_report(const uint32_t *frame, uint32_t exc_return) __attribute__((noreturn, used));
void board_systick_isr(void);
void *_sbrk(ptrdiff_t incr);
void _init(void);
void _fini(void);

typedef void (*vector_fn)(void);

/* 16 system exceptions + the 32 interrupts the AN385 wires (hw/arm/mps2.c: num-irq 32).
 * Interrupts stay disabled at the NVIC (the superloop polls), so every IRQ slot reports. */
__attribute__((section(".vectors"), used)) const vector_fn board_vectors[16 + 32] = {
    [0] = (vector_fn)(uintptr_t)__stack,
    [1] = Reset_Handler,
    [2] = board_fault_entry,  /* NMI */
    [3] = board_fault_entry,  /* HardFault */
    [4] = board_fault_entry,  /* MemManage */
    [5] = board_fault_entry,  /* BusFault */
    [6] = board_fault_entry,  /* UsageFault */
    [11] = board_fault_entry, /* SVCall: never used */
    [12] = board_fault_entry, /* DebugMonitor */
    [14] = board_fault_entry, /* PendSV: never used */
    [15] = board_systick_isr,
    [16 ... 47] = board_fault_entry,
};

static void split_args(char *line, char **argv, int *argc)
{
    int n = 0;
    char *p = line;
    while (*p != '\0' && n < BOARD_MAX_ARGS) {
        while (*p == ' ') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        argv[n++] = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
        if (*p == ' ') {
            *p++ = '\0';
        }
    }
    argv[n] = NULL;
    *argc = n;
}

void Reset_Handler(void)
{
    static char cmdline[BOARD_CMDLINE_SIZE];
    static char *argv[BOARD_MAX_ARGS + 1];
    int argc = 0;

    for (uint32_t *s = __data_load__, *d = __data_start__; d < __data_end__;) {
        *d++ = *s++;
    }
    for (uint32_t *d = __bss_start__; d < __bss_end__;) {
        *d++ = 0;
    }
    /* Paint the stack below the current frame so board_stack_peak() can tell how deep it
     * ever went (the budget check for -Wstack-usage is per function; this is per run). */
    {
        uint32_t *sp;
        __asm__ volatile("mov %0, sp" : "=r"(sp));
        for (volatile uint32_t *p = __stack_limit__; p < sp - 16;) {
            *p++ = STACK_PAINT;
        }
    }
    /* MemManage, BusFault and UsageFault get their own report instead of escalating, and
     * an integer division by zero traps instead of silently giving 0. */
    BOARD_SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18);
    BOARD_SCB_CCR |= (1u << 4);

    board_stdio_init();
    if (board_sh_cmdline(cmdline, sizeof(cmdline)) == 0) {
        split_args(cmdline, argv, &argc);
    }
    __libc_init_array();
    exit(main(argc, argv));
}

size_t board_stack_peak(void)
{
    const uint32_t *p = __stack_limit__;
    while (p < __stack && *p == STACK_PAINT) {
        p++;
    }
    return (size_t)((uintptr_t)__stack - (uintptr_t)p);
}

/* Every fault and unexpected exception: find the frame the core stacked (MSP or PSP, from
 * bit 2 of EXC_RETURN) and report it. Naked, so it changes no register before the report. */
__attribute__((naked)) void board_fault_entry(void)
{
    __asm__ volatile("tst lr, #4\n"
                     "ite eq\n"
                     "mrseq r0, msp\n"
                     "mrsne r0, psp\n"
                     "mov r1, lr\n"
                     "b board_fault_report\n");
}

static void put_reg(const char *name, uint32_t v)
{
    board_uart_puts_raw(name);
    board_uart_puthex_raw(v);
}

void board_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    static const char *const names[16] = {
        "?", "Reset", "NMI", "HardFault", "MemManage",    "BusFault", "UsageFault", "?",
        "?", "?",     "?",   "SVCall",    "DebugMonitor", "?",        "PendSV",     "SysTick",
    };
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FFu;

    board_uart_init();
    board_uart_puts_raw("\n*** FAULT: ");
    board_uart_puts_raw(ipsr < 16 ? names[ipsr] : "IRQ");
    put_reg(" (exception ", ipsr);
    board_uart_puts_raw(")\n");
    put_reg("  R0  ", frame[0]);
    put_reg("  R1  ", frame[1]);
    put_reg("  R2  ", frame[2]);
    put_reg("  R3  ", frame[3]);
    board_uart_puts_raw("\n");
    put_reg("  R12 ", frame[4]);
    put_reg("  LR  ", frame[5]);
    put_reg("  PC  ", frame[6]);
    put_reg("  xPSR ", frame[7]);
    board_uart_puts_raw("\n");
    put_reg("  SP  ", (uint32_t)(uintptr_t)(frame + 8));
    put_reg("  EXC_RETURN ", exc_return);
    board_uart_puts_raw("\n");
    put_reg("  CFSR ", BOARD_SCB_CFSR);
    put_reg("  HFSR ", BOARD_SCB_HFSR);
    put_reg("  MMFAR ", BOARD_SCB_MMFAR);
    put_reg("  BFAR ", BOARD_SCB_BFAR);
    board_uart_puts_raw("\n");
    board_sh_exit(FAULT_EXIT_BASE + (int)ipsr);
}

/* newlib's heap: [__heap_start__, __heap_end__) from the linker script, nothing beyond. The
 * stack has its own region above it, so the heap can never grow into it. */
void *_sbrk(ptrdiff_t incr)
{
    static char *brk = __heap_start__;
    char *prev = brk;
    if ((incr > 0 && incr > __heap_end__ - brk) || (incr < 0 && -incr > brk - __heap_start__)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    brk += incr;
    return prev;
}

/* __libc_init_array() and exit() call these; the C runtime here needs neither (constructors
 * run from .init_array). Defined because the startfiles that normally carry them are not
 * linked (-nostartfiles). */
void _init(void)
{
}

void _fini(void)
{
}
