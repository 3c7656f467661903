/* PSCI 1.1 (DEN0022) for guests. */
#ifndef HV_SMCCC_PSCI_H
#define HV_SMCCC_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "smccc/smccc.h"

#define PSCI_FN_BASE 0x84000000u
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0x84000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_MIGRATE 0x84000005u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_MIGRATE_INFO_UP_CPU 0x84000007u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_FNUM_LAST 0x1fu /* 0x00-0x1f belong to PSCI */

#define PSCI_VERSION_1_1 0x10001u

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_NOT_PRESENT (-7)
#define PSCI_DISABLED (-8)
#define PSCI_INVALID_ADDRESS (-9)

#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

/* PSCI_FEATURES(CPU_SUSPEND): bit 1 clear, power_state in the original
 * format; bit 0 clear, platform-coordinated mode only (no OS-initiated). */
#define PSCI_SUSPEND_FEATURES 0

/* MIGRATE_INFO_TYPE: no Trusted OS that needs migration. */
#define PSCI_TOS_NOT_PRESENT_MP 2

enum exit_action psci_call(struct vcpu *v, struct smccc_call *c);
/* PSCI_FEATURES answer for fid (0 or flags if implemented, else -1). */
int64_t psci_features(uint32_t fid);

#endif
