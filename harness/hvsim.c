/*
 * hvsim: boot a guest image under the hypervisor core on the simulated
 * CPU (Unicorn), print its UART on stdout and a summary of the run on
 * stderr.
 *
 *   hvsim run   --guest IMAGE [options]   exit 0 on PSCI SYSTEM_OFF
 *   hvsim bench --guest IMAGE [options]   traps per second (wall clock)
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hv_err.h"
#include "hvsim.h"
#include "isolation.h"
#include "sched/sched.h"
#include "sim_hal.h"
#include "trace.h"
#include "uart_feed.h"

#define MIB (1ull << 20)
#define MEM_DEFAULT (128 * MIB)
#define MEM_MIN (16 * MIB)
#define MEM_MAX (4096 * MIB)
#define MAX_INSNS_DEFAULT 20000000000ull
/* The run goes in slices of this many instructions so that a SIGINT or
 * SIGTERM is noticed between two (a fraction of a second); the fixtures
 * finish inside the first one. */
#define SLICE_INSNS 20000000ull

/* Set by the signal handler (nothing else is async-signal-safe to do
 * there), read by the engine before every block and between slices. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * Run until the guest stops, max_insns are spent or a signal arrives: the
 * core's scheduler runs the vCPUs on the one simulated physical CPU. A
 * slice that ends at its limit has spent all of it: on instructions, or
 * on exceptions taken without one completing (the engine counts those
 * against the limit), so the slices add up to max_insns. An isolation
 * violation (checked at every Stage-2 change) ends the run after its
 * slice. *msg explains an error or a deadlock.
 */
static enum sim_result run_slices(const struct hvsim_machine *m,
				  uint64_t max_insns, const char **msg)
{
	enum sim_result res = SIM_LIMIT;
	uint64_t left = max_insns;
	struct sim_stats st;

	*msg = "";
	while (!stop_signal && left && !sim_iso_stats()->violations) {
		uint64_t slice = left < SLICE_INSNS ? left : SLICE_INSNS;

		sim_machine_stats(&st);
		res = sim_cpu_run(m->cpu, st.vtime + slice);
		*msg = sim_cpu_message(m->cpu);
		if (res != SIM_LIMIT)
			break;
		left -= slice;
	}
	return res;
}

static void usage(FILE *f)
{
	fputs(
	    "usage: hvsim run --guest IMAGE [--dtb FILE] [--bootargs STR]\n"
	    "                 [--initrd FILE] [--mem SIZE] [--trace FILE] "
	    "[--max-insns N]\n"
	    "                 [--quiet] [--precise] [--send-on PATTERN=TEXT]\n"
	    "                 [--vcpus N] [--vm IMAGE[,vcpus=N,mem=SIZE,"
	    "initrd=F,dtb=F,\n"
	    "                 bootargs=S]]...\n"
	    "       hvsim bench --guest IMAGE [same options]\n"
	    "SIZE is bytes or a number with K, M or G (16M..4G, 4 KiB "
	    "multiple).\n"
	    "--send-on types TEXT (\\n: newline) into the guest's UART once\n"
	    "PATTERN appears in its output (repeatable, in order).\n"
	    "--vcpus N gives the VM N vCPUs (1..8, default 1), all run by the\n"
	    "hypervisor's scheduler on one simulated physical CPU.\n"
	    "--vm adds a VM beside the guest (VM 0), up to 3, each with its\n"
	    "own RAM, VMID and devices; VM n's UART lines print whole on\n"
	    "stdout as 'vmN| <line>', between VM 0's lines. The exit status\n"
	    "is VM 0's.\n"
	    "--iso-shared VM,OFFSET,SIZE,MASK lets the VMs in MASK (bit n:\n"
	    "VM n) map [OFFSET, OFFSET+SIZE) of VM's RAM (FF-A sharing)\n"
	    "without an isolation violation.\n"
	    "--max-insns limits the guest instructions executed (time idle\n"
	    "in WFI, skipped to the next timer, is not counted).\n"
	    "Exit status: 0 guest powered off, 1 guest error, limit or "
	    "deadlock,\n2 bad usage, missing file or bad image.\n",
	    f);
}

static int parse_u64(const char *s, uint64_t *out, char *suffix)
{
	char *end;
	unsigned long long v;

	if (!s[0] || s[0] == '-' || s[0] == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	*suffix = *end;
	if (*end && end[1])
		return -1;
	*out = v;
	return 0;
}

static int parse_size(const char *s, uint64_t *out)
{
	uint64_t v, mul = 1;
	char suffix;

	if (parse_u64(s, &v, &suffix) != 0)
		return -1;
	switch (suffix) {
	case 0:
		break;
	case 'k':
	case 'K':
		mul = 1ull << 10;
		break;
	case 'm':
	case 'M':
		mul = 1ull << 20;
		break;
	case 'g':
	case 'G':
		mul = 1ull << 30;
		break;
	default:
		return -1;
	}
	if (v > MEM_MAX / mul)
		return -1;
	v *= mul;
	if (v < MEM_MIN || v > MEM_MAX || v % 4096)
		return -1;
	*out = v;
	return 0;
}

/* For hvsim_vms.c's --vm values. */
int hvsim_parse_u64(const char *s, uint64_t *out, char *suffix)
{
	return parse_u64(s, out, suffix);
}

int hvsim_parse_size(const char *s, uint64_t *out)
{
	return parse_size(s, out);
}

/* "VM,OFFSET,SIZE,MASK" (numbers in C syntax): VM < 4, a page-aligned
 * range, a mask of VMs 0..3. */
static int parse_iso_shared(const char *text, struct hvsim_opts *o)
{
	struct hvsim_iso_shared *d = &o->iso_shared[o->niso_shared];
	uint64_t v[4];
	const char *p = text;
	char *end;

	for (unsigned i = 0; i < 4; i++) {
		errno = 0;
		v[i] = strtoull(p, &end, 0);
		if (errno || end == p || *end != (i == 3 ? '\0' : ','))
			goto bad;
		p = end + 1;
	}
	if (o->niso_shared == HVSIM_MAX_ISO_SHARED || v[0] > 3 || v[1] % 4096 ||
	    v[2] == 0 || v[2] % 4096 || v[1] + v[2] < v[1] || v[3] == 0 ||
	    v[3] > 0xf)
		goto bad;
	d->vm = (unsigned)v[0];
	d->offset = v[1];
	d->size = v[2];
	d->mask = (uint32_t)v[3];
	o->niso_shared++;
	return 0;
bad:
	fprintf(stderr,
		"hvsim: bad --iso-shared '%s' (VM,OFFSET,SIZE,MASK; "
		"at most %u)\n",
		text, (unsigned)HVSIM_MAX_ISO_SHARED);
	return -1;
}

static int parse_args(int argc, char **argv, struct hvsim_opts *o)
{
	static const struct option longopts[] = {
	    {"guest", required_argument, NULL, 'g'},
	    {"dtb", required_argument, NULL, 'd'},
	    {"bootargs", required_argument, NULL, 'b'},
	    {"initrd", required_argument, NULL, 'i'},
	    {"mem", required_argument, NULL, 'm'},
	    {"trace", required_argument, NULL, 't'},
	    {"max-insns", required_argument, NULL, 'n'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"precise", no_argument, NULL, 'p'},
	    {"send-on", required_argument, NULL, 's'},
	    {"vcpus", required_argument, NULL, 'v'},
	    {"vm", required_argument, NULL, 'V'},
	    {"iso-shared", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch;
	char suffix;
	uint64_t n;

	memset(o, 0, sizeof(*o));
	o->mem = MEM_DEFAULT;
	o->max_insns = MAX_INSNS_DEFAULT;
	o->vcpus = 1;
	opterr = 0;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			o->guest = optarg;
			break;
		case 'd':
			o->dtb = optarg;
			break;
		case 'b':
			o->bootargs = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 't':
			o->trace = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'p':
			o->precise = true;
			break;
		case 's':
			if (uart_feed_add(optarg) != 0) {
				fprintf(stderr,
					"hvsim: bad --send-on '%s' "
					"(PATTERN=TEXT)\n",
					optarg);
				return -1;
			}
			break;
		case 'm':
			if (parse_size(optarg, &o->mem) != 0) {
				fprintf(stderr,
					"hvsim: bad --mem '%s' (16M..4G, a "
					"multiple of 4K)\n",
					optarg);
				return -1;
			}
			break;
		case 'v':
			if (parse_u64(optarg, &n, &suffix) != 0 || suffix ||
			    n == 0 || n > VM_MAX_VCPUS) {
				fprintf(stderr,
					"hvsim: bad --vcpus '%s' (1..%u)\n",
					optarg, (unsigned)VM_MAX_VCPUS);
				return -1;
			}
			o->vcpus = (unsigned)n;
			break;
		case 'V':
			if (o->nextra == HVSIM_MAX_EXTRA_VMS) {
				fprintf(stderr, "hvsim: at most %u --vm\n",
					(unsigned)HVSIM_MAX_EXTRA_VMS);
				return -1;
			}
			if (hvsim_vm_parse(optarg, &o->extra[o->nextra++]) != 0)
				return -1;
			break;
		case 'S':
			if (parse_iso_shared(optarg, o) != 0)
				return -1;
			break;
		case 'n':
			if (parse_u64(optarg, &o->max_insns, &suffix) != 0 ||
			    suffix || o->max_insns == 0) {
				fprintf(stderr, "hvsim: bad --max-insns '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr,
				"hvsim: bad option '%s' (hvsim --help lists "
				"them)\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hvsim: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (!o->guest) {
		fprintf(stderr, "hvsim: --guest IMAGE is required\n");
		return -1;
	}
	return 0;
}

static void print_summary(const struct sim_stats *st, enum sim_result res,
			  const char *msg)
{
	char line[640];

	if (stop_signal)
		fprintf(stderr, "hvsim: result: interrupted by signal %d\n",
			(int)stop_signal);
	else
		fprintf(stderr, "hvsim: result: %s%s%s\n", sim_result_name(res),
			msg[0] ? ": " : "", msg);
	exit_stats_format(&st->traps, line, sizeof(line));
	fprintf(stderr, "hvsim: traps: %s\n", line);
	fprintf(stderr,
		"hvsim: instructions: %llu, virtual time: %llu (idle %llu), "
		"guest exceptions: %llu, virtual IRQs: %llu\n",
		(unsigned long long)(st->vtime - st->idle),
		(unsigned long long)st->vtime, (unsigned long long)st->idle,
		(unsigned long long)st->guest_exceptions,
		(unsigned long long)st->virqs);
	if (st->pc_guesses || st->late_redirects)
		fprintf(stderr,
			"hvsim: warning: %llu faulting instructions guessed, "
			"%llu late redirects (simulation not exact there)\n",
			(unsigned long long)st->pc_guesses,
			(unsigned long long)st->late_redirects);
}

/* A Stage-2 that breaks isolation fails the run, whatever the guest did. */
static bool report_isolation(void)
{
	const struct sim_iso_stats *st = sim_iso_stats();

	if (!st->violations)
		return false;
	fprintf(stderr,
		"hvsim: error: isolation violated (%lu violations in %lu "
		"checks), first: %s\n",
		st->violations, st->checks, sim_iso_first_violation());
	return true;
}

static int exit_status(enum sim_result res)
{
	if (report_isolation())
		return HVSIM_EXIT_GUEST;
	return res == SIM_VM_OFF && !stop_signal ? HVSIM_EXIT_OFF
						 : HVSIM_EXIT_GUEST;
}

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void observe(struct sim_cpu *c, void *tr)
{
	sim_cpu_set_observer(c, trace_trap, tr);
}

static void teardown(struct hvsim_machine *m, struct hvsim_opts *o)
{
	hvsim_vms_teardown(m);
	hvsim_machine_teardown(m);
	for (unsigned n = 0; n < o->nextra; n++)
		hvsim_vm_spec_free(&o->extra[n]);
}

int main(int argc, char **argv)
{
	struct hvsim_opts o;
	struct hvsim_machine m;
	struct trace tr = {0};
	struct sim_stats st;
	char err[512];
	const char *msg;
	enum sim_result res;
	bool bench;
	double t0 = 0, t1 = 0;
	int rc;

	if (argc < 2 ||
	    (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "bench") != 0)) {
		if (argc >= 2 &&
		    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			usage(stdout);
			return 0;
		}
		fprintf(stderr, "hvsim: usage: hvsim run|bench --guest IMAGE "
				"[options] (hvsim --help lists them)\n");
		return HVSIM_EXIT_USAGE;
	}
	bench = strcmp(argv[1], "bench") == 0;
	if (parse_args(argc, argv, &o) != 0)
		return HVSIM_EXIT_USAGE;
	if (bench)
		o.quiet = true;
	if (o.trace && trace_open(&tr, o.trace) != 0) {
		fprintf(stderr, "hvsim: cannot create %s: %s\n", o.trace,
			strerror(errno));
		return HVSIM_EXIT_USAGE;
	}
	rc = hvsim_machine_setup(&m, &o, err, sizeof(err));
	if (rc == 0)
		rc = hvsim_vms_setup(&m, &o, err, sizeof(err));
	for (unsigned i = 0; rc == 0 && i < o.niso_shared; i++) {
		const struct hvsim_iso_shared *d = &o.iso_shared[i];

		if (sim_iso_add_shared(hvsim_vm_ram_pa(d->vm) + d->offset,
				       d->size, d->mask) != 0) {
			snprintf(err, sizeof(err), "--iso-shared %u: refused",
				 i + 1);
			rc = HVSIM_EXIT_USAGE;
		}
	}
	if (rc != 0) {
		fprintf(stderr, "hvsim: %s\n", err);
		teardown(&m, &o);
		trace_close(&tr);
		return rc;
	}
	if (report_isolation()) {
		teardown(&m, &o);
		trace_close(&tr);
		return HVSIM_EXIT_GUEST;
	}
	uart_feed_attach(m.vm);
	sim_guest_uart_echo_fd(o.quiet ? -1 : 1);
	sim_console_echo_fd(o.quiet ? -1 : 2);
	hvsim_vms_console(&m, o.quiet ? -1 : 1);
	if (o.trace)
		hvsim_vms_for_each_cpu(&m, observe, &tr);

	catch_signals();
	sim_cpu_watch_flag(m.cpu, &stop_signal);
	if (bench)
		t0 = wall_seconds();
	res = run_slices(&m, o.max_insns, &msg);
	if (bench)
		t1 = wall_seconds();

	hvsim_vms_console_flush();
	hvsim_vms_summary(&m);
	sim_machine_stats(&st);
	print_summary(&st, res, msg);
	if (bench) {
		double secs = t1 - t0 > 1e-9 ? t1 - t0 : 1e-9;

		printf("bench: %s: %llu traps in %.3f s: %.0f traps/s "
		       "(%llu instructions)\n",
		       o.guest, (unsigned long long)st.traps_total, secs,
		       (double)st.traps_total / secs,
		       (unsigned long long)(st.vtime - st.idle));
	}
	rc = exit_status(res);
	teardown(&m, &o);
	if (trace_close(&tr) != 0) {
		fprintf(stderr, "hvsim: writing the trace failed\n");
		rc = HVSIM_EXIT_GUEST;
	}
	if (fflush(stdout) != 0)
		rc = HVSIM_EXIT_GUEST;
	return rc;
}
