/* See fz.h. */
#include "fz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal.h"
#include "hv.h"
#include "s2walk.h"
#include "sim_hal.h"

uint8_t fz_u8(struct fz_in *in)
{
	uint8_t b = 0;

	(void)fz_bytes(in, &b, 1);
	return b;
}

/* Little-endian, so a seed file reads the same on any host. */
static uint64_t fz_le(struct fz_in *in, unsigned n)
{
	uint8_t b[8] = {0};
	uint64_t v = 0;

	(void)fz_bytes(in, b, n);
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

uint16_t fz_u16(struct fz_in *in)
{
	return (uint16_t)fz_le(in, 2);
}

uint32_t fz_u32(struct fz_in *in)
{
	return (uint32_t)fz_le(in, 4);
}

uint64_t fz_u64(struct fz_in *in)
{
	return fz_le(in, 8);
}

size_t fz_bytes(struct fz_in *in, void *dst, size_t max)
{
	size_t n = max < in->left ? max : in->left;

	if (n)
		memcpy(dst, in->p, n);
	in->p += n;
	in->left -= n;
	return n;
}

void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FUZZ INVARIANT %s:%d: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Static backing: allocating 8 MiB per input would dominate the run. */
static uint8_t ram_mem[FZ_RAM_MAX] __attribute__((aligned(PAGE_SIZE)));
static uint8_t pool_mem[FZ_POOL_PAGES * PAGE_SIZE]
    __attribute__((aligned(PAGE_SIZE)));

bool fz_vm_setup(struct fz_vm *f, const struct vm_config *cfg)
{
	int err = -99;

	FZ_CHECK(cfg->ram_pa == FZ_RAM_PA && cfg->ram_size <= FZ_RAM_MAX,
		 "harness: RAM config outside the static backing");
	sim_hal_reset();
	FZ_CHECK(hv_init() == 0, "hv_init failed");
	/* The tables too: the sim's walker reads them as physical memory. */
	FZ_CHECK(sim_phys_add(FZ_RAM_PA, ram_mem, FZ_RAM_MAX) == 0 &&
		     sim_phys_add(FZ_POOL_PA, pool_mem, sizeof(pool_mem)) == 0,
		 "phys");
	FZ_CHECK(
	    page_pool_init(&f->pool, pool_mem, FZ_POOL_PA, FZ_POOL_PAGES) == 0,
	    "page_pool_init");
	f->ram = ram_mem;
	f->vm = vm_create(cfg, &f->pool, &err);
	if (!f->vm) {
		FZ_CHECK(err != 0, "vm_create failed without an error code");
		return false;
	}
	f->v = &f->vm->vcpus[0];
	vcpu_reset(f->v, GUEST_RAM_BASE, 0);
	f->v->el1[VCPU_VBAR_EL1] = FZ_VBAR;
	vm_activate_vcpu(f->v);
	vcpu_load(f->v);
	return true;
}

void fz_vm_setup_default(struct fz_vm *f, unsigned nvcpus)
{
	struct vm_config cfg = {FZ_RAM_PA, FZ_RAM_MAX, nvcpus, true};

	FZ_CHECK(fz_vm_setup(f, &cfg), "default VM refused");
}

void fz_vm_teardown(struct fz_vm *f)
{
	vm_destroy(f->vm);
	FZ_CHECK(f->pool.nfree == f->pool.npages,
		 "Stage-2 table pages leaked: %zu of %zu free", f->pool.nfree,
		 f->pool.npages);
	f->vm = NULL;
	f->v = NULL;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	/* FNV-1a over the 8 bytes: a digest, not a defence. */
	for (int i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 0x100000001b3ull;
	return h;
}

uint64_t fz_s2_digest(void)
{
	struct s2w_cfg cfg;
	uint64_t h = 0xcbf29ce484222325ull, ipa = 0;

	FZ_CHECK(s2w_config_from_regs(sim_sysreg_get(SYSREG_HCR_EL2),
				      sim_sysreg_get(SYSREG_VTTBR_EL2),
				      sim_sysreg_get(SYSREG_VTCR_EL2), &cfg),
		 "the core programmed a Stage-2 the reference walker rejects");
	h = mix(h, cfg.root_pa);
	/* Span by span: an invalid descriptor or a block covers its whole
	 * naturally aligned range, so the walk is a few hundred lookups. */
	while (cfg.enabled && ipa < (1ull << cfg.ipa_bits)) {
		struct s2w_result r;

		s2w_lookup(&cfg, ipa, &r);
		FZ_CHECK(r.leaf_size && r.leaf_ipa <= ipa &&
			     ipa - r.leaf_ipa < r.leaf_size,
			 "walker span 0x%llx+0x%llx does not hold 0x%llx",
			 (unsigned long long)r.leaf_ipa,
			 (unsigned long long)r.leaf_size,
			 (unsigned long long)ipa);
		FZ_CHECK(r.status != S2W_FAULT_BUS,
			 "Stage-2 table outside memory at IPA 0x%llx",
			 (unsigned long long)ipa);
		h = mix(h, r.leaf_ipa);
		h = mix(h, r.leaf_size);
		h = mix(h, r.status);
		if (r.status == S2W_OK) {
			h = mix(h, r.pa - (ipa - r.leaf_ipa));
			h = mix(h, (uint64_t)r.perm << 8 | r.memattr);
		}
		ipa = r.leaf_ipa + r.leaf_size;
	}
	return h;
}
