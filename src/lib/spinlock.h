/*
 * A test-and-test-and-set lock on C11 atomics (freestanding). Not fair,
 * on purpose: a ticket lock hands the lock to one particular waiter, and
 * when that CPU is not running (a host thread of QEMU's descheduled, or a
 * physical CPU in a long interrupt) every other CPU waits for it too. A
 * released lock goes to whichever CPU is there to take it.
 */
#ifndef HV_LIB_SPINLOCK_H
#define HV_LIB_SPINLOCK_H

#include <stdatomic.h>

struct spinlock {
	atomic_uint held;
};

static inline void spin_lock(struct spinlock *l)
{
	for (;;) {
		if (!atomic_exchange_explicit(&l->held, 1u,
					      memory_order_acquire))
			return;
		/* Wait reading, not writing: the line stays shared until
		 * the holder's release. */
		while (atomic_load_explicit(&l->held, memory_order_relaxed))
			;
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	atomic_store_explicit(&l->held, 0u, memory_order_release);
}

#endif
