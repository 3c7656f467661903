/*
 * The simulated CPU's world switch. Real hardware suspends the guest at an
 * exception to EL2 and resumes it at the ERET; the simulated CPU does the
 * same by running Unicorn on a stack of its own (a fiber). An exit found
 * inside a Unicorn hook (a trap) or at an instruction boundary (a physical
 * IRQ) switches back to the core's run loop with the hook still on the
 * fiber's stack; the core's next hal_vcpu_enter switches in again, and the
 * hook completes the exception return with what the core decided. The core
 * therefore owns the run loop here exactly as on bare metal.
 *
 * The switch itself is a few instructions of x86-64 (the callee-saved
 * registers, MXCSR and the x87 control word): swapcontext() would cost two
 * signal-mask system calls per exit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hal.h"
#include "sched/sched.h"
#include "sim_hal.h"
#include "uc_cpu_priv.h"

/* Valgrind must know the fiber's stack, or it takes every switch for a
 * huge stack frame. Its header is macros only: no library to link. */
#include <valgrind/valgrind.h>

#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif

#ifdef SIM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#if !defined(__x86_64__)
#error "the simulator's fiber switch is written for x86-64 hosts"
#endif

/* Unicorn's code generator recurses on this stack; QEMU gives its own
 * coroutines 1 MiB, so 4 MiB leaves a wide margin. */
#define FIBER_STACK_SIZE (4u << 20)

/* Saves the callee-saved state on the current stack, stores the stack
 * pointer in *save_sp and resumes the context saved at load_sp. */
void sim_fiber_switch(void **save_sp, void *load_sp);
/* First instruction of a new fiber: calls r13(r12) and never returns. */
extern const char sim_fiber_trampoline[];

__asm__(".text\n"
	".globl sim_fiber_switch\n"
	".hidden sim_fiber_switch\n"
	".type sim_fiber_switch, @function\n"
	".p2align 4\n"
	"sim_fiber_switch:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	subq $8, %rsp\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	addq $8, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size sim_fiber_switch, .-sim_fiber_switch\n"
	".globl sim_fiber_trampoline\n"
	".hidden sim_fiber_trampoline\n"
	".type sim_fiber_trampoline, @function\n"
	"sim_fiber_trampoline:\n"
	"	movq %r12, %rdi\n"
	"	callq *%r13\n"
	"	ud2\n"
	".size sim_fiber_trampoline, .-sim_fiber_trampoline\n");

/* AddressSanitizer must be told which stack is live, or it reports the
 * other stack's frames as overflows. */
static void asan_leave(void **fake, const void *to_bottom, size_t to_size)
{
#ifdef SIM_ASAN
	__sanitizer_start_switch_fiber(fake, to_bottom, to_size);
#else
	(void)fake;
	(void)to_bottom;
	(void)to_size;
#endif
}

static void asan_arrive(void *fake, const void **from_bottom, size_t *from_size)
{
#ifdef SIM_ASAN
	__sanitizer_finish_switch_fiber(fake, from_bottom, from_size);
#else
	(void)fake;
	(void)from_bottom;
	(void)from_size;
#endif
}

/* Host -> fiber; returns the kind of the exit the fiber reports. The core
 * has decided about the last exit by now: its record is written first.
 * The world may have changed meanwhile (the list registers, the timers,
 * another engine's time): the engine looks at its events again. */
static enum hal_exit switch_in(struct sim_cpu *c)
{
	struct sim_fiber *f = &c->fiber;
	void *fake = NULL;

	sim_pcpu_flush_record();
	c->next_event = 0;
	f->inside = true;
	asan_leave(&fake, f->stack, f->size);
	sim_fiber_switch(&f->host_sp, f->sp);
	asan_arrive(fake, NULL, NULL);
	f->inside = false;
	return f->kind;
}

/* Fiber -> host, reporting an exit of this kind. */
static void switch_out(struct sim_cpu *c, enum hal_exit kind, bool for_good)
{
	struct sim_fiber *f = &c->fiber;

	f->kind = kind;
	asan_leave(for_good ? NULL : &f->fake, f->host_bottom, f->host_size);
	sim_fiber_switch(&f->sp, f->host_sp);
	asan_arrive(f->fake, &f->host_bottom, &f->host_size);
}

/* The vCPU's registers are v->regs while its CPU does not run: the core
 * may have set them (a CPU_ON) since, and has them after a HAL_EXIT_HOST
 * (the run's end, for a slice, or for good). */
static void fiber_main(struct sim_cpu *c)
{
	asan_arrive(NULL, &c->fiber.host_bottom, &c->fiber.host_size);
	regs_push_all(c);
	sim_world_loop(c);
	regs_pull(c);
	c->fiber.live = false;
	switch_out(c, HAL_EXIT_HOST, true);
	abort(); /* a finished fiber is never switched to */
}

/* A fresh fiber whose first switch_in starts fiber_main(c). */
static void fiber_start(struct sim_cpu *c)
{
	struct sim_fiber *f = &c->fiber;
	uintptr_t top = ((uintptr_t)f->stack + f->size) & ~(uintptr_t)15;
	uint64_t *sp = (uint64_t *)(top - 80);

	/* The frame sim_fiber_switch pops: MXCSR and FPU control word (the
	 * ABI's defaults), r15..r12, rbx, rbp, then the return address. The
	 * trampoline starts with a 16-byte aligned stack, as a call needs. */
	sp[0] = 0x1f80u | (0x037full << 32);
	sp[1] = 0;				 /* r15 */
	sp[2] = 0;				 /* r14 */
	sp[3] = (uint64_t)(uintptr_t)fiber_main; /* r13 */
	sp[4] = (uint64_t)(uintptr_t)c;		 /* r12 */
	sp[5] = 0;				 /* rbx */
	sp[6] = 0;				 /* rbp */
	sp[7] = (uint64_t)(uintptr_t)sim_fiber_trampoline;
	f->sp = sp;
	f->live = true;
}

int sim_fiber_init(struct sim_cpu *c)
{
	struct sim_fiber *f = &c->fiber;

	f->size = FIBER_STACK_SIZE;
	f->stack = malloc(f->size);
	if (!f->stack)
		return -1;
	f->vg_id =
	    VALGRIND_STACK_REGISTER(f->stack, (char *)f->stack + f->size);
	return 0;
}

void sim_fiber_free(struct sim_cpu *c)
{
	struct sim_fiber *f = &c->fiber;

	if (!f->stack)
		return;
	VALGRIND_STACK_DEREGISTER(f->vg_id);
	free(f->stack);
	f->stack = NULL;
}

/* hal_vcpu_enter: run the guest until its next exit. The engine is the
 * current vCPU's, the one its EL1 state went to. */
int sim_world_enter(void *ctx, struct vcpu *v)
{
	struct sim_cpu *c = sim_pcpu.cur;

	(void)ctx;
	if (!c || c->v != v) {
		sim_pcpu_fail("hal_vcpu_enter of vCPU %u, which is not the "
			      "current one or has no simulated CPU",
			      v->id);
		return HAL_EXIT_HOST;
	}
	if (c->fiber.inside || sim_pcpu.result != SIM_RUNNING)
		return HAL_EXIT_HOST; /* the CPU failed, or the run is over */
	if (!c->fiber.live) {
		if (c->result != SIM_RUNNING)
			return HAL_EXIT_HOST;
		fiber_start(c);
	}
	return switch_in(c);
}

/*
 * Only ever called from the fiber: Unicorn's hooks and the CPU's own loop
 * run nowhere else (sim_world_loop is fiber_main's). Under the scheduler,
 * being entered again means the vCPU runs, whatever the core said of this
 * exit: a vCPU that powered itself off comes back from a CPU_ON (with the
 * registers the core gave it, which the hook writes as for any exit).
 */
enum exit_action sim_exit_to_core(struct sim_cpu *c, enum hal_exit kind)
{
	enum exit_action act;

	if (c->pend.valid)
		sim_pcpu.pending = c;
	switch_out(c, kind, false);
	act = (enum exit_action)c->v->exit.action;
	if (act != EXIT_RESUME && act != EXIT_WFI)
		act = EXIT_RESUME;
	return act;
}

/* The machine's vCPUs under the core's scheduler, the one run loop, until
 * virtual time vtime_limit (VM power-off or reset: VM_OFF / VM_RESET from
 * c's VM; a stop of the simulated CPU or an engine: its result). */
enum sim_result sim_cpu_run(struct sim_cpu *c, uint64_t vtime_limit)
{
	const char *msg = "";
	enum sim_result res;

	sim_machine_set_limit(vtime_limit);
	if (sched_run() == SCHED_STOP_DONE) {
		res = c->v->vm->state == VM_OFF ? SIM_VM_OFF : SIM_VM_RESET;
	} else {
		res = sim_machine_result(&msg);
		if (res == SIM_RUNNING) {
			res = SIM_ERROR;
			msg = "the scheduler gave the CPU back for no reason "
			      "the simulator knows";
		}
	}
	if (msg != c->msg)
		snprintf(c->msg, sizeof(c->msg), "%s", msg);
	/* The exit that ended the run was handled: it is recorded now. */
	sim_pcpu_flush_record();
	return res;
}
