/**
 * @file json.h
 * @brief A bounded JSON writer into a caller buffer: objects, arrays, strings (escaped),
 *        integers, booleans, null. Commas and nesting are tracked (at most
 *        FW_JSON_DEPTH levels). Overflow or misuse sets a sticky error: the output is then
 *        unusable (never a truncated document that parses).
 */
#ifndef FW_JSON_H
#define FW_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_JSON_DEPTH 8

struct fw_json {
    char *buf;
    size_t size, len;
    int err; /**< 0, or HAL_ENOSPC / HAL_EINVAL (sticky) */
    uint8_t depth;
    bool first[FW_JSON_DEPTH + 1]; /**< no member written yet at this level */
};

void fw_json_init(struct fw_json *j, char *buf, size_t size);
void fw_json_obj_begin(struct fw_json *j, const char *key); /**< key NULL inside arrays/top */
void fw_json_obj_end(struct fw_json *j);
void fw_json_arr_begin(struct fw_json *j, const char *key);
void fw_json_arr_end(struct fw_json *j);
void fw_json_str(struct fw_json *j, const char *key, const char *val); /**< NULL val: null */
void fw_json_int(struct fw_json *j, const char *key, int64_t val);
void fw_json_uint(struct fw_json *j, const char *key, uint64_t val);
void fw_json_bool(struct fw_json *j, const char *key, bool val);
void fw_json_null(struct fw_json *j, const char *key);

/** @return the document length, or a negative HAL code if anything failed. */
int fw_json_finish(struct fw_json *j, size_t *len);

#endif /* FW_JSON_H */
