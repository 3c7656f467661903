/*
 * Guest memory in Unicorn comes only from the Stage-2 tables: every valid
 * leaf whose output address is host-backed (hal_pa_to_va) is mapped at its
 * IPA with the permissions S2AP/XN give. Anything else stays unmapped, so
 * Unicorn reports the access and the sim turns it into a Stage-2 abort.
 * Unicorn's "physical" address space is therefore the IPA space.
 */
#include "a64_decode.h"
#include "a64_sysregs.h"
#include "hal.h"
#include "sim_hal.h"
#include "uc_cpu_priv.h"

#define PAGE 0x1000ull
#define SCTLR_M (1ull << 0)

bool sim_load_s2_config(struct sim_cpu *c)
{
	uint64_t vttbr = sim_sysreg_get(A64_SR_VTTBR_EL2);

	c->vmid = (uint16_t)(vttbr >> 48);
	if (!s2w_config_from_regs(sim_sysreg_get(A64_SR_HCR_EL2), vttbr,
				  sim_sysreg_get(A64_SR_VTCR_EL2), &c->s2))
		return false;
	/* With Stage-2 off the guest would see host physical memory: the
	 * hypervisor never runs a guest like that. */
	return c->s2.enabled;
}

static uint32_t s2_to_uc_prot(uint8_t perm)
{
	return ((perm & S2W_R) ? UC_PROT_READ : 0) |
	       ((perm & S2W_W) ? UC_PROT_WRITE : 0) |
	       ((perm & S2W_X) ? UC_PROT_EXEC : 0);
}

struct run {
	uint64_t ipa, size;
	uint8_t *host;
	uint32_t prot;
};

static int flush_run(struct sim_cpu *c, struct run *r)
{
	if (!r->size)
		return 0;
	if (c->nregions == SIM_MAX_REGIONS ||
	    uc_mem_map_ptr(c->uc, r->ipa, r->size, r->prot, r->host) !=
		UC_ERR_OK) {
		r->size = 0;
		return -1;
	}
	c->regions[c->nregions].ipa = r->ipa;
	c->regions[c->nregions].size = r->size;
	c->regions[c->nregions].prot = r->prot;
	c->nregions++;
	r->size = 0;
	return 0;
}

/* Add [ipa, ipa+size) at host with prot, merging with the current run. */
static int add_to_run(struct sim_cpu *c, struct run *r, uint64_t ipa,
		      uint64_t size, uint8_t *host, uint32_t prot)
{
	if (r->size && r->ipa + r->size == ipa && r->host + r->size == host &&
	    r->prot == prot) {
		r->size += size;
		return 0;
	}
	if (flush_run(c, r) != 0)
		return -1;
	r->ipa = ipa;
	r->size = size;
	r->host = host;
	r->prot = prot;
	return 0;
}

/* Map what Stage-2 says about [lo, hi); nothing there may be mapped yet. */
int sim_map_range(struct sim_cpu *c, uint64_t lo, uint64_t hi)
{
	struct run r = {0};
	uint64_t ipa = lo & ~(PAGE - 1);
	int err = 0;

	while (ipa < hi && !err) {
		struct s2w_result res;
		uint64_t end, len;
		uint8_t *host;

		s2w_lookup(&c->s2, ipa, &res);
		end = res.leaf_ipa + res.leaf_size;
		if (end > hi || end <= ipa)
			end = (hi + PAGE - 1) & ~(PAGE - 1);
		len = end - ipa;
		if (res.status != S2W_OK ||
		    !(res.perm & (S2W_R | S2W_W | S2W_X))) {
			err = flush_run(c, &r);
			ipa = end;
			continue;
		}
		host = hal_pa_to_va(res.pa, len);
		if (host) {
			err = add_to_run(c, &r, ipa, len, host,
					 s2_to_uc_prot(res.perm));
		} else {
			/* Part of the leaf is not backed: map page by page. */
			for (uint64_t off = 0; off < len && !err; off += PAGE) {
				host = hal_pa_to_va(res.pa + off, PAGE);
				err = host ? add_to_run(c, &r, ipa + off, PAGE,
							host,
							s2_to_uc_prot(res.perm))
					   : flush_run(c, &r);
			}
		}
		ipa = end;
	}
	if (!err)
		err = flush_run(c, &r);
	return err;
}

static void drop_region(struct sim_cpu *c, unsigned i)
{
	uc_mem_unmap(c->uc, c->regions[i].ipa, c->regions[i].size);
	c->regions[i] = c->regions[--c->nregions];
}

void sim_unmap_all(struct sim_cpu *c)
{
	while (c->nregions)
		drop_region(c, c->nregions - 1);
}

/*
 * The core changed Stage-2 over [remap_lo, remap_hi): drop every region
 * touching it and map the union again from the tables.
 */
void sim_apply_remap(struct sim_cpu *c)
{
	uint64_t lo = c->remap_lo & ~(PAGE - 1);
	uint64_t limit = 1ull << c->s2.ipa_bits;
	uint64_t hi = c->remap_hi > limit ? limit : c->remap_hi;

	c->remap = false;
	c->st.remaps++;
	if (!sim_load_s2_config(c)) {
		sim_fail(c, "Stage-2 reprogrammed to a configuration the sim "
			    "does not model");
		return;
	}
	if (lo == 0 && hi == limit) {
		sim_unmap_all(c);
	} else {
		for (unsigned i = c->nregions; i-- > 0;) {
			struct uc_region *r = &c->regions[i];

			if (r->ipa >= hi || r->ipa + r->size <= lo)
				continue;
			lo = r->ipa < lo ? r->ipa : lo;
			hi = r->ipa + r->size > hi ? r->ipa + r->size : hi;
			drop_region(c, i);
			i = c->nregions; /* the range grew: look again */
		}
	}
	if (sim_map_range(c, lo, hi) != 0)
		sim_fail(c, "cannot map guest memory in Unicorn after a "
			    "Stage-2 change");
}

/*
 * Stage-1 translation for the EL1&0 regime, enough to find instructions
 * and faulting addresses of a guest that turned its MMU on: 4 KiB granule,
 * TTBR0/TTBR1 by the top VA bit, tables read through Stage-2.
 */
static bool read_ipa64(struct sim_cpu *c, uint64_t ipa, uint64_t *val)
{
	struct s2w_result r;
	const uint64_t *p;

	s2w_lookup(&c->s2, ipa, &r);
	if (r.status != S2W_OK || !(r.perm & S2W_R))
		return false;
	p = hal_pa_to_va(r.pa, 8);
	if (!p)
		return false;
	*val = *p;
	return true;
}

static bool stage1_walk(struct sim_cpu *c, uint64_t va, uint64_t *ipa)
{
	uint64_t tcr = 0, ttbr = 0, desc, table;
	bool upper = (va >> 63) != 0;
	unsigned tsz, tg, level, idx_bits, va_bits;

	if (!uc_cp_read(c, A64_SR_TCR_EL1, &tcr))
		return false;
	tsz = (unsigned)(upper ? (tcr >> 16) & 0x3f : tcr & 0x3f);
	tg = (unsigned)(upper ? (tcr >> 30) & 3 : (tcr >> 14) & 3);
	if ((upper && tg != 2) || (!upper && tg != 0) || tsz < 16 || tsz > 39)
		return false; /* only the 4 KiB granule */
	if (upper ? (~va >> (64 - tsz)) != 0 : (va >> (64 - tsz)) != 0)
		return false;
	if (!uc_cp_read(c, upper ? A64_SR_TTBR1_EL1 : A64_SR_TTBR0_EL1, &ttbr))
		return false;
	table = ttbr & 0x0000fffffffffffeull;
	va_bits = 64 - tsz;
	level = 4 - (va_bits - 12 + 8) / 9;
	idx_bits = va_bits - (12 + 9 * (3 - level));
	for (;;) {
		unsigned shift = 12 + 9 * (3 - level);
		uint64_t idx = (va >> shift) & ((1ull << idx_bits) - 1);

		if (!read_ipa64(c, table + idx * 8, &desc) || !(desc & 1))
			return false;
		if (level < 3 && (desc & 2)) {
			table = desc & 0x0000fffffffff000ull;
			level++;
			idx_bits = 9;
			continue;
		}
		if ((level == 3) != ((desc & 2) != 0) || level == 0)
			return false; /* reserved encoding */
		*ipa = (desc & 0x0000fffffffff000ull & ~((1ull << shift) - 1)) |
		       (va & ((1ull << shift) - 1));
		return true;
	}
}

bool sim_va_to_ipa(struct sim_cpu *c, uint64_t va, uint64_t *ipa)
{
	uint64_t sctlr = 0;

	if (!uc_cp_read(c, A64_SR_SCTLR_EL1, &sctlr) || !(sctlr & SCTLR_M)) {
		*ipa = va;
		return true;
	}
	return stage1_walk(c, va, ipa);
}

bool sim_read_insn(struct sim_cpu *c, uint64_t va, uint32_t *insn)
{
	uint64_t ipa;
	struct s2w_result r;
	const uint32_t *p;

	if ((va & 3) || !sim_va_to_ipa(c, va, &ipa))
		return false;
	s2w_lookup(&c->s2, ipa, &r);
	if (r.status != S2W_OK)
		return false;
	p = hal_pa_to_va(r.pa, 4);
	if (!p)
		return false;
	*insn = *p;
	return true;
}
