/*
 * Controls of the host port's HAL (sim/hal_host.c), used by the Unicorn
 * engine, hvsim and the unit tests. The HAL itself is a fake machine: a
 * register file indexed by sysreg encoding, a physical memory map, console
 * capture. A CPU backend (the Unicorn engine) may take over the guest's live
 * EL1 registers.
 */
#ifndef SIM_HAL_H
#define SIM_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vcpu;
struct vcpu_fpsimd;

/*
 * A CPU model owning the live guest EL1 state (the Unicorn engines): the
 * calls of one simulated physical CPU. Register and FP/SIMD accesses go to
 * the current vCPU's state (set_current says which it is).
 */
struct sim_cpu_backend {
	void *ctx;
	/* Return true if the backend owns enc and filled/stored the value. */
	bool (*sysreg_read)(void *ctx, uint32_t enc, uint64_t *val);
	bool (*sysreg_write)(void *ctx, uint32_t enc, uint64_t val);
	void (*fpsimd_save)(void *ctx, struct vcpu_fpsimd *fp);
	void (*fpsimd_restore)(void *ctx, const struct vcpu_fpsimd *fp);
	/* Stage-2 of vmid changed: drop cached translations. */
	void (*s2_changed)(void *ctx, uint16_t vmid, uint64_t ipa,
			   uint64_t size);
	/* The world switch behind hal_vcpu_enter (an enum hal_exit),
	 * hal_wait_for_interrupt and hal_set_current_vcpu. */
	int (*enter)(void *ctx, struct vcpu *v);
	bool (*wait)(void *ctx);
	void (*set_current)(void *ctx, struct vcpu *v);
	/* hal_cpu_kick */
	void (*kick)(void *ctx, unsigned cpu);
};

/* A fake GIC CPU interface (sim/fake_gic.c provides one). */
struct sim_gic_backend {
	void *ctx;
	uint32_t (*ack)(void *ctx);
	void (*eoi)(void *ctx, uint32_t intid);
	void (*drop)(void *ctx, uint32_t intid);
	void (*deactivate)(void *ctx, uint32_t intid);
	void (*activate)(void *ctx, uint32_t intid);
	unsigned num_lrs;
};

/* Reset the whole fake machine: registers, memory map, capture, backends. */
void sim_hal_reset(void);

void sim_hal_set_cpu_backend(const struct sim_cpu_backend *b);
void sim_hal_set_gic_backend(const struct sim_gic_backend *b);

/* The register file, bypassing any backend (for tests and the fake layer),
 * indexed by the low 16 bits of the encoding. */
extern uint64_t sim_sysreg_file[1u << 16];
/* Counts the writes to the register file: this, hal_sysreg_write (when no
 * backend takes the register) and sim_hal_reset are its only writers. A
 * value computed from the file alone stays right while the count is
 * unchanged (fake_vcpuif.c keeps the maintenance interrupt's level so). */
extern uint64_t sim_sysreg_writes;
static inline uint64_t sim_sysreg_get(uint32_t enc)
{
	return sim_sysreg_file[enc & 0xffffu];
}
static inline void sim_sysreg_set(uint32_t enc, uint64_t val)
{
	sim_sysreg_file[enc & 0xffffu] = val;
	sim_sysreg_writes++;
}

/* Host memory standing in for physical memory [pa, pa+size). */
int sim_phys_add(uint64_t pa, void *host, size_t size);

/* Everything written to hal_console_write, and guest UART output. */
const char *sim_console_text(size_t *len);
const char *sim_guest_uart_text(unsigned vm_id, size_t *len);
void sim_capture_clear(void);
/* Also copy guest UART bytes to this fd as they arrive (-1: don't). */
void sim_guest_uart_echo_fd(int fd);
/* Also call fn with every guest UART byte, after it is captured (NULL:
 * nobody); a harness feeding input when the guest prints a prompt. */
typedef void (*sim_uart_watch_fn)(void *ctx, unsigned vm_id, uint8_t byte);
void sim_guest_uart_watch(sim_uart_watch_fn fn, void *ctx);
/* Also copy console text to this fd as it arrives (-1: don't). */
void sim_console_echo_fd(int fd);

/* Fake EL3: answers forwarded SMCs. Default: NOT_SUPPORTED in a[0]. */
typedef void (*sim_el3_fn)(uint64_t a[18]);
void sim_set_el3(sim_el3_fn fn);

/* The physical CPU hal_cpu_id reports (tests playing several; 0 after
 * sim_hal_reset). */
void sim_hal_set_cpu_id(unsigned id);

/* hal_wall_clock_seconds: SIM_WALL_CLOCK_EPOCH (2026-01-01T00:00:00Z)
 * at counter 0 after sim_hal_reset, advancing with the counter. */
#define SIM_WALL_CLOCK_EPOCH 1767225600ull
void sim_hal_set_wall_clock(uint64_t seconds_at_zero);

/* Counters the tests read. */
struct sim_hal_stats {
	unsigned long tlb_flushes;
	unsigned long smc_forwards;
	unsigned long halts;
	unsigned long kicks;		 /* hal_cpu_kick calls */
	unsigned long local_tlb_flushes; /* hal_tlb_flush_guest_local */
	unsigned long kicked_mask;	 /* bit n: CPU n was kicked */
};
const struct sim_hal_stats *sim_hal_stats(void);

#endif
