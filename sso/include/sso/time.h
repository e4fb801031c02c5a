/**
 * @file time.h
 * @brief xs:dateTime and xs:duration as SAML and SAML metadata use them.
 *
 * Time is always an input to the core (Unix seconds, int64_t); nothing here reads a clock.
 */
#ifndef SSO_TIME_H
#define SSO_TIME_H

#include <stddef.h>
#include <stdint.h>

/** Buffer size for sso_time_format(): "YYYY-MM-DDTHH:MM:SSZ" + NUL. */
#define SSO_TIME_STR_SIZE 21

/**
 * @brief Parse an xs:dateTime: "YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)".
 *
 * Fractional seconds are accepted and truncated (a bound is exclusive or inclusive per the
 * caller's comparison, so truncation toward the past is the conservative choice for
 * NotBefore and documented for NotOnOrAfter). A missing zone designator is rejected: SAML
 * requires UTC ("Z") and an unzoned time cannot be compared safely.
 * @return SSO_OK or SSO_E_INVAL.
 */
int sso_time_parse(const char *s, size_t len, int64_t *unix_s);

/** Format @p unix_s as "YYYY-MM-DDTHH:MM:SSZ" into @p out (SSO_TIME_STR_SIZE bytes). */
int sso_time_format(int64_t unix_s, char *out, size_t out_size);

/**
 * @brief Parse an xs:duration ("P1DT2H", "PT36000S", ...) into seconds.
 * Years count as 365 days and months as 30 days (metadata cacheDuration only needs an
 * approximation). Negative durations are rejected.
 * @return SSO_OK or SSO_E_INVAL (also on overflow).
 */
int sso_duration_parse(const char *s, size_t len, int64_t *seconds);

#endif /* SSO_TIME_H */
