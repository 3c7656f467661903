/* Data-abort syndrome decoding and the register side of an MMIO read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv_err.h"
#include "trap/dabt_decode.h"
#include "vcpu.h"

#define XZR 31u
#define IPA 0x09000018ull

/* Exception classes (Arm ARM, ESR_ELx.EC). */
#define DABT_LOW 0x24u /* data abort from a lower EL */
#define DABT_CUR 0x25u /* data abort from the same EL */

struct iss_fields {
	unsigned sas; /* log2 of the width */
	bool sse, sf, ar, wnr;
	unsigned srt;
};

/* The data-abort ISS as the Arm ARM lays it out: ISV [24], SAS [23:22],
 * SSE [21], SRT [20:16], SF [15], AR [14], WnR [6], DFSC [5:0]; EC in
 * [31:26] and IL [25] above it. Checked against whole literal syndromes in
 * test_decode_literal_syndromes. */
static uint64_t dabt_esr(unsigned ec, struct iss_fields f)
{
	uint32_t iss = (1u << 24) /* ISV */ | (f.sas << 22) | (f.srt << 16) |
		       0x06 /* DFSC: translation fault, level 2 */;

	if (f.sse)
		iss |= 1u << 21;
	if (f.sf)
		iss |= 1u << 15;
	if (f.ar)
		iss |= 1u << 14;
	if (f.wnr)
		iss |= 1u << 6;
	return ((uint64_t)ec << 26) | (1u << 25) /* IL */ | iss;
}

static struct vcpu vcpu;

static void fill_regs(struct vcpu *v)
{
	for (unsigned i = 0; i < 31; i++)
		v->regs.x[i] = 0xa5a5a5a500000000ull | (i * 0x01010101u);
}

static int setup(void **state)
{
	(void)state;
	memset(&vcpu, 0, sizeof(vcpu));
	fill_regs(&vcpu);
	return 0;
}

static struct mmio_access decode_ok(struct iss_fields f)
{
	struct mmio_access a;

	memset(&a, 0x5a, sizeof(a));
	assert_int_equal(dabt_decode_isv(dabt_esr(DABT_LOW, f), IPA, &vcpu, &a),
			 HV_OK);
	return a;
}

/* ---- dabt_decode_isv ---- */

static void test_decode_read_every_width(void **state)
{
	(void)state;
	for (unsigned sas = 0; sas < 4; sas++) {
		struct mmio_access a = decode_ok(
		    (struct iss_fields){.sas = sas, .srt = 3, .sf = true});

		assert_int_equal(a.width, 1u << sas);
		assert_int_equal(a.ipa, IPA);
		assert_int_equal(a.reg, 3);
		assert_false(a.is_write);
		assert_false(a.sign_extend);
		assert_true(a.reg64);
		assert_false(a.acq_rel);
		assert_int_equal(a.data, 0); /* nothing leaks into a read */
	}
}

static void test_decode_write_every_width(void **state)
{
	static const uint64_t expect[4] = {0x88, 0x7788, 0x55667788,
					   0x1122334455667788ull};

	(void)state;
	vcpu.regs.x[7] = 0x1122334455667788ull;
	for (unsigned sas = 0; sas < 4; sas++) {
		struct mmio_access a = decode_ok((struct iss_fields){
		    .sas = sas, .srt = 7, .sf = sas == 3, .wnr = true});

		assert_true(a.is_write);
		assert_int_equal(a.width, 1u << sas);
		assert_int_equal(a.reg, 7);
		assert_int_equal(a.data, expect[sas]);
	}
	/* The source register is not modified by decoding. */
	assert_int_equal(vcpu.regs.x[7], 0x1122334455667788ull);
}

static void test_decode_fields(void **state)
{
	struct mmio_access a;

	(void)state;
	a = decode_ok((struct iss_fields){
	    .sas = 1, .sse = true, .srt = 30, .sf = false, .ar = true});
	assert_true(a.sign_extend);
	assert_false(a.reg64);
	assert_true(a.acq_rel);
	assert_int_equal(a.reg, 30);
	assert_int_equal(a.width, 2);

	a = decode_ok((struct iss_fields){.sas = 2, .srt = 0, .wnr = true});
	assert_int_equal(a.reg, 0);
	assert_false(a.reg64);
	assert_int_equal(a.data, vcpu.regs.x[0] & 0xffffffffu);
}

static void test_decode_write_from_xzr(void **state)
{
	(void)state;
	for (unsigned sas = 0; sas < 4; sas++) {
		struct mmio_access a = decode_ok((struct iss_fields){
		    .sas = sas, .srt = XZR, .sf = true, .wnr = true});

		assert_int_equal(a.reg, XZR);
		assert_int_equal(a.data, 0);
	}
	/* SP_EL0 sits right after x30 in struct vcpu_regs: not XZR. */
	vcpu.regs.sp_el0 = 0xbadbadbadull;
	struct mmio_access a = decode_ok(
	    (struct iss_fields){.sas = 3, .srt = XZR, .sf = true, .wnr = true});
	assert_int_equal(a.data, 0);
}

static void test_decode_accepts_current_el_abort(void **state)
{
	struct mmio_access a;

	(void)state;
	assert_int_equal(
	    dabt_decode_isv(dabt_esr(DABT_CUR, (struct iss_fields){.sas = 2}),
			    IPA, &vcpu, &a),
	    HV_OK);
	assert_int_equal(a.width, 4);
}

static void test_decode_rejects(void **state)
{
	static const unsigned not_dabt[] = {
	    0x00, /* unknown reason */
	    0x16, /* HVC64 */
	    0x18, /* MSR/MRS */
	    0x20, /* instruction abort, lower EL */
	    0x21, /* instruction abort, same EL */
	    0x26, /* SP alignment */
	    0x2f, /* SError */
	    0x3f, /* unallocated */
	};
	struct mmio_access a, before;
	uint64_t esr;

	(void)state;
	memset(&a, 0x5a, sizeof(a));
	memcpy(&before, &a, sizeof(before));
	for (size_t i = 0; i < sizeof(not_dabt) / sizeof(not_dabt[0]); i++) {
		esr = dabt_esr(not_dabt[i], (struct iss_fields){.sas = 2});
		assert_int_equal(dabt_decode_isv(esr, IPA, &vcpu, &a),
				 HV_EINVAL);
	}
	/* ISV=0: the syndrome says nothing about the instruction. */
	esr = dabt_esr(DABT_LOW, (struct iss_fields){.sas = 2}) &
	      ~(uint64_t)(1u << 24);
	assert_int_equal(dabt_decode_isv(esr, IPA, &vcpu, &a), HV_EINVAL);
	/* Sign-extending a 64-bit load does not exist. */
	esr = dabt_esr(DABT_LOW,
		       (struct iss_fields){.sas = 3, .sse = true, .sf = true});
	assert_int_equal(dabt_decode_isv(esr, IPA, &vcpu, &a), HV_EINVAL);
	/* Neither does a 64-bit transfer through a W register. */
	esr = dabt_esr(DABT_LOW, (struct iss_fields){.sas = 3});
	assert_int_equal(dabt_decode_isv(esr, IPA, &vcpu, &a), HV_EINVAL);
	esr = dabt_esr(DABT_LOW, (struct iss_fields){.sas = 3, .wnr = true});
	assert_int_equal(dabt_decode_isv(esr, IPA, &vcpu, &a), HV_EINVAL);
	/* Failures leave the output alone. */
	assert_memory_equal(&a, &before, sizeof(a));
}

/* Whole syndromes, as a CPU reports them for these instructions. */
static void test_decode_literal_syndromes(void **state)
{
	static const struct {
		uint64_t esr;
		unsigned width, reg;
		bool write, sse, sf, ar;
	} cases[] = {
	    /* LDR w3, [x1]: EC=0x24, IL, ISV, SAS=word, SRT=3, DFSC=0x07 */
	    {0x93830007, 4, 3, false, false, false, false},
	    /* STRB w7, [x2]: SAS=byte, SRT=7, WnR */
	    {0x93070047, 1, 7, true, false, false, false},
	    /* LDRSH x9, [x1]: SAS=halfword, SSE, SRT=9, SF, DFSC=0x06 */
	    {0x93698006, 2, 9, false, true, true, false},
	    /* STLR x30, [x0]: SAS=doubleword, SRT=30, SF, AR, WnR */
	    {0x93dec047, 8, 30, true, false, true, true},
	    /* LDR w0, [x0] from EL2 itself: EC=0x25 */
	    {0x97800007, 4, 0, false, false, false, false},
	};
	struct mmio_access a;

	(void)state;
	/* The field builder the other tests use agrees with these. */
	assert_int_equal(
	    dabt_esr(DABT_LOW, (struct iss_fields){.sas = 2, .srt = 3}),
	    0x93830006);
	assert_int_equal(dabt_esr(DABT_LOW, (struct iss_fields){.sas = 3,
								.srt = 30,
								.sf = true,
								.ar = true,
								.wnr = true}),
			 0x93dec046);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&a, 0x5a, sizeof(a));
		assert_int_equal(dabt_decode_isv(cases[i].esr, IPA, &vcpu, &a),
				 HV_OK);
		assert_int_equal(a.width, cases[i].width);
		assert_int_equal(a.reg, cases[i].reg);
		assert_int_equal(a.is_write, cases[i].write);
		assert_int_equal(a.sign_extend, cases[i].sse);
		assert_int_equal(a.reg64, cases[i].sf);
		assert_int_equal(a.acq_rel, cases[i].ar);
	}
	/* ISV clear (0x92830007): no syndrome to decode. */
	assert_int_equal(dabt_decode_isv(0x92830007, IPA, &vcpu, &a),
			 HV_EINVAL);
}

static void test_decode_ignores_upper_esr_bits(void **state)
{
	struct mmio_access a;
	uint64_t esr = dabt_esr(DABT_LOW, (struct iss_fields){.sas = 0});

	(void)state;
	/* ISS2 (bits 36:32) does not disturb the fields we use. */
	esr |= 0x1full << 32;
	assert_int_equal(dabt_decode_isv(esr, IPA, &vcpu, &a), HV_OK);
	assert_int_equal(a.width, 1);
	assert_false(a.is_write);
}

/* ---- dabt_complete_read ---- */

static struct mmio_access load(unsigned width, bool sse, bool sf, unsigned rt,
			       uint64_t data)
{
	return (struct mmio_access){.ipa = IPA,
				    .width = (uint8_t)width,
				    .reg = (uint8_t)rt,
				    .sign_extend = sse,
				    .reg64 = sf,
				    .data = data};
}

static uint64_t complete(unsigned width, bool sse, bool sf, uint64_t data)
{
	struct mmio_access a = load(width, sse, sf, 4, data);

	vcpu.regs.x[4] = 0xccccccccccccccccull;
	dabt_complete_read(&vcpu, &a);
	return vcpu.regs.x[4];
}

static void test_complete_zero_extend(void **state)
{
	(void)state;
	/* LDRB/LDRH/LDR Wt/LDR Xt of values with the top bit set. */
	assert_int_equal(complete(1, false, false, 0x80), 0x80);
	assert_int_equal(complete(2, false, false, 0x8000), 0x8000);
	assert_int_equal(complete(4, false, false, 0x80000000u), 0x80000000u);
	assert_int_equal(complete(4, false, true, 0x80000000u), 0x80000000u);
	assert_int_equal(complete(8, false, true, 0x8000000000000001ull),
			 0x8000000000000001ull);
	/* Data beyond the width never reaches the register. */
	assert_int_equal(complete(1, false, true, 0xffffff12), 0x12);
	assert_int_equal(complete(2, false, true, 0xffff1234), 0x1234);
	assert_int_equal(complete(4, false, true, 0xffffffff12345678ull),
			 0x12345678);
}

static void test_complete_sign_extend(void **state)
{
	(void)state;
	/* LDRSB Wt / LDRSB Xt */
	assert_int_equal(complete(1, true, false, 0x80), 0xffffff80u);
	assert_int_equal(complete(1, true, true, 0x80), 0xffffffffffffff80ull);
	assert_int_equal(complete(1, true, false, 0x7f), 0x7f);
	assert_int_equal(complete(1, true, true, 0x7f), 0x7f);
	assert_int_equal(complete(1, true, true, 0xff), ~0ull);
	/* LDRSH Wt / LDRSH Xt */
	assert_int_equal(complete(2, true, false, 0x8001), 0xffff8001u);
	assert_int_equal(complete(2, true, true, 0x8001),
			 0xffffffffffff8001ull);
	assert_int_equal(complete(2, true, true, 0x7fff), 0x7fff);
	/* LDRSW Xt */
	assert_int_equal(complete(4, true, true, 0x80000000u),
			 0xffffffff80000000ull);
	assert_int_equal(complete(4, true, true, 0x7fffffffu), 0x7fffffffu);
	/* Sign comes from the access width, not from stray upper data. */
	assert_int_equal(complete(1, true, true, 0xff00), 0);
	assert_int_equal(complete(1, true, true, 0x0180),
			 0xffffffffffffff80ull);
	assert_int_equal(complete(2, true, false, 0xffff0000u), 0);
}

static void test_complete_w_register_clears_top(void **state)
{
	(void)state;
	/* Whatever was in x4 before, a W destination zeroes bits 63:32. */
	assert_int_equal(complete(1, false, false, 0x01), 0x01);
	assert_int_equal(complete(2, false, false, 0x0102), 0x0102);
	assert_int_equal(complete(4, false, false, 0xffffffffu), 0xffffffffu);
	assert_int_equal(complete(4, true, false, 0x80000000u), 0x80000000u);
	assert_int_equal(complete(4, false, false, 0xdeadbeef00000000ull), 0);
}

static void test_complete_to_xzr_discards(void **state)
{
	struct vcpu before;

	(void)state;
	vcpu.regs.sp_el0 = 0x5555;
	vcpu.regs.pc = 0x40080000;
	memcpy(&before, &vcpu, sizeof(before));
	for (unsigned w = 1; w <= 8; w *= 2) {
		struct mmio_access a = load(w, w < 8, w == 8, XZR, ~0ull);

		dabt_complete_read(&vcpu, &a);
		a.sign_extend = false;
		dabt_complete_read(&vcpu, &a);
	}
	assert_memory_equal(&vcpu, &before, sizeof(vcpu));
}

static void test_complete_touches_only_destination(void **state)
{
	struct vcpu before;
	struct mmio_access a = load(8, false, true, 30, 0x1234);

	(void)state;
	memcpy(&before, &vcpu, sizeof(before));
	dabt_complete_read(&vcpu, &a);
	assert_int_equal(vcpu.regs.x[30], 0x1234);
	before.regs.x[30] = 0x1234;
	assert_memory_equal(&vcpu, &before, sizeof(vcpu));
}

static void test_complete_ignores_writes(void **state)
{
	struct vcpu before;
	struct mmio_access a = load(4, false, true, 2, 0x99);

	(void)state;
	a.is_write = true;
	memcpy(&before, &vcpu, sizeof(before));
	dabt_complete_read(&vcpu, &a);
	assert_memory_equal(&vcpu, &before, sizeof(vcpu));
}

static void test_decode_then_complete(void **state)
{
	/* LDRSH w9, [x1] then LDRSB x10, [x1]: the full ISV=1 path. */
	struct mmio_access a;

	(void)state;
	a = decode_ok((struct iss_fields){.sas = 1, .sse = true, .srt = 9});
	a.data = 0xfffe;
	dabt_complete_read(&vcpu, &a);
	assert_int_equal(vcpu.regs.x[9], 0xfffffffeu);

	a = decode_ok(
	    (struct iss_fields){.sas = 0, .sse = true, .srt = 10, .sf = true});
	a.data = 0x9c;
	dabt_complete_read(&vcpu, &a);
	assert_int_equal(vcpu.regs.x[10], 0xffffffffffffff9cull);
}

/* ---- dabt_fault_ipa ---- */

static void test_fault_ipa(void **state)
{
	static const uint64_t ipas[] = {0x09000000ull,	       0x09000fffull,
					0x0b000100ull,	       0x40080000ull,
					0x000fffffffffffffull, 0};

	(void)state;
	for (size_t i = 0; i < sizeof(ipas) / sizeof(ipas[0]); i++) {
		uint64_t hpfar = (ipas[i] >> 12) << 4;
		/* FAR holds the guest VA: only its page offset matters. */
		uint64_t far = 0xffff800012345000ull | (ipas[i] & 0xfff);

		assert_int_equal(dabt_fault_ipa(hpfar, far), ipas[i]);
	}
}

static void test_fault_ipa_ignores_other_hpfar_bits(void **state)
{
	uint64_t hpfar = (0x09000000ull >> 12) << 4;

	(void)state;
	/* NS (bit 63), RES0 above FIPA and bits 3:0. */
	hpfar |= 1ull << 63 | 0xfffull << 44 | 0xf;
	assert_int_equal(dabt_fault_ipa(hpfar, 0x18), 0x09000018ull);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
	const struct CMUnitTest tests[] = {
	    T(test_decode_read_every_width),
	    T(test_decode_write_every_width),
	    T(test_decode_fields),
	    T(test_decode_write_from_xzr),
	    T(test_decode_accepts_current_el_abort),
	    T(test_decode_rejects),
	    T(test_decode_literal_syndromes),
	    T(test_decode_ignores_upper_esr_bits),
	    T(test_complete_zero_extend),
	    T(test_complete_sign_extend),
	    T(test_complete_w_register_clears_top),
	    T(test_complete_to_xzr_discards),
	    T(test_complete_touches_only_destination),
	    T(test_complete_ignores_writes),
	    T(test_decode_then_complete),
	    T(test_fault_ipa),
	    T(test_fault_ipa_ignores_other_hpfar_bits),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
