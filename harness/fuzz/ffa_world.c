#include "ffa_world.h"

#include <string.h>

#include "exit.h"
#include "ffa/ffa.h"
#include "fz.h"
#include "hv.h"
#include "isolation.h"
#include "s2walk.h"
#include "sim_hal.h"
#include "trap/handlers.h"
#include "vcpu_req.h"

#define FW_POOL_PA 0x10000000ull
#define FW_POOL_PAGES 256u

static uint8_t ram[FW_VMS][FW_RAM_SIZE] __attribute__((aligned(4096)));
static uint8_t pool_mem[FW_POOL_PAGES * 4096] __attribute__((aligned(4096)));
static struct page_pool pool;

static bool regs_of(void *ctx, uint64_t *vttbr, uint64_t *vtcr)
{
	struct vm *const *slot = ctx;

	if (!*slot || !(*slot)->in_use || !(*slot)->s2.root)
		return false;
	*vttbr = stage2_vttbr(&(*slot)->s2);
	*vtcr = stage2_vtcr();
	return true;
}

static void create(struct fw *w, unsigned i)
{
	struct vm_config cfg = {FW_RAM_PA(i), FW_RAM_SIZE, 1, false};
	int err = -1;

	w->vm[i] = vm_create(&cfg, &pool, &err);
	FZ_CHECK(w->vm[i] != NULL, "vm_create %u: %d", i, err);
	vcpu_reset(&w->vm[i]->vcpus[0], FW_RAM_IPA, 0);
}

void fw_setup(struct fw *w, unsigned nvms)
{
	memset(w, 0, sizeof(*w));
	w->n = nvms;
	sim_hal_reset();
	FZ_CHECK(hv_init() == 0, "hv_init");
	FZ_CHECK(sim_phys_add(FW_POOL_PA, pool_mem, sizeof(pool_mem)) == 0,
		 "phys");
	FZ_CHECK(page_pool_init(&pool, pool_mem, FW_POOL_PA, FW_POOL_PAGES) ==
		     0,
		 "pool");
	/* Not on every Stage-2 change: fw_check runs the full check after
	 * every call, which is what a guest can observe. */
	sim_iso_enable(false);
	FZ_CHECK(sim_iso_add_hyp_range(FW_POOL_PA, sizeof(pool_mem), "pool") ==
		     0,
		 "iso");
	for (unsigned i = 0; i < nvms; i++) {
		memset(ram[i], 0, FW_RAM_SIZE);
		FZ_CHECK(sim_phys_add(FW_RAM_PA(i), ram[i], FW_RAM_SIZE) == 0,
			 "phys");
		/* Any VM may map any VM's RAM page (FF-A moves them); which
		 * one may is what fw_check compares with the table. The
		 * isolation checker keeps the rest: no table page and no
		 * hypervisor page in a VM, no malformed table. */
		FZ_CHECK(sim_iso_add_shared(FW_RAM_PA(i), FW_RAM_SIZE,
					    (1u << nvms) - 1) == 0,
			 "iso");
		FZ_CHECK(sim_iso_add_vm(i, regs_of, &w->vm[i]) == 0, "iso");
		create(w, i);
	}
	fw_check(w);
}

void fw_teardown(struct fw *w)
{
	for (unsigned i = 0; i < w->n; i++) {
		vm_destroy(w->vm[i]);
		w->vm[i] = NULL;
	}
	/* Every VM gone: the table must be empty again. */
	FZ_CHECK(ffa_owner_table()->used == 0 &&
		     ffa_owner_table()->nregions == 0,
		 "ownership table keeps %zu pages after every VM left",
		 ffa_owner_table()->used);
	sim_hal_reset();
}

void fw_recreate(struct fw *w, unsigned i)
{
	vm_destroy(w->vm[i]);
	w->vm[i] = NULL;
	fw_check(w);
	create(w, i);
}

uint8_t *fw_ram(unsigned i, uint64_t ipa)
{
	return ram[i] + (ipa - FW_RAM_IPA);
}

static bool walk_cfg(const struct vm *vm, struct s2w_cfg *c)
{
	return vm &&
	       s2w_config(c, stage2_vtcr(), stage2_vttbr(&vm->s2), NULL, NULL);
}

/* VM's translation of ipa by the reference walker: mapped or not. */
static bool look(const struct s2w_cfg *c, uint64_t ipa, uint64_t *pa,
		 uint8_t *perm)
{
	struct s2w_result r;

	s2w_lookup(c, ipa, &r);
	FZ_CHECK(r.status == S2W_OK || r.status == S2W_FAULT_TRANSLATION,
		 "walk of 0x%llx: status %d", (unsigned long long)ipa,
		 (int)r.status);
	if (r.status != S2W_OK)
		return false;
	*pa = r.pa;
	*perm = r.perm;
	return true;
}

static bool count_leaf(void *arg, const struct s2w_result *leaf)
{
	*(uint64_t *)arg += leaf->leaf_size / 4096;
	return true;
}

void fw_check(const struct fw *w)
{
	const struct owner_table *t = ffa_owner_table();
	struct s2w_cfg cfg[FW_VMS];
	bool live[FW_VMS] = {false};
	uint64_t expect[FW_VMS] = {0};

	for (unsigned v = 0; v < w->n; v++)
		live[v] = walk_cfg(w->vm[v], &cfg[v]);
	/* Table to Stage-2: every registered page is mapped exactly where
	 * the table says, by exactly whom it says. */
	for (unsigned g = 0; g < t->nregions; g++) {
		const struct owner_region *rg = &t->regions[g];

		for (uint64_t k = 0; k < rg->npages; k++) {
			const struct owner_entry *e =
			    &t->entries[rg->first + k];
			uint64_t pa = rg->pa + k * 4096, got, ipa;
			uint8_t perm;

			ipa = (uint64_t)e->ipa_pfn << 12;
			for (unsigned v = 0; v < w->n; v++) {
				unsigned id = v + 1;
				bool own =
				    e->owner == id && e->state != OWNER_ST_LENT;
				bool buf = e->owner == OWNER_HYP &&
					   (e->borrowers & (1u << id));
				bool borrow = e->owner != OWNER_HYP &&
					      (e->borrowers & (1u << id));
				bool m;

				if (!live[v])
					continue;
				FZ_CHECK(!(e->owner == id && borrow),
					 "VM %u borrows its own page", id);
				if (own || buf) {
					m = look(&cfg[v], ipa, &got, &perm);
					FZ_CHECK(m && got == pa,
						 "VM %u: page 0x%llx not at "
						 "its IPA 0x%llx",
						 id, (unsigned long long)pa,
						 (unsigned long long)ipa);
					FZ_CHECK(buf || perm == e->owner_perm,
						 "VM %u: owner perm %u != %u",
						 id, perm, e->owner_perm);
					expect[v]++;
				}
				if (ipa != FW_WINDOW(pa) || !own) {
					m = look(&cfg[v], FW_WINDOW(pa), &got,
						 &perm);
					FZ_CHECK(m == borrow,
						 "VM %u: window of 0x%llx "
						 "mapped %d, borrows %d",
						 id, (unsigned long long)pa, m,
						 borrow);
					FZ_CHECK(!m || (got == pa &&
							!(perm & S2W_X)),
						 "VM %u: borrowed 0x%llx "
						 "wrong: 0x%llx perm %u",
						 id, (unsigned long long)pa,
						 (unsigned long long)got, perm);
					expect[v] += m;
				}
			}
		}
	}
	/* Stage-2 to table: nothing else is mapped (a VM whose RAM is not
	 * registered maps all of it). */
	for (unsigned v = 0; v < w->n; v++) {
		uint64_t n = 0;
		struct s2w_stats st;

		if (!live[v])
			continue;
		if (!t->s2[v + 1])
			expect[v] += FW_RAM_PAGES;
		FZ_CHECK(s2w_scan(&cfg[v], count_leaf, &n, &st),
			 "VM %u: malformed Stage-2", v + 1);
		FZ_CHECK(n == expect[v],
			 "VM %u maps %llu pages, the table accounts for %llu",
			 v + 1, (unsigned long long)n,
			 (unsigned long long)expect[v]);
	}
	FZ_CHECK(sim_iso_check_all() == 0, "isolation: %s",
		 sim_iso_first_violation());
}

const uint64_t *fw_call(struct fw *w, unsigned i, const uint64_t x[8])
{
	struct vcpu *v = &w->vm[i]->vcpus[0];
	enum exit_action act;
	uint32_t x0;

	/* As the scheduler would before running it: what was posted to it
	 * (a direct message) lands in its registers. A vCPU still waiting
	 * for a message does not run, so it makes no call. */
	if (atomic_load(&v->req))
		(void)vcpu_apply_requests(v);
	if (v->msg_wait)
		return v->regs.x;
	memcpy(v->regs.x, x, 8 * sizeof(x[0]));
	v->regs.pc = FW_RAM_IPA + 0x1004;
	v->exit.esr = 0x5a000000ull; /* HVC #0 */
	vcpu_note_clear(v);
	act = hv_handle_sync(v);
	/* MSG_WAIT and a direct request/response wait for a message. */
	FZ_CHECK(act == EXIT_RESUME ||
		     (act == EXIT_WFI && fz_ffa_may_wait((uint32_t)x[0])),
		 "HVC 0x%x: action %d", (unsigned)x[0], act);
	if (act == EXIT_WFI) {
		FZ_CHECK(v->msg_wait, "HVC 0x%x waits, not for a message",
			 (unsigned)x[0]);
		return v->regs.x;
	}
	x0 = (uint32_t)v->regs.x[0];
	if (ffa_owns_fid((uint32_t)x[0]) && (x[0] & (1u << 31)) &&
	    (uint32_t)x[0] != FFA_VERSION) {
		/* Also a wait's answers: FFA_RUN (MSG_WAIT after an
		 * indirect message), FFA_INTERRUPT. */
		FZ_CHECK(x0 == FFA_SUCCESS || x0 == FFA_SUCCESS_64 ||
			     x0 == FFA_ERROR || x0 == FFA_MEM_RETRIEVE_RESP ||
			     x0 == FFA_MEM_FRAG_RX || x0 == FFA_RUN ||
			     x0 == FFA_INTERRUPT,
			 "FF-A call 0x%x answered 0x%x", (unsigned)x[0], x0);
		if (x0 == FFA_ERROR) {
			int32_t e = (int32_t)v->regs.x[2];

			FZ_CHECK(e == -1 || e == -2 || e == -3 || e == -4 ||
				     e == -6,
				 "FF-A status %d", e);
		}
	}
	fw_check(w);
	return v->regs.x;
}
