/*
 * SMC Calling Convention (DEN0028) dispatch. A function ID is routed by its
 * owning entity to a service table; results go in x0-x3 (x0-x7 or x0-x17
 * for FF-A, see struct smccc_call), every other register is preserved.
 */
#ifndef HV_SMCCC_SMCCC_H
#define HV_SMCCC_SMCCC_H

#include <stdbool.h>
#include <stdint.h>

#include "exit.h"

#define SMCCC_FAST_CALL (1u << 31)
#define SMCCC_64 (1u << 30)
#define SMCCC_OWNER_SHIFT 24
#define SMCCC_OWNER_MASK 0x3fu
#define SMCCC_FNUM_MASK 0xffffu

#define SMCCC_OWNER_ARCH 0u
#define SMCCC_OWNER_SIP 2u
#define SMCCC_OWNER_STD 4u
#define SMCCC_OWNER_STD_HYP 5u
#define SMCCC_OWNER_VENDOR_HYP 6u

#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_ARCH_SOC_ID 0x80000002u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffu
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffu
#define SMCCC_VERSION_1_2 0x10002u

#define SMCCC_SUCCESS 0
#define SMCCC_NOT_SUPPORTED (-1)
#define SMCCC_NOT_REQUIRED (-2)
#define SMCCC_INVALID_PARAMETER (-3)

enum smccc_conduit { SMCCC_HVC, SMCCC_SMC };

/* One call as the service sees it: the function ID, the guest's registers
 * (read through smccc_arg, never copied: the common calls take none) and
 * its results. Only res[0..3] are set up (nres = 4) before a service
 * runs: a service that returns more (FF-A: x0..x7, or x0..x17 for the
 * register-based calls) writes every result up to its own nres, so no
 * call pays for zeroing 18 words. */
#define SMCCC_MAX_RES 18
struct smccc_call {
	uint32_t fid;
	bool is64;
	enum smccc_conduit conduit;
	const uint64_t *x; /* the caller's x0..x30, as it made the call */
	unsigned nres;	   /* results copied to x0..x(nres-1) */
	uint64_t res[SMCCC_MAX_RES]; /* unused results are 0 */
};

/* Argument n (x1..x17): truncated to 32 bits for SMC32/HVC32 calls, whose
 * upper register halves are not part of the call (SMCCC 1.2, 2.6). */
static inline uint64_t smccc_arg(const struct smccc_call *c, unsigned n)
{
	return c->is64 ? c->x[n] : (uint32_t)c->x[n];
}

/* A service handles the functions of one owning entity. It returns the
 * exit action; it leaves res[0] = NOT_SUPPORTED for unknown functions. */
typedef enum exit_action (*smccc_service_fn)(struct vcpu *v,
					     struct smccc_call *c);

enum exit_action smccc_dispatch(struct vcpu *v, enum smccc_conduit conduit);

/* True if fid is implemented by this hypervisor (for the *_FEATURES calls). */
bool smccc_arch_implements(uint32_t fid);

enum exit_action smccc_arch_service(struct vcpu *v, struct smccc_call *c);
enum exit_action smccc_std_service(struct vcpu *v, struct smccc_call *c);

static inline uint64_t smccc_ret(int64_t v)
{
	return (uint64_t)v;
}

#endif
