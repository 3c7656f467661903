/* hvsim --send-on: feed the guest's PL011 when its output shows a prompt. */
#include <string.h>

#include "sim_hal.h"
#include "uart_feed.h"
#include "vm/vm.h"

#define FEED_LEN 128

struct feed {
	char pattern[FEED_LEN];
	char text[FEED_LEN];
	size_t plen, tlen;
};

static struct feed feeds[UART_FEED_MAX];
static unsigned nfeeds, next;
/* The output since the last feed fired, its last FEED_LEN bytes. */
static char seen[FEED_LEN];
static size_t nseen;

int uart_feed_add(const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct feed *f;

	if (!eq || eq == spec || nfeeds == UART_FEED_MAX ||
	    (size_t)(eq - spec) >= FEED_LEN)
		return -1;
	f = &feeds[nfeeds];
	memset(f, 0, sizeof(*f));
	f->plen = (size_t)(eq - spec);
	memcpy(f->pattern, spec, f->plen);
	for (const char *t = eq + 1; *t; t++) {
		char c = *t;

		if (c == '\\' && t[1] == 'n') {
			c = '\n';
			t++;
		}
		if (f->tlen == FEED_LEN)
			return -1;
		f->text[f->tlen++] = c;
	}
	nfeeds++;
	return 0;
}

void uart_feed_watch(void *ctx, unsigned vm_id, uint8_t byte)
{
	struct vm *vm = ctx;
	const struct feed *f;

	if (vm_id != vm->id || next >= nfeeds)
		return;
	if (nseen == FEED_LEN) {
		memmove(seen, seen + 1, FEED_LEN - 1);
		nseen--;
	}
	seen[nseen++] = (char)byte;
	f = &feeds[next];
	if (nseen < f->plen ||
	    memcmp(seen + nseen - f->plen, f->pattern, f->plen) != 0)
		return;
	next++;
	nseen = 0;
	/* A byte that finds the FIFO full is lost, as on the wire. */
	for (size_t i = 0; i < f->tlen; i++)
		(void)pl011_rx_push(&vm->uart, (uint8_t)f->text[i]);
}

void uart_feed_attach(struct vm *vm)
{
	next = 0;
	nseen = 0;
	if (nfeeds)
		sim_guest_uart_watch(uart_feed_watch, vm);
}
