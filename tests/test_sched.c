/*
 * The scheduler (src/sched/) against a scripted world switch: each
 * hal_vcpu_enter is one step of a script that checks which vCPU the core
 * chose and what it left in its registers and list registers, then plays
 * that vCPU's next exit. Physical CPUs are played in turn
 * (sim_hal_set_cpu_id). Expected values are architectural literals: ESR
 * encodings, MSR ICC_SGI1R_EL1 operands, ICH_LR layout, PSCI codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bus_access.h"
#include "fake_gic.h"
#include "hal.h"
#include "sched/sched.h"
#include "script_cpu.h"
#include "sim_hal.h"
#include "test_vm.h"
#include "vcpu_req.h"
#include "vm/vm.h"

#define LR_ENC(n) SYSREG_ENC(3, 4, 12, 12, (n))
#define ICH_VTR_ENC SYSREG_ENC(3, 4, 12, 11, 1)
#define CNTPCT_ENC SYSREG_ENC(3, 3, 14, 0, 1)
#define CNTV_CTL_ENC SYSREG_ENC(3, 3, 14, 3, 1)
#define CNTV_CVAL_ENC SYSREG_ENC(3, 3, 14, 3, 2)
#define CNTHP_CTL_ENC SYSREG_ENC(3, 4, 14, 2, 1)
#define CNTHP_CVAL_ENC SYSREG_ENC(3, 4, 14, 2, 2)

/* ESR_EL2 (EC [31:26], IL [25]): HVC64 EC 0x16, WFx EC 0x01, and EC 0x18
 * for MSR ICC_SGI1R_EL1 (Op0 3, Op1 0, CRn 12, CRm 11, Op2 5) from X1. */
#define ESR_HVC0 0x5a000000ull
#define ESR_WFI 0x06000000ull
#define ESR_MSR_SGI1R_X1 0x623a3036ull

#define PSCI_CPU_ON64 0xc4000003ull
#define PSCI_SYSTEM_OFF 0x84000008ull
#define PSCI_ALREADY_ON 0xfffffffffffffffcull /* -4 */

/* vCPU 1's SGI frame: GICR base 0x080a0000 + 0x20000 stride + 0x10000. */
#define GICR1_SGI 0x080d0000ull

static struct test_vm tvm;
static struct fake_gic gic;
static unsigned long kicks_before;

static int setup(void **state)
{
	(void)state;
	test_vm_setup(&tvm, 16 << 20, 2);
	sim_sysreg_set(ICH_VTR_ENC, 3); /* four list registers */
	/* Nothing else can happen while waiting: the port takes its CPU
	 * back. */
	script_cpu_attach(false);
	fgic_reset(&gic);
	fgic_attach_hal(&gic);
	sched_init(1000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sim_hal_set_cpu_backend(NULL);
	test_vm_teardown(&tvm);
	return 0;
}

static struct vcpu *vcpu(unsigned n)
{
	return &tvm.vm->vcpus[n];
}

static enum hal_exit trap(struct vcpu *v, uint64_t esr)
{
	v->regs.pc += 4; /* ELR_EL2 of an HVC: the next instruction */
	v->exit.esr = esr;
	return HAL_EXIT_SYNC;
}

static enum hal_exit hvc(struct vcpu *v, uint64_t fid, uint64_t a1, uint64_t a2,
			 uint64_t a3)
{
	v->regs.x[0] = fid;
	v->regs.x[1] = a1;
	v->regs.x[2] = a2;
	v->regs.x[3] = a3;
	return trap(v, ESR_HVC0);
}

static enum hal_exit sgi1r(struct vcpu *v, uint64_t val)
{
	v->regs.x[1] = val;
	return trap(v, ESR_MSR_SGI1R_X1);
}

static enum hal_exit wfi(struct vcpu *v)
{
	v->exit.esr = ESR_WFI;
	return HAL_EXIT_SYNC;
}

/*
 * CPU_ON from vCPU 0 makes vCPU 1 run, at its entry point with the context
 * id in x0, and a second CPU_ON of a vCPU that is on answers ALREADY_ON.
 */
static enum hal_exit cpu_on_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		assert_ptr_equal(v, vcpu(0));
		return hvc(v, PSCI_CPU_ON64, 1, 0x40002000, 0x1234);
	case 1:
		/* vCPU 1 became runnable: round-robin picks it next. */
		assert_ptr_equal(v, vcpu(1));
		assert_int_equal(vcpu(0)->regs.x[0], 0); /* SUCCESS */
		assert_int_equal(v->regs.pc, 0x40002000);
		assert_int_equal(v->regs.x[0], 0x1234);
		return hvc(v, PSCI_CPU_ON64, 0, 0x40002000, 0);
	case 2:
		assert_ptr_equal(v, vcpu(1));
		assert_int_equal(v->regs.x[0], PSCI_ALREADY_ON);
		return hvc(v, PSCI_CPU_ON64, 1, 0x40002000, 0);
	case 3:
		assert_ptr_equal(v, vcpu(1));
		assert_int_equal(v->regs.x[0], PSCI_ALREADY_ON);
		return hvc(v, PSCI_SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("entered again after SYSTEM_OFF");
		return HAL_EXIT_HOST;
	}
}

static void cpu_on_runs_the_target_once(void **state)
{
	(void)state;
	assert_int_equal(sched_add_vm(tvm.vm, SCHED_SHARED, 0), 0);
	script_cpu.step = cpu_on_script;
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(script_cpu.enters, 4);
	assert_int_equal(tvm.vm->state, VM_OFF);
	assert_true(sched_vm_quiescent(tvm.vm));
}

static void enable_sgi5_on_vcpu1(void)
{
	struct mmio_bus *bus = &tvm.vm->bus;

	bus_wr(bus, 0x08000000ull, 4, 0x2);	 /* GICD_CTLR.EnableGrp1 */
	bus_wr(bus, GICR1_SGI + 0x080, 4, 0x20); /* IGROUPR0: SGI 5 */
	bus_wr(bus, GICR1_SGI + 0x405, 1, 0x80); /* IPRIORITYR: 0x80 */
	bus_wr(bus, GICR1_SGI + 0x100, 4, 0x20); /* ISENABLER0 */
}

/*
 * vCPU 0 on physical CPU 0 sends SGI 5 to vCPU 1, which belongs to
 * physical CPU 1: CPU 1 is kicked, and when it runs vCPU 1 the SGI is in
 * a list register.
 */
static enum hal_exit remote_sgi_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		assert_ptr_equal(v, vcpu(0));
		/* TargetList bit 1 (Aff0 1), INTID 5 in [27:24]. */
		return sgi1r(v, 0x05000002ull);
	case 1:
		assert_ptr_equal(v, vcpu(0));
		/* Once, CPU 1 (the only one with vCPU 1). */
		assert_int_equal(sim_hal_stats()->kicks - kicks_before, 1);
		assert_int_equal(sim_hal_stats()->kicked_mask, 0x2);
		return wfi(v);
	case 2:
		assert_ptr_equal(v, vcpu(1));
		assert_int_equal(v->regs.pc, 0x40003000);
		/* Pending [63:62] = 01, Group 1 [60], priority 0x80, vINTID
		 * 5. */
		assert_int_equal(hal_sysreg_read(LR_ENC(0)),
				 0x5080000000000005ull);
		return hvc(v, PSCI_SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("entered again after SYSTEM_OFF");
		return HAL_EXIT_HOST;
	}
}

static void sgi_to_another_cpu_is_posted_and_kicked(void **state)
{
	(void)state;
	assert_int_equal(sched_add_vm(tvm.vm, SCHED_ONE_TO_ONE, 0), 0);
	enable_sgi5_on_vcpu1();
	/* vCPU 1 is on (the CPU_ON's own kick is not what we count). */
	assert_int_equal(vcpu_post_cpu_on(vcpu(1), 0x40003000, 0),
			 VCPU_POWER_OFF);
	assert_int_equal(vcpu_apply_requests(vcpu(1)), true);
	vcpu(1)->regs.pc = 0x40003000;
	kicks_before = sim_hal_stats()->kicks;
	script_cpu.step = remote_sgi_script;
	/* CPU 0: vCPU 0 sends, then script_cpu.waits with nothing to take. */
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	assert_int_equal(script_cpu.enters, 2);
	assert_int_equal(script_cpu.waits, 1);
	/* CPU 1 runs vCPU 1. */
	sim_hal_set_cpu_id(1);
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(script_cpu.enters, 3);
	assert_int_equal(tvm.vm->state, VM_OFF);
	sim_hal_set_cpu_id(0);
}

/*
 * vCPU 0 on physical CPU 0 powers the VM off while vCPU 1 runs on CPU 1:
 * CPU 1 is kicked (once), and after vCPU 1's exit it is not entered
 * again, although the exit itself (an HVC) would resume it.
 */
#define PSCI_VERSION 0x84000000ull
static enum sched_stop cpu0_stop;
static unsigned long cpu0_kicks;

static enum hal_exit stop_while_running_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		assert_ptr_equal(v, vcpu(1));
		/* While vCPU 1 is in the guest, CPU 0 runs vCPU 0. */
		sim_hal_set_cpu_id(0);
		kicks_before = sim_hal_stats()->kicks;
		cpu0_stop = sched_run();
		cpu0_kicks = sim_hal_stats()->kicks - kicks_before;
		sim_hal_set_cpu_id(1);
		return hvc(v, PSCI_VERSION, 0, 0, 0);
	case 1:
		assert_ptr_equal(v, vcpu(0));
		return hvc(v, PSCI_SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("entered again after SYSTEM_OFF");
		return HAL_EXIT_HOST;
	}
}

static void vm_off_stops_a_vcpu_running_elsewhere(void **state)
{
	(void)state;
	assert_int_equal(sched_add_vm(tvm.vm, SCHED_ONE_TO_ONE, 0), 0);
	assert_int_equal(vcpu_post_cpu_on(vcpu(1), 0x40003000, 0),
			 VCPU_POWER_OFF);
	assert_int_equal(vcpu_apply_requests(vcpu(1)), true);
	script_cpu.step = stop_while_running_script;
	sim_hal_set_cpu_id(1);
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	sim_hal_set_cpu_id(0);
	assert_int_equal(cpu0_stop, SCHED_STOP_DONE);
	assert_int_equal(cpu0_kicks, 1);
	assert_int_equal(sim_hal_stats()->kicked_mask & 0x2, 0x2);
	assert_int_equal(script_cpu.enters, 2);
	assert_int_equal(tvm.vm->state, VM_OFF);
}

/*
 * vCPU 0 script_cpu.waits in WFI with nothing to take: vCPU 1 runs instead, not
 * vCPU 0 again. vCPU 1's SGI 3 to vCPU 0 makes it runnable, and it is
 * entered with the SGI in a list register.
 */
static enum hal_exit wfi_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		assert_ptr_equal(v, vcpu(0));
		return wfi(v);
	case 1:
		assert_ptr_equal(v, vcpu(1));
		return sgi1r(v, 0x03000001ull); /* Aff0 0, INTID 3 */
	case 2:
		assert_ptr_equal(v, vcpu(0));
		assert_int_equal(script_cpu.waits, 0);
		assert_int_equal(hal_sysreg_read(LR_ENC(0)),
				 0x5080000000000003ull);
		return hvc(v, PSCI_SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("entered again after SYSTEM_OFF");
		return HAL_EXIT_HOST;
	}
}

static void wfi_blocks_until_an_sgi_arrives(void **state)
{
	(void)state;
	assert_int_equal(sched_add_vm(tvm.vm, SCHED_SHARED, 0), 0);
	test_vm_gic_enable(&tvm, 3, 0x80);
	/* ICH_VMCR_EL2: VPMR 0xff [31:24], VENG1 [1]: vCPU 0 takes it. */
	tvm.v->vgic.vmcr = 0xff000002ull;
	assert_int_equal(vcpu_post_cpu_on(vcpu(1), 0x40004000, 0),
			 VCPU_POWER_OFF);
	script_cpu.step = wfi_script;
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(script_cpu.enters, 3);
}

/*
 * vCPU 0 arms its virtual timer for count 500 and script_cpu.waits; vCPU 1
 * runs. The hypervisor timer stands in for vCPU 0's: armed at 500, and when it
 * fires vCPU 0 runs again.
 */
static enum hal_exit timer_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		assert_ptr_equal(v, vcpu(0));
		hal_sysreg_write(CNTV_CVAL_ENC, 500);
		hal_sysreg_write(CNTV_CTL_ENC, 1); /* ENABLE, not masked */
		return wfi(v);
	case 1:
		assert_ptr_equal(v, vcpu(1));
		assert_int_equal(sim_sysreg_get(CNTHP_CVAL_ENC), 500);
		assert_int_equal(sim_sysreg_get(CNTHP_CTL_ENC) & 3, 1);
		/* Time passes; CNTHP's interrupt, PPI 26, fires. */
		sim_sysreg_set(CNTPCT_ENC, 600);
		fgic_set_enabled(&gic, 26, true);
		fgic_set_level(&gic, 26, true);
		return HAL_EXIT_IRQ;
	case 2:
		assert_ptr_equal(v, vcpu(0));
		assert_int_equal(hal_sysreg_read(CNTV_CTL_ENC), 1);
		assert_int_equal(hal_sysreg_read(CNTV_CVAL_ENC), 500);
		return hvc(v, PSCI_SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("entered again after SYSTEM_OFF");
		return HAL_EXIT_HOST;
	}
}

static void descheduled_timer_makes_its_vcpu_run(void **state)
{
	(void)state;
	sim_sysreg_set(CNTPCT_ENC, 100);
	assert_int_equal(sched_add_vm(tvm.vm, SCHED_SHARED, 0), 0);
	assert_int_equal(vcpu_post_cpu_on(vcpu(1), 0x40004000, 0),
			 VCPU_POWER_OFF);
	script_cpu.step = timer_script;
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(script_cpu.enters, 3);
}

/*
 * SPI 40 routed (GICD_IROUTER) to vCPU 1, which belongs to CPU 1: made
 * pending while CPU 0 runs vCPU 0, it kicks CPU 1 and reaches vCPU 1's
 * list registers, not vCPU 0's.
 */
#define GICD_BASE 0x08000000ull
static enum hal_exit spi_route_script(struct vcpu *v, unsigned n)
{
	struct mmio_bus *bus = &tvm.vm->bus;

	switch (n) {
	case 0:
		assert_ptr_equal(v, vcpu(0));
		/* As the distributor's emulation does for the guest's
		 * write of GICD_ISPENDR1 bit 8 (INTID 40). */
		bus_wr(bus, GICD_BASE + 0x0204, 4, 1u << 8);
		return hvc(v, 0x84000000ull, 0, 0, 0); /* PSCI_VERSION */
	case 1:
		assert_ptr_equal(v, vcpu(0));
		assert_int_equal(sim_hal_stats()->kicks - kicks_before, 1);
		assert_int_equal(sim_hal_stats()->kicked_mask & 0x2, 0x2);
		assert_int_equal(hal_sysreg_read(LR_ENC(0)), 0);
		return wfi(v);
	case 2:
		assert_ptr_equal(v, vcpu(1));
		/* Pending, Group 1, priority 0x80, vINTID 40. */
		assert_int_equal(hal_sysreg_read(LR_ENC(0)),
				 0x5080000000000028ull);
		return hvc(v, PSCI_SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("entered again after SYSTEM_OFF");
		return HAL_EXIT_HOST;
	}
}

static void spi_follows_irouter_to_another_cpu(void **state)
{
	struct mmio_bus *bus = &tvm.vm->bus;

	(void)state;
	assert_int_equal(sched_add_vm(tvm.vm, SCHED_ONE_TO_ONE, 0), 0);
	test_vm_gic_enable(&tvm, 40, 0x80);
	bus_wr(bus, GICD_BASE + 0x6000 + 8 * 40, 8, 0x1); /* Aff0 1 */
	assert_int_equal(vcpu_post_cpu_on(vcpu(1), 0x40003000, 0),
			 VCPU_POWER_OFF);
	assert_int_equal(vcpu_apply_requests(vcpu(1)), true);
	kicks_before = sim_hal_stats()->kicks;
	script_cpu.step = spi_route_script;
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	sim_hal_set_cpu_id(1);
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(script_cpu.enters, 3);
	sim_hal_set_cpu_id(0);
}

/*
 * vCPU 0's timer is already due when it script_cpu.waits (CVAL 50, count 100):
 * it stays runnable, and the hypervisor timer is not armed in the past (whose
 * interrupt would be high at once and for ever). The TLB of the CPU is flushed
 * locally each time a vCPU follows its sibling.
 */
static enum hal_exit due_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		assert_ptr_equal(v, vcpu(0));
		hal_sysreg_write(CNTV_CVAL_ENC, 50);
		hal_sysreg_write(CNTV_CTL_ENC, 1);
		return wfi(v);
	case 1:
		assert_ptr_equal(v, vcpu(1));
		assert_int_equal(sim_hal_stats()->local_tlb_flushes, 1);
		/* Only the time slice (count 100 + 1000) may be armed. */
		assert_int_equal(sim_sysreg_get(CNTHP_CVAL_ENC), 1100);
		return wfi(v);
	case 2:
		assert_ptr_equal(v, vcpu(0));
		assert_int_equal(sim_hal_stats()->local_tlb_flushes, 2);
		return hvc(v, PSCI_SYSTEM_OFF, 0, 0, 0);
	default:
		fail_msg("entered again after SYSTEM_OFF");
		return HAL_EXIT_HOST;
	}
}

static void due_timer_wakes_without_a_past_deadline(void **state)
{
	(void)state;
	sim_sysreg_set(CNTPCT_ENC, 100);
	assert_int_equal(sched_add_vm(tvm.vm, SCHED_SHARED, 0), 0);
	assert_int_equal(vcpu_post_cpu_on(vcpu(1), 0x40004000, 0),
			 VCPU_POWER_OFF);
	script_cpu.step = due_script;
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(script_cpu.enters, 3);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(cpu_on_runs_the_target_once),
	    T(sgi_to_another_cpu_is_posted_and_kicked),
	    T(wfi_blocks_until_an_sgi_arrives),
	    T(descheduled_timer_makes_its_vcpu_run),
	    T(due_timer_wakes_without_a_past_deadline),
	    T(spi_follows_irouter_to_another_cpu),
	    T(vm_off_stops_a_vcpu_running_elsewhere),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
