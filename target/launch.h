/*
 * The launch descriptor: how harness/qemu-run tells the hypervisor which
 * guests to boot. qemu-run writes it (little-endian, this exact layout) to
 * a file loaded at LAUNCH_DESC_PA next to the staged images and DTBs; see
 * target/README.md for the whole physical map.
 *
 * VM 0 keeps the staging windows and RAM it always had. Every further VM
 * (n >= 1) gets a 512 MiB window of its own above VM 0's initrd window,
 * holding its DTB, image and initrd staging and then its RAM, so no two
 * VMs' RAM, and no VM's RAM and any staging area, ever overlap.
 */
#ifndef TARGET_LAUNCH_H
#define TARGET_LAUNCH_H

#include <stdint.h>

#define LAUNCH_DESC_PA 0x44000000ull
#define LAUNCH_DTB_PA 0x44100000ull
#define LAUNCH_DTB_MAX 0x00200000ull
#define LAUNCH_IMAGE_PA 0x44400000ull
#define LAUNCH_IMAGE_MAX 0x03c00000ull /* 60 MiB */
#define LAUNCH_GUEST_RAM_PA 0x48000000ull
#define LAUNCH_GUEST_RAM_DEFAULT 0x08000000ull /* 128 MiB */
/* Above the first GiB: qemu-run gives QEMU more RAM when it stages one. */
#define LAUNCH_INITRD_PA 0x80000000ull
#define LAUNCH_INITRD_MAX 0x10000000ull /* 256 MiB */
/* The hypervisor's heap (page-table pool) ends where staging begins. */
#define LAUNCH_HEAP_END LAUNCH_DESC_PA

/* VM n >= 1: window LAUNCH_VMN_BASE + (n - 1) * LAUNCH_VMN_STRIDE. */
#define LAUNCH_VMN_BASE 0x90000000ull
#define LAUNCH_VMN_STRIDE 0x20000000ull	   /* 512 MiB */
#define LAUNCH_VMN_DTB_OFF 0x00000000ull   /* <= 2 MiB */
#define LAUNCH_VMN_IMAGE_OFF 0x00200000ull /* <= 62 MiB */
#define LAUNCH_VMN_IMAGE_MAX 0x03e00000ull
#define LAUNCH_VMN_INITRD_OFF 0x04000000ull /* <= 64 MiB */
#define LAUNCH_VMN_INITRD_MAX 0x04000000ull
#define LAUNCH_VMN_RAM_OFF 0x08000000ull /* <= 384 MiB */
#define LAUNCH_VMN_RAM_MAX 0x18000000ull

#define LAUNCH_MAGIC 0x444c5648u /* "HVLD" */
/* 2: initrd; 3: LAUNCH_F_ONE_TO_ONE; 4: several VMs, flags per VM */
#define LAUNCH_VERSION 4u
#define LAUNCH_MAX_VMS 4u /* HV_MAX_VMS (src/vm/vm.h) */
#define LAUNCH_BOOTARGS_MAX 1024u

/* Per VM. */
#define LAUNCH_F_SCRATCH (1u << 0) /* attach the MMIO test device */
#define LAUNCH_F_REBOOT (1u << 1)  /* PSCI SYSTEM_RESET reboots the guest */
/* vCPU n runs on physical CPU n (else: every vCPU on CPU 0, round-robin) */
#define LAUNCH_F_ONE_TO_ONE (1u << 2)

struct launch_vm {
	uint32_t flags;
	uint32_t nvcpus; /* 0: 1 */
	uint64_t image_pa, image_size;
	uint64_t dtb_pa, dtb_size;	    /* dtb_size 0: generate a DTB */
	uint64_t initrd_pa, initrd_size;    /* initrd_size 0: none */
	uint64_t ram_size;		    /* 0: LAUNCH_GUEST_RAM_DEFAULT */
	char bootargs[LAUNCH_BOOTARGS_MAX]; /* NUL-terminated */
};

struct launch_desc {
	uint32_t magic;
	uint32_t version;
	uint32_t size; /* sizeof(struct launch_desc) as the writer knew it */
	uint32_t nvms; /* 1..LAUNCH_MAX_VMS; vm[nvms..] are ignored */
	uint64_t reserved;
	struct launch_vm vm[LAUNCH_MAX_VMS];
};

/* What a valid descriptor asks for one VM, with defaults filled in. */
struct launch_vm_req {
	const void *image;
	uint64_t image_size;
	const void *dtb; /* NULL: generate */
	uint64_t dtb_size;
	const void *initrd; /* NULL: none */
	uint64_t initrd_size;
	uint64_t ram_pa, ram_size;
	unsigned nvcpus;
	uint32_t flags;
	const char *bootargs;
};

struct launch_request {
	unsigned nvms;
	struct launch_vm_req vm[LAUNCH_MAX_VMS];
};

/* The staging window of VM n >= 1. */
static inline uint64_t launch_vmn_base(unsigned n)
{
	return LAUNCH_VMN_BASE + (uint64_t)(n - 1) * LAUNCH_VMN_STRIDE;
}

/* Validate the descriptor in memory at LAUNCH_DESC_PA against the RAM the
 * hypervisor has. Returns 0, or -1 with *why set (and *bad_vm the VM it
 * concerns). */
int launch_read(uint64_t ram_base, uint64_t ram_size,
		struct launch_request *req, const char **why, unsigned *bad_vm);

#endif
