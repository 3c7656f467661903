/*
 * Exit dispatch. Synchronous exits go through a table indexed by ESR.EC
 * with every slot filled: an EC we do not expect from a guest gets an UNDEF
 * injected, it never stops the hypervisor.
 */
#include "exit.h"
#include "arch/esr.h"
#include "hal.h"
#include "trap/handlers.h"
#include "time/deadline.h"
#include "trap/inject.h"
#include "vgic/vgic.h"
#include "vm/vm.h"

#define VTIMER_PPI 27u
#define MAINTENANCE_PPI 25u

static const exit_handler_fn exit_handlers[EC_COUNT] = {
    [0 ... EC_COUNT - 1] = handle_unknown_ec,
    [EC_WFX] = handle_wfx,
    [EC_HVC64] = handle_hvc,
    [EC_SMC64] = handle_smc,
    [EC_SYSREG] = handle_sysreg,
    [EC_IABT_LOW] = handle_iabt,
    [EC_DABT_LOW] = handle_dabt,
};

exit_handler_fn exit_handler_for(unsigned ec)
{
	return exit_handlers[ec & ESR_EC_MASK];
}

/* ECs whose ISS has CV/COND (ISS[24:20]) when trapped from AArch32: WFx,
 * MCR/MRC, MCRR/MRRC, LDC/STC, FP/SIMD, VMRS, MRRC (cp14), SMC. */
#define EC_COND_MASK                                                           \
	((1u << 0x01) | (1u << 0x03) | (1u << 0x04) | (1u << 0x05) |           \
	 (1u << 0x06) | (1u << 0x07) | (1u << 0x08) | (1u << 0x0c) |           \
	 (1u << 0x13))

/* ConditionHolds() from the Arm ARM, flags as PSTATE.NZCV (N in bit 3). */
static bool cond_holds(unsigned cond, unsigned nzcv)
{
	bool n = nzcv & 8u, z = nzcv & 4u, c = nzcv & 2u, v = nzcv & 1u;
	bool r;

	switch (cond >> 1) {
	case 0:
		r = z; /* EQ/NE */
		break;
	case 1:
		r = c; /* CS/CC */
		break;
	case 2:
		r = n; /* MI/PL */
		break;
	case 3:
		r = v; /* VS/VC */
		break;
	case 4:
		r = c && !z; /* HI/LS */
		break;
	case 5:
		r = n == v; /* GE/LT */
		break;
	case 6:
		r = n == v && !z; /* GT/LE */
		break;
	default:
		return true; /* AL, and 0b1111 which is not inverted */
	}
	return (cond & 1u) ? !r : r;
}

/*
 * Whether a trapped AArch32 instruction passed its condition check. It is
 * IMPLEMENTATION DEFINED whether a conditional instruction that fails the
 * check traps at all, so one that does must be skipped like the NOP it is,
 * not emulated. T32 traps may leave COND invalid (CV=0): the condition is
 * then the IT block's, IT[7:4], or none outside a block (IT[3:0] zero).
 */
static bool aa32_cond_passed(const struct vcpu *v)
{
	unsigned ec = esr_ec(v->exit.esr);
	uint32_t iss = esr_iss(v->exit.esr);
	unsigned cond;

	if (!(v->regs.pstate & PSR_MODE_32BIT) || ec >= 32 ||
	    !((EC_COND_MASK >> ec) & 1u))
		return true;
	if (iss & ISS_CV) {
		cond = (iss >> ISS_COND_SHIFT) & 0xfu;
	} else {
		uint32_t it = vcpu_aa32_itstate(v->regs.pstate);

		if ((it & 0xfu) == 0)
			return true;
		cond = it >> 4;
	}
	return cond_holds(
	    cond, (unsigned)(v->regs.pstate >> PSR_AA32_NZCV_SHIFT) & 0xfu);
}

/* The vGIC's own checks, made here first so the common exit (no LR in use,
 * no interrupt state changed) does not even pay the calls. */
static inline void lrs_to_model(struct vcpu *v)
{
	if (v->vgic.nr_lr)
		vgic_sync(v);
}

/* Only while a forwarded timer interrupt is active physically. */
static inline void sample_timers(struct vcpu *v)
{
	if (v->vgic.phys_active)
		vgic_timer_sample_slow(v);
}

static inline void model_to_lrs(struct vcpu *v)
{
	if (v->vgic.nr_lr || v->vgic.flushed_gen != v->vm->gicd.gen)
		vgic_flush(v);
}

/*
 * Around every exit: what the guest did to its list registers goes back
 * into the interrupt model first, so handlers see the truth; whatever the
 * handler changed goes back into the list registers before the guest runs.
 */
enum exit_action hv_handle_sync(struct vcpu *v)
{
	enum exit_action act;

	lrs_to_model(v);
	sample_timers(v);
	if (!aa32_cond_passed(v)) {
		vcpu_note(v, "aa32.cond_fail", esr_ec(v->exit.esr), v->exit.esr,
			  0);
		vcpu_advance_pc(v);
		act = EXIT_RESUME;
	} else {
		act = exit_handlers[esr_ec(v->exit.esr)](v);
	}
	model_to_lrs(v);
	return act;
}

enum exit_action handle_unknown_ec(struct vcpu *v)
{
	vcpu_note(v, "undef.ec", esr_ec(v->exit.esr), v->exit.esr, 0);
	inject_undef(v);
	return EXIT_RESUME;
}

/*
 * One acknowledged physical interrupt, with v the vCPU loaded on this CPU
 * (NULL: none). The EL1 timers' interrupts are the loaded vCPU's and are
 * forwarded (vgic/timer.c): their physical side stays active until the
 * guest is done with them. Everything else here is the hypervisor's own
 * and is completed at once. Returns the note's name.
 */
static const char *dispatch_irq(struct vcpu *v, uint32_t intid)
{
	if (intid == HV_TIMER_PPI) {
		/* The hypervisor's own timer: device and scheduler
		 * deadlines, which may raise lines of any VM; reprogrammed
		 * before it is ended. */
		deadline_timer_irq();
		hal_gic_eoi(intid);
		return "irq.hyptimer";
	}
	if (intid == HV_KICK_SGI) {
		/* Another CPU posted work: the run loop looks at it before
		 * the guest runs again. */
		hal_gic_eoi(intid);
		return "irq.kick";
	}
	if (v && vgic_timer_fired(v, intid))
		return intid == VTIMER_PPI ? "irq.vtimer" : "irq.ptimer";
	if (intid != MAINTENANCE_PPI && hal_port_irq(v, intid))
		return "irq.port";
	/* The maintenance interrupt: the guest consumed what its LRs held
	 * and more is waiting; the sync before and the flush after are the
	 * whole job. A timer interrupt with no vCPU loaded is stale. */
	hal_gic_eoi(intid);
	return intid == MAINTENANCE_PPI ? "irq.maintenance" : "irq.unrouted";
}

/* A physical interrupt while v ran. */
enum exit_action hv_handle_irq(struct vcpu *v)
{
	uint32_t intid;

	lrs_to_model(v);
	sample_timers(v);
	intid = hal_gic_ack();
	if (intid >= 1020)
		vcpu_note(v, "irq.spurious", intid, 0, 0);
	else
		vcpu_note(v, dispatch_irq(v, intid), intid, 0, 0);
	model_to_lrs(v);
	return EXIT_RESUME;
}

void hv_handle_idle_irqs(struct vcpu *loaded)
{
	uint32_t intid;

	while ((intid = hal_gic_ack()) < 1020)
		(void)dispatch_irq(loaded, intid);
}
