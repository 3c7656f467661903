/*
 * The isolation checker (sim/isolation.c): two real VMs built by the core
 * over one page pool, plus a VM whose Stage-2 is written here by hand from
 * the architecture. A buggy core is played by calling the core's stage2
 * API with mappings it should never make; the checker must see each one
 * through the HAL hooks alone (a new mapping reaches it by the DSB that
 * publishes it), and name the page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal.h"
#include "hv.h"
#include "hv_err.h"
#include "isolation.h"
#include "mm/page_pool.h"
#include "mm/stage2.h"
#include "sim_hal.h"
#include "vm/vm.h"

#define POOL_PA 0x10000000ull
#define POOL_PAGES 64
#define HAND_PA 0x20000000ull /* the hand-built VM's tables */
#define HAND_PAGES 4
#define VM0_RAM 0x80000000ull
#define VM1_RAM 0x80400000ull
#define RAM_SIZE 0x400000ull /* 4 MiB each: two 2 MiB blocks */
#define RAM_IPA 0x40000000ull
#define K4 0x1000ull
#define M2 0x200000ull

/* VTCR_EL2: T0SZ = 25 (39-bit IPA), SL0 = 1 (start at level 1), 4 KiB
 * granule, PS = 0b010 (40-bit PA). VTTBR_EL2: VMID in [55:48]. */
#define VTCR_39_L1 (25u | 1u << 6 | 2u << 16)
#define HAND_VMID 9ull

/* Stage-2 descriptor bits (VMSAv8-64). */
#define D_TABLE 3ull
#define D_BLOCK 1ull
#define D_PAGE 3ull
#define D_NORMAL (0xfull << 2)
#define D_R (1ull << 6)
#define D_W (1ull << 7)
#define D_AF (1ull << 10)
#define D_RW_NORMAL (D_NORMAL | D_R | D_W | D_AF)

static const struct s2_attrs rw = {S2_PERM_R | S2_PERM_W, S2_MEM_NORMAL, 0};

struct fx {
	void *pool_mem;
	uint64_t *hand; /* HAND_PAGES tables at HAND_PA */
	struct page_pool pool;
	struct vm *vm[2];
};

static bool core_vm_regs(void *ctx, uint64_t *vttbr, uint64_t *vtcr)
{
	struct vm *const *slot = ctx;
	const struct vm *vm = *slot;

	if (!vm || !vm->in_use || !vm->s2.root)
		return false;
	*vttbr = stage2_vttbr(&vm->s2);
	*vtcr = stage2_vtcr();
	return true;
}

/* ctx: NULL, or a bool that is false once the VM is gone. */
static bool hand_vm_regs(void *ctx, uint64_t *vttbr, uint64_t *vtcr)
{
	const bool *alive = ctx;

	if (alive && !*alive)
		return false;
	*vttbr = HAND_VMID << 48 | HAND_PA;
	*vtcr = VTCR_39_L1;
	return true;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct vm_config c0 = {VM0_RAM, RAM_SIZE, 1, false};
	struct vm_config c1 = {VM1_RAM, RAM_SIZE, 1, false};
	int e;

	assert_non_null(f);
	sim_hal_reset();
	assert_int_equal(hv_init(), HV_OK);
	f->pool_mem = aligned_alloc(K4, POOL_PAGES * K4);
	f->hand = aligned_alloc(K4, HAND_PAGES * K4);
	assert_non_null(f->pool_mem);
	assert_non_null(f->hand);
	memset(f->hand, 0, HAND_PAGES * K4);
	assert_int_equal(sim_phys_add(POOL_PA, f->pool_mem, POOL_PAGES * K4),
			 0);
	assert_int_equal(sim_phys_add(HAND_PA, f->hand, HAND_PAGES * K4), 0);
	assert_int_equal(
	    page_pool_init(&f->pool, f->pool_mem, POOL_PA, POOL_PAGES), HV_OK);
	sim_iso_enable(true);
	assert_int_equal(sim_iso_add_vm(0, core_vm_regs, &f->vm[0]), 0);
	assert_int_equal(sim_iso_add_vm(1, core_vm_regs, &f->vm[1]), 0);
	f->vm[0] = vm_create(&c0, &f->pool, &e);
	assert_non_null(f->vm[0]);
	f->vm[1] = vm_create(&c1, &f->pool, &e);
	assert_non_null(f->vm[1]);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	vm_destroy(f->vm[1]);
	vm_destroy(f->vm[0]);
	sim_hal_reset();
	free(f->pool_mem);
	free(f->hand);
	free(f);
	return 0;
}

static void pool_is_hypervisor(void)
{
	assert_int_equal(
	    sim_iso_add_hyp_range(POOL_PA, POOL_PAGES * K4, "the page pool"),
	    0);
}

/* Two VMs over disjoint RAM, tables in the pool: nothing to report, and
 * the hooks did run (the second VM's creation was checked against the
 * first's RAM). */
static void test_disjoint_vms_pass(void **state)
{
	(void)state;
	pool_is_hypervisor();
	assert_int_equal(sim_iso_check_all(), 0);
	assert_true(sim_iso_stats()->checks > 1);
	assert_true(sim_iso_stats()->walks >= 2);
	assert_int_equal(sim_iso_stats()->violations, 0);
	assert_string_equal(sim_iso_first_violation(), "");
}

/* VM1 gets a page of VM0's RAM: caught by the hook at the map itself. */
static void test_page_in_two_vms_caught(void **state)
{
	struct fx *f = *state;

	pool_is_hypervisor();
	assert_int_equal(
	    stage2_map(&f->vm[1]->s2, 0x40800000, VM0_RAM + 0x1000, K4, rw),
	    HV_OK);
	assert_true(sim_iso_stats()->violations > 0);
	assert_string_equal(sim_iso_first_violation(),
			    "PA 0x80001000 is mapped into VM 0 at IPA "
			    "0x40001000 and into VM 1 at IPA 0x40800000, not "
			    "declared shared");
	assert_int_equal(sim_iso_check_all(), 1);

	/* Taken away again: clean. */
	assert_int_equal(stage2_unmap(&f->vm[1]->s2, 0x40800000, K4), HV_OK);
	assert_int_equal(sim_iso_check_all(), 0);
}

/* A page of the pool mapped into a VM: hypervisor memory. */
static void test_pool_page_caught(void **state)
{
	struct fx *f = *state;

	pool_is_hypervisor();
	assert_int_equal(
	    stage2_map(&f->vm[0]->s2, 0x40800000, POOL_PA + 0x3f000, K4, rw),
	    HV_OK);
	assert_string_equal(sim_iso_first_violation(),
			    "PA 0x1003f000..0x1003ffff (the page pool) is "
			    "mapped into VM 0 at IPA 0x40800000");
	assert_int_equal(sim_iso_check_all(), 1);
}

/* Without any hypervisor range declared, the checker still knows the
 * table pages from its own walk: the whole pool mapped into VM1 covers
 * VM0's and VM1's tables. */
static void test_table_pages_caught_without_ranges(void **state)
{
	struct fx *f = *state;
	unsigned long n;

	assert_int_equal(
	    stage2_map(&f->vm[1]->s2, 0x40800000, POOL_PA, 0x40000, rw), HV_OK);
	assert_true(sim_iso_stats()->violations > 0);
	assert_non_null(
	    strstr(sim_iso_first_violation(), "a Stage-2 table page of VM"));
	assert_non_null(
	    strstr(sim_iso_first_violation(), "is mapped into VM 1 at IPA"));
	/* 64 4 KiB leaves; at least VM0's and VM1's roots are among them. */
	n = sim_iso_check_all();
	assert_true(n >= 2);
	assert_true(n <= 64);
}

/* A page declared shared between VM0 and VM1 passes; the page beside it,
 * or one shared with another VM only, does not. */
static void test_declared_shared_passes(void **state)
{
	struct fx *f = *state;

	pool_is_hypervisor();
	assert_int_equal(sim_iso_add_shared(VM0_RAM + 0x2000, K4, 0x3), 0);
	assert_int_equal(sim_iso_add_shared(VM0_RAM + 0x3000, K4, 0x5), 0);
	assert_int_equal(
	    stage2_map(&f->vm[1]->s2, 0x40800000, VM0_RAM + 0x2000, K4, rw),
	    HV_OK);
	assert_int_equal(sim_iso_stats()->violations, 0);
	assert_int_equal(sim_iso_check_all(), 0);

	assert_int_equal(
	    stage2_map(&f->vm[1]->s2, 0x40801000, VM0_RAM + 0x3000, K4, rw),
	    HV_OK);
	assert_string_equal(sim_iso_first_violation(),
			    "PA 0x80003000 is mapped into VM 0 at IPA "
			    "0x40003000 and into VM 1 at IPA 0x40801000, not "
			    "declared shared");
	assert_int_equal(sim_iso_check_all(), 1);
}

/* A hand-built Stage-2 (VM 2): one 2 MiB block at IPA 0x40000000 over PA
 * 0x80e00000, where VM0 has a single 4 KiB page (PA 0x80e05000). */
static void test_block_over_page_caught(void **state)
{
	struct fx *f = *state;

	pool_is_hypervisor();
	assert_int_equal(
	    stage2_map(&f->vm[0]->s2, 0x40c00000, 0x80e05000, K4, rw), HV_OK);
	assert_int_equal(sim_iso_check_all(), 0);

	/* L1[1] -> L2 table at HAND_PA + 4K; L2[0]: block. */
	f->hand[1] = (HAND_PA + K4) | D_TABLE;
	f->hand[512] = 0x80e00000ull | D_RW_NORMAL | D_BLOCK;
	assert_int_equal(sim_iso_add_vm(2, hand_vm_regs, NULL), 0);
	assert_int_equal(sim_iso_check_all(), 1);
	assert_string_equal(sim_iso_first_violation(),
			    "PA 0x80e05000 is mapped into VM 0 at IPA "
			    "0x40c00000 and into VM 2 at IPA 0x40005000, not "
			    "declared shared");

	/* The same block one 2 MiB further (PA 0x81000000): clean. */
	f->hand[512] = 0x81000000ull | D_RW_NORMAL | D_BLOCK;
	assert_int_equal(sim_iso_check_all(), 0);
	/* A 4 KiB page there instead, L2[0] -> L3 at HAND_PA + 8K, L3[5]
	 * over VM0's page: caught again. */
	f->hand[512] = (HAND_PA + 2 * K4) | D_TABLE;
	f->hand[1024 + 5] = 0x80e05000ull | D_RW_NORMAL | D_PAGE;
	assert_int_equal(sim_iso_check_all(), 1);
}

/* The hand-built VM maps its own level-2 table page. */
static void test_own_table_page_caught(void **state)
{
	struct fx *f = *state;

	f->hand[1] = (HAND_PA + K4) | D_TABLE;
	f->hand[512 + 3] = (HAND_PA + 2 * K4) | D_TABLE;
	f->hand[1024] = (HAND_PA + K4) | D_RW_NORMAL | D_PAGE;
	assert_int_equal(sim_iso_add_vm(2, hand_vm_regs, NULL), 0);
	assert_int_equal(sim_iso_check_all(), 1);
	assert_string_equal(sim_iso_first_violation(),
			    "PA 0x20001000, a Stage-2 table page of VM 2, is "
			    "mapped into VM 2 at IPA 0x40600000");
}

/* A table the walker cannot read is a failed check, not a pass. */
static void test_unreadable_table_caught(void **state)
{
	struct fx *f = *state;

	f->hand[1] = 0x30000000ull | D_TABLE; /* no memory there */
	assert_int_equal(sim_iso_add_vm(2, hand_vm_regs, NULL), 0);
	assert_int_equal(sim_iso_check_all(), 1);
	assert_non_null(
	    strstr(sim_iso_first_violation(), "VM 2: malformed Stage-2"));
}

/* Disabled, the hooks do nothing; an explicit check still sees the state.
 * A destroyed VM maps nothing. */
static void test_disabled_and_destroyed(void **state)
{
	struct fx *f = *state;
	unsigned long checks;

	sim_iso_enable(false);
	checks = sim_iso_stats()->checks;
	assert_int_equal(stage2_map(&f->vm[1]->s2, 0x40800000, VM0_RAM, K4, rw),
			 HV_OK);
	assert_int_equal(sim_iso_stats()->checks, checks);
	assert_int_equal(sim_iso_stats()->violations, 0);
	assert_int_equal(sim_iso_check_all(), 1);

	sim_iso_enable(true);
	vm_destroy(f->vm[1]);
	f->vm[1] = NULL;
	assert_int_equal(sim_iso_check_all(), 0);
}

/* A Stage-2 TLB flush re-walks the VM with that VMID (the hand-built VM's
 * tables change here without a DSB) and checks it against the others. */
static void test_flush_rewalks_that_vm(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
	    stage2_map(&f->vm[0]->s2, 0x40c00000, 0x80e05000, K4, rw), HV_OK);
	f->hand[1] = (HAND_PA + K4) | D_TABLE;
	assert_int_equal(sim_iso_add_vm(2, hand_vm_regs, NULL), 0);
	assert_int_equal(sim_iso_check_all(), 0);

	f->hand[512] = 0x80e00000ull | D_RW_NORMAL | D_BLOCK;
	hal_s2_tlb_flush_ipa(f->vm[1]->s2.vmid, 0x40000000, M2);
	assert_int_equal(sim_iso_stats()->violations, 0);
	hal_s2_tlb_flush_ipa(HAND_VMID, 0x40000000, M2);
	assert_int_equal(sim_iso_stats()->violations, 1);
	assert_string_equal(sim_iso_first_violation(),
			    "PA 0x80e05000 is mapped into VM 2 at IPA "
			    "0x40005000 and into VM 0 at IPA 0x40c00000, not "
			    "declared shared");
}

/* A VM that has no Stage-2 any more maps nothing: any Stage-2 flush drops
 * what its last walk saw, whatever VMID it names. */
/* Outlives the test: the checker still holds the registration when the
 * teardown's last check runs. */
static bool alive;

static void test_gone_vm_dropped(void **state)
{
	struct fx *f = *state;

	alive = true;
	assert_int_equal(
	    stage2_map(&f->vm[0]->s2, 0x40c00000, 0x80e05000, K4, rw), HV_OK);
	f->hand[1] = (HAND_PA + K4) | D_TABLE;
	f->hand[512] = 0x80e00000ull | D_RW_NORMAL | D_BLOCK;
	assert_int_equal(sim_iso_add_vm(2, hand_vm_regs, &alive), 0);
	assert_int_equal(sim_iso_check_all(), 1);

	alive = false;
	hal_s2_tlb_flush_vmid(f->vm[0]->s2.vmid);
	assert_int_equal(sim_iso_stats()->violations, 1);
	hal_s2_tlb_flush_ipa(f->vm[0]->s2.vmid, 0x40c00000, K4);
	assert_int_equal(sim_iso_stats()->violations, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_disjoint_vms_pass, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_page_in_two_vms_caught, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pool_page_caught, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_table_pages_caught_without_ranges, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_declared_shared_passes, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_block_over_page_caught, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_own_table_page_caught, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable_table_caught, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_disabled_and_destroyed, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_flush_rewalks_that_vm, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_gone_vm_dropped, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
