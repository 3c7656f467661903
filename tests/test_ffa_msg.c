/*
 * FF-A messaging between VMs (src/ffa/msg.c, msg2.c) through the scheduler:
 * direct requests, interrupts ending FF-A waits, FFA_RUN, FFA_YIELD, and
 * an indirect message waking its receiver,
 * against a scripted world switch: each hal_vcpu_enter is one step that
 * checks which vCPU runs and what its FF-A call returned, then makes its
 * next call. Three VMs (FF-A IDs 1, 2, 3) share physical CPU 0. Values are
 * DEN0077A's: function IDs, w1 = source << 16 | destination, status codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "bus_access.h"
#include "ffa_fx.h"
#include "hal.h"
#include "sched/sched.h"
#include "script_cpu.h"
#include "sim_hal.h"
#include "vcpu_req.h"

#define ESR_HVC0 0x5a000000ull
#define MSG_WAIT 0x8400006bull
#define DIRECT_REQ 0x8400006full
#define DIRECT_REQ_64 0xc400006full
#define DIRECT_RESP 0x84000070ull
#define DIRECT_RESP_64 0xc4000070ull
#define SYSTEM_OFF 0x84000008ull
#define INTERRUPT 0x84000062ull
#define YIELD 0x8400006cull
#define RUN 0x8400006dull
#define MSG_SEND2 0x84000086ull
#define RX_RELEASE 0x84000065ull
#define RXTX_MAP_64 0xc4000066ull
#define SUCCESS 0x84000061ull
#define ESR_WFI 0x06000000ull /* EC 0x01, IL */

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

/* As VM i's own GIC driver would: an SGI enabled, Group 1, priority 0x80;
 * its virtual CPU interface (ICH_VMCR_EL2: VPMR 0xff, VENG1) would take
 * it. SGI 3 then pending, as a write of its GICR_ISPENDR0 would make it. */
static void sgi_enable(unsigned i, unsigned sgi)
{
	struct mmio_bus *bus = &fx.vm[i]->bus;

	bus_wr(bus, 0x08000000ull, 4, 0x2); /* GICD_CTLR.EnableGrp1 */
	bus_wr(bus, 0x080b0000ull + 0x080, 4, 1u << sgi); /* IGROUPR0 */
	bus_wr(bus, 0x080b0000ull + 0x400 + sgi, 1, 0x80);
	bus_wr(bus, 0x080b0000ull + 0x100, 4, 1u << sgi); /* ISENABLER0 */
	vm_vcpu(i)->vgic.vmcr = 0xff000002ull;
}

static void sgi3_pending(unsigned i)
{
	sgi_enable(i, 3);
	bus_wr(&fx.vm[i]->bus, 0x080b0000ull + 0x200, 4, 0x8); /* ISPENDR0 */
}

/* As the guest masking it at its source once handled: GICR_ICENABLER0. */
static void sgi3_off(unsigned i)
{
	bus_wr(&fx.vm[i]->bus, 0x080b0000ull + 0x180, 4, 0x8);
}

static enum hal_exit wfi(struct vcpu *v)
{
	v->regs.pc += 4;
	v->exit.esr = ESR_WFI;
	return HAL_EXIT_SYNC;
}

static void assert_woken(const struct vcpu *v, uint64_t fid, uint64_t w1)
{
	assert_int_equal(v->regs.x[0], fid);
	assert_int_equal(v->regs.x[1], w1);
	for (unsigned i = 2; i < 8; i++)
		assert_int_equal(v->regs.x[i], 0);
}

/*
 * VM 2 (ID 2) waits; VM 1 (ID 1) sends it a request and
 * waits for the answer; VM 2 gets the request in its registers and
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
		/* VM 3 answers a request it does not have: DENIED; with a
		 * forged source: INVALID_PARAMETERS. */
		return call(v, DIRECT_RESP, 0x00030001, 0, 0);
	case 6:
		assert_status(v, 0xfffffffa); /* DENIED */
		return call(v, DIRECT_RESP, 0x00020001, 0, 0);
	case 7:
		assert_status(v, 0xfffffffe);
		/* VM 3 sends to VM 2, which waits: 64-bit request. */
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

/*
 * VM 3 sends VM 1 a request; an interrupt for VM 3 ends its wait with
 * FFA_INTERRUPT naming VM 1's vCPU; VM 1's answer, given meanwhile, is
 * kept for VM 3's FFA_RUN. Along the way: RUN and YIELD, good and bad.
 */
static enum hal_exit interrupted(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		return call(v, MSG_WAIT, 0, 0, 0);
	case 1:
		return call(v, MSG_WAIT, 0, 0, 0);
	case 2:
		assert_ptr_equal(v, vm_vcpu(2));
		return call(v, DIRECT_REQ, 0x00030001, 0x31, 0x37);
	case 3:
		assert_ptr_equal(v, vm_vcpu(0));
		assert_int_equal(v->regs.x[0], DIRECT_REQ);
		assert_int_equal(v->regs.x[1], 0x00030001);
		assert_int_equal(v->regs.x[3], 0x31);
		/* Handling a request: it is answered, not yielded from. */
		return call(v, YIELD, 0, 0, 0);
	case 4:
		assert_status(v, 0xfffffffa); /* DENIED */
		/* VM 3 waits for its answer: not in a state to be run. */
		return call(v, RUN, 0x00030000, 0, 0);
	case 5:
		assert_status(v, 0xfffffffa);
		/* Unknown endpoint; a vCPU VM 2 does not have. */
		return call(v, RUN, 0x00090000, 0, 0);
	case 6:
		assert_status(v, 0xfffffffe); /* INVALID_PARAMETERS */
		return call(v, RUN, 0x00020001, 0, 0);
	case 7:
		assert_status(v, 0xfffffffe);
		/* Itself: it runs already. */
		return call(v, RUN, 0x00010000, 0, 0);
	case 8:
		assert_status(v, 0xfffffffc); /* BUSY */
		/* VM 1 idles; an interrupt comes for VM 3. */
		sgi3_pending(2);
		return wfi(v);
	case 9:
		/* VM 2 still waits (nothing for it); VM 3's DIRECT_REQ
		 * returns FFA_INTERRUPT, w1 = VM 1's ID << 16 | vCPU 0. */
		assert_ptr_equal(v, vm_vcpu(2));
		assert_woken(v, INTERRUPT, 0x00010000);
		sgi3_off(2);
		/* Its request is not over: no MSG_WAIT, no second request. */
		return call(v, MSG_WAIT, 0, 0, 0);
	case 10:
		assert_status(v, 0xfffffffa);
		return call(v, DIRECT_REQ, 0x00030002, 0, 0);
	case 11:
		assert_status(v, 0xfffffffa);
		/* VM 3 idles too; VM 1 is woken by an interrupt of its own. */
		sgi3_pending(0);
		return wfi(v);
	case 12:
		assert_ptr_equal(v, vm_vcpu(0));
		sgi3_off(0);
		/* The answer comes while VM 3 does not wait for it; an
		 * interrupt wakes VM 3 from its WFI. */
		sgi3_pending(2);
		return call(v, DIRECT_RESP, 0x00010003, 0x99, 0x9f);
	case 13:
		assert_ptr_equal(v, vm_vcpu(2));
		sgi3_off(2);
		/* Resuming the request returns the kept answer at once. */
		return call(v, RUN, 0x00010000, 0, 0);
	case 14:
		assert_ptr_equal(v, vm_vcpu(2));
		assert_int_equal(v->regs.x[0], DIRECT_RESP);
		assert_int_equal(v->regs.x[1], 0x00010003);
		assert_int_equal(v->regs.x[3], 0x99);
		assert_int_equal(v->regs.x[7], 0x9f);
		/* VM 2 waits in MSG_WAIT: RUN ends its wait with FFA_RUN
		 * and VM 3 gives it the CPU. */
		return call(v, RUN, 0x00020000, 0, 0);
	case 15:
		assert_ptr_equal(v, vm_vcpu(1));
		assert_woken(v, RUN, 0x00020000);
		/* x4..x7 of YIELD are MBZ. */
		call(v, YIELD, 0, 0, 0);
		v->regs.x[4] = 1;
		return HAL_EXIT_SYNC;
	case 16:
		assert_status(v, 0xfffffffe);
		/* A timeout in w2/w3; VM 2 gives VM 3 its turn. */
		call(v, YIELD, 0, 0, 0);
		v->regs.x[2] = 1000;
		return HAL_EXIT_SYNC;
	case 17:
		assert_ptr_equal(v, vm_vcpu(2));
		assert_int_equal(v->regs.x[0], SUCCESS); /* its RUN */
		assert_int_equal(v->regs.x[2], 0);
		return call(v, SYSTEM_OFF, 0, 0, 0);
	case 18:
		assert_ptr_equal(v, vm_vcpu(1));
		assert_int_equal(v->regs.x[0], SUCCESS); /* its YIELD */
		return call(v, SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("step %u: entered after SYSTEM_OFF", n);
		return HAL_EXIT_HOST;
	}
}

static void interrupt_ends_request_run_resumes(void **state)
{
	(void)state;
	script_cpu.step = interrupted;
	/* VMs 2 and 3 off; VM 1 waits for a message. */
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	assert_int_equal(script_cpu.enters, 19);
	assert_int_equal(fx.vm[1]->state, VM_OFF);
	assert_int_equal(fx.vm[2]->state, VM_OFF);
}

/* RXTX_MAP_64: one page each, TX at RAM + 64 KiB and RX at + 68 KiB. */
static enum hal_exit map(struct vcpu *v)
{
	call(v, RXTX_MAP_64, FX_RAM_IPA + FX_TX_OFF, 1, 0);
	v->regs.x[2] = FX_RAM_IPA + FX_RX_OFF;
	return HAL_EXIT_SYNC;
}

/*
 * VM 2 sends VM 1, which waits in MSG_WAIT, an indirect message while an
 * interrupt for VM 1 is pending as well: the message ends the wait
 * (FFA_RUN), and the interrupt is not lost: VM 1's next MSG_WAIT returns
 * FFA_INTERRUPT at once. An interrupt that comes while VM 1 waits ends
 * the wait too, after which VM 1 takes no request.
 */
static enum hal_exit indirect(struct vcpu *v, unsigned n)
{
	uint8_t *tx = ffa_fx_tx(&fx, 1), *rx = ffa_fx_rx(&fx, 0);

	switch (n) {
	case 0:
	case 2:
		return map(v);
	case 1:
		assert_int_equal(v->regs.x[0], SUCCESS);
		return call(v, MSG_WAIT, 0, 0, 0);
	case 3:
		assert_ptr_equal(v, vm_vcpu(1));
		assert_int_equal(v->regs.x[0], SUCCESS);
		/* Header: flags 0, reserved 0, offset 20, sender 2 <<
		 * 16 | receiver 1, size 2; payload "hi". */
		memset(tx, 0, 24);
		tx[8] = 20;
		tx[12] = 1;
		tx[14] = 2;
		tx[16] = 2;
		tx[20] = 'h';
		tx[21] = 'i';
		sgi3_pending(0);
		return call(v, MSG_SEND2, 0, 0, 0);
	case 4:
		/* The post preempted VM 2: VM 3 runs for the first time,
		 * and gives way to VM 1, woken. */
		assert_ptr_equal(v, vm_vcpu(2));
		return call(v, YIELD, 0, 0, 0);
	case 5:
		assert_ptr_equal(v, vm_vcpu(0));
		assert_woken(v, RUN, 0x00010000);
		assert_int_equal(rx[12], 1);
		assert_int_equal(rx[14], 2);
		assert_int_equal(rx[16], 2);
		assert_int_equal(rx[20], 'h');
		assert_int_equal(rx[21], 'i');
		/* VM 2 gets its turn before VM 1 releases RX. */
		return call(v, YIELD, 0, 0, 0);
	case 6:
		assert_ptr_equal(v, vm_vcpu(1));
		assert_int_equal(v->regs.x[0], SUCCESS);
		/* VM 1's RX is VM 1's until it releases it. */
		return call(v, MSG_SEND2, 0, 0, 0);
	case 7:
		assert_status(v, 0xfffffffc); /* BUSY */
		return call(v, MSG_WAIT, 0, 0, 0);
	case 8:
		assert_ptr_equal(v, vm_vcpu(2));
		assert_int_equal(v->regs.x[0], SUCCESS); /* its YIELD */
		return call(v, YIELD, 0, 0, 0);
	case 9:
		assert_ptr_equal(v, vm_vcpu(0));
		assert_int_equal(v->regs.x[0], SUCCESS); /* its YIELD */
		return call(v, RX_RELEASE, 0, 0, 0);
	case 10:
		assert_int_equal(v->regs.x[0], SUCCESS);
		/* The interrupt that came with the message is still there. */
		return call(v, MSG_WAIT, 0, 0, 0);
	case 11:
		assert_ptr_equal(v, vm_vcpu(0));
		assert_woken(v, INTERRUPT, 0);
		sgi3_off(0);
		return call(v, MSG_WAIT, 0, 0, 0);
	case 12:
		/* VM 1 waits; SGI 4 is posted to it while VM 3 runs (as a
		 * sibling vCPU's ICC_SGI1R_EL1 write would post it). */
		assert_ptr_equal(v, vm_vcpu(2));
		assert_int_equal(v->regs.x[0], SUCCESS);
		sgi_enable(0, 4);
		vcpu_post_sgi(vm_vcpu(0), 4);
		return call(v, YIELD, 0, 0, 0);
	case 13:
		assert_ptr_equal(v, vm_vcpu(0));
		assert_woken(v, INTERRUPT, 0);
		bus_wr(&fx.vm[0]->bus, 0x080b0000ull + 0x180, 4, 0x10);
		/* VM 1 runs VM 2 out of its MSG_WAIT and gives it the CPU. */
		return call(v, RUN, 0x00020000, 0, 0);
	case 14:
		assert_ptr_equal(v, vm_vcpu(1));
		assert_woken(v, RUN, 0x00020000);
		/* VM 1 left its wait for the interrupt: no request now. */
		return call(v, DIRECT_REQ, 0x00020001, 0, 0);
	case 15:
		assert_status(v, 0xfffffffc); /* BUSY */
		return call(v, SYSTEM_OFF, 0, 0, 0);
	case 16:
		assert_ptr_equal(v, vm_vcpu(2));
		assert_int_equal(v->regs.x[0], SUCCESS); /* its YIELD */
		return call(v, SYSTEM_OFF, 0, 0, 0);
	case 17:
		assert_ptr_equal(v, vm_vcpu(0));
		assert_int_equal(v->regs.x[0], SUCCESS); /* its RUN */
		return call(v, SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("step %u: entered after SYSTEM_OFF", n);
		return HAL_EXIT_HOST;
	}
}

static void indirect_message_runs_waiting_receiver(void **state)
{
	(void)state;
	script_cpu.step = indirect;
	/* Every VM powered off. */
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(script_cpu.enters, 18);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fx.vm[i]->state, VM_OFF);
}

/*
 * The sender (FF-A ID 1) on physical CPU 0, the receiver (ID 2) on CPU 1:
 * the CPUs are played in turn (sim_hal_set_cpu_id). The request posted to
 * the receiver must kick CPU 1, which sleeps with the receiver in
 * MSG_WAIT; the answer posted back must kick CPU 0.
 */
static int setup_two_cpus(void **state)
{
	(void)state;
	ffa_fx_setup(&fx, 2);
	script_cpu_attach(false);
	sched_init(1000);
	assert_int_equal(sched_add_vm(fx.vm[0], SCHED_SHARED, 0), 0);
	assert_int_equal(sched_add_vm(fx.vm[1], SCHED_SHARED, 1), 0);
	return 0;
}

static int teardown_two_cpus(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 2; i++)
		sched_remove_vm(fx.vm[i]);
	sim_hal_set_cpu_id(0);
	sim_hal_set_cpu_backend(NULL);
	ffa_fx_teardown(&fx);
	return 0;
}

static enum hal_exit two_cpus_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0: /* CPU 1: the receiver waits */
		assert_ptr_equal(v, vm_vcpu(1));
		return call(v, MSG_WAIT, 0, 0, 0);
	case 1: /* CPU 0: the sender asks */
		assert_ptr_equal(v, vm_vcpu(0));
		return call(v, DIRECT_REQ, 1u << 16 | 2, 0x1234, 0);
	case 2: /* CPU 1: the request, then the answer */
		assert_ptr_equal(v, vm_vcpu(1));
		assert_int_equal(v->regs.x[0], DIRECT_REQ);
		assert_int_equal(v->regs.x[1], 1u << 16 | 2);
		assert_int_equal(v->regs.x[3], 0x1234);
		return call(v, DIRECT_RESP, 2u << 16 | 1, 0x5678, 0);
	case 3: /* CPU 0: the answer */
		assert_ptr_equal(v, vm_vcpu(0));
		assert_int_equal(v->regs.x[0], DIRECT_RESP);
		assert_int_equal(v->regs.x[1], 2u << 16 | 1);
		assert_int_equal(v->regs.x[3], 0x5678);
		return call(v, SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("step %u: nothing more to run", n);
		return HAL_EXIT_HOST;
	}
}

static void request_across_cpus_kicks_each_side(void **state)
{
	unsigned long kicks;

	(void)state;
	script_cpu.step = two_cpus_script;
	sim_hal_set_cpu_id(1);
	assert_int_equal(sched_run(), SCHED_STOP_HOST); /* waits */
	kicks = sim_hal_stats()->kicks;
	sim_hal_set_cpu_id(0);
	assert_int_equal(sched_run(), SCHED_STOP_HOST); /* sender waits */
	assert_int_equal(sim_hal_stats()->kicks - kicks, 1);
	assert_int_equal(sim_hal_stats()->kicked_mask & 0x2, 0x2);
	kicks = sim_hal_stats()->kicks;
	sim_hal_set_cpu_id(1);
	assert_int_equal(sched_run(), SCHED_STOP_HOST); /* waits again */
	assert_int_equal(sim_hal_stats()->kicks - kicks, 1);
	assert_int_equal(sim_hal_stats()->kicked_mask & 0x1, 0x1);
	sim_hal_set_cpu_id(0);
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(script_cpu.enters, 4);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(request_runs_receiver_and_returns_answer),
	    T(interrupt_ends_request_run_resumes),
	    T(indirect_message_runs_waiting_receiver),
	    cmocka_unit_test_setup_teardown(request_across_cpus_kicks_each_side,
					    setup_two_cpus, teardown_two_cpus),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
