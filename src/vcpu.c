/* vCPU reset, PC advance and the lazy world switch of EL1/FP state. */
#include <stddef.h>

#include "arch/esr.h"
#include "hal.h"
#include "lib/mem.h"
#include "vcpu.h"
#include "vgic/vgic.h"

/* target/ assembly saves the frame at these offsets. */
_Static_assert(offsetof(struct vcpu, regs) == 0, "regs first");
_Static_assert(offsetof(struct vcpu_regs, sp_el0) == VCPU_REGS_SP_EL0, "sp");
_Static_assert(offsetof(struct vcpu_regs, pc) == VCPU_REGS_PC, "pc");
_Static_assert(offsetof(struct vcpu_regs, pstate) == VCPU_REGS_PSTATE, "ps");
_Static_assert(sizeof(struct vcpu_regs) == VCPU_REGS_SIZE, "regs size");
_Static_assert(offsetof(struct vcpu, exit) == VCPU_EXIT_OFFSET, "exit");

#define EL1_ENC(name, op0, op1, crn, crm, op2)                                 \
	SYSREG_ENC(op0, op1, crn, crm, op2),
static const uint32_t el1_encodings[VCPU_EL1_COUNT] = {
    HAL_SYSREGS_EL1(EL1_ENC)};
#undef EL1_ENC

uint32_t vcpu_aa32_itstate(uint64_t pstate)
{
	if (!(pstate & PSR_MODE_32BIT))
		return 0;
	return (uint32_t)((pstate & PSR_AA32_IT_HI_MASK) >>
			  (PSR_AA32_IT_HI_SHIFT - 2)) |
	       (uint32_t)((pstate & PSR_AA32_IT_LO_MASK) >>
			  PSR_AA32_IT_LO_SHIFT);
}

/*
 * ITAdvance() from the Arm ARM: the last instruction of an IT block (IT[2:0]
 * zero) ends it, any other shifts IT[4:0] left by one so IT[7:4] becomes the
 * next instruction's condition. The CPU does this as part of executing the
 * instruction, so skipping an emulated one in an IT block must do it too or
 * the rest of the block runs under the wrong conditions.
 */
static uint64_t aa32_it_advance(uint64_t pstate)
{
	uint32_t it = vcpu_aa32_itstate(pstate);

	if ((it & 7u) == 0)
		it = 0;
	else
		it = (it & 0xe0u) | ((it << 1) & 0x1fu);
	pstate &= ~(uint64_t)(PSR_AA32_IT_HI_MASK | PSR_AA32_IT_LO_MASK);
	return pstate | ((uint64_t)(it >> 2) << PSR_AA32_IT_HI_SHIFT) |
	       ((uint64_t)(it & 3u) << PSR_AA32_IT_LO_SHIFT);
}

void vcpu_advance_pc_aa32(struct vcpu *v)
{
	v->regs.pc += esr_insn_len(v->exit.esr);
	/* Only T32 has IT blocks; in AArch64 these SPSR bits mean other
	 * things (BTYPE, SSBS, TCO) and must be left alone. */
	if ((v->regs.pstate & PSR_MODE_32BIT) && (v->regs.pstate & PSR_AA32_T))
		v->regs.pstate = aa32_it_advance(v->regs.pstate);
}

void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg0)
{
	memset(&v->regs, 0, sizeof(v->regs));
	memset(&v->fp, 0, sizeof(v->fp));
	memset(v->el1, 0, sizeof(v->el1));
	memset(&v->dbg, 0, sizeof(v->dbg));
	v->regs.pc = entry;
	v->regs.x[0] = arg0;
	v->regs.pstate = PSR_MODE_EL1H | PSR_DAIF;
	/* SCTLR_EL1 RES1 bits (ARMv8.0); MMU and caches off as the boot
	 * protocol requires. */
	v->el1[VCPU_SCTLR_EL1] = 0x30d00800;
	v->dbg.os_lock = true; /* OSLSR_EL1.OSLK resets to 1 */
	/* The virtual CPU interface resets (groups off, mask 0, nothing
	 * active); the redistributor's state belongs to the VM's GIC and
	 * survives a CPU power cycle, as on hardware. */
	v->vgic.vmcr = 0;
	v->vgic.ap0r = v->vgic.ap1r = 0;
	v->power = VCPU_POWER_ON;
}

void vcpu_load(struct vcpu *v)
{
	/* First: a port may keep EL1 state per vCPU (the simulator has an
	 * engine each) and direct the writes below by the current vCPU. */
	hal_set_current_vcpu(v);
	for (unsigned i = 0; i < VCPU_EL1_COUNT; i++)
		hal_sysreg_write(el1_encodings[i], v->el1[i]);
	hal_fpsimd_restore(&v->fp);
	v->loaded = true;
	vgic_vcpu_load(v);
	/* The LRs hold another vCPU's interrupts, or nothing. */
	vgic_flush_all(v);
}

void vcpu_put(struct vcpu *v)
{
	for (unsigned i = 0; i < VCPU_EL1_COUNT; i++)
		v->el1[i] = hal_sysreg_read(el1_encodings[i]);
	/* The EL1 timers stay the vCPU's (saved above) but the physical ones
	 * must not fire for it on this CPU any more: the scheduler stands in
	 * for them while the vCPU is put (sched.h). */
	hal_sysreg_write(SYSREG_CNTV_CTL_EL0, 0);
	hal_sysreg_write(SYSREG_CNTP_CTL_EL0, 0);
	hal_fpsimd_save(&v->fp);
	vgic_sync(v);
	vgic_vcpu_put(v);
	v->loaded = false;
}
