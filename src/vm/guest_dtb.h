/* The device tree a guest boots with. */
#ifndef HV_VM_GUEST_DTB_H
#define HV_VM_GUEST_DTB_H

#include <stddef.h>

struct vm;

/* Describe vm (CPUs, RAM, GIC, timer, PL011, PSCI, devices) into buf.
 * HV_OK, or HV_ENOMEM if it does not fit. */
int guest_dtb_build(const struct vm *vm, const char *bootargs, void *buf,
		    size_t size);
/* Copy a user-supplied DTB into buf, replacing /chosen/bootargs when
 * bootargs is non-NULL. HV_OK, HV_EINVAL (malformed) or HV_ENOMEM. */
int guest_dtb_adopt(const void *dtb, const char *bootargs, void *buf,
		    size_t size);

#endif
