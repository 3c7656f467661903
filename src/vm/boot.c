/*
 * The Linux arm64 boot protocol (Documentation/arch/arm64/booting.rst):
 * image at a 2 MiB-aligned RAM base + text_offset, DTB 8-byte aligned and
 * at most 2 MiB, x0 = DTB, MMU off, EL1h with interrupts masked.
 */
#include <libfdt.h>

#include "hv_err.h"
#include "lib/mem.h"
#include "vm/boot.h"
#include "vm/guest_dtb.h"
#include "vm/vm.h"

#define IMAGE_HEADER_SIZE 64u
#define IMAGE_FLAG_BE (1ull << 0)
#define SZ_2M 0x200000ull

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le64((const uint8_t[8]){p[0], p[1], p[2], p[3]});
}

static int reject(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return HV_EINVAL;
}

int image_probe(const void *img, size_t len, struct guest_image *out,
		const char **why)
{
	const uint8_t *h = img;
	uint64_t text_offset, image_size, flags;

	if (!img || len == 0)
		return reject(why, "empty image");
	if (len < IMAGE_HEADER_SIZE || le32(h + 0x38) != IMAGE_MAGIC) {
		out->is_linux = false;
		out->text_offset = IMAGE_RAW_OFFSET;
		out->image_size = len;
		return HV_OK;
	}
	text_offset = le64(h + 0x08);
	image_size = le64(h + 0x10);
	flags = le64(h + 0x18);
	if (image_size == 0) {
		/* Kernels before 3.17 leave image_size zero and mean 0x80000.
		 */
		text_offset = IMAGE_RAW_OFFSET;
		image_size = len;
	}
	if (flags & IMAGE_FLAG_BE)
		return reject(why, "big-endian kernel image");
	if (text_offset >= SZ_2M || text_offset % 4096)
		return reject(why, "bad text_offset in image header");
	if (image_size < len)
		return reject(why, "image header image_size smaller than file");
	out->is_linux = true;
	out->text_offset = text_offset;
	out->image_size = image_size;
	return HV_OK;
}

/* The DTB goes in the last 2 MiB-aligned 2 MiB of RAM, clear of the image. */
static int place_dtb(const struct vm *vm, const struct guest_image *img,
		     uint64_t *ipa, const char **why)
{
	uint64_t end = vm->ram_ipa + vm->ram_size;
	uint64_t at = (end - SZ_2M) & ~(SZ_2M - 1);

	if (vm->ram_size < 2 * SZ_2M || at < vm->ram_ipa ||
	    vm->ram_ipa + img->text_offset + img->image_size > at)
		return reject(why, "guest RAM too small for image and DTB");
	*ipa = at;
	return HV_OK;
}

/* The initrd sits right below the DTB, page-aligned, clear of the image
 * and its BSS (booting.rst: anywhere in RAM the kernel does not occupy). */
static int place_initrd(const struct vm *vm, const struct guest_boot_info *bi,
			size_t len, uint64_t *ipa, const char **why)
{
	uint64_t image_end =
	    vm->ram_ipa + bi->img.text_offset + bi->img.image_size;

	if (len > bi->dtb_ipa - image_end)
		return reject(why, "guest RAM too small for image, initrd and "
				   "DTB");
	*ipa = (bi->dtb_ipa - len) & ~(uint64_t)(PAGE_SIZE - 1);
	if (*ipa < image_end)
		return reject(why, "guest RAM too small for image, initrd and "
				   "DTB");
	return HV_OK;
}

static int install_dtb(struct vm *vm, const struct guest_boot_args *a,
		       uint64_t ipa, uint64_t *size, const char **why)
{
	void *dst = vm_ipa_to_hva(vm, ipa, GUEST_DTB_MAX);
	int err;

	if (!dst)
		return reject(why, "DTB area not in guest RAM");
	if (!a->dtb)
		err = guest_dtb_build(vm, a->bootargs, dst, GUEST_DTB_MAX);
	/* The whole tree, not just the header: the guest parses all of it,
	 * and a corrupt block can survive fdt_open_into and fdt_pack. */
	else if (a->dtb_len < sizeof(struct fdt_header) ||
		 fdt_check_full(a->dtb, a->dtb_len) != 0)
		return reject(why,
			      "DTB file is not a valid flattened device tree");
	else
		err = guest_dtb_adopt(a->dtb, a->bootargs, dst, GUEST_DTB_MAX);
	if (err != HV_OK)
		return reject(why, "DTB does not fit in 2 MiB");
	*size = fdt_totalsize(dst);
	return HV_OK;
}

int vm_boot_guest(struct vm *vm, const struct guest_boot_args *a,
		  struct guest_boot_info *info, const char **why)
{
	struct guest_boot_info bi = {0};
	void *dst;
	int err = image_probe(a->image, a->image_len, &bi.img, why);

	if (err != HV_OK)
		return err;
	err = place_dtb(vm, &bi.img, &bi.dtb_ipa, why);
	if (err != HV_OK)
		return err;
	bi.entry_ipa = vm->ram_ipa + bi.img.text_offset;
	dst = vm_ipa_to_hva(vm, bi.entry_ipa, bi.img.image_size);
	if (!dst)
		return reject(why, "image does not fit in guest RAM");
	memcpy(dst, a->image, a->image_len);
	/* The part of image_size beyond the file is BSS. */
	memset((uint8_t *)dst + a->image_len, 0,
	       (size_t)(bi.img.image_size - a->image_len));

	if (a->initrd && a->initrd_len) {
		err = place_initrd(vm, &bi, a->initrd_len, &bi.initrd_ipa, why);
		if (err != HV_OK)
			return err;
		dst = vm_ipa_to_hva(vm, bi.initrd_ipa, a->initrd_len);
		if (!dst)
			return reject(why, "initrd does not fit in guest RAM");
		memcpy(dst, a->initrd, a->initrd_len);
		bi.initrd_size = a->initrd_len;
	}
	err = install_dtb(vm, a, bi.dtb_ipa, &bi.dtb_size, why);
	if (err != HV_OK)
		return err;
	if (bi.initrd_size) {
		void *dtb = vm_ipa_to_hva(vm, bi.dtb_ipa, GUEST_DTB_MAX);

		if (guest_dtb_set_initrd(dtb, GUEST_DTB_MAX, bi.initrd_ipa,
					 bi.initrd_ipa + bi.initrd_size) !=
		    HV_OK)
			return reject(why, "DTB has no room for the initrd");
		bi.dtb_size = fdt_totalsize(dtb);
	}
	/* The guest reads its DTB but has no business changing it. */
	err = stage2_protect(&vm->s2, bi.dtb_ipa,
			     (bi.dtb_size + PAGE_SIZE - 1) &
				 ~(uint64_t)(PAGE_SIZE - 1),
			     S2_PERM_R);
	if (err != HV_OK)
		return reject(why, "cannot protect the DTB in Stage-2");

	/* A reset also drops a CPU_ON posted but not yet applied. */
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		vm->vcpus[i].power = VCPU_POWER_OFF;
		vm->vcpus[i].req = 0;
	}
	vcpu_reset(&vm->vcpus[0], bi.entry_ipa, bi.dtb_ipa);
	if (info)
		*info = bi;
	return HV_OK;
}
