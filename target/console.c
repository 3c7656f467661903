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

static void put_str(const char *s)
{
	while (*s)
		uart_putc((uint8_t)*s++);
}

void console_end_line(void)
{
	if (hv_mid_line)
		put_str("\r\n");
	hv_mid_line = false;
}

void hal_console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\r')
			continue; /* lines end "\r\n" here, whatever the core
				     wrote */
		if (!hv_mid_line) {
			if (guest_mid_line)
				uart_putc(CONSOLE_HV_MARK);
			/* Some core messages carry the prefix themselves. */
			if (len - i < HV_PREFIX_LEN ||
			    memcmp(s + i, HV_PREFIX, HV_PREFIX_LEN) != 0)
				put_str(HV_PREFIX);
			hv_mid_line = true;
		}
		if (c == '\n') {
			console_end_line();
			continue;
		}
		uart_putc((uint8_t)c);
	}
}

void hal_guest_uart_out(unsigned vm_id, uint8_t byte)
{
	(void)vm_id; /* one guest per physical UART */
	console_end_line();
	uart_putc(byte);
	guest_mid_line = byte != '\n';
}
