/*
 * The HAL of the host port. Registers live in a flat file indexed by their
 * 16-bit encoding; a CPU backend (Unicorn) may own the guest's live EL1
 * registers. hal_halt() aborts: on the host a halt is a test failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "a64_sysregs.h"
#include "hal.h"
#include "isolation.h"
#include "sim_hal.h"
#include "vcpu.h"

#define SIM_PHYS_MAX 16
#define SIM_CAPTURE_MAX (1u << 20)
#define SIM_UART_VMS 4

struct phys_region {
	uint64_t pa;
	uint8_t *host;
	size_t size;
};

struct capture {
	char *buf;
	size_t len;
};

/* Read on every event check and trap: inline (sim_hal.h). */
uint64_t sim_sysreg_file[1u << 16];
uint64_t sim_sysreg_writes;
static struct phys_region phys[SIM_PHYS_MAX];
static size_t nphys;
static struct capture console, uart[SIM_UART_VMS];
static int uart_fd = -1, console_fd = -1;
static sim_uart_watch_fn uart_watch;
static void *uart_watch_ctx;
static struct sim_cpu_backend cpu;
static bool have_cpu;
static struct sim_gic_backend gic;
static bool have_gic;
static sim_el3_fn el3;
static struct vcpu *current;
static struct sim_hal_stats stats;
static unsigned cpu_id; /* what hal_cpu_id reports */
static struct vcpu_fpsimd fake_fp;
static uint64_t wall_clock_at_zero; /* seconds, at counter 0 */

static void capture_append(struct capture *c, const char *s, size_t n)
{
	if (!c->buf) {
		c->buf = malloc(SIM_CAPTURE_MAX + 1);
		if (!c->buf)
			return;
	}
	if (n > SIM_CAPTURE_MAX - c->len)
		n = SIM_CAPTURE_MAX -
		    c->len; /* keep the start, drop the rest */
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

static void capture_free(struct capture *c)
{
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
}

void sim_capture_clear(void)
{
	capture_free(&console);
	for (unsigned i = 0; i < SIM_UART_VMS; i++)
		capture_free(&uart[i]);
}

void sim_hal_reset(void)
{
	memset(sim_sysreg_file, 0, sizeof(sim_sysreg_file));
	sim_sysreg_writes++;
	memset(phys, 0, sizeof(phys));
	nphys = 0;
	sim_capture_clear();
	have_cpu = have_gic = false;
	el3 = NULL;
	current = NULL;
	uart_fd = console_fd = -1;
	uart_watch = NULL;
	uart_watch_ctx = NULL;
	memset(&stats, 0, sizeof(stats));
	cpu_id = 0;
	memset(&fake_fp, 0, sizeof(fake_fp));
	wall_clock_at_zero = SIM_WALL_CLOCK_EPOCH;
	sim_iso_reset();
	/* Identification a Cortex-A57 r1p3 reports; GICv3 with 4 LRs. */
	sim_sysreg_file[A64_SR_MIDR_EL1] = 0x411fd073;
	sim_sysreg_file[A64_SR_MPIDR_EL1] = 0x80000000;
	sim_sysreg_file[A64_SR_ID_AA64PFR0_EL1] =
	    0x01000022; /* EL1/EL0 AArch64, GIC */
	sim_sysreg_file[A64_SR_ID_AA64DFR0_EL1] = 0x10305106;
	sim_sysreg_file[A64_SR_ID_AA64ISAR0_EL1] = 0x11120;
	sim_sysreg_file[A64_SR_ID_AA64MMFR0_EL1] = 0x1124;
	sim_sysreg_file[A64_SR_CNTFRQ_EL0] = 62500000;
	sim_sysreg_file[A64_SR_ICH_VTR_EL2] =
	    0x90000003; /* 4 LRs, 5 priority bits */
}

void sim_hal_set_cpu_backend(const struct sim_cpu_backend *b)
{
	have_cpu = b != NULL;
	if (b)
		cpu = *b;
}

void sim_hal_set_gic_backend(const struct sim_gic_backend *b)
{
	have_gic = b != NULL;
	if (b)
		gic = *b;
}

uint64_t hal_sysreg_read(uint32_t enc)
{
	uint64_t val;

	if (have_cpu && cpu.sysreg_read && cpu.sysreg_read(cpu.ctx, enc, &val))
		return val;
	return sim_sysreg_file[enc & 0xffffu];
}

void hal_sysreg_write(uint32_t enc, uint64_t val)
{
	if (have_cpu && cpu.sysreg_write && cpu.sysreg_write(cpu.ctx, enc, val))
		return;
	sim_sysreg_file[enc & 0xffffu] = val;
	sim_sysreg_writes++;
}

/* The core publishes every Stage-2 change with a DSB (a new mapping needs
 * no TLB maintenance, so this may be the only sign of it): the isolation
 * checker, when enabled, looks at the tables then. */
void hal_dsb_ish(void)
{
	sim_iso_any_changed();
}

void hal_isb(void)
{
}

void hal_s2_tlb_flush_vmid(uint16_t vmid)
{
	stats.tlb_flushes++;
	if (have_cpu && cpu.s2_changed)
		cpu.s2_changed(cpu.ctx, vmid, 0, ~0ull);
	sim_iso_vmid_changed(vmid);
}

void hal_s2_tlb_flush_ipa(uint16_t vmid, uint64_t ipa, uint64_t size)
{
	stats.tlb_flushes++;
	if (have_cpu && cpu.s2_changed)
		cpu.s2_changed(cpu.ctx, vmid, ipa, size);
	sim_iso_vmid_changed(vmid);
}

static void echo(int fd, const void *s, size_t len)
{
	if (fd >= 0 && write(fd, s, len) < 0)
		fd = -1; /* output is best effort; the capture is the record */
}

void hal_console_write(const char *s, size_t len)
{
	capture_append(&console, s, len);
	echo(console_fd, s, len);
}

void hal_guest_uart_out(unsigned vm_id, uint8_t byte)
{
	if (vm_id < SIM_UART_VMS)
		capture_append(&uart[vm_id], (const char *)&byte, 1);
	echo(uart_fd, &byte, 1);
	if (uart_watch)
		uart_watch(uart_watch_ctx, vm_id, byte);
}

void sim_guest_uart_watch(sim_uart_watch_fn fn, void *ctx)
{
	uart_watch = fn;
	uart_watch_ctx = ctx;
}

const char *sim_console_text(size_t *len)
{
	if (len)
		*len = console.len;
	return console.buf ? console.buf : "";
}

const char *sim_guest_uart_text(unsigned vm_id, size_t *len)
{
	if (vm_id >= SIM_UART_VMS || !uart[vm_id].buf) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = uart[vm_id].len;
	return uart[vm_id].buf;
}

void sim_guest_uart_echo_fd(int fd)
{
	uart_fd = fd;
}

void sim_console_echo_fd(int fd)
{
	console_fd = fd;
}

uint32_t hal_gic_ack(void)
{
	return have_gic && gic.ack ? gic.ack(gic.ctx) : 1023u;
}

void hal_gic_eoi(uint32_t intid)
{
	if (have_gic && gic.eoi)
		gic.eoi(gic.ctx, intid);
}

void hal_gic_drop(uint32_t intid)
{
	if (have_gic && gic.drop)
		gic.drop(gic.ctx, intid);
}

void hal_gic_deactivate(uint32_t intid)
{
	if (have_gic && gic.deactivate)
		gic.deactivate(gic.ctx, intid);
}

/* Each simulated vCPU has an engine, and so a TLB, of its own: no vCPU
 * ever sees another's entries. Counted for the tests. */
void hal_tlb_flush_guest_local(void)
{
	stats.local_tlb_flushes++;
}

void hal_gic_activate(uint32_t intid)
{
	if (have_gic && gic.activate)
		gic.activate(gic.ctx, intid);
}

/* Through the register file, so the fake virtual CPU interface sees list
 * registers exactly as it does through hal_sysreg_*. */
uint64_t hal_gic_lr_read(unsigned n)
{
	return hal_sysreg_read(A64_SR_ICH_LR(n));
}

void hal_gic_lr_write(unsigned n, uint64_t val)
{
	hal_sysreg_write(A64_SR_ICH_LR(n), val);
}

unsigned hal_gic_num_lrs(void)
{
	return (unsigned)(sim_sysreg_file[A64_SR_ICH_VTR_EL2] & 0x1f) + 1;
}

void sim_set_el3(sim_el3_fn fn)
{
	el3 = fn;
}

void hal_smc_forward(uint64_t a[18])
{
	stats.smc_forwards++;
	if (el3)
		el3(a);
	else
		a[0] = (uint64_t)-1; /* SMCCC NOT_SUPPORTED: no secure world */
}

int sim_phys_add(uint64_t pa, void *host, size_t size)
{
	if (nphys == SIM_PHYS_MAX || size == 0 || pa + size < pa)
		return -1;
	for (size_t i = 0; i < nphys; i++)
		if (pa < phys[i].pa + phys[i].size && phys[i].pa < pa + size)
			return -1;
	phys[nphys].pa = pa;
	phys[nphys].host = host;
	phys[nphys].size = size;
	nphys++;
	return 0;
}

void *hal_pa_to_va(uint64_t pa, size_t len)
{
	for (size_t i = 0; i < nphys; i++) {
		const struct phys_region *r = &phys[i];
		if (pa >= r->pa && len <= r->size &&
		    pa - r->pa <= r->size - len)
			return r->host + (pa - r->pa);
	}
	return NULL;
}

void hal_fpsimd_save(struct vcpu_fpsimd *fp)
{
	if (have_cpu && cpu.fpsimd_save)
		cpu.fpsimd_save(cpu.ctx, fp);
	else
		*fp = fake_fp;
}

void hal_fpsimd_restore(const struct vcpu_fpsimd *fp)
{
	if (have_cpu && cpu.fpsimd_restore)
		cpu.fpsimd_restore(cpu.ctx, fp);
	else
		fake_fp = *fp;
}

struct vcpu *hal_current_vcpu(void)
{
	return current;
}

void hal_set_current_vcpu(struct vcpu *v)
{
	current = v;
	if (have_cpu && cpu.set_current)
		cpu.set_current(cpu.ctx, v);
}

/* The fake machine runs on one host thread. Unit tests play several
 * physical CPUs in turn by setting which one is calling. */
unsigned hal_cpu_id(void)
{
	return cpu_id;
}

void sim_hal_set_cpu_id(unsigned id)
{
	cpu_id = id;
}

/* Recorded; the simulator proper (a CPU model) has one physical CPU and
 * the core never kicks its own: the model fails the run on it. */
void hal_cpu_kick(unsigned id)
{
	stats.kicks++;
	stats.kicked_mask |= 1ul << (id & 63u);
	if (have_cpu && cpu.kick)
		cpu.kick(cpu.ctx, id);
}

const struct sim_hal_stats *sim_hal_stats(void)
{
	return &stats;
}

/* Without a CPU model there is nothing to run: the caller gets the CPU
 * back at once. */
enum hal_exit hal_vcpu_enter(struct vcpu *v)
{
	if (!have_cpu || !cpu.enter)
		return HAL_EXIT_HOST;
	return (enum hal_exit)cpu.enter(cpu.ctx, v);
}

/* Without a CPU model there is nothing to wait for: the caller goes on
 * (the scripted tests then decide what the next entry does). */
bool hal_wait_for_interrupt(void)
{
	return have_cpu && cpu.wait ? cpu.wait(cpu.ctx) : true;
}

/* The fake machine has no physical device of its own: guest UART input is
 * fed to the emulated PL011 directly, not through an interrupt. */
bool hal_port_irq(struct vcpu *v, uint32_t intid)
{
	(void)v;
	(void)intid;
	return false;
}

_Noreturn void hal_halt(void)
{
	stats.halts++;
	fprintf(stderr, "hal_halt: the hypervisor core halted\n");
	abort();
}

/* The sim has no wall clock (runs must not depend on when they run): its
 * day starts at a fixed second and advances with virtual time. */
uint64_t hal_wall_clock_seconds(void)
{
	uint64_t f = hal_counter_freq();

	return wall_clock_at_zero + (f ? hal_counter_now() / f : 0);
}

void sim_hal_set_wall_clock(uint64_t seconds_at_zero)
{
	wall_clock_at_zero = seconds_at_zero;
}
