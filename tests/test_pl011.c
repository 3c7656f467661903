/* The emulated PL011, driven through the MMIO bus as a guest would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "a64_sysregs.h"
#include "dev/mmio.h"
#include "bus_access.h"
#include "dev/pl011.h"
#include "hv_err.h"
#include "sim_hal.h"
#include "time/deadline.h"

#define BASE 0x09000000ull
#define VM_ID 1u

#define DR 0x000
#define RSR 0x004
#define FR 0x018
#define ILPR 0x020
#define IBRD 0x024
#define FBRD 0x028
#define LCR_H 0x02c
#define CR 0x030
#define IFLS 0x034
#define IMSC 0x038
#define RIS 0x03c
#define MIS 0x040
#define ICR 0x044
#define DMACR 0x048

#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)

#define CR_UARTEN (1u << 0)
#define CR_LBE (1u << 7)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)
#define INT_OE (1u << 10)

#define RSR_OE (1u << 3)

/* The model's FIFO depth: 16, what Linux's amba-pl011 assumes for the
 * PeriphID this UART reports (revision 1, below r1p5's 32). */
#define RX_FIFO 16u

static struct pl011 uart;
static struct mmio_bus bus;

static int setup(void **state)
{
	(void)state;
	sim_hal_reset();
	memset(&bus, 0, sizeof(bus));
	memset(&uart, 0xa5, sizeof(uart)); /* init must not rely on zeroes */
	pl011_init(&uart, BASE, VM_ID);
	return mmio_bus_add(&bus, &uart.dev) == HV_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sim_hal_reset(); /* frees the capture buffers */
	return 0;
}

/* Accesses relative to the UART, through the real bus. */
#define uart_access(off, width, write, val)                                    \
	bus_rw(&bus, BASE + (off), width, write, val)

static uint64_t rd(uint32_t off, unsigned width)
{
	return bus_rd(&bus, BASE + off, width);
}

static void wr(uint32_t off, unsigned width, uint64_t val)
{
	bus_wr(&bus, BASE + off, width, val);
}

static uint32_t rd32(uint32_t off)
{
	return (uint32_t)rd(off, 4);
}

static void wr32(uint32_t off, uint32_t val)
{
	wr(off, 4, val);
}

static const char *uart_text(size_t *len)
{
	return sim_guest_uart_text(VM_ID, len);
}

/* ---- identification and reset ---- */

static void test_init_fills_device(void **state)
{
	(void)state;
	assert_string_equal(uart.dev.name, "pl011");
	assert_int_equal(uart.dev.base, BASE);
	assert_int_equal(uart.dev.size, 0x1000); /* one 4 KiB frame */
	assert_ptr_equal(uart.dev.ctx, &uart);
	assert_non_null(uart.dev.regions);
	assert_true(uart.dev.nregions > 0);
	assert_int_equal(uart.vm_id, VM_ID);
	assert_int_equal(uart.rx_count, 0);
	assert_int_equal(uart.rsr, 0);
	assert_ptr_equal(mmio_bus_find(&bus, BASE + 0xfff), &uart.dev);
}

static void test_probe_ids(void **state)
{
	static const uint8_t periph[4] = {0x11, 0x10, 0x14, 0x00};
	static const uint8_t pcell[4] = {0x0d, 0xf0, 0x05, 0xb1};
	uint32_t pid = 0, cid = 0;

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(rd32(0xfe0 + 4 * i), periph[i]);
		assert_int_equal(rd32(0xff0 + 4 * i), pcell[i]);
		/* Byte and halfword reads of the same slot agree. */
		assert_int_equal(rd(0xfe0 + 4 * i, 1), periph[i]);
		assert_int_equal(rd(0xff0 + 4 * i, 2), pcell[i]);
		assert_int_equal(rd(0xff0 + 4 * i + 1, 1), 0);
		assert_int_equal(rd(0xff0 + 4 * i + 2, 2), 0);
		pid |= rd32(0xfe0 + 4 * i) << (8 * i);
		cid |= rd32(0xff0 + 4 * i) << (8 * i);
	}
	/* How amba_device reads them: PL011 r1p5, PrimeCell. */
	assert_int_equal(pid, 0x00141011);
	assert_int_equal(cid, 0xb105f00d);
	/* Read-only. */
	wr32(0xfe0, 0xff);
	wr32(0xff0, 0xff);
	assert_int_equal(rd32(0xfe0), 0x11);
	assert_int_equal(rd32(0xff0), 0x0d);
}

static void test_reset_values(void **state)
{
	(void)state;
	assert_int_equal(rd32(CR), 0x300);
	assert_int_equal(rd32(IFLS), 0x12);
	assert_int_equal(rd32(FR), FR_TXFE | FR_RXFE);
	assert_int_equal(rd32(IMSC), 0);
	/* TXRIS too: nothing was written, so the FIFO never went through
	 * its trigger level (PL011 TRM, UARTTXINTR). */
	assert_int_equal(rd32(RIS), 0);
	assert_int_equal(rd32(MIS), 0);
	assert_int_equal(rd32(IBRD), 0);
	assert_int_equal(rd32(FBRD), 0);
	assert_int_equal(rd32(LCR_H), 0);
	assert_int_equal(rd32(RSR), 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
}

static void test_no_64bit_access(void **state)
{
	static const uint32_t regs[] = {DR,  FR,    IBRD,  LCR_H, IFLS, RIS,
					ICR, 0xfe0, 0xfe8, 0xff0, 0xff8};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		if (regs[i] & 7)
			continue;
		v = 0;
		assert_int_equal(uart_access(regs[i], 8, false, &v),
				 MMIO_BAD_ACCESS);
		v = 'X';
		assert_int_equal(uart_access(regs[i], 8, true, &v),
				 MMIO_BAD_ACCESS);
	}
	/* The 64-bit store at DR did not transmit. */
	assert_int_equal(strlen(uart_text(NULL)), 0);
}

static void test_unaligned_rejected(void **state)
{
	uint64_t v = 'A';

	(void)state;
	assert_int_equal(uart_access(DR + 1, 2, true, &v), MMIO_BAD_ACCESS);
	assert_int_equal(uart_access(FR + 2, 4, false, &v), MMIO_BAD_ACCESS);
	assert_int_equal(uart_access(CR + 3, 2, true, &v), MMIO_BAD_ACCESS);
	assert_int_equal(rd32(CR), 0x300);
	assert_int_equal(strlen(uart_text(NULL)), 0);
}

static void test_reserved_and_raz_wi(void **state)
{
	static const uint32_t raz[] = {ILPR,  DMACR, 0x008, 0x00c, 0x010,
				       0x014, 0x01c, 0x04c, 0x800, 0xfdc};

	(void)state;
	for (size_t i = 0; i < sizeof(raz) / sizeof(raz[0]); i++) {
		wr32(raz[i], 0xffffffff);
		assert_int_equal(rd32(raz[i]), 0);
	}
	/* Writes to the holes changed nothing visible. */
	assert_int_equal(rd32(CR), 0x300);
	assert_int_equal(rd32(IMSC), 0);
	assert_int_equal(strlen(uart_text(NULL)), 0);
}

/* ---- transmit ---- */

static void test_dr_write_transmits(void **state)
{
	size_t len;

	(void)state;
	/* Enabled the way Linux does it. */
	wr32(CR, CR_UARTEN | CR_TXE | CR_RXE);
	wr32(DR, 'H');
	wr(DR, 1, 'i');
	wr(DR, 2, '!');
	wr32(DR, 0xffffff00u | '\n'); /* only the data byte goes out */
	assert_string_equal(uart_text(&len), "Hi!\n");
	assert_int_equal(len, 4);
	/* Other VMs' outputs are untouched. */
	assert_int_equal(strlen(sim_guest_uart_text(0, NULL)), 0);
}

static void test_dr_write_without_enable(void **state)
{
	(void)state;
	/* Earlycon: straight after reset (UARTEN clear) ... */
	wr32(DR, 'a');
	/* ... and even with everything off. */
	wr32(CR, 0);
	wr32(DR, 'b');
	assert_string_equal(uart_text(NULL), "ab");
}

static void test_dr_upper_lanes_do_not_transmit(void **state)
{
	(void)state;
	wr(DR + 1, 1, 'x');
	wr(DR + 2, 2, 'y');
	wr(DR + 3, 1, 'z');
	assert_int_equal(strlen(uart_text(NULL)), 0);
}

static void test_vm_id_routes_output(void **state)
{
	struct pl011 other;
	struct mmio_access a = {
	    .ipa = 0x1000, .width = 4, .is_write = true, .data = 'Q'};
	struct mmio_bus b2 = {0};

	(void)state;
	pl011_init(&other, 0x1000, 2);
	assert_int_equal(mmio_bus_add(&b2, &other.dev), HV_OK);
	assert_int_equal(mmio_bus_access(&b2, &a), MMIO_OK);
	assert_string_equal(sim_guest_uart_text(2, NULL), "Q");
	assert_int_equal(strlen(uart_text(NULL)), 0);
}

static void test_fr_after_transmit(void **state)
{
	(void)state;
	for (int i = 0; i < 64; i++)
		wr32(DR, 'x');
	/* TX is instant: never busy, never full, always empty. */
	assert_int_equal(rd32(FR) & (FR_TXFE | FR_TXFF | FR_BUSY), FR_TXFE);
	assert_int_equal(rd32(RIS) & INT_TX, INT_TX);
	assert_int_equal(strlen(uart_text(NULL)), 64);
}

static void test_tx_interrupt(void **state)
{
	(void)state;
	/* Enabled before anything was written: no interrupt (TRM: the
	 * transmit interrupt follows a transition through the level). */
	wr32(IMSC, INT_TX);
	assert_int_equal(rd32(RIS) & INT_TX, 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
	/* The byte leaves the FIFO: TXRIS, and the line with TXIM set. */
	wr32(DR, 'a');
	assert_int_equal(rd32(MIS), INT_TX);
	assert_int_equal(pl011_irq_level(&uart), 1);
	/* ICR clears it until the next write. */
	wr32(ICR, INT_TX);
	assert_int_equal(rd32(RIS) & INT_TX, 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
	wr32(DR, 'b');
	assert_int_equal(rd32(RIS) & INT_TX, INT_TX);
	assert_int_equal(pl011_irq_level(&uart), 1);
	/* What Linux does when it has nothing more to send: mask. */
	wr32(IMSC, 0);
	assert_int_equal(rd32(MIS), 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
}

static void test_loopback(void **state)
{
	(void)state;
	wr32(CR, CR_UARTEN | CR_TXE | CR_RXE | CR_LBE);
	wr32(DR, 'L');
	assert_int_equal(strlen(uart_text(NULL)), 0);
	assert_int_equal(rd32(FR) & FR_RXFE, 0);
	assert_int_equal(rd32(DR), 'L');
	/* Loopback with the receiver off: the byte goes nowhere. */
	wr32(CR, CR_UARTEN | CR_TXE | CR_LBE);
	wr32(DR, 'M');
	assert_int_equal(strlen(uart_text(NULL)), 0);
	assert_int_equal(rd32(FR) & FR_RXFE, FR_RXFE);
	/* Leaving loopback resumes output. */
	wr32(CR, CR_UARTEN | CR_TXE | CR_RXE);
	wr32(DR, 'N');
	assert_string_equal(uart_text(NULL), "N");
}

/* ---- receive ---- */

static void test_rx_single_byte(void **state)
{
	(void)state;
	assert_int_equal(pl011_rx_push(&uart, 'k'), HV_OK);
	assert_int_equal(rd32(FR) & (FR_RXFE | FR_RXFF), 0);
	assert_int_equal(rd32(RIS) & INT_RX, INT_RX);
	assert_int_equal(rd32(DR), 'k');
	assert_int_equal(rd32(FR) & (FR_RXFE | FR_RXFF), FR_RXFE);
	assert_int_equal(rd32(RIS) & INT_RX, 0);
	/* Empty FIFO reads 0 and stays empty. */
	assert_int_equal(rd32(DR), 0);
	assert_int_equal(rd32(FR) & FR_RXFE, FR_RXFE);
	assert_int_equal(uart.rx_count, 0);
}

static void test_rx_fill_overrun_drain(void **state)
{
	(void)state;
	for (unsigned i = 0; i < RX_FIFO; i++) {
		assert_int_equal(rd32(FR) & FR_RXFF, 0);
		assert_int_equal(pl011_rx_push(&uart, (uint8_t)('a' + i)),
				 HV_OK);
	}
	assert_int_equal(rd32(FR) & (FR_RXFE | FR_RXFF), FR_RXFF);
	assert_int_equal(rd32(RSR), 0);
	assert_int_equal(rd32(RIS) & INT_OE, 0);

	/* Overrun: the new byte is lost, the FIFO keeps its contents. */
	assert_int_equal(pl011_rx_push(&uart, 'Z'), HV_ENOMEM);
	assert_int_equal(pl011_rx_push(&uart, 'Y'), HV_ENOMEM);
	assert_int_equal(rd32(RSR) & RSR_OE, RSR_OE);
	assert_int_equal(rd32(RIS) & INT_OE, INT_OE);
	assert_int_equal(uart.rx_count, RX_FIFO);

	for (unsigned i = 0; i < RX_FIFO; i++) {
		assert_int_equal(rd32(FR) & FR_RXFE, 0);
		assert_int_equal(rd32(DR), 'a' + i);
		assert_int_equal(rd32(FR) & FR_RXFF, 0);
	}
	assert_int_equal(rd32(FR) & FR_RXFE, FR_RXFE);
	assert_int_equal(rd32(DR), 0);

	/* Flags stay until the guest clears them. */
	assert_int_equal(rd32(RSR) & RSR_OE, RSR_OE);
	assert_int_equal(rd32(RIS) & INT_OE, INT_OE);
	wr32(RSR, 0); /* ECR: any value clears */
	assert_int_equal(rd32(RSR), 0);
	assert_int_equal(rd32(RIS) & INT_OE, INT_OE);
	wr32(ICR, INT_OE);
	assert_int_equal(rd32(RIS) & INT_OE, 0);
}

static void test_rx_fifo_wraps(void **state)
{
	uint8_t next_in = 0, next_out = 0;

	(void)state;
	/* Keep the FIFO between 5 and 12 deep across several wraps. */
	for (int round = 0; round < 10; round++) {
		while (uart.rx_count < 12)
			assert_int_equal(pl011_rx_push(&uart, next_in++),
					 HV_OK);
		while (uart.rx_count > 5)
			assert_int_equal(rd32(DR), next_out++);
	}
	while (uart.rx_count)
		assert_int_equal(rd(DR, 1), next_out++);
	assert_int_equal(next_in, next_out);
	assert_int_equal(rd32(RSR), 0);
}

static void test_dr_narrow_reads(void **state)
{
	(void)state;
	pl011_rx_push(&uart, 'p');
	pl011_rx_push(&uart, 'q');
	pl011_rx_push(&uart, 'r');
	/* Upper lanes (error bits) read 0 and do not consume data. */
	assert_int_equal(rd(DR + 1, 1), 0);
	assert_int_equal(rd(DR + 2, 2), 0);
	assert_int_equal(uart.rx_count, 3);
	assert_int_equal(rd(DR, 1), 'p');
	assert_int_equal(rd(DR, 2), 'q');
	assert_int_equal(rd(DR, 4), 'r');
	assert_int_equal(uart.rx_count, 0);
}

static void test_rx_interrupt(void **state)
{
	(void)state;
	wr32(IMSC, INT_RX | INT_RT);
	assert_int_equal(pl011_irq_level(&uart), 0);
	pl011_rx_push(&uart, '1');
	assert_int_equal(rd32(MIS), INT_RX);
	assert_int_equal(pl011_irq_level(&uart), 1);
	/* Draining below the level clears RXIS. */
	assert_int_equal(rd32(DR), '1');
	assert_int_equal(rd32(MIS), 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
	/* So does ICR, with the data still waiting (PL011 TRM: "or by
	 * clearing the interrupt"); the next byte raises it again. */
	pl011_rx_push(&uart, '2');
	assert_int_equal(pl011_irq_level(&uart), 1);
	wr32(ICR, INT_RX);
	assert_int_equal(rd32(MIS), 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
	assert_int_equal(rd32(FR) & FR_RXFE, 0);
	pl011_rx_push(&uart, '3');
	assert_int_equal(rd32(MIS), INT_RX);
}

static void test_overrun_interrupt(void **state)
{
	(void)state;
	wr32(IMSC, INT_OE);
	for (unsigned i = 0; i <= RX_FIFO; i++)
		pl011_rx_push(&uart, 'o');
	assert_int_equal(rd32(MIS), INT_OE);
	assert_int_equal(pl011_irq_level(&uart), 1);
	/* Byte-lane clear: OEIS is bit 10, in lane 1. */
	wr(ICR, 1, 0xff);
	assert_int_equal(rd32(RIS) & INT_OE, INT_OE);
	wr(ICR + 1, 1, INT_OE >> 8);
	assert_int_equal(rd32(RIS) & INT_OE, 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
}

static void test_mis_is_ris_and_imsc(void **state)
{
	static const uint32_t masks[] = {
	    0, INT_TX, INT_RX, INT_OE, INT_RX | INT_TX | INT_OE, 0x7ff};

	(void)state;
	pl011_rx_push(&uart, 'm');
	for (unsigned i = 0; i <= RX_FIFO; i++)
		pl011_rx_push(&uart, 'm');
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		wr32(IMSC, masks[i]);
		assert_int_equal(rd32(IMSC), masks[i]);
		assert_int_equal(rd32(MIS), rd32(RIS) & masks[i]);
		assert_int_equal(pl011_irq_level(&uart),
				 (rd32(RIS) & masks[i]) != 0);
	}
	/* RIS and MIS are read-only. */
	wr32(RIS, 0);
	wr32(MIS, 0);
	assert_int_equal(rd32(RIS), INT_RX | INT_OE);
	/* ICR reads as zero. */
	assert_int_equal(rd32(ICR), 0);
}

/* ---- configuration registers ---- */

static void test_plain_registers(void **state)
{
	static const struct {
		uint32_t off, valid;
	} regs[] = {
	    {IBRD, 0xffff}, {FBRD, 0x3f}, {LCR_H, 0xff},
	    {CR, 0xff87},   {IFLS, 0x3f}, {IMSC, 0x7ff},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		wr32(regs[i].off, 0xffffffff);
		assert_int_equal(rd32(regs[i].off), regs[i].valid);
		wr32(regs[i].off, 0);
		assert_int_equal(rd32(regs[i].off), 0);
		wr32(regs[i].off, 0x12345);
		assert_int_equal(rd32(regs[i].off), 0x12345 & regs[i].valid);
	}
}

static void test_narrow_register_writes(void **state)
{
	(void)state;
	wr32(IBRD, 0x1234);
	wr(IBRD + 1, 1, 0xab); /* only the upper byte changes */
	assert_int_equal(rd32(IBRD), 0xab34);
	wr(IBRD, 1, 0xcd);
	assert_int_equal(rd32(IBRD), 0xabcd);
	assert_int_equal(rd(IBRD + 1, 1), 0xab);
	wr(IBRD, 2, 0x0102);
	assert_int_equal(rd32(IBRD), 0x0102);
	wr(IBRD + 2, 2, 0xffff); /* beyond the register: no effect */
	assert_int_equal(rd32(IBRD), 0x0102);
	/* CR as halfword, keeping reserved bits clear. */
	wr(CR, 2, 0xffff);
	assert_int_equal(rd32(CR), 0xff87);
	wr(CR + 1, 1, 0x03);
	assert_int_equal(rd32(CR), 0x0387);
}

static void test_fr_is_read_only(void **state)
{
	(void)state;
	wr32(FR, 0);
	assert_int_equal(rd32(FR), FR_TXFE | FR_RXFE);
	wr32(FR, 0xffffffff);
	assert_int_equal(rd32(FR), FR_TXFE | FR_RXFE);
}

static void test_linux_style_bringup(void **state)
{
	(void)state;
	/* pl011_hwinit / pl011_startup / pl011_set_termios, condensed. */
	wr32(CR, 0);
	wr32(ICR, 0x7ff);
	wr32(IMSC, 0);
	wr32(IBRD, 0x27);
	wr32(FBRD, 0x04);
	wr32(LCR_H, 0x70); /* 8N1, FIFOs on */
	wr32(IFLS, 0x12);
	wr32(CR, CR_UARTEN | CR_TXE | CR_RXE);
	wr32(IMSC, INT_RX | INT_RT);
	assert_int_equal(pl011_irq_level(&uart), 0);
	/* Transmit by polling TXFF like pl011_console_putchar. */
	for (const char *s = "ok\n"; *s; s++) {
		assert_int_equal(rd32(FR) & FR_TXFF, 0);
		wr32(DR, (uint8_t)*s);
	}
	while (rd32(FR) & FR_BUSY)
		fail();
	assert_string_equal(uart_text(NULL), "ok\n");
	/* Two bytes are below the 1/2 trigger level (8): the receive
	 * timeout reports them, 32 bit periods at 38400 baud (divisor
	 * 39 + 4/64) = 52083 ticks of 62.5 MHz after the last one. */
	pl011_rx_push(&uart, 'i');
	pl011_rx_push(&uart, 'n');
	assert_int_equal(pl011_irq_level(&uart), 0);
	sim_sysreg_set(A64_SR_CNTPCT_EL0, 52083);
	assert_int_equal(rd32(MIS), INT_RT);
	assert_int_equal(pl011_irq_level(&uart), 1);
	/* Receive in the interrupt handler until RXFE. */
	char got[4] = {0};
	unsigned n = 0;
	while (!(rd32(FR) & FR_RXFE) && n < 3)
		got[n++] = (char)rd32(DR);
	assert_string_equal(got, "in");
	assert_int_equal(pl011_irq_level(&uart), 0);
}

/* ---- receive trigger levels and the receive timeout ---- */

static void set_count(uint64_t c)
{
	sim_sysreg_set(A64_SR_CNTPCT_EL0, c);
}

/* RXIS with the FIFOs on: at 1/8 (2 bytes), 1/4 (4), 1/2 (8), 3/4 (12)
 * and 7/8 (14) of the 16-entry FIFO, as RXIFLSEL (IFLS[5:3]) says. */
static void test_rx_trigger_levels(void **state)
{
	static const struct {
		uint32_t ifls;
		unsigned level;
	} cases[] = {{0x00, 2}, {0x08, 4}, {0x10, 8}, {0x18, 12}, {0x20, 14}};

	(void)state;
	wr32(LCR_H, 0x70); /* 8 bits, FIFOs on */
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wr32(IFLS, cases[i].ifls | 0x2);
		wr32(ICR, 0x7ff);
		for (unsigned n = 1; n < cases[i].level; n++)
			pl011_rx_push(&uart, (uint8_t)n);
		assert_int_equal(rd32(RIS) & INT_RX, 0);
		pl011_rx_push(&uart, 'L');
		assert_int_equal(rd32(RIS) & INT_RX, INT_RX);
		/* One read takes it below the level. */
		(void)rd32(DR);
		assert_int_equal(rd32(RIS) & INT_RX, 0);
		while (!(rd32(FR) & FR_RXFE))
			(void)rd32(DR);
	}
}

/* FIFOs off: the one-byte holding register triggers RXIS at once. */
static void test_rx_trigger_fifo_off(void **state)
{
	(void)state;
	wr32(LCR_H, 0x60); /* 8 bits, FEN clear */
	wr32(IFLS, 0x20);
	pl011_rx_push(&uart, 'x');
	assert_int_equal(rd32(RIS) & INT_RX, INT_RX);
}

/* 32 bit periods without a new byte while the FIFO holds data: IBRD 1,
 * FBRD 5 (1.5M baud from 24 MHz) is 8 * (64 + 5) = 552 UARTCLK periods,
 * 1437.5 ticks of 62.5 MHz, 1437 whole ones. */
static void test_rx_timeout_period(void **state)
{
	(void)state;
	wr32(IBRD, 1);
	wr32(FBRD, 5);
	wr32(LCR_H, 0x70);
	wr32(IFLS, 0x12);
	wr32(IMSC, INT_RT);
	set_count(10000);
	pl011_rx_push(&uart, 'a');
	set_count(10000 + 1436);
	assert_int_equal(rd32(RIS) & INT_RT, 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
	/* A new byte restarts the period. */
	pl011_rx_push(&uart, 'b');
	set_count(10000 + 1437);
	assert_int_equal(rd32(RIS) & INT_RT, 0);
	set_count(10000 + 1436 + 1436);
	assert_int_equal(rd32(RIS) & INT_RT, 0);
	set_count(10000 + 1436 + 1437);
	assert_int_equal(rd32(RIS), INT_RT);
	assert_int_equal(rd32(MIS), INT_RT);
	assert_int_equal(pl011_irq_level(&uart), 1);
	/* ICR clears it; no new byte, so it does not come back. */
	wr32(ICR, INT_RT);
	assert_int_equal(rd32(RIS) & INT_RT, 0);
	set_count(1000000);
	assert_int_equal(rd32(RIS) & INT_RT, 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
}

/* Reading the FIFO empty clears RTIS; reading it not yet empty does
 * not. The default divisor (IBRD 0: 115200 baud, 64 * 13 + 1) gives
 * 8 * 833 * 62.5 / 24 = 17354 ticks. */
static void test_rx_timeout_cleared_by_draining(void **state)
{
	(void)state;
	wr32(LCR_H, 0x70);
	wr32(IMSC, INT_RT);
	pl011_rx_push(&uart, 'a');
	pl011_rx_push(&uart, 'b');
	set_count(17353);
	assert_int_equal(rd32(RIS) & INT_RT, 0);
	set_count(17354);
	assert_int_equal(rd32(RIS) & INT_RT, INT_RT);
	assert_int_equal(rd32(DR), 'a');
	assert_int_equal(rd32(RIS) & INT_RT, INT_RT);
	assert_int_equal(rd32(DR), 'b');
	assert_int_equal(rd32(RIS) & INT_RT, 0);
	assert_int_equal(pl011_irq_level(&uart), 0);
}

/* Without a poll, the hypervisor timer's interrupt raises the line: the
 * deadline programs CNTHP for the timeout. */
static void test_rx_timeout_by_hyp_timer(void **state)
{
	struct deadline_set set;

	(void)state;
	memset(&set, 0, sizeof(set));
	assert_int_equal(deadline_set_add(&set, &uart.rx_timeout), HV_OK);
	assert_int_equal(deadline_set_attach(&set), HV_OK);
	wr32(LCR_H, 0x70);
	wr32(IMSC, INT_RT);
	set_count(500);
	pl011_rx_push(&uart, 'z');
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CTL_EL2), 1);
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CVAL_EL2), 500 + 17354);
	assert_int_equal(pl011_irq_level(&uart), 0);
	set_count(500 + 17354);
	deadline_timer_irq();
	assert_int_equal(pl011_irq_level(&uart), 1);
	assert_int_equal(uart.ris & INT_RT, INT_RT);
	/* Nothing else is due: the timer is off. */
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CTL_EL2), 0);
	deadline_set_detach(&set);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_init_fills_device),
	    T(test_probe_ids),
	    T(test_reset_values),
	    T(test_no_64bit_access),
	    T(test_unaligned_rejected),
	    T(test_reserved_and_raz_wi),
	    T(test_dr_write_transmits),
	    T(test_dr_write_without_enable),
	    T(test_dr_upper_lanes_do_not_transmit),
	    T(test_vm_id_routes_output),
	    T(test_fr_after_transmit),
	    T(test_tx_interrupt),
	    T(test_loopback),
	    T(test_rx_single_byte),
	    T(test_rx_fill_overrun_drain),
	    T(test_rx_fifo_wraps),
	    T(test_dr_narrow_reads),
	    T(test_rx_interrupt),
	    T(test_overrun_interrupt),
	    T(test_mis_is_ris_and_imsc),
	    T(test_plain_registers),
	    T(test_narrow_register_writes),
	    T(test_fr_is_read_only),
	    T(test_linux_style_bringup),
	    T(test_rx_trigger_levels),
	    T(test_rx_trigger_fifo_off),
	    T(test_rx_timeout_period),
	    T(test_rx_timeout_cleared_by_draining),
	    T(test_rx_timeout_by_hyp_timer),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
