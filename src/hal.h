/*
 * The one interface between the portable core and a port (target/ or sim/).
 * Everything the core needs from hardware goes through here; the core never
 * includes a port header and never branches on which port it runs on.
 */
#ifndef HV_HAL_H
#define HV_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/sysreg_enc.h"

struct vcpu;
struct vcpu_fpsimd;

/* System registers, addressed by their MRS/MSR encoding (SYSREG_ENC). A port
 * implements every encoding listed in HAL_SYSREGS (arch/sysreg_enc.h); the
 * EL1 ones are the current vCPU's live guest state. */
uint64_t hal_sysreg_read(uint32_t enc);
void hal_sysreg_write(uint32_t enc, uint64_t val);

/* Barriers and Stage-2 TLB maintenance. After the core changes a VM's Stage-2
 * tables it calls hal_s2_tlb_flush_*; a port must not use stale translations
 * after that call returns. */
void hal_dsb_ish(void);
void hal_isb(void);
void hal_s2_tlb_flush_vmid(uint16_t vmid);
void hal_s2_tlb_flush_ipa(uint16_t vmid, uint64_t ipa, uint64_t size);
/* This CPU's TLB entries of the guest regime (EL1&0) for the VMID in
 * VTTBR_EL2, not broadcast: another vCPU of the same VM ran here since
 * this one did, and its Stage-1 entries carry the same VMID (TLBI
 * VMALLE1; a guest's own local TLBI only ever reached the PE it ran on). */
void hal_tlb_flush_guest_local(void);

/* The hypervisor's own console (not a guest's emulated UART backend). */
void hal_console_write(const char *s, size_t len);

/* Emulated-UART output produced by a guest: the port decides where it goes
 * (the host UART on target, a capture buffer/stdout in the sim). */
void hal_guest_uart_out(unsigned vm_id, uint8_t byte);

/* Physical GIC CPU interface. List registers are reached through
 * hal_sysreg_* with ICH_LR_EL2(n). */
uint32_t hal_gic_ack(void);	  /* returns INTID, 1023 if none */
void hal_gic_eoi(uint32_t intid); /* priority drop + deactivate */
/* The two halves of hal_gic_eoi. An interrupt forwarded to a guest through
 * an HW=1 list register only has its priority dropped: it stays active
 * until the guest deactivates its virtual twin, or the core deactivates it
 * (hal_gic_deactivate is defined whether or not intid is active). */
void hal_gic_drop(uint32_t intid);
void hal_gic_deactivate(uint32_t intid);
unsigned hal_gic_num_lrs(void);
/* ICH_LR<n>_EL2 for n < hal_gic_num_lrs(): the same registers as through
 * hal_sysreg_*(SYSREG_ICH_LR(n)), with accessors of their own because the
 * vGIC touches them on every interrupt delivery. */
uint64_t hal_gic_lr_read(unsigned n);
void hal_gic_lr_write(unsigned n, uint64_t val);

/* SMC forwarding to the next exception level (EL3 / SPMD). Arguments in
 * a[0..17] on entry, results in a[0..17] on return. */
void hal_smc_forward(uint64_t a[18]);

/* Physical memory as seen by the hypervisor. Returns NULL if [pa, pa+len)
 * is not memory the port lets the core touch. */
void *hal_pa_to_va(uint64_t pa, size_t len);

/* FP/SIMD world switch (the core itself is built without FP registers). */
void hal_fpsimd_save(struct vcpu_fpsimd *fp);
void hal_fpsimd_restore(const struct vcpu_fpsimd *fp);

/* The vCPU the calling physical CPU is running. */
struct vcpu *hal_current_vcpu(void);
void hal_set_current_vcpu(struct vcpu *v);

/*
 * The world switch. hal_vcpu_enter runs v (current and loaded) in the
 * guest until it exits to EL2, leaves the guest's registers in v->regs and
 * the syndrome of a synchronous exit in v->exit, and says why it exited.
 * The values are the exception vector offsets' order (sync, IRQ, FIQ,
 * SError); HAL_EXIT_HOST means the port wants the physical CPU back (the
 * simulator reached its time limit or failed) and nothing is to handle.
 * Before entering the guest again, the core stores what it decided about
 * the exit in v->exit.action.
 */
enum hal_exit {
	HAL_EXIT_SYNC = 0,
	HAL_EXIT_IRQ = 1,
	HAL_EXIT_FIQ = 2,
	HAL_EXIT_SERROR = 3,
	HAL_EXIT_HOST = 4,
};
enum hal_exit hal_vcpu_enter(struct vcpu *v);

/* Nothing this physical CPU can run: wait until a physical interrupt is
 * pending (WFI on bare metal, with interrupts masked at EL2, so the core
 * acknowledges it afterwards with hal_gic_ack; the simulator moves virtual
 * time on to its next event and makes that interrupt pending). False: the
 * port wants the physical CPU back instead (the simulator reached its time
 * limit, or nothing could ever raise an interrupt), and the scheduler
 * returns to it. */
bool hal_wait_for_interrupt(void);

/*
 * Physical CPUs. Each is numbered 0..HV_MAX_PCPUS-1 by the port (in the
 * order it brings them up; 0 boots). hal_cpu_kick makes CPU 'cpu' take a
 * physical interrupt soon: a CPU running a guest exits to EL2, one idle in
 * hal_wait_for_interrupt returns. The interrupt is HV_KICK_SGI, which the
 * core acknowledges and ends like any other; it carries no data (what the
 * kicked CPU is to do was posted in memory before the kick, and the kick
 * orders it: a release on the sender, an acquire on the receiver's
 * acknowledgement). Kicking the calling CPU is allowed.
 */
#define HV_MAX_PCPUS 8u
#define HV_KICK_SGI 8u
unsigned hal_cpu_id(void);
void hal_cpu_kick(unsigned cpu);

/* Make a private interrupt of this CPU active, as GICR_ISACTIVER0 does: a
 * forwarded timer interrupt the guest has not deactivated yet is made
 * active again when its vCPU is loaded (it was deactivated when the vCPU
 * was put, so that another vCPU's timer could fire meanwhile). */
void hal_gic_activate(uint32_t intid);

/* A physical interrupt the core does not own (the host console's input,
 * say), acknowledged by the core: the port handles and completes it and
 * returns true, or returns false and the core completes it as unrouted. */
bool hal_port_irq(struct vcpu *v, uint32_t intid);

/* Time. The system counter (CNTPCT_EL0 on hardware, virtual time in the
 * sim) and its frequency in Hz; both are the ones the guest's CNTPCT and
 * CNTFRQ show. The hypervisor's own timer is the EL2 physical timer
 * (CNTHP): hal_hyp_timer_arm makes its interrupt, PPI 26, level-high from
 * the moment the counter reaches cval until the timer is re-armed later or
 * cancelled. It is this CPU's, and only the core's (src/time/). */
uint64_t hal_counter_now(void);
uint64_t hal_counter_freq(void);
void hal_hyp_timer_arm(uint64_t cval);
void hal_hyp_timer_cancel(void);

/* The time of day: seconds since 1970-01-01T00:00:00Z, now, from the
 * platform's real-time clock (0 if it has none). What a VM's emulated RTC
 * starts from. */
uint64_t hal_wall_clock_seconds(void);

/* Stop this physical CPU for good (fatal hypervisor error only). */
_Noreturn void hal_halt(void);

#endif
