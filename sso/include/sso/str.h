/**
 * @file str.h
 * @brief Non-owning string views used across the SAML core.
 *
 * A view points into memory someone else owns; each API that returns one says how long
 * it stays valid (usually "until sso_xml_free()"). Views are not NUL-terminated.
 */
#ifndef SSO_STR_H
#define SSO_STR_H

#include <stdbool.h>
#include <stddef.h>

struct sso_str {
    const char *p;
    size_t len;
};

/** View of a NUL-terminated C string (NULL gives the empty view). */
struct sso_str sso_str_c(const char *s);

/** Exact byte equality of a view and a C string. */
bool sso_str_eq(struct sso_str a, const char *s);

/** Exact byte equality of two views. */
bool sso_str_eqv(struct sso_str a, struct sso_str b);

/** True if @p s holds only XML whitespace (space, TAB, CR, LF), or nothing. */
bool sso_str_is_blank(struct sso_str s);

/**
 * @brief Copy @p s into @p out as a NUL-terminated string.
 * @return SSO_OK, or SSO_E_NOSPC when it does not fit (out is then set to "").
 */
int sso_str_copy(char *out, size_t out_size, struct sso_str s);

#endif /* SSO_STR_H */
