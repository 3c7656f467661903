/*
 * hvsim's VMs beyond the first (see hvsim_vms.h). Each gets RAM of its
 * own at a made-up physical address no other VM's RAM or the page pool
 * uses, a VM (and so a VMID, a PL011, a PL031 and a vGIC distributor) of
 * its own from vm_create, an engine per vCPU, and a place in the
 * independent isolation checker, which then sees every VM's Stage-2 at
 * every change: a page of one VM's mapped into another, or a page of the
 * pool mapped into any, fails the run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv_err.h"
#include "hvsim.h"
#include "hvsim_vms.h"
#include "isolation.h"
#include "sched/sched.h"
#include "sim_hal.h"
#include "uart_feed.h"
#include "vm/boot.h"

/* VM n >= 1's RAM: above the most VM 0 can have (4 GiB at 0x80000000),
 * 4 GiB apart, inside the Stage-2's 40-bit output range. */
#define EXTRA_RAM_PA(n) (0x200000000ull + (uint64_t)((n)-1) * 0x100000000ull)

uint64_t hvsim_vm_ram_pa(unsigned n)
{
	return n ? EXTRA_RAM_PA(n) : HVSIM_RAM_PA;
}
#define EXTRA_MEM_DEFAULT (128ull << 20)

int hvsim_vm_parse(const char *text, struct hvsim_vm_spec *out)
{
	char *s = strdup(text), *p, *next;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	out->owned = s;
	out->mem = EXTRA_MEM_DEFAULT;
	out->vcpus = 1;
	out->image = s;
	p = strchr(s, ',');
	if (p)
		*p++ = '\0';
	if (!s[0]) {
		fprintf(stderr, "hvsim: --vm '%s': no image\n", text);
		return -1;
	}
	for (; p && *p; p = next) {
		char *val;
		char suffix;
		uint64_t n;

		/* bootargs come last and take the rest, commas and all. */
		if (!strncmp(p, "bootargs=", 9)) {
			out->bootargs = p + 9;
			break;
		}
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		val = strchr(p, '=');
		if (!val) {
			fprintf(stderr,
				"hvsim: --vm '%s': '%s' is not KEY=VALUE\n",
				text, p);
			return -1;
		}
		*val++ = '\0';
		if (!strcmp(p, "vcpus")) {
			if (hvsim_parse_u64(val, &n, &suffix) != 0 || suffix ||
			    n == 0 || n > VM_MAX_VCPUS) {
				fprintf(stderr, "hvsim: --vm '%s': bad vcpus\n",
					text);
				return -1;
			}
			out->vcpus = (unsigned)n;
		} else if (!strcmp(p, "mem")) {
			if (hvsim_parse_size(val, &out->mem) != 0) {
				fprintf(stderr,
					"hvsim: --vm '%s': bad mem (16M..4G, "
					"a multiple of 4K)\n",
					text);
				return -1;
			}
		} else if (!strcmp(p, "initrd")) {
			out->initrd = val;
		} else if (!strcmp(p, "dtb")) {
			out->dtb = val;
		} else {
			fprintf(stderr,
				"hvsim: --vm '%s': unknown key '%s' (vcpus, "
				"mem, initrd, dtb, bootargs)\n",
				text, p);
			return -1;
		}
	}
	return 0;
}

void hvsim_vm_spec_free(struct hvsim_vm_spec *s)
{
	free(s->owned);
	memset(s, 0, sizeof(*s));
}

/* The isolation checker's view of a VM: its Stage-2 registers while it
 * has tables. */
static bool extra_s2_regs(void *ctx, uint64_t *vttbr, uint64_t *vtcr)
{
	const struct hvsim_extra_vm *x = ctx;

	if (!x->vm || !x->vm->in_use || !x->vm->s2.root)
		return false;
	*vttbr = stage2_vttbr(&x->vm->s2);
	*vtcr = stage2_vtcr();
	return true;
}

static int boot_extra(struct hvsim_machine *m, unsigned n,
		      const struct hvsim_vm_spec *s, const struct hvsim_opts *o,
		      char *err, size_t errlen)
{
	struct hvsim_extra_vm *x = &m->extra[n - 1];
	struct vm_config cfg = {0};
	struct guest_boot_args args = {0};
	struct guest_boot_info info;
	struct sim_cpu_config ccfg = {.precise = o->precise};
	const char *why = NULL;
	int e;

	if (hvsim_read_file(s->image, s->mem, &x->image, &x->image_len, err,
			    errlen) != 0 ||
	    (s->dtb && hvsim_read_file(s->dtb, HVSIM_DTB_MAX, &x->dtb,
				       &x->dtb_len, err, errlen) != 0) ||
	    (s->initrd && hvsim_read_file(s->initrd, s->mem, &x->initrd,
					  &x->initrd_len, err, errlen) != 0))
		return HVSIM_EXIT_USAGE;
	x->ram_size = (size_t)s->mem;
	x->ram = mmap(NULL, x->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (x->ram == MAP_FAILED) {
		x->ram = NULL;
		snprintf(err, errlen, "VM %u: cannot map %zu bytes of RAM", n,
			 x->ram_size);
		return HVSIM_EXIT_GUEST;
	}
	if (sim_phys_add(EXTRA_RAM_PA(n), x->ram, x->ram_size) != 0 ||
	    sim_iso_add_vm(n, extra_s2_regs, x) != 0) {
		snprintf(err, errlen, "VM %u: cannot register its RAM", n);
		return HVSIM_EXIT_GUEST;
	}
	cfg.ram_pa = EXTRA_RAM_PA(n);
	cfg.ram_size = s->mem;
	cfg.nvcpus = s->vcpus;
	cfg.scratch_dev = true;
	x->vm = vm_create(&cfg, &m->pool, &e);
	if (!x->vm) {
		snprintf(err, errlen, "VM %u: vm_create failed (error %d)", n,
			 e);
		return HVSIM_EXIT_GUEST;
	}
	sim_iso_check_all();
	args.image = x->image;
	args.image_len = x->image_len;
	args.dtb = x->dtb;
	args.dtb_len = x->dtb_len;
	args.bootargs = s->bootargs;
	args.initrd = x->initrd;
	args.initrd_len = x->initrd_len;
	if (vm_boot_guest(x->vm, &args, &info, &why) != HV_OK) {
		snprintf(err, errlen, "VM %u: %s: cannot boot: %s", n, s->image,
			 why ? why : "rejected by the loader");
		return HVSIM_EXIT_USAGE;
	}
	for (unsigned i = 0; i < s->vcpus; i++) {
		if (sim_cpu_create(&x->cpus[i], &x->vm->vcpus[i], &m->gic,
				   &ccfg, &why) != 0) {
			snprintf(err, errlen, "VM %u: simulated CPU %u: %s", n,
				 i, why);
			return HVSIM_EXIT_GUEST;
		}
		x->ncpus = i + 1;
	}
	/* Beside VM 0 on physical CPU 0, round-robin. */
	if (sched_add_vm(x->vm, SCHED_SHARED, 0) != HV_OK) {
		snprintf(err, errlen, "VM %u: the scheduler refused it", n);
		return HVSIM_EXIT_GUEST;
	}
	x->scheduled = true;
	return 0;
}

int hvsim_vms_setup(struct hvsim_machine *m, const struct hvsim_opts *o,
		    char *err, size_t errlen)
{
	for (unsigned n = 1; n <= o->nextra; n++) {
		int rc;

		m->nextra = n;
		rc = boot_extra(m, n, &o->extra[n - 1], o, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

void hvsim_vms_teardown(struct hvsim_machine *m)
{
	for (unsigned n = m->nextra; n-- > 0;) {
		struct hvsim_extra_vm *x = &m->extra[n];

		if (x->scheduled)
			sched_remove_vm(x->vm);
		for (unsigned i = x->ncpus; i-- > 0;)
			sim_cpu_destroy(x->cpus[i]);
		vm_destroy(x->vm);
		if (x->ram)
			munmap(x->ram, x->ram_size);
		free(x->image);
		free(x->dtb);
		free(x->initrd);
		memset(x, 0, sizeof(*x));
	}
	m->nextra = 0;
}

void hvsim_vms_for_each_cpu(struct hvsim_machine *m,
			    void (*fn)(struct sim_cpu *c, void *ctx), void *ctx)
{
	for (unsigned i = 0; i < m->ncpus; i++)
		fn(m->cpus[i], ctx);
	for (unsigned n = 0; n < m->nextra; n++)
		for (unsigned i = 0; i < m->extra[n].ncpus; i++)
			fn(m->extra[n].cpus[i], ctx);
}

/* ---- the console ---- */

static struct {
	int fd;
	struct vm *vm0;
	bool vm0_mid_line;
	char line[HV_MAX_VMS][HVSIM_VM_LINE_MAX];
	size_t len[HV_MAX_VMS];
	/* Whole lines of VMs >= 1 waiting for VM 0 to end its line. */
	char *held;
	size_t held_len;
} con = {.fd = -1};

static void con_write(const void *p, size_t n)
{
	const char *c = p;

	while (con.fd >= 0 && n) {
		ssize_t w = write(con.fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			con.fd = -1; /* the reader went away */
			return;
		}
		c += w;
		n -= (size_t)w;
	}
}

static void release_held(void)
{
	if (con.vm0_mid_line || !con.held_len)
		return;
	con_write(con.held, con.held_len);
	con.held_len = 0;
}

static void end_vm_line(unsigned n)
{
	char prefix[8];
	int plen = snprintf(prefix, sizeof(prefix), "vm%u| ", n);
	size_t need = (size_t)plen + con.len[n] + 1;
	char *grown = realloc(con.held, con.held_len + need);

	if (grown) {
		con.held = grown;
		memcpy(con.held + con.held_len, prefix, (size_t)plen);
		memcpy(con.held + con.held_len + plen, con.line[n], con.len[n]);
		con.held[con.held_len + need - 1] = '\n';
		con.held_len += need;
	}
	con.len[n] = 0;
	release_held();
}

static void con_watch(void *ctx, unsigned vm_id, uint8_t byte)
{
	uart_feed_watch(ctx, vm_id, byte);
	if (vm_id == 0) {
		con_write(&byte, 1);
		con.vm0_mid_line = byte != '\n';
		release_held();
		return;
	}
	if (vm_id >= HV_MAX_VMS)
		return;
	if (byte != '\n')
		con.line[vm_id][con.len[vm_id]++] = (char)byte;
	if (byte == '\n' || con.len[vm_id] == HVSIM_VM_LINE_MAX)
		end_vm_line(vm_id);
}

void hvsim_vms_console(struct hvsim_machine *m, int fd)
{
	if (!m->nextra)
		return;
	free(con.held);
	memset(&con, 0, sizeof(con));
	con.fd = fd;
	con.vm0 = m->vm;
	sim_guest_uart_echo_fd(-1);
	sim_guest_uart_watch(con_watch, m->vm);
}

void hvsim_vms_console_flush(void)
{
	for (unsigned n = 1; n < HV_MAX_VMS; n++)
		if (con.len[n])
			end_vm_line(n);
	con.vm0_mid_line = false;
	release_held();
	free(con.held);
	con.held = NULL;
	con.held_len = 0;
}

/* ---- the summary ---- */

static const char *state_name(const struct vm *vm)
{
	switch (vm->state) {
	case VM_OFF:
		return "powered off";
	case VM_RESET_REQUESTED:
		return "reset";
	default:
		return "still running";
	}
}

static void vm_summary(unsigned n, const struct vm *vm,
		       struct sim_cpu *const *cpus, unsigned ncpus)
{
	struct exit_stats sum = {0};
	char line[640];

	for (unsigned i = 0; i < ncpus; i++) {
		const struct sim_stats *st = sim_cpu_stats(cpus[i]);

		for (unsigned k = 0; k < EXIT_NR_CLASSES; k++)
			sum.count[k] += st->traps.count[k];
	}
	exit_stats_format(&sum, line, sizeof(line));
	fprintf(stderr, "hvsim: vm%u: %s, traps: %s\n", n, state_name(vm),
		line);
}

void hvsim_vms_summary(struct hvsim_machine *m)
{
	if (!m->nextra)
		return;
	vm_summary(0, m->vm, m->cpus, m->ncpus);
	for (unsigned n = 0; n < m->nextra; n++)
		vm_summary(n + 1, m->extra[n].vm, m->extra[n].cpus,
			   m->extra[n].ncpus);
}
