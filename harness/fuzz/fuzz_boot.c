/*
 * Loading a guest: the arm64 Image header, the generated guest DTB with
 * any bootargs and VM shape, a user-supplied DTB adopted with bootargs, and
 * the aarch64 port's host DTB parser (target/platform.c). Whatever the
 * input, a call either fails cleanly (an error and a reason) or leaves a
 * DTB that passes fdt_check_full, carries exactly the bootargs given and
 * describes the VM, an image copied to RAM base + text_offset, vCPU 0 at
 * the entry with x0 = DTB, and the DTB read-only in Stage-2 as the sim's
 * walker sees it.
 *
 * Input: mode byte, then per mode: (0) an image; (1) VM shape, bootargs,
 * image; (2) VM shape, bootargs, DTB; (3) a host DTB.
 */
#include <libfdt.h>
#include <stdint.h>
#include <string.h>

#include "fz.h"
#include "hv_err.h"
#include "platform.h"
#include "s2walk.h"
#include "sim_hal.h"
#include "vm/boot.h"

#define BLOB_MAX (64u << 10)

static uint8_t blob[BLOB_MAX] __attribute__((aligned(8)));

static void check_probe(const uint8_t *img, size_t len)
{
	struct guest_image gi;
	const char *why = NULL;
	int rc = image_probe(len ? img : NULL, len, &gi, &why);

	if (rc != HV_OK) {
		FZ_CHECK(rc == HV_EINVAL && why, "image_probe rc %d", rc);
		return;
	}
	FZ_CHECK(gi.text_offset < 0x200000 && gi.text_offset % 4096 == 0 &&
		     gi.image_size >= len,
		 "accepted text_offset 0x%llx image_size 0x%llx for %zu bytes",
		 (unsigned long long)gi.text_offset,
		 (unsigned long long)gi.image_size, len);
	if (!gi.is_linux)
		FZ_CHECK(gi.text_offset == 0x80000 && gi.image_size == len,
			 "raw image placement");
	else
		FZ_CHECK(len >= 64 && !memcmp(img + 0x38, "ARM\x64", 4),
			 "Linux image without the magic");
}

static int count_cpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, n = 0;

	fdt_for_each_subnode(node, fdt, cpus) n++;
	return n;
}

static void check_booted(const struct fz_vm *f, const char *bootargs,
			 const uint8_t *img, size_t img_len, bool generated,
			 const struct guest_boot_info *bi)
{
	const struct vm *vm = f->vm;
	const void *dtb = f->ram + (bi->dtb_ipa - GUEST_RAM_BASE);
	const char *got;
	int chosen, len;
	struct s2w_cfg cfg;
	struct s2w_result r;

	FZ_CHECK(bi->dtb_ipa % 8 == 0 && bi->dtb_size <= GUEST_DTB_MAX &&
		     bi->dtb_ipa >= GUEST_RAM_BASE &&
		     bi->dtb_ipa + bi->dtb_size <=
			 GUEST_RAM_BASE + vm->ram_size,
		 "DTB at 0x%llx+0x%llx", (unsigned long long)bi->dtb_ipa,
		 (unsigned long long)bi->dtb_size);
	FZ_CHECK(bi->entry_ipa == GUEST_RAM_BASE + bi->img.text_offset &&
		     bi->entry_ipa + bi->img.image_size <= bi->dtb_ipa,
		 "image 0x%llx+0x%llx overlaps the DTB at 0x%llx",
		 (unsigned long long)bi->entry_ipa,
		 (unsigned long long)bi->img.image_size,
		 (unsigned long long)bi->dtb_ipa);
	FZ_CHECK(!memcmp(f->ram + bi->img.text_offset, img, img_len),
		 "image not copied");
	FZ_CHECK(vm->vcpus[0].regs.pc == bi->entry_ipa &&
		     vm->vcpus[0].regs.x[0] == bi->dtb_ipa &&
		     vm->vcpus[0].power == VCPU_POWER_ON,
		 "vCPU 0 not at the entry with x0 = DTB");
	FZ_CHECK(fdt_check_full(dtb, bi->dtb_size) == 0,
		 "DTB fails fdt_check_full");
	chosen = fdt_path_offset(dtb, "/chosen");
	got = chosen >= 0 ? fdt_getprop(dtb, chosen, "bootargs", &len) : NULL;
	if (bootargs)
		FZ_CHECK(got && len == (int)strlen(bootargs) + 1 &&
			     !memcmp(got, bootargs, (size_t)len),
			 "bootargs not in the DTB");
	else if (generated)
		FZ_CHECK(!got, "bootargs nobody asked for");
	if (generated)
		FZ_CHECK(count_cpus(dtb) == (int)vm->nvcpus,
			 "%d CPU nodes for %u vCPUs", count_cpus(dtb),
			 vm->nvcpus);
	FZ_CHECK(s2w_config_from_regs(sim_sysreg_get(SYSREG_HCR_EL2),
				      sim_sysreg_get(SYSREG_VTTBR_EL2),
				      sim_sysreg_get(SYSREG_VTCR_EL2), &cfg),
		 "Stage-2 config");
	for (uint64_t off = 0; off < bi->dtb_size; off += PAGE_SIZE) {
		s2w_lookup(&cfg, bi->dtb_ipa + off, &r);
		FZ_CHECK(r.status == S2W_OK && r.perm == S2W_R,
			 "DTB page 0x%llx: fault %d perm %u",
			 (unsigned long long)(bi->dtb_ipa + off), r.status,
			 r.perm);
	}
}

static void boot(struct fz_in *in, bool generated)
{
	uint8_t shape = fz_u8(in), lenb = fz_u8(in);
	uint16_t pages = fz_u16(in);
	struct vm_config cfg = {FZ_RAM_PA, PAGE_SIZE * (1 + pages % 2048u),
				shape % 10u, (shape & 0x80) != 0};
	char bootargs[257];
	struct guest_boot_args args = {0};
	struct guest_boot_info bi;
	const char *why = NULL;
	struct fz_vm f;
	size_t n;
	int rc;

	/* Mostly the RAM a real guest gets; sometimes too little. */
	if (shape & 0x40)
		cfg.ram_size = FZ_RAM_MAX - (pages % 512u) * PAGE_SIZE;
	bootargs[fz_bytes(in, bootargs, lenb)] = '\0';
	n = fz_bytes(in, blob, sizeof(blob));
	args.bootargs = (shape & 0x20) ? NULL : bootargs;
	if (generated) {
		args.image = blob;
		args.image_len = n;
	} else {
		/* A fixed small image; the DTB is the input. */
		args.image = "\x00\x00\x00\x14";
		args.image_len = 4;
		args.dtb = blob;
		args.dtb_len = n;
	}
	if (!fz_vm_setup(&f, &cfg))
		return;
	rc = vm_boot_guest(f.vm, &args, &bi, &why);
	if (rc != HV_OK)
		FZ_CHECK(why && (rc == HV_EINVAL || rc == HV_ENOMEM),
			 "vm_boot_guest failed with rc %d and no reason", rc);
	else
		check_booted(&f, args.bootargs, args.image, args.image_len,
			     generated, &bi);
	fz_vm_teardown(&f);
}

/* The host DTB lives in memory the firmware sized, so the parser gets
 * a buffer at least fdt_totalsize long (the header is all it trusts). */
static void platform(struct fz_in *in)
{
	uint64_t img = 0x40080000ull + (fz_u32(in) & 0xfffff000u);
	size_t n = fz_bytes(in, blob, sizeof(blob));
	struct platform p;
	const char *why = NULL;

	if (n < sizeof(struct fdt_header) || fdt_totalsize(blob) > n)
		return;
	if (platform_parse(blob, img, img + 0x100000, &p, &why) != 0) {
		FZ_CHECK(why != NULL, "platform_parse failed without a reason");
		return;
	}
	FZ_CHECK(p.ram_base <= img && img + 0x100000 <= p.ram_base + p.ram_size,
		 "the RAM bank does not hold the hypervisor");
	FZ_CHECK(p.ncpus >= 1, "no CPUs");
	FZ_CHECK(p.uart_intid < 1020 && p.vtimer_intid < 1020 &&
		     p.hyp_timer_intid < 1020,
		 "INTID out of range");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);

	switch (fz_u8(&in) & 3) {
	case 0:
		check_probe(in.p, in.left);
		break;
	case 1:
		boot(&in, true);
		break;
	case 2:
		boot(&in, false);
		break;
	default:
		platform(&in);
		break;
	}
	return 0;
}
