/*
 * hal_console_write and hal_guest_uart_out over the physical PL011. VM 0's
 * bytes go out raw, as they always have; every other VM's are gathered
 * into a line and sent whole, as "vmN| <line>", the way an hv line is, so
 * two guests' text never interleaves mid-line.
 */
#include <stdbool.h>

#include "console.h"
#include "hal.h"
#include "lib/mem.h"
#include "uart_pl011.h"
#include "vm/vm.h"

#define HV_PREFIX "hv: "
#define HV_PREFIX_LEN 4u

static bool hv_mid_line;    /* an hv line is open */
static bool guest_mid_line; /* the guest's last byte was not '\n' */
static bool term_mid_line;  /* the last byte on the wire was not '\n' */

/* The line each VM n >= 1 is writing (vm_line[0] is unused). */
static char vm_line[HV_MAX_VMS][CONSOLE_VM_LINE_MAX];
static size_t vm_line_len[HV_MAX_VMS];

static void put(uint8_t c)
{
	uart_putc(c);
	term_mid_line = c != '\n';
}

static void put_str(const char *s)
{
	while (*s)
		put((uint8_t)*s++);
}

void console_end_line(void)
{
	if (hv_mid_line)
		put_str("\r\n");
	hv_mid_line = false;
}

/* Mid-guest-line, an hv or vmN line carries the mark, so a reader can
 * take it out of the guest's text, and it still starts a terminal line. */
static void mark_if_mid_line(void)
{
	if (guest_mid_line) {
		bool need_break = term_mid_line;

		put(CONSOLE_HV_MARK);
		if (need_break)
			put_str("\r\n");
		else
			term_mid_line = false; /* the mark does not move it */
	}
}

/* Open an hv line. */
static void begin_hv_line(const char *s, size_t len)
{
	mark_if_mid_line();
	/* Some core messages carry the prefix themselves. */
	if (len < HV_PREFIX_LEN || memcmp(s, HV_PREFIX, HV_PREFIX_LEN) != 0)
		put_str(HV_PREFIX);
	hv_mid_line = true;
}

void hal_console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\r')
			continue; /* lines end "\r\n" here, whatever the core
				     wrote */
		if (!hv_mid_line)
			begin_hv_line(s + i, len - i);
		if (c == '\n')
			console_end_line();
		else
			put((uint8_t)c);
	}
}

/* VM n's line, whole: "vmN| " + its bytes (a '\r' it wrote included) +
 * "\r\n"; a reader takes off the last '\r' only. */
static void emit_vm_line(unsigned n)
{
	console_end_line();
	mark_if_mid_line();
	put_str("vm");
	put((uint8_t)('0' + n));
	put_str(CONSOLE_VM_SEP);
	for (size_t i = 0; i < vm_line_len[n]; i++)
		put((uint8_t)vm_line[n][i]);
	put_str("\r\n");
	vm_line_len[n] = 0;
}

void console_flush_vms(void)
{
	for (unsigned n = 1; n < HV_MAX_VMS; n++)
		if (vm_line_len[n])
			emit_vm_line(n);
}

void hal_guest_uart_out(unsigned vm_id, uint8_t byte)
{
	if (vm_id != 0 && vm_id < HV_MAX_VMS) {
		/* A line longer than the buffer goes out in pieces. */
		if (byte != '\n')
			vm_line[vm_id][vm_line_len[vm_id]++] = (char)byte;
		if (byte == '\n' || vm_line_len[vm_id] == CONSOLE_VM_LINE_MAX)
			emit_vm_line(vm_id);
		return;
	}
	console_end_line();
	uart_putc(byte);
	term_mid_line = byte != '\n';
	guest_mid_line = byte != '\n';
}
