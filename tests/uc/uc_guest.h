/*
 * Small raw guests on the Unicorn engine under the real core, for the
 * tests/test_sim_uc_*.c that check exceptions and aborts against the Arm
 * ARM: an image built from chunks of instruction words at offsets (RAM
 * base + 0x80000, 64 MiB of RAM), and the trace records of its run. A
 * guest reports a value with "hvc #0": the record's a is its x0.
 */
#ifndef TESTS_UC_GUEST_H
#define TESTS_UC_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvsim.h"
#include "sim_cpu.h"

#define MAX_RECORDS 80
#define IMAGE_SIZE 0xc00
#define GUEST_PC(off) (0x40080000ull + (off)) /* RAM base + 0x80000 */

struct chunk {
	uint32_t offset;
	const uint32_t *words;
	size_t n;
};

#define CHUNK(off, arr)                                                        \
	{                                                                      \
		(off), (arr), sizeof(arr) / sizeof((arr)[0])                   \
	}

struct run {
	struct sim_trap_record rec[MAX_RECORDS];
	char line[MAX_RECORDS][160];
	unsigned n;
	enum sim_result result;
	struct sim_stats st;
};

/* Boot the guest (run is cleared and observes its traps). */
void guest_boot(struct hvsim_machine *m, const struct chunk *chunks,
		size_t nchunks, bool precise, struct run *run);
/* Run on to virtual time limit, then take the statistics and tear down. */
void guest_finish(struct hvsim_machine *m, struct run *run, uint64_t limit);

void run_guest(const struct chunk *chunks, size_t nchunks, bool precise,
	       struct run *run);
/* Both PC-tracking modes, which must agree trap for trap (malloc'd). */
struct run *run_both(const struct chunk *chunks, size_t nchunks);

/* The values a guest reported with "hvc #0", in order, before the
 * SYSTEM_OFF call that ends it; other exits are skipped. */
void assert_reports(const struct run *run, const uint64_t *want, unsigned n);

#endif
