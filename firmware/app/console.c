/* The console command line: see console.h. */
#include "app/console.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/accounts.h"
#include "app/audit.h"
#include "app/config.h"
#include "app/notify.h"
#include "app/policy.h"
#include "app/sessions.h"
#include "app/status.h"
#include "app/timesync.h"
#include "hal/hal_board.h"
#include "hal/hal_clock.h"
#include "hal/hal_console.h"
#include "hal/hal_err.h"
#include "lwip/ip4_addr.h"
#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/time.h"
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
    int rc;
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
    rc = fw_config_save(&s, &ops);
    report_save("sntp", rc, ops, "; applies after reboot");
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
    int rc;
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
    rc = fw_config_save(&s, &ops);
    report_save("ip", rc, ops, "; applies after reboot");
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
    fw_time_test_restore();
    if (rc != HAL_OK || fw_time_now(&utc) != HAL_OK) {
        fw_log_printf("clock-offset: failed (%d)", rc);
        return;
    }
    fw_log_printf("clock-offset: %lld s, UTC now %lld", v, (long long)utc);
}

static void cmd_clock_unset(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    /* Test boards only: a real board cannot pretend to lose its time. */
    if (hal_clock_set_test_offset(0) == HAL_ENOTSUP) {
        fw_log_printf("clock-unset: this board has no test clock");
        return;
    }
    fw_time_forget();
}

/* sso | sso disable: the break-glass switch (physical access is the trust root). */
static void cmd_sso(int argc, char **argv)
{
    const struct sso_cfg *live = fw_config_sso();
    struct sso_cfg *c;
    uint32_t ops = 0;
    int rc;
    if (argc == 1) {
        char until[SSO_TIME_STR_SIZE] = "-";
        int64_t u = fw_policy_password_until(live);
        if (u > 0) {
            (void)sso_time_format(u, until, sizeof(until));
        }
        fw_log_printf("sso: %s, provider \"%s\", short name \"%s\", IdP %s, password login %s "
                      "(until %s)",
                      live->sp.enabled ? "enabled" : "disabled", live->sp.provider_name,
                      live->sp.short_name,
                      live->idp.entity_id[0] != '\0' ? live->idp.entity_id : "(none)",
                      fw_policy_password_allowed(live) ? "allowed" : "refused", until);
        return;
    }
    if (argc != 2 || strcmp(argv[1], "disable") != 0) {
        fw_log_printf("sso: usage: sso [disable]");
        return;
    }
    if (!live->sp.enabled) {
        fw_log_printf("sso: already disabled");
        return;
    }
    c = fw_config_edit();
    c->sp.enabled = false;
    c->sp.enabled_at_s = 0;
    fw_audit(FW_EV_SSO_DISABLED, 0, "console", "break-glass: sso disable on the console");
    rc = fw_config_commit(&ops);
    report_save("sso", rc, ops, "");
    if (rc == HAL_OK) {
        unsigned i;
        fw_log_printf("sso: DISABLED from the console; password login works again");
        for (i = 0; i < live->account_count; i++) {
            fw_notify_push(FW_NOTIFY_SSO_DISABLED, live->accounts[i].name,
                           "Single sign-on was disabled from the device console (break-glass).");
        }
    }
}

static void cmd_recovery_login(int argc, char **argv)
{
    char pw[FW_GEN_PASSWORD_LEN + 1];
    (void)argc;
    (void)argv;
    if (fw_recovery_issue(pw) != HAL_OK) {
        fw_log_printf("recovery-login: no entropy; not issued");
        return;
    }
    fw_audit(FW_EV_RECOVERY_ISSUED, 0, "console", "one-time recovery password issued (%d s)",
             FW_RECOVERY_TTL_S);
    fw_notify_push(FW_NOTIFY_RECOVERY_LOGIN, NULL,
                   "A one-time recovery login was issued on the device console.");
    /* Printed once, on the console only (never in the audit log). */
    fw_log_printf("recovery-login: user \"%s\", one-time password %s (valid %d minutes, one "
                  "login)",
                  FW_RECOVERY_USER, pw, FW_RECOVERY_TTL_S / 60);
    sso_crypto_zeroize(pw, sizeof(pw));
}

static void cmd_passwd(int argc, char **argv)
{
    char pw[FW_GEN_PASSWORD_LEN + 1];
    struct sso_cfg *c;
    int64_t now = 0;
    uint32_t ops = 0;
    enum sso_cfg_role role = SSO_CFG_ROLE_NONE;
    int rc;
    if (argc < 2 || argc > 3 ||
        (argc == 3 && strcmp(argv[2], "admin") != 0 && strcmp(argv[2], "readonly") != 0)) {
        fw_log_printf("passwd: usage: passwd USER [admin|readonly]  (a new random password "
                      "is printed)");
        return;
    }
    if (argc == 3) {
        role = strcmp(argv[2], "admin") == 0 ? SSO_CFG_ROLE_ADMIN : SSO_CFG_ROLE_READONLY;
    } else if (fw_account_find(fw_config_sso(), argv[1]) == NULL) {
        role = SSO_CFG_ROLE_ADMIN;
    }
    if (fw_account_gen_password(pw) != HAL_OK) {
        fw_log_printf("passwd: no entropy");
        return;
    }
    (void)fw_time_now(&now);
    c = fw_config_edit();
    rc = fw_account_set(c, argv[1], pw, strlen(pw), role, now);
    if (rc != HAL_OK) {
        fw_config_abort();
        fw_log_printf("passwd: %s", rc == HAL_ENOSPC   ? "the account table is full"
                                    : rc == HAL_EINVAL ? "invalid user name"
                                                       : "hashing failed");
        sso_crypto_zeroize(pw, sizeof(pw));
        return;
    }
    fw_audit(FW_EV_PASSWORD_CHANGED, 0, argv[1], "password set on the console");
    rc = fw_config_commit(&ops);
    report_save("passwd", rc, ops, "");
    if (rc == HAL_OK) {
        fw_log_printf("passwd: %s: new password %s", argv[1], pw);
    }
    sso_crypto_zeroize(pw, sizeof(pw));
}

static void cmd_audit(int argc, char **argv)
{
    const struct sso_cfg_audit *a = fw_config_audit_tail();
    unsigned n = 10, i;
    if (argc == 2) {
        n = (unsigned)strtoul(argv[1], NULL, 10);
    }
    if (n > a->count) {
        n = a->count;
    }
    for (i = a->count - n; i < a->count; i++) {
        const struct sso_cfg_audit_entry *e = &a->e[i];
        char t[SSO_TIME_STR_SIZE] = "?";
        if (e->time_s > 0) {
            (void)sso_time_format(e->time_s, t, sizeof(t));
        }
        fw_log_printf("  #%lu %s %s%s%s%s%s: %s", (unsigned long)e->seq, t,
                      fw_audit_event_name(e->event), e->user[0] != '\0' ? " user=" : "", e->user,
                      e->code != 0 ? " code=" : "", e->code != 0 ? sso_err_code(e->code) : "",
                      e->detail);
    }
    fw_log_printf("audit: %u of %u entries shown, %u not yet saved, %lu audit-only saves", n,
                  a->count, fw_audit_pending(), (unsigned long)fw_audit_flushes());
}

static void cmd_notices(int argc, char **argv)
{
    unsigned i;
    (void)argc;
    (void)argv;
    for (i = 0; i < fw_notify_count(); i++) {
        const struct fw_notice *n = fw_notify_at(i);
        fw_log_printf("  #%lu to %s: %s", (unsigned long)n->seq, n->to, n->text);
    }
    fw_log_printf("notices: %u queued, %lu dropped", fw_notify_count(),
                  (unsigned long)fw_notify_dropped());
}

static void cmd_sessions(int argc, char **argv)
{
    unsigned i;
    (void)argc;
    (void)argv;
    for (i = 0; i < FW_SESSIONS_MAX; i++) {
        const struct fw_session *s = fw_sess_at(i);
        if (s != NULL) {
            fw_log_printf("  %s %s %s %s", s->handle, s->user, fw_sess_role_name(s->role),
                          fw_sess_method_name(s->method));
        }
    }
    fw_log_printf("sessions: %u of %d in use", fw_sess_count(), FW_SESSIONS_MAX);
}

/* pbkdf2-bench [ITERATIONS]: what a password check costs on this board (docs/STORAGE.md
 * records the figures). */
static void cmd_pbkdf2_bench(int argc, char **argv)
{
    static const uint8_t salt[SSO_CFG_SALT_LEN] = {1, 2,  3,  4,  5,  6,  7, 8,
                                                   9, 10, 11, 12, 13, 14, 15};
    uint8_t out[SSO_CFG_HASH_LEN];
    unsigned long iter = fw_account_iterations();
    uint32_t t0, ms;
    int rc;
    if (argc == 2) {
        iter = strtoul(argv[1], NULL, 10);
    }
    if (iter == 0 || iter > 1000000) {
        fw_log_printf("pbkdf2-bench: iterations 1..1000000");
        return;
    }
    t0 = hal_clock_ms();
    rc = sso_crypto_pbkdf2_sha256("benchmark-password", 18, salt, sizeof(salt), (uint32_t)iter, out,
                                  sizeof(out));
    ms = hal_clock_ms() - t0;
    fw_log_printf("pbkdf2-bench: %lu iterations in %lu ms (%s)", iter, (unsigned long)ms,
                  rc == 0 ? "ok" : "failed");
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
    {"sso", "[disable]", cmd_sso},
    {"recovery-login", "", cmd_recovery_login},
    {"passwd", "USER [admin|readonly]", cmd_passwd},
    {"audit", "[N]", cmd_audit},
    {"notices", "", cmd_notices},
    {"sessions", "", cmd_sessions},
    {"pbkdf2-bench", "[ITERATIONS]", cmd_pbkdf2_bench},
    {"clock-offset", "SECONDS", cmd_clock_offset},
    {"clock-unset", "", cmd_clock_unset},
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
