/*
 * Shared pieces of the libFuzzer harnesses: a reader that turns the input
 * into typed fields (running out of input yields zeros, so every input is
 * a valid one), a real VM over static host memory built the way
 * tests/helpers/test_vm.c builds one, an independent digest of a VM's
 * Stage-2, and the invariant check that reports through abort().
 */
#ifndef FUZZ_FZ_H
#define FUZZ_FZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/page_pool.h"
#include "vcpu.h"
#include "vm/vm.h"

struct fz_in {
	const uint8_t *p;
	size_t left;
};

static inline struct fz_in fz_in(const uint8_t *data, size_t size)
{
	return (struct fz_in){data, size};
}

uint8_t fz_u8(struct fz_in *in);
uint16_t fz_u16(struct fz_in *in);
uint32_t fz_u32(struct fz_in *in);
uint64_t fz_u64(struct fz_in *in);
/* Up to max bytes (fewer when the input runs out); returns how many. */
size_t fz_bytes(struct fz_in *in, void *dst, size_t max);

/* libFuzzer reports an abort() as a crash and saves the input. */
#define FZ_CHECK(cond, ...)                                                    \
	do {                                                                   \
		if (!(cond))                                                   \
			fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);       \
	} while (0)
_Noreturn void fz_fail(const char *file, int line, const char *cond,
		       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define FZ_RAM_MAX (8u << 20)
#define FZ_RAM_PA 0x80000000ull
#define FZ_POOL_PA 0x10000000ull
#define FZ_POOL_PAGES 64u
#define FZ_VBAR (GUEST_RAM_BASE + 0x10000)

struct fz_vm {
	struct vm *vm;
	struct vcpu *v; /* vCPU 0: reset at RAM base, current, EL1 loaded */
	uint8_t *ram;
	struct page_pool pool;
};

/* A fresh fake machine and VM for every input, so each input replays the
 * same way on its own. Returns false (nothing to tear down) if the core
 * refuses the configuration; aborts if the harness itself is broken. */
bool fz_vm_setup(struct fz_vm *f, const struct vm_config *cfg);
/* The default: 8 MiB of RAM, nvcpus vCPUs, the scratch device. */
void fz_vm_setup_default(struct fz_vm *f, unsigned nvcpus);
void fz_vm_teardown(struct fz_vm *f);

/* Digest of every Stage-2 translation of the current VM as the sim's own
 * walker (sim/s2walk.h, not src/mm) sees it from VTTBR/VTCR/HCR. */
uint64_t fz_s2_digest(void);

/* How many result registers (x0..x<n-1>) an SMCCC call with function ID
 * fid may write: 4 for SMCCC services; FF-A (standard service, function
 * numbers 0x60-0xEF, DEN0077A) returns in x0-x7, and
 * FFA_PARTITION_INFO_GET_REGS (0xC400008B) in x0-x17. */
/* FFA_MSG_WAIT, FFA_MSG_SEND_DIRECT_REQ/RESP (32 and 64-bit): a call
 * that may leave its vCPU waiting for a message. */
static inline bool fz_ffa_may_wait(uint32_t fid)
{
	switch (fid & ~0x40000000u) {
	case 0x8400006bu:
	case 0x8400006du: /* RUN resuming a request */
	case 0x8400006fu:
	case 0x84000070u:
		return true;
	default:
		return false;
	}
}

static inline unsigned fz_smccc_results(uint32_t fid)
{
	unsigned fnum = fid & 0xffffu;

	if (((fid >> 24) & 0x3fu) != 4u || fnum < 0x60u || fnum > 0xefu)
		return 4;
	return fid == 0xc400008bu ? 18 : 8;
}

#endif
