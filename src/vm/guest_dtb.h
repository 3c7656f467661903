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
 * bootargs is non-NULL. kaslr-seed and rng-seed are dropped from /chosen:
 * Linux erases them in place, and the guest's DTB is read-only. HV_OK,
 * HV_EINVAL (malformed) or HV_ENOMEM. */
int guest_dtb_adopt(const void *dtb, const char *bootargs, void *buf,
		    size_t size);
/* Record an initrd at IPA [start, end) in the DTB at buf (of capacity
 * size): /chosen linux,initrd-start and linux,initrd-end, 64-bit. */
int guest_dtb_set_initrd(void *buf, size_t size, uint64_t start, uint64_t end);

#endif
