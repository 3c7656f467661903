/* Trap trace lines (see trace.h). */
#include "trace.h"

#include <stdlib.h>

#define TRACE_BUFFER (1u << 20)

int trace_format(char *buf, size_t size, const struct sim_trap_record *r)
{
	char cpu[16] = "";

	if (r->cpu >= 0)
		snprintf(cpu, sizeof(cpu), " cpu=%d", r->cpu);
	return snprintf(buf, size,
			"%llu%s t=%llu %s(0x%02x) iss=0x%07x pc=0x%llx %s "
			"a=0x%llx b=0x%llx r=0x%llx -> %s\n",
			(unsigned long long)r->seq, cpu,
			(unsigned long long)r->vtime, sim_ec_name(r->ec), r->ec,
			(unsigned)r->iss, (unsigned long long)r->pc,
			r->what[0] ? r->what : "-", (unsigned long long)r->a,
			(unsigned long long)r->b, (unsigned long long)r->result,
			exit_action_name(r->action));
}

int trace_open(struct trace *t, const char *path)
{
	t->write_error = 0;
	t->f = fopen(path, "w");
	if (!t->f)
		return -1;
	setvbuf(t->f, NULL, _IOFBF, TRACE_BUFFER);
	return 0;
}

void trace_trap(void *ctx, const struct sim_trap_record *r)
{
	struct trace *t = ctx;
	char line[512];
	int n = trace_format(line, sizeof(line), r);

	if (n < 0 || (size_t)n >= sizeof(line) ||
	    fwrite(line, 1, (size_t)n, t->f) != (size_t)n)
		t->write_error = 1;
}

int trace_close(struct trace *t)
{
	int err = t->write_error;

	if (!t->f)
		return 0;
	if (fclose(t->f) != 0)
		err = 1;
	t->f = NULL;
	return err ? -1 : 0;
}
