/*
 * The one page-ownership table of the core, and every VM's RAM in it.
 * Storage is static: FFA_OWNER_MAX_PAGES entries of 8 bytes, 32768 pages
 * (128 MiB of guest RAM over every VM, 256 KiB of table). A VM whose RAM
 * does not fit in what is left is not registered and every FF-A memory
 * ABI answers it DENIED; the rest of FF-A works for it.
 */
#include "ffa/ffa_priv.h"

#define FFA_OWNER_MAX_PAGES 32768u

struct owner_table ffa_owners;
static struct owner_entry entries[FFA_OWNER_MAX_PAGES];
static bool initialised;

const struct owner_table *ffa_owner_table(void)
{
	return &ffa_owners;
}

bool ffa_owner_add(struct vm *vm)
{
	unsigned id = ffa_id_of(vm);

	if (!initialised) {
		owner_init(&ffa_owners, entries, FFA_OWNER_MAX_PAGES);
		initialised = true;
	}
	if (owner_add_vm(&ffa_owners, id, &vm->s2) != OWNER_OK)
		return false;
	/* Mapped RWX, as vm_create maps it. */
	if (owner_add_region(&ffa_owners, id, vm->ram_pa, vm->ram_size,
			     vm->ram_ipa,
			     S2_PERM_R | S2_PERM_W | S2_PERM_X) != OWNER_OK) {
		ffa_owners.s2[id] = NULL;
		return false;
	}
	return true;
}

void ffa_owner_remove(struct vm *vm)
{
	/* Quiet by construction: detach has unwound every transaction and
	 * the buffers before this. */
	owner_remove_vm(&ffa_owners, ffa_id_of(vm));
}
