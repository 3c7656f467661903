/*
 * A ticket lock on C11 atomics (freestanding): first come, first served,
 * so no physical CPU waits for ever while others take turns.
 */
#ifndef HV_LIB_SPINLOCK_H
#define HV_LIB_SPINLOCK_H

#include <stdatomic.h>

struct spinlock {
	atomic_uint next;  /* the ticket the next taker draws */
	atomic_uint owner; /* the ticket now holding the lock */
};

static inline void spin_lock(struct spinlock *l)
{
	unsigned me =
	    atomic_fetch_add_explicit(&l->next, 1u, memory_order_relaxed);

	while (atomic_load_explicit(&l->owner, memory_order_acquire) != me)
		;
}

static inline void spin_unlock(struct spinlock *l)
{
	unsigned me = atomic_load_explicit(&l->owner, memory_order_relaxed);

	atomic_store_explicit(&l->owner, me + 1u, memory_order_release);
}

#endif
