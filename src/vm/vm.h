/*
 * A virtual machine: its Stage-2, its emulated devices, its vCPUs. Storage
 * is static (no allocator in the core); page tables come from the pool the
 * caller hands in.
 */
#ifndef HV_VM_VM_H
#define HV_VM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/mmio.h"
#include "dev/pl011.h"
#include "dev/pl031.h"
#include "dev/scratch.h"
#include "mm/stage2.h"
#include "time/deadline.h"
#include "vcpu.h"

#define HV_MAX_VMS 4
#define VM_MAX_VCPUS 8

/* The guest-physical map every VM sees (QEMU virt compatible). */
#define GUEST_GICD_BASE 0x08000000ull
#define GUEST_GICR_BASE 0x080a0000ull
#define GUEST_UART_BASE 0x09000000ull
#define GUEST_RTC_BASE 0x09010000ull
#define GUEST_SCRATCH_BASE 0x0b000000ull
#define GUEST_RAM_BASE 0x40000000ull
#define GUEST_UART_INTID 33u
#define GUEST_RTC_INTID 34u

enum vm_state { VM_RUNNING = 0, VM_OFF, VM_RESET_REQUESTED };

struct vm_config {
	uint64_t ram_pa;   /* host physical backing, contiguous */
	uint64_t ram_size; /* multiple of 4 KiB */
	unsigned nvcpus;
	bool scratch_dev; /* attach the MMIO test device */
};

struct vm {
	unsigned id;
	bool in_use;
	enum vm_state state;
	struct stage2 s2;
	struct mmio_bus bus;
	struct pl011 uart;
	struct pl031 rtc;
	/* The devices' deadlines on the hypervisor timer. */
	struct deadline_set timers;
	struct scratch scratch;
	struct vgic_dist gicd; /* SPI state and the distributor device */
	uint64_t ram_ipa, ram_pa, ram_size;
	unsigned nvcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];
};

/* Returns a new VM, or NULL (and *err) when out of VMs/table memory or the
 * config is invalid. Guest RAM is mapped RWX Normal at GUEST_RAM_BASE;
 * emulated device ranges stay unmapped so they trap. */
struct vm *vm_create(const struct vm_config *cfg, struct page_pool *pool,
		     int *err);
void vm_destroy(struct vm *vm);

/* Hypervisor pointer to guest memory [ipa, ipa+len), or NULL unless the whole
 * range is guest RAM mapped in this VM's Stage-2. */
void *vm_ipa_to_hva(const struct vm *vm, uint64_t ipa, uint64_t len);

/* Program the EL2 registers (HCR_EL2, VTTBR/VTCR, ...) for running v. */
void vm_activate_vcpu(struct vcpu *v);

#endif
