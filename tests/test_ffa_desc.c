/*
 * FF-A v1.1 memory transaction descriptor validation (src/ffa/mem_desc.*)
 * against DEN0077A v1.1 (memory region descriptors): a good descriptor is
 * written byte by byte at the spec's offsets, then each case breaks one field
 * and expects the spec's literal error value (-2 INVALID_PARAMETERS, -3
 * NO_MEMORY, -6 DENIED). One test per row of src/ffa/README.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ffa/mem_desc.h"

#define SENDER 0x0001
#define RX_A 0x8001

struct desc {
	uint8_t b[1024];
	size_t total, frag, buf;
	uint16_t caller;
	enum ffa_mem_op op;
};

static void put(struct desc *d, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		d->b[off + i] = (uint8_t)(v >> (8 * i));
}

/*
 * Header at 0 (48 bytes), nrx receivers at base (16 each), composite at
 * comp, then the constituents. SHARE/LEND: Normal WB Inner-shareable
 * (0x2f), RW (0x02); DONATE: attributes and data access not specified.
 * Ranges: 0x40000000 x1 page, 0x40010000 x2.
 */
static void layout(struct desc *d, enum ffa_mem_op op, unsigned nrx,
		   size_t base, size_t comp)
{
	memset(d, 0, sizeof(*d));
	d->op = op;
	d->caller = SENDER;
	put(d, 0, SENDER, 2);
	put(d, 2, op == FFA_MEM_OP_DONATE ? 0 : 0x2f, 2);
	put(d, 4, 0, 4);		   /* flags */
	put(d, 8, 0, 8);		   /* handle */
	put(d, 16, 0x1122334455667788, 8); /* tag */
	put(d, 24, 16, 4);		   /* access descriptor size */
	put(d, 28, nrx, 4);
	put(d, 32, base, 4);
	for (unsigned i = 0; i < nrx; i++) {
		size_t e = base + 16 * i;

		put(d, e, RX_A + i, 2);
		put(d, e + 2, op == FFA_MEM_OP_DONATE ? 0 : 0x02, 1);
		put(d, e + 4, comp, 4);
	}
	put(d, comp, 3, 4); /* total pages */
	put(d, comp + 4, 2, 4);
	put(d, comp + 16, 0x40000000, 8);
	put(d, comp + 24, 1, 4);
	put(d, comp + 32, 0x40010000, 8);
	put(d, comp + 40, 2, 4);
	d->total = d->frag = d->buf = comp + 48;
}

/* The usual shape: receivers right after the header, then the
 * composite (at 80 for SHARE/LEND's two receivers, 64 for DONATE's one). */
static void good(struct desc *d, enum ffa_mem_op op)
{
	unsigned nrx = op == FFA_MEM_OP_DONATE ? 1 : 2;

	layout(d, op, nrx, 48, 48 + 16 * nrx);
}

static int parse(const struct desc *d, struct ffa_mem_txn *t)
{
	return ffa_mem_desc_parse(d->b, d->buf, d->total, d->frag, d->caller,
				  d->op, t);
}

/* The TX buffer is an exact-size heap copy, so memcheck (make check)
 * reports any read past buf_len; a refused descriptor leaves *out as it
 * was. */
static int run(const struct desc *d)
{
	struct ffa_mem_txn t, before;
	uint8_t *tx = d->buf ? malloc(d->buf) : NULL;
	int rc;

	assert_true(d->buf == 0 || tx != NULL);
	if (tx)
		memcpy(tx, d->b, d->buf);
	memset(&t, 0x5a, sizeof(t));
	before = t;
	rc = ffa_mem_desc_parse(tx, d->buf, d->total, d->frag, d->caller, d->op,
				&t);
	free(tx);
	if (rc != 0)
		assert_memory_equal(&t, &before, sizeof(t));
	return rc;
}

static void test_good_share(void **state)
{
	struct desc d;
	struct ffa_mem_txn t;

	(void)state;
	good(&d, FFA_MEM_OP_SHARE);
	assert_int_equal(parse(&d, &t), 0);
	assert_int_equal(t.sender, 0x0001);
	assert_int_equal(t.attributes, 0x2f);
	assert_true(t.tag == 0x1122334455667788ull);
	assert_int_equal(t.receiver_count, 2);
	assert_int_equal(t.receivers[0].id, 0x8001);
	assert_int_equal(t.receivers[1].id, 0x8002);
	assert_int_equal(t.receivers[1].perms, 0x02);
	assert_int_equal(t.total_pages, 3);
	assert_int_equal(t.range_count, 2);
	assert_int_equal(t.ranges_here, 2);
	assert_true(t.complete);
	assert_true(t.ranges[0].addr == 0x40000000);
	assert_int_equal(t.ranges[0].pages, 1);
	assert_true(t.ranges[1].addr == 0x40010000);
	assert_int_equal(t.ranges[1].pages, 2);
}

static void test_good_lend(void **state)
{
	struct desc d;
	struct ffa_mem_txn t;

	(void)state;
	good(&d, FFA_MEM_OP_LEND);
	put(&d, 4, 1, 4);	  /* zero memory on relinquish: fine for LEND */
	put(&d, 48 + 2, 0x01, 1); /* RO */
	put(&d, 48 + 3, 0x01, 1); /* non-retrieval borrower */
	assert_int_equal(parse(&d, &t), 0);
	assert_int_equal(t.flags, 1);
	assert_int_equal(t.receivers[0].perms, 0x01);
	assert_int_equal(t.receivers[0].flags, 0x01);
}

static void test_good_lend_device(void **state)
{
	struct desc d;

	(void)state;
	good(&d, FFA_MEM_OP_LEND);
	put(&d, 2, 0x10, 2); /* Device-nGnRnE */
	assert_int_equal(run(&d), 0);
}

static void test_good_donate(void **state)
{
	struct desc d;
	struct ffa_mem_txn t;

	(void)state;
	good(&d, FFA_MEM_OP_DONATE);
	put(&d, 4, 1, 4); /* zero memory: fine for DONATE */
	assert_int_equal(parse(&d, &t), 0);
	assert_int_equal(t.receiver_count, 1);
	assert_int_equal(t.attributes, 0);
	assert_int_equal(t.total_pages, 3);
}

/* First of two fragments: header, receivers, composite and the first
 * constituent (128 - 16 = 112 bytes); the second range is not here. */
static void test_good_first_fragment(void **state)
{
	struct desc d;
	struct ffa_mem_txn t;

	(void)state;
	good(&d, FFA_MEM_OP_SHARE);
	d.frag = 112;
	assert_int_equal(parse(&d, &t), 0);
	assert_false(t.complete);
	assert_int_equal(t.range_count, 2);
	assert_int_equal(t.ranges_here, 1);
}

/* The largest descriptor the caps allow: 8 receivers, 32 ranges. */
static void test_good_at_caps(void **state)
{
	struct desc d;
	struct ffa_mem_txn t;
	size_t comp = 48 + 16 * 8;

	(void)state;
	good(&d, FFA_MEM_OP_SHARE);
	memset(d.b + 48, 0, sizeof(d.b) - 48);
	put(&d, 28, 8, 4);
	for (unsigned i = 0; i < 8; i++) {
		put(&d, 48 + 16 * i, 0x8001 + i, 2);
		put(&d, 48 + 16 * i + 2, 0x02, 1);
		put(&d, 48 + 16 * i + 4, comp, 4);
	}
	put(&d, comp, 32, 4);
	put(&d, comp + 4, 32, 4);
	for (unsigned i = 0; i < 32; i++) {
		put(&d, comp + 16 + 16 * i, 0x40000000 + 0x2000ull * i, 8);
		put(&d, comp + 24 + 16 * i, 1, 4);
	}
	d.total = d.frag = d.buf = comp + 16 + 32 * 16;
	assert_true(d.total <= sizeof(d.b));
	assert_int_equal(parse(&d, &t), 0);
	assert_int_equal(t.receiver_count, 8);
	assert_int_equal(t.ranges_here, 32);
}

/*
 * One field broken per case: NAME, the operation, the expected literal
 * error, and the statements that break the good descriptor d. Composite
 * offset for SHARE/LEND: 80; constituents at 96 and 112.
 */
#define BAD(name, oper, err, ...)                                              \
	static void test_##name(void **state)                                  \
	{                                                                      \
		struct desc d;                                                 \
		(void)state;                                                   \
		good(&d, FFA_MEM_OP_##oper);                                   \
		__VA_ARGS__;                                                   \
		assert_int_equal(run(&d), err);                                \
	}

/* Operation and lengths. */
BAD(unknown_op, SHARE, -2, d.op = (enum ffa_mem_op)3)
BAD(frag_above_total, SHARE, -2, d.frag = d.total + 16; d.buf = d.frag)
BAD(frag_above_buffer, SHARE, -2, d.buf = d.frag - 1)
BAD(total_unaligned, SHARE, -2, d.total += 8)
BAD(frag_unaligned, SHARE, -2, d.frag -= 8)
BAD(frag_below_header, SHARE, -2, d.frag = 32; d.buf = 32)
BAD(frag_empty, SHARE, -2, d.frag = 0; d.buf = 0)
/* Header. */
BAD(sender_not_caller, SHARE, -6, d.caller = 0x0002)
BAD(header_reserved, SHARE, -2, put(&d, 47, 1, 1))
BAD(handle_nonzero, SHARE, -2, put(&d, 8, 1, 8))
BAD(flags_reserved, LEND, -2, put(&d, 4, 0x4, 4))
BAD(flags_high_reserved, LEND, -2, put(&d, 4, 0x80000000u, 4))
BAD(share_zero_flag, SHARE, -2, put(&d, 4, 1, 4))
/* Memory region attributes. */
BAD(attr_reserved_bits, SHARE, -2, put(&d, 2, 0x2f | 0x100, 2))
BAD(attr_ns_bit, SHARE, -2, put(&d, 2, 0x2f | 0x40, 2))
BAD(attr_type_reserved, SHARE, -2, put(&d, 2, 0x3f, 2))
BAD(donate_attr_specified, DONATE, -2, put(&d, 2, 0x2f, 2))
BAD(donate_attr_low_bits, DONATE, -2, put(&d, 2, 0x04, 2))
BAD(share_attr_unspecified, SHARE, -2, put(&d, 2, 0x00, 2))
BAD(attr_non_cacheable, SHARE, -6, put(&d, 2, 0x27, 2))
BAD(attr_outer_shareable, LEND, -6, put(&d, 2, 0x2e, 2))
BAD(share_device, SHARE, -6, put(&d, 2, 0x10, 2))
BAD(lend_device_ngnre, LEND, -6, put(&d, 2, 0x14, 2))
/* Receiver array. */
BAD(emad_size_v10, SHARE, -2, put(&d, 24, 32, 4))
BAD(receiver_count_zero, SHARE, -2, put(&d, 28, 0, 4))
BAD(receiver_count_above_max, SHARE, -2,
    layout(&d, FFA_MEM_OP_SHARE, 9, 48, 48 + 16 * 9))
BAD(donate_two_receivers, DONATE, -2, layout(&d, FFA_MEM_OP_DONATE, 2, 48, 80))
BAD(receivers_offset_in_header, SHARE, -2, put(&d, 32, 32, 4))
BAD(receivers_offset_unaligned, SHARE, -2,
    layout(&d, FFA_MEM_OP_SHARE, 2, 56, 96))
BAD(receivers_beyond_fragment, SHARE, -2, put(&d, 32, 0xfffffff0u, 4))
/* Each receiver. */
BAD(receiver_reserved, SHARE, -2, put(&d, 64 + 15, 1, 1))
BAD(perms_reserved_bits, SHARE, -2, put(&d, 64 + 2, 0x12, 1))
BAD(receiver_flags_reserved, SHARE, -2, put(&d, 48 + 3, 0x02, 1))
BAD(data_access_reserved, SHARE, -2, put(&d, 48 + 2, 0x03, 1))
BAD(insn_access_reserved, LEND, -2, put(&d, 48 + 2, 0x0e, 1))
BAD(share_data_unspecified, SHARE, -2, put(&d, 64 + 2, 0x00, 1))
BAD(lend_data_unspecified, LEND, -2, put(&d, 48 + 2, 0x00, 1))
BAD(donate_data_specified, DONATE, -2, put(&d, 48 + 2, 0x02, 1))
BAD(insn_access_specified, SHARE, -2, put(&d, 48 + 2, 0x06, 1))
BAD(donate_insn_specified, DONATE, -2, put(&d, 48 + 2, 0x04, 1))
BAD(receiver_is_sender, SHARE, -2, put(&d, 64, SENDER, 2))
BAD(duplicate_receiver, SHARE, -2, put(&d, 64, RX_A, 2))
BAD(composite_offset_zero, SHARE, -2, put(&d, 48 + 4, 0, 4);
    put(&d, 64 + 4, 0, 4))
BAD(composite_offset_differs, SHARE, -2,
    layout(&d, FFA_MEM_OP_SHARE, 2, 48, 96);
    put(&d, 48 + 4, 80, 4))
/* Composite descriptor. */
BAD(composite_in_receivers, SHARE, -2, put(&d, 48 + 4, 64, 4);
    put(&d, 64 + 4, 64, 4))
BAD(composite_unaligned, SHARE, -2, put(&d, 48 + 4, 88, 4);
    put(&d, 64 + 4, 88, 4))
BAD(composite_beyond_fragment, SHARE, -2, d.frag = 80; d.buf = 80)
BAD(composite_reserved, SHARE, -2, put(&d, 80 + 8, 1, 1))
BAD(composite_pages_zero, SHARE, -2, put(&d, 80, 0, 4))
BAD(range_count_zero, SHARE, -2, put(&d, 80 + 4, 0, 4))
BAD(composite_empty, SHARE, -2, put(&d, 80, 0, 4); put(&d, 80 + 4, 0, 4);
    d.total = d.frag = d.buf = 96)
BAD(range_count_above_max, SHARE, -3, put(&d, 80 + 4, 33, 4))
BAD(total_short_of_ranges, SHARE, -2, put(&d, 80 + 4, 3, 4))
BAD(total_trailing_bytes, SHARE, -2, d.total += 16; d.frag = d.total;
    d.buf = d.total)
/* Constituents. */
BAD(range_reserved, SHARE, -2, put(&d, 96 + 12, 1, 1))
BAD(range_pages_zero, SHARE, -2, put(&d, 112 + 8, 0, 4); put(&d, 80, 1, 4))
BAD(range_unaligned, SHARE, -2, put(&d, 112, 0x40010800, 8))
BAD(range_wraps, SHARE, -2, put(&d, 112, 0xfffffffffffff000ull, 8))
BAD(range_overlap, SHARE, -2, put(&d, 112, 0x3ffff000, 8))
BAD(pages_sum_below, SHARE, -2, put(&d, 80, 4, 4))
BAD(pages_sum_above, SHARE, -2, put(&d, 80, 2, 4))
BAD(fragment_sum_above, SHARE, -2, d.frag = 112; put(&d, 80, 1, 4);
    put(&d, 96 + 8, 2, 4))

/* The last page of the address space is a valid range only if its end
 * is representable: 0xffffffffffffe000 x1 is fine, x2 wraps. */
static void test_range_below_top(void **state)
{
	struct desc d;

	(void)state;
	good(&d, FFA_MEM_OP_SHARE);
	put(&d, 112, 0xffffffffffffd000ull, 8);
	assert_int_equal(run(&d), 0);
	put(&d, 112, 0xffffffffffffe000ull, 8);
	assert_int_equal(run(&d), -2);
}

/* Ranges that touch but do not share a page are not an overlap. */
static void test_ranges_adjacent(void **state)
{
	struct desc d;

	(void)state;
	good(&d, FFA_MEM_OP_SHARE);
	put(&d, 112, 0x40001000, 8);
	assert_int_equal(run(&d), 0);
}

/* Order does not matter: a later range below an earlier one is fine. */
static void test_ranges_descending(void **state)
{
	struct desc d;

	(void)state;
	good(&d, FFA_MEM_OP_SHARE);
	put(&d, 96, 0x40010000, 8);
	put(&d, 96 + 8, 2, 4);
	put(&d, 112, 0x40000000, 8);
	put(&d, 112 + 8, 1, 4);
	assert_int_equal(run(&d), 0);
}

#define T(name) cmocka_unit_test(test_##name)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(good_share),
	    T(good_lend),
	    T(good_lend_device),
	    T(good_donate),
	    T(good_first_fragment),
	    T(good_at_caps),
	    T(range_below_top),
	    T(ranges_adjacent),
	    T(ranges_descending),
	    T(unknown_op),
	    T(frag_above_total),
	    T(frag_above_buffer),
	    T(total_unaligned),
	    T(frag_unaligned),
	    T(frag_below_header),
	    T(frag_empty),
	    T(sender_not_caller),
	    T(header_reserved),
	    T(handle_nonzero),
	    T(flags_reserved),
	    T(flags_high_reserved),
	    T(share_zero_flag),
	    T(attr_reserved_bits),
	    T(attr_ns_bit),
	    T(attr_type_reserved),
	    T(donate_attr_specified),
	    T(donate_attr_low_bits),
	    T(share_attr_unspecified),
	    T(attr_non_cacheable),
	    T(attr_outer_shareable),
	    T(share_device),
	    T(lend_device_ngnre),
	    T(emad_size_v10),
	    T(receiver_count_zero),
	    T(receiver_count_above_max),
	    T(donate_two_receivers),
	    T(receivers_offset_in_header),
	    T(receivers_offset_unaligned),
	    T(receivers_beyond_fragment),
	    T(receiver_reserved),
	    T(perms_reserved_bits),
	    T(receiver_flags_reserved),
	    T(data_access_reserved),
	    T(insn_access_reserved),
	    T(share_data_unspecified),
	    T(lend_data_unspecified),
	    T(donate_data_specified),
	    T(insn_access_specified),
	    T(donate_insn_specified),
	    T(receiver_is_sender),
	    T(duplicate_receiver),
	    T(composite_offset_zero),
	    T(composite_offset_differs),
	    T(composite_in_receivers),
	    T(composite_unaligned),
	    T(composite_beyond_fragment),
	    T(composite_reserved),
	    T(composite_pages_zero),
	    T(range_count_zero),
	    T(composite_empty),
	    T(range_count_above_max),
	    T(total_short_of_ranges),
	    T(total_trailing_bytes),
	    T(range_reserved),
	    T(range_pages_zero),
	    T(range_unaligned),
	    T(range_wraps),
	    T(range_overlap),
	    T(pages_sum_below),
	    T(pages_sum_above),
	    T(fragment_sum_above),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
