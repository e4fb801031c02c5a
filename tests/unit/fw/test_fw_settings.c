/* Device settings: TLV codec and validation (firmware/app/settings.c). */
#include <string.h>

#include "app/settings.h"
#include "hal/hal_err.h"
#include "harness.h"

TEST_CASE(defaults)
{
    struct fw_settings s;
    fw_settings_defaults(&s);
    TEST_STR_EQ(s.hostname, "latchkey");
    TEST_STR_EQ(s.sntp_server, "pool.ntp.org");
    TEST_TRUE(s.use_dhcp);
}

TEST_CASE(round_trip)
{
    struct fw_settings a, b;
    uint8_t buf[256];
    size_t len = 0;
    fw_settings_defaults(&a);
    strcpy(a.hostname, "gw-7.example.net");
    strcpy(a.sntp_server, "10.0.2.2:1123");
    a.use_dhcp = false;
    a.addr = 0x0F02000Au;
    a.netmask = 0x00FFFFFFu;
    a.gateway = 0x0202000Au;
    a.dns = 0x0302000Au;
    TEST_OK(fw_settings_encode(&a, buf, sizeof(buf), &len));
    TEST_OK(fw_settings_decode(&b, buf, len));
    TEST_MEM_EQ(&a, &b, sizeof(a));
    TEST_EQ(fw_settings_encode(&a, buf, len - 1, &len), HAL_ENOSPC);
}

TEST_CASE(empty_payload_gives_defaults)
{
    struct fw_settings s, d;
    fw_settings_defaults(&d);
    TEST_OK(fw_settings_decode(&s, (const uint8_t *)"", 0));
    TEST_MEM_EQ(&s, &d, sizeof(s));
}

TEST_CASE(unknown_types_are_skipped)
{
    /* hostname "ab", then type 900 (a newer firmware's setting), then mode static */
    static const uint8_t in[] = {1, 0, 2, 0, 'a', 'b', 0x84, 3, 3, 0, 1, 2, 3, 3, 0, 1, 0, 1};
    struct fw_settings s;
    TEST_OK(fw_settings_decode(&s, in, sizeof(in)));
    TEST_STR_EQ(s.hostname, "ab");
    TEST_TRUE(!s.use_dhcp);
}

TEST_CASE(malformed_payloads_are_refused)
{
    static const struct {
        const char *name;
        uint8_t in[16];
        size_t len;
    } bad[] = {
        {"truncated header", {1, 0, 2}, 3},
        {"value past the end", {1, 0, 5, 0, 'a', 'b'}, 6},
        {"duplicate", {3, 0, 1, 0, 0, 3, 0, 1, 0, 1}, 10},
        {"empty hostname", {1, 0, 0, 0}, 4},
        {"hostname with space", {1, 0, 3, 0, 'a', ' ', 'b'}, 7},
        {"hostname with NUL", {1, 0, 3, 0, 'a', 0, 'b'}, 7},
        {"mode 2", {3, 0, 1, 0, 2}, 5},
        {"mode too long", {3, 0, 2, 0, 0, 0}, 6},
        {"static too short", {4, 0, 3, 0, 1, 2, 3}, 7},
        {"sntp bad port", {2, 0, 3, 0, 'a', ':', 'x'}, 7},
    };
    struct fw_settings s;
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        strcpy(s.hostname, "junk");
        if (fw_settings_decode(&s, bad[i].in, bad[i].len) != HAL_EINVAL) {
            lk_test_fail(__FILE__, __LINE__, "accepted: %s", bad[i].name);
            return;
        }
        TEST_STR_EQ(s.hostname, "latchkey"); /* left at the defaults */
    }
}

TEST_CASE(hostnames)
{
    TEST_TRUE(fw_settings_hostname_ok("a"));
    TEST_TRUE(fw_settings_hostname_ok("latchkey-01"));
    TEST_TRUE(fw_settings_hostname_ok("fw1.corp.example.com"));
    TEST_TRUE(fw_settings_hostname_ok("0123"));
    TEST_TRUE(fw_settings_hostname_ok(
        "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefgh")); /* 63 */
    TEST_TRUE(!fw_settings_hostname_ok(
        "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghi")); /* 64 */
    TEST_TRUE(!fw_settings_hostname_ok(""));
    TEST_TRUE(!fw_settings_hostname_ok("-a"));
    TEST_TRUE(!fw_settings_hostname_ok("a-"));
    TEST_TRUE(!fw_settings_hostname_ok("a.-b"));
    TEST_TRUE(!fw_settings_hostname_ok("a-.b"));
    TEST_TRUE(!fw_settings_hostname_ok(".a"));
    TEST_TRUE(!fw_settings_hostname_ok("a."));
    TEST_TRUE(!fw_settings_hostname_ok("a..b"));
    TEST_TRUE(!fw_settings_hostname_ok("a_b"));
    TEST_TRUE(!fw_settings_hostname_ok("a\"b"));
    TEST_TRUE(!fw_settings_hostname_ok("a\r\nb"));
}

TEST_CASE(sntp_servers)
{
    char host[FW_SNTP_SERVER_MAX + 1];
    uint16_t port = 0;
    TEST_TRUE(fw_settings_sntp_parse("pool.ntp.org", host, &port));
    TEST_STR_EQ(host, "pool.ntp.org");
    TEST_EQ(port, 123);
    TEST_TRUE(fw_settings_sntp_parse("10.0.2.2:12345", host, &port));
    TEST_STR_EQ(host, "10.0.2.2");
    TEST_EQ(port, 12345);
    TEST_TRUE(fw_settings_sntp_parse("", host, &port));
    TEST_STR_EQ(host, "");
    TEST_TRUE(fw_settings_sntp_parse("h:65535", NULL, NULL));
    TEST_TRUE(!fw_settings_sntp_parse("h:65536", NULL, NULL));
    TEST_TRUE(!fw_settings_sntp_parse("h:0", NULL, NULL));
    TEST_TRUE(!fw_settings_sntp_parse("h:", NULL, NULL));
    TEST_TRUE(!fw_settings_sntp_parse(":123", NULL, NULL));
    TEST_TRUE(!fw_settings_sntp_parse("h:12a", NULL, NULL));
    TEST_TRUE(!fw_settings_sntp_parse("h:123456", NULL, NULL));
    TEST_TRUE(!fw_settings_sntp_parse("h:1:2", NULL, NULL));
    TEST_TRUE(!fw_settings_sntp_parse("bad host", NULL, NULL));
}

static const struct lk_test_case cases[] = {
    LK_CASE(defaults),
    LK_CASE(round_trip),
    LK_CASE(empty_payload_gives_defaults),
    LK_CASE(unknown_types_are_skipped),
    LK_CASE(malformed_payloads_are_refused),
    LK_CASE(hostnames),
    LK_CASE(sntp_servers),
};

TEST_MAIN(cases)
