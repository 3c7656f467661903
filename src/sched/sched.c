/*
 * The scheduler (see sched.h): per physical CPU, pick a vCPU round-robin,
 * switch to it, run it until it blocks, stops, or its CPU must pick again.
 */
#include "sched/sched.h"
#include "ffa/ffa.h"
#include "hv_err.h"
#include "lib/spinlock.h"
#include "run.h"
#include "vcpu.h"
#include "vcpu_req.h"
#include "vgic/vgic.h"
#include "vm/vm.h"

#define CNT_CTL_ENABLE (1ull << 0)
#define CNT_CTL_IMASK (1ull << 1)

_Static_assert(DEADLINE_MAX_SETS >= HV_MAX_VMS + HV_MAX_PCPUS,
	       "a deadline set for every VM and every physical CPU");

static struct pcpu pcpus[HV_MAX_PCPUS];
struct spinlock sched_big_lock;
unsigned sched_is_smp;
static uint64_t slice_len;

void sched_smp(void)
{
	sched_is_smp = 1;
}

struct pcpu *pcpu_get(unsigned id)
{
	return id < HV_MAX_PCPUS ? &pcpus[id] : NULL;
}

struct pcpu *pcpu_this(void)
{
	return &pcpus[hal_cpu_id()];
}

/* p is to pick again: at once if idle, at the next exit of the vCPU it
 * runs otherwise (the run loop sees the request). */
static void resched(struct pcpu *p)
{
	atomic_store_explicit(&p->resched, true, memory_order_relaxed);
	if (p->running)
		atomic_fetch_or_explicit(&p->running->req, VCPU_REQ_RESCHED,
					 memory_order_release);
}

/* The time slice ended. */
static void slice_fire(void *ctx)
{
	resched(ctx);
}

static void vtimers_arm(struct pcpu *p);

/* A descheduled vCPU's timer would have fired: it may run (once loaded,
 * the physical timer, restored, fires and is delivered as usual). */
static void vtimers_fire(void *ctx)
{
	struct pcpu *p = ctx;
	uint64_t now = hal_counter_now();

	for (unsigned i = 0; i < p->nqueue; i++) {
		struct vcpu *v = p->queue[i];

		if (v->wake_at <= now) {
			v->wake_at = DEADLINE_NEVER;
			v->timer_wake = true;
			resched(p);
		}
	}
	vtimers_arm(p);
}

static void vtimers_arm(struct pcpu *p)
{
	uint64_t min = DEADLINE_NEVER;

	for (unsigned i = 0; i < p->nqueue; i++)
		if (p->queue[i]->wake_at < min)
			min = p->queue[i]->wake_at;
	if (min == DEADLINE_NEVER)
		deadline_cancel(&p->vtimers);
	else
		deadline_arm(&p->vtimers, min);
}

/* The kick hook (vcpu_req.h): v has new work. Its CPU picks again unless
 * v is what it runs (then the exit the kick causes is enough), and is
 * interrupted if it is another CPU. */
static void sched_kick(struct vcpu *v)
{
	struct pcpu *p = &pcpus[v->pcpu];

	if (p->running != v)
		resched(p);
	if (p->id != hal_cpu_id())
		hal_cpu_kick(p->id);
}

void sched_init(uint64_t slice_ticks)
{
	slice_len = slice_ticks ? slice_ticks : hal_counter_freq() / 100;
	for (unsigned i = 0; i < HV_MAX_PCPUS; i++) {
		struct pcpu *p = &pcpus[i];

		if (p->timers.attached)
			deadline_set_detach(&p->timers);
		*p = (struct pcpu){.id = i};
		deadline_init(&p->slice, slice_fire, p);
		deadline_init(&p->vtimers, vtimers_fire, p);
		(void)deadline_set_add(&p->timers, &p->slice);
		(void)deadline_set_add(&p->timers, &p->vtimers);
		/* Cannot fail: DEADLINE_MAX_SETS leaves room for every
		 * physical CPU besides HV_MAX_VMS. */
		(void)deadline_set_attach_cpu(&p->timers, i);
	}
	vcpu_set_kick_hook(sched_kick);
}

int sched_add_vm(struct vm *vm, enum sched_placement how, unsigned first)
{
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		unsigned cpu = how == SCHED_ONE_TO_ONE ? first + i : first;

		if (cpu >= HV_MAX_PCPUS ||
		    pcpus[cpu].nqueue +
			    (how == SCHED_SHARED ? vm->nvcpus - i : 1) >
			SCHED_MAX_VCPUS_PER_PCPU)
			return HV_EINVAL;
	}
	sched_lock();
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		struct pcpu *p =
		    &pcpus[how == SCHED_ONE_TO_ONE ? first + i : first];

		v->pcpu = p->id;
		v->blocked = false;
		v->timer_wake = false;
		v->wake_at = DEADLINE_NEVER;
		p->queue[p->nqueue++] = v;
		resched(p);
	}
	sched_unlock();
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].pcpu != hal_cpu_id())
			hal_cpu_kick(vm->vcpus[i].pcpu);
	return HV_OK;
}

void sched_remove_vm(struct vm *vm)
{
	sched_lock();
	for (unsigned c = 0; c < HV_MAX_PCPUS; c++) {
		struct pcpu *p = &pcpus[c];
		unsigned n = 0;

		for (unsigned i = 0; i < p->nqueue; i++)
			if (p->queue[i]->vm != vm)
				p->queue[n++] = p->queue[i];
		p->nqueue = n;
		p->next = 0;
		p->last_ran[vm->id] = NULL;
	}
	sched_unlock();
}

bool sched_vm_quiescent(const struct vm *vm)
{
	bool quiet = true;

	sched_lock();
	for (unsigned c = 0; c < HV_MAX_PCPUS; c++)
		if (pcpus[c].loaded && pcpus[c].loaded->vm == vm)
			quiet = false;
	sched_unlock();
	return quiet;
}

/* When v's EL1 timers (saved in v->el1) would raise their interrupts, if
 * they are enabled and unmasked and not already firing into the model
 * (then the model shows the interrupt, and WFI's question sees it). */
static uint64_t timers_deadline(const struct vcpu *v)
{
	static const struct {
		enum vcpu_el1 ctl, cval;
		uint32_t intid;
	} t[] = {
	    {VCPU_CNTV_CTL_EL0, VCPU_CNTV_CVAL_EL0, 27},
	    {VCPU_CNTP_CTL_EL0, VCPU_CNTP_CVAL_EL0, 30},
	};
	uint64_t min = DEADLINE_NEVER;

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t ctl = v->el1[t[i].ctl];
		/* CNTVOFF_EL2 is 0 for every VM (vm_activate_vcpu): the
		 * virtual count is the physical one. */
		uint64_t at = v->el1[t[i].cval];

		if ((ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) != CNT_CTL_ENABLE)
			continue;
		if (v->vgic.phys_active & (1u << t[i].intid))
			continue;
		if (at < min)
			min = at;
	}
	return min;
}

static void put_loaded(struct pcpu *p)
{
	struct vcpu *v = p->loaded;

	if (!v)
		return;
	vcpu_put(v);
	hal_set_current_vcpu(NULL);
	p->loaded = NULL;
	/* Only a vCPU waiting for an interrupt needs waking: one that was
	 * preempted is runnable anyway. */
	if (atomic_load_explicit(&v->power, memory_order_relaxed) ==
		VCPU_POWER_ON &&
	    v->blocked) {
		uint64_t at = timers_deadline(v);

		/* A timer already due wakes the vCPU now: a stand-in armed
		 * in the past would hold the hypervisor timer's interrupt
		 * high, and every vCPU put that way would be taken from its
		 * CPU at once, before it could take its own interrupt. */
		if (at <= hal_counter_now()) {
			v->timer_wake = true;
			at = DEADLINE_NEVER;
		}
		v->wake_at = at;
		vtimers_arm(p);
	}
}

static void load(struct pcpu *p, struct vcpu *v)
{
	if (p->loaded == v)
		return;
	put_loaded(p);
	vm_activate_vcpu(v);
	/* vCPUs of one VM share its VMID: what another left in this CPU's
	 * TLB is not this one's (KVM flushes the same way when a vCPU
	 * follows a sibling on a CPU). */
	if (p->last_ran[v->vm->id] && p->last_ran[v->vm->id] != v)
		hal_tlb_flush_guest_local();
	p->last_ran[v->vm->id] = v;
	vcpu_load(v);
	p->loaded = v;
	v->wake_at = DEADLINE_NEVER;
	vtimers_arm(p);
}

static inline bool vm_running(const struct vcpu *v)
{
	return v->vm->state == VM_RUNNING;
}

/* Has an interrupt v could take come (v blocked)? */
static bool irq_wakes(const struct pcpu *p, struct vcpu *v)
{
	if (v->timer_wake || vgic_vcpu_has_deliverable(v->vm, v))
		return true;
	/* Loaded here, its timers are the physical ones: a condition met
	 * with the interrupt not yet taken ends the wait too (see
	 * handle_wfx). */
	return p->loaded == v && vgic_timer_output_high(v);
}

/* May v be entered now? Requests first (a CPU_ON, an SGI), then: not
 * waiting, or waiting and something it can take has come. */
static bool can_run(const struct pcpu *p, struct vcpu *v)
{
	unsigned req;

	if (!vm_running(v) || !vcpu_runnable(v))
		return false;
	req = atomic_load_explicit(&v->req, memory_order_acquire);
	/* An FF-A wait ends with a message (or a CPU_ON), or with an
	 * interrupt, which FF-A turns into the call's FFA_INTERRUPT: the
	 * vCPU must not be entered with its call unanswered. SGIs posted to
	 * it go into its model first, to be seen (no message can be posted
	 * meanwhile: posts are made under the scheduler's lock, as this). */
	if (v->msg_wait) {
		if (req & (VCPU_REQ_MSG | VCPU_REQ_CPU_ON))
			return true;
		if (req & VCPU_REQ_SGI)
			(void)vcpu_apply_requests(v);
		return irq_wakes(p, v) && ffa_wait_interrupted(v);
	}
	if (req || !v->blocked)
		return true;
	return irq_wakes(p, v);
}

static struct vcpu *pick(struct pcpu *p)
{
	for (unsigned i = 0; i < p->nqueue; i++) {
		unsigned at = (p->next + i) % p->nqueue;
		struct vcpu *v = p->queue[at];

		if (can_run(p, v)) {
			p->next = (at + 1) % p->nqueue;
			return v;
		}
	}
	return NULL;
}

static bool any_vm_running(const struct pcpu *p)
{
	for (unsigned i = 0; i < p->nqueue; i++)
		if (vm_running(p->queue[i]))
			return true;
	return false;
}

static bool others_waiting(const struct pcpu *p, const struct vcpu *v)
{
	for (unsigned i = 0; i < p->nqueue; i++)
		if (p->queue[i] != v && vm_running(p->queue[i]) &&
		    vcpu_runnable(p->queue[i]))
			return true;
	return false;
}

/* Every vCPU of vm stops: its CPUs drop them at their next exit, the
 * ones running it included (a kick alone would let a running vCPU go on
 * once its requests are applied). */
static void stop_vm(struct vm *vm, enum vm_state why)
{
	vm->state = why;
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct pcpu *p = &pcpus[vm->vcpus[i].pcpu];

		resched(p);
		if (p->id != hal_cpu_id())
			hal_cpu_kick(p->id);
	}
}

/* After hv_run_vcpu_slice returned action act for v. */
static void after_exit(struct pcpu *p, struct vcpu *v, enum exit_action act)
{
	switch (act) {
	case EXIT_WFI:
		v->blocked = true;
		break;
	case EXIT_VCPU_OFF:
		/* Put at once: a CPU_ON resets it from memory. */
		put_loaded(p);
		break;
	case EXIT_VM_OFF:
		stop_vm(v->vm, VM_OFF);
		break;
	case EXIT_VM_RESET:
		stop_vm(v->vm, VM_RESET_REQUESTED);
		break;
	default:
		break;
	}
}

enum sched_stop sched_run(void)
{
	struct pcpu *p = pcpu_this();
	enum sched_stop stop;

	sched_lock();
	for (;;) {
		struct vcpu *v;
		enum run_stop rs;
		enum exit_action act = EXIT_RESUME;

		atomic_store_explicit(&p->resched, false, memory_order_relaxed);
		if (p->loaded && !vm_running(p->loaded))
			put_loaded(p);
		v = pick(p);
		if (!v) {
			if (!any_vm_running(p)) {
				stop = SCHED_STOP_DONE;
				break;
			}
			sched_unlock();
			if (!hal_wait_for_interrupt()) {
				sched_lock();
				stop = SCHED_STOP_HOST;
				break;
			}
			sched_lock();
			hv_handle_idle_irqs(p->loaded);
			continue;
		}
		/* A CPU_ON resets the vCPU in memory: before it is loaded
		 * (an OFF vCPU never is, see after_exit). */
		if (!vcpu_apply_requests(v))
			continue;
		load(p, v);
		v->blocked = false;
		v->timer_wake = false;
		if (others_waiting(p, v))
			deadline_arm(&p->slice, hal_counter_now() + slice_len);
		else
			deadline_cancel(&p->slice);
		p->running = v;
		/* Whatever changed while it was not running (requests,
		 * interrupts taken while idle) goes into its LRs. */
		vgic_flush(v);
		rs = hv_run_vcpu_slice(v, &p->resched, &act);
		p->running = NULL;
		if (rs == RUN_HOST) {
			stop = SCHED_STOP_HOST;
			break;
		}
		if (rs == RUN_ACTION)
			after_exit(p, v, act);
	}
	sched_unlock();
	return stop;
}
