/* Notification queue: see notify.h. */
#include "app/notify.h"

#include <string.h>

#include "app/timesync.h"
#include "hal/hal_err.h"
#include "util/log.h"

static struct fw_notice q[FW_NOTIFY_MAX];
static unsigned head, count; /* q[head] is the oldest */
static uint32_t next_seq = 1, dropped;

static void copy_text(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    if (src != NULL) {
        while (n + 1 < size && src[n] != '\0') {
            /* Notices go to terminals and mail bodies: no control characters. */
            char ch = src[n];
            if ((unsigned char)ch < 0x20) {
                ch = '?';
            }
            dst[n] = ch;
            n++;
        }
    }
    dst[n] = '\0';
}

void fw_notify_push(enum fw_notify_kind kind, const char *to, const char *text)
{
    struct fw_notice *n;
    int64_t now = 0;
    if (count == FW_NOTIFY_MAX) {
        head = (head + 1) % FW_NOTIFY_MAX;
        count--;
        dropped++;
    }
    n = &q[(head + count) % FW_NOTIFY_MAX];
    memset(n, 0, sizeof(*n));
    n->seq = next_seq++;
    if (fw_time_now(&now) != HAL_OK) {
        now = 0;
    }
    n->time_s = now;
    n->kind = (uint8_t)kind;
    copy_text(n->to, sizeof(n->to), to != NULL ? to : "*");
    copy_text(n->text, sizeof(n->text), text);
    count++;
    fw_log_printf("notice: to %s: %s", n->to, n->text);
}

bool fw_notify_peek(struct fw_notice *out)
{
    if (count == 0) {
        return false;
    }
    *out = q[head];
    return true;
}

void fw_notify_pop(void)
{
    if (count > 0) {
        head = (head + 1) % FW_NOTIFY_MAX;
        count--;
    }
}

unsigned fw_notify_count(void)
{
    return count;
}

const struct fw_notice *fw_notify_at(unsigned i)
{
    return i < count ? &q[(head + i) % FW_NOTIFY_MAX] : NULL;
}

uint32_t fw_notify_dropped(void)
{
    return dropped;
}
