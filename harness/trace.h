/*
 * hvsim's trap trace: one line per exit to the hypervisor, with nothing
 * that depends on the host (no addresses of host memory, no wall clock),
 * so two runs of the same guest give byte-identical files.
 *
 *   <seq> [cpu=<vCPU>] t=<vtime> <EC name>(0x<ec>) iss=0x<iss> pc=0x<pc>
 *       <what> a=0x<a> b=0x<b> r=0x<result> -> <exit action>
 *
 * cpu= only on a machine with more than one vCPU. Lines come in the order
 * the hypervisor handled the exits; t is the time of the exit.
 */
#ifndef HARNESS_TRACE_H
#define HARNESS_TRACE_H

#include <stdio.h>

#include "sim_cpu.h"

struct trace {
	FILE *f;
	int write_error;
};

/* Returns 0, or -1 (errno set) if path cannot be created. */
int trace_open(struct trace *t, const char *path);
/* A sim_trap_observer: ctx is the struct trace. */
void trace_trap(void *ctx, const struct sim_trap_record *r);
/* Flush and close; -1 if any write failed. */
int trace_close(struct trace *t);

/* Format one record into buf (for tests); returns the line length. */
int trace_format(char *buf, size_t size, const struct sim_trap_record *r);

#endif
