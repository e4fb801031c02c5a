/* Config store (firmware/store): two slots, CRC, commit word, power cuts. */
#include <stdlib.h>
#include <string.h>

#include "fake_flash.h"
#include "hal/hal_err.h"
#include "harness.h"
#include "store/store.h"
#include "util/crc32.h"

static uint8_t buf[16 * 1024];
static uint8_t snapshot[FAKE_FLASH_MAX];

/* A payload of @p len bytes that differs per @p tag. */
static void fill(uint8_t *p, size_t len, unsigned tag)
{
    size_t i;
    for (i = 0; i < len; i++) {
        p[i] = (uint8_t)(tag * 31u + i * 7u + (i >> 8));
    }
}

TEST_CASE(crc32_check_value)
{
    TEST_EQ(fw_crc32(0, "123456789", 9), 0xCBF43926u);
    /* in pieces */
    TEST_EQ(fw_crc32(fw_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
    TEST_EQ(fw_crc32(0, "", 0), 0);
}

TEST_CASE(empty_flash_has_no_record)
{
    struct fw_store st;
    size_t len = 0;
    fake_flash_setup(64 * 1024, 4096, 4);
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.newest, -1);
    TEST_EQ(st.slot_size, 32 * 1024);
    TEST_EQ(fw_store_max_payload(&st), 32 * 1024 - 48);
    TEST_EQ(fw_store_load(&st, buf, sizeof(buf), &len), HAL_ENODATA);
}

TEST_CASE(saves_alternate_and_newest_wins)
{
    struct fw_store st, again;
    uint8_t p[100];
    size_t len = 0;
    unsigned i;
    fake_flash_setup(64 * 1024, 4096, 4);
    TEST_OK(fw_store_open(&st));
    for (i = 1; i <= 5; i++) {
        fill(p, sizeof(p), i);
        TEST_OK(fw_store_save(&st, p, sizeof(p)));
        TEST_EQ(st.seq, i);
        TEST_EQ(st.newest, (int)((i - 1) % 2)); /* 0, 1, 0, 1, 0 */
        TEST_OK(fw_store_open(&again));
        TEST_EQ(again.seq, i);
        TEST_OK(fw_store_load(&again, buf, sizeof(buf), &len));
        TEST_EQ(len, sizeof(p));
        TEST_MEM_EQ(buf, p, sizeof(p));
    }
    TEST_EQ(fake_flash_violations(), 0);
}

TEST_CASE(every_length_and_program_unit)
{
    static const uint32_t progs[] = {1, 2, 4, 8, 16};
    static const size_t lens[] = {0, 1, 2, 3, 4, 5, 15, 16, 17, 4047, 4048, 4049, 9000};
    struct fw_store st;
    uint8_t *p = malloc(9000);
    size_t i, j, len = 0;
    TEST_TRUE(p != NULL);
    for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
        fake_flash_setup(32 * 1024, 4096, progs[i]);
        TEST_OK(fw_store_open(&st));
        for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
            fill(p, lens[j], (unsigned)(i * 100 + j));
            TEST_OK(fw_store_save(&st, p, lens[j]));
            TEST_OK(fw_store_open(&st));
            TEST_OK(fw_store_load(&st, buf, sizeof(buf), &len));
            TEST_EQ(len, lens[j]);
            TEST_MEM_EQ(buf, p, len);
        }
        TEST_EQ(fake_flash_violations(), 0);
    }
    free(p);
}

TEST_CASE(bounds_are_errors)
{
    struct fw_store st;
    size_t len = 0;
    uint8_t p[64];
    fake_flash_setup(16 * 1024, 4096, 4);
    TEST_OK(fw_store_open(&st));
    TEST_EQ(fw_store_max_payload(&st), 8192 - 48);
    TEST_EQ(fw_store_save(&st, buf, 8192 - 47), HAL_ENOSPC);
    TEST_EQ(st.newest, -1); /* nothing written */
    fill(p, sizeof(p), 1);
    TEST_OK(fw_store_save(&st, p, sizeof(p)));
    TEST_EQ(fw_store_load(&st, buf, sizeof(p) - 1, &len), HAL_ENOSPC);
    TEST_OK(fw_store_save(&st, buf, 8192 - 48)); /* exactly the maximum fits */
}

TEST_CASE(geometry_the_format_cannot_use)
{
    struct fw_store st;
    fake_flash_setup(64 * 1024, 4096, 32); /* program unit larger than the commit block */
    TEST_EQ(fw_store_open(&st), HAL_ENOTSUP);
    fake_flash_setup(64 * 1024, 4096, 3); /* does not divide 16 */
    TEST_EQ(fw_store_open(&st), HAL_ENOTSUP);
    fake_flash_setup(4096, 4096, 4); /* one sector: no room for two slots */
    TEST_EQ(fw_store_open(&st), HAL_ENOTSUP);
    fake_flash_setup(2 * 4096 + 100, 4096, 4); /* odd size: slots are whole sectors */
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.slot_size, 4096);
}

/* Two records (seq 1 in slot 0 holding tag 1, seq 2 in slot 1 holding tag 2). */
static void two_records(struct fw_store *st, uint8_t *p1, uint8_t *p2, size_t len)
{
    fake_flash_setup(16 * 1024, 4096, 4);
    (void)fw_store_open(st);
    fill(p1, len, 1);
    fill(p2, len, 2);
    (void)fw_store_save(st, p1, len);
    (void)fw_store_save(st, p2, len);
}

TEST_CASE(corrupt_newest_falls_back_to_older)
{
    struct fw_store st;
    uint8_t p1[50], p2[50];
    size_t len = 0;
    uint8_t *m = fake_flash_mem();
    static const uint32_t spots[] = {
        8192 + 48 + 10, /* payload byte: payload CRC */
        8192 + 9,       /* sequence number: header CRC */
        8192 + 0,       /* magic */
        8192 + 32,      /* commit word */
        8192 + 4,       /* format version */
        8192 + 13,      /* length */
    };
    size_t i;
    for (i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
        two_records(&st, p1, p2, sizeof(p1));
        TEST_EQ(st.newest, 1);
        m[spots[i]] ^= 0x01; /* one bit (a flip a real part could show) */
        TEST_OK(fw_store_open(&st));
        TEST_EQ(st.newest, 0);
        TEST_EQ(st.seq, 1);
        TEST_OK(fw_store_load(&st, buf, sizeof(buf), &len));
        TEST_MEM_EQ(buf, p1, sizeof(p1));
    }
}

TEST_CASE(newer_format_record_is_ignored)
{
    struct fw_store st;
    uint8_t p1[50], p2[50], *h = fake_flash_mem() + 8192;
    uint32_t crc;
    size_t len = 0;
    two_records(&st, p1, p2, sizeof(p1));
    /* format 2 with a correct header CRC: a downgrade must not read it as format 1 */
    h[4] = 2;
    crc = fw_crc32(0, h, 24);
    h[24] = (uint8_t)crc;
    h[25] = (uint8_t)(crc >> 8);
    h[26] = (uint8_t)(crc >> 16);
    h[27] = (uint8_t)(crc >> 24);
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.seq, 1);
    TEST_OK(fw_store_load(&st, buf, sizeof(buf), &len));
    TEST_MEM_EQ(buf, p1, sizeof(p1));
    /* and the next save goes to slot 1 (the unreadable one), keeping slot 0 */
    TEST_OK(fw_store_save(&st, p2, sizeof(p2)));
    TEST_EQ(st.newest, 1);
    TEST_EQ(st.seq, 2);
}

TEST_CASE(sequence_number_wraps)
{
    struct fw_store st;
    uint8_t p[20];
    size_t len = 0;
    fake_flash_setup(16 * 1024, 4096, 4);
    TEST_OK(fw_store_open(&st));
    fill(p, sizeof(p), 1);
    TEST_OK(fw_store_save(&st, p, sizeof(p)));
    st.seq = 0xFFFFFFFEu; /* as if 4 billion saves had happened */
    TEST_OK(fw_store_save(&st, p, sizeof(p)));
    TEST_EQ(st.seq, 0xFFFFFFFFu);
    fill(p, sizeof(p), 9);
    TEST_OK(fw_store_save(&st, p, sizeof(p)));
    TEST_EQ(st.seq, 0);
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.seq, 0); /* 0 is newer than 0xFFFFFFFF */
    TEST_OK(fw_store_load(&st, buf, sizeof(buf), &len));
    TEST_MEM_EQ(buf, p, sizeof(p));
}

TEST_CASE(erase_leaves_nothing)
{
    struct fw_store st;
    uint8_t p[300];
    size_t i, len = 0;
    fake_flash_setup(16 * 1024, 4096, 4);
    TEST_OK(fw_store_open(&st));
    fill(p, sizeof(p), 3);
    TEST_OK(fw_store_save(&st, p, sizeof(p)));
    TEST_OK(fw_store_save(&st, p, sizeof(p)));
    TEST_OK(fw_store_erase(&st));
    TEST_EQ(st.last_ops, 4); /* 2 slots x 2 sectors */
    for (i = 0; i < 16 * 1024; i++) {
        TEST_EQ(fake_flash_mem()[i], 0xFF);
    }
    TEST_OK(fw_store_open(&st));
    TEST_EQ(fw_store_load(&st, buf, sizeof(buf), &len), HAL_ENODATA);
}

/*
 * The power-cut sweep: from a flash holding an old record, cut the power at every
 * program/erase step of a save; after power-on the store must hold exactly the old or
 * exactly the new payload, and a further save must work.
 */
static void sweep(uint32_t size, uint32_t sector, uint32_t prog, size_t plen, unsigned *points,
                  unsigned *olds, unsigned *news)
{
    struct fw_store st;
    uint8_t *oldp = malloc(plen + 1), *newp = malloc(plen + 1), *third = malloc(plen + 1);
    uint32_t ops, n;
    size_t len = 0;

    TEST_TRUE(oldp != NULL && newp != NULL && third != NULL);
    fill(oldp, plen, 1);
    fill(newp, plen, 2);
    fill(third, plen, 3);
    fake_flash_setup(size, sector, prog);
    TEST_OK(fw_store_open(&st));
    TEST_OK(fw_store_save(&st, newp, plen)); /* seq 1 in slot 0 ... */
    TEST_OK(fw_store_save(&st, oldp, plen)); /* ... old = seq 2 in slot 1: save goes to 0 */
    memcpy(snapshot, fake_flash_mem(), size);

    /* Count the steps of an uncut save. */
    fake_flash_cut_after(0);
    TEST_OK(fw_store_save(&st, newp, plen));
    ops = fake_flash_ops();
    TEST_EQ(ops, st.last_ops);
    TEST_TRUE(ops >= (plen > 0 ? 4u : 3u)); /* erase, payload, header, commit */

    for (n = 1; n <= ops; n++) {
        memcpy(fake_flash_mem(), snapshot, size);
        TEST_OK(fw_store_open(&st));
        TEST_EQ(st.seq, 2);
        fake_flash_cut_after(n);
        TEST_TRUE(fw_store_save(&st, newp, plen) != HAL_OK);
        fake_flash_power_on();
        TEST_OK(fw_store_open(&st));
        TEST_OK(fw_store_load(&st, buf, sizeof(buf), &len));
        TEST_EQ(len, plen);
        if (st.seq == 2) {
            TEST_MEM_EQ(buf, oldp, plen); /* never a mix, never garbage */
            (*olds)++;
        } else {
            TEST_EQ(st.seq, 3);
            TEST_MEM_EQ(buf, newp, plen);
            (*news)++;
        }
        (*points)++;
        /* The device goes on: the next save and load work. */
        TEST_OK(fw_store_save(&st, third, plen));
        TEST_OK(fw_store_open(&st));
        TEST_OK(fw_store_load(&st, buf, sizeof(buf), &len));
        TEST_MEM_EQ(buf, third, plen);
    }
    TEST_EQ(fake_flash_violations(), 0);
    free(oldp);
    free(newp);
    free(third);
}

TEST_CASE(power_cut_sweep)
{
    static const struct {
        uint32_t size, sector, prog;
        size_t plen;
    } g[] = {
        {64 * 1024, 4096, 4, 150},  /* the host board, a settings-sized payload */
        {64 * 1024, 4096, 4, 9000}, /* three sectors */
        {16 * 1024, 1024, 1, 3001}, /* byte-programmable, small sectors */
        {32 * 1024, 2048, 16, 777}, /* 16-byte program unit */
        {32 * 1024, 2048, 8, 0},    /* empty payload */
    };
    unsigned points = 0, olds = 0, news = 0;
    size_t i;
    for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
        sweep(g[i].size, g[i].sector, g[i].prog, g[i].plen, &points, &olds, &news);
        if (lk_test_failed) {
            return;
        }
    }
    printf("    power-cut sweep: %u cut points, %u kept the old record, %u the new one\n", points,
           olds, news);
    TEST_TRUE(points >= 20);
    TEST_TRUE(olds > 0);
}

/* Slot states as found at open, and the fallback a caller makes when the newest record's
 * payload is unusable: load the older slot, use it, and the next save replaces the bad
 * one while the older record stays. */
TEST_CASE(slot_states_and_fallback_to_older_slot)
{
    struct fw_store st;
    uint8_t p1[40], p2[40];
    size_t len = 0;
    fake_flash_setup(64 * 1024, 4096, 4);
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.slot_state[0], FW_STORE_SLOT_EMPTY);
    TEST_EQ(st.slot_state[1], FW_STORE_SLOT_EMPTY);
    fill(p1, sizeof(p1), 1);
    fill(p2, sizeof(p2), 2);
    TEST_OK(fw_store_save(&st, p1, sizeof(p1))); /* slot 0, seq 1 */
    TEST_OK(fw_store_save(&st, p2, sizeof(p2))); /* slot 1, seq 2 */
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.slot_state[0], FW_STORE_SLOT_VALID);
    TEST_EQ(st.slot_state[1], FW_STORE_SLOT_VALID);
    TEST_EQ(st.slot_seq[0], 1);
    TEST_EQ(st.slot_seq[1], 2);
    TEST_EQ(st.newest, 1);
    /* the caller finds slot 1 unusable and falls back */
    TEST_OK(fw_store_load_slot(&st, 0, buf, sizeof(buf), &len));
    TEST_EQ(len, sizeof(p1));
    TEST_MEM_EQ(buf, p1, sizeof(p1));
    TEST_OK(fw_store_use_slot(&st, 0));
    TEST_EQ(st.newest, 0);
    TEST_EQ(st.seq, 1);
    /* the next save goes to slot 1 (seq 2 again) and slot 0 stays */
    fill(p2, sizeof(p2), 3);
    TEST_OK(fw_store_save(&st, p2, sizeof(p2)));
    TEST_EQ(st.newest, 1);
    TEST_EQ(st.seq, 2);
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.newest, 1);
    TEST_OK(fw_store_load(&st, buf, sizeof(buf), &len));
    TEST_MEM_EQ(buf, p2, sizeof(p2));
    TEST_OK(fw_store_load_slot(&st, 0, buf, sizeof(buf), &len));
    TEST_MEM_EQ(buf, p1, sizeof(p1));
    /* a damaged slot (a flipped payload byte) is reported as such */
    fake_flash_mem()[32 * 1024 + 48 + 3] ^= 0x01;
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.slot_state[1], FW_STORE_SLOT_DAMAGED);
    TEST_EQ(st.newest, 0);
    TEST_EQ(fw_store_load_slot(&st, 1, buf, sizeof(buf), &len), HAL_ENODATA);
    TEST_EQ(fw_store_use_slot(&st, 1), HAL_EINVAL);
    TEST_EQ(fw_store_use_slot(&st, 2), HAL_EINVAL);
    /* an interrupted save (cut while programming the header: erase, payload, header)
     * leaves its target damaged, the other valid */
    fake_flash_cut_after(3);
    TEST_TRUE(fw_store_save(&st, p1, sizeof(p1)) != HAL_OK);
    fake_flash_power_on();
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.slot_state[1], FW_STORE_SLOT_DAMAGED);
    TEST_EQ(st.slot_state[0], FW_STORE_SLOT_VALID);
    TEST_OK(fw_store_erase(&st));
    TEST_OK(fw_store_open(&st));
    TEST_EQ(st.slot_state[0], FW_STORE_SLOT_EMPTY);
    TEST_EQ(st.slot_state[1], FW_STORE_SLOT_EMPTY);
}

static const struct lk_test_case cases[] = {
    LK_CASE(slot_states_and_fallback_to_older_slot),
    LK_CASE(crc32_check_value),
    LK_CASE(empty_flash_has_no_record),
    LK_CASE(saves_alternate_and_newest_wins),
    LK_CASE(every_length_and_program_unit),
    LK_CASE(bounds_are_errors),
    LK_CASE(geometry_the_format_cannot_use),
    LK_CASE(corrupt_newest_falls_back_to_older),
    LK_CASE(newer_format_record_is_ignored),
    LK_CASE(sequence_number_wraps),
    LK_CASE(erase_leaves_nothing),
    LK_CASE(power_cut_sweep),
};

TEST_MAIN(cases)
