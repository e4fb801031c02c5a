/*
 * stdio for programs that run as semihosting clients (the unit tests): newlib's rdimon
 * library opens the host's stdin/stdout/stderr, so printf and fopen of absolute host paths
 * (the SAML corpus) work unchanged. Linked only into tests; the firmware uses the UART.
 */
void board_stdio_init(void);
void initialise_monitor_handles(void);

void board_stdio_init(void)
{
    initialise_monitor_handles();
}
