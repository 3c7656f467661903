/*
 * Stage-2 data aborts from the guest. Translation faults on IPAs with a
 * syndrome (ISV=1) are emulated MMIO; everything else the guest may not do
 * (permission faults, faults on its own page-table walks, accesses no
 * device claims) becomes a synchronous external abort at its vector.
 */
#include "arch/esr.h"
#include "dev/mmio.h"
#include "trap/dabt_decode.h"
#include "trap/handlers.h"
#include "trap/inject.h"
#include "vm/vm.h"

static enum exit_action abort_guest(struct vcpu *v, const char *why,
				    uint64_t ipa)
{
	uint32_t iss = esr_iss(v->exit.esr);

	vcpu_note(v, why, ipa, iss & ISS_FSC_MASK, 0);
	inject_data_abort(v, v->exit.far, (iss & ISS_DABT_WNR) != 0);
	return EXIT_RESUME;
}

enum exit_action handle_dabt(struct vcpu *v)
{
	uint32_t iss = esr_iss(v->exit.esr);
	uint64_t ipa = dabt_fault_ipa(v->exit.hpfar, v->exit.far);
	unsigned fsc_type = iss & FSC_TYPE_MASK;
	struct mmio_access a;
	enum mmio_status st;

	if (iss & ISS_DABT_S1PTW)
		return abort_guest(v, "dabt.s1ptw", ipa);
	if (fsc_type != FSC_TRANSLATION && fsc_type != FSC_ACCESS_FLAG)
		return abort_guest(v, "dabt.denied", ipa);
	if (iss & ISS_DABT_CM) {
		/* Cache maintenance by VA on a device range: nothing cached. */
		vcpu_note(v, "dabt.cache_maint", ipa, 0, 0);
		vcpu_advance_pc(v);
		return EXIT_RESUME;
	}
	if (!(iss & ISS_DABT_ISV))
		return abort_guest(v, "mmio.no_syndrome", ipa);
	if (dabt_decode_isv(v->exit.esr, ipa, v, &a) != 0)
		return abort_guest(v, "mmio.bad_syndrome", ipa);

	st = mmio_bus_access(&v->vm->bus, &a);
	if (st != MMIO_OK)
		return abort_guest(v,
				   st == MMIO_NO_DEVICE ? "mmio.no_device"
							: "mmio.bad_access",
				   ipa);
	if (!a.is_write)
		dabt_complete_read(v, &a);
	vcpu_note(v, a.is_write ? "mmio.write" : "mmio.read", ipa, a.width,
		  a.data);
	vcpu_advance_pc(v);
	return EXIT_RESUME;
}
