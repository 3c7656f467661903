/*
 * Polled PL011 output, interrupt-driven input. The firmware (QEMU) leaves
 * the UART enabled at a usable baud rate, so init only makes sure the
 * transmitter and receiver are on and leaves the line settings alone.
 */
#include "uart_pl011.h"
#include "mmio_io.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTIMSC 0x038
#define UARTICR 0x044
#define UARTCR 0x030

#define FR_TXFF (1u << 5)
#define FR_RXFE (1u << 4)
#define FR_BUSY (1u << 3)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)

static uint64_t uart_base;

void uart_init(uint64_t base)
{
	uart_base = base;
	mmio_write32(base + UARTCR,
		     mmio_read32(base + UARTCR) | CR_UARTEN | CR_TXE | CR_RXE);
}

void uart_putc(uint8_t c)
{
	if (!uart_base)
		return;
	while (mmio_read32(uart_base + UARTFR) & FR_TXFF)
		;
	mmio_write32(uart_base + UARTDR, c);
}

void uart_flush(void)
{
	if (!uart_base)
		return;
	while (mmio_read32(uart_base + UARTFR) & FR_BUSY)
		;
}

int uart_getc(void)
{
	if (!uart_base || (mmio_read32(uart_base + UARTFR) & FR_RXFE))
		return -1;
	return (int)(mmio_read32(uart_base + UARTDR) & 0xffu);
}

void uart_rx_irq_enable(bool on)
{
	uint32_t imsc;

	if (!uart_base)
		return;
	imsc = mmio_read32(uart_base + UARTIMSC);
	imsc = on ? imsc | INT_RX | INT_RT : imsc & ~(INT_RX | INT_RT);
	mmio_write32(uart_base + UARTIMSC, imsc);
}

void uart_rx_irq_clear(void)
{
	if (uart_base)
		mmio_write32(uart_base + UARTICR, INT_RX | INT_RT);
}
