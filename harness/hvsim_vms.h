/*
 * hvsim's VMs beyond the first: `--vm IMAGE[,vcpus=N,mem=SIZE,initrd=F,
 * dtb=F,bootargs=S]` adds one (up to HVSIM_MAX_EXTRA_VMS), with its own
 * RAM at its own made-up physical address, its own VMID and devices, on
 * the same simulated physical CPU as VM 0 under the core's scheduler.
 */
#ifndef HARNESS_HVSIM_VMS_H
#define HARNESS_HVSIM_VMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_cpu.h"
#include "vm/vm.h"

#define HVSIM_MAX_EXTRA_VMS (HV_MAX_VMS - 1)
/* A line of VM n >= 1 longer than this is printed in pieces, as the
 * target does (CONSOLE_VM_LINE_MAX in target/console.h). */
#define HVSIM_VM_LINE_MAX 256u

struct hvsim_vm_spec {
	const char *image, *dtb, *initrd, *bootargs;
	uint64_t mem;
	unsigned vcpus;
	char *owned; /* the option's copy that the strings point into */
};

struct hvsim_extra_vm {
	uint8_t *ram;
	size_t ram_size;
	struct vm *vm;
	struct sim_cpu *cpus[VM_MAX_VCPUS];
	unsigned ncpus;
	bool scheduled;
	void *image, *dtb, *initrd;
	size_t image_len, dtb_len, initrd_len;
};

struct hvsim_machine;
struct hvsim_opts;

/* Parse one --vm option into *out. 0, or -1 with a message on stderr. */
/* Host PA of VM n's RAM (0: the guest's). */
uint64_t hvsim_vm_ram_pa(unsigned n);
int hvsim_vm_parse(const char *text, struct hvsim_vm_spec *out);
void hvsim_vm_spec_free(struct hvsim_vm_spec *s);

/* After VM 0 is built (hvsim_machine_setup): build and boot every --vm
 * VM and hand it to the scheduler. 0, or an HVSIM_EXIT_* code with a
 * reason in err; hvsim_machine_teardown cleans up in every case. */
int hvsim_vms_setup(struct hvsim_machine *m, const struct hvsim_opts *o,
		    char *err, size_t errlen);
void hvsim_vms_teardown(struct hvsim_machine *m);

/* Every engine of every VM (VM 0's too): for observers and watches. */
void hvsim_vms_for_each_cpu(struct hvsim_machine *m,
			    void (*fn)(struct sim_cpu *c, void *ctx),
			    void *ctx);

/* With several VMs, the guest UART echo is ours: VM 0's bytes as they
 * come, VM n's lines whole as "vmN| <line>", never inside a line of VM
 * 0's (one that comes mid-line waits for VM 0's next '\n'). fd -1: quiet.
 * Call after uart_feed_attach: --send-on input is still VM 0's. */
void hvsim_vms_console(struct hvsim_machine *m, int fd);
/* Print what is still held back (at the end of the run). */
void hvsim_vms_console_flush(void);

/* After the run: each VM's fate and its trap counts on stderr. */
void hvsim_vms_summary(struct hvsim_machine *m);

#endif
