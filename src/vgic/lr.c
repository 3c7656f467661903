/* List-register allocation for virtual interrupt injection. */
#include "vgic/lr.h"
#include "hal.h"
#include "hv_err.h"

int vgic_lr_inject(uint32_t vintid, bool hw, uint32_t pintid, uint8_t prio)
{
	unsigned n = hal_gic_num_lrs();
	int free_lr = -1;

	for (unsigned i = 0; i < n; i++) {
		uint64_t lr = hal_sysreg_read(SYSREG_ICH_LR(i));

		if (!(lr & ICH_LR_STATE_MASK)) {
			if (free_lr < 0)
				free_lr = (int)i;
			continue;
		}
		if ((lr & ICH_LR_VINTID_MASK) == vintid) {
			hal_sysreg_write(SYSREG_ICH_LR(i), lr | ICH_LR_PENDING);
			return HV_OK;
		}
	}
	if (free_lr < 0)
		return HV_ENOMEM;
	hal_sysreg_write(SYSREG_ICH_LR((unsigned)free_lr),
			 ICH_LR_PENDING | ICH_LR_GROUP1 |
			     ((uint64_t)prio << ICH_LR_PRIO_SHIFT) |
			     (hw ? ICH_LR_HW | ((uint64_t)(pintid & 0x3ff)
						<< ICH_LR_PINTID_SHIFT)
				 : 0) |
			     vintid);
	return HV_OK;
}

bool vgic_lr_any_pending(void)
{
	unsigned n = hal_gic_num_lrs();

	for (unsigned i = 0; i < n; i++)
		if (hal_sysreg_read(SYSREG_ICH_LR(i)) & ICH_LR_PENDING)
			return true;
	return false;
}

bool vgic_lr_can_wake(void)
{
	uint64_t vmcr = hal_sysreg_read(SYSREG_ICH_VMCR_EL2);
	unsigned pmr = (unsigned)(vmcr >> ICH_VMCR_VPMR_SHIFT) & 0xffu;
	unsigned n = hal_gic_num_lrs();

	for (unsigned i = 0; i < n; i++) {
		uint64_t lr = hal_sysreg_read(SYSREG_ICH_LR(i));
		unsigned prio = (unsigned)(lr >> ICH_LR_PRIO_SHIFT) & 0xffu;
		uint64_t eng =
		    (lr & ICH_LR_GROUP1) ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0;

		if ((lr & ICH_LR_PENDING) && (vmcr & eng) && prio < pmr)
			return true;
	}
	return false;
}
