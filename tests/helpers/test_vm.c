#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "exit.h"
#include "hal.h"
#include "hv.h"
#include "isolation.h"
#include "sim_hal.h"
#include "bus_access.h"
#include "test_vm.h"

/* The isolation checker's view of the VM (sim/isolation.h). */
static bool test_vm_s2_regs(void *ctx, uint64_t *vttbr, uint64_t *vtcr)
{
	const struct test_vm *t = ctx;

	if (!t->vm || !t->vm->in_use || !t->vm->s2.root)
		return false;
	*vttbr = stage2_vttbr(&t->vm->s2);
	*vtcr = stage2_vtcr();
	return true;
}

void test_vm_setup(struct test_vm *t, uint64_t ram_size, unsigned nvcpus)
{
	struct vm_config cfg = {TEST_RAM_PA, ram_size, nvcpus, true};
	int err = -99;

	sim_hal_reset();
	assert_int_equal(hv_init(), 0);
	t->ram = aligned_alloc(PAGE_SIZE, ram_size);
	t->pool_mem = aligned_alloc(PAGE_SIZE, TEST_POOL_PAGES * PAGE_SIZE);
	assert_non_null(t->ram);
	assert_non_null(t->pool_mem);
	assert_int_equal(sim_phys_add(TEST_RAM_PA, t->ram, ram_size), 0);
	assert_int_equal(page_pool_init(&t->pool, t->pool_mem, TEST_POOL_PA,
					TEST_POOL_PAGES),
			 0);
	/* Every Stage-2 change of every test is checked for isolation: the
	 * checker reads the tables by PA, and the pool is the hypervisor's. */
	assert_int_equal(sim_phys_add(TEST_POOL_PA, t->pool_mem,
				      TEST_POOL_PAGES * PAGE_SIZE),
			 0);
	t->vm = NULL;
	sim_iso_enable(true);
	assert_int_equal(sim_iso_add_hyp_range(TEST_POOL_PA,
					       TEST_POOL_PAGES * PAGE_SIZE,
					       "the page pool"),
			 0);
	assert_int_equal(sim_iso_add_vm(0, test_vm_s2_regs, t), 0);
	t->vm = vm_create(&cfg, &t->pool, &err);
	assert_non_null(t->vm);
	assert_int_equal(err, 0);
	assert_int_equal(sim_iso_check_all(), 0);
	t->v = &t->vm->vcpus[0];
	vcpu_reset(t->v, TEST_RAM_IPA, 0);
	t->v->el1[VCPU_VBAR_EL1] = TEST_VBAR;
	vm_activate_vcpu(t->v);
	vcpu_load(t->v);
}

void test_vm_teardown(struct test_vm *t)
{
	if (sim_iso_stats()->violations)
		fail_msg("isolation: %s", sim_iso_first_violation());
	vm_destroy(t->vm);
	free(t->ram);
	free(t->pool_mem);
	sim_hal_reset();
}

void test_vm_gic_enable(struct test_vm *t, uint32_t intid, uint8_t prio)
{
	/* GICD at 0x08000000; vCPU 0's SGI frame at 0x080a0000 + 0x10000. */
	uint64_t base = intid < 32 ? 0x080b0000ull : 0x08000000ull;
	uint64_t word = (intid / 32) * 4;
	uint32_t bit = 1u << (intid % 32);
	struct mmio_bus *bus = &t->vm->bus;

	bus_wr(bus, 0x08000000ull, 4, 0x2); /* GICD_CTLR.EnableGrp1 */
	bus_wr(bus, base + 0x080 + word, 4,
	       bus_rd(bus, base + 0x080 + word, 4) | bit); /* IGROUPR */
	bus_wr(bus, base + 0x400 + intid, 1, prio);	   /* IPRIORITYR */
	bus_wr(bus, base + 0x100 + word, 4, bit);	   /* ISENABLER */
}

enum exit_action test_trap(struct vcpu *v, uint64_t esr, uint64_t far,
			   uint64_t hpfar)
{
	v->exit.esr = esr;
	v->exit.far = far;
	v->exit.hpfar = hpfar;
	vcpu_note_clear(v);
	return hv_handle_sync(v);
}

static struct test_vm fixture_vm;

int test_vm_setup_up(void **state)
{
	test_vm_setup(&fixture_vm, 8 << 20, 1);
	*state = &fixture_vm;
	return 0;
}

int test_vm_setup_smp(void **state)
{
	test_vm_setup(&fixture_vm, 16 << 20, 2);
	*state = &fixture_vm;
	return 0;
}

int test_vm_teardown_state(void **state)
{
	test_vm_teardown(*state);
	return 0;
}
