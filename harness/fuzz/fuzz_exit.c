/*
 * The exit dispatcher (hv_handle_sync / hv_handle_irq) on a real two-vCPU
 * VM with whatever a guest (or a buggy port) can put in ESR/FAR/HPFAR,
 * the GPRs and PSTATE. After every exit:
 *  - Stage-2, as the sim's own walker reads it, is unchanged (no exit is
 *    meant to change it today);
 *  - either the PC moved past the trapped instruction (by ESR.IL; HVC and
 *    IRQ exits already point past it) with PSTATE kept and only the
 *    registers the exit writes changed, or an exception was injected the
 *    way the CPU takes one (ELR/SPSR/ESR(/FAR)_EL1, PC at VBAR_EL1 + the
 *    vector for the old PSTATE, EL1h with DAIF masked), or the action is
 *    one that does not resume this vCPU (WFI, CPU/VM off, reset).
 *
 * Input: selector, EC choice, ESR, FAR, HPFAR target and offset, PSTATE
 * choice and value, PC, VBAR, pending INTID, list registers, ICH_VMCR,
 * x0..x30. Choices steer towards device IPAs and real modes half the time;
 * the raw values cover the rest.
 */
#include <stdint.h>
#include <string.h>

#include "arch/esr.h"
#include "exit.h"
#include "fake_gic.h"
#include "fz.h"
#include "hal.h"
#include "sim_hal.h"

#define SENTINEL_ELR 0x5e11e11e11e11e1ull
#define SENTINEL_SPSR 0x5e115b5bull
#define SENTINEL_ESR 0xfe5e5e5eull /* EC 0x3f: never injected */
#define SENTINEL_FAR 0x5eff5eff5eff5effull

static const unsigned steer_ec[] = {
    EC_WFX,	 EC_HVC64,    EC_SMC64,	   EC_SYSREG,	EC_IABT_LOW,
    EC_DABT_LOW, EC_DABT_LOW, EC_DABT_LOW, EC_DABT_CUR, EC_UNKNOWN,
};
static const uint64_t steer_ipa[] = {
    GUEST_UART_BASE,
    GUEST_SCRATCH_BASE,
    GUEST_RAM_BASE,
    GUEST_GICD_BASE,
    GUEST_RAM_BASE + FZ_RAM_MAX - 0x200000,
};
static const uint64_t steer_pstate[] = {
    PSR_MODE_EL1H | PSR_DAIF, PSR_MODE_EL1T, PSR_MODE_EL0T,
    PSR_MODE_32BIT | 0x10 /* AArch32 User */
};

#define NSTEER(a) (sizeof(a) / sizeof((a)[0]))

struct exit_in {
	bool irq;
	uint64_t esr, far, hpfar, pstate, pc, vbar;
	uint32_t intid;
	uint64_t lr[4];
	uint64_t vmcr;
};

static void read_input(struct fz_in *in, struct exit_in *e, struct vcpu *v)
{
	uint8_t sel = fz_u8(in), ecsel = fz_u8(in), ipasel, pssel;
	uint64_t ipa;

	e->irq = (sel & 7) == 0;
	e->esr = fz_u64(in);
	if (ecsel < 0xa0)
		e->esr = (e->esr & ~((uint64_t)ESR_EC_MASK << ESR_EC_SHIFT)) |
			 (uint64_t)steer_ec[ecsel % NSTEER(steer_ec)]
			     << ESR_EC_SHIFT;
	e->far = fz_u64(in);
	e->hpfar = fz_u64(in);
	ipasel = fz_u8(in);
	ipa = fz_u32(in) & 0x1fffffu;
	if (ipasel < 0xc0) {
		/* FIPA (bits 43:4) and FAR[11:0] name an IPA near a device;
		 * the other bits stay raw. */
		ipa += steer_ipa[ipasel % NSTEER(steer_ipa)];
		e->hpfar = (e->hpfar & ~0x00000ffffffffff0ull) | (ipa >> 12)
								     << 4;
		e->far = (e->far & ~0xfffull) | (ipa & 0xfff);
	}
	pssel = fz_u8(in);
	e->pstate = fz_u64(in);
	if (pssel < 0xc0)
		e->pstate = steer_pstate[pssel % NSTEER(steer_pstate)] |
			    (e->pstate & PSR_DAIF);
	e->pc = fz_u64(in);
	e->vbar = fz_u64(in) & ~0x7ffull; /* VBAR_EL1[10:0] are RES0 */
	e->intid = fz_u16(in) % FGIC_NR_INTIDS;
	for (unsigned i = 0; i < 4; i++)
		e->lr[i] = fz_u64(in);
	e->vmcr = fz_u32(in);
	for (unsigned r = 0; r < 31; r++)
		v->regs.x[r] = fz_u64(in);
}

/*
 * PSTATE after the trapped instruction is skipped, written here from the
 * Arm ARM rather than taken from the core: unchanged, except that an
 * AArch32 guest in T32 state (SPSR.M[4] and T, bit 5) moves on in its IT
 * block: ITAdvance() with IT[7:2] in SPSR[15:10] and IT[1:0] in [26:25].
 * A resume without a skip (len 0: HVC, IRQ) changes nothing.
 */
static uint64_t pstate_after_skip(uint64_t pstate, uint64_t len)
{
	uint32_t it;

	if (!len || (pstate & 0x30) != 0x30)
		return pstate;
	it = (uint32_t)((pstate >> 8) & 0xfc) | (uint32_t)((pstate >> 25) & 3);
	if ((it & 7) == 0)
		it = 0;
	else
		it = (it & 0xe0) | ((it << 1) & 0x1f);
	pstate &= ~((0x3full << 10) | (3ull << 25));
	return pstate | ((uint64_t)(it >> 2) << 10) |
	       ((uint64_t)(it & 3) << 25);
}

static uint64_t vector_offset(uint64_t pstate)
{
	if (pstate & PSR_MODE_32BIT)
		return 0x600; /* lower EL, AArch32 */
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL1T:
		return 0x000; /* current EL, SP_EL0 */
	case PSR_MODE_EL1H:
		return 0x200; /* current EL, SP_ELx */
	default:
		return 0x400; /* lower EL, AArch64 */
	}
}

static bool from_el1(uint64_t pstate)
{
	unsigned m = pstate & PSR_MODE_MASK;

	return !(pstate & PSR_MODE_32BIT) &&
	       (m == PSR_MODE_EL1T || m == PSR_MODE_EL1H);
}

/* GPRs this exit may write: SMCCC results, the MRS / MMIO load target. */
static uint32_t writable_gprs(const struct exit_in *e,
			      const struct vcpu_regs *old)
{
	unsigned ec = esr_ec(e->esr);
	uint32_t iss = esr_iss(e->esr);

	if (e->irq)
		return 0;
	if (ec == EC_HVC64 || ec == EC_SMC64)
		return (
		    uint32_t)((1ull << fz_smccc_results((uint32_t)old->x[0])) -
			      1);
	if (ec == EC_SYSREG && (iss & ISS_SYSREG_DIR_READ))
		return 1u << ISS_SYSREG_RT(iss);
	if (ec == EC_DABT_LOW && (iss & ISS_DABT_ISV) && !(iss & ISS_DABT_WNR))
		return 1u << ((iss >> ISS_DABT_SRT_SHIFT) & 31);
	return 0;
}

static void check_injection(const struct exit_in *e, const struct vcpu *v,
			    const struct vcpu_regs *old, enum exit_action act)
{
	uint64_t esr1 = hal_sysreg_read(SYSREG_ESR_EL1);
	unsigned ec = esr_ec(e->esr), ec1 = esr_ec(esr1);

	FZ_CHECK(!e->irq && ec != EC_HVC64 && ec != EC_SMC64 && ec != EC_WFX,
		 "EC 0x%x (irq %d) injected ESR_EL1 0x%llx", ec, e->irq,
		 (unsigned long long)esr1);
	FZ_CHECK(act == EXIT_RESUME, "injected but action %d", act);
	FZ_CHECK(esr1 & ESR_IL, "injected ESR_EL1 without IL");
	FZ_CHECK(hal_sysreg_read(SYSREG_ELR_EL1) == old->pc, "ELR_EL1");
	FZ_CHECK(hal_sysreg_read(SYSREG_SPSR_EL1) == old->pstate, "SPSR_EL1");
	FZ_CHECK(v->regs.pc == e->vbar + vector_offset(old->pstate),
		 "PC 0x%llx after injection, VBAR 0x%llx PSTATE 0x%llx",
		 (unsigned long long)v->regs.pc, (unsigned long long)e->vbar,
		 (unsigned long long)old->pstate);
	FZ_CHECK(v->regs.pstate == (PSR_MODE_EL1H | PSR_DAIF),
		 "PSTATE 0x%llx after injection",
		 (unsigned long long)v->regs.pstate);
	FZ_CHECK(!memcmp(v->regs.x, old->x, sizeof(old->x)) &&
		     v->regs.sp_el0 == old->sp_el0,
		 "an injecting exit changed GPRs");
	if (ec == EC_DABT_LOW || ec == EC_IABT_LOW) {
		unsigned want =
		    (ec == EC_DABT_LOW ? EC_DABT_LOW : EC_IABT_LOW) +
		    (from_el1(old->pstate) ? 1 : 0);

		FZ_CHECK(ec1 == want, "abort injected as EC 0x%x, want 0x%x",
			 ec1, want);
		FZ_CHECK((esr1 & ISS_FSC_MASK) == FSC_SEA, "DFSC/IFSC");
		FZ_CHECK(hal_sysreg_read(SYSREG_FAR_EL1) == e->far, "FAR_EL1");
		if (ec == EC_DABT_LOW)
			FZ_CHECK(!(esr1 & ISS_DABT_WNR) ==
				     !(e->esr & ISS_DABT_WNR),
				 "injected WnR");
	} else {
		FZ_CHECK(ec1 == EC_UNKNOWN, "EC 0x%x injected EC 0x%x", ec,
			 ec1);
		FZ_CHECK(hal_sysreg_read(SYSREG_FAR_EL1) == SENTINEL_FAR,
			 "UNDEF changed FAR_EL1");
	}
}

static void check_resume(const struct exit_in *e, const struct vcpu *v,
			 const struct vcpu_regs *old, enum exit_action act)
{
	unsigned ec = esr_ec(e->esr);
	uint64_t len = e->irq || ec == EC_HVC64 ? 0 : esr_insn_len(e->esr);
	uint32_t may = writable_gprs(e, old);

	FZ_CHECK(hal_sysreg_read(SYSREG_ELR_EL1) == SENTINEL_ELR &&
		     hal_sysreg_read(SYSREG_SPSR_EL1) == SENTINEL_SPSR &&
		     hal_sysreg_read(SYSREG_FAR_EL1) == SENTINEL_FAR,
		 "exception registers changed without an injection");
	if (act != EXIT_RESUME)
		FZ_CHECK(ec == EC_HVC64 || ec == EC_SMC64 ||
			     (ec == EC_WFX && act == EXIT_WFI),
			 "EC 0x%x gave action %d", ec, act);
	FZ_CHECK(!e->irq || act == EXIT_RESUME, "IRQ exit gave action %d", act);
	if (act == EXIT_RESUME || act == EXIT_WFI) {
		FZ_CHECK(v->regs.pc == old->pc + len,
			 "EC 0x%x: PC 0x%llx -> 0x%llx, want +%llu", ec,
			 (unsigned long long)old->pc,
			 (unsigned long long)v->regs.pc,
			 (unsigned long long)len);
		FZ_CHECK(
		    v->regs.pstate == pstate_after_skip(old->pstate, len),
		    "PSTATE 0x%llx -> 0x%llx, want 0x%llx",
		    (unsigned long long)old->pstate,
		    (unsigned long long)v->regs.pstate,
		    (unsigned long long)pstate_after_skip(old->pstate, len));
	}
	for (unsigned r = 0; r < 31; r++)
		FZ_CHECK(v->regs.x[r] == old->x[r] || (may >> r & 1),
			 "EC 0x%x changed x%u", ec, r);
	FZ_CHECK(v->regs.sp_el0 == old->sp_el0, "SP_EL0 changed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_gic gic;
	static uint64_t s2_fresh;
	struct fz_in in = fz_in(data, size);
	struct fz_vm f;
	struct exit_in e;
	struct vcpu_regs old;
	enum exit_action act;
	uint64_t s2;

	fz_vm_setup_default(&f, 2);
	read_input(&in, &e, f.v);
	f.v->regs.pc = e.pc;
	f.v->regs.pstate = e.pstate;
	f.v->exit.esr = e.esr;
	f.v->exit.far = e.far;
	f.v->exit.hpfar = e.hpfar;
	hal_sysreg_write(SYSREG_VBAR_EL1, e.vbar);
	hal_sysreg_write(SYSREG_ELR_EL1, SENTINEL_ELR);
	hal_sysreg_write(SYSREG_SPSR_EL1, SENTINEL_SPSR);
	hal_sysreg_write(SYSREG_ESR_EL1, SENTINEL_ESR);
	hal_sysreg_write(SYSREG_FAR_EL1, SENTINEL_FAR);
	for (unsigned i = 0; i < 4; i++)
		sim_sysreg_set(SYSREG_ICH_LR(i), e.lr[i]);
	sim_sysreg_set(SYSREG_ICH_VMCR_EL2, e.vmcr);
	fgic_reset(&gic);
	fgic_attach_hal(&gic);
	fgic_raise(&gic, e.intid);
	old = f.v->regs;
	/* Every input starts from the same freshly built VM, so its Stage-2
	 * digest is taken once: the walk is most of the cost of an input. */
	if (!s2_fresh)
		s2_fresh = fz_s2_digest();
	s2 = s2_fresh;

	vcpu_note_clear(f.v);
	act = e.irq ? hv_handle_irq(f.v) : hv_handle_sync(f.v);

	FZ_CHECK(act >= EXIT_RESUME && act <= EXIT_VM_RESET, "action %d", act);
	/* Traces and exit statistics name every exit by its note. */
	FZ_CHECK(f.v->note.what && f.v->note.what[0], "EC 0x%x left no note",
		 esr_ec(e.esr));
	FZ_CHECK(fz_s2_digest() == s2, "EC 0x%x changed Stage-2",
		 esr_ec(e.esr));
	if (hal_sysreg_read(SYSREG_ESR_EL1) != SENTINEL_ESR)
		check_injection(&e, f.v, &old, act);
	else
		check_resume(&e, f.v, &old, act);
	fgic_attach_hal(NULL);
	fz_vm_teardown(&f);
	return 0;
}
