/*
 * One physical UART carries two streams: the guest's (raw bytes) and the
 * hypervisor's own lines, each starting with "hv: " and ending "\r\n". If
 * the guest is in the middle of a line when the hypervisor speaks, the hv
 * line is introduced by CONSOLE_HV_MARK, plus "\r\n" if the terminal is
 * not at a line start, and a reader (harness/qemu-run --split) cuts all of
 * it out, leaving the guest's text exactly as the guest wrote it.
 *
 * With several VMs, VM 0's bytes are that guest stream. Every other VM's
 * output is sent a line at a time, like an hv line but starting
 * "vmN| " (N its VM number) and ending "\r\n" after the guest's own bytes
 * up to its '\n'; a line of CONSOLE_VM_LINE_MAX bytes without '\n' is sent
 * as it is. A reader (harness/qemu-run) takes these out of VM 0's text the
 * same way.
 */
#ifndef TARGET_CONSOLE_H
#define TARGET_CONSOLE_H

#include <stdint.h>

#define CONSOLE_HV_MARK '\x1f' /* ASCII unit separator */
#define CONSOLE_VM_SEP "| "
#define CONSOLE_VM_LINE_MAX 256u /* hvsim cuts lines at the same length */

/* Finish any partial hypervisor line (before powering off). */
void console_end_line(void);

/* Send every VM's unfinished line (before powering off). */
void console_flush_vms(void);

#endif
