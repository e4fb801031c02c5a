/*
 * Config partition store: two alternating slots, CRC-checked records, commit word last.
 * See store.h for the model and docs/STORAGE.md for the byte layout.
 */
#include "store/store.h"

#include <string.h>

#include "hal/hal_err.h"
#include "util/crc32.h"

#define CHUNK 64 /* read buffer on the stack for CRC passes */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* a is newer than b, with wrap-around (RFC 1982 style for 32 bits). */
static int seq_newer(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

static uint32_t slot_base(const struct fw_store *st, int slot)
{
    return (uint32_t)slot * st->slot_size;
}

size_t fw_store_max_payload(const struct fw_store *st)
{
    return st->slot_size - FW_STORE_PAYLOAD_OFF;
}

/* CRC-32 of @p len flash bytes at @p off. */
static int flash_crc(uint32_t off, uint32_t len, uint32_t *crc)
{
    uint8_t buf[CHUNK];
    uint32_t c = 0;
    while (len > 0) {
        uint32_t n = len < CHUNK ? len : CHUNK;
        int rc = hal_flash_read(off, buf, n);
        if (rc != HAL_OK) {
            return rc;
        }
        c = fw_crc32(c, buf, n);
        off += n;
        len -= n;
    }
    *crc = c;
    return HAL_OK;
}

/*
 * Validate one slot. HAL_OK with *seq, *len and *pcrc (payload CRC) set if it holds a
 * complete record; HAL_ENODATA if not (erased, torn, corrupt, or a format this code does
 * not know); HAL_EIO if the flash could not be read.
 */
static int slot_check(const struct fw_store *st, int slot, uint32_t *seq, uint32_t *len,
                      uint32_t *pcrc)
{
    uint8_t h[FW_STORE_PAYLOAD_OFF];
    uint32_t base = slot_base(st, slot), plen, crc;
    int rc = hal_flash_read(base, h, sizeof(h));
    if (rc != HAL_OK) {
        return rc;
    }
    /* The commit word is written last: without it the record is a torn save. */
    if (get32(h + FW_STORE_CMT_OFF) != FW_STORE_COMMIT || get32(h) != FW_STORE_MAGIC) {
        return HAL_ENODATA;
    }
    /* A record of a newer format (firmware downgrade) is not read with old rules. */
    if (get16(h + 4) != FW_STORE_FORMAT || get16(h + 6) != FW_STORE_PAYLOAD_OFF) {
        return HAL_ENODATA;
    }
    if (fw_crc32(0, h, 24) != get32(h + 24)) {
        return HAL_ENODATA;
    }
    plen = get32(h + 12);
    if (plen > fw_store_max_payload(st)) {
        return HAL_ENODATA;
    }
    rc = flash_crc(base + FW_STORE_PAYLOAD_OFF, plen, &crc);
    if (rc != HAL_OK) {
        return rc;
    }
    if (crc != get32(h + 16)) {
        return HAL_ENODATA;
    }
    *seq = get32(h + 8);
    *len = plen;
    *pcrc = crc;
    return HAL_OK;
}

/* Is the header area of @p slot erased (never written since the last erase)? */
static int slot_erased(const struct fw_store *st, int slot, int *erased)
{
    uint8_t h[FW_STORE_PAYLOAD_OFF];
    size_t i;
    int rc = hal_flash_read(slot_base(st, slot), h, sizeof(h));
    if (rc != HAL_OK) {
        return rc;
    }
    *erased = 1;
    for (i = 0; i < sizeof(h); i++) {
        if (h[i] != st->info.erase_value) {
            *erased = 0;
        }
    }
    return HAL_OK;
}

/* Find the newest valid slot; st->newest = -1 if neither is valid. */
static int scan(struct fw_store *st)
{
    uint32_t seq[2] = {0, 0}, len, crc;
    int ok[2], slot;
    for (slot = 0; slot < 2; slot++) {
        int erased = 0;
        int rc = slot_check(st, slot, &seq[slot], &len, &crc);
        if (rc != HAL_OK && rc != HAL_ENODATA) {
            return rc;
        }
        ok[slot] = rc == HAL_OK;
        st->slot_seq[slot] = ok[slot] ? seq[slot] : 0;
        if (ok[slot]) {
            st->slot_state[slot] = FW_STORE_SLOT_VALID;
        } else {
            rc = slot_erased(st, slot, &erased);
            if (rc != HAL_OK) {
                return rc;
            }
            st->slot_state[slot] = erased ? FW_STORE_SLOT_EMPTY : FW_STORE_SLOT_DAMAGED;
        }
    }
    if (ok[0] && ok[1]) {
        /* Equal numbers cannot come from this code; slot 0 wins to stay deterministic. */
        st->newest = seq_newer(seq[1], seq[0]) ? 1 : 0;
    } else if (ok[0] || ok[1]) {
        st->newest = ok[0] ? 0 : 1;
    } else {
        st->newest = -1;
    }
    st->seq = st->newest >= 0 ? seq[st->newest] : 0;
    return HAL_OK;
}

int fw_store_open(struct fw_store *st)
{
    int rc;
    memset(st, 0, sizeof(*st));
    st->newest = -1;
    rc = hal_flash_info(&st->info);
    if (rc != HAL_OK) {
        return rc;
    }
    /* The header and commit blocks are programmed as 32 and 16 bytes: the program unit
     * must divide 16. Two slots of at least one sector, each able to hold the header. */
    if (st->info.prog_size == 0 || st->info.prog_size > FW_STORE_CMT_LEN ||
        FW_STORE_CMT_LEN % st->info.prog_size != 0 || st->info.sector_size == 0) {
        return HAL_ENOTSUP;
    }
    st->slot_size = (st->info.size / 2) / st->info.sector_size * st->info.sector_size;
    if (st->slot_size == 0 || st->slot_size <= FW_STORE_PAYLOAD_OFF) {
        return HAL_ENOTSUP;
    }
    return scan(st);
}

int fw_store_load(struct fw_store *st, uint8_t *buf, size_t size, size_t *len)
{
    if (st->newest < 0) {
        return HAL_ENODATA;
    }
    return fw_store_load_slot(st, st->newest, buf, size, len);
}

int fw_store_use_slot(struct fw_store *st, int slot)
{
    if (slot < 0 || slot > 1 || st->slot_state[slot] != FW_STORE_SLOT_VALID) {
        return HAL_EINVAL;
    }
    st->newest = slot;
    st->seq = st->slot_seq[slot];
    return HAL_OK;
}

int fw_store_load_slot(struct fw_store *st, int slot, uint8_t *buf, size_t size, size_t *len)
{
    uint32_t seq, plen, crc;
    int rc;
    if (slot < 0 || slot > 1 || st->slot_state[slot] != FW_STORE_SLOT_VALID) {
        return HAL_ENODATA;
    }
    /* Validate again: the flash may have changed since open. */
    rc = slot_check(st, slot, &seq, &plen, &crc);
    if (rc != HAL_OK) {
        return rc == HAL_ENODATA ? HAL_EIO : rc;
    }
    if (plen > size) {
        return HAL_ENOSPC;
    }
    rc = hal_flash_read(slot_base(st, slot) + FW_STORE_PAYLOAD_OFF, buf, plen);
    if (rc != HAL_OK) {
        return rc;
    }
    /* The copy must be what the CRC covered (a read glitch between the two passes). */
    if (fw_crc32(0, buf, plen) != crc) {
        return HAL_EIO;
    }
    *len = plen;
    return HAL_OK;
}

static int erase_range(struct fw_store *st, uint32_t off, uint32_t len)
{
    uint32_t end = off + len;
    for (; off < end; off += st->info.sector_size) {
        int rc;
        st->last_ops++;
        rc = hal_flash_erase(off);
        if (rc != HAL_OK) {
            return rc;
        }
    }
    return HAL_OK;
}

static int prog(struct fw_store *st, uint32_t off, const void *buf, size_t len)
{
    st->last_ops++;
    return hal_flash_prog(off, buf, len);
}

int fw_store_save(struct fw_store *st, const uint8_t *payload, size_t len)
{
    uint8_t h[FW_STORE_HDR_LEN], tail[FW_STORE_CMT_LEN];
    uint32_t ps = st->info.prog_size, base, need, whole, seq, got_seq, got_len, got_crc;
    int target, rc;

    st->last_ops = 0;
    if (len > fw_store_max_payload(st)) {
        return HAL_ENOSPC;
    }
    /* Never touch the slot that holds the newest valid record. */
    target = st->newest == 0 ? 1 : 0;
    seq = st->newest >= 0 ? st->seq + 1 : 1;
    base = slot_base(st, target);
    st->slot_state[target] = FW_STORE_SLOT_DAMAGED; /* until the commit word is in */

    /* 1. Erase only the sectors the record occupies (less wear, shorter save). */
    need = FW_STORE_PAYLOAD_OFF + (uint32_t)len;
    need = (need + st->info.sector_size - 1) / st->info.sector_size * st->info.sector_size;
    rc = erase_range(st, base, need);
    if (rc != HAL_OK) {
        return rc;
    }
    /* 2. The payload: whole program units straight from the caller, then the tail unit
     *    padded with the erase value (programming erased bits changes nothing). */
    whole = (uint32_t)len / ps * ps;
    if (whole > 0) {
        rc = prog(st, base + FW_STORE_PAYLOAD_OFF, payload, whole);
        if (rc != HAL_OK) {
            return rc;
        }
    }
    if (whole < len) {
        memset(tail, st->info.erase_value, sizeof(tail));
        memcpy(tail, payload + whole, len - whole);
        rc = prog(st, base + FW_STORE_PAYLOAD_OFF + whole, tail, ps);
        if (rc != HAL_OK) {
            return rc;
        }
    }
    /* 3. The header, which covers the payload by its CRC. */
    memset(h, st->info.erase_value, sizeof(h));
    put32(h, FW_STORE_MAGIC);
    put16(h + 4, FW_STORE_FORMAT);
    put16(h + 6, FW_STORE_PAYLOAD_OFF);
    put32(h + 8, seq);
    put32(h + 12, (uint32_t)len);
    put32(h + 16, fw_crc32(0, payload, len));
    put32(h + 20, 0xFFFFFFFFu); /* reserved */
    put32(h + 24, fw_crc32(0, h, 24));
    rc = prog(st, base, h, sizeof(h));
    if (rc != HAL_OK) {
        return rc;
    }
    /* 4. The commit word, last: from here on the new record is the newest. */
    memset(tail, st->info.erase_value, sizeof(tail));
    put32(tail, FW_STORE_COMMIT);
    rc = prog(st, base + FW_STORE_CMT_OFF, tail, sizeof(tail));
    if (rc != HAL_OK) {
        return rc;
    }
    /* Read back: a save is only reported if the flash really holds it. */
    rc = slot_check(st, target, &got_seq, &got_len, &got_crc);
    if (rc != HAL_OK || got_seq != seq || got_len != len) {
        return HAL_EIO;
    }
    st->newest = target;
    st->seq = seq;
    st->slot_state[target] = FW_STORE_SLOT_VALID;
    st->slot_seq[target] = seq;
    return HAL_OK;
}

int fw_store_erase(struct fw_store *st)
{
    int rc;
    st->last_ops = 0;
    rc = erase_range(st, 0, 2 * st->slot_size);
    st->newest = -1;
    st->seq = 0;
    memset(st->slot_state, FW_STORE_SLOT_EMPTY, sizeof(st->slot_state));
    memset(st->slot_seq, 0, sizeof(st->slot_seq));
    return rc;
}
