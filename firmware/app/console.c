/* The console command line: see console.h. */
#include "app/console.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"
#include "app/status.h"
#include "app/timesync.h"
#include "hal/hal_board.h"
#include "hal/hal_clock.h"
#include "hal/hal_console.h"
#include "hal/hal_err.h"
#include "lwip/ip4_addr.h"
#include "util/log.h"

static char line[FW_CONSOLE_LINE_MAX + 1];
static size_t line_len;
static bool last_cr;

struct cmd {
    const char *name;
    const char *usage;
    void (*fn)(int argc, char **argv);
};

static void cmd_help(int argc, char **argv);

static void report_save(const char *what, int rc, uint32_t ops, const char *note)
{
    if (rc == HAL_OK) {
        fw_log_printf("%s: saved (record %lu, %lu flash operations)%s", what,
                      (unsigned long)fw_config_seq(), (unsigned long)ops, note);
    } else {
        fw_log_printf("%s: NOT saved (error %d); nothing changed", what, rc);
    }
}

static void cmd_status(int argc, char **argv)
{
    static char buf[512];
    size_t len = 0;
    (void)argc;
    (void)argv;
    if (fw_status_json(buf, sizeof(buf) - 1, &len) != HAL_OK) {
        fw_log_printf("status: too long");
        return;
    }
    buf[len] = '\0';
    fw_log_printf("%s", buf);
}

static void cmd_hostname(int argc, char **argv)
{
    struct fw_settings s = *fw_config_get();
    uint32_t ops = 0;
    int rc;
    if (argc == 1) {
        fw_log_printf("hostname: %s", s.hostname);
        return;
    }
    if (argc != 2 || !fw_settings_hostname_ok(argv[1])) {
        fw_log_printf("hostname: invalid (1-63 of letters, digits, '-', '.')");
        return;
    }
    memcpy(s.hostname, argv[1], strlen(argv[1]) + 1);
    rc = fw_config_save(&s, &ops);
    if (rc == HAL_OK) {
        fw_log_printf("hostname: set to %s", s.hostname);
    }
    report_save("hostname", rc, ops, "");
}

static void cmd_sntp(int argc, char **argv)
{
    struct fw_settings s = *fw_config_get();
    const char *v;
    uint32_t ops = 0;
    if (argc == 1) {
        fw_log_printf("sntp: %s", s.sntp_server[0] != '\0' ? s.sntp_server : "off");
        return;
    }
    v = strcmp(argv[1], "off") == 0 ? "" : argv[1];
    if (argc != 2 || !fw_settings_sntp_parse(v, NULL, NULL)) {
        fw_log_printf("sntp: invalid (HOST, HOST:PORT or off)");
        return;
    }
    memcpy(s.sntp_server, v, strlen(v) + 1);
    report_save("sntp", fw_config_save(&s, &ops), ops, "; applies after reboot");
}

static bool parse_ip(const char *txt, uint32_t *out)
{
    ip4_addr_t a;
    if (!ip4addr_aton(txt, &a)) {
        return false;
    }
    *out = ip4_addr_get_u32(&a);
    return true;
}

static void cmd_ip(int argc, char **argv)
{
    struct fw_settings s = *fw_config_get();
    uint32_t ops = 0;
    if (argc == 1) {
        char a[16], m[16], g[16], d[16];
        ip4_addr_t t;
        ip4_addr_set_u32(&t, s.addr);
        ip4addr_ntoa_r(&t, a, sizeof(a));
        ip4_addr_set_u32(&t, s.netmask);
        ip4addr_ntoa_r(&t, m, sizeof(m));
        ip4_addr_set_u32(&t, s.gateway);
        ip4addr_ntoa_r(&t, g, sizeof(g));
        ip4_addr_set_u32(&t, s.dns);
        ip4addr_ntoa_r(&t, d, sizeof(d));
        fw_log_printf("ip: %s%s %s %s %s", s.use_dhcp ? "dhcp" : "static ", s.use_dhcp ? "" : a,
                      s.use_dhcp ? "" : m, s.use_dhcp ? "" : g, s.use_dhcp ? "" : d);
        return;
    }
    if (argc == 2 && strcmp(argv[1], "dhcp") == 0) {
        s.use_dhcp = true;
    } else if ((argc == 5 || argc == 6) && strcmp(argv[1], "static") == 0 &&
               parse_ip(argv[2], &s.addr) && parse_ip(argv[3], &s.netmask) &&
               parse_ip(argv[4], &s.gateway) && (argc == 5 || parse_ip(argv[5], &s.dns))) {
        s.use_dhcp = false;
        if (argc == 5) {
            s.dns = 0;
        }
    } else {
        fw_log_printf("ip: usage: ip dhcp | ip static ADDR MASK GATEWAY [DNS]");
        return;
    }
    report_save("ip", fw_config_save(&s, &ops), ops, "; applies after reboot");
}

static void cmd_clock_offset(int argc, char **argv)
{
    char *end = NULL;
    long long v;
    int64_t utc;
    int rc;
    if (argc != 2) {
        fw_log_printf("clock-offset: usage: clock-offset SECONDS");
        return;
    }
    v = strtoll(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || v < -3155760000LL || v > 3155760000LL) {
        fw_log_printf("clock-offset: not a number of seconds within 100 years");
        return;
    }
    rc = hal_clock_set_test_offset((int64_t)v);
    if (rc == HAL_ENOTSUP) {
        fw_log_printf("clock-offset: this board has no test clock");
        return;
    }
    if (rc != HAL_OK || fw_time_now(&utc) != HAL_OK) {
        fw_log_printf("clock-offset: failed (%d)", rc);
        return;
    }
    fw_log_printf("clock-offset: %lld s, UTC now %lld", v, (long long)utc);
}

static void cmd_reboot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fw_log_printf("rebooting");
    hal_board_reset();
}

static void cmd_factory_reset(int argc, char **argv)
{
    int rc;
    (void)argc;
    (void)argv;
    rc = fw_config_factory_reset();
    if (rc != HAL_OK) {
        fw_log_printf("factory-reset: erase failed (%d); not rebooting", rc);
        return;
    }
    fw_log_printf("factory-reset: config erased; rebooting");
    hal_board_reset();
}

static const struct cmd cmds[] = {
    {"help", "", cmd_help},
    {"status", "", cmd_status},
    {"hostname", "[NAME]", cmd_hostname},
    {"sntp", "[SERVER[:PORT]|off]", cmd_sntp},
    {"ip", "[dhcp|static ADDR MASK GATEWAY [DNS]]", cmd_ip},
    {"clock-offset", "SECONDS", cmd_clock_offset},
    {"reboot", "", cmd_reboot},
    {"factory-reset", "", cmd_factory_reset},
};

static void cmd_help(int argc, char **argv)
{
    size_t i;
    (void)argc;
    (void)argv;
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        fw_log_printf("  %s%s%s", cmds[i].name, cmds[i].usage[0] != '\0' ? " " : "", cmds[i].usage);
    }
}

void fw_console_exec(char *l)
{
    char *argv[FW_CONSOLE_ARGS_MAX];
    int argc = 0;
    size_t i;
    char *p = l;
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        if (argc == FW_CONSOLE_ARGS_MAX) {
            fw_log_printf("too many words");
            return;
        }
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') {
            p++;
        }
    }
    if (argc == 0) {
        return;
    }
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(argv[0], cmds[i].name) == 0) {
            cmds[i].fn(argc, argv);
            return;
        }
    }
    fw_log_printf("%s: unknown command (try help)", argv[0]);
}

void fw_console_start(void)
{
    fw_log_write(FW_CONSOLE_PROMPT);
}

void fw_console_poll(void)
{
    int i;
    for (i = 0; i < 64; i++) {
        int c = hal_console_getc();
        if (c < 0) {
            return;
        }
        if (c == '\n' && last_cr) {
            last_cr = false;
            continue; /* CRLF: the CR already ended the line */
        }
        last_cr = c == '\r';
        if (c == '\r' || c == '\n') {
            fw_log_write("\r\n");
            line[line_len] = '\0';
            fw_console_exec(line);
            line_len = 0;
            fw_log_write(FW_CONSOLE_PROMPT);
        } else if (c == 0x08 || c == 0x7F) {
            if (line_len > 0) {
                line_len--;
                fw_log_write("\b \b");
            }
        } else if (c == 0x15) { /* Ctrl-U */
            while (line_len > 0) {
                line_len--;
                fw_log_write("\b \b");
            }
        } else if (c == 0x03) { /* Ctrl-C */
            line_len = 0;
            fw_log_write("^C\r\n" FW_CONSOLE_PROMPT);
        } else if (c >= 0x20 && c < 0x7F) {
            if (line_len < FW_CONSOLE_LINE_MAX) {
                char ch = (char)c;
                line[line_len++] = ch;
                hal_console_write(&ch, 1);
            } else {
                fw_log_write("\a");
            }
        }
    }
}
