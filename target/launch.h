/*
 * The launch descriptor: how harness/qemu-run tells the hypervisor which
 * guest to boot. qemu-run writes it (little-endian, this exact layout) to a
 * file loaded at LAUNCH_DESC_PA next to the staged image and DTB; see
 * target/README.md for the whole physical map.
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

#define LAUNCH_MAGIC 0x444c5648u /* "HVLD" */
#define LAUNCH_VERSION 3u	 /* 2: initrd, 3: LAUNCH_F_ONE_TO_ONE */
#define LAUNCH_BOOTARGS_MAX 1024u

#define LAUNCH_F_SCRATCH (1u << 0) /* attach the MMIO test device */
#define LAUNCH_F_REBOOT (1u << 1)  /* PSCI SYSTEM_RESET reboots the guest */
/* vCPU n runs on physical CPU n (else: every vCPU on CPU 0, round-robin) */
#define LAUNCH_F_ONE_TO_ONE (1u << 2)

struct launch_desc {
	uint32_t magic;
	uint32_t version;
	uint32_t size; /* sizeof(struct launch_desc) as the writer knew it */
	uint32_t flags;
	uint64_t image_pa, image_size;
	uint64_t dtb_pa, dtb_size; /* dtb_size 0: generate a DTB */
	uint64_t ram_size;	   /* 0: LAUNCH_GUEST_RAM_DEFAULT */
	uint32_t nvcpus;	   /* 0: 1 */
	uint32_t reserved;
	uint64_t initrd_pa, initrd_size;    /* initrd_size 0: none */
	char bootargs[LAUNCH_BOOTARGS_MAX]; /* NUL-terminated */
};

/* What a valid descriptor asks for, with defaults filled in. */
struct launch_request {
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

/* Validate the descriptor in memory at LAUNCH_DESC_PA against the RAM the
 * hypervisor has. Returns 0, or -1 with *why set. */
int launch_read(uint64_t ram_base, uint64_t ram_size,
		struct launch_request *req, const char **why);

#endif
