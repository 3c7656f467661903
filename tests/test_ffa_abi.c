/* FF-A v1.1 routing, discovery and RX/TX buffers (DEN0077A v1.1). Every
 * function ID and status is written out from the spec. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exit.h"
#include "ffa/ffa.h"
#include "ffa_fx.h"
#include "test_vm.h"
#include "isolation.h"
#include "sim_hal.h"

static struct ffa_fx fx;

static int setup3(void **state)
{
	ffa_fx_setup(&fx, 3);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	ffa_fx_teardown(*state);
	return 0;
}

#define CALL(i, x0, x1, x2, x3, x4, x5)                                        \
	ffa_fx_call(&fx, (i), (x0), (x1), (x2), (x3), (x4), (x5))
#define TX_IPA (FX_RAM_IPA + FX_TX_OFF)
#define RX_IPA (FX_RAM_IPA + FX_RX_OFF)

static void version_v11(void **state)
{
	const uint64_t *r = CALL(0, 0x84000063, 0x00010001, 0, 0, 0, 0);

	(void)state;
	assert_int_equal(r[0], 0x00010001);
	/* A v1.2 caller gets v1.1 back: same major. */
	r = CALL(0, 0x84000063, 0x00010002, 0, 0, 0, 0);
	assert_int_equal(r[0], 0x00010001);
}

static void version_incompatible(void **state)
{
	(void)state;
	assert_int_equal(CALL(0, 0x84000063, 0x00020000, 0, 0, 0, 0)[0],
			 FX_NOT_SUPPORTED);
	assert_int_equal(CALL(0, 0x84000063, 0x00000001, 0, 0, 0, 0)[0],
			 FX_NOT_SUPPORTED);
	/* Bit 31 is MBZ. */
	assert_int_equal(CALL(0, 0x84000063, 0x80010001, 0, 0, 0, 0)[0],
			 FX_NOT_SUPPORTED);
}

/* v1.1 returns x0..x7: unused ones zero; x8 and up untouched. */
static void results_x0_to_x7(void **state)
{
	struct vcpu *v = &fx.vm[1]->vcpus[0];
	const uint64_t *r;

	(void)state;
	for (unsigned k = 0; k < 18; k++)
		v->regs.x[k] = 0x1111000000000000ull | k;
	v->regs.x[0] = 0x84000069; /* ID_GET */
	v->regs.pc = FX_RAM_IPA + 0x1004;
	test_trap(v, 0x5a000000ull, 0, 0);
	r = v->regs.x;
	assert_int_equal(r[0], 0x84000061);
	assert_int_equal(r[1], 0);
	assert_int_equal(r[2], 2); /* VM 1 is endpoint 2 */
	for (unsigned k = 3; k < 8; k++)
		assert_int_equal(r[k], 0);
	for (unsigned k = 8; k < 18; k++)
		assert_int_equal(r[k], 0x1111000000000000ull | k);
}

static void id_get(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		const uint64_t *r = CALL(i, 0x84000069, 0, 0, 0, 0, 0);

		assert_int_equal(r[0], 0x84000061);
		assert_int_equal(r[2], i + 1);
	}
}

/* PSCI still answers below FF-A's range, and the next PSCI number is
 * not FF-A's. */
static void routing_boundaries(void **state)
{
	(void)state;
	assert_int_equal(CALL(0, 0x84000000, 0, 0, 0, 0, 0)[0], 0x10001);
	assert_int_equal(CALL(0, 0x8400005f, 0, 0, 0, 0, 0)[0],
			 0xffffffffffffffffull);
	/* Unimplemented FF-A functions answer FFA_ERROR(NOT_SUPPORTED). */
	ffa_fx_assert_err(
	    CALL(0, 0x8400006e /* v1.0 MSG_SEND */, 0, 0, 0, 0, 0),
	    FX_NOT_SUPPORTED);
	ffa_fx_assert_err(CALL(0, 0x840000ef, 0, 0, 0, 0, 0), FX_NOT_SUPPORTED);
}

static void features_implemented(void **state)
{
	static const uint32_t ids[] = {
	    0x84000060, 0x84000061, 0xc4000061, 0x84000063, 0x84000064,
	    0x84000065, 0x84000066, 0xc4000066, 0x84000067, 0x84000068,
	    0x84000069, 0x84000071, 0xc4000071, 0x84000072, 0xc4000072,
	    0x84000073, 0xc4000073, 0x84000074, 0xc4000074, 0x84000076,
	    0x84000077, 0x84000085, 0xc400008b, 0x8400007b, 0x8400006b,
	    0x8400006f, 0xc400006f, 0x84000070, 0xc4000070,
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const uint64_t *r = CALL(0, 0x84000064, ids[i], 0, 0, 0, 0);

		assert_int_equal(r[0], 0x84000061);
		/* RXTX_MAP: [1:0] = 0, 4 KiB minimum size and alignment. */
		assert_int_equal(r[2], 0);
	}
}

static void abi_table_sorted(void **state)
{
	(void)state;
	assert_int_equal(ffa_abi_table_check(), -1);
}

static void features_unknown(void **state)
{
	static const uint32_t ids[] = {
	    0x8400006e, /* MSG_SEND: v1.0's, gone in v1.1 */
	    0x84000084, /* RX_ACQUIRE: the hypervisor's call */
	    0x84000075, /* RETRIEVE_RESP is an answer */
	    0x8400007a, /* FRAG_RX: responses fit one fragment */
	    0x84000000, /* PSCI */
	    /* feature ID 1, the notification pending interrupt: in
	     * test_ffa_notify.c */
	    2, /* schedule receiver interrupt */
	    3, /* managed exit interrupt */
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		ffa_fx_assert_err(CALL(0, 0x84000064, ids[i], 0, 0, 0, 0),
				  FX_NOT_SUPPORTED);
}

static void spm_id_without_secure_world(void **state)
{
	(void)state;
	ffa_fx_assert_err(CALL(0, 0x84000085, 0, 0, 0, 0, 0), FX_NOT_SUPPORTED);
}

static uint64_t el3_seen[18];
static void el3_spmc(uint64_t a[18])
{
	memcpy(el3_seen, a, sizeof(el3_seen));
	a[0] = 0x84000061;
	a[2] = 0x8000; /* SPMC ID */
	a[7] = 0x77;
}

static void spm_id_and_direct_req_forwarded(void **state)
{
	const uint64_t *r;

	(void)state;
	sim_set_el3(el3_spmc);
	r = CALL(0, 0x84000085, 0, 0, 0, 0, 0);
	assert_int_equal(r[0], 0x84000061);
	assert_int_equal(r[2], 0x8000);
	/* To a secure endpoint: forwarded with the sender in w1 [31:16]. */
	r = CALL(1, 0x8400006f, (2u << 16) | 0x8001, 0, 0x33, 0x44, 0x55);
	assert_int_equal(el3_seen[0], 0x8400006f);
	assert_int_equal(el3_seen[1], (2u << 16) | 0x8001);
	assert_int_equal(el3_seen[3], 0x33);
	assert_int_equal(el3_seen[5], 0x55);
	assert_int_equal(r[7], 0x77);
	/* A forged sender is refused; a VM endpoint that is not waiting
	 * for a message is BUSY (test_ffa_msg has the rest). */
	ffa_fx_assert_err(CALL(1, 0x8400006f, (3u << 16) | 0x8001, 0, 0, 0, 0),
			  FX_INVALID);
	ffa_fx_assert_err(CALL(1, 0x8400006f, (2u << 16) | 1, 0, 0, 0, 0),
			  FX_BUSY);
	sim_set_el3(NULL);
}

static void pig_uuid_and_flags(void **state)
{
	(void)state;
	ffa_fx_map(&fx, 0);
	/* No VM has a UUID: a non-nil one matches nothing. */
	ffa_fx_assert_err(CALL(0, 0x84000068, 1, 0, 0, 0, 0), FX_INVALID);
	ffa_fx_assert_err(CALL(0, 0x84000068, 0, 0, 0, 0x80000000, 0),
			  FX_INVALID);
	/* w5 bits [31:1] MBZ. */
	ffa_fx_assert_err(CALL(0, 0x84000068, 0, 0, 0, 0, 2), FX_INVALID);
}

static void pig_count_only(void **state)
{
	const uint64_t *r = CALL(2, 0x84000068, 0, 0, 0, 0, 1);

	(void)state;
	/* No buffer needed for the count. */
	assert_int_equal(r[0], 0x84000061);
	assert_int_equal(r[2], 3);
	assert_int_equal(r[3], 0);
}

static void pig_needs_free_rx(void **state)
{
	(void)state;
	ffa_fx_assert_err(CALL(0, 0x84000068, 0, 0, 0, 0, 0), FX_BUSY);
	ffa_fx_map(&fx, 0);
	assert_int_equal(CALL(0, 0x84000068, 0, 0, 0, 0, 0)[0], 0x84000061);
	/* Full until released. */
	ffa_fx_assert_err(CALL(0, 0x84000068, 0, 0, 0, 0, 0), FX_BUSY);
	assert_int_equal(CALL(0, 0x84000065, 0, 0, 0, 0, 0)[0], 0x84000061);
	assert_int_equal(CALL(0, 0x84000068, 0, 0, 0, 0, 0)[0], 0x84000061);
}

static void pig_descriptors(void **state)
{
	const uint64_t *r;
	const uint8_t *rx = ffa_fx_rx(&fx, 1);

	(void)state;
	ffa_fx_map(&fx, 1);
	r = CALL(1, 0x84000068, 0, 0, 0, 0, 0);
	assert_int_equal(r[0], 0x84000061);
	assert_int_equal(r[2], 3);
	assert_int_equal(r[3], 24);
	for (unsigned i = 0; i < 3; i++) {
		const uint8_t *d = rx + 24 * i;
		static const uint8_t zero[16];

		assert_int_equal(d[0] | d[1] << 8, i + 1); /* ID */
		assert_int_equal(d[2] | d[3] << 8, 1);	   /* 1 context */
		/* properties: AArch64 (bit 8); receives (bit 0) and sends
		 * (bit 1) direct requests */
		assert_int_equal(d[4] | d[5] << 8 | d[6] << 16 | d[7] << 24,
				 0x10f);
		assert_memory_equal(d + 8, zero, 16); /* nil UUID */
	}
}

/* A v1.0 caller gets the 8-byte v1.0 descriptor. */
static void pig_v10_caller(void **state)
{
	const uint64_t *r;

	(void)state;
	assert_int_equal(CALL(2, 0x84000063, 0x00010000, 0, 0, 0, 0)[0],
			 0x00010001);
	ffa_fx_map(&fx, 2);
	r = CALL(2, 0x84000068, 0, 0, 0, 0, 0);
	assert_int_equal(r[3], 8);
	assert_int_equal(ffa_fx_rx(&fx, 2)[8], 2); /* 2nd ID right after */
}

static void pig_regs(void **state)
{
	const uint64_t *r;

	(void)state;
	r = CALL(0, 0xc400008b, 0, 0, 0, 0, 0);
	assert_int_equal(r[0], 0xc4000061);
	/* last index 2, current index 2, tag 0, size 24 */
	assert_int_equal(r[2], 2 | 2ull << 16 | 24ull << 48);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(r[3 + 3 * i],
				 (i + 1) | 1ull << 16 | 0x10full << 32);
		assert_int_equal(r[4 + 3 * i], 0);
		assert_int_equal(r[5 + 3 * i], 0);
	}
	for (unsigned k = 12; k < 18; k++)
		assert_int_equal(r[k], 0);
	r = CALL(0, 0xc400008b, 0, 0, 2, 0, 0); /* from index 2 */
	assert_int_equal(r[3], 3 | 1ull << 16 | 0x10full << 32);
	assert_int_equal(r[6], 0);
	ffa_fx_assert_err(CALL(0, 0xc400008b, 0, 0, 3, 0, 0), FX_INVALID);
	ffa_fx_assert_err(CALL(0, 0xc400008b, 0, 0, 1u << 16, 0, 0),
			  FX_INVALID);
	ffa_fx_assert_err(CALL(0, 0xc400008b, 5, 0, 0, 0, 0), FX_INVALID);
}

static void rxtx_map_invalid(void **state)
{
	(void)state;
	/* Page count 0, above 8, [31:6] not zero. */
	ffa_fx_assert_err(CALL(0, 0x84000066, TX_IPA, RX_IPA, 0, 0, 0),
			  FX_INVALID);
	ffa_fx_assert_err(
	    CALL(0, 0x84000066, TX_IPA, RX_IPA + 0x10000, 9, 0, 0), FX_INVALID);
	ffa_fx_assert_err(CALL(0, 0x84000066, TX_IPA, RX_IPA, 0x41, 0, 0),
			  FX_INVALID);
	/* Unaligned. */
	ffa_fx_assert_err(CALL(0, 0x84000066, TX_IPA + 8, RX_IPA, 1, 0, 0),
			  FX_INVALID);
	ffa_fx_assert_err(CALL(0, 0x84000066, TX_IPA, RX_IPA + 0x800, 1, 0, 0),
			  FX_INVALID);
	/* Overlapping: same page, or two pages each one apart. */
	ffa_fx_assert_err(CALL(0, 0x84000066, TX_IPA, TX_IPA, 1, 0, 0),
			  FX_INVALID);
	ffa_fx_assert_err(CALL(0, 0x84000066, TX_IPA, TX_IPA + 0x1000, 2, 0, 0),
			  FX_INVALID);
}

static void rxtx_map_denied(void **state)
{
	(void)state;
	/* Not the caller's RAM: below it, past its end, an MMIO device. */
	ffa_fx_assert_err(CALL(0, 0x84000066, 0x3ffff000, RX_IPA, 1, 0, 0),
			  FX_DENIED);
	ffa_fx_assert_err(CALL(0, 0x84000066, TX_IPA,
			       FX_RAM_IPA + FX_RAM_SIZE - 0x1000, 2, 0, 0),
			  FX_DENIED);
	ffa_fx_assert_err(CALL(0, 0x84000066, 0x09000000, RX_IPA, 1, 0, 0),
			  FX_DENIED);
	ffa_fx_map(&fx, 0);
	/* Already mapped. */
	ffa_fx_assert_err(
	    CALL(0, 0x84000066, TX_IPA + 0x2000, RX_IPA + 0x2000, 1, 0, 0),
	    FX_DENIED);
}

/* The 64-bit form takes full addresses; buffers come back on unmap. */
static void rxtx_map64_unmap(void **state)
{
	const uint64_t *r;

	(void)state;
	r = CALL(1, 0xc4000066, TX_IPA, RX_IPA + 0x1000, 2, 0, 0);
	assert_int_equal(r[0], 0x84000061);
	ffa_fx_assert_err(CALL(1, 0x84000067, 3u << 16, 0, 0, 0, 0),
			  FX_INVALID); /* not its ID */
	assert_int_equal(CALL(1, 0x84000067, 2u << 16, 0, 0, 0, 0)[0],
			 0x84000061);
	ffa_fx_assert_err(CALL(1, 0x84000067, 0, 0, 0, 0, 0), FX_INVALID);
	/* Mapped again elsewhere: the old pages are the VM's again. */
	r = CALL(1, 0x84000066, TX_IPA + 0x8000, RX_IPA + 0x8000, 1, 0, 0);
	assert_int_equal(r[0], 0x84000061);
}

static void rx_release_needs_full(void **state)
{
	(void)state;
	ffa_fx_assert_err(CALL(0, 0x84000065, 0, 0, 0, 0, 0), FX_DENIED);
	ffa_fx_map(&fx, 0);
	ffa_fx_assert_err(CALL(0, 0x84000065, 0, 0, 0, 0, 0), FX_DENIED);
	ffa_fx_assert_err(CALL(0, 0x84000084, 1, 0, 0, 0, 0),
			  FX_NOT_SUPPORTED); /* RX_ACQUIRE */
}

/* Buffer pages are the hypervisor's: no transaction can name them. */
static void buffer_pages_refused(void **state)
{
	struct fx_recv rv = {2, 2};
	struct fx_range g = {TX_IPA, 1};
	uint32_t len;

	(void)state;
	ffa_fx_map(&fx, 0);
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	ffa_fx_assert_err(CALL(0, 0x84000073, len, len, 0, 0, 0), FX_DENIED);
	g.addr = RX_IPA;
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	ffa_fx_assert_err(CALL(0, 0x84000072, len, len, 0, 0, 0), FX_DENIED);
	/* Once unmapped, the same page can be shared. */
	assert_int_equal(CALL(0, 0x84000067, 0, 0, 0, 0, 0)[0], 0x84000061);
	assert_int_equal(
	    CALL(0, 0x84000066, TX_IPA + 0x4000, RX_IPA + 0x4000, 1, 0, 0)[0],
	    0x84000061);
	assert_int_equal(sim_iso_add_shared(ffa_fx_pa(0, RX_IPA), 0x1000, 3),
			 0);
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0) + 0x4000, 1, 0x2f, 0, 0, 0, &rv, 1,
			  &g, 1);
	assert_int_equal(CALL(0, 0x84000073, len, len, 0, 0, 0)[0], 0x84000061);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup3, teardown)
	    T(version_v11),
	    T(version_incompatible),
	    T(results_x0_to_x7),
	    T(id_get),
	    T(routing_boundaries),
	    T(features_implemented),
	    T(features_unknown),
	    T(abi_table_sorted),
	    T(spm_id_without_secure_world),
	    T(spm_id_and_direct_req_forwarded),
	    T(pig_uuid_and_flags),
	    T(pig_count_only),
	    T(pig_needs_free_rx),
	    T(pig_descriptors),
	    T(pig_v10_caller),
	    T(pig_regs),
	    T(rxtx_map_invalid),
	    T(rxtx_map_denied),
	    T(rxtx_map64_unmap),
	    T(rx_release_needs_full),
	    T(buffer_pages_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
