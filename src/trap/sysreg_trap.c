/* Trapped MSR/MRS (EC 0x18), resolved through the sysreg table. */
#include "arch/esr.h"
#include "sysreg/sysreg.h"
#include "trap/handlers.h"
#include "trap/inject.h"

enum exit_action handle_sysreg(struct vcpu *v)
{
	uint32_t iss = esr_iss(v->exit.esr);
	unsigned rt = ISS_SYSREG_RT(iss);
	bool is_read = iss & ISS_SYSREG_DIR_READ;
	const struct sysreg_desc *d = sysreg_find_iss(iss);
	uint32_t enc;
	uint64_t val = is_read ? 0 : vcpu_get_x(v, rt);

	if (!d || !d->access(v, d, &val, is_read)) {
		vcpu_note(v, is_read ? "sysreg.undef.mrs" : "sysreg.undef.msr",
			  ISS_SYSREG_ENC(iss), val, 0);
		inject_undef(v);
		return EXIT_RESUME;
	}
	enc = d->enc;
	if (is_read)
		vcpu_set_x(v, rt, val);
	vcpu_note(v, is_read ? "sysreg.mrs" : "sysreg.msr", enc, rt, val);
	vcpu_advance_pc(v);
	return EXIT_RESUME;
}
