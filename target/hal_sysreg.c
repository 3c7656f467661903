/*
 * hal_sysreg_read/write: one case per HAL register, generated from the
 * HAL_SYSREGS list with the generic S<op0>_<op1>_C<n>_C<m>_<op2> names, so
 * the port always implements exactly what the core may ask for.
 *
 * Writes to read-only registers (the ID group, ICH status registers) and
 * any access to a list register the GIC does not implement are dropped:
 * they would be UNDEFINED at EL2 and take the hypervisor down.
 */
#include "gicv3.h"
#include "hal.h"
#include "lib/log.h"

#define SYSREG_NAME(op0, op1, crn, crm, op2)                                   \
	"S" #op0 "_" #op1 "_C" #crn "_C" #crm "_" #op2

#define READ_CASE(name, op0, op1, crn, crm, op2)                               \
	case SYSREG_##name:                                                    \
		__asm__ volatile(                                              \
		    "mrs %0, " SYSREG_NAME(op0, op1, crn, crm, op2)            \
		    : "=r"(val));                                              \
		break;

#define WRITE_CASE(name, op0, op1, crn, crm, op2)                              \
	case SYSREG_##name:                                                    \
		__asm__ volatile(                                              \
		    "msr " SYSREG_NAME(op0, op1, crn, crm, op2) ", %0"         \
		    :                                                          \
		    : "r"(val)                                                 \
		    : "memory");                                               \
		break;

#define ID_CASE(name, op0, op1, crn, crm, op2) case SYSREG_##name:

static bool read_only(uint32_t enc)
{
	switch (enc) {
		HAL_SYSREGS_ID(ID_CASE)
	case SYSREG_ICH_VTR_EL2:
	case SYSREG_ICH_MISR_EL2:
	case SYSREG_ICH_EISR_EL2:
	case SYSREG_ICH_ELRSR_EL2:
		return true;
	default:
		return false;
	}
}

static bool lr_missing(uint32_t enc)
{
	unsigned n;

	if (SYSREG_OP0(enc) != 3 || SYSREG_OP1(enc) != 4 ||
	    SYSREG_CRN(enc) != 12 ||
	    (SYSREG_CRM(enc) != 12 && SYSREG_CRM(enc) != 13))
		return false;
	n = (SYSREG_CRM(enc) - 12) * 8 + SYSREG_OP2(enc);
	return n >= gicv3_num_lrs();
}

static void dropped(const char *op, uint32_t enc)
{
	static unsigned reported;

	/* A core bug, not a guest's: say it a few times, then stay quiet. */
	if (reported++ < 4)
		hv_printf("sysreg %s of S%u_%u_C%u_C%u_%u dropped\n", op,
			  SYSREG_OP0(enc), SYSREG_OP1(enc), SYSREG_CRN(enc),
			  SYSREG_CRM(enc), SYSREG_OP2(enc));
}

uint64_t hal_sysreg_read(uint32_t enc)
{
	uint64_t val = 0;

	if (lr_missing(enc))
		return 0;
	switch (enc) {
		HAL_SYSREGS(READ_CASE)
	default:
		dropped("read", enc);
		break;
	}
	return val;
}

void hal_sysreg_write(uint32_t enc, uint64_t val)
{
	if (lr_missing(enc))
		return;
	if (read_only(enc)) {
		dropped("write", enc);
		return;
	}
	switch (enc) {
		HAL_SYSREGS(WRITE_CASE)
	default:
		dropped("write", enc);
		break;
	}
}

/* One mrs/msr per list register: the generic switch above costs tens of
 * instructions per access, and the vGIC reads and writes LRs on every
 * interrupt it delivers. The core keeps n below hal_gic_num_lrs(). */
#define LR_CASE(n, crm, op2)                                                   \
	case n:                                                                \
		if (write)                                                     \
			__asm__ volatile("msr S3_4_C12_C" #crm "_" #op2 ", %0" \
					 :                                     \
					 : "r"(val)                            \
					 : "memory");                          \
		else                                                           \
			__asm__ volatile("mrs %0, S3_4_C12_C" #crm "_" #op2    \
					 : "=r"(val));                         \
		break;

static inline uint64_t lr_access(unsigned n, bool write, uint64_t val)
{
	switch (n) {
		LR_CASE(0, 12, 0)
		LR_CASE(1, 12, 1)
		LR_CASE(2, 12, 2)
		LR_CASE(3, 12, 3)
		LR_CASE(4, 12, 4)
		LR_CASE(5, 12, 5)
		LR_CASE(6, 12, 6)
		LR_CASE(7, 12, 7)
		LR_CASE(8, 13, 0)
		LR_CASE(9, 13, 1)
		LR_CASE(10, 13, 2)
		LR_CASE(11, 13, 3)
		LR_CASE(12, 13, 4)
		LR_CASE(13, 13, 5)
		LR_CASE(14, 13, 6)
		LR_CASE(15, 13, 7)
	default:
		dropped(write ? "write" : "read", SYSREG_ICH_LR(n));
		val = 0;
		break;
	}
	return val;
}

uint64_t hal_gic_lr_read(unsigned n)
{
	return lr_access(n, false, 0);
}

void hal_gic_lr_write(unsigned n, uint64_t val)
{
	(void)lr_access(n, true, val);
}
