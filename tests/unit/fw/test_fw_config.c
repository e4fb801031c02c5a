/* The configuration record as the firmware composes it (firmware/app/config.c): device
 * settings + SSO TLVs in the two-slot store, the fallback to the older slot when the
 * newest record does not decode, damaged-slot reports, transactional SSO changes, and a
 * power-cut sweep over a full SSO record. RAM flash; fw_audit and the log are captured. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app/audit.h"
#include "app/config.h"
#include "fake_flash.h"
#include "hal/hal_err.h"
#include "harness.h"
#include "sso/err.h"
#include "store/store.h"
#include "util/log.h"

/* ---- captured collaborators ---------------------------------------------------------- */

static unsigned audits, audit_saved;
static int last_event, last_code;
static char last_log[256];

void fw_audit(enum fw_audit_event ev, int code, const char *user, const char *fmt, ...)
{
    (void)user;
    (void)fmt;
    audits++;
    last_event = (int)ev;
    last_code = code;
}

void fw_audit_saved(void)
{
    audit_saved++;
}

void fw_log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(last_log, sizeof(last_log), fmt, ap);
    va_end(ap);
}

static void reset_capture(void)
{
    audits = audit_saved = 0;
    last_event = last_code = 0;
    last_log[0] = '\0';
}

/* ---- helpers ------------------------------------------------------------------------- */

static void configure(struct sso_cfg *c, const char *provider)
{
    unsigned i;
    strcpy(c->sp.provider_name, provider);
    strcpy(c->sp.short_name, "okta");
    strcpy(c->sp.base_url, "https://fw.example.com");
    strcpy(c->idp.entity_id, "http://www.okta.com/exk1");
    strcpy(c->idp.sso_redirect, "https://dev.okta.com/sso");
    c->idp.cert_count = 2;
    for (i = 0; i < 2; i++) {
        c->idp.certs[i].len = 1500;
        memset(c->idp.certs[i].der, 0x30 + (int)i, 1500);
    }
    c->account_count = 1;
    strcpy(c->accounts[0].name, "admin");
    c->accounts[0].role = SSO_CFG_ROLE_ADMIN;
    c->accounts[0].iterations = 2000;
}

/* Write a raw payload as the next record (bypassing the codecs). */
static void raw_record(const uint8_t *p, size_t len)
{
    struct fw_store st;
    (void)fw_store_open(&st);
    (void)fw_store_save(&st, p, len);
}

TEST_CASE(first_boot_then_changes_persist)
{
    struct fw_settings s;
    uint32_t ops = 0;
    fake_flash_setup(64 * 1024, 4096, 4);
    reset_capture();
    fw_config_boot();
    TEST_TRUE(fw_config_first_boot());
    TEST_EQ(fw_config_seq(), 0);
    TEST_STR_EQ(fw_config_get()->hostname, "latchkey");
    configure(fw_config_edit(), "Okta");
    TEST_OK(fw_config_commit(&ops));
    TEST_TRUE(ops >= 4);
    TEST_EQ(audit_saved, 1);
    s = *fw_config_get();
    strcpy(s.hostname, "gw1");
    TEST_OK(fw_config_save(&s, NULL));
    TEST_EQ(fw_config_seq(), 2);
    /* reboot */
    fw_config_boot();
    TEST_TRUE(!fw_config_first_boot());
    TEST_EQ(fw_config_seq(), 2);
    TEST_STR_EQ(fw_config_get()->hostname, "gw1");
    TEST_STR_EQ(fw_config_sso()->sp.provider_name, "Okta");
    TEST_EQ(fw_config_sso()->idp.cert_count, 2);
    TEST_EQ(fw_config_sso()->idp.certs[1].der[1499], 0x31);
    TEST_EQ(audits, 0); /* nothing unusual to report */
}

TEST_CASE(abort_and_invalid_commit_change_nothing)
{
    struct sso_cfg *c;
    fake_flash_setup(64 * 1024, 4096, 4);
    fw_config_boot();
    configure(fw_config_edit(), "Okta");
    TEST_OK(fw_config_commit(NULL));
    c = fw_config_edit();
    strcpy(c->sp.provider_name, "changed");
    fw_config_abort();
    TEST_STR_EQ(fw_config_sso()->sp.provider_name, "Okta");
    c = fw_config_edit();
    strcpy(c->sp.short_name, "Not Valid");
    TEST_EQ(fw_config_commit(NULL), HAL_EINVAL);
    TEST_STR_EQ(fw_config_sso()->sp.short_name, "okta");
    TEST_EQ(fw_config_seq(), 1);
}

/* A power cut in any flash operation of a commit: the live configuration stays, and
 * after power-on the store holds exactly the old or the new record. */
TEST_CASE(power_cut_sweep_of_a_full_record)
{
    uint32_t ops = 0, n;
    unsigned olds = 0, news = 0;
    static uint8_t snap[FAKE_FLASH_MAX];
    fake_flash_setup(64 * 1024, 4096, 4);
    fw_config_boot();
    configure(fw_config_edit(), "old");
    TEST_OK(fw_config_commit(NULL));
    memcpy(snap, fake_flash_mem(), sizeof(snap));
    configure(fw_config_edit(), "new");
    TEST_OK(fw_config_commit(&ops));
    TEST_TRUE(ops >= 5);
    for (n = 1; n <= ops; n++) {
        memcpy(fake_flash_mem(), snap, sizeof(snap));
        fw_config_boot();
        TEST_STR_EQ(fw_config_sso()->sp.provider_name, "old");
        configure(fw_config_edit(), "new");
        fake_flash_cut_after(n);
        TEST_TRUE(fw_config_commit(NULL) != HAL_OK);
        TEST_STR_EQ(fw_config_sso()->sp.provider_name, "old"); /* not live: not saved */
        fake_flash_power_on();
        fw_config_boot();
        if (strcmp(fw_config_sso()->sp.provider_name, "old") == 0) {
            olds++;
        } else {
            TEST_STR_EQ(fw_config_sso()->sp.provider_name, "new");
            news++;
        }
        TEST_EQ(fw_config_sso()->idp.cert_count, 2);
        TEST_EQ(fw_config_sso()->account_count, 1);
        /* and the next save works */
        configure(fw_config_edit(), "third");
        TEST_OK(fw_config_commit(NULL));
        fw_config_boot();
        TEST_STR_EQ(fw_config_sso()->sp.provider_name, "third");
    }
    printf("    %lu cut points: %u old, %u new\n", (unsigned long)ops, olds, news);
    TEST_TRUE(olds > 0);
    TEST_EQ(fake_flash_violations(), 0);
}

/* The newest record has a critical type this firmware does not know (written by a newer
 * one): fall back to the older record, say so, and the next save replaces the unusable
 * record, not the usable one. */
TEST_CASE(unusable_newest_record_falls_back_to_the_older_one)
{
    static uint8_t p[512];
    struct fw_store st;
    size_t n = 0;
    fake_flash_setup(64 * 1024, 4096, 4);
    fw_config_boot();
    configure(fw_config_edit(), "usable");
    TEST_OK(fw_config_commit(NULL)); /* record 1, slot 0 */
    /* record 2 in slot 1: hostname TLV + an unknown critical SSO type */
    memcpy(p + n, "\x01\x00\x03\x00gw2", 7);
    n += 7;
    memcpy(p + n, "\x77\x07\x01\x00x", 5);
    n += 5;
    raw_record(p, n);
    reset_capture();
    fw_config_boot();
    TEST_STR_EQ(fw_config_sso()->sp.provider_name, "usable");
    TEST_STR_EQ(fw_config_get()->hostname, "latchkey"); /* the whole older record */
    TEST_EQ(audits, 1);
    TEST_EQ(last_event, FW_EV_CONFIG_DAMAGED);
    TEST_EQ(last_code, SSO_E_CFG_CORRUPT);
    TEST_EQ(fw_config_seq(), 1);
    /* the next save goes to slot 1 (the unusable record), slot 0 stays */
    configure(fw_config_edit(), "after");
    TEST_OK(fw_config_commit(NULL));
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.newest, 1);
    TEST_EQ(st.slot_state[0], FW_STORE_SLOT_VALID);
    reset_capture();
    fw_config_boot();
    TEST_STR_EQ(fw_config_sso()->sp.provider_name, "after");
    TEST_EQ(audits, 0);
}

TEST_CASE(a_corrupt_payload_with_valid_crcs_is_refused)
{
    static const uint8_t dup[] = {0x02, 0x01, 0x01, 0x00, 'a', 0x02, 0x01, 0x01, 0x00, 'b'};
    fake_flash_setup(64 * 1024, 4096, 4);
    fw_config_boot();
    configure(fw_config_edit(), "usable");
    TEST_OK(fw_config_commit(NULL));
    raw_record(dup, sizeof(dup)); /* short name given twice */
    reset_capture();
    fw_config_boot();
    TEST_STR_EQ(fw_config_sso()->sp.provider_name, "usable");
    TEST_EQ(last_event, FW_EV_CONFIG_DAMAGED);
    /* both records unusable: defaults, and the event says so */
    fake_flash_setup(64 * 1024, 4096, 4);
    raw_record(dup, sizeof(dup));
    raw_record(dup, sizeof(dup));
    reset_capture();
    fw_config_boot();
    TEST_TRUE(!fw_config_first_boot());
    TEST_STR_EQ(fw_config_sso()->sp.provider_name, "");
    TEST_EQ(fw_config_sso()->account_count, 0);
    TEST_EQ(last_event, FW_EV_CONFIG_DAMAGED);
    TEST_TRUE(strstr(last_log, "using defaults") != NULL);
}

TEST_CASE(a_damaged_slot_beside_the_record_is_reported)
{
    fake_flash_setup(64 * 1024, 4096, 4);
    fw_config_boot();
    configure(fw_config_edit(), "one");
    TEST_OK(fw_config_commit(NULL));
    configure(fw_config_edit(), "two");
    TEST_OK(fw_config_commit(NULL));
    fake_flash_mem()[32 * 1024 + 20] ^= 0x40; /* slot 1's header (record 2) */
    reset_capture();
    fw_config_boot();
    TEST_STR_EQ(fw_config_sso()->sp.provider_name, "one");
    TEST_EQ(audits, 1);
    TEST_EQ(last_event, FW_EV_CONFIG_DAMAGED);
    TEST_TRUE(strstr(last_log, "damaged") != NULL);
}

TEST_CASE(flash_failure_at_boot_runs_on_defaults_and_saves_nothing)
{
    fake_flash_setup(64 * 1024, 4096, 3); /* a program unit the format cannot use */
    fw_config_boot();
    TEST_TRUE(strstr(last_log, "flash unusable") != NULL);
    configure(fw_config_edit(), "x");
    TEST_EQ(fw_config_commit(NULL), HAL_EIO);
    TEST_STR_EQ(fw_config_sso()->sp.provider_name, "");
}

static const struct lk_test_case cases[] = {
    LK_CASE(first_boot_then_changes_persist),
    LK_CASE(abort_and_invalid_commit_change_nothing),
    LK_CASE(power_cut_sweep_of_a_full_record),
    LK_CASE(unusable_newest_record_falls_back_to_the_older_one),
    LK_CASE(a_corrupt_payload_with_valid_crcs_is_refused),
    LK_CASE(a_damaged_slot_beside_the_record_is_reported),
    LK_CASE(flash_failure_at_boot_runs_on_defaults_and_saves_nothing),
};

TEST_MAIN(cases)
