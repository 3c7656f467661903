/* Image header validation, guest loading and the generated DTB. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hv_err.h"
#include "test_vm.h"
#include "vm/boot.h"
#include "vm/guest_dtb.h"

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void make_image(uint8_t *img, size_t len, uint64_t text_offset,
		       uint64_t image_size, uint64_t flags)
{
	memset(img, 0x11, len);
	put64(img + 8, text_offset);
	put64(img + 16, image_size);
	put64(img + 24, flags);
	memcpy(img + 0x38, "ARM\x64", 4);
}

static void probe_linux_and_raw(void **state)
{
	uint8_t img[256];
	struct guest_image gi;
	const char *why = NULL;

	(void)state;
	make_image(img, sizeof(img), 0x80000, 0x4000, 0);
	assert_int_equal(image_probe(img, sizeof(img), &gi, &why), 0);
	assert_true(gi.is_linux);
	assert_int_equal(gi.text_offset, 0x80000);
	assert_int_equal(gi.image_size, 0x4000);

	make_image(img, sizeof(img), 0, 0, 0); /* pre-3.17 header */
	assert_int_equal(image_probe(img, sizeof(img), &gi, &why), 0);
	assert_int_equal(gi.text_offset, 0x80000);
	assert_int_equal(gi.image_size, sizeof(img));

	memset(img, 0, sizeof(img)); /* no magic: raw binary */
	assert_int_equal(image_probe(img, 8, &gi, &why), 0);
	assert_false(gi.is_linux);
	assert_int_equal(gi.text_offset, 0x80000);
	assert_int_equal(gi.image_size, 8);
}

static void probe_rejects_lying_headers(void **state)
{
	uint8_t img[256];
	struct guest_image gi;
	const char *why = NULL;

	(void)state;
	memset(img, 0, sizeof(img));
	assert_int_equal(image_probe(img, 0, &gi, &why), HV_EINVAL);
	assert_int_equal(image_probe(NULL, 10, &gi, &why), HV_EINVAL);
	make_image(img, sizeof(img), 0x80000, 0x4000, 1); /* big-endian */
	assert_int_equal(image_probe(img, sizeof(img), &gi, &why), HV_EINVAL);
	assert_non_null(why);
	make_image(img, sizeof(img), 0x80001, 0x4000, 0);
	assert_int_equal(image_probe(img, sizeof(img), &gi, &why), HV_EINVAL);
	make_image(img, sizeof(img), 0x200000, 0x4000, 0);
	assert_int_equal(image_probe(img, sizeof(img), &gi, &why), HV_EINVAL);
	make_image(img, sizeof(img), 0x80000, 16, 0); /* smaller than file */
	assert_int_equal(image_probe(img, sizeof(img), &gi, &why), HV_EINVAL);
}

static void boot_loads_image_and_dtb(void **state)
{
	struct test_vm *t = *state;
	uint8_t img[512];
	struct guest_boot_args a = {
	    .image = img, .image_len = sizeof(img), .bootargs = "storm=42"};
	struct guest_boot_info bi;
	struct s2_attrs attrs;
	const char *why = NULL;
	const void *fdt;
	int chosen, len;
	const char *args;

	make_image(img, sizeof(img), 0x80000, 0x10000, 0);
	memset(t->ram + 0x80000 + sizeof(img), 0xee, 64); /* stale BSS */
	assert_int_equal(vm_boot_guest(t->vm, &a, &bi, &why), 0);
	/* RAM at IPA 0x40000000 + text_offset */
	assert_int_equal(bi.entry_ipa, 0x40080000);
	assert_memory_equal(t->ram + 0x80000, img, sizeof(img));
	assert_int_equal(t->ram[0x80000 + sizeof(img)], 0); /* BSS cleared */
	/* The last 2 MiB of the 16 MiB of RAM. */
	assert_int_equal(bi.dtb_ipa, 0x40e00000);

	/* vCPU 0 enters the image with x0 = DTB, EL1h, DAIF masked; vCPU 1
	 * waits for CPU_ON. */
	assert_int_equal(t->v->regs.pc, bi.entry_ipa);
	assert_int_equal(t->v->regs.x[0], bi.dtb_ipa);
	assert_int_equal(t->v->regs.pstate, 0x3c5);
	assert_int_equal(t->vm->vcpus[1].power, VCPU_POWER_OFF);

	fdt = t->ram + (bi.dtb_ipa - TEST_RAM_IPA);
	assert_int_equal(fdt_check_header(fdt), 0);
	assert_int_equal(fdt_totalsize(fdt), bi.dtb_size);
	chosen = fdt_path_offset(fdt, "/chosen");
	assert_true(chosen >= 0);
	args = fdt_getprop(fdt, chosen, "bootargs", &len);
	assert_string_equal(args, "storm=42");
	assert_true(fdt_path_offset(fdt, "/cpus/cpu@1") >= 0);
	assert_true(fdt_path_offset(fdt, "/pl011@9000000") >= 0);
	assert_true(fdt_path_offset(fdt, "/scratch@b000000") >= 0);
	assert_string_equal(
	    fdt_getprop(fdt, fdt_path_offset(fdt, "/psci"), "method", &len),
	    "hvc");

	/* The DTB is read-only and execute-never for the guest. */
	assert_int_equal(
	    stage2_lookup(&t->vm->s2, bi.dtb_ipa, NULL, &attrs, NULL), 0);
	assert_int_equal(attrs.perm, S2_PERM_R);
	assert_int_equal(
	    stage2_lookup(&t->vm->s2, bi.entry_ipa, NULL, &attrs, NULL), 0);
	assert_int_equal(attrs.perm, S2_PERM_R | S2_PERM_W | S2_PERM_X);
}

/* A property of 32-bit cells equals want[0..n). */
static void expect_cells(const void *fdt, const char *path, const char *prop,
			 const uint32_t *want, int n)
{
	int node = fdt_path_offset(fdt, path), len = -1;
	const fdt32_t *got;

	assert_true(node >= 0);
	got = fdt_getprop(fdt, node, prop, &len);
	assert_non_null(got);
	assert_int_equal(len, n * 4);
	for (int i = 0; i < n; i++)
		assert_int_equal(fdt32_to_cpu(got[i]), want[i]);
}

/* The generated DTB against the README's guest map and the DT bindings:
 * reg is <addr-hi addr-lo size-hi size-lo>, a GIC interrupt is <type number
 * flags> with type 0 = SPI, 1 = PPI (number = INTID - 32 or - 16). */
static void dtb_describes_the_guest_map(void **state)
{
	struct test_vm *t = *state;
	uint8_t img[64] = {0};
	struct guest_boot_args a = {.image = img, .image_len = sizeof(img)};
	struct guest_boot_info bi;
	const char *why = NULL;
	const void *fdt;

	assert_int_equal(vm_boot_guest(t->vm, &a, &bi, &why), 0);
	fdt = t->ram + (bi.dtb_ipa - TEST_RAM_IPA);
	/* PL011 at 0x09000000, one 4 KiB page, INTID 33 (SPI 1) level-high */
	expect_cells(fdt, "/pl011@9000000", "reg",
		     (const uint32_t[]){0, 0x09000000, 0, 0x1000}, 4);
	expect_cells(fdt, "/pl011@9000000", "interrupts",
		     (const uint32_t[]){0, 1, 4}, 3);
	/* PL031 at 0x09010000, INTID 34 (SPI 2) level-high, on the AMBA
	 * bus like QEMU's: "arm,pl031" then "arm,primecell", and the
	 * apb_pclk clock the bus enables before probing. */
	expect_cells(fdt, "/pl031@9010000", "reg",
		     (const uint32_t[]){0, 0x09010000, 0, 0x1000}, 4);
	expect_cells(fdt, "/pl031@9010000", "interrupts",
		     (const uint32_t[]){0, 2, 4}, 3);
	{
		static const char compat[] = "arm,pl031\0arm,primecell";
		int node = fdt_path_offset(fdt, "/pl031@9010000"), len = -1;
		const void *p = fdt_getprop(fdt, node, "compatible", &len);
		const fdt32_t *clk;

		assert_int_equal(len, sizeof(compat));
		assert_memory_equal(p, compat, sizeof(compat));
		assert_string_equal(fdt_getprop(fdt, node, "clock-names", NULL),
				    "apb_pclk");
		clk = fdt_getprop(fdt, node, "clocks", &len);
		assert_int_equal(len, 4);
		assert_int_equal(
		    fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(clk[0])),
		    fdt_path_offset(fdt, "/apb-pclk"));
	}
	/* GICv3: 64 KiB distributor, 128 KiB of redistributor per vCPU */
	expect_cells(fdt, "/intc@8000000", "reg",
		     (const uint32_t[]){0, 0x08000000, 0, 0x10000, 0,
					0x080a0000, 0, 2 * 0x20000},
		     8);
	expect_cells(fdt, "/intc@8000000", "#interrupt-cells",
		     (const uint32_t[]){3}, 1);
	/* 16 MiB of RAM at 0x40000000 */
	expect_cells(fdt, "/memory@40000000", "reg",
		     (const uint32_t[]){0, 0x40000000, 0, 0x01000000}, 4);
	expect_cells(fdt, "/scratch@b000000", "reg",
		     (const uint32_t[]){0, 0x0b000000, 0, 0x1000}, 4);
	/* Timer PPIs in binding order: secure phys 13 (INTID 29), phys 14
	 * (30), virt 11 (27), hyp 10 (26). */
	{
		int node = fdt_path_offset(fdt, "/timer"), len = -1;
		const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
		static const uint32_t ppi[4] = {13, 14, 11, 10};

		assert_non_null(irq);
		assert_int_equal(len, 12 * 4);
		for (int i = 0; i < 4; i++) {
			assert_int_equal(fdt32_to_cpu(irq[3 * i]), 1);
			assert_int_equal(fdt32_to_cpu(irq[3 * i + 1]), ppi[i]);
		}
	}
	/* CPU reg is MPIDR Aff0: 0 and 1 */
	expect_cells(fdt, "/cpus/cpu@1", "reg", (const uint32_t[]){1}, 1);
}

static void boot_adopts_user_dtb(void **state)
{
	struct test_vm *t = *state;
	uint8_t img[64], user[4096];
	struct guest_boot_args a = {.image = img,
				    .image_len = sizeof(img),
				    .dtb = user,
				    .dtb_len = sizeof(user),
				    .bootargs = "x=1"};
	struct guest_boot_info bi;
	const char *why = NULL;
	const void *fdt;
	int len;

	memset(img, 0, sizeof(img));
	assert_int_equal(fdt_create_empty_tree(user, sizeof(user)), 0);
	assert_int_equal(vm_boot_guest(t->vm, &a, &bi, &why), 0);
	fdt = t->ram + (bi.dtb_ipa - TEST_RAM_IPA);
	assert_string_equal(
	    fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", &len),
	    "x=1");

	memset(user, 0xab, sizeof(user)); /* garbage is refused */
	why = NULL;
	assert_int_equal(vm_boot_guest(t->vm, &a, &bi, &why), HV_EINVAL);
	assert_non_null(why);
}

static uint64_t chosen_u64(const void *fdt, const char *prop)
{
	int len;
	const void *p =
	    fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), prop, &len);
	fdt64_t v;

	assert_non_null(p);
	assert_int_equal(len, 8);
	/* Properties are only 4-byte aligned in a DTB. */
	memcpy(&v, p, sizeof(v));
	return fdt64_to_cpu(v);
}

/* The initrd lands page-aligned right below the DTB and /chosen says
 * where, as 64-bit linux,initrd-start/end (booting.rst, chosen.yaml). */
static void boot_places_initrd_below_the_dtb(void **state)
{
	struct test_vm *t = *state;
	static uint8_t img[512], initrd[10000];
	struct guest_boot_args a = {.image = img,
				    .image_len = sizeof(img),
				    .initrd = initrd,
				    .initrd_len = sizeof(initrd)};
	struct guest_boot_info bi;
	const char *why = NULL;
	const void *fdt;

	make_image(img, sizeof(img), 0x80000, 0x10000, 0);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 7);
	assert_int_equal(vm_boot_guest(t->vm, &a, &bi, &why), 0);
	/* DTB at 0x40e00000; 10000 bytes below it, rounded down to 4 KiB. */
	assert_int_equal(bi.initrd_ipa, 0x40dfd000);
	assert_memory_equal(t->ram + 0xdfd000, initrd, sizeof(initrd));
	fdt = t->ram + (bi.dtb_ipa - TEST_RAM_IPA);
	assert_int_equal(fdt_totalsize(fdt), bi.dtb_size);
	assert_int_equal(chosen_u64(fdt, "linux,initrd-start"), 0x40dfd000);
	assert_int_equal(chosen_u64(fdt, "linux,initrd-end"), 0x40dff710);
}

static void boot_refuses_an_initrd_over_the_image(void **state)
{
	struct test_vm *t = *state;
	static uint8_t img[256], initrd[64];
	struct guest_boot_args a = {.image = img,
				    .image_len = sizeof(img),
				    .initrd = initrd,
				    .initrd_len = 0x200000};
	const char *why = NULL;

	/* Image ends at 0x40080000 + 13 MiB = 0x40d80000; the DTB is at
	 * 0x40e00000: 512 KiB between them, too little for 2 MiB. */
	make_image(img, sizeof(img), 0x80000, 13 << 20, 0);
	assert_int_equal(vm_boot_guest(t->vm, &a, NULL, &why), HV_EINVAL);
	assert_non_null(why);
}

/* Linux erases /chosen kaslr-seed and rng-seed in place; the guest's DTB
 * is read-only, so an adopted DTB loses them. */
static void adopted_dtb_drops_random_seeds(void **state)
{
	struct test_vm *t = *state;
	static uint8_t img[64], user[4096];
	struct guest_boot_args a = {.image = img,
				    .image_len = sizeof(img),
				    .dtb = user,
				    .dtb_len = sizeof(user)};
	struct guest_boot_info bi;
	const char *why = NULL;
	const void *fdt;
	int chosen, len;

	assert_int_equal(fdt_create_empty_tree(user, sizeof(user)), 0);
	chosen = fdt_add_subnode(user, 0, "chosen");
	assert_true(chosen >= 0);
	assert_int_equal(fdt_setprop_u64(user, chosen, "kaslr-seed", 42), 0);
	assert_int_equal(fdt_setprop_u64(user, chosen, "rng-seed", 7), 0);
	assert_int_equal(fdt_setprop_string(user, chosen, "bootargs", "q"), 0);
	assert_int_equal(vm_boot_guest(t->vm, &a, &bi, &why), 0);
	fdt = t->ram + (bi.dtb_ipa - TEST_RAM_IPA);
	chosen = fdt_path_offset(fdt, "/chosen");
	assert_null(fdt_getprop(fdt, chosen, "kaslr-seed", &len));
	assert_null(fdt_getprop(fdt, chosen, "rng-seed", &len));
	assert_string_equal(fdt_getprop(fdt, chosen, "bootargs", &len), "q");
}

static void boot_refuses_images_that_do_not_fit(void **state)
{
	struct test_vm *t = *state;
	uint8_t img[256];
	struct guest_boot_args a = {.image = img, .image_len = sizeof(img)};
	const char *why = NULL;

	/* 16 MiB of RAM minus the DTB's 2 MiB cannot hold 15 MiB + offset. */
	make_image(img, sizeof(img), 0x80000, 15 << 20, 0);
	assert_int_equal(vm_boot_guest(t->vm, &a, NULL, &why), HV_EINVAL);
	assert_non_null(why);
}

static void dtb_too_small_buffer(void **state)
{
	struct test_vm *t = *state;
	uint8_t buf[256];

	assert_int_equal(guest_dtb_build(t->vm, NULL, buf, sizeof(buf)),
			 HV_ENOMEM);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, test_vm_setup_smp,                  \
					test_vm_teardown_state)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(probe_linux_and_raw),
	    cmocka_unit_test(probe_rejects_lying_headers),
	    T(boot_loads_image_and_dtb),
	    T(dtb_describes_the_guest_map),
	    T(boot_adopts_user_dtb),
	    T(boot_places_initrd_below_the_dtb),
	    T(boot_refuses_an_initrd_over_the_image),
	    T(adopted_dtb_drops_random_seeds),
	    T(boot_refuses_images_that_do_not_fit),
	    T(dtb_too_small_buffer),
	};
	return cmocka_run_group_tests_name("boot", tests, NULL, NULL);
}
