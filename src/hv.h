/* Hypervisor-wide initialisation, called once by a port before any VM. */
#ifndef HV_HV_H
#define HV_HV_H

/* Checks the core's static tables; HV_OK or an error the port must treat
 * as fatal (a build bug, not a guest problem). */
int hv_init(void);

#endif
