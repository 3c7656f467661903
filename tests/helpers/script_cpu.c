/* The scripted world switch (script_cpu.h). */
#include "script_cpu.h"
#include "sim_hal.h"

struct script_cpu script_cpu;

static int enter(void *ctx, struct vcpu *v)
{
	(void)ctx;
	return (int)script_cpu.step(v, script_cpu.enters++);
}

static bool wait(void *ctx)
{
	(void)ctx;
	script_cpu.waits++;
	return script_cpu.wait_result;
}

void script_cpu_attach(bool wait_result)
{
	struct sim_cpu_backend be = {.enter = enter, .wait = wait};

	script_cpu = (struct script_cpu){.wait_result = wait_result};
	sim_hal_set_cpu_backend(&be);
}
