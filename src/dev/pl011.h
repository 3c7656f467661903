/* Emulated ARM PL011 UART (enough for Linux's amba-pl011 driver). */
#ifndef HV_DEV_PL011_H
#define HV_DEV_PL011_H

#include <stdint.h>

#include "dev/mmio.h"
#include "time/deadline.h"
#include "vgic/vgic.h"

#define PL011_SIZE 0x1000u
#define PL011_RX_FIFO 16u

struct pl011 {
	struct mmio_device dev;
	unsigned vm_id; /* passed to hal_guest_uart_out */
	uint16_t ibrd, fbrd, lcr_h, cr, ifls, imsc;
	uint16_t ris; /* latched bits: TXIS, RXIS, RTIS, OEIS */
	uint8_t rsr;
	uint8_t rx[PL011_RX_FIFO];
	uint8_t rx_head, rx_count;
	struct vgic_line irq; /* UARTINTR: RIS & IMSC, to the guest's vGIC */
	/* Receive timeout: 32 bit periods after the last received byte
	 * while the FIFO holds data (armed by every received byte). The
	 * VM adds it to its deadline set. */
	struct deadline rx_timeout;
};

void pl011_init(struct pl011 *u, uint64_t base, unsigned vm_id);
/* Host side feeds a received byte; returns 0, or HV_ENOMEM if the FIFO is
 * full (the byte is dropped and the overrun flag set). */
int pl011_rx_push(struct pl011 *u, uint8_t byte);
/* The receive timeout in system-counter ticks for the current baud rate
 * divisor (IBRD/FBRD, UARTCLK = PL011_UARTCLK_HZ): 32 bit periods. */
uint64_t pl011_rx_timeout_ticks(const struct pl011 *u);
#define PL011_UARTCLK_HZ 24000000u
/* Level of the UART's interrupt line (RIS & IMSC != 0). */
int pl011_irq_level(const struct pl011 *u);
/* Connect UARTINTR to intid of vm's vGIC (unconnected: the line goes
 * nowhere). */
void pl011_connect_irq(struct pl011 *u, struct vm *vm, uint32_t intid);

#endif
