/* xs:dateTime and xs:duration parsing and formatting (sso/time.h). */
#include <string.h>

#include "harness.h"
#include "sso/err.h"
#include "sso/time.h"

static int parse(const char *s, int64_t *t)
{
    return sso_time_parse(s, strlen(s), t);
}

static int dur(const char *s, int64_t *t)
{
    return sso_duration_parse(s, strlen(s), t);
}

TEST_CASE(parse_utc)
{
    int64_t t = -1;
    TEST_OK(parse("1970-01-01T00:00:00Z", &t));
    TEST_EQ(t, 0);
    /* Values cross-checked with `date -u -d ... +%s`. */
    TEST_OK(parse("2024-02-29T12:34:56Z", &t));
    TEST_EQ(t, 1709210096);
    TEST_OK(parse("2038-01-19T03:14:08Z", &t));
    TEST_EQ(t, 2147483648LL);
    TEST_OK(parse("2000-03-01T00:00:00Z", &t));
    TEST_EQ(t, 951868800);
    TEST_OK(parse("1969-12-31T23:59:59Z", &t));
    TEST_EQ(t, -1);
    TEST_OK(parse("0001-01-01T00:00:00Z", &t));
    TEST_EQ(t, -62135596800LL);
    TEST_OK(parse("9999-12-31T23:59:59Z", &t));
    TEST_EQ(t, 253402300799LL);
}

TEST_CASE(parse_fraction_truncates)
{
    int64_t t = 0;
    TEST_OK(parse("2022-04-20T00:56:59.000Z", &t));
    TEST_EQ(t, 1650416219);
    TEST_OK(parse("2022-04-20T00:56:59.999999999999Z", &t));
    TEST_EQ(t, 1650416219);
    TEST_OK(parse("1969-12-31T23:59:59.5Z", &t));
    TEST_EQ(t, -1); /* toward the past, also before 1970 */
    TEST_EQ(parse("2022-04-20T00:56:59.Z", &t), SSO_E_INVAL);
    TEST_EQ(parse("2022-04-20T00:56:59.1.2Z", &t), SSO_E_INVAL);
}

TEST_CASE(parse_offsets)
{
    int64_t t = 0;
    TEST_OK(parse("2024-01-01T01:30:00+01:30", &t));
    TEST_EQ(t, 1704067200);
    TEST_OK(parse("2023-12-31T19:00:00-05:00", &t));
    TEST_EQ(t, 1704067200);
    TEST_OK(parse("2024-01-01T00:00:00-00:00", &t));
    TEST_EQ(t, 1704067200);
    TEST_OK(parse("2024-01-01T14:00:00+14:00", &t));
    TEST_EQ(t, 1704067200);
    TEST_EQ(parse("2024-01-01T00:00:00+14:01", &t), SSO_E_INVAL);
    TEST_EQ(parse("2024-01-01T00:00:00+15:00", &t), SSO_E_INVAL);
    TEST_EQ(parse("2024-01-01T00:00:00+01:60", &t), SSO_E_INVAL);
    TEST_EQ(parse("2024-01-01T00:00:00+0100", &t), SSO_E_INVAL);
    TEST_EQ(parse("2024-01-01T00:00:00+1:00", &t), SSO_E_INVAL);
    TEST_EQ(parse("2024-01-01T00:00:00+01", &t), SSO_E_INVAL);
}

TEST_CASE(parse_rejects_unzoned_and_malformed)
{
    static const char *const bad[] = {
        "",
        "2024-01-01T00:00:00",  /* no zone: ambiguous */
        "2024-01-01T00:00:00z", /* lower-case z */
        "2024-01-01 00:00:00Z",
        "2024-01-01t00:00:00Z",
        "24-01-01T00:00:00Z",
        "+2024-01-01T00:00:00Z",
        "-2024-01-01T00:00:00Z",
        "12024-01-01T00:00:00Z",
        "2024-1-01T00:00:00Z",
        "2024-01-01T0:00:00Z",
        "2024-01-01T00:00Z",
        "2024-01-01T00:00:00ZZ",
        "2024-01-01T00:00:00Z ",
        " 2024-01-01T00:00:00Z",
        "2024-01-01",
        "2024-01-0aT00:00:00Z",
        "0000-01-01T00:00:00Z", /* no year zero */
        "2024-00-01T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-01-00T00:00:00Z",
        "2024-01-32T00:00:00Z",
        "2023-02-29T00:00:00Z", /* not a leap year */
        "1900-02-29T00:00:00Z", /* century rule */
        "2024-04-31T00:00:00Z",
        "2024-01-01T25:00:00Z",
        "2024-01-01T24:00:01Z",
        "2024-01-01T24:01:00Z",
        "2024-01-01T24:00:00.5Z",
        "2024-01-01T00:60:00Z",
        "2024-01-01T00:00:61Z",
        "2024-01-01T00:00:99Z",
    };
    int64_t t = 42;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i], &t) != SSO_E_INVAL) {
            lk_test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
            return;
        }
    }
    TEST_EQ(t, 42); /* untouched on failure */
    TEST_EQ(sso_time_parse(NULL, 0, &t), SSO_E_INVAL);
    TEST_EQ(sso_time_parse("x", 1, NULL), SSO_E_INVAL);
    /* Length is honoured: the bytes after len are not read. */
    TEST_OK(sso_time_parse("2024-01-01T00:00:00Zjunk", 20, &t));
    TEST_EQ(t, 1704067200);
    TEST_EQ(sso_time_parse("2024-01-01T00:00:00Z", 19, &t), SSO_E_INVAL);
}

TEST_CASE(parse_end_of_day_and_leap_second)
{
    int64_t t = 0;
    TEST_OK(parse("2023-12-31T24:00:00Z", &t));
    TEST_EQ(t, 1704067200);
    TEST_OK(parse("2023-12-31T24:00:00.000Z", &t));
    TEST_EQ(t, 1704067200);
    /* 2016-12-31T23:59:60Z was a real leap second: maps to 23:59:59 (1483228799). */
    TEST_OK(parse("2016-12-31T23:59:60Z", &t));
    TEST_EQ(t, 1483228799);
    TEST_OK(parse("2016-12-31T23:59:60.9Z", &t));
    TEST_EQ(t, 1483228799);
    /* The same instant written with an offset. */
    TEST_OK(parse("2017-01-01T00:59:60+01:00", &t));
    TEST_EQ(t, 1483228799);
    /* :60 anywhere but UTC 23:59 is not a leap second. */
    TEST_EQ(parse("2016-12-31T12:00:60Z", &t), SSO_E_INVAL);
    TEST_EQ(parse("2016-12-31T23:59:60+01:00", &t), SSO_E_INVAL);
    TEST_EQ(parse("2016-12-31T23:58:60Z", &t), SSO_E_INVAL);
}

TEST_CASE(format_round_trip)
{
    char buf[SSO_TIME_STR_SIZE];
    static const char *const vals[] = {
        "1970-01-01T00:00:00Z", "2024-02-29T12:34:56Z", "1969-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2100-03-01T00:00:00Z",
        "1600-02-29T23:59:59Z",
    };
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        int64_t t = 0;
        TEST_OK(parse(vals[i], &t));
        TEST_OK(sso_time_format(t, buf, sizeof(buf)));
        TEST_STR_EQ(buf, vals[i]);
    }
    /* Every day over a 1200-year span: format then parse gives the same instant. */
    for (int64_t t = -12000LL * 86400 * 30; t < 12000LL * 86400 * 30; t += 86400 * 7 + 3661) {
        int64_t back = 0;
        TEST_OK(sso_time_format(t, buf, sizeof(buf)));
        TEST_OK(parse(buf, &back));
        TEST_EQ(back, t);
    }
}

TEST_CASE(format_bounds)
{
    char buf[SSO_TIME_STR_SIZE];
    char small[SSO_TIME_STR_SIZE - 1];
    TEST_EQ(sso_time_format(0, small, sizeof(small)), SSO_E_NOSPC);
    TEST_EQ(small[0], '\0');
    TEST_EQ(sso_time_format(0, NULL, 21), SSO_E_INVAL);
    TEST_EQ(sso_time_format(-62135596801LL, buf, sizeof(buf)), SSO_E_INVAL);
    TEST_EQ(sso_time_format(253402300800LL, buf, sizeof(buf)), SSO_E_INVAL);
    TEST_EQ(sso_time_format(INT64_MIN, buf, sizeof(buf)), SSO_E_INVAL);
    TEST_EQ(sso_time_format(INT64_MAX, buf, sizeof(buf)), SSO_E_INVAL);
}

TEST_CASE(duration_values)
{
    int64_t s = -1;
    TEST_OK(dur("PT36000S", &s));
    TEST_EQ(s, 36000);
    TEST_OK(dur("PT15M", &s));
    TEST_EQ(s, 900);
    TEST_OK(dur("P1DT2H", &s));
    TEST_EQ(s, 86400 + 7200);
    TEST_OK(dur("P1Y2M3DT4H5M6S", &s));
    TEST_EQ(s, 365LL * 86400 + 60LL * 86400 + 3 * 86400 + 4 * 3600 + 5 * 60 + 6);
    TEST_OK(dur("PT1.9S", &s));
    TEST_EQ(s, 1);
    TEST_OK(dur("P0D", &s));
    TEST_EQ(s, 0);
    TEST_OK(dur("PT1393462294S", &s)); /* seen in real metadata */
    TEST_EQ(s, 1393462294);
    TEST_OK(dur("P1M", &s)); /* month, not minute */
    TEST_EQ(s, 30 * 86400);
    TEST_OK(dur("PT1M", &s));
    TEST_EQ(s, 60);
}

TEST_CASE(duration_rejects)
{
    static const char *const bad[] = {
        "",
        "P",
        "PT",
        "-PT1S",
        "P1DT",
        "1D",
        "PT1D",
        "P1H",
        "P1S",
        "PT1Y",
        "P1D2Y",
        "PT1S2M",
        "P1Y1Y",
        "PT1.S",
        "P1.5D",
        "PT.5S",
        "P 1D",
        "PT1s",
        "PT1SX",
        "P1DTT1H",
        "PT1H1H",
        "PTS",
        "P-1D",
        "pt1s",
        "PT1",
        "P1DT1",
        "PT99999999999999999999S",
        "P300000000000Y",
        "P9223372036854775807D",
    };
    int64_t s = 7;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (dur(bad[i], &s) != SSO_E_INVAL) {
            lk_test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
            return;
        }
    }
    TEST_EQ(s, 7);
    TEST_EQ(sso_duration_parse(NULL, 0, &s), SSO_E_INVAL);
    TEST_EQ(sso_duration_parse("PT1S", 4, NULL), SSO_E_INVAL);
    /* Largest value that fits. */
    TEST_OK(dur("PT9223372036854775807S", &s));
    TEST_EQ(s, INT64_MAX);
    TEST_EQ(dur("PT9223372036854775808S", &s), SSO_E_INVAL);
    TEST_EQ(dur("PT1H9223372036854775807S", &s), SSO_E_INVAL);
}

static const struct lk_test_case cases[] = {
    LK_CASE(parse_utc),
    LK_CASE(parse_fraction_truncates),
    LK_CASE(parse_offsets),
    LK_CASE(parse_rejects_unzoned_and_malformed),
    LK_CASE(parse_end_of_day_and_leap_second),
    LK_CASE(format_round_trip),
    LK_CASE(format_bounds),
    LK_CASE(duration_values),
    LK_CASE(duration_rejects),
};
TEST_MAIN(cases)
