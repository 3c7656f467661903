/*
 * FF-A direct messaging between VMs (src/ffa/msg.c) through the scheduler,
 * against a scripted world switch: each hal_vcpu_enter is one step that
 * checks which vCPU runs and what its FF-A call returned, then makes its
 * next call. Three VMs (FF-A IDs 1, 2, 3) share physical CPU 0. Values are
 * DEN0077A's: function IDs, w1 = source << 16 | destination, status codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bus_access.h"
#include "ffa_fx.h"
#include "hal.h"
#include "sched/sched.h"
#include "script_cpu.h"
#include "sim_hal.h"

#define ESR_HVC0 0x5a000000ull
#define MSG_WAIT 0x8400006bull
#define DIRECT_REQ 0x8400006full
#define DIRECT_REQ_64 0xc400006full
#define DIRECT_RESP 0x84000070ull
#define DIRECT_RESP_64 0xc4000070ull
#define SYSTEM_OFF 0x84000008ull

static struct ffa_fx fx;

static int setup(void **state)
{
	(void)state;
	ffa_fx_setup(&fx, 3);
	/* Nothing else can happen while waiting: the port takes the CPU. */
	script_cpu_attach(false);
	sched_init(1000);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(sched_add_vm(fx.vm[i], SCHED_SHARED, 0), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 3; i++)
		sched_remove_vm(fx.vm[i]);
	sim_hal_set_cpu_backend(NULL);
	ffa_fx_teardown(&fx);
	return 0;
}

static struct vcpu *vm_vcpu(unsigned i)
{
	return &fx.vm[i]->vcpus[0];
}

static enum hal_exit call(struct vcpu *v, uint64_t fid, uint64_t w1,
			  uint64_t x3, uint64_t x7)
{
	v->regs.x[0] = fid;
	v->regs.x[1] = w1;
	v->regs.x[2] = 0;
	v->regs.x[3] = x3;
	v->regs.x[4] = v->regs.x[5] = v->regs.x[6] = 0;
	v->regs.x[7] = x7;
	v->regs.pc += 4;
	v->exit.esr = ESR_HVC0;
	return HAL_EXIT_SYNC;
}

static void assert_status(const struct vcpu *v, uint64_t status)
{
	assert_int_equal(v->regs.x[0], 0x84000060ull); /* FFA_ERROR */
	assert_int_equal(v->regs.x[2], status);
}

/* As VM 1's own GIC driver and a write of its GICR_ISPENDR0 would: SGI 3
 * enabled, Group 1, priority 0x80, pending; its virtual CPU interface
 * (ICH_VMCR_EL2: VPMR 0xff, VENG1) would take it. */
static void sgi3_pending_for_vm1(void)
{
	struct mmio_bus *bus = &fx.vm[0]->bus;

	bus_wr(bus, 0x08000000ull, 4, 0x2);	    /* GICD_CTLR.EnableGrp1 */
	bus_wr(bus, 0x080b0000ull + 0x080, 4, 0x8); /* IGROUPR0 */
	bus_wr(bus, 0x080b0000ull + 0x403, 1, 0x80);
	bus_wr(bus, 0x080b0000ull + 0x100, 4, 0x8); /* ISENABLER0 */
	vm_vcpu(0)->vgic.vmcr = 0xff000002ull;
	bus_wr(bus, 0x080b0000ull + 0x200, 4, 0x8); /* ISPENDR0 */
}

/*
 * VM 2 (ID 2) script_cpu.waits; VM 1 (ID 1) sends it a request and
 * script_cpu.waits for the answer; VM 2 gets the request in its registers and
 * answers; VM 1's call returns the answer. Meanwhile VM 3 (ID 3) finds VM 2
 * BUSY and cannot answer a request it was never sent.
 */
static enum hal_exit round_trip(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0: /* round-robin starts with VM 1's vCPU, then 2, then 3 */
		assert_ptr_equal(v, vm_vcpu(0));
		/* VM 2 is not waiting yet. */
		return call(v, DIRECT_REQ, 0x00010002, 0x11, 0x17);
	case 1:
		assert_ptr_equal(v, vm_vcpu(0));
		assert_status(v, 0xfffffffc); /* BUSY */
		/* An unknown receiver, and oneself. */
		return call(v, DIRECT_REQ, 0x00010009, 0, 0);
	case 2:
		assert_status(v, 0xfffffffe); /* INVALID_PARAMETERS */
		return call(v, DIRECT_REQ, 0x00010001, 0, 0);
	case 3:
		assert_status(v, 0xfffffffe);
		/* Let the others run: wait for a message nobody sends. */
		return call(v, MSG_WAIT, 0, 0, 0);
	case 4:
		assert_ptr_equal(v, vm_vcpu(1));
		return call(v, MSG_WAIT, 0, 0, 0);
	case 5:
		assert_ptr_equal(v, vm_vcpu(2));
		/* An interrupt VM 1 could take does not end its FF-A wait
		 * (it would be entered next otherwise). */
		sgi3_pending_for_vm1();
		/* VM 3 answers a request it does not have: DENIED; with a
		 * forged source: INVALID_PARAMETERS. */
		return call(v, DIRECT_RESP, 0x00030001, 0, 0);
	case 6:
		assert_status(v, 0xfffffffa); /* DENIED */
		return call(v, DIRECT_RESP, 0x00020001, 0, 0);
	case 7:
		assert_status(v, 0xfffffffe);
		/* VM 3 sends to VM 2, which script_cpu.waits: 64-bit request.
		 */
		return call(v, DIRECT_REQ_64, 0x00030002, 0x33, 0x37);
	case 8:
		/* VM 2's MSG_WAIT returns VM 3's request. */
		assert_ptr_equal(v, vm_vcpu(1));
		assert_int_equal(v->regs.x[0], DIRECT_REQ_64);
		assert_int_equal(v->regs.x[1], 0x00030002);
		assert_int_equal(v->regs.x[2], 0);
		assert_int_equal(v->regs.x[3], 0x33);
		assert_int_equal(v->regs.x[7], 0x37);
		/* While handling it, MSG_WAIT is DENIED, and an answer to
		 * someone else is DENIED. */
		return call(v, MSG_WAIT, 0, 0, 0);
	case 9:
		assert_status(v, 0xfffffffa);
		return call(v, DIRECT_RESP_64, 0x00020001, 0, 0);
	case 10:
		assert_status(v, 0xfffffffa);
		return call(v, DIRECT_RESP_64, 0x00020003, 0x99, 0x9f);
	case 11:
		/* VM 3's request returns VM 2's answer. */
		assert_ptr_equal(v, vm_vcpu(2));
		assert_int_equal(v->regs.x[0], DIRECT_RESP_64);
		assert_int_equal(v->regs.x[1], 0x00020003);
		assert_int_equal(v->regs.x[3], 0x99);
		assert_int_equal(v->regs.x[7], 0x9f);
		assert_int_equal(v->regs.x[6], 0);
		return call(v, SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("step %u: entered after SYSTEM_OFF", n);
		return HAL_EXIT_HOST;
	}
}

static void request_runs_receiver_and_returns_answer(void **state)
{
	(void)state;
	script_cpu.step = round_trip;
	/* VM 3 powered off; VMs 1 and 2 still wait for messages. */
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	assert_int_equal(script_cpu.enters, 12);
	assert_int_equal(fx.vm[2]->state, VM_OFF);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(request_runs_receiver_and_returns_answer),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
