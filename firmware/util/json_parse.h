/**
 * @file json_parse.h
 * @brief A small, strict, bounded JSON parser (RFC 8259) for request bodies.
 *
 * Model. fw_jp_parse() checks the whole document in one pass and records a flat array
 * of tokens (at most FW_JP_TOKENS_MAX) in the caller's struct fw_jp: each token is a
 * view into the caller's text (which must outlive the struct), its type, its parent, the
 * number of children (members of an object, elements of an array) and the index just
 * past its subtree, so that siblings are reached without recursion. Nesting is tracked
 * with an explicit stack of FW_JP_DEPTH entries; nothing recurses, nothing allocates.
 *
 * Strict means: one value and nothing after it but whitespace (space, TAB, LF, CR); no
 * BOM, comments, trailing commas, single quotes, leading zeros, "+1", ".5", NaN or
 * Infinity; strings of valid UTF-8 with no raw control characters; escapes limited to
 * RFC 8259's, \u escapes with paired surrogates and never \u0000 (every string ends up as
 * a C string); object keys at most FW_JP_KEY_MAX bytes once decoded and never repeated
 * in one object (two values for one field would let a proxy and this parser disagree).
 *
 * Readers (fw_jp_get, fw_jp_str, fw_jp_int, fw_jp_bool) check the token type and bounds
 * and decode escapes into the caller's buffer.
 */
#ifndef FW_JSON_PARSE_H
#define FW_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef FW_JP_TOKENS_MAX
#define FW_JP_TOKENS_MAX 128 /**< tokens per document (keys count) */
#endif
#ifndef FW_JP_DEPTH
#define FW_JP_DEPTH 8 /**< nesting of objects and arrays */
#endif
#define FW_JP_KEY_MAX 64 /**< longest object key, decoded */

enum fw_jp_type {
    FW_JP_OBJECT = 1,
    FW_JP_ARRAY,
    FW_JP_STRING, /**< start/len: between the quotes, escapes still in */
    FW_JP_NUMBER,
    FW_JP_TRUE,
    FW_JP_FALSE,
    FW_JP_NULL,
};

struct fw_jp_tok {
    uint8_t type;     /**< enum fw_jp_type */
    uint16_t parent;  /**< index of the enclosing object/array; 0xFFFF for the root */
    uint16_t count;   /**< objects: members; arrays: elements */
    uint16_t next;    /**< index of the token after this one's subtree */
    uint32_t start;   /**< offset in the text */
    uint32_t len;     /**< bytes */
    uint32_t dec_len; /**< strings: decoded length in bytes */
};

struct fw_jp {
    const char *src;
    size_t src_len;
    unsigned ntok;
    size_t err_off; /**< where parsing stopped, on error */
    struct fw_jp_tok tok[FW_JP_TOKENS_MAX];
};

/**
 * @brief Parse @p src (@p len bytes, not NUL-terminated).
 * @return 0 (HAL_OK); HAL_EINVAL on a syntax error (p->err_off says where); HAL_ENOSPC
 *         when the document has more tokens than FW_JP_TOKENS_MAX or nests deeper than
 *         FW_JP_DEPTH, or is over 4 GB.
 */
int fw_jp_parse(struct fw_jp *p, const char *src, size_t len);

/** Type of token @p t, or 0 if @p t is not a token. */
enum fw_jp_type fw_jp_type(const struct fw_jp *p, int t);

/**
 * @brief The value of member @p key of object @p obj.
 * @return its token index, or -1 if @p obj is not an object or has no such member.
 */
int fw_jp_get(const struct fw_jp *p, int obj, const char *key);

/**
 * @brief Iterate: the first child of @p t (after == -1), else the sibling after
 *        child @p after. For objects the children are keys (string tokens); the value of a
 *        key k is token k + 1.
 * @return a token index, or -1 at the end.
 */
int fw_jp_child(const struct fw_jp *p, int t, int after);

/**
 * @brief Decode string token @p t into @p out and NUL-terminate it.
 * @param len  NULL, or receives the decoded length.
 * @return 0; HAL_EINVAL if @p t is not a string; HAL_ENOSPC if it does not fit
 *         (@p out is then "").
 */
int fw_jp_str(const struct fw_jp *p, int t, char *out, size_t size, size_t *len);

/** Does string token @p t equal @p s once decoded? */
bool fw_jp_str_eq(const struct fw_jp *p, int t, const char *s);

/**
 * @brief An integer number token (no fraction, no exponent) in [@p lo, @p hi].
 * @return 0, or HAL_EINVAL (not an integer, or out of range).
 */
int fw_jp_int(const struct fw_jp *p, int t, int64_t lo, int64_t hi, int64_t *out);

/** A true/false token. @return 0 or HAL_EINVAL. */
int fw_jp_bool(const struct fw_jp *p, int t, bool *out);

#endif /* FW_JSON_PARSE_H */
