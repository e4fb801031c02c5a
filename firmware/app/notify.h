/**
 * @file notify.h
 * @brief A bounded queue of notifications for the local users, for transports that
 *        arrive later (email) to consume. Today the console prints each notice when it is
 *        queued, and `notices` on the console lists the queue.
 *
 * FW_NOTIFY_MAX entries; when full, the oldest is dropped (and counted): a notice is a
 * courtesy copy of what the audit log already holds, so losing the oldest one is better
 * than refusing the newest. Strings are cut to their bounds. Superloop context only.
 */
#ifndef FW_NOTIFY_H
#define FW_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "sso/cfg.h"

#define FW_NOTIFY_MAX      8
#define FW_NOTIFY_TEXT_MAX 240

enum fw_notify_kind {
    FW_NOTIFY_SSO_ENABLED = 1,
    FW_NOTIFY_SSO_DISABLED = 2,
    FW_NOTIFY_RECOVERY_LOGIN = 3,
};

struct fw_notice {
    uint32_t seq;
    int64_t time_s; /**< 0 if unknown */
    uint8_t kind;   /**< enum fw_notify_kind */
    char to[SSO_CFG_USER_MAX + 1];
    char text[FW_NOTIFY_TEXT_MAX + 1];
};

/** Queue a notice for local user @p to (NULL: all local users). */
void fw_notify_push(enum fw_notify_kind kind, const char *to, const char *text);

/** Copy the oldest notice into @p out. @return false if the queue is empty. */
bool fw_notify_peek(struct fw_notice *out);

/** Remove the oldest notice (a transport delivered it). */
void fw_notify_pop(void);

/** Notices waiting. */
unsigned fw_notify_count(void);

/** The @p i th waiting notice (0 = oldest), or NULL. */
const struct fw_notice *fw_notify_at(unsigned i);

/** Notices dropped because the queue was full. */
uint32_t fw_notify_dropped(void);

#endif /* FW_NOTIFY_H */
