/*
 * Stage-2 aborts. Unicorn reports an access to an IPA it has no mapping or
 * permission for; the sim finds the instruction that made it, asks its own
 * Stage-2 walk what kind of fault that is (or loads a mapping Unicorn was
 * merely missing), and reports EC 0x24/0x20 with ISS, FAR and HPFAR as the
 * hardware would.
 */
#include <string.h>

#include "a64_decode.h"
#include "a64_arch.h"
#include "a64_sysregs.h"
#include "hal.h"
#include "sim_hal.h"
#include "uc_cpu_priv.h"

#define PAGE 0x1000ull
#define UC_PAGE 0x400ull /* Unicorn's TLB page for AArch64 */
#define MAX_CANDIDATES 64
#define MAX_BLOCK_INSNS 512 /* QEMU stops a block at 512 (TCG_MAX_INSNS) */

static bool is_write_fault(int type)
{
	return type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT;
}

/* Does d, at pc with registers x, access IPA ipa? *ea_ipa: the IPA of
 * its first byte. */
static bool covers(struct sim_cpu *c, const struct a64_ldst *d,
		   const uint64_t x[32], uint64_t pc, uint64_t ipa,
		   uint64_t *ea_ipa)
{
	uint64_t ea = a64_ldst_ea(d, x, pc);

	/* Stage 1 keeps a VA's offset in its 4 KiB page (a page or block
	 * of any granule is made of whole ones): an access whose bytes do
	 * not reach ipa's offset does not cover it, and needs no walk (one
	 * is a Stage-1 walk with the MMU on). */
	if (((ipa - ea) & (PAGE - 1)) >= d->bytes)
		return false;
	if (!sim_va_to_ipa(c, ea, ea_ipa))
		return false;
	return ipa >= *ea_ipa && ipa - *ea_ipa < d->bytes;
}

/* Registers the address of d is computed from (bit 31: SP). */
static uint32_t address_regs(const struct a64_ldst *d)
{
	uint32_t m = 0;

	if (d->mode != A64_AM_LITERAL)
		m |= 1u << d->rn;
	if (d->mode == A64_AM_REG && d->rm != 31)
		m |= 1u << d->rm;
	return m;
}

/*
 * The block being searched, read and decoded once. The decode is a pure
 * function of the instruction words, so a block searched before is not
 * decoded again: it is kept with the words it was decoded from and reused
 * only while memory at its address still holds those words (nothing to
 * invalidate: a rewritten block, noticed by Unicorn or not, no longer
 * matches). Blocks of up to CACHED_INSNS instructions are kept, by
 * address; a longer one is decoded each time into the spare entry.
 */
struct block_insns {
	unsigned n;
	uint64_t start;
	bool have_writes; /* writes[] filled (load_writes) */
	uint32_t *insn;
	uint32_t *writes; /* a64_gpr_writes() */
	bool *is_ldst;
	struct a64_ldst *d;
};

#define DECODED_BLOCKS 32u
#define CACHED_INSNS 64u

/* Static for the size, as the sim is single-threaded (valgrind pays for
 * every byte of a frame at each call); shared by every engine, which is
 * safe as an entry depends only on the words it holds. The last entry is
 * the spare, with room for the longest block. */
static struct block_insns decoded[DECODED_BLOCKS + 1];
static uint32_t cached_insn[DECODED_BLOCKS][CACHED_INSNS];
static uint32_t cached_writes[DECODED_BLOCKS][CACHED_INSNS];
static bool cached_is_ldst[DECODED_BLOCKS][CACHED_INSNS];
static struct a64_ldst cached_d[DECODED_BLOCKS][CACHED_INSNS];
static uint32_t spare_insn[MAX_BLOCK_INSNS];
static uint32_t spare_writes[MAX_BLOCK_INSNS];
static bool spare_is_ldst[MAX_BLOCK_INSNS];
static struct a64_ldst spare_d[MAX_BLOCK_INSNS];

static struct block_insns *decode_entry(uint64_t start, unsigned n)
{
	static bool ready;
	/* Folded as the block cache's hash (uc_hooks.c): blocks next to
	 * each other and 4 KiB apart take different entries. */
	unsigned h = (unsigned)((start >> 2) ^ (start >> 12) ^ (start >> 22));

	if (!ready) {
		for (unsigned k = 0; k < DECODED_BLOCKS; k++)
			decoded[k] =
			    (struct block_insns){.insn = cached_insn[k],
						 .writes = cached_writes[k],
						 .is_ldst = cached_is_ldst[k],
						 .d = cached_d[k]};
		decoded[DECODED_BLOCKS] =
		    (struct block_insns){.insn = spare_insn,
					 .writes = spare_writes,
					 .is_ldst = spare_is_ldst,
					 .d = spare_d};
		ready = true;
	}
	return &decoded[n <= CACHED_INSNS ? h % DECODED_BLOCKS
					  : DECODED_BLOCKS];
}

/* The words of the block: in place if one region holds them all, else
 * read one by one into buf. False if one cannot be read. */
static bool read_block(struct sim_cpu *c, uint64_t start, unsigned n,
		       const uint32_t **w)
{
	static uint32_t buf[MAX_BLOCK_INSNS];
	const uint32_t *words = sim_code_words(c, start, n);

	if (!words) {
		for (unsigned i = 0; i < n; i++)
			if (!sim_read_insn(c, start + 4 * i, &buf[i]))
				return false;
		words = buf;
	}
	*w = words;
	return true;
}

static struct block_insns *load_block(struct sim_cpu *c)
{
	uint64_t start = c->blk_start;
	unsigned n = (unsigned)((c->blk_end - c->blk_start) / 4);
	const uint32_t *words;
	struct block_insns *b;

	if (n > MAX_BLOCK_INSNS || !read_block(c, start, n, &words))
		return NULL;
	b = decode_entry(start, n);
	if (b->n == n && b->start == start &&
	    memcmp(b->insn, words, 4ull * n) == 0)
		return b; /* the same words: the same decode */
	b->start = start;
	b->n = n;
	b->have_writes = false;
	memcpy(b->insn, words, 4ull * n);
	for (unsigned i = 0; i < n; i++)
		b->is_ldst[i] = a64_decode_ldst(b->insn[i], &b->d[i]);
	return b;
}

/* What could_be_faulting() needs beyond the decode: only asked when two
 * accesses of the block could have made the one that faulted. */
static void load_writes(struct block_insns *b)
{
	if (b->have_writes)
		return;
	for (unsigned i = 0; i < b->n; i++)
		b->writes[i] = a64_gpr_writes(b->insn[i]);
	b->have_writes = true;
}

/*
 * The Stage-2 walk of the IPA that faulted, made once per data abort. A
 * walk that faults gives the same answer for every IPA of its range
 * [leaf_ipa, leaf_ipa + leaf_size) (the descriptors read are the same),
 * and the tables cannot change while an abort is analysed: the core, their
 * only writer, runs at the exit. So the analysis's other lookups in that
 * range (the accesses of the block to the same device) take it from here.
 * sim_data_abort() walks it before its search, the only user of
 * s2_lookup().
 */
static struct s2w_result fault_walk;

static void s2_lookup(struct sim_cpu *c, uint64_t ipa, struct s2w_result *r)
{
	if (fault_walk.status != S2W_OK &&
	    ipa - fault_walk.leaf_ipa < fault_walk.leaf_size)
		*r = fault_walk;
	else
		s2w_lookup(&c->s2, ipa, r);
}

static bool guest_read(struct sim_cpu *c, uint64_t va, unsigned bytes,
		       uint64_t *val)
{
	uint64_t ipa;
	struct s2w_result r;
	const uint8_t *p;

	if (!sim_va_to_ipa(c, va, &ipa))
		return false;
	s2_lookup(c, ipa, &r);
	if (r.status != S2W_OK || !(r.perm & S2W_R))
		return false;
	p = hal_pa_to_va(r.pa, bytes);
	if (!p)
		return false;
	*val = 0;
	for (unsigned i = 0; i < bytes && i < 8; i++)
		*val |= (uint64_t)p[i] << (8 * i);
	return true;
}

static bool guest_accessible(struct sim_cpu *c, uint64_t va, bool write)
{
	uint64_t ipa;
	struct s2w_result r;

	if (!sim_va_to_ipa(c, va, &ipa))
		return false;
	s2_lookup(c, ipa, &r);
	return r.status == S2W_OK && (r.perm & (write ? S2W_W : S2W_R)) &&
	       hal_pa_to_va(r.pa, 1);
}

static uint64_t loaded_value(const struct a64_ldst *d, uint64_t mem)
{
	unsigned bits = 8u << d->sas;

	if (bits < 64 && d->sse) {
		uint64_t m = 1ull << (bits - 1);

		mem = ((mem & ((1ull << bits) - 1)) ^ m) - m;
		if (!d->sf)
			mem &= 0xffffffffull;
	}
	return mem;
}

/*
 * Could instruction h of the block be the one that faulted, given the
 * registers as they are now (as before it ran)? Everything before h ran:
 * an access whose address registers nothing changed since must have been
 * allowed, and a load whose result register nothing changed since (and no
 * store came after) must have read what that register holds.
 */
static bool could_be_faulting(struct sim_cpu *c, const struct block_insns *b,
			      const uint64_t x[32], unsigned h)
{
	for (unsigned i = 0; i < h; i++) {
		const struct a64_ldst *d = &b->d[i];
		uint32_t since = 0, after = 0;
		bool store_after = false;
		uint64_t ea, mem;

		if (!b->is_ldst[i])
			continue;
		for (unsigned j = i; j < h; j++) {
			since |= b->writes[j];
			if (j > i) {
				after |= b->writes[j];
				store_after |=
				    b->is_ldst[j] && b->d[j].is_store;
			}
		}
		if (address_regs(d) & since)
			continue; /* its address then is unknown */
		ea = a64_ldst_ea(d, x, b->start + 4 * i);
		if (!guest_accessible(c, ea, d->is_store))
			return false; /* it would have faulted itself */
		if (!d->is_load || d->simd || d->pair || d->rt == 31 ||
		    (after & (1u << d->rt)) || store_after)
			continue;
		if (guest_read(c, ea, d->bytes, &mem) &&
		    loaded_value(d, mem) != x[d->rt])
			return false;
	}
	return true;
}

/*
 * Unicorn does not tell which instruction of the block faulted, only the
 * access. The candidates are the accesses of that direction whose address,
 * computed from the registers Unicorn leaves (those before the faulting
 * instruction ran), covers it; the first one that could have faulted given
 * what the instructions before it did is the answer. If a later one could
 * as well, nothing decides: the first is taken and counted in pc_guesses.
 */
static bool find_faulting_insn(struct sim_cpu *c, const uint64_t x[32],
			       uint64_t ipa, bool write, uint64_t *pc_out,
			       const struct a64_ldst **d_out,
			       uint64_t *ea_ipa_out)
{
	/* Static for the size, as above. */
	static unsigned cand[MAX_CANDIDATES];
	static uint64_t cand_ea_ipa[MAX_CANDIDATES];
	struct block_insns *b = load_block(c);
	unsigned n = 0, found = 0;
	bool have = false;

	if (!b)
		return false;
	for (unsigned i = 0; i < b->n; i++) {
		const struct a64_ldst *d = &b->d[i];
		uint64_t ea_ipa;

		if (!b->is_ldst[i] || (write ? !d->is_store : !d->is_load) ||
		    !covers(c, d, x, b->start + 4 * i, ipa, &ea_ipa))
			continue;
		/* A single-register access faults with its own size:
		 * `strb w1, [x0]` and `str w2, [x0]` are told apart even
		 * when x0 is the same for both. */
		if (!d->pair && !d->simd && c->fault.size > 0 &&
		    (unsigned)c->fault.size != d->bytes)
			continue;
		if (n < MAX_CANDIDATES) {
			cand_ea_ipa[n] = ea_ipa;
			cand[n++] = i;
		}
	}
	if (n == 1) {
		*pc_out = b->start + 4 * cand[0];
		*d_out = &b->d[cand[0]];
		*ea_ipa_out = cand_ea_ipa[0];
		return true;
	}
	load_writes(b);
	for (unsigned k = 0; k < n; k++) {
		if (!could_be_faulting(c, b, x, cand[k]))
			continue;
		if (have) {
			c->st.pc_guesses++;
			break;
		}
		have = true;
		found = k;
	}
	if (!have && n) {
		c->st.pc_guesses++; /* no consistent reading: take the first */
		found = 0;
		have = true;
	}
	if (have) {
		*pc_out = b->start + 4 * cand[found];
		*d_out = &b->d[cand[found]];
		*ea_ipa_out = cand_ea_ipa[found];
	}
	return have;
}

/* From now on every instruction records its PC (see sim_cpu_config). */
void sim_go_precise(struct sim_cpu *c)
{
	if (c->cfg.precise)
		return;
	c->cfg.precise = true;
	if (sim_install_code_hook(c) != 0)
		sim_fail(c, "cannot switch to per-instruction PC tracking");
}

/* What Stage-2 walk r makes of an access of size bytes needing need. */
static unsigned classify_walk(const struct s2w_result *r, unsigned size,
			      uint8_t need, bool *refill)
{
	*refill = false;
	if (r->status != S2W_OK)
		return s2w_fsc(r);
	if ((r->perm & need) != need)
		return s2w_fsc(r); /* permission fault at the leaf level */
	if (!hal_pa_to_va(r->pa, size ? size : 1))
		return A64_FSC_SEA; /* no memory behind the output address */
	/* Mapped and allowed: Unicorn just had no translation loaded. */
	*refill = true;
	return 0;
}

static unsigned classify(struct sim_cpu *c, uint64_t ipa, unsigned size,
			 uint8_t need, bool *refill)
{
	struct s2w_result r;

	s2w_lookup(&c->s2, ipa, &r);
	return classify_walk(&r, size, need, refill);
}

static void refill(struct sim_cpu *c, uint64_t ipa)
{
	c->st.tlb_refills++;
	c->remap = true;
	c->remap_lo = ipa & ~(PAGE - 1);
	c->remap_hi = c->remap_lo + PAGE;
	if (c->st.tlb_refills > 1000000)
		sim_fail(c, "IPA %#llx keeps faulting although Stage-2 maps it",
			 (unsigned long long)ipa);
}

/* Drop the translation of the code at VAs [lo, hi): a block never
 * crosses a page, so one IPA range holds it. */
static void drop_block(struct sim_cpu *c, uint64_t lo, uint64_t hi)
{
	uint64_t ipa;

	if (sim_va_to_ipa(c, lo, &ipa))
		sim_drop_code(c, ipa, ipa + (hi - lo));
	else
		uc_ctl_flush_tb(c->uc);
	sim_forget_code(c);
}

/*
 * No instruction now in the block can have made the access: the guest
 * rewrote code Unicorn had already translated and Unicorn ran the old
 * translation (it does not always notice such a write; a guest whose stack
 * runs down through its own vectors does this). Hardware may also run
 * stale instructions when no IC IVAU was done. The access still aborts:
 * it is reported without a syndrome at the block start (a guess, counted
 * and warned about), the stale translation is dropped, and from then on
 * every instruction records its PC.
 */
static bool stale_block(struct sim_cpu *c, uint64_t *pc)
{
	if (c->blk_end <= c->blk_start) {
		sim_fail(c, "a data abort outside any block at %#llx",
			 (unsigned long long)c->blk_start);
		return false;
	}
	c->st.pc_guesses++;
	drop_block(c, c->blk_start, c->blk_end);
	sim_forget_code(c); /* code changed */
	*pc = c->blk_start;
	return true;
}

/* The IPA of the first byte of access d (at ea) in the refused page of
 * Unicorn's at page_va, IPA page_ipa: the access may have started in the
 * page before and crossed into it. */
static uint64_t refused_byte_ipa(uint64_t ea, uint64_t page_va,
				 uint64_t page_ipa)
{
	return ea - page_va < UC_PAGE ? page_ipa + (ea - page_va) : page_ipa;
}

void sim_data_abort(struct sim_cpu *c)
{
	/* Static for the frame's size, as above: used only before the exit
	 * to the core (another engine's abort may reuse it meanwhile). */
	static uint64_t x[32];
	static struct a64_ldst precise_d;
	bool write = is_write_fault(c->fault.type);
	bool at_insn = c->fault.at_insn, was_precise = c->cfg.precise;
	uint64_t ipa = c->fault.addr, pc = 0, far, ea_ipa = 0;
	const struct a64_ldst *d = NULL; /* the access, if decoded */
	bool have_ea_ipa;		 /* ... and the IPA of its first byte */
	uint32_t insn = 0, iss = 0;
	bool need_refill;
	unsigned fsc;
	enum exit_action act;

	regs_pull(c);
	memcpy(x, c->v->regs.x, sizeof(c->v->regs.x));
	x[31] = c->pulled_sp;
	if (was_precise) {
		pc = c->cur_pc;
	} else if (at_insn) {
		pc = c->shadow.pc;
		sim_give_back_time(c, pc);
	} else {
		uint64_t guesses = c->st.pc_guesses;

		s2w_lookup(&c->s2, ipa, &fault_walk);
		/* Not stale: the block's decode is that of the words memory
		 * holds now, the faulting one's included. */
		if (!find_faulting_insn(c, x, ipa, write, &pc, &d, &ea_ipa) &&
		    !stale_block(c, &pc))
			return;
		/* The time of the block's unexecuted rest goes back first:
		 * in precise mode there is none to give back, so switching
		 * before would leave it counted. */
		sim_give_back_time(c, pc);
		if (c->st.pc_guesses != guesses)
			sim_go_precise(c);
	}
	/* The search translated the access it found. */
	have_ea_ipa = d != NULL;
	if ((was_precise || at_insn) && sim_read_insn(c, pc, &insn) &&
	    a64_decode_ldst(insn, &precise_d)) {
		uint64_t ea = a64_ldst_ea(&precise_d, x, pc);

		d = &precise_d;
		if (at_insn)
			ipa = refused_byte_ipa(ea, c->fault.page_va, ipa);
		if (at_insn && ea - c->fault.page_va < UC_PAGE) {
			/* The fill hook translated this page already. */
			ea_ipa = ipa;
			have_ea_ipa = true;
		} else {
			have_ea_ipa = sim_va_to_ipa(c, ea, &ea_ipa);
		}
	}
	if (was_precise || at_insn)
		s2w_lookup(&c->s2, ipa, &fault_walk);
	c->wfe_armed = false;
	fsc = classify_walk(&fault_walk, (unsigned)c->fault.size,
			    write ? S2W_W : S2W_R, &need_refill);
	if (need_refill) {
		sim_pcpu.now--; /* the access is retried, not trapped */
		c->v->regs.pc = pc;
		regs_push(c, c->shadow.pc);
		refill(c, ipa);
		return;
	}
	far = ipa;
	if (d) {
		uint64_t ea = a64_ldst_ea(d, x, pc);

		iss = a64_ldst_iss(d) & ~(uint32_t)A64_ISS_DABT_WNR;
		far = ea;
		if (have_ea_ipa &&
		    (ea_ipa & ~(PAGE - 1)) != (ipa & ~(PAGE - 1)))
			far = ((ea + PAGE) & ~(PAGE - 1)) | (ipa & (PAGE - 1));
	}
	iss |= (write ? A64_ISS_DABT_WNR : 0) | fsc;
	act = sim_core_exit(c, a64_esr(A64_EC_DABT_LOW, iss), far,
			    (ipa >> 12) << 4, pc);
	regs_push(c, c->shadow.pc);
	sim_finish_trap(c, act);
}

/*
 * The fill hook refused an access because no region maps its IPA (c->s2f):
 * Unicorn stopped at the instruction with the registers from before it, so
 * the abort needs no search for the instruction.
 */
void sim_s2_fill_abort(struct sim_cpu *c)
{
	c->s2f.valid = false;
	if (sim_hook_budget(c))
		return;
	c->fault.valid = true;
	c->fault.size = 0; /* the decode gives it */
	c->fault.at_insn = true;
	c->fault.page_va = c->s2f.va;
	if (c->s2f.acc == S1W_FETCH) {
		uint64_t pc = uc_get(c, UC_ARM64_REG_PC);

		c->fault.type = UC_MEM_FETCH_UNMAPPED;
		c->fault.addr = c->s2f.ipa + (pc - c->s2f.va);
		sim_insn_abort(c);
	} else {
		c->fault.type = c->s2f.acc == S1W_WRITE ? UC_MEM_WRITE_UNMAPPED
							: UC_MEM_READ_UNMAPPED;
		c->fault.addr = c->s2f.ipa;
		sim_data_abort(c);
	}
	c->fault.at_insn = false;
}

void sim_insn_abort(struct sim_cpu *c)
{
	uint64_t ipa = c->fault.addr, va;
	bool need_refill;
	unsigned fsc;
	enum exit_action act;

	regs_pull(c);
	va = c->v->regs.pc;
	c->wfe_armed = false;
	fsc = classify(c, ipa, 4, S2W_X, &need_refill);
	if (need_refill) {
		refill(c, ipa);
		return;
	}
	act = sim_core_exit(c, a64_esr(A64_EC_IABT_LOW, fsc), va,
			    (ipa >> 12) << 4, va);
	regs_push(c, c->shadow.pc);
	sim_finish_trap(c, act);
}

/* DCZID_EL0.BS: log2 of the block size in 4-byte words. */
static uint64_t dc_zva_block_size(struct sim_cpu *c)
{
	uint64_t dczid = 4; /* 64 bytes, what a Cortex-A57 reports */

	uc_cp_read(c, A64_SR_DCZID_EL0, &dczid);
	return 4ull << (dczid & 0xfu);
}

/*
 * DC ZVA zeroes the naturally aligned block holding Xt as a set of byte
 * stores (Arm ARM, "DC ZVA"): for Stage-2 it is a write, and its abort
 * has ISV = 0, CM = 0, WnR = 1, with FAR the address in Xt. Unicorn would
 * fault at some byte of the block from inside a helper, which the block
 * search cannot attribute to the instruction, so the sim checks the block
 * before Unicorn runs it. A block Stage-2 allows is left to Unicorn.
 */
bool sim_dc_zva_abort(struct sim_cpu *c, uint64_t va, uint64_t *esr,
		      uint64_t *far, uint64_t *hpfar)
{
	uint64_t size = dc_zva_block_size(c), ipa;
	bool allowed;
	unsigned fsc;

	if (!sim_va_to_ipa(c, va & ~(size - 1), &ipa))
		return false; /* a Stage-1 fault: Unicorn's (not modelled) */
	fsc = classify(c, ipa, (unsigned)size, S2W_W, &allowed);
	if (allowed)
		return false;
	*esr = a64_esr(A64_EC_DABT_LOW, A64_ISS_DABT_WNR | fsc);
	*far = va;
	*hpfar = (ipa >> 12) << 4;
	return true;
}

/* Cache maintenance by VA (op0 1, CRn 7): a fault on one has CM set,
 * except DC ZVA (CRm 4), which is a store. */
#define DC_ZVA_CRM 4u
static bool is_dc_by_va(uint32_t insn)
{
	return (insn & 0xfff80000u) == 0xd5080000u &&
	       ((insn >> 12) & 0xfu) == 7u;
}

/*
 * The address a data access at pc faulted at: its effective address, or
 * the start of the page the fill was for when the access crosses into it
 * (the first byte that faults).
 */
static uint64_t s1_far(struct sim_cpu *c, uint64_t pc, uint64_t page, bool *cm)
{
	struct a64_ldst d;
	uint32_t insn = 0;
	uint64_t x[32], ea;

	*cm = false;
	regs_pull(c);
	memcpy(x, c->v->regs.x, sizeof(c->v->regs.x));
	x[31] = c->pulled_sp;
	if (!sim_read_insn(c, pc, &insn))
		return page;
	if (a64_decode_ldst(insn, &d))
		ea = a64_ldst_ea(&d, x, pc);
	else if (is_dc_by_va(insn))
		ea = x[insn & 31u], *cm = ((insn >> 8) & 0xfu) != DC_ZVA_CRM;
	else
		return page;
	return (ea & ~(UC_PAGE - 1)) == page ? ea : page;
}

void sim_s1_abort(struct sim_cpu *c)
{
	struct s1w_result *r = &c->s1f.res;
	uint64_t pc = uc_get(c, UC_ARM64_REG_PC), far;
	bool fetch = c->s1f.acc == S1W_FETCH, cm = false;
	uint32_t iss;
	unsigned ec;

	c->s1f.valid = false;
	if (sim_hook_budget(c))
		return;
	c->wfe_armed = false;
	sim_give_back_time(c, pc);
	far = fetch ? pc : s1_far(c, pc, c->s1f.va, &cm);
	if (r->status == S1W_FAULT_S2) {
		enum exit_action act;

		/* The walk's read of a table: Stage-2 reports the table's
		 * IPA, the VA being translated, S1PTW; no syndrome. */
		iss = A64_ISS_DABT_S1PTW | s1w_fsc(r);
		act = sim_sync_exit(
		    c, a64_esr(fetch ? A64_EC_IABT_LOW : A64_EC_DABT_LOW, iss),
		    far, (r->s2_ipa >> 12) << 4, pc);
		regs_push(c, pc);
		sim_finish_trap(c, act);
		return;
	}
	if (fetch) {
		ec = c->s1f.el0 ? A64_EC_IABT_LOW : A64_EC_IABT_CUR;
		iss = s1w_fsc(r);
	} else {
		ec = c->s1f.el0 ? A64_EC_DABT_LOW : A64_EC_DABT_CUR;
		/* ISV is 0 for an abort taken to EL1; a cache maintenance
		 * by VA reports CM and WnR. */
		iss = s1w_fsc(r) |
		      (c->s1f.acc == S1W_WRITE || cm ? A64_ISS_DABT_WNR : 0u) |
		      (cm ? A64_ISS_DABT_CM : 0u);
	}
	sim_enter_el1(c, false, a64_esr(ec, iss), true, far, pc);
}
