/* Hypervisor-wide initialisation, called once by a port before any VM. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdbool.h>

/* Checks the core's static tables; HV_OK or an error the port must treat
 * as fatal (a build bug, not a guest problem). */
int hv_init(void);

/* Exit notes (struct exit_note: what the core did, for traces and tests)
 * are recorded unless a port that never reads them turns them off; then
 * an exit pays one test instead of the stores. On by default. */
void hv_set_exit_notes(bool on);

#endif
