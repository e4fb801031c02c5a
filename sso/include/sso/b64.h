/**
 * @file b64.h
 * @brief Base64 (RFC 4648, standard alphabet) for SAML bindings and XML-DSig values.
 *
 * The decoder skips XML whitespace (space, TAB, CR, LF: real IdPs wrap base64 with CRLF)
 * and rejects everything else that is not canonical base64: bad characters, bad padding,
 * non-zero trailing bits, data after padding.
 */
#ifndef SSO_B64_H
#define SSO_B64_H

#include <stddef.h>
#include <stdint.h>

/** Upper bound of the decoded size of @p len input characters. */
#define SSO_B64_DECODED_MAX(len) (((len) / 4u + 1u) * 3u)
/** Encoded size of @p len bytes, without NUL. */
#define SSO_B64_ENCODED_LEN(len) ((((len) + 2u) / 3u) * 4u)

/**
 * @brief Decode @p in into @p out.
 *
 * Padding is required ("Zg==", never "Zg"). Invalid input gives SSO_E_B64 whatever the
 * size of @p out; @p out may be exactly the decoded size. On any error *@p out_len is 0
 * and the content of @p out is unspecified. @p out_len may be NULL.
 *
 * @return SSO_OK, SSO_E_B64 on invalid input, SSO_E_NOSPC if @p out is too small,
 *         SSO_E_INVAL for a NULL buffer with a non-zero length.
 */
int sso_b64_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size, size_t *out_len);

/**
 * @brief Encode @p in into @p out and NUL-terminate it (needs ENCODED_LEN + 1 bytes).
 *        No line breaks. *@p out_len (may be NULL) gets the length without the NUL.
 * @return SSO_OK, SSO_E_NOSPC (@p out set to "" if it has room for that), SSO_E_INVAL.
 */
int sso_b64_encode(const uint8_t *in, size_t in_len, char *out, size_t out_size, size_t *out_len);

#endif /* SSO_B64_H */
