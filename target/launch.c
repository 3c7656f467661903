/*
 * Reading the launch descriptor. It comes from the runner, not from the
 * guest, but it is checked as carefully: every address must stay in its
 * staging window so a bad descriptor cannot point the loader at the
 * hypervisor itself.
 */
#include <stdbool.h>
#include <stddef.h>

#include "launch.h"
#include "lib/mem.h"
#include "vm/vm.h"

/* harness/qemu-run packs this layout with Python's struct module. */
_Static_assert(sizeof(struct launch_desc) == 1104, "launch_desc layout");
_Static_assert(offsetof(struct launch_desc, initrd_pa) == 64, "initrd");
_Static_assert(offsetof(struct launch_desc, bootargs) == 80, "bootargs");

static bool within(uint64_t pa, uint64_t size, uint64_t win, uint64_t win_size)
{
	return pa >= win && size <= win_size && pa - win <= win_size - size;
}

int launch_read(uint64_t ram_base, uint64_t ram_size,
		struct launch_request *req, const char **why)
{
	const struct launch_desc *d =
	    (const struct launch_desc *)(uintptr_t)LAUNCH_DESC_PA;
	uint64_t ram_end = ram_base + ram_size;

	memset(req, 0, sizeof(*req));
	if (!within(LAUNCH_DESC_PA, sizeof(*d), ram_base, ram_size) ||
	    !within(LAUNCH_GUEST_RAM_PA, 1, ram_base, ram_size)) {
		*why =
		    "RAM does not cover the staging area (run QEMU with -m 1G)";
		return -1;
	}
	if (d->magic != LAUNCH_MAGIC) {
		*why = "no launch descriptor at 0x44000000 (start guests with "
		       "harness/qemu-run)";
		return -1;
	}
	if (d->version != LAUNCH_VERSION || d->size != sizeof(*d)) {
		*why = "launch descriptor version/size mismatch (rebuild)";
		return -1;
	}
	if (d->image_size == 0 || !within(d->image_pa, d->image_size,
					  LAUNCH_IMAGE_PA, LAUNCH_IMAGE_MAX)) {
		*why =
		    "guest image missing or outside its 60 MiB staging window";
		return -1;
	}
	if (d->dtb_size &&
	    !within(d->dtb_pa, d->dtb_size, LAUNCH_DTB_PA, LAUNCH_DTB_MAX)) {
		*why = "guest DTB outside its 2 MiB staging window";
		return -1;
	}
	if (d->initrd_size &&
	    (!within(d->initrd_pa, d->initrd_size, LAUNCH_INITRD_PA,
		     LAUNCH_INITRD_MAX) ||
	     !within(d->initrd_pa, d->initrd_size, ram_base, ram_size))) {
		*why = "initrd outside its 256 MiB staging window at "
		       "0x80000000, or beyond RAM (qemu-run sizes -m for it)";
		return -1;
	}
	if (!memchr(d->bootargs, '\0', sizeof(d->bootargs))) {
		*why = "bootargs not NUL-terminated";
		return -1;
	}
	req->ram_size = d->ram_size ? d->ram_size : LAUNCH_GUEST_RAM_DEFAULT;
	req->ram_pa = LAUNCH_GUEST_RAM_PA;
	if (req->ram_size % 0x200000 ||
	    req->ram_size > ram_end - LAUNCH_GUEST_RAM_PA) {
		*why =
		    "guest RAM size not a multiple of 2 MiB or beyond host RAM";
		return -1;
	}
	req->nvcpus = d->nvcpus ? d->nvcpus : 1;
	if (req->nvcpus > VM_MAX_VCPUS) {
		*why = "too many vCPUs requested";
		return -1;
	}
	req->image = (const void *)(uintptr_t)d->image_pa;
	req->image_size = d->image_size;
	req->dtb = d->dtb_size ? (const void *)(uintptr_t)d->dtb_pa : NULL;
	req->dtb_size = d->dtb_size;
	req->initrd =
	    d->initrd_size ? (const void *)(uintptr_t)d->initrd_pa : NULL;
	req->initrd_size = d->initrd_size;
	req->flags = d->flags;
	req->bootargs = d->bootargs;
	return 0;
}
