/*
 * FF-A v1.1 indirect messaging (src/ffa/msg2.c): FFA_MSG_SEND2 from the
 * sender's TX buffer into the receiver's RX buffer, its checks, and RX
 * ownership until FFA_RX_RELEASE; and the calls of msg.c that need no
 * scheduler (test_ffa_msg has the rest). Three VMs (FF-A IDs 1, 2, 3), each
 * call an HVC from vCPU 0. Values are DEN0077A v1.1's: function IDs, status
 * codes, and the partition message header (flags 0, reserved 4, offset 8,
 * sender [31:16] / receiver [15:0] 12, size 16; 20 bytes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exit.h"
#include "ffa_fx.h"
#include "ffa/ffa.h"
#include "sim_hal.h"
#include "test_vm.h"
#include "vcpu_req.h"

#define MSG_SEND2 0x84000086ull
#define MSG_WAIT 0x8400006bull
#define RUN 0x8400006dull
#define RX_RELEASE 0x84000065ull
#define RXTX_UNMAP 0x84000067ull
#define FEATURES 0x84000064ull

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

static void put32(uint8_t *b, unsigned off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *b, unsigned off)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 4; i++)
		v |= (uint32_t)b[off + i] << (8 * i);
	return v;
}

/* A v1.1 partition message header at the start of buffer b. */
static void hdr(uint8_t *b, uint32_t flags, uint32_t reserved, uint32_t offset,
		uint32_t sender, uint32_t receiver, uint32_t size)
{
	put32(b, 0, flags);
	put32(b, 4, reserved);
	put32(b, 8, offset);
	put32(b, 12, sender << 16 | receiver);
	put32(b, 16, size);
}

static const uint64_t *send2(unsigned i)
{
	return CALL(i, MSG_SEND2, 0, 0, 0, 0, 0);
}

static void assert_ok(const uint64_t *r)
{
	assert_int_equal(r[0], FX_SUCCESS);
	assert_int_equal(r[2], 0);
}

/* VM 1 sends "hello" to VM 2: header as checked, zeros between the header
 * and the payload (whatever TX had there), the payload; RX is VM 2's until
 * it releases it, and a second message meanwhile is BUSY. */
static void send2_copies_and_owns_rx(void **state)
{
	uint8_t *tx = ffa_fx_tx(&fx, 0), *rx = ffa_fx_rx(&fx, 1);
	const uint64_t *r;

	(void)state;
	ffa_fx_map(&fx, 0);
	ffa_fx_map(&fx, 1);
	memset(tx, 0xee, 0x40);
	hdr(tx, 0, 0, 0x20, 1, 2, 5);
	memcpy(tx + 0x20, "hello", 5);
	memset(rx, 0x55, 0x40);
	assert_ok(send2(0));
	assert_int_equal(get32(rx, 0), 0);
	assert_int_equal(get32(rx, 4), 0);
	assert_int_equal(get32(rx, 8), 0x20);
	assert_int_equal(get32(rx, 12), 0x00010002);
	assert_int_equal(get32(rx, 16), 5);
	for (unsigned i = 20; i < 0x20; i++)
		assert_int_equal(rx[i], 0);
	assert_memory_equal(rx + 0x20, "hello", 5);
	/* Nothing past the payload is written. */
	assert_int_equal(rx[0x25], 0x55);

	/* RX is VM 2's: BUSY until its RX_RELEASE. */
	ffa_fx_assert_err(send2(0), FX_BUSY);
	/* No vCPU of VM 2 waited: its next MSG_WAIT returns at once with
	 * FFA_RUN, w1 = its ID << 16 | vCPU 0. */
	r = CALL(1, MSG_WAIT, 0, 0, 0, 0, 0);
	assert_int_equal(r[0], RUN);
	assert_int_equal(r[1], 0x00020000);
	assert_int_equal(r[2], 0);
	assert_ok(CALL(1, RX_RELEASE, 0, 0, 0, 0, 0));
	ffa_fx_assert_err(CALL(1, RX_RELEASE, 0, 0, 0, 0, 0), FX_DENIED);

	/* The other way, VM 2 to VM 1, a payload right after the header. */
	hdr(ffa_fx_tx(&fx, 1), 0, 0, 20, 2, 1, 3);
	memcpy(ffa_fx_tx(&fx, 1) + 20, "abc", 3);
	assert_ok(send2(1));
	assert_int_equal(get32(ffa_fx_rx(&fx, 0), 12), 0x00020001);
	assert_memory_equal(ffa_fx_rx(&fx, 0) + 20, "abc", 3);
	/* Released, VM 2's RX takes the next one. */
	assert_ok(send2(0));
}

/* A message read and released before any wait is not announced again:
 * the next MSG_WAIT blocks. */
static void release_forgets_unseen(void **state)
{
	struct vcpu *v = &fx.vm[1]->vcpus[0];

	(void)state;
	ffa_fx_map(&fx, 0);
	ffa_fx_map(&fx, 1);
	hdr(ffa_fx_tx(&fx, 0), 0, 0, 20, 1, 2, 1);
	assert_ok(send2(0));
	assert_ok(CALL(1, RX_RELEASE, 0, 0, 0, 0, 0));
	v->regs.x[0] = MSG_WAIT;
	assert_int_equal(test_trap(v, 0x5a000000ull, 0, 0), EXIT_WFI);
}

static void send2_arguments(void **state)
{
	uint8_t *tx = ffa_fx_tx(&fx, 0);

	(void)state;
	/* No TX buffer: DENIED. */
	ffa_fx_assert_err(send2(0), FX_DENIED);
	ffa_fx_map(&fx, 0);
	ffa_fx_map(&fx, 1);
	hdr(tx, 0, 0, 20, 1, 2, 4);
	/* w1 [31:16] (a sender only the hypervisor names) and w2 (flags a
	 * VM may not set) MBZ. */
	ffa_fx_assert_err(CALL(0, MSG_SEND2, 1u << 16, 0, 0, 0, 0), FX_INVALID);
	ffa_fx_assert_err(CALL(0, MSG_SEND2, 0, 2, 0, 0, 0), FX_INVALID);
	/* A v1.0 caller has no v1.1 header. */
	assert_int_equal(CALL(0, 0x84000063, 0x00010000, 0, 0, 0, 0)[0],
			 0x00010001);
	ffa_fx_assert_err(send2(0), FX_NOT_SUPPORTED);
	assert_int_equal(CALL(0, 0x84000063, 0x00010001, 0, 0, 0, 0)[0],
			 0x00010001);
	assert_ok(send2(0));
	assert_ok(CALL(1, RX_RELEASE, 0, 0, 0, 0, 0));
}

static void send2_header(void **state)
{
	uint8_t *tx = ffa_fx_tx(&fx, 0);

	(void)state;
	ffa_fx_map(&fx, 0);
	ffa_fx_map(&fx, 1);
	/* Sender not the caller; receiver the sender. */
	hdr(tx, 0, 0, 20, 3, 2, 4);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 0, 20, 1, 1, 4);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	/* Flags and reserved words MBZ. */
	hdr(tx, 1, 0, 20, 1, 2, 4);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0x80000000u, 0, 20, 1, 2, 4);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 1, 20, 1, 2, 4);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	/* The payload may not overlap the 20-byte header. */
	hdr(tx, 0, 0, 19, 1, 2, 4);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 0, 0, 1, 2, 0);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	/* Offset + size beyond the 4 KiB TX, also where 32 bits wrap. */
	hdr(tx, 0, 0, 20, 1, 2, 4077);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 0, 4096, 1, 2, 0);
	assert_ok(send2(0)); /* empty payload at the very end: fits */
	assert_ok(CALL(1, RX_RELEASE, 0, 0, 0, 0, 0));
	hdr(tx, 0, 0, 0xffffffffu, 1, 2, 21);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 0, 20, 1, 2, 0xffffffffu);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	/* Receivers that are not VMs: unknown, the hypervisor, secure. */
	hdr(tx, 0, 0, 20, 1, 9, 4);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 0, 20, 1, 0, 4);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 0, 20, 1, 0x8001, 4);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	/* A VM with no RX mapped cannot take a message now. */
	hdr(tx, 0, 0, 20, 1, 3, 4);
	ffa_fx_assert_err(send2(0), FX_BUSY);
	/* The largest message: 4076 bytes after the header. */
	hdr(tx, 0, 0, 20, 1, 2, 4076);
	memset(tx + 20, 0xa5, 4076);
	assert_ok(send2(0));
	assert_int_equal(ffa_fx_rx(&fx, 1)[4095], 0xa5);
}

/* A sender with 2-page buffers, a receiver with 1: the message must fit
 * the receiver's RX too. */
static void send2_receiver_rx_smaller(void **state)
{
	uint8_t *tx = fx.ram[0] + 0x20000;

	(void)state;
	assert_ok(CALL(0, 0x84000066, FX_RAM_IPA + 0x20000,
		       FX_RAM_IPA + 0x22000, 2, 0, 0));
	ffa_fx_map(&fx, 1);
	hdr(tx, 0, 0, 20, 1, 2, 4077);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 0, 20, 1, 2, 4076);
	assert_ok(send2(0));
	/* Unmapping RX gives ownership back with the buffer: a new RX is
	 * free. */
	assert_ok(CALL(1, RXTX_UNMAP, 0, 0, 0, 0, 0));
	ffa_fx_map(&fx, 1);
	assert_ok(send2(0));
}

/* The other way round: the message must fit the sender's TX, even when
 * the receiver's RX is larger. */
static void send2_sender_tx_smaller(void **state)
{
	uint8_t *tx = ffa_fx_tx(&fx, 0);

	(void)state;
	ffa_fx_map(&fx, 0);
	assert_ok(CALL(1, 0x84000066, FX_RAM_IPA + 0x20000,
		       FX_RAM_IPA + 0x22000, 2, 0, 0));
	hdr(tx, 0, 0, 20, 1, 2, 4077);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 0, 4097, 1, 2, 0);
	ffa_fx_assert_err(send2(0), FX_INVALID);
	hdr(tx, 0, 0, 20, 1, 2, 4076);
	assert_ok(send2(0));
}

static void features_and_rx_acquire(void **state)
{
	static const uint32_t ids[] = {0x84000062, 0x8400006c, 0x8400006d,
				       0x84000086};
	const uint64_t *r;

	(void)state;
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		r = CALL(0, FEATURES, ids[i], 0, 0, 0, 0);
		assert_int_equal(r[0], FX_SUCCESS);
		assert_int_equal(r[2], 0);
	}
	/* RX_ACQUIRE is the hypervisor's call to the SPMC: not a VM's. */
	ffa_fx_assert_err(CALL(0, FEATURES, 0x84000084, 0, 0, 0, 0),
			  FX_NOT_SUPPORTED);
	ffa_fx_map(&fx, 0);
	ffa_fx_assert_err(CALL(0, 0x84000084, 1, 0, 0, 0, 0), FX_NOT_SUPPORTED);
	/* A VM has no FFA_INTERRUPT of its own to send. */
	ffa_fx_assert_err(CALL(0, 0x84000062, 0, 0, 0, 0, 0), FX_NOT_SUPPORTED);
}

static uint64_t el3_seen[18];

static void el3_spmc(uint64_t a[18])
{
	memcpy(el3_seen, a, sizeof(el3_seen));
	a[0] = 0x84000062; /* FFA_INTERRUPT: the SP was preempted again */
	a[1] = 0x80010000;
}

/* RUN of a secure endpoint's vCPU is the SPMC's: forwarded as it is (w1
 * names the target, not the caller), its answer returned. */
static void run_secure_forwarded(void **state)
{
	const uint64_t *r;

	(void)state;
	sim_set_el3(el3_spmc);
	r = CALL(1, RUN, 0x80010000, 0, 0, 0, 0);
	sim_set_el3(NULL);
	assert_int_equal(el3_seen[0], RUN);
	assert_int_equal(el3_seen[1], 0x80010000);
	assert_int_equal(r[0], 0x84000062);
	assert_int_equal(r[1], 0x80010000);
}

/* Who can be run: not the hypervisor (ID 0); a VM that stopped, or a
 * vCPU that is off, is not in a state to; a runnable one is busy. */
static void run_states(void **state)
{
	(void)state;
	ffa_fx_assert_err(CALL(0, RUN, 0x00000000, 0, 0, 0, 0), FX_INVALID);
	ffa_fx_assert_err(CALL(0, RUN, 0x00020000, 0, 0, 0, 0), FX_BUSY);
	fx.vm[1]->state = VM_OFF;
	ffa_fx_assert_err(CALL(0, RUN, 0x00020000, 0, 0, 0, 0), FX_DENIED);
	fx.vm[1]->state = VM_RUNNING;
	atomic_store(&fx.vm[2]->vcpus[0].power, VCPU_POWER_OFF);
	ffa_fx_assert_err(CALL(0, RUN, 0x00030000, 0, 0, 0, 0), FX_DENIED);
	atomic_store(&fx.vm[2]->vcpus[0].power, VCPU_POWER_ON);
}

static enum exit_action hvc(unsigned i, uint64_t x0, uint64_t x1)
{
	struct vcpu *v = &fx.vm[i]->vcpus[0];

	v->regs.x[0] = x0;
	v->regs.x[1] = x1;
	for (unsigned k = 2; k < 8; k++)
		v->regs.x[k] = 0;
	return test_trap(v, 0x5a000000ull, 0, 0);
}

/* VM 3 waits for VM 1's answer when VM 1 is destroyed: its DIRECT_REQ
 * returns FFA_ERROR(ABORTED) (-8) when it next runs. */
static void receiver_destroyed_aborts_request(void **state)
{
	struct vcpu *v = &fx.vm[2]->vcpus[0];

	(void)state;
	assert_int_equal(hvc(0, MSG_WAIT, 0), EXIT_WFI);
	assert_int_equal(hvc(2, 0x8400006f, 0x00030001), EXIT_WFI);
	ffa_vm_detach(fx.vm[0]);
	assert_true(vcpu_apply_requests(v));
	assert_int_equal(v->regs.x[0], FX_ERROR);
	assert_int_equal(v->regs.x[2], 0xfffffff8);
	/* Free again: a new request (to VM 2, not waiting) is BUSY. */
	ffa_fx_assert_err(CALL(2, 0x8400006f, 0x00030002, 0, 0, 0, 0), FX_BUSY);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup3, teardown)
	const struct CMUnitTest tests[] = {
	    T(send2_copies_and_owns_rx),
	    T(release_forgets_unseen),
	    T(send2_arguments),
	    T(send2_header),
	    T(send2_receiver_rx_smaller),
	    T(features_and_rx_acquire),
	    T(run_secure_forwarded),
	    T(receiver_destroyed_aborts_request),
	    T(run_states),
	    T(send2_sender_tx_smaller),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
