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

/* Nothing the current vCPU can take is pending: wait until a physical
 * interrupt might change that (WFI on bare metal; the simulator moves
 * virtual time on to its next event when the vCPU is entered again). */
void hal_wait_for_interrupt(void);

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

/* Stop this physical CPU for good (fatal hypervisor error only). */
_Noreturn void hal_halt(void);

#endif
