/*
 * One physical UART carries two streams: the guest's (raw bytes) and the
 * hypervisor's own lines, each starting with "hv: " and ending "\r\n". If
 * the guest is in the middle of a line when the hypervisor speaks, the hv
 * line is introduced by CONSOLE_HV_MARK, plus "\r\n" if the terminal is
 * not at a line start, and a reader (harness/qemu-run --split) cuts all of
 * it out, leaving the guest's text exactly as the guest wrote it.
 */
#ifndef TARGET_CONSOLE_H
#define TARGET_CONSOLE_H

#include <stdint.h>

#define CONSOLE_HV_MARK '\x1f' /* ASCII unit separator */

/* Finish any partial hypervisor line (before powering off). */
void console_end_line(void);

#endif
