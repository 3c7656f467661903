/* hal_console_write and hal_guest_uart_out over the physical PL011. */
#include <stdbool.h>

#include "console.h"
#include "hal.h"
#include "lib/mem.h"
#include "uart_pl011.h"

#define HV_PREFIX "hv: "
#define HV_PREFIX_LEN 4u

static bool hv_mid_line;    /* an hv line is open */
static bool guest_mid_line; /* the guest's last byte was not '\n' */
static bool term_mid_line;  /* the last byte on the wire was not '\n' */

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

/* Open an hv line. Mid-guest-line it carries the mark, so a reader can
 * take it out of the guest's text, and it still starts a terminal line. */
static void begin_hv_line(const char *s, size_t len)
{
	if (guest_mid_line) {
		bool need_break = term_mid_line;

		put(CONSOLE_HV_MARK);
		if (need_break)
			put_str("\r\n");
		else
			term_mid_line = false; /* the mark does not move it */
	}
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

void hal_guest_uart_out(unsigned vm_id, uint8_t byte)
{
	(void)vm_id; /* one guest per physical UART */
	console_end_line();
	uart_putc(byte);
	term_mid_line = byte != '\n';
	guest_mid_line = byte != '\n';
}
