/* Creating, booting and running the VMs a launch descriptor asks for. */
#ifndef TARGET_LAUNCH_VMS_H
#define TARGET_LAUNCH_VMS_H

#include <stdint.h>

#include "launch.h"
#include "mm/page_pool.h"

/* Boot every VM of req, run them until they stop, print the trap summary
 * and power off with VM 0's exit status (target/README.md). */
_Noreturn void launch_vms_run(const struct launch_request *req,
			      struct page_pool *pool, uint32_t uart_intid);

#endif
