/*
 * Deterministic UART input for hvsim: "once PATTERN appears in the guest's
 * UART output, type TEXT", like harness/qemu-run --send-on, so a guest
 * gets the same input in both runs. Each spec fires once, in order; the
 * bytes arrive in the guest's PL011 at the virtual time of the write that
 * completed the pattern.
 */
#ifndef HARNESS_UART_FEED_H
#define HARNESS_UART_FEED_H

#include <stdint.h>

struct vm;

#define UART_FEED_MAX 8

/* Add "PATTERN=TEXT" (\n in TEXT is a newline). 0, or -1 if malformed or
 * too many. */
int uart_feed_add(const char *spec);
/* Start watching vm's UART output (after the machine is built). */
void uart_feed_attach(struct vm *vm);
/* What the attached watch does with one byte of VM vm_id's output (ctx:
 * the VM given to uart_feed_attach), for a watch that takes its place. */
void uart_feed_watch(void *ctx, unsigned vm_id, uint8_t byte);

#endif
