/*
 * Trapped MSR/MRS (EC 0x18) with any ISS, in sequences on one VM so that
 * state carried between accesses (OS lock, debug registers) is exercised.
 * Checked against the architecture rather than the core's table:
 *  - every access either completes (PC + 4, PSTATE kept, an MRS writes
 *    only Rt, an MSR no GPR) or injects UNDEF at VBAR_EL1 + 0x200;
 *  - reads have no side effects: repeating a completed MRS gives the
 *    same value;
 *  - the ID space (Op0=3, Op1=0, CRn=0, CRm=1..7) is readable and never
 *    writable; MDRAR, OSLSR, DBGAUTHSTATUS and MDCCSR are read-only;
 *    OSLAR and the ICC_*SGI*R registers are write-only;
 *  - OSLSR_EL1.OSLK follows the last OSLAR_EL1 write.
 * Input: records of [ISS u32][Rt value u64].
 */
#include <stdint.h>
#include <string.h>

#include "arch/esr.h"
#include "exit.h"
#include "fz.h"
#include "hal.h"

#define ENC(op0, op1, crn, crm, op2) SYSREG_ENC(op0, op1, crn, crm, op2)
#define SENTINEL_ESR 0xfe5e5e5eull

static const uint32_t read_only[] = {
    ENC(2, 0, 1, 0, 0),	 /* MDRAR_EL1 */
    ENC(2, 0, 1, 1, 4),	 /* OSLSR_EL1 */
    ENC(2, 0, 7, 14, 6), /* DBGAUTHSTATUS_EL1 */
    ENC(2, 3, 0, 1, 0),	 /* MDCCSR_EL0 */
};
static const uint32_t write_only[] = {
    ENC(2, 0, 1, 0, 4),	  /* OSLAR_EL1 */
    ENC(3, 0, 12, 11, 5), /* ICC_SGI1R_EL1 */
    ENC(3, 0, 12, 11, 6), /* ICC_ASGI1R_EL1 */
    ENC(3, 0, 12, 11, 7), /* ICC_SGI0R_EL1 */
};
#define OSLAR ENC(2, 0, 1, 0, 4)
#define OSLSR ENC(2, 0, 1, 1, 4)
#define OSLSR_OSLK (1u << 1)

static bool in(const uint32_t *set, unsigned n, uint32_t enc)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i] == enc)
			return true;
	return false;
}

/* Rebuild the encoding from the ISS fields as the Arm ARM lays them out
 * (Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5],
 * CRm [4:1], Direction [0]). */
static uint32_t enc_of(uint32_t iss)
{
	return ENC((iss >> 20) & 3, (iss >> 14) & 7, (iss >> 10) & 15,
		   (iss >> 1) & 15, (iss >> 17) & 7);
}

/* One access; returns true if it completed (no UNDEF). */
static bool access(struct fz_vm *f, uint32_t iss, uint64_t *val)
{
	struct vcpu *v = f->v;
	struct vcpu_regs old;
	unsigned rt = (iss >> 5) & 31;
	bool is_read = iss & 1;
	enum exit_action act;

	if (!is_read && rt < 31)
		v->regs.x[rt] = *val;
	v->regs.pc = 0x40001000;
	v->regs.pstate = PSR_MODE_EL1H | PSR_DAIF;
	v->exit.esr = esr_make(EC_SYSREG, 1, iss);
	hal_sysreg_write(SYSREG_ESR_EL1, SENTINEL_ESR);
	old = v->regs;
	vcpu_note_clear(v);
	act = hv_handle_sync(v);
	FZ_CHECK(act == EXIT_RESUME, "sysreg action %d", act);
	if (hal_sysreg_read(SYSREG_ESR_EL1) != SENTINEL_ESR) {
		FZ_CHECK(esr_ec(hal_sysreg_read(SYSREG_ESR_EL1)) == EC_UNKNOWN,
			 "sysreg access injected EC 0x%x",
			 esr_ec(hal_sysreg_read(SYSREG_ESR_EL1)));
		FZ_CHECK(v->regs.pc == FZ_VBAR + 0x200 &&
			     hal_sysreg_read(SYSREG_ELR_EL1) == old.pc,
			 "UNDEF not at the EL1h vector");
		FZ_CHECK(!memcmp(v->regs.x, old.x, sizeof(old.x)),
			 "UNDEF changed GPRs");
		return false;
	}
	FZ_CHECK(v->regs.pc == old.pc + 4 && v->regs.pstate == old.pstate,
		 "completed access did not step the PC");
	for (unsigned r = 0; r < 31; r++)
		FZ_CHECK(v->regs.x[r] == old.x[r] || (is_read && r == rt),
			 "%s changed x%u", is_read ? "MRS" : "MSR", r);
	if (is_read)
		*val = rt < 31 ? v->regs.x[rt] : 0;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in input = fz_in(data, size);
	struct fz_vm f;
	int oslk = -1; /* unknown until the guest writes OSLAR */

	fz_vm_setup_default(&f, 2);
	while (input.left) {
		uint32_t iss = fz_u32(&input) & ESR_ISS_MASK;
		uint64_t val = fz_u64(&input), again;
		uint32_t enc = enc_of(iss);
		bool is_read = iss & 1, id_space, ok;

		id_space = (enc & ENC(3, 7, 15, 0, 0)) == ENC(3, 0, 0, 0, 0) &&
			   ((iss >> 1) & 15) >= 1 && ((iss >> 1) & 15) <= 7;
		ok = access(&f, iss, &val);
		if (is_read) {
			FZ_CHECK(!ok || !in(write_only, 4, enc),
				 "MRS of write-only 0x%x completed", enc);
			FZ_CHECK(ok || !id_space, "MRS of ID reg 0x%x UNDEF",
				 enc);
			if (ok) {
				FZ_CHECK(access(&f, iss, &again) &&
					     again == val,
					 "MRS 0x%x not repeatable", enc);
				if (enc == OSLSR && oslk >= 0 &&
				    ((iss >> 5) & 31) != 31)
					FZ_CHECK(!!(val & OSLSR_OSLK) == oslk,
						 "OSLSR.OSLK %d after OSLAR %d",
						 !!(val & OSLSR_OSLK), oslk);
			}
		} else {
			FZ_CHECK(!ok || (!in(read_only, 4, enc) && !id_space),
				 "MSR to read-only 0x%x completed", enc);
			if (ok && enc == OSLAR)
				oslk = ((iss >> 5) & 31) == 31 ? 0
							       : (int)(val & 1);
		}
	}
	fz_vm_teardown(&f);
	return 0;
}
