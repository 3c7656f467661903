/*
 * Page ownership: who owns each 4 KiB physical page the hypervisor manages,
 * and who borrows it. Every memory transaction (FF-A share/lend/donate,
 * relinquish, reclaim) goes through here, so the table and the Stage-2
 * tables never disagree.
 *
 * One entry per page, from the owner's point of view: its owner (0 = the
 * hypervisor, 1..HV_MAX_VMS = a VM), its state (owned exclusive, owned but
 * shared, lent), the VMs borrowing it (a bitmap) and where the owner maps
 * it. A borrower's view (borrowed exclusive / shared) follows from the
 * same entry (owner_state_of), so there is no second copy to go stale.
 *
 * Every transaction is all or nothing over its list of ranges: every page
 * is checked first and an error changes nothing; then the Stage-2 changes
 * are made (the lender's mappings removed before the borrowers' are added,
 * so no page is ever mapped by two VMs that were not meant to share it);
 * if one fails (out of table pages) those already made are undone; the
 * table is written last, only once every Stage-2 change has succeeded.
 *
 * Storage is the caller's (an array of entries sized at init): the core
 * has no allocator.
 */
#ifndef HV_MM_OWNER_H
#define HV_MM_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/stage2.h"
#include "vm/vm.h"

#define OWNER_HYP 0u
#define OWNER_MAX_ID HV_MAX_VMS /* VM owner ids are 1..OWNER_MAX_ID */
#define OWNER_MAX_REGIONS 8	/* registered physical ranges */
#define OWNER_TX_MAX_RANGES 8	/* ranges in one transaction */

enum owner_state {
	OWNER_ST_NONE = 0, /* the page is not this id's (owner_state_of) */
	OWNER_ST_OWNED_EXCLUSIVE,
	OWNER_ST_OWNED_SHARED, /* owner keeps its mapping; borrowers map too */
	OWNER_ST_LENT,	       /* unmapped from the owner while borrowed */
	OWNER_ST_BORROWED_EXCLUSIVE, /* lent to this VM alone */
	OWNER_ST_BORROWED_SHARED,    /* shared, or lent to several VMs */
};

/* FF-A maps these to INVALID_PARAMETERS, DENIED and NO_MEMORY. */
enum owner_err {
	OWNER_OK = 0,
	OWNER_E_INVALID = -1,	/* malformed: alignment, size, overflow,
				   overlap, unknown id, bad permissions */
	OWNER_E_DENIED = -2,	/* well formed but not allowed: not the
				   caller's page, wrong state, still borrowed */
	OWNER_E_NO_MEMORY = -3, /* Stage-2 ran out of table pages */
};

struct owner_entry {
	uint32_t ipa_pfn;   /* owner's IPA >> 12 (unused for the hypervisor) */
	uint8_t owner;	    /* 0 = hypervisor, 1.. = VM */
	uint8_t state;	    /* OWNER_ST_OWNED_* or OWNER_ST_LENT */
	uint8_t borrowers;  /* bit n: VM id n holds the page */
	uint8_t owner_perm; /* owner's S2_PERM_*, restored on reclaim */
};

struct owner_region {
	uint64_t pa, npages;
	unsigned owner; /* who it was registered to */
	size_t first;	/* index of its first entry */
};

struct owner_table {
	struct owner_entry *entries;
	size_t max_entries, used;
	struct owner_region regions[OWNER_MAX_REGIONS];
	unsigned nregions;
	struct stage2 *s2[OWNER_MAX_ID + 1]; /* [id]: NULL for 0 / unknown */
	/* Undo steps that themselves failed (cannot happen while the pool
	 * keeps what the undone steps gave back); kept to be observable. */
	unsigned long rollback_failures;
};

/* A transaction range: physical pages [pa, pa+size) and the IPA where the
 * borrowers (donate: the new owner; relinquish: the borrower) map them.
 * reclaim ignores ipa. */
struct owner_range {
	uint64_t pa, size, ipa;
};

int owner_init(struct owner_table *t, struct owner_entry *entries,
	       size_t max_entries);
/* VM id (1..OWNER_MAX_ID) translates through s2. */
int owner_add_vm(struct owner_table *t, unsigned id, struct stage2 *s2);
/* Registers [pa, pa+size), owned exclusively by owner and mapped by it at
 * ipa (ignored for OWNER_HYP) with perm. Must not overlap another region. */
int owner_add_region(struct owner_table *t, unsigned owner, uint64_t pa,
		     uint64_t size, uint64_t ipa, uint8_t perm);

/* The VM's buffer pages (its RX/TX) become the hypervisor's, shared with
 * the VM, which keeps its mapping: no transaction can name them. Every
 * page must be the VM's, exclusively, mapped at r.ipa. release undoes it.
 * Neither changes a Stage-2. */
int owner_hyp_claim(struct owner_table *t, unsigned vm,
		    const struct owner_range *r, size_t n);
int owner_hyp_release(struct owner_table *t, unsigned vm,
		      const struct owner_range *r, size_t n);
/* Forgets VM id: its regions leave the table (entries after them move
 * down) and the pages donated to it become the hypervisor's. The VM must
 * be quiet: no page of it shared, lent or borrowed (DENIED otherwise,
 * nothing changed). A region of which some page was donated away stays,
 * its remaining pages the hypervisor's. */
int owner_remove_vm(struct owner_table *t, unsigned id);

/* Two-step share/lend (FF-A maps a borrower when it retrieves): offer
 * marks owner's pages shared (its mapping kept) or lent (unmapped), with
 * no borrower yet; add_borrower then maps them into borrower at r.ipa
 * with perm (within the owner's), one borrower at a time. owner_reclaim
 * takes an offer back once no borrower is left, owner_relinquish removes
 * one. Both all or nothing, like the rest. */
int owner_offer(struct owner_table *t, unsigned owner,
		const struct owner_range *r, size_t n, bool lend);
int owner_add_borrower(struct owner_table *t, unsigned owner, unsigned borrower,
		       const struct owner_range *r, size_t n, uint8_t perm);

/* owner keeps its mapping; each VM in borrowers (bitmask of ids) maps the
 * pages at range.ipa with perm, which must be within owner's own. */
int owner_share(struct owner_table *t, unsigned owner, uint32_t borrowers,
		const struct owner_range *r, size_t n, uint8_t perm);
/* As share, but the pages are unmapped from owner first. */
int owner_lend(struct owner_table *t, unsigned owner, uint32_t borrowers,
	       const struct owner_range *r, size_t n, uint8_t perm);
/* Ownership moves to new_owner, which maps the pages at range.ipa with perm
 * (within the old owner's); the old owner loses them. */
int owner_donate(struct owner_table *t, unsigned owner, unsigned new_owner,
		 const struct owner_range *r, size_t n, uint8_t perm);
/* borrower gives back the pages it maps at range.ipa. */
int owner_relinquish(struct owner_table *t, unsigned borrower,
		     const struct owner_range *r, size_t n);
/* owner takes back shared or lent pages no VM borrows any more; lent pages
 * are mapped back where and as they were. */
int owner_reclaim(struct owner_table *t, unsigned owner,
		  const struct owner_range *r, size_t n);

/* Retires the hypervisor's own pages (exclusive, unborrowed) for good:
 * their owner becomes OWNER_RETIRED, which no transaction names, and the
 * region holding them is never removed, so nobody can be given them again.
 * FF-A retires memory the secure world may still hold. No Stage-2 change
 * (the hypervisor's pages are in no VM's). All or nothing, DENIED if a
 * page is not the hypervisor's exclusively. */
#define OWNER_RETIRED 0xffu
int owner_retire(struct owner_table *t, const struct owner_range *r, size_t n);

/* The entry of page pa (page aligned), or NULL if not registered. */
const struct owner_entry *owner_entry_of(const struct owner_table *t,
					 uint64_t pa);
/* State of page pa as id sees it (OWNER_ST_NONE: not its own or
 * borrowed by it, or not registered). */
enum owner_state owner_state_of(const struct owner_table *t, unsigned id,
				uint64_t pa);

#endif
