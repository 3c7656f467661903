/* The physical PL011 the hypervisor and its guest share as a console. */
#ifndef TARGET_UART_PL011_H
#define TARGET_UART_PL011_H

#include <stdbool.h>
#include <stdint.h>

/* Until uart_init() is called, output is dropped. */
void uart_init(uint64_t base);
void uart_putc(uint8_t c);
/* Wait until everything written has left the transmitter. */
void uart_flush(void);
/* A received byte, or -1 when the receive FIFO is empty. */
int uart_getc(void);
/* Raise the receive interrupt (and the receive-timeout one) or not. */
void uart_rx_irq_enable(bool on);
/* Acknowledge the receive interrupts after draining the FIFO. */
void uart_rx_irq_clear(void);

#endif
