/*
 * The guests' life cycle. One VM runs through run_vm, as it always has;
 * several VMs are each created with their own RAM window, VMID and
 * devices, placed on the scheduler (every vCPU on CPU 0, round-robin,
 * unless a VM asks for LAUNCH_F_ONE_TO_ONE) and run until none is
 * running. VM 0 decides the exit status: the others are guests
 * beside it, and their fate is reported on its own hv line.
 */
#include <stdbool.h>
#include <stddef.h>

#include "console.h"
#include "cpu.h"
#include "hal_target.h"
#include "hv_err.h"
#include "launch_vms.h"
#include "lib/log.h"
#include "run_vm.h"
#include "sched/sched.h"
#include "smp.h"
#include "trap_stats.h"
#include "vm/boot.h"
#include "vm/vm.h"

static _Noreturn void launch_fail(unsigned n, const char *what, const char *why)
{
	if (n)
		hv_printf("vm%u: guest launch failed: %s: %s\n", n, what, why);
	else
		hv_printf("guest launch failed: %s: %s\n", what, why);
	target_power_off(1);
}

/* VM 0's lines read as they did before there were several VMs. */
static const char *who(unsigned n)
{
	static const char *const names[LAUNCH_MAX_VMS] = {"guest", "vm1", "vm2",
							  "vm3"};

	return names[n];
}

static struct vm *boot_guest(unsigned n, const struct launch_vm_req *req,
			     struct page_pool *pool)
{
	struct vm_config cfg = {
	    .ram_pa = req->ram_pa,
	    .ram_size = req->ram_size,
	    .nvcpus = req->nvcpus,
	    .scratch_dev = (req->flags & LAUNCH_F_SCRATCH) != 0,
	};
	struct guest_boot_args args = {
	    .image = req->image,
	    .image_len = (size_t)req->image_size,
	    .dtb = req->dtb,
	    .dtb_len = (size_t)req->dtb_size,
	    .bootargs = req->bootargs[0] ? req->bootargs : NULL,
	    .initrd = req->initrd,
	    .initrd_len = (size_t)req->initrd_size,
	};
	struct guest_boot_info info;
	const char *why = "unknown error";
	int err;
	struct vm *vm = vm_create(&cfg, pool, &err);

	if (!vm)
		launch_fail(n, "vm_create",
			    err == HV_ENOMEM ? "out of memory"
					     : "invalid config");
	if (vm_boot_guest(vm, &args, &info, &why) != HV_OK)
		launch_fail(n, "bad guest image or DTB", why);
	/* The guest starts with its caches off: make what we wrote visible. */
	dcache_clean_range(req->ram_pa + info.img.text_offset,
			   info.img.image_size);
	dcache_clean_range(req->ram_pa + (info.dtb_ipa - GUEST_RAM_BASE),
			   info.dtb_size);
	if (info.initrd_size)
		dcache_clean_range(req->ram_pa +
				       (info.initrd_ipa - GUEST_RAM_BASE),
				   info.initrd_size);
	icache_invalidate_all();
	hv_printf("%s: %s image, %lu bytes at IPA %#lx, DTB at %#lx, "
		  "%lu MiB RAM\n",
		  who(n), info.img.is_linux ? "Linux" : "raw",
		  (unsigned long)req->image_size, (unsigned long)info.entry_ipa,
		  (unsigned long)info.dtb_ipa,
		  (unsigned long)(req->ram_size >> 20));
	if (info.initrd_size)
		hv_printf("%s: initrd, %lu bytes at IPA %#lx\n", who(n),
			  (unsigned long)info.initrd_size,
			  (unsigned long)info.initrd_ipa);
	return vm;
}

static _Noreturn void finish(int status, const char *what)
{
	console_flush_vms();
	hv_printf("%s\n", what);
	trap_stats_print();
	target_power_off(status);
}

static bool one_to_one(const struct launch_vm_req *req)
{
	return (req->flags & LAUNCH_F_ONE_TO_ONE) != 0;
}

static _Noreturn void run_one(const struct launch_vm_req *req,
			      struct page_pool *pool, uint32_t uart_intid)
{
	for (;;) {
		struct run_ctx rc = {boot_guest(0, req, pool), uart_intid,
				     one_to_one(req)};
		enum vm_state st = run_vm(&rc);

		if (st == VM_RESET_REQUESTED &&
		    (req->flags & LAUNCH_F_REBOOT)) {
			hv_printf("guest reset: rebooting it\n");
			vm_destroy(rc.vm);
			continue;
		}
		if (st == VM_RESET_REQUESTED)
			finish(3, "guest reset (reboot not enabled)");
		if (st == VM_OFF)
			finish(0, "guest powered off");
		launch_fail(0, "scheduler", "the vCPUs could not be placed");
	}
}

static void place(unsigned n, struct vm *vm, const struct launch_vm_req *req)
{
	if (sched_add_vm(vm, one_to_one(req) ? SCHED_ONE_TO_ONE : SCHED_SHARED,
			 0) != HV_OK)
		launch_fail(n, "scheduler", "no room for its vCPUs");
}

/* After every VM stopped: reboot those that asked and may. */
static bool reboot_some(const struct launch_request *req,
			struct vm *vms[LAUNCH_MAX_VMS], struct page_pool *pool)
{
	bool any = false;

	for (unsigned n = 0; n < req->nvms; n++) {
		if (vms[n]->state != VM_RESET_REQUESTED ||
		    !(req->vm[n].flags & LAUNCH_F_REBOOT))
			continue;
		hv_printf("%s reset: rebooting it\n", who(n));
		run_wait_quiescent(vms[n]);
		sched_remove_vm(vms[n]);
		vm_destroy(vms[n]);
		vms[n] = boot_guest(n, &req->vm[n], pool);
		place(n, vms[n], &req->vm[n]);
		any = true;
	}
	return any;
}

static _Noreturn void run_many(const struct launch_request *req,
			       struct page_pool *pool, uint32_t uart_intid)
{
	struct vm *vms[LAUNCH_MAX_VMS] = {NULL};

	for (unsigned n = 0; n < req->nvms; n++)
		vms[n] = boot_guest(n, &req->vm[n], pool);
	for (unsigned n = 0; n < req->nvms; n++)
		place(n, vms[n], &req->vm[n]);
	/* The host UART's input is VM 0's. */
	run_prepare(vms[0], uart_intid);
	/* Every VM has vCPU 0 on CPU 0, so CPU 0's scheduler is done only
	 * once every VM has stopped. SCHED_STOP_HOST never comes on bare
	 * metal: every wait ends with an interrupt. */
	do {
		while (sched_run() != SCHED_STOP_DONE)
			;
	} while (reboot_some(req, vms, pool));
	for (unsigned n = 1; n < req->nvms; n++)
		hv_printf("vm%u: %s\n", n,
			  vms[n]->state == VM_OFF ? "powered off" : "reset");
	if (vms[0]->state == VM_OFF)
		finish(0, "guest powered off");
	finish(3, "guest reset (reboot not enabled)");
}

_Noreturn void launch_vms_run(const struct launch_request *req,
			      struct page_pool *pool, uint32_t uart_intid)
{
	for (unsigned n = 0; n < req->nvms; n++)
		if (one_to_one(&req->vm[n]) && req->vm[n].nvcpus > smp_cpus())
			launch_fail(n, "1:1 placement",
				    "fewer physical CPUs than vCPUs (qemu-run "
				    "--pcpus)");
	if (req->nvms == 1)
		run_one(&req->vm[0], pool, uart_intid);
	run_many(req, pool, uart_intid);
}
