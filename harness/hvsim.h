/* hvsim: run a guest image under the hypervisor core on the simulated CPU. */
#ifndef HARNESS_HVSIM_H
#define HARNESS_HVSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_gic.h"
#include "hvsim_vms.h"
#include "mm/page_pool.h"
#include "sim_cpu.h"
#include "vm/vm.h"

#define HVSIM_EXIT_OFF 0
#define HVSIM_EXIT_GUEST 1 /* guest error, limit, deadlock, reset */
#define HVSIM_EXIT_USAGE 2 /* bad options, missing file, bad image */
#define HVSIM_DTB_MAX (2u << 20)
#define HVSIM_MAX_ISO_SHARED 4
/* Made-up host PA of VM 0's RAM (hvsim_machine.c, hvsim_vms.c). */
#define HVSIM_RAM_PA 0x80000000ull

/* --iso-shared: [offset, offset + size) of VM vm's RAM may be mapped by
 * the VMs in mask (bit n: VM n), as FF-A memory sharing maps it. */
struct hvsim_iso_shared {
	unsigned vm;
	uint64_t offset, size;
	uint32_t mask;
};

struct hvsim_opts {
	const char *guest;
	const char *dtb;
	const char *initrd;
	const char *bootargs;
	const char *trace;
	uint64_t mem;
	uint64_t max_insns;
	bool quiet;
	bool precise;
	unsigned vcpus; /* 0 or 1: one; the core's scheduler runs them all,
			   each on an engine of its own */
	/* --vm: VMs 1.. (hvsim_vms.h) */
	struct hvsim_vm_spec extra[HVSIM_MAX_EXTRA_VMS];
	unsigned nextra;
	struct hvsim_iso_shared iso_shared[HVSIM_MAX_ISO_SHARED];
	unsigned niso_shared;
};

struct hvsim_machine {
	uint8_t *ram;
	size_t ram_size;
	uint8_t *pool_mem;
	size_t pool_size;
	struct page_pool pool;
	struct vm *vm;
	struct fake_gic gic;
	struct sim_cpu *cpu; /* vCPU 0's, = cpus[0] */
	struct sim_cpu *cpus[VM_MAX_VCPUS];
	unsigned ncpus;
	bool sched; /* the VM was given to the scheduler */
	void *image;
	size_t image_len;
	void *dtb;
	size_t dtb_len;
	void *initrd; /* set before hvsim_machine_boot, freed by teardown */
	size_t initrd_len;
	struct hvsim_extra_vm extra[HVSIM_MAX_EXTRA_VMS]; /* VMs 1.. */
	unsigned nextra;
};

/* Build the machine and boot the guest file o->guest (and o->dtb).
 * Returns 0, or an HVSIM_EXIT_* code with a one-line reason in err. In
 * every case hvsim_machine_teardown() cleans up. */
int hvsim_machine_setup(struct hvsim_machine *m, const struct hvsim_opts *o,
			char *err, size_t errlen);
/* The same from memory (image/dtb only need to live during the call);
 * m must be zeroed. */
int hvsim_machine_boot(struct hvsim_machine *m, const struct hvsim_opts *o,
		       const void *image, size_t image_len, const void *dtb,
		       size_t dtb_len, char *err, size_t errlen);
void hvsim_machine_teardown(struct hvsim_machine *m);

/* A whole regular file of 1..max bytes into a malloc'd buffer. 0, or -1
 * with a reason in err. */
int hvsim_read_file(const char *path, size_t max, void **buf, size_t *len,
		    char *err, size_t errlen);
/* Option values: a number (0x.. too) and the one suffix character after
 * it; a size, 16M..4G in 4 KiB multiples. 0, or -1. */
int hvsim_parse_u64(const char *s, uint64_t *out, char *suffix);
int hvsim_parse_size(const char *s, uint64_t *out);

#endif
