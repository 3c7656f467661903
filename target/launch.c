/*
 * Reading the launch descriptor. It comes from the runner, not from the
 * guest, but it is checked as carefully: every address must stay in its
 * VM's staging window so a bad descriptor cannot point the loader at the
 * hypervisor itself or at another VM's memory.
 */
#include <stdbool.h>
#include <stddef.h>

#include "launch.h"
#include "lib/mem.h"
#include "vm/vm.h"

/* harness/qemu-run packs this layout with Python's struct module. */
_Static_assert(sizeof(struct launch_vm) == 1088, "launch_vm layout");
_Static_assert(offsetof(struct launch_vm, ram_size) == 56, "ram_size");
_Static_assert(offsetof(struct launch_vm, bootargs) == 64, "bootargs");
_Static_assert(offsetof(struct launch_desc, vm) == 24, "vm[]");
_Static_assert(sizeof(struct launch_desc) == 24 + 4 * 1088, "launch_desc");
_Static_assert(LAUNCH_MAX_VMS <= HV_MAX_VMS, "a VM for every entry");

static bool within(uint64_t pa, uint64_t size, uint64_t win, uint64_t win_size)
{
	return pa >= win && size <= win_size && pa - win <= win_size - size;
}

/* Where VM n's staging and RAM may be. */
struct vm_windows {
	uint64_t dtb, dtb_max, image, image_max, initrd, initrd_max;
	uint64_t ram, ram_max;
};

static void windows(unsigned n, uint64_t ram_end, struct vm_windows *w)
{
	uint64_t b;

	if (n == 0) {
		/* VM 0's RAM may run up to the initrd window. */
		uint64_t top =
		    ram_end < LAUNCH_INITRD_PA ? ram_end : LAUNCH_INITRD_PA;

		*w = (struct vm_windows){
		    .dtb = LAUNCH_DTB_PA,
		    .dtb_max = LAUNCH_DTB_MAX,
		    .image = LAUNCH_IMAGE_PA,
		    .image_max = LAUNCH_IMAGE_MAX,
		    .initrd = LAUNCH_INITRD_PA,
		    .initrd_max = LAUNCH_INITRD_MAX,
		    .ram = LAUNCH_GUEST_RAM_PA,
		    .ram_max = top - LAUNCH_GUEST_RAM_PA,
		};
		return;
	}
	b = launch_vmn_base(n);
	*w = (struct vm_windows){
	    .dtb = b + LAUNCH_VMN_DTB_OFF,
	    .dtb_max = LAUNCH_DTB_MAX,
	    .image = b + LAUNCH_VMN_IMAGE_OFF,
	    .image_max = LAUNCH_VMN_IMAGE_MAX,
	    .initrd = b + LAUNCH_VMN_INITRD_OFF,
	    .initrd_max = LAUNCH_VMN_INITRD_MAX,
	    .ram = b + LAUNCH_VMN_RAM_OFF,
	    .ram_max = LAUNCH_VMN_RAM_MAX,
	};
}

static int read_vm(const struct launch_vm *d, unsigned n, uint64_t ram_base,
		   uint64_t ram_size, struct launch_vm_req *req,
		   const char **why)
{
	struct vm_windows w;

	windows(n, ram_base + ram_size, &w);
	if (d->image_size == 0 ||
	    !within(d->image_pa, d->image_size, w.image, w.image_max) ||
	    !within(d->image_pa, d->image_size, ram_base, ram_size)) {
		*why = "guest image missing or outside its staging window";
		return -1;
	}
	if (d->dtb_size &&
	    (!within(d->dtb_pa, d->dtb_size, w.dtb, w.dtb_max) ||
	     !within(d->dtb_pa, d->dtb_size, ram_base, ram_size))) {
		*why = "guest DTB outside its 2 MiB staging window";
		return -1;
	}
	if (d->initrd_size &&
	    (!within(d->initrd_pa, d->initrd_size, w.initrd, w.initrd_max) ||
	     !within(d->initrd_pa, d->initrd_size, ram_base, ram_size))) {
		*why = "initrd outside its staging window, or beyond RAM "
		       "(qemu-run sizes -m for it)";
		return -1;
	}
	if (!memchr(d->bootargs, '\0', sizeof(d->bootargs))) {
		*why = "bootargs not NUL-terminated";
		return -1;
	}
	req->ram_size = d->ram_size ? d->ram_size : LAUNCH_GUEST_RAM_DEFAULT;
	req->ram_pa = w.ram;
	if (req->ram_size % 0x200000 ||
	    !within(req->ram_pa, req->ram_size, w.ram, w.ram_max) ||
	    !within(req->ram_pa, req->ram_size, ram_base, ram_size)) {
		*why = "guest RAM size not a multiple of 2 MiB, beyond its "
		       "window or beyond host RAM";
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

int launch_read(uint64_t ram_base, uint64_t ram_size,
		struct launch_request *req, const char **why, unsigned *bad_vm)
{
	const struct launch_desc *d =
	    (const struct launch_desc *)(uintptr_t)LAUNCH_DESC_PA;

	memset(req, 0, sizeof(*req));
	*bad_vm = 0;
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
	if (d->nvms == 0 || d->nvms > LAUNCH_MAX_VMS) {
		*why = "launch descriptor asks for no VM or too many";
		return -1;
	}
	req->nvms = d->nvms;
	for (unsigned n = 0; n < d->nvms; n++) {
		*bad_vm = n;
		if (read_vm(&d->vm[n], n, ram_base, ram_size, &req->vm[n], why))
			return -1;
	}
	return 0;
}
