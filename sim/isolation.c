/*
 * The isolation checker. Each registered VM keeps the result of its last
 * walk: its valid leaves (IPA -> PA, 4 KiB, 2 MiB or 1 GiB) sorted by PA,
 * and the physical pages its tables live in, as the walker read them (so
 * the table pages are known without asking the core or its pool). A change
 * re-walks only the VM(s) it may concern and checks them against the
 * others' last walks; Stage-2 changes are rare, and a walk of a VM whose
 * RAM is mapped with blocks reads a few tables.
 */
#include "isolation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal.h"
#include "s2walk.h"

#define ISO_PAGE 4096ull
#define ISO_MSG_MAX 256

struct leaf {
	uint64_t pa, size, ipa;
};

struct iso_vm {
	bool used;
	bool live; /* had a Stage-2 at its last walk */
	uint16_t vmid;
	sim_iso_regs_fn regs;
	void *ctx;
	struct leaf *leaves;
	size_t nleaves, leaf_cap;
	uint64_t max_leaf; /* the largest leaf, to bound overlap searches */
	uint64_t *tables;  /* table page PAs, sorted, unique */
	size_t ntables, table_cap;
	bool oom;
};

struct range {
	uint64_t pa, size;
	const char *what;
	uint32_t mask;
};

static bool enabled;
static struct iso_vm vms[SIM_ISO_MAX_VMS];
static struct range hyp[SIM_ISO_MAX_RANGES], shared[SIM_ISO_MAX_RANGES];
static size_t nhyp, nshared;
static struct sim_iso_stats stats;
static char first[ISO_MSG_MAX];

static void vm_free(struct iso_vm *v)
{
	free(v->leaves);
	free(v->tables);
	memset(v, 0, sizeof(*v));
}

void sim_iso_reset(void)
{
	for (unsigned i = 0; i < SIM_ISO_MAX_VMS; i++)
		vm_free(&vms[i]);
	enabled = false;
	nhyp = nshared = 0;
	memset(&stats, 0, sizeof(stats));
	first[0] = '\0';
}

void sim_iso_enable(bool on)
{
	enabled = on;
}

bool sim_iso_enabled(void)
{
	return enabled;
}

int sim_iso_add_vm(unsigned id, sim_iso_regs_fn regs, void *ctx)
{
	if (id >= SIM_ISO_MAX_VMS || !regs || vms[id].used)
		return -1;
	vms[id].used = true;
	vms[id].regs = regs;
	vms[id].ctx = ctx;
	return 0;
}

static int add_range(struct range *r, size_t *n, uint64_t pa, uint64_t size,
		     const char *what, uint32_t mask)
{
	if (*n == SIM_ISO_MAX_RANGES || size == 0 || pa + size < pa)
		return -1;
	r[*n] = (struct range){pa, size, what, mask};
	(*n)++;
	return 0;
}

int sim_iso_add_hyp_range(uint64_t pa, uint64_t size, const char *what)
{
	return add_range(hyp, &nhyp, pa, size, what ? what : "hypervisor", 0);
}

int sim_iso_add_shared(uint64_t pa, uint64_t size, uint32_t vm_mask)
{
	return add_range(shared, &nshared, pa, size, NULL, vm_mask);
}

const struct sim_iso_stats *sim_iso_stats(void)
{
	return &stats;
}

const char *sim_iso_first_violation(void)
{
	return first;
}

static unsigned long report(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static unsigned long report(const char *fmt, ...)
{
	va_list ap;

	if (stats.violations++ == 0) {
		va_start(ap, fmt);
		vsnprintf(first, sizeof(first), fmt, ap);
		va_end(ap);
	}
	return 1;
}

/* --- walking ----------------------------------------------------------- */

static bool grow(void **p, size_t *cap, size_t n, size_t elem)
{
	size_t c;
	void *q;

	if (n < *cap)
		return true;
	c = *cap ? *cap * 2 : 64;
	q = realloc(*p, c * elem);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

/* Every descriptor the walker reads lies in a table page of this VM. */
static bool read_desc(void *ctx, uint64_t pa, uint64_t *val)
{
	struct iso_vm *v = ctx;
	const uint64_t *p = hal_pa_to_va(pa, 8);
	uint64_t page = pa & ~(ISO_PAGE - 1);

	if (!p)
		return false;
	if (v->ntables == 0 || v->tables[v->ntables - 1] != page) {
		if (grow((void **)&v->tables, &v->table_cap, v->ntables,
			 sizeof(*v->tables)))
			v->tables[v->ntables++] = page;
		else
			v->oom = true;
	}
	*val = *p;
	return true;
}

static bool add_leaf(void *arg, const struct s2w_result *r)
{
	struct iso_vm *v = arg;

	if (!grow((void **)&v->leaves, &v->leaf_cap, v->nleaves,
		  sizeof(*v->leaves))) {
		v->oom = true;
		return false;
	}
	v->leaves[v->nleaves++] =
	    (struct leaf){r->pa, r->leaf_size, r->leaf_ipa};
	if (r->leaf_size > v->max_leaf)
		v->max_leaf = r->leaf_size;
	return true;
}

static int cmp_leaf(const void *a, const void *b)
{
	const struct leaf *x = a, *y = b;

	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	return (x->ipa > y->ipa) - (x->ipa < y->ipa);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Re-walk VM id; returns the violations the walk itself shows. */
static unsigned long walk(unsigned id)
{
	struct iso_vm *v = &vms[id];
	struct s2w_cfg c;
	struct s2w_stats st;
	uint64_t vttbr, vtcr;
	size_t n = 0;

	v->nleaves = v->ntables = 0;
	v->max_leaf = 0;
	v->oom = false;
	v->live = v->regs(v->ctx, &vttbr, &vtcr);
	if (!v->live)
		return 0;
	stats.walks++;
	v->vmid = (uint16_t)(vttbr >> 48);
	if (!s2w_config(&c, vtcr, vttbr, read_desc, v))
		return report("VM %u: VTTBR %#llx / VTCR %#llx is not a "
			      "Stage-2 the reference walker accepts",
			      id, (unsigned long long)vttbr,
			      (unsigned long long)vtcr);
	s2w_scan(&c, add_leaf, v, &st);
	/* qsort's array may not be NULL, even with nothing to sort. */
	if (v->nleaves)
		qsort(v->leaves, v->nleaves, sizeof(*v->leaves), cmp_leaf);
	if (v->ntables)
		qsort(v->tables, v->ntables, sizeof(*v->tables), cmp_u64);
	for (size_t i = 0; i < v->ntables; i++)
		if (n == 0 || v->tables[n - 1] != v->tables[i])
			v->tables[n++] = v->tables[i];
	v->ntables = n;
	if (v->oom)
		return report("VM %u: out of host memory walking Stage-2", id);
	if (st.bad || st.shared)
		return report("VM %u: malformed Stage-2 (%lu bad descriptors "
			      "or unreadable tables, %lu table pages linked "
			      "twice)",
			      id, st.bad, st.shared);
	return 0;
}

/* --- checks ------------------------------------------------------------ */

static bool overlap(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	return a < b + bsz && b < a + asz;
}

/* First leaf of v that may overlap PA pa: leaves are sorted by PA and none
 * is bigger than max_leaf. */
static size_t first_candidate(const struct iso_vm *v, uint64_t pa)
{
	uint64_t from = pa > v->max_leaf ? pa - v->max_leaf : 0;
	size_t lo = 0, hi = v->nleaves;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->leaves[mid].pa < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static unsigned long check_hyp(unsigned x)
{
	const struct iso_vm *v = &vms[x];
	unsigned long n = 0;

	for (size_t i = 0; i < v->nleaves; i++) {
		const struct leaf *l = &v->leaves[i];

		for (size_t r = 0; r < nhyp; r++)
			if (overlap(l->pa, l->size, hyp[r].pa, hyp[r].size))
				n += report(
				    "PA %#llx..%#llx (%s) is mapped "
				    "into VM %u at IPA %#llx",
				    (unsigned long long)l->pa,
				    (unsigned long long)(l->pa + l->size - 1),
				    hyp[r].what, x, (unsigned long long)l->ipa);
	}
	return n;
}

/* First of n sorted pages at or above pa. */
static size_t lower_bound(const uint64_t *pages, size_t n, uint64_t pa)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pages[mid] < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Leaves of VM x over the table pages of VM t. */
static unsigned long check_leaves_tables(unsigned x, unsigned t)
{
	const struct iso_vm *v = &vms[x], *tv = &vms[t];
	unsigned long n = 0;

	for (size_t i = 0; i < v->nleaves; i++) {
		const struct leaf *l = &v->leaves[i];
		size_t j = lower_bound(tv->tables, tv->ntables, l->pa);

		if (j < tv->ntables && tv->tables[j] - l->pa < l->size)
			n += report(
			    "PA %#llx, a Stage-2 table page of VM %u, "
			    "is mapped into VM %u at IPA %#llx",
			    (unsigned long long)tv->tables[j], t, x,
			    (unsigned long long)(l->ipa +
						 (tv->tables[j] - l->pa)));
	}
	return n;
}

static unsigned long check_tables_tables(unsigned x, unsigned y)
{
	const struct iso_vm *a = &vms[x], *b = &vms[y];
	unsigned long n = 0;
	size_t i = 0, j = 0;

	while (i < a->ntables && j < b->ntables) {
		if (a->tables[i] < b->tables[j]) {
			i++;
		} else if (b->tables[j] < a->tables[i]) {
			j++;
		} else {
			n += report("PA %#llx is a Stage-2 table page of both "
				    "VM %u and VM %u",
				    (unsigned long long)a->tables[i], x, y);
			i++;
			j++;
		}
	}
	return n;
}

/* Is [lo, hi) inside ranges declared shared by (at least) the VMs in mask?
 * If not, *gap is the first PA that is not. */
static bool shared_covers(uint64_t lo, uint64_t hi, uint32_t mask,
			  uint64_t *gap)
{
	while (lo < hi) {
		size_t r;

		for (r = 0; r < nshared; r++)
			if ((shared[r].mask & mask) == mask &&
			    shared[r].pa <= lo &&
			    lo - shared[r].pa < shared[r].size)
				break;
		if (r == nshared) {
			*gap = lo;
			return false;
		}
		lo = shared[r].pa + shared[r].size;
	}
	return true;
}

static unsigned long check_leaves_leaves(unsigned x, unsigned y)
{
	const struct iso_vm *a = &vms[x], *b = &vms[y];
	uint32_t mask = (1u << x) | (1u << y);
	unsigned long n = 0;

	for (size_t i = 0; i < a->nleaves; i++) {
		const struct leaf *l = &a->leaves[i];

		for (size_t j = first_candidate(b, l->pa);
		     j < b->nleaves && b->leaves[j].pa < l->pa + l->size; j++) {
			const struct leaf *m = &b->leaves[j];
			uint64_t lo = l->pa > m->pa ? l->pa : m->pa;
			uint64_t hi = l->pa + l->size < m->pa + m->size
					  ? l->pa + l->size
					  : m->pa + m->size;
			uint64_t gap;

			if (lo >= hi || shared_covers(lo, hi, mask, &gap))
				continue;
			n += report(
			    "PA %#llx is mapped into VM %u at IPA "
			    "%#llx and into VM %u at IPA %#llx, not "
			    "declared shared",
			    (unsigned long long)gap, x,
			    (unsigned long long)(l->ipa + (gap - l->pa)), y,
			    (unsigned long long)(m->ipa + (gap - m->pa)));
		}
	}
	return n;
}

/* VM x against everything; full: every VM is checked in turn, so each
 * symmetric pair is checked once, from its lower id. */
static unsigned long check_vm(unsigned x, bool full)
{
	unsigned long n;

	if (!vms[x].live)
		return 0;
	n = check_hyp(x) + check_leaves_tables(x, x);
	for (unsigned y = 0; y < SIM_ISO_MAX_VMS; y++) {
		if (y == x || !vms[y].live)
			continue;
		n += check_leaves_tables(x, y);
		if (!full)
			n += check_leaves_tables(y, x);
		if (!full || y > x)
			n += check_tables_tables(x, y) +
			     check_leaves_leaves(x, y);
	}
	return n;
}

unsigned long sim_iso_check_all(void)
{
	unsigned long n = 0;

	stats.checks++;
	for (unsigned i = 0; i < SIM_ISO_MAX_VMS; i++)
		if (vms[i].used)
			n += walk(i);
	for (unsigned i = 0; i < SIM_ISO_MAX_VMS; i++)
		if (vms[i].used)
			n += check_vm(i, true);
	return n;
}

void sim_iso_any_changed(void)
{
	if (enabled)
		sim_iso_check_all();
}

void sim_iso_vmid_changed(uint16_t vmid)
{
	bool rewalked[SIM_ISO_MAX_VMS] = {false};

	if (!enabled)
		return;
	stats.checks++;
	/* Walk first, check after: a VM that is gone must not be checked
	 * against, whatever its place in the list. */
	for (unsigned i = 0; i < SIM_ISO_MAX_VMS; i++) {
		struct iso_vm *v = &vms[i];
		uint64_t vttbr, vtcr;
		bool now;

		if (!v->used)
			continue;
		now = v->regs(v->ctx, &vttbr, &vtcr);
		if (!now && !v->live)
			continue;
		/* Its VMID, before or now; a VM without a Stage-2 any more
		 * (destroyed) drops its leaves. */
		if (!now || (uint16_t)(vttbr >> 48) == vmid ||
		    (v->live && v->vmid == vmid)) {
			walk(i);
			rewalked[i] = true;
		}
	}
	for (unsigned i = 0; i < SIM_ISO_MAX_VMS; i++)
		if (rewalked[i])
			check_vm(i, false);
}
