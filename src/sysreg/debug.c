/*
 * Self-hosted debug registers, trapped by MDCR_EL2.TDA/TDOSA. The guest
 * gets a consistent register file (values read back) but no hardware
 * breakpoints: the physical debug state stays the hypervisor's.
 */
#include "hal.h"
#include "sysreg/sysreg.h"
#include "vcpu.h"

#define OSLSR_OSLM_IMPLEMENTED (1u << 3)
#define OSLSR_OSLK (1u << 1)
#define DFR0_BRPS_SHIFT 12
#define DFR0_WRPS_SHIFT 20

static unsigned implemented_bps(unsigned kind)
{
	uint64_t dfr0 = sysreg_id_value(SYSREG_ID_AA64DFR0_EL1);
	unsigned shift = kind < 2 ? DFR0_BRPS_SHIFT : DFR0_WRPS_SHIFT;

	return (unsigned)((dfr0 >> shift) & 0xf) + 1;
}

bool sysreg_dbg_bp_wp(struct vcpu *v, const struct sysreg_desc *d,
		      uint64_t *val, bool is_read)
{
	unsigned kind = (unsigned)(d->arg >> 8) & 3, n = (unsigned)d->arg & 15;
	uint64_t *regs[4] = {v->dbg.bvr, v->dbg.bcr, v->dbg.wvr, v->dbg.wcr};

	if (n >= implemented_bps(kind))
		return false; /* beyond what ID_AA64DFR0_EL1 advertises */
	if (is_read)
		*val = regs[kind][n];
	else
		regs[kind][n] = *val;
	return true;
}

bool sysreg_oslar(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		  bool is_read)
{
	(void)d;
	if (is_read)
		return false; /* write-only */
	v->dbg.os_lock = *val & 1;
	return true;
}

bool sysreg_oslsr(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		  bool is_read)
{
	(void)d;
	if (!is_read)
		return false; /* read-only */
	*val = OSLSR_OSLM_IMPLEMENTED | (v->dbg.os_lock ? OSLSR_OSLK : 0);
	return true;
}

bool sysreg_osdlr(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		  bool is_read)
{
	(void)d;
	if (is_read)
		*val = v->dbg.os_dlk;
	else
		v->dbg.os_dlk = *val & 1;
	return true;
}

bool sysreg_dbgprcr(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		    bool is_read)
{
	(void)d;
	if (is_read)
		*val = v->dbg.prcr;
	else
		v->dbg.prcr = *val & 1; /* CORENPDRQ */
	return true;
}
