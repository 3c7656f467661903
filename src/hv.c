#include "hv.h"
#include "lib/log.h"
#include "sysreg/sysreg.h"

bool hv_exit_notes = true;

void hv_set_exit_notes(bool on)
{
	hv_exit_notes = on;
}

int hv_init(void)
{
	int err = sysreg_init();

	if (err)
		hv_printf("hv: trapped sysreg table is not sorted\n");
	return err;
}
