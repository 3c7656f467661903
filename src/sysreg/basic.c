/* Accessors for registers with no state of their own. */
#include "hal.h"
#include "sysreg/sysreg.h"

bool sysreg_raz_wi(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		   bool is_read)
{
	(void)v;
	(void)d;
	if (is_read)
		*val = 0;
	return true;
}

bool sysreg_ro_const(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		     bool is_read)
{
	(void)v;
	if (!is_read)
		return false;
	*val = d->arg;
	return true;
}

bool sysreg_wo_ignore(struct vcpu *v, const struct sysreg_desc *d,
		      uint64_t *val, bool is_read)
{
	(void)v;
	(void)d;
	(void)val;
	return !is_read;
}

/* A trapped register whose state is simply the guest's live EL1 copy. */
bool sysreg_live_el1(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		     bool is_read)
{
	(void)v;
	if (is_read)
		*val = hal_sysreg_read(d->enc);
	else
		hal_sysreg_write(d->enc, *val);
	return true;
}
