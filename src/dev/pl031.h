/* Emulated ARM PL031 real-time clock (enough for Linux's rtc-pl031). */
#ifndef HV_DEV_PL031_H
#define HV_DEV_PL031_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/mmio.h"
#include "time/deadline.h"
#include "vgic/vgic.h"

#define PL031_SIZE 0x1000u

struct pl031 {
	struct mmio_device dev;
	/* RTCDR = lr + whole seconds of the system counter since 'base'
	 * while started; lr while stopped. */
	uint32_t lr;
	uint64_t base;
	uint32_t mr;
	bool started; /* RTCCR.RTCStart: set once, kept until reset */
	bool imsc;
	bool ris;
	struct vgic_line irq;  /* RTCINTR: RTCRIS & RTCIMSC */
	struct deadline match; /* when RTCDR next reaches RTCMR */
};

void pl031_init(struct pl031 *r, uint64_t base);
/* Connect RTCINTR to intid of vm's vGIC. */
void pl031_connect_irq(struct pl031 *r, struct vm *vm, uint32_t intid);
/* RTCDR now. */
uint32_t pl031_count(const struct pl031 *r);

#endif
