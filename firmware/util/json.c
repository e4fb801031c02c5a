/* Bounded JSON writer: see json.h. */
#include "util/json.h"

#include <string.h>

#include "hal/hal_err.h"

void fw_json_init(struct fw_json *j, char *buf, size_t size)
{
    memset(j, 0, sizeof(*j));
    j->buf = buf;
    j->size = size;
    j->first[0] = true;
}

static void put(struct fw_json *j, const char *s, size_t n)
{
    if (j->err) {
        return;
    }
    if (j->size - j->len < n) {
        j->err = HAL_ENOSPC;
        return;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
}

static void puts_(struct fw_json *j, const char *s)
{
    put(j, s, strlen(s));
}

static void string(struct fw_json *j, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put(j, "\"", 1);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(j, e, 2);
        } else if (c < 0x20 || c == 0x7F) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(j, e, 6);
        } else {
            put(j, (const char *)&c, 1);
        }
    }
    put(j, "\"", 1);
}

/* Comma and key before a value. */
static void member(struct fw_json *j, const char *key)
{
    if (!j->first[j->depth]) {
        put(j, ",", 1);
    }
    j->first[j->depth] = false;
    if (key != NULL) {
        string(j, key);
        put(j, ":", 1);
    }
}

static void open_(struct fw_json *j, const char *key, const char *brace)
{
    member(j, key);
    if (j->depth == FW_JSON_DEPTH) {
        j->err = j->err ? j->err : HAL_EINVAL;
        return;
    }
    j->depth++;
    j->first[j->depth] = true;
    puts_(j, brace);
}

static void close_(struct fw_json *j, const char *brace)
{
    if (j->depth == 0) {
        j->err = j->err ? j->err : HAL_EINVAL;
        return;
    }
    j->depth--;
    puts_(j, brace);
}

void fw_json_obj_begin(struct fw_json *j, const char *key)
{
    open_(j, key, "{");
}

void fw_json_obj_end(struct fw_json *j)
{
    close_(j, "}");
}

void fw_json_arr_begin(struct fw_json *j, const char *key)
{
    open_(j, key, "[");
}

void fw_json_arr_end(struct fw_json *j)
{
    close_(j, "]");
}

void fw_json_str(struct fw_json *j, const char *key, const char *val)
{
    member(j, key);
    if (val == NULL) {
        puts_(j, "null");
    } else {
        string(j, val);
    }
}

static void digits(struct fw_json *j, uint64_t val)
{
    char d[20];
    size_t n = 0;
    do {
        d[n++] = (char)('0' + val % 10);
        val /= 10;
    } while (val != 0);
    while (n > 0) {
        put(j, &d[--n], 1);
    }
}

void fw_json_uint(struct fw_json *j, const char *key, uint64_t val)
{
    member(j, key);
    digits(j, val);
}

void fw_json_int(struct fw_json *j, const char *key, int64_t val)
{
    member(j, key);
    if (val < 0) {
        put(j, "-", 1);
        digits(j, (uint64_t)(-(val + 1)) + 1u); /* no overflow for INT64_MIN */
    } else {
        digits(j, (uint64_t)val);
    }
}

void fw_json_bool(struct fw_json *j, const char *key, bool val)
{
    member(j, key);
    puts_(j, val ? "true" : "false");
}

void fw_json_null(struct fw_json *j, const char *key)
{
    member(j, key);
    puts_(j, "null");
}

int fw_json_finish(struct fw_json *j, size_t *len)
{
    if (j->err == 0 && j->depth != 0) {
        j->err = HAL_EINVAL;
    }
    if (j->err) {
        return j->err;
    }
    *len = j->len;
    return HAL_OK;
}
