#include "hv.h"
#include "lib/log.h"
#include "sysreg/sysreg.h"

int hv_init(void)
{
	int err = sysreg_init();

	if (err)
		hv_printf("hv: trapped sysreg table is not sorted\n");
	return err;
}
