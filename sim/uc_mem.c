/*
 * Guest memory in Unicorn comes only from the Stage-2 tables: every valid
 * leaf whose output address is host-backed (hal_pa_to_va) is mapped at its
 * IPA with the permissions S2AP/XN give. Anything else stays unmapped, so
 * Unicorn reports the access and the sim turns it into a Stage-2 abort.
 * Unicorn's "physical" address space is therefore the IPA space.
 */
#include <string.h>

#include "a64_decode.h"
#include "a64_sysregs.h"
#include "hal.h"
#include "sim_hal.h"
#include "uc_cpu_priv.h"

#define PAGE 0x1000ull
#define UC_PAGE 0x400ull /* Unicorn's TLB page for AArch64 */

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
	c->regions[c->nregions].host = r->host;
	c->nregions++;
	c->regions_gen++;
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
	c->regions_gen++;
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
	/* Unicorn's TLB holds VA -> host translations through the old
	 * Stage-2. */
	uc_ctl_flush_tlb(c->uc);
	sim_forget_code(c);
}

/*
 * Stage-1: the sim's own walker (s1walk.c) on the registers the guest
 * left in Unicorn, reading tables through Stage-2. A table Stage-2 does
 * not let the walk read is a Stage-2 fault on that IPA (S1PTW); one with
 * no memory behind it, an external abort on the walk.
 */
static unsigned read_desc(void *ctx, uint64_t ipa, uint64_t *val)
{
	struct sim_cpu *c = ctx;
	struct s2w_result r;
	const uint8_t *p;

	s2w_lookup(&c->s2, ipa, &r);
	if (r.status != S2W_OK || !(r.perm & S2W_R))
		return S1W_RD_S2(s2w_fsc(&r));
	p = hal_pa_to_va(r.pa, 8);
	if (!p)
		return S1W_RD_EXTERNAL;
	memcpy(val, p, sizeof(*val));
	return S1W_RD_OK;
}

/* Reading a register through Unicorn's CP interface is a hash lookup:
 * the four are kept until something writes one of them (a guest MSR, seen
 * by the sysreg hook, or a write through uc_cp_write). */
bool sim_s1_regs(struct sim_cpu *c, struct s1w_regs *r)
{
	if (!c->s1_cached) {
		if (!uc_cp_read(c, A64_SR_SCTLR_EL1, &c->s1_regs.sctlr) ||
		    !uc_cp_read(c, A64_SR_TCR_EL1, &c->s1_regs.tcr) ||
		    !uc_cp_read(c, A64_SR_TTBR0_EL1, &c->s1_regs.ttbr0) ||
		    !uc_cp_read(c, A64_SR_TTBR1_EL1, &c->s1_regs.ttbr1))
			return false;
		c->s1_cached = true;
	}
	*r = c->s1_regs;
	return true;
}

bool sim_is_s1_reg(uint32_t enc)
{
	return enc == A64_SR_SCTLR_EL1 || enc == A64_SR_TCR_EL1 ||
	       enc == A64_SR_TTBR0_EL1 || enc == A64_SR_TTBR1_EL1;
}

static bool at_el0(struct sim_cpu *c)
{
	return ((uc_get(c, UC_ARM64_REG_PSTATE) >> 2) & 3u) == 0;
}

enum s1w_status sim_s1_translate(struct sim_cpu *c, uint64_t va,
				 enum s1w_access acc, bool el0,
				 struct s1w_result *res)
{
	struct s1w_regs regs;

	if (!sim_s1_regs(c, &regs)) {
		*res = (struct s1w_result){.status = S1W_FAULT_TRANSLATION};
		return res->status;
	}
	return s1w_translate(&regs, va, acc, el0, read_desc, c, res);
}

static __attribute__((noinline)) bool va_to_ipa_walk(struct sim_cpu *c,
						     uint64_t va, uint64_t *ipa)
{
	struct s1w_regs regs;
	struct s1w_result r;
	enum s1w_status st;

	if (sim_s1_regs(c, &regs) && !(regs.sctlr & 1u)) {
		*ipa = va;
		return true;
	}
	st = sim_s1_translate(c, va, S1W_READ, at_el0(c), &r);

	if (st != S1W_OK && st != S1W_FAULT_PERMISSION)
		return false;
	*ipa = r.ipa;
	return true;
}

/* VA -> IPA at the current EL, whatever the access may do there: the
 * decode of an access that faulted needs the address it went to. With the
 * MMU off, Stage 1 is flat for every EL: no walk, no read of PSTATE for
 * the EL, and no frame for one (most exits of a bare-metal guest). */
bool sim_va_to_ipa(struct sim_cpu *c, uint64_t va, uint64_t *ipa)
{
	if (c->s1_cached && !(c->s1_regs.sctlr & 1u)) {
		*ipa = va;
		return true;
	}
	return va_to_ipa_walk(c, va, ipa);
}

static uint32_t s1_to_uc_prot(uint8_t perm)
{
	return ((perm & S1W_R) ? UC_PROT_READ : 0) |
	       ((perm & S1W_W) ? UC_PROT_WRITE : 0) |
	       ((perm & S1W_X) ? UC_PROT_EXEC : 0);
}

/*
 * Is any of Unicorn's regions (the Stage-2 leaves with memory behind them)
 * at this IPA? The region of the last hit is tried first, and the last
 * 4 KiB page found in none is remembered until the regions change: every
 * MMIO access asks.
 */
static bool ipa_mapped(struct sim_cpu *c, uint64_t ipa)
{
	const struct uc_region *r = &c->regions[c->data_hint];
	uint64_t page = ipa & ~(PAGE - 1);

	if (c->data_hint < c->nregions && ipa - r->ipa < r->size)
		return true;
	if (page == c->unmapped_page && c->regions_gen != 0 &&
	    c->unmapped_regions_gen == c->regions_gen)
		return false;
	for (unsigned i = 0; i < c->nregions; i++) {
		if (ipa - c->regions[i].ipa < c->regions[i].size) {
			c->data_hint = i;
			return true;
		}
	}
	c->unmapped_page = page;
	c->unmapped_regions_gen = c->regions_gen;
	return false;
}

/* No region holds the IPA: refuse the fill, so that Unicorn stops at the
 * instruction itself (sim_s2_fill_abort) instead of at the access with the
 * PC of its block, which the sim would have to search. */
static bool refuse_unmapped(struct sim_cpu *c, uint64_t va, uint64_t ipa,
			    enum s1w_access acc)
{
	/* The refusal Unicorn stops on is the last one (a refused probe
	 * returns to its caller without a stop). */
	c->s1f.valid = false;
	c->s2f.valid = true;
	c->s2f.va = va;
	c->s2f.ipa = ipa;
	c->s2f.acc = acc;
	return false;
}

/*
 * Unicorn's TLB (UC_TLB_VIRTUAL) asks here for every page (of 1 KiB, its
 * TARGET_PAGE_SIZE) it has no entry for. The answer is the IPA, which is
 * Unicorn's physical address space. A Stage-1 fault, or a Stage-2 fault of
 * the walk itself, is recorded and refused; so is an IPA no region maps (a
 * Stage-2 fault, MMIO included). Unicorn then stops with UC_ERR_EXCEPTION
 * and the PC of the access, and the run loop takes it (sim_s1_abort,
 * sim_s2_fill_abort). Permission faults on mapped IPAs still come out of
 * the regions. The permissions are those of the EL now: Unicorn keeps a
 * TLB per EL (and flushes it when the guest writes SCTLR/TCR/TTBR or does
 * a TLBI, as its own MMU would).
 */
static bool hook_tlb_fill(uc_engine *uc, uint64_t va, uc_mem_type type,
			  uc_tlb_entry *e, void *opaque)
{
	struct sim_cpu *c = opaque;
	struct s1w_result r;
	enum s1w_access acc = type == UC_MEM_WRITE   ? S1W_WRITE
			      : type == UC_MEM_FETCH ? S1W_FETCH
						     : S1W_READ;
	bool el0;

	(void)uc;
	/* Identity while sim_drop_code() runs (no access is made then). */
	if (c->fill_identity) {
		e->paddr = va;
		e->perms = UC_PROT_ALL;
		return true;
	}
	/* With the MMU off, what s1walk answers for either EL (no PSTATE
	 * read for the EL: every MMIO access of a bare-metal guest comes
	 * here). */
	if (c->s1_cached && !(c->s1_regs.sctlr & 1u)) {
		if (!ipa_mapped(c, va))
			return refuse_unmapped(c, va, va, acc);
		e->paddr = va;
		e->perms = UC_PROT_ALL;
		return true;
	}
	el0 = at_el0(c);
	if (sim_s1_translate(c, va, acc, el0, &r) == S1W_OK) {
		if (!ipa_mapped(c, r.ipa))
			return refuse_unmapped(c, va, r.ipa, acc);
		/* va is aligned to Unicorn's page (1 KiB for AArch64), r.ipa
		 * translates it with the same offset. */
		e->paddr = r.ipa;
		e->perms = s1_to_uc_prot(el0 ? r.perm_el0 : r.perm_el1);
		return true;
	}
	c->s2f.valid = false;
	c->s1f.valid = true;
	c->s1f.va = va;
	c->s1f.acc = acc;
	c->s1f.el0 = el0;
	c->s1f.res = r;
	return false;
}

int sim_install_tlb(struct sim_cpu *c)
{
	if (uc_ctl_tlb_mode(c->uc, UC_TLB_VIRTUAL) != UC_ERR_OK ||
	    uc_hook_add(c->uc, &c->hooks[c->nhooks], UC_HOOK_TLB_FILL,
			(void *)hook_tlb_fill, c, 1, 0) != UC_ERR_OK)
		return -1;
	c->nhooks++;
	return 0;
}

/*
 * Drop Unicorn's translated code for the IPA range [lo, hi). Unicorn finds
 * the code by translating the start as a VA of the current regime, which
 * with the guest's MMU on may fault (and Unicorn cannot take a fault
 * outside a run): the fill hook answers identity meanwhile, and the
 * entries that leaves in the TLB are flushed after.
 */
void sim_drop_code(struct sim_cpu *c, uint64_t lo, uint64_t hi)
{
	c->fill_identity = true;
	uc_ctl_remove_cache(c->uc, lo, hi);
	c->fill_identity = false;
	uc_ctl_flush_tlb(c->uc);
	sim_forget_code(c);
}

void sim_drop_region_code(struct sim_cpu *c, bool exec_only)
{
	c->fill_identity = true;
	for (unsigned i = 0; i < c->nregions; i++)
		if (!exec_only || (c->regions[i].prot & UC_PROT_EXEC))
			uc_ctl_remove_cache(c->uc, c->regions[i].ipa,
					    c->regions[i].ipa +
						c->regions[i].size);
	c->fill_identity = false;
	uc_ctl_flush_tlb(c->uc);
	sim_forget_code(c);
}

/*
 * The sim reads instructions several times per trap (finding the faulting
 * one, checking how a block ends). The regions Unicorn maps are Stage-2's
 * RAM leaves, kept in step with every Stage-2 change, so they answer
 * IPA -> host without a walk: the last one that did is tried first.
 */
static const uint32_t *mapped_insn(struct sim_cpu *c, uint64_t ipa)
{
	const struct uc_region *r = &c->regions[c->fetch_hint];

	if (c->fetch_hint >= c->nregions || ipa - r->ipa >= r->size) {
		unsigned i;

		for (i = 0; i < c->nregions; i++)
			if (ipa - c->regions[i].ipa < c->regions[i].size)
				break;
		if (i == c->nregions)
			return NULL;
		c->fetch_hint = i;
		r = &c->regions[i];
	}
	return (const uint32_t *)(r->host + (ipa - r->ipa));
}

/* A translated block never crosses one of Unicorn's 1 KiB pages (QEMU
 * bounds a block's instructions to its page): one translation covers it. */
const uint32_t *sim_code_words(struct sim_cpu *c, uint64_t va, unsigned n)
{
	uint64_t ipa, bytes = 4ull * n;
	const uint32_t *p;
	const struct uc_region *r;

	if ((va & 3) || !n || ((va ^ (va + bytes - 1)) & ~(UC_PAGE - 1)) ||
	    !sim_va_to_ipa(c, va, &ipa))
		return NULL;
	p = mapped_insn(c, ipa);
	if (!p)
		return NULL;
	r = &c->regions[c->fetch_hint];
	return ipa - r->ipa + bytes <= r->size ? p : NULL;
}

bool sim_read_insn(struct sim_cpu *c, uint64_t va, uint32_t *insn)
{
	uint64_t ipa;
	struct s2w_result r;
	const uint32_t *p;

	if ((va & 3) || !sim_va_to_ipa(c, va, &ipa))
		return false;
	p = mapped_insn(c, ipa);
	if (p) {
		*insn = *p;
		return true;
	}
	/* Not in a region: memory Stage-2 maps that Unicorn does not (yet)
	 * hold; the walk is the authority. */
	s2w_lookup(&c->s2, ipa, &r);
	if (r.status != S2W_OK)
		return false;
	p = hal_pa_to_va(r.pa, 4);
	if (!p)
		return false;
	*insn = *p;
	return true;
}
