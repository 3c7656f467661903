/* FF-A v1.1 notifications between VMs (DEN0077A v1.1, "Notifications"):
 * BIND/UNBIND, SET, GET, the notification pending interrupt, and the
 * calls that are not a VM's. Every function ID, flag and status is
 * written out from the spec; src/ffa/README.md rows N1-N22 name these
 * tests.
 *
 * Three VMs: VM 0 is endpoint 1 (the sender, 1 vCPU), VM 1 endpoint 2
 * (the receiver, 2 vCPUs), VM 2 endpoint 3 (another sender, 1 vCPU). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exit.h"
#include "ffa_fx.h"
#include "hv.h"
#include "sim_hal.h"
#include "test_vm.h"
#include "vcpu_req.h"
#include "vgic/vgic.h"

/* Function IDs (SMC32 unless _64). */
#define BITMAP_CREATE 0x8400007dull
#define BITMAP_DESTROY 0x8400007eull
#define BIND 0x8400007full
#define UNBIND 0x84000080ull
#define SET 0x84000081ull
#define GET 0x84000082ull
#define INFO_GET 0x84000083ull
#define INFO_GET_64 0xc4000083ull
#define FEATURES 0x84000064ull
#define SUCCESS 0x84000061ull
#define ERROR 0x84000060ull
/* Status codes as w2 carries them (32-bit two's complement). */
#define NOT_SUPPORTED 0xffffffffull
#define INVALID 0xfffffffeull
#define DENIED 0xfffffffaull
/* w1 of BIND/UNBIND/SET: sender [31:16], receiver [15:0]. */
#define W1(snd, rcv) ((uint64_t)(snd) << 16 | (rcv))
/* Flags: BIND/SET bit 0 per-vCPU; SET bit 1 delay SRI, [31:16] vCPU ID;
 * GET bits 0..3 SP, VM, SPM, hypervisor bitmaps. */
#define PER_VCPU 1ull
#define DELAY_SRI 2ull
#define VCPU_ID(n) ((uint64_t)(n) << 16)
#define GET_ALL 0xfull
/* Our choice of NPI (FFA_FEATURES feature ID 1 reports it). */
#define NPI 14u

#define POOL_PA 0x10000000ull
#define POOL_PAGES 128
#define RAM_SIZE (1u << 20)
#define RAM_IPA 0x40000000ull
#define RAM_PA(i) (0x80000000ull + (uint64_t)(i)*0x1000000ull)
#define NVMS 3

static struct vm *vms[NVMS];
static uint8_t *ram[NVMS];
static void *pool_mem;
static struct page_pool pool;
static unsigned kicks;
static struct vcpu *kicked;

static void record_kick(struct vcpu *v)
{
	kicks++;
	kicked = v;
}

static int setup(void **state)
{
	static const unsigned nvcpus[NVMS] = {1, 2, 1};

	(void)state;
	sim_hal_reset();
	assert_int_equal(hv_init(), 0);
	pool_mem = aligned_alloc(4096, POOL_PAGES * 4096);
	assert_non_null(pool_mem);
	assert_int_equal(page_pool_init(&pool, pool_mem, POOL_PA, POOL_PAGES),
			 0);
	assert_int_equal(sim_phys_add(POOL_PA, pool_mem, POOL_PAGES * 4096), 0);
	for (unsigned i = 0; i < NVMS; i++) {
		struct vm_config cfg = {RAM_PA(i), RAM_SIZE, nvcpus[i], false};
		int err = -1;

		ram[i] = aligned_alloc(4096, RAM_SIZE);
		assert_non_null(ram[i]);
		assert_int_equal(sim_phys_add(RAM_PA(i), ram[i], RAM_SIZE), 0);
		vms[i] = vm_create(&cfg, &pool, &err);
		assert_non_null(vms[i]);
		for (unsigned c = 0; c < nvcpus[i]; c++)
			vcpu_reset(&vms[i]->vcpus[c], RAM_IPA, 0);
	}
	kicks = 0;
	kicked = NULL;
	vcpu_set_kick_hook(record_kick);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vcpu_set_kick_hook(NULL);
	for (unsigned i = 0; i < NVMS; i++) {
		if (vms[i])
			vm_destroy(vms[i]);
		vms[i] = NULL;
		free(ram[i]);
	}
	free(pool_mem);
	sim_hal_reset();
	return 0;
}

/* HVC from VM i's vCPU c with x0..x5; returns its x0..x7 afterwards. */
static const uint64_t *call(unsigned i, unsigned c, uint64_t x0, uint64_t x1,
			    uint64_t x2, uint64_t x3, uint64_t x4, uint64_t x5)
{
	return ffa_fx_hvc(&vms[i]->vcpus[c], x0, x1, x2, x3, x4, x5);
}

#define CALL(i, x0, x1, x2, x3, x4)                                            \
	call((i), 0, (x0), (x1), (x2), (x3), (x4), 0)

static void assert_err(const uint64_t *r, uint64_t status)
{
	assert_int_equal(r[0], ERROR);
	assert_int_equal(r[2], status);
}

static void assert_ok(const uint64_t *r)
{
	assert_int_equal(r[0], SUCCESS);
	for (unsigned k = 1; k < 8; k++)
		assert_int_equal(r[k], 0);
}

/* The receiver (VM 1, endpoint 2) binds bits to a sender. */
static void bind(uint16_t sender, uint64_t flags, uint64_t bits)
{
	assert_ok(
	    CALL(1, BIND, W1(sender, 2), flags, (uint32_t)bits, bits >> 32));
}

/* Endpoint 1 (VM 0) sets bits at the receiver. */
static const uint64_t *set(uint64_t flags, uint64_t bits)
{
	return CALL(0, SET, W1(1, 2), flags, (uint32_t)bits, bits >> 32);
}

/* GET by the receiver's vCPU c with every bitmap asked for. */
static const uint64_t *get(unsigned c)
{
	return call(1, c, GET, (uint64_t)c << 16 | 2, GET_ALL, 0, 0, 0);
}

/* Is the NPI pending at v once v has applied what was posted to it? */
static bool npi_at(struct vcpu *v)
{
	(void)vcpu_apply_requests(v);
	return vgic_irq_pending(vgic_irq_get(v->vm, v, NPI));
}

static void features_npi(void **state)
{
	static const uint64_t implemented[] = {BIND, UNBIND, SET, GET};
	static const uint64_t absent[] = {
	    BITMAP_CREATE,
	    BITMAP_DESTROY,
	    INFO_GET,
	    INFO_GET_64,
	    2,	   /* schedule receiver interrupt: no VM schedules */
	    3,	   /* managed exit */
	    0x101, /* feature ID 1 with bits [30:8] set */
	    0,	   /* no such feature */
	};
	const uint64_t *r = CALL(0, FEATURES, 1, 0, 0, 0);

	(void)state;
	assert_int_equal(r[0], SUCCESS);
	assert_int_equal(r[2], NPI);
	for (unsigned i = 0; i < 4; i++) {
		r = CALL(0, FEATURES, implemented[i], 0, 0, 0);
		assert_int_equal(r[0], SUCCESS);
		assert_int_equal(r[2], 0);
	}
	for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_err(CALL(0, FEATURES, absent[i], 0, 0, 0),
			   NOT_SUPPORTED);
}

/* BITMAP_CREATE/DESTROY are the hypervisor's calls to the SPMC, INFO_GET
 * the receivers' scheduler's: none is a VM's. */
static void not_a_vms_calls(void **state)
{
	(void)state;
	assert_err(CALL(0, BITMAP_CREATE, 1, 1, 0, 0), NOT_SUPPORTED);
	assert_err(CALL(0, BITMAP_CREATE, 4, 1, 0, 0), NOT_SUPPORTED);
	assert_err(CALL(0, BITMAP_DESTROY, 1, 0, 0, 0), NOT_SUPPORTED);
	assert_err(CALL(0, INFO_GET, 0, 0, 0, 0), NOT_SUPPORTED);
	assert_err(CALL(1, INFO_GET_64, 0, 0, 0, 0), NOT_SUPPORTED);
	/* ... and the bitmap the hypervisor made at creation works. */
	bind(1, 0, 1);
	assert_ok(set(0, 1));
}

static void bind_checks(void **state)
{
	(void)state;
	/* w2 [31:1] MBZ. */
	assert_err(CALL(1, BIND, W1(1, 2), 2, 1, 0), INVALID);
	assert_err(CALL(1, BIND, W1(1, 2), 0x80000000ull, 1, 0), INVALID);
	/* The receiver is the caller. */
	assert_err(CALL(1, BIND, W1(1, 3), 0, 1, 0), INVALID);
	/* The sender is another VM: not the caller, the hypervisor, a
	 * secure ID or an ID no VM has. */
	assert_err(CALL(1, BIND, W1(2, 2), 0, 1, 0), INVALID);
	assert_err(CALL(1, BIND, W1(0, 2), 0, 1, 0), INVALID);
	assert_err(CALL(1, BIND, W1(0x8001, 2), 0, 1, 0), INVALID);
	assert_err(CALL(1, BIND, W1(4, 2), 0, 1, 0), INVALID);
	/* An empty bitmap. */
	assert_err(CALL(1, BIND, W1(1, 2), 0, 0, 0), INVALID);
	/* Bits 0 and 40 to endpoint 1. */
	bind(1, 0, 1ull | 1ull << 40);
	/* Bound already: to the same sender, to another, or in part. */
	assert_err(CALL(1, BIND, W1(1, 2), 0, 1, 0), DENIED);
	assert_err(CALL(1, BIND, W1(3, 2), 0, 0, 1u << 8), DENIED);
	assert_err(CALL(1, BIND, W1(3, 2), 0, 3, 0), DENIED);
	/* The refused bind bound nothing: bit 1 is free for endpoint 3. */
	bind(3, 0, 2);
	assert_ok(CALL(2, SET, W1(3, 2), 0, 2, 0));
	assert_err(CALL(2, SET, W1(3, 2), 0, 1, 0), DENIED);
}

static void set_checks(void **state)
{
	const uint64_t *r;

	(void)state;
	bind(1, 0, 1);		       /* bit 0: global, endpoint 1 */
	bind(1, PER_VCPU, 1ull << 63); /* bit 63: per vCPU, endpoint 1 */
	bind(3, 0, 4);		       /* bit 2: global, endpoint 3 */
	/* The sender is the caller. */
	assert_err(CALL(0, SET, W1(3, 2), 0, 1, 0), INVALID);
	/* w2 [15:2] reserved; a vCPU ID only with the per-vCPU flag. */
	assert_err(set(4, 1), INVALID);
	assert_err(set(0x8000, 1), INVALID);
	assert_err(set(VCPU_ID(1), 1), INVALID);
	/* An empty bitmap. */
	assert_err(set(0, 0), INVALID);
	/* The receiver is another VM. */
	assert_err(CALL(0, SET, W1(1, 1), 0, 1, 0), INVALID);
	assert_err(CALL(0, SET, W1(1, 0), 0, 1, 0), INVALID);
	assert_err(CALL(0, SET, W1(1, 0x8001), 0, 1, 0), INVALID);
	assert_err(CALL(0, SET, W1(1, 4), 0, 1, 0), INVALID);
	/* Not bound, bound to another sender, in part. */
	assert_err(set(0, 2), DENIED);
	assert_err(set(0, 4), DENIED);
	assert_err(set(0, 3), DENIED);
	/* Bound as the other kind. */
	assert_err(set(PER_VCPU, 1), DENIED);
	assert_err(set(0, 1ull << 63), DENIED);
	/* A vCPU the receiver does not have (it has 2). */
	assert_err(set(PER_VCPU | VCPU_ID(2), 1ull << 63), INVALID);
	/* Nothing refused made anything pending. */
	r = get(0);
	assert_int_equal(r[0], SUCCESS);
	assert_int_equal(r[4] | r[5], 0);
	r = get(1);
	assert_int_equal(r[4] | r[5], 0);
	/* Delaying the (absent) schedule receiver interrupt is allowed. */
	assert_ok(set(DELAY_SRI, 1));
	assert_ok(set(PER_VCPU | DELAY_SRI | VCPU_ID(1), 1ull << 63));
}

static void set_global_interrupts_first_on_vcpu(void **state)
{
	struct vcpu *r0 = &vms[1]->vcpus[0], *r1 = &vms[1]->vcpus[1];

	(void)state;
	bind(1, 0, 1);
	kicks = 0;
	assert_ok(set(0, 1));
	/* Posted to the receiver's vCPU 0 and kicked, not written into
	 * its interrupt state. */
	assert_int_equal(kicks, 1);
	assert_ptr_equal(kicked, r0);
	assert_false(vgic_irq_pending(vgic_irq_get(r0->vm, r0, NPI)));
	assert_true(npi_at(r0));
	assert_false(npi_at(r1));
	/* With vCPU 0 off, the first vCPU that is on. */
	atomic_store(&r0->power, VCPU_POWER_OFF);
	vgic_irq_get(r0->vm, r0, NPI)->pending_latch = false;
	assert_ok(set(0, 1));
	assert_ptr_equal(kicked, r1);
	assert_true(npi_at(r1));
	assert_false(npi_at(r0));
	/* With none on, vCPU 0. */
	atomic_store(&r1->power, VCPU_POWER_OFF);
	assert_ok(set(0, 1));
	assert_ptr_equal(kicked, r0);
}

static void set_per_vcpu_interrupts_that_vcpu(void **state)
{
	struct vcpu *r0 = &vms[1]->vcpus[0], *r1 = &vms[1]->vcpus[1];

	(void)state;
	bind(1, PER_VCPU, 1ull << 33);
	kicks = 0;
	assert_ok(set(PER_VCPU | VCPU_ID(1), 1ull << 33));
	assert_int_equal(kicks, 1);
	assert_ptr_equal(kicked, r1);
	assert_true(npi_at(r1));
	assert_false(npi_at(r0));
	/* A refused SET interrupts nobody. */
	kicks = 0;
	assert_err(set(PER_VCPU | VCPU_ID(5), 1ull << 33), INVALID);
	assert_int_equal(kicks, 0);
}

static void get_returns_and_clears(void **state)
{
	const uint64_t *r;

	(void)state;
	bind(1, 0, 1ull | 1ull << 32);	      /* global */
	bind(1, PER_VCPU, 2ull | 1ull << 62); /* per vCPU */
	assert_ok(set(0, 1ull | 1ull << 32));
	assert_ok(set(PER_VCPU | VCPU_ID(1), 1ull << 62));
	assert_ok(set(PER_VCPU, 2));
	/* Flags [31:4] MBZ; the receiver and the vCPU are the caller. */
	assert_err(call(1, 0, GET, 2, 0x10, 0, 0, 0), INVALID);
	assert_err(call(1, 0, GET, 3, GET_ALL, 0, 0, 0), INVALID);
	assert_err(call(1, 0, GET, 1ull << 16 | 2, GET_ALL, 0, 0, 0), INVALID);
	assert_err(call(1, 1, GET, 2, GET_ALL, 0, 0, 0), INVALID);
	/* Without the VM flag the VM bitmap stays pending. */
	r = call(1, 0, GET, 2, 0xd, 0, 0, 0);
	assert_ok(r);
	/* vCPU 0: the global ones and its own; w2/w3 SP, w4/w5 VM, w6 SPM,
	 * w7 hypervisor. */
	r = get(0);
	assert_int_equal(r[0], SUCCESS);
	assert_int_equal(r[1], 0);
	assert_int_equal(r[2], 0);
	assert_int_equal(r[3], 0);
	assert_int_equal(r[4], 3);
	assert_int_equal(r[5], 1);
	assert_int_equal(r[6], 0);
	assert_int_equal(r[7], 0);
	/* Got means cleared. */
	r = get(0);
	assert_int_equal(r[4] | r[5], 0);
	/* vCPU 1: its own only. */
	r = get(1);
	assert_int_equal(r[4], 0);
	assert_int_equal(r[5], 0x40000000);
	assert_int_equal(get(1)[5], 0);
}

static void unbind_checks(void **state)
{
	(void)state;
	bind(1, 0, 1);
	bind(3, 0, 2);
	/* w2 MBZ; the receiver is the caller; another VM as the sender. */
	assert_err(CALL(1, UNBIND, W1(1, 2), 1, 1, 0), INVALID);
	assert_err(CALL(1, UNBIND, W1(1, 1), 0, 1, 0), INVALID);
	assert_err(CALL(1, UNBIND, W1(2, 2), 0, 1, 0), INVALID);
	assert_err(CALL(1, UNBIND, W1(0x8001, 2), 0, 1, 0), INVALID);
	assert_err(CALL(1, UNBIND, W1(1, 2), 0, 0, 0), INVALID);
	/* Bound to another sender, or not bound. */
	assert_err(CALL(1, UNBIND, W1(1, 2), 0, 2, 0), DENIED);
	assert_err(CALL(1, UNBIND, W1(1, 2), 0, 0, 1), DENIED);
	/* Pending, globally or at any vCPU. */
	assert_ok(set(0, 1));
	assert_err(CALL(1, UNBIND, W1(1, 2), 0, 1, 0), DENIED);
	assert_int_equal(get(0)[4], 1);
	assert_ok(CALL(1, UNBIND, W1(1, 2), 0, 1, 0));
	bind(1, PER_VCPU, 0x10);
	assert_ok(set(PER_VCPU | VCPU_ID(1), 0x10));
	assert_err(CALL(1, UNBIND, W1(1, 2), 0, 0x10, 0), DENIED);
	assert_int_equal(get(1)[4], 0x10);
	assert_ok(CALL(1, UNBIND, W1(1, 2), 0, 0x10, 0));
	/* Unbound: the sender is refused, and the bit is free again. */
	assert_err(set(0, 1), DENIED);
	assert_err(CALL(1, UNBIND, W1(1, 2), 0, 1, 0), DENIED);
	bind(3, PER_VCPU, 1);
	assert_ok(CALL(2, SET, W1(3, 2), PER_VCPU, 1, 0));
}

/* Unbinding a per-vCPU notification drops its kind with it. */
static void unbind_then_rebind_global(void **state)
{
	(void)state;
	bind(1, PER_VCPU, 8);
	assert_ok(CALL(1, UNBIND, W1(1, 2), 0, 8, 0));
	bind(1, 0, 8);
	assert_ok(set(0, 8));
	assert_err(set(PER_VCPU, 8), DENIED);
}

static void destroyed_sender_leaves_nothing(void **state)
{
	(void)state;
	bind(1, 0, 1);
	bind(1, PER_VCPU, 2);
	bind(3, 0, 4);
	assert_ok(set(0, 1));
	assert_ok(set(PER_VCPU | VCPU_ID(1), 2));
	assert_ok(CALL(2, SET, W1(3, 2), 0, 4, 0));
	vm_destroy(vms[0]);
	vms[0] = NULL;
	/* What endpoint 1 set is gone; endpoint 3's is not. */
	assert_int_equal(get(0)[4], 4);
	assert_int_equal(get(1)[4], 0);
	/* Its bits are free, and nothing names it any more. */
	bind(3, 0, 3);
	assert_ok(CALL(2, SET, W1(3, 2), 0, 3, 0));
	assert_err(CALL(1, BIND, W1(1, 2), 0, 8, 0), INVALID);
}

/* A destroyed receiver takes its bindings with it: the sender is
 * refused, and so is any ID that no VM has. */
static void destroyed_receiver(void **state)
{
	(void)state;
	bind(1, 0, 1);
	vm_destroy(vms[1]);
	vms[1] = NULL;
	assert_err(set(0, 1), INVALID);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(features_npi),
	    T(not_a_vms_calls),
	    T(bind_checks),
	    T(set_checks),
	    T(set_global_interrupts_first_on_vcpu),
	    T(set_per_vcpu_interrupts_that_vcpu),
	    T(get_returns_and_clears),
	    T(unbind_checks),
	    T(unbind_then_rebind_global),
	    T(destroyed_sender_leaves_nothing),
	    T(destroyed_receiver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
