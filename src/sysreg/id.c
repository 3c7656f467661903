/*
 * ID registers as the guest sees them: the hardware's values with the
 * features this hypervisor does not virtualise hidden (SVE, PMU, SPE, AMU,
 * MPAM, RAS, MTE, SME, pointer auth, nested virtualisation) and the IPA
 * range capped to what Stage-2 maps. AArch32 and unallocated ID registers
 * read as zero.
 */
#include "hal.h"
#include "sysreg/sysreg.h"

struct id_filter {
	uint32_t enc;
	uint64_t keep;	/* hardware bits passed through */
	uint64_t force; /* then OR-ed in */
};

#define F(shift) (0xfull << (shift))

static const struct id_filter filters[] = {
    /* EL0/EL1 AArch64 only, no EL2 for the guest, GIC system registers,
     * keep FP/AdvSIMD/EL3/DIT/CSV2/CSV3. */
    {SYSREG_ID_AA64PFR0_EL1, F(12) | F(16) | F(20) | F(48) | F(56) | F(60),
     0x11 | (1ull << 24)},
    /* BT and SSBS only. */
    {SYSREG_ID_AA64PFR1_EL1, F(0) | F(4), 0},
    /* DebugVer, BRPs, WRPs, CTX_CMPs, DoubleLock; no PMU/trace/SPE. */
    {SYSREG_ID_AA64DFR0_EL1, F(0) | F(12) | F(20) | F(28) | F(36), 0},
    {SYSREG_ID_AA64ISAR0_EL1, ~0ull, 0},
    /* No pointer authentication (APA, API, GPA, GPI). */
    {SYSREG_ID_AA64ISAR1_EL1, ~(F(4) | F(8) | F(24) | F(28)), 0},
    /* PARange = 36 bits: the guest's IPA space fits in it. */
    {SYSREG_ID_AA64MMFR0_EL1, ~F(0), 0x1},
    /* No VHE for the guest. */
    {SYSREG_ID_AA64MMFR1_EL1, ~F(8), 0},
    /* No nested virtualisation. */
    {SYSREG_ID_AA64MMFR2_EL1, ~F(24), 0},
};

#define NFILTERS (sizeof(filters) / sizeof(filters[0]))
/* The feature ID space: Op0 3, Op1 0, CRn 0, CRm 0..7, Op2 0..7. */
#define ID_SPACE SYSREG_ENC(3, 0, 0, 0, 0)
#define ID_SPACE_SIZE 64u

/* The guest's value of every register of the ID space, computed once: ID
 * registers do not change after the CPU is out of reset, and reading one
 * through the HAL costs a switch on every trap. */
static uint64_t id_values[ID_SPACE_SIZE];

void sysreg_id_init(void)
{
	for (unsigned i = 0; i < ID_SPACE_SIZE; i++)
		id_values[i] = 0;
	for (unsigned i = 0; i < NFILTERS; i++)
		if (filters[i].enc - ID_SPACE < ID_SPACE_SIZE) /* all are */
			id_values[filters[i].enc - ID_SPACE] =
			    (hal_sysreg_read(filters[i].enc) &
			     filters[i].keep) |
			    filters[i].force;
}

uint64_t sysreg_id_value(uint32_t enc)
{
	if (enc - ID_SPACE >= ID_SPACE_SIZE)
		return 0;
	return id_values[enc - ID_SPACE];
}

bool sysreg_id_reg(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		   bool is_read)
{
	(void)v;
	if (!is_read)
		return false;
	*val = sysreg_id_value(d->enc);
	return true;
}
