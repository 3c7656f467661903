/*
 * Device deadlines multiplexed on the hypervisor timer (src/time/): what
 * ends up in CNTHP_CVAL_EL2/CNTHP_CTL_EL2 (ENABLE = bit 0) and which
 * handlers run when its interrupt is taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "a64_sysregs.h"
#include "hv_err.h"
#include "sim_hal.h"
#include "time/deadline.h"

struct probe {
	struct deadline d;
	unsigned fired;
	uint64_t rearm_to; /* 0: none */
	unsigned rearm_times;
};

static struct probe a, b, c;
static struct deadline_set set, other;

static void fire(void *ctx)
{
	struct probe *p = ctx;

	p->fired++;
	if (p->rearm_to && p->rearm_times) {
		p->rearm_times--;
		deadline_arm(&p->d, p->rearm_to);
	}
}

static uint64_t cval(void)
{
	return sim_sysreg_get(A64_SR_CNTHP_CVAL_EL2);
}

static uint64_t ctl(void)
{
	return sim_sysreg_get(A64_SR_CNTHP_CTL_EL2);
}

static void now(uint64_t t)
{
	sim_sysreg_set(A64_SR_CNTPCT_EL0, t);
}

static int setup(void **state)
{
	(void)state;
	sim_hal_reset();
	memset(&set, 0, sizeof(set));
	memset(&other, 0, sizeof(other));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	deadline_init(&a.d, fire, &a);
	deadline_init(&b.d, fire, &b);
	deadline_init(&c.d, fire, &c);
	if (deadline_set_add(&set, &a.d) || deadline_set_add(&set, &b.d) ||
	    deadline_set_add(&other, &c.d) || deadline_set_attach(&set))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	deadline_set_detach(&set);
	deadline_set_detach(&other);
	return 0;
}

static void test_programs_the_earliest(void **state)
{
	(void)state;
	assert_int_equal(ctl(), 0);
	deadline_arm(&a.d, 9000);
	assert_int_equal(ctl(), 1);
	assert_int_equal(cval(), 9000);
	deadline_arm(&b.d, 12000); /* later: the timer stays */
	assert_int_equal(cval(), 9000);
	deadline_arm(&b.d, 4000); /* earlier: moved */
	assert_int_equal(cval(), 4000);
}

static void test_expired_run_once(void **state)
{
	(void)state;
	deadline_arm(&a.d, 100);
	deadline_arm(&b.d, 300);
	now(250);
	deadline_timer_irq();
	assert_int_equal(a.fired, 1);
	assert_int_equal(b.fired, 0);
	assert_int_equal(cval(), 300);
	assert_int_equal(ctl(), 1);
	now(300);
	deadline_timer_irq();
	assert_int_equal(a.fired, 1);
	assert_int_equal(b.fired, 1);
	assert_int_equal(ctl(), 0); /* nothing left */
	deadline_timer_irq();
	assert_int_equal(a.fired + b.fired, 2);
}

/* A cancel leaves the timer alone; the interrupt it then gives for
 * nothing sets it for what is really next. */
static void test_cancel_is_lazy(void **state)
{
	(void)state;
	deadline_arm(&a.d, 100);
	deadline_arm(&b.d, 700);
	deadline_cancel(&a.d);
	assert_false(deadline_armed(&a.d));
	assert_int_equal(cval(), 100);
	now(100);
	deadline_timer_irq();
	assert_int_equal(a.fired, 0);
	assert_int_equal(cval(), 700);
}

/* A handler re-arming for a time already past runs again in the same
 * interrupt; one re-arming ahead programs the timer for it. */
static void test_rearm_from_handler(void **state)
{
	(void)state;
	a.rearm_to = 50;
	a.rearm_times = 1;
	deadline_arm(&a.d, 100);
	now(100);
	deadline_timer_irq();
	assert_int_equal(a.fired, 2);
	assert_int_equal(ctl(), 0);
	a.rearm_to = 5000;
	a.rearm_times = 1;
	deadline_arm(&a.d, 200);
	now(200);
	deadline_timer_irq();
	assert_int_equal(a.fired, 3);
	assert_int_equal(cval(), 5000);
	assert_int_equal(ctl(), 1);
}

/* A set that is not attached neither programs the timer nor fires. */
static void test_detached_set(void **state)
{
	(void)state;
	deadline_arm(&c.d, 10);
	assert_int_equal(ctl(), 0);
	now(20);
	deadline_timer_irq();
	assert_int_equal(c.fired, 0);
	assert_int_equal(deadline_set_attach(&other), HV_OK);
	assert_int_equal(cval(), 10); /* attaching programs it */
	deadline_timer_irq();
	assert_int_equal(c.fired, 1);
	deadline_arm(&a.d, 30);
	deadline_set_detach(&set);
	assert_int_equal(ctl(), 0); /* a's set left: nothing armed */
	now(40);
	deadline_timer_irq();
	assert_int_equal(a.fired, 0);
}

static void test_limits(void **state)
{
	struct deadline extra[5];
	struct deadline_set full, sets[16];

	(void)state;
	memset(&full, 0, sizeof(full));
	for (unsigned i = 0; i < 4; i++) {
		deadline_init(&extra[i], fire, &a);
		assert_int_equal(deadline_set_add(&full, &extra[i]), HV_OK);
	}
	deadline_init(&extra[4], fire, &a);
	assert_int_equal(deadline_set_add(&full, &extra[4]), HV_ENOMEM);
	/* 16 sets: 4 VMs and 8 physical CPUs fit. 'set' is attached
	 * already: 15 more fit, the 16th does not. */
	memset(sets, 0, sizeof(sets));
	for (unsigned i = 0; i < 15; i++)
		assert_int_equal(deadline_set_attach(&sets[i]), HV_OK);
	assert_int_equal(deadline_set_attach(&sets[15]), HV_ENOMEM);
	for (unsigned i = 0; i < 16; i++)
		deadline_set_detach(&sets[i]);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_programs_the_earliest), T(test_expired_run_once),
	    T(test_cancel_is_lazy),	   T(test_rearm_from_handler),
	    T(test_detached_set),	   T(test_limits),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
