/*
 * xs:dateTime and xs:duration (sso/time.h). Calendar arithmetic is done here with the
 * days-from-civil algorithm on the proleptic Gregorian calendar; no libc time function is
 * used (newlib's gmtime/mktime depend on TZ state and are not thread- or range-safe).
 */
#include "sso/time.h"

#include <stdbool.h>

#include "sso/err.h"

/* Years outside 0001..9999 are refused: SAML and metadata never carry them, and the bound
 * keeps every intermediate value far from int64_t overflow. */
#define YEAR_MIN 1
#define YEAR_MAX 9999

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exactly @p n digits at s[*pos]; advances *pos. */
static bool digits(const char *s, size_t len, size_t *pos, unsigned n, int *out)
{
    int v = 0;
    if (len - *pos < n) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        char c = s[*pos + i];
        if (!is_digit(c)) {
            return false;
        }
        v = v * 10 + (c - '0');
    }
    *pos += n;
    *out = v;
    return true;
}

static bool expect(const char *s, size_t len, size_t *pos, char c)
{
    if (*pos >= len || s[*pos] != c) {
        return false;
    }
    (*pos)++;
    return true;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 of a valid civil date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
    int64_t yy = y - (m <= 2 ? 1 : 0);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2 ? 1 : 0));
}

int sso_time_parse(const char *s, size_t len, int64_t *unix_s)
{
    size_t pos = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
    bool frac_nonzero = false;
    int64_t t;

    if (s == NULL || unix_s == NULL) {
        return SSO_E_INVAL;
    }
    /* No sign, no expanded year: SAML times are four-digit years. */
    if (!digits(s, len, &pos, 4, &y) || !expect(s, len, &pos, '-') ||
        !digits(s, len, &pos, 2, &mo) || !expect(s, len, &pos, '-') ||
        !digits(s, len, &pos, 2, &d) || !expect(s, len, &pos, 'T') ||
        !digits(s, len, &pos, 2, &h) || !expect(s, len, &pos, ':') ||
        !digits(s, len, &pos, 2, &mi) || !expect(s, len, &pos, ':') ||
        !digits(s, len, &pos, 2, &sec)) {
        return SSO_E_INVAL;
    }
    if (pos < len && s[pos] == '.') {
        size_t start = ++pos;
        while (pos < len && is_digit(s[pos])) {
            frac_nonzero = frac_nonzero || s[pos] != '0';
            pos++;
        }
        if (pos == start) {
            return SSO_E_INVAL; /* "12:00:00." */
        }
    }
    /* A zone designator is required: an unzoned time is "local time somewhere" and
     * comparing it with the device clock could shift a validity window by hours. */
    if (pos >= len) {
        return SSO_E_INVAL;
    }
    if (s[pos] == 'Z') {
        pos++;
    } else if (s[pos] == '+' || s[pos] == '-') {
        sign = s[pos] == '+' ? 1 : -1;
        pos++;
        if (!digits(s, len, &pos, 2, &oh) || !expect(s, len, &pos, ':') ||
            !digits(s, len, &pos, 2, &om)) {
            return SSO_E_INVAL;
        }
        if (oh > 14 || om > 59 || (oh == 14 && om != 0)) {
            return SSO_E_INVAL;
        }
    } else {
        return SSO_E_INVAL;
    }
    if (pos != len) {
        return SSO_E_INVAL; /* trailing bytes */
    }
    if (y < YEAR_MIN || y > YEAR_MAX || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        mi > 59 || sec > 60) {
        return SSO_E_INVAL;
    }
    /* XML Schema allows 24:00:00 as the end of a day (= next day 00:00:00). */
    if (h == 24) {
        if (mi != 0 || sec != 0 || frac_nonzero) {
            return SSO_E_INVAL;
        }
    } else if (h > 23) {
        return SSO_E_INVAL;
    }
    t = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60;
    t -= (int64_t)sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
    if (sec == 60) {
        /* A leap second exists only as UTC 23:59:60. It is mapped to 23:59:59, which is what
         * a POSIX clock shows during the leap second, so the value never rolls into the next
         * day; any other :60 is an invalid time. */
        if (((t % 86400) + 86400) % 86400 != 86400 - 60) {
            return SSO_E_INVAL;
        }
        sec = 59;
    }
    *unix_s = t + sec;
    return SSO_OK;
}

int sso_time_format(int64_t unix_s, char *out, size_t out_size)
{
    int64_t days, secs;
    int y, m, d;
    if (out == NULL) {
        return SSO_E_INVAL;
    }
    if (out_size < SSO_TIME_STR_SIZE) {
        if (out_size > 0) {
            out[0] = '\0';
        }
        return SSO_E_NOSPC;
    }
    out[0] = '\0';
    /* Representable range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
    if (unix_s < days_from_civil(YEAR_MIN, 1, 1) * 86400 ||
        unix_s > days_from_civil(YEAR_MAX, 12, 31) * 86400 + 86399) {
        return SSO_E_INVAL;
    }
    days = unix_s >= 0 ? unix_s / 86400 : -((-unix_s + 86399) / 86400);
    secs = unix_s - days * 86400;
    civil_from_days(days, &y, &m, &d);
    {
        int f[6] = {y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60)};
        static const unsigned char width[6] = {4, 2, 2, 2, 2, 2};
        static const char after[6] = {'-', '-', 'T', ':', ':', 'Z'};
        size_t o = 0;
        for (unsigned i = 0; i < 6; i++) {
            int v = f[i];
            for (unsigned k = width[i]; k > 0; k--) {
                out[o + k - 1] = (char)('0' + v % 10);
                v /= 10;
            }
            o += width[i];
            out[o++] = after[i];
        }
        out[o] = '\0';
    }
    return SSO_OK;
}

/* Multiply-add with overflow check: *acc = *acc + n * unit. */
static bool add_scaled(int64_t *acc, int64_t n, int64_t unit)
{
    if (n > (INT64_MAX - *acc) / unit) {
        return false;
    }
    *acc += n * unit;
    return true;
}

int sso_duration_parse(const char *s, size_t len, int64_t *seconds)
{
    /* Designators in the only order xs:duration allows; seconds may have a fraction. */
    static const char date_des[3] = {'Y', 'M', 'D'};
    static const int64_t date_unit[3] = {365 * 86400, 30 * 86400, 86400};
    static const char time_des[3] = {'H', 'M', 'S'};
    static const int64_t time_unit[3] = {3600, 60, 1};
    size_t pos = 0;
    int64_t total = 0;
    unsigned next = 0, fields = 0;
    bool in_time = false;

    if (s == NULL || seconds == NULL) {
        return SSO_E_INVAL;
    }
    /* A negative cacheDuration is meaningless; refuse rather than guess. */
    if (len == 0 || s[0] != 'P') {
        return SSO_E_INVAL;
    }
    pos = 1;
    while (pos < len) {
        int64_t n = 0;
        size_t start = pos;
        bool frac = false;
        char des;
        if (s[pos] == 'T') {
            if (in_time) {
                return SSO_E_INVAL;
            }
            in_time = true;
            next = 0;
            pos++;
            if (pos == len) {
                return SSO_E_INVAL; /* "P1DT" */
            }
            continue;
        }
        while (pos < len && is_digit(s[pos])) {
            int dgt = s[pos] - '0';
            if (n > (INT64_MAX - dgt) / 10) {
                return SSO_E_INVAL;
            }
            n = n * 10 + dgt;
            pos++;
        }
        if (pos == start) {
            return SSO_E_INVAL;
        }
        if (pos < len && s[pos] == '.') {
            size_t fstart = ++pos;
            while (pos < len && is_digit(s[pos])) {
                pos++;
            }
            if (pos == fstart) {
                return SSO_E_INVAL;
            }
            frac = true; /* truncated: the cache lifetime only gets shorter */
        }
        if (pos >= len) {
            return SSO_E_INVAL; /* number without designator */
        }
        des = s[pos++];
        {
            const char *set = in_time ? time_des : date_des;
            const int64_t *unit = in_time ? time_unit : date_unit;
            unsigned k = next;
            while (k < 3 && set[k] != des) {
                k++;
            }
            if (k == 3) {
                return SSO_E_INVAL; /* unknown, repeated or out-of-order designator */
            }
            if (frac && !(in_time && des == 'S')) {
                return SSO_E_INVAL; /* only seconds may be fractional */
            }
            if (!add_scaled(&total, n, unit[k])) {
                return SSO_E_INVAL;
            }
            next = k + 1;
            fields++;
        }
    }
    if (fields == 0 || (in_time && next == 0)) {
        return SSO_E_INVAL; /* "P", "PT" */
    }
    *seconds = total;
    return SSO_OK;
}
