/*
 * Loading a guest per the Linux arm64 boot protocol: validate the Image
 * header (or accept a raw binary at RAM base + 0x80000), place the image and
 * a DTB in guest RAM, and reset vCPU 0 to enter it with x0 = DTB.
 */
#ifndef HV_VM_BOOT_H
#define HV_VM_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

#define IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 0x38 */
#define IMAGE_RAW_OFFSET 0x80000u
#define GUEST_DTB_MAX 0x200000u /* the protocol's 2 MiB limit */

struct guest_image {
	bool is_linux;	      /* had a valid arm64 Image header */
	uint64_t text_offset; /* where in RAM the image goes */
	uint64_t image_size;  /* bytes of RAM the image needs */
};

/* Classify an image. A buffer with the Image magic must have a sane header
 * (see boot.c); one without it is a raw binary. Errors: HV_EINVAL for a
 * header that lies (size beyond limits, misaligned offset), too-small
 * buffers, or empty input. 'why' (if non-NULL) gets a static reason. */
int image_probe(const void *img, size_t len, struct guest_image *out,
		const char **why);

struct guest_boot_args {
	const void *image;
	size_t image_len;
	const void *dtb; /* NULL: generate one for this VM */
	size_t dtb_len;
	const char *bootargs; /* /chosen/bootargs for a generated DTB */
	const void *initrd;   /* NULL: none */
	size_t initrd_len;
};

struct guest_boot_info {
	struct guest_image img;
	uint64_t entry_ipa;
	uint64_t dtb_ipa;
	uint64_t dtb_size;
	uint64_t initrd_ipa; /* 0: no initrd */
	uint64_t initrd_size;
};

/* Load into vm's RAM and reset vCPU 0 (others stay off for PSCI CPU_ON).
 * The DTB pages are mapped read-only and execute-never in Stage-2. An
 * initrd goes right below the DTB, page-aligned, and /chosen says where
 * (linux,initrd-start/end). */
int vm_boot_guest(struct vm *vm, const struct guest_boot_args *args,
		  struct guest_boot_info *info, const char **why);

#endif
