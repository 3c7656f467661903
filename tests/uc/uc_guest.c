/* Raw guests on the Unicorn engine (see uc_guest.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim_hal.h"
#include "trace.h"
#include "uc/uc_guest.h"

static void observe(void *ctx, const struct sim_trap_record *r)
{
	struct run *run = ctx;

	if (run->n < MAX_RECORDS) {
		run->rec[run->n] = *r;
		trace_format(run->line[run->n], sizeof(run->line[0]), r);
		run->n++;
	}
}

void guest_boot(struct hvsim_machine *m, const struct chunk *chunks,
		size_t nchunks, bool precise, struct run *run)
{
	uint8_t *image = calloc(1, IMAGE_SIZE);
	struct hvsim_opts o = {.mem = 64ull << 20, .precise = precise};
	char err[256];

	assert_non_null(image);
	memset(run, 0, sizeof(*run));
	for (size_t i = 0; i < nchunks; i++)
		memcpy(image + chunks[i].offset, chunks[i].words,
		       chunks[i].n * 4);
	memset(m, 0, sizeof(*m));
	assert_int_equal(hvsim_machine_boot(m, &o, image, IMAGE_SIZE, NULL, 0,
					    err, sizeof(err)),
			 0);
	free(image);
	sim_cpu_set_observer(m->cpu, observe, run);
}

void guest_finish(struct hvsim_machine *m, struct run *run, uint64_t limit)
{
	run->result = sim_cpu_run(m->cpu, limit);
	run->st = *sim_cpu_stats(m->cpu);
	hvsim_machine_teardown(m);
}

void run_guest(const struct chunk *chunks, size_t nchunks, bool precise,
	       struct run *run)
{
	struct hvsim_machine m;

	guest_boot(&m, chunks, nchunks, precise, run);
	guest_finish(&m, run, 100000);
}

struct run *run_both(const struct chunk *chunks, size_t nchunks)
{
	struct run *run = malloc(sizeof(*run));
	struct run *precise = malloc(sizeof(*precise));

	assert_non_null(run);
	assert_non_null(precise);
	run_guest(chunks, nchunks, true, precise);
	run_guest(chunks, nchunks, false, run);
	assert_int_equal(run->n, precise->n);
	for (unsigned i = 0; i < run->n; i++)
		assert_string_equal(run->line[i], precise->line[i]);
	free(precise);
	return run;
}

void assert_reports(const struct run *run, const uint64_t *want, unsigned n)
{
	unsigned k = 0;

	assert_int_equal(run->result, SIM_VM_OFF);
	for (unsigned i = 0; i + 1 < run->n; i++) {
		if (run->rec[i].ec != 0x16) /* HVC64 */
			continue;
		assert_true(k < n);
		assert_int_equal(run->rec[i].a, want[k]);
		k++;
	}
	assert_int_equal(k, n);
}
