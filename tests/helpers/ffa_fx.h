/* Several real VMs over host memory for the FF-A ABI tests: each VM's
 * vCPU 0 makes HVCs; descriptors are written byte by byte from DEN0077A
 * v1.1, never with the core's structures. */
#ifndef FFA_FX_H
#define FFA_FX_H

#include <stdint.h>

#include "mm/page_pool.h"
#include "vm/vm.h"

#define FX_MAX_VMS 3
#define FX_RAM_SIZE (1u << 20) /* 256 pages each */
#define FX_RAM_IPA 0x40000000ull
#define FX_TX_OFF 0x10000u /* TX at RAM + 64 KiB, RX one page above */
#define FX_RX_OFF 0x11000u

struct ffa_fx {
	unsigned n;
	struct vm *vm[FX_MAX_VMS];
	uint8_t *ram[FX_MAX_VMS];
	void *pool_mem;
	struct page_pool pool;
};

/* FF-A literals (DEN0077A v1.1). Status codes as w2 carries them. */
#define FX_ERROR 0x84000060ull
#define FX_SUCCESS 0x84000061ull
#define FX_NOT_SUPPORTED 0xffffffffull
#define FX_INVALID 0xfffffffeull
#define FX_NO_MEMORY 0xfffffffdull
#define FX_BUSY 0xfffffffcull
#define FX_DENIED 0xfffffffaull

void ffa_fx_setup(struct ffa_fx *x, unsigned nvms);
void ffa_fx_teardown(struct ffa_fx *x);
/* Host PA of VM i's RAM page at ipa. */
uint64_t ffa_fx_pa(unsigned i, uint64_t ipa);
/* HVC #0 from vCPU v (at guest RAM + 0x1004) with x0..x5, x6..x30 set to
 * a marker; returns its x0..x30 afterwards. The exit must resume. */
const uint64_t *ffa_fx_hvc(struct vcpu *v, uint64_t x0, uint64_t x1,
			   uint64_t x2, uint64_t x3, uint64_t x4, uint64_t x5);
/* HVC from VM i's vCPU 0 with x0..x5; returns its x0..x30 afterwards. */
const uint64_t *ffa_fx_call(struct ffa_fx *x, unsigned i, uint64_t x0,
			    uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
			    uint64_t x5);
/* Where VM i maps ipa (the core's Stage-2 lookup): its PA and
 * permissions, or false. */
bool ffa_fx_mapped(const struct ffa_fx *x, unsigned i, uint64_t ipa,
		   uint64_t *pa, uint8_t *perm);
/* The n-byte little-endian value at b. */
uint64_t ffa_fx_rd(const uint8_t *b, unsigned n);
/* RXTX_MAP of one page each at RAM + FX_TX_OFF / FX_RX_OFF; must succeed. */
void ffa_fx_map(struct ffa_fx *x, unsigned i);
uint8_t *ffa_fx_tx(struct ffa_fx *x, unsigned i);
uint8_t *ffa_fx_rx(struct ffa_fx *x, unsigned i);
/* Asserts FFA_ERROR with status (32-bit). */
void ffa_fx_assert_err(const uint64_t *r, uint64_t status);

struct fx_recv {
	uint16_t id;
	uint8_t perms;
};
struct fx_range {
	uint64_t addr;
	uint32_t pages;
};
/* A v1.1 memory transaction descriptor: 48-byte header, receivers at 48,
 * one composite after them, then the ranges. Returns its length. */
uint32_t ffa_fx_desc(uint8_t *b, uint16_t sender, uint16_t attrs,
		     uint32_t flags, uint64_t handle, uint64_t tag,
		     const struct fx_recv *r, unsigned nr,
		     const struct fx_range *g, unsigned ng);
/* A relinquish descriptor naming one endpoint. Returns its length. */
uint32_t ffa_fx_relinquish_desc(uint8_t *b, uint64_t handle, uint32_t flags,
				uint16_t id);
/* The usual send: one receiver, Normal WB inner shareable (0x2f; 0 for
 * DONATE), one range. Returns the handle; asserts SUCCESS. */
uint64_t ffa_fx_send(struct ffa_fx *x, unsigned from, uint64_t fid, uint16_t to,
		     uint8_t perms, uint64_t ipa, uint32_t pages);
/* Retrieve of handle by VM i (sender ID, tag 0, type 0); returns regs. */
const uint64_t *ffa_fx_retrieve(struct ffa_fx *x, unsigned i, uint16_t sender,
				uint64_t handle, uint8_t perms);

#endif
