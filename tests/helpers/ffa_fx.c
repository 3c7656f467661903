#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "ffa/ffa.h"
#include "hv.h"
#include "isolation.h"
#include "sim_hal.h"
#include "ffa_fx.h"
#include "test_vm.h"

#define FX_POOL_PA 0x10000000ull
#define FX_POOL_PAGES 128
#define FX_RAM_PA(i) (0x80000000ull + (uint64_t)(i)*0x1000000ull)

static bool fx_s2_regs(void *ctx, uint64_t *vttbr, uint64_t *vtcr)
{
	struct vm **slot = ctx;

	if (!*slot || !(*slot)->in_use || !(*slot)->s2.root)
		return false;
	*vttbr = stage2_vttbr(&(*slot)->s2);
	*vtcr = stage2_vtcr();
	return true;
}

void ffa_fx_setup(struct ffa_fx *x, unsigned nvms)
{
	memset(x, 0, sizeof(*x));
	x->n = nvms;
	sim_hal_reset();
	assert_int_equal(hv_init(), 0);
	x->pool_mem = aligned_alloc(4096, FX_POOL_PAGES * 4096);
	assert_non_null(x->pool_mem);
	assert_int_equal(
	    page_pool_init(&x->pool, x->pool_mem, FX_POOL_PA, FX_POOL_PAGES),
	    0);
	assert_int_equal(
	    sim_phys_add(FX_POOL_PA, x->pool_mem, FX_POOL_PAGES * 4096), 0);
	sim_iso_enable(true);
	assert_int_equal(
	    sim_iso_add_hyp_range(FX_POOL_PA, FX_POOL_PAGES * 4096, "pool"), 0);
	for (unsigned i = 0; i < nvms; i++) {
		struct vm_config cfg = {FX_RAM_PA(i), FX_RAM_SIZE, 1, false};
		int err = -1;

		x->ram[i] = aligned_alloc(4096, FX_RAM_SIZE);
		assert_non_null(x->ram[i]);
		memset(x->ram[i], 0x5a, FX_RAM_SIZE);
		assert_int_equal(
		    sim_phys_add(FX_RAM_PA(i), x->ram[i], FX_RAM_SIZE), 0);
		assert_int_equal(sim_iso_add_vm(i, fx_s2_regs, &x->vm[i]), 0);
		x->vm[i] = vm_create(&cfg, &x->pool, &err);
		assert_non_null(x->vm[i]);
		vcpu_reset(&x->vm[i]->vcpus[0], FX_RAM_IPA, 0);
	}
	assert_int_equal(sim_iso_check_all(), 0);
}

void ffa_fx_teardown(struct ffa_fx *x)
{
	if (sim_iso_stats()->violations)
		fail_msg("isolation: %s", sim_iso_first_violation());
	for (unsigned i = 0; i < x->n; i++) {
		vm_destroy(x->vm[i]);
		x->vm[i] = NULL;
		free(x->ram[i]);
	}
	/* Every VM gone: nothing may stay in the ownership table. */
	assert_int_equal(ffa_owner_table()->used, 0);
	assert_int_equal(ffa_owner_table()->nregions, 0);
	free(x->pool_mem);
	sim_hal_reset();
}

uint64_t ffa_fx_pa(unsigned i, uint64_t ipa)
{
	return FX_RAM_PA(i) + (ipa - FX_RAM_IPA);
}

const uint64_t *ffa_fx_hvc(struct vcpu *v, uint64_t x0, uint64_t x1,
			   uint64_t x2, uint64_t x3, uint64_t x4, uint64_t x5)
{
	for (unsigned k = 6; k < 31; k++)
		v->regs.x[k] = 0xdead000000000000ull | k;
	v->regs.x[0] = x0;
	v->regs.x[1] = x1;
	v->regs.x[2] = x2;
	v->regs.x[3] = x3;
	v->regs.x[4] = x4;
	v->regs.x[5] = x5;
	v->regs.pc = FX_RAM_IPA + 0x1004;
	/* HVC #0 from AArch64: EC 0x16, IL. */
	assert_int_equal(test_trap(v, 0x5a000000ull, 0, 0), EXIT_RESUME);
	return v->regs.x;
}

const uint64_t *ffa_fx_call(struct ffa_fx *x, unsigned i, uint64_t x0,
			    uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
			    uint64_t x5)
{
	return ffa_fx_hvc(&x->vm[i]->vcpus[0], x0, x1, x2, x3, x4, x5);
}

void ffa_fx_map(struct ffa_fx *x, unsigned i)
{
	const uint64_t *r =
	    ffa_fx_call(x, i, 0x84000066 /* RXTX_MAP */, FX_RAM_IPA + FX_TX_OFF,
			FX_RAM_IPA + FX_RX_OFF, 1, 0, 0);

	assert_int_equal(r[0], FX_SUCCESS);
}

uint8_t *ffa_fx_tx(struct ffa_fx *x, unsigned i)
{
	return x->ram[i] + FX_TX_OFF;
}

uint8_t *ffa_fx_rx(struct ffa_fx *x, unsigned i)
{
	return x->ram[i] + FX_RX_OFF;
}

void ffa_fx_assert_err(const uint64_t *r, uint64_t status)
{
	assert_int_equal(r[0], FX_ERROR);
	assert_int_equal(r[2], status);
}

static void put(uint8_t *b, unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

uint32_t ffa_fx_desc(uint8_t *b, uint16_t sender, uint16_t attrs,
		     uint32_t flags, uint64_t handle, uint64_t tag,
		     const struct fx_recv *r, unsigned nr,
		     const struct fx_range *g, unsigned ng)
{
	unsigned comp = 48 + 16 * nr, pages = 0;

	memset(b, 0, comp + 16 + 16 * ng);
	put(b, 0, sender, 2);
	put(b, 2, attrs, 2);
	put(b, 4, flags, 4);
	put(b, 8, handle, 8);
	put(b, 16, tag, 8);
	put(b, 24, 16, 4); /* endpoint access descriptor size */
	put(b, 28, nr, 4);
	put(b, 32, 48, 4); /* receivers right after the header */
	for (unsigned i = 0; i < nr; i++) {
		put(b, 48 + 16 * i, r[i].id, 2);
		b[48 + 16 * i + 2] = r[i].perms;
		put(b, 48 + 16 * i + 4, comp, 4);
	}
	for (unsigned i = 0; i < ng; i++) {
		put(b, comp + 16 + 16 * i, g[i].addr, 8);
		put(b, comp + 16 + 16 * i + 8, g[i].pages, 4);
		pages += g[i].pages;
	}
	put(b, comp, pages, 4);
	put(b, comp + 4, ng, 4);
	return comp + 16 + 16 * ng;
}

uint32_t ffa_fx_relinquish_desc(uint8_t *b, uint64_t handle, uint32_t flags,
				uint16_t id)
{
	memset(b, 0, 32);
	put(b, 0, handle, 8);
	put(b, 8, flags, 4);
	put(b, 12, 1, 4);
	put(b, 16, id, 2);
	return 32;
}

uint64_t ffa_fx_send(struct ffa_fx *x, unsigned from, uint64_t fid, uint16_t to,
		     uint8_t perms, uint64_t ipa, uint32_t pages)
{
	struct fx_recv rv = {to, perms};
	struct fx_range g = {ipa, pages};
	bool donate = (fid & 0xffff) == 0x71;
	uint32_t len = ffa_fx_desc(ffa_fx_tx(x, from), (uint16_t)(from + 1),
				   donate ? 0 : 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	const uint64_t *r = ffa_fx_call(x, from, fid, len, len, 0, 0, 0);

	assert_int_equal(r[0], FX_SUCCESS);
	return r[2] | r[3] << 32;
}

const uint64_t *ffa_fx_retrieve(struct ffa_fx *x, unsigned i, uint16_t sender,
				uint64_t handle, uint8_t perms)
{
	struct fx_recv rv = {(uint16_t)(i + 1), perms};
	uint32_t len = ffa_fx_desc(ffa_fx_tx(x, i), sender, 0, 0, handle, 0,
				   &rv, 1, NULL, 0);

	/* No composite in a request: its offset is 0, and it ends there. */
	memset(ffa_fx_tx(x, i) + 48 + 4, 0, 4);
	len = 64;
	return ffa_fx_call(x, i, 0x84000074 /* MEM_RETRIEVE_REQ */, len, len, 0,
			   0, 0);
}

bool ffa_fx_mapped(const struct ffa_fx *x, unsigned i, uint64_t ipa,
		   uint64_t *pa, uint8_t *perm)
{
	struct s2_attrs a;
	uint64_t p;

	if (stage2_lookup(&x->vm[i]->s2, ipa, &p, &a, NULL) != 0)
		return false;
	if (pa)
		*pa = p;
	if (perm)
		*perm = a.perm;
	return true;
}

uint64_t ffa_fx_rd(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}
