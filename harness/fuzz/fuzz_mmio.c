/*
 * The MMIO bus and every device a VM registers on it (PL011, scratch, and
 * whatever vm_create adds later), under a random sequence of accesses and
 * host-side UART input. Each access's status is checked against the bus
 * contract in dev/mmio.h, evaluated by a linear scan of the same tables
 * (the bus itself uses binary searches); device behaviour against small
 * shadow models: scratch storage reads back what was written, its ID and
 * the PL011 IDs read their fixed values, the PL011 RX FIFO pops in order,
 * TX reaches the console unless in loopback, and the PL011's flag and
 * interrupt registers and IRQ line agree with each other after every
 * step.
 *
 * Input: records of [ctl][offset u16][value u64] (+ a raw IPA u64 when
 * ctl picks one). ctl bit 0: write; bits 1-3: width (bit 3: an illegal
 * one); bits 4-6: a device (0-5) or a raw IPA (6, 7); bit 7: the host
 * pushes a byte into the PL011 instead.
 */
#include <stdint.h>
#include <string.h>

#include "dev/mmio.h"
#include "fz.h"
#include "hv_err.h"
#include "sim_hal.h"

#define FIFO 16u

static const unsigned legal_width[4] = {1, 2, 4, 8};
static const unsigned illegal_width[4] = {0, 3, 16, 255};

struct shadow {
	uint8_t scratch[SCRATCH_BYTES];
	uint8_t fifo[FIFO];
	unsigned head, count;
	size_t uart_len;
	bool txis; /* latched by a transmitted byte, cleared by ICR.TXIC */
};

static uint64_t mask_of(unsigned width)
{
	return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

static uint8_t width_bit(unsigned width)
{
	switch (width) {
	case 1:
		return MMIO_W8;
	case 2:
		return MMIO_W16;
	case 4:
		return MMIO_W32;
	case 8:
		return MMIO_W64;
	default:
		return 0;
	}
}

/* The contract of mmio_bus_access, straight from dev/mmio.h. */
static enum mmio_status expect(const struct mmio_bus *bus, uint64_t ipa,
			       unsigned width, bool *hole)
{
	const struct mmio_device *d = NULL;
	uint64_t off;

	*hole = false;
	for (size_t i = 0; i < bus->n; i++)
		if (ipa >= bus->devs[i]->base &&
		    ipa - bus->devs[i]->base < bus->devs[i]->size)
			d = bus->devs[i];
	if (!d)
		return MMIO_NO_DEVICE;
	if (!width_bit(width) || ipa % width)
		return MMIO_BAD_ACCESS;
	off = ipa - d->base;
	if (off + width > d->size)
		return MMIO_BAD_ACCESS;
	for (size_t i = 0; i < d->nregions; i++) {
		const struct mmio_region *r = &d->regions[i];
		uint64_t end = (uint64_t)r->offset + r->length;

		if (off >= r->offset && off < end)
			return off + width > end ||
				       !(r->widths & width_bit(width))
				   ? MMIO_BAD_ACCESS
				   : MMIO_OK;
		if (r->offset > off && r->offset < off + width)
			return MMIO_BAD_ACCESS; /* a hole spilling into r */
	}
	*hole = true;
	return MMIO_OK;
}

static void check_scratch(struct shadow *sh, const struct mmio_access *a)
{
	uint64_t off = a->ipa - GUEST_SCRATCH_BASE, val = 0;

	if (off + a->width <= SCRATCH_BYTES) {
		if (a->is_write) {
			for (unsigned i = 0; i < a->width; i++)
				sh->scratch[off + i] =
				    (uint8_t)(a->data >> 8 * i);
			return;
		}
		for (unsigned i = a->width; i-- > 0;)
			val = val << 8 | sh->scratch[off + i];
		FZ_CHECK(a->data == val,
			 "scratch read 0x%llx at 0x%llx, want 0x%llx",
			 (unsigned long long)a->data, (unsigned long long)off,
			 (unsigned long long)val);
	} else if (off >= SCRATCH_ID_OFFSET && off < SCRATCH_ID_OFFSET + 8 &&
		   !a->is_write) {
		val = (SCRATCH_ID_VALUE >> 8 * (off - SCRATCH_ID_OFFSET)) &
		      mask_of(a->width);
		FZ_CHECK(a->data == val, "scratch ID read 0x%llx",
			 (unsigned long long)a->data);
	}
}

static void check_pl011(struct fz_vm *f, struct shadow *sh,
			const struct mmio_access *a, uint16_t cr_before)
{
	static const uint8_t ids[8] = {0x11, 0x10, 0x14, 0x00,
				       0x0d, 0xf0, 0x05, 0xb1};
	const struct pl011 *u = &f->vm->uart;
	uint64_t off = a->ipa - GUEST_UART_BASE;
	size_t len;
	const char *out = sim_guest_uart_text(f->vm->id, &len);

	if (off == 0 && a->is_write)
		sh->txis = true; /* the byte left the transmit FIFO */
	if (off >= 0x44 && off < 0x48 && a->is_write &&
	    ((a->data << 8 * (off - 0x44)) & 0x20))
		sh->txis = false; /* UARTICR.TXIC */
	if (off == 0 && a->is_write) {
		if (!(cr_before & 0x80)) { /* CR.LBE clear: transmitted */
			FZ_CHECK(len == sh->uart_len + 1 &&
				     (uint8_t)out[len - 1] == (uint8_t)a->data,
				 "PL011 TX of 0x%02x lost",
				 (unsigned)(uint8_t)a->data);
		} else if ((cr_before & 0x200) && sh->count < FIFO) {
			sh->fifo[(sh->head + sh->count++) % FIFO] =
			    (uint8_t)a->data; /* looped back into RX */
		}
	} else if (off == 0) {
		uint8_t want = sh->count ? sh->fifo[sh->head] : 0;

		FZ_CHECK(a->data == want, "PL011 DR read 0x%llx, want 0x%02x",
			 (unsigned long long)a->data, want);
		if (sh->count) {
			sh->head = (sh->head + 1) % FIFO;
			sh->count--;
		}
	} else if (off >= 0xfe0 && off % 4 == 0 && !a->is_write) {
		FZ_CHECK(a->data == ids[(off - 0xfe0) / 4],
			 "PL011 ID register 0x%llx reads 0x%llx",
			 (unsigned long long)off, (unsigned long long)a->data);
	}
	sh->uart_len = len;
	FZ_CHECK(u->rx_count == sh->count && u->rx_head < FIFO &&
		     (!sh->count || u->rx[u->rx_head] == sh->fifo[sh->head]),
		 "PL011 RX FIFO %u@%u, model %u@%u", u->rx_count, u->rx_head,
		 sh->count, sh->head);
	FZ_CHECK(!(u->cr & 0x78) && !(u->imsc & ~0x7ffu) && !(u->ris & ~0x7ffu),
		 "PL011 reserved bits set");
}

static uint32_t uart_reg(struct mmio_bus *bus, uint32_t off)
{
	struct mmio_access a = {.ipa = GUEST_UART_BASE + off, .width = 4};

	FZ_CHECK(mmio_bus_access(bus, &a) == MMIO_OK, "PL011 0x%x", off);
	return (uint32_t)a.data;
}

/* The PL011 TRM's relations between registers, read back through the bus
 * (none of these reads has a side effect): MIS = RIS & IMSC drives the
 * interrupt line; RXIS only with data in the FIFO; TXIS latched by each
 * transmitted byte and cleared by ICR (PL011 TRM, UARTTXINTR); TXFE holds
 * as transmission is instantaneous; FR's RXFE/RXFF follow the FIFO
 * count. */
static void check_uart_state(struct fz_vm *f, const struct shadow *sh)
{
	struct mmio_bus *bus = &f->vm->bus;
	uint32_t fr = uart_reg(bus, 0x18), ris = uart_reg(bus, 0x3c);
	uint32_t imsc = uart_reg(bus, 0x38), mis = uart_reg(bus, 0x40);

	FZ_CHECK(mis == (ris & imsc), "MIS 0x%x RIS 0x%x IMSC 0x%x", mis, ris,
		 imsc);
	FZ_CHECK(pl011_irq_level(&f->vm->uart) == (mis != 0),
		 "IRQ line %d with MIS 0x%x", pl011_irq_level(&f->vm->uart),
		 mis);
	/* RXIS needs data (reading below the trigger level clears it, and
	 * ICR may clear it earlier); TXIS is the shadow's latch. */
	FZ_CHECK((sh->count != 0 || !(ris & 0x10)) &&
		     !!(ris & 0x20) == sh->txis,
		 "RIS 0x%x with %u bytes queued, TXIS expected %d", ris,
		 sh->count, sh->txis);
	FZ_CHECK((fr & 0x80) && !!(fr & 0x10) == (sh->count == 0) &&
		     !!(fr & 0x40) == (sh->count == FIFO),
		 "FR 0x%x with %u bytes queued", fr, sh->count);
}

static void one_access(struct fz_vm *f, struct shadow *sh, struct fz_in *in,
		       uint8_t ctl)
{
	struct mmio_bus *bus = &f->vm->bus;
	unsigned devsel = (ctl >> 4) & 7;
	uint16_t off = fz_u16(in);
	uint64_t val = fz_u64(in);
	struct mmio_access a = {0};
	enum mmio_status st, want;
	bool hole;
	uint16_t cr = f->vm->uart.cr;

	a.is_write = ctl & 1;
	a.width = (uint8_t)((ctl & 8) ? illegal_width[(ctl >> 1) & 3]
				      : legal_width[(ctl >> 1) & 3]);
	/* Mostly a device's own window (and past its end); sometimes any IPA.
	 */
	a.ipa = devsel < 6 && bus->n ? bus->devs[devsel % bus->n]->base + off
				     : fz_u64(in);
	a.data = a.is_write ? val : 0x5a5a5a5a5a5a5a5aull;
	want = expect(bus, a.ipa, a.width, &hole);
	st = mmio_bus_access(bus, &a);
	FZ_CHECK(st == want,
		 "%s ipa 0x%llx width %u: status %d, the contract says %d",
		 a.is_write ? "write" : "read", (unsigned long long)a.ipa,
		 a.width, st, want);
	if (st != MMIO_OK)
		return;
	if (!a.is_write)
		FZ_CHECK(!(a.data & ~mask_of(a.width)) && (!hole || !a.data),
			 "read 0x%llx from ipa 0x%llx width %u",
			 (unsigned long long)a.data, (unsigned long long)a.ipa,
			 a.width);
	else
		a.data &= mask_of(a.width);
	if (a.ipa - GUEST_SCRATCH_BASE < SCRATCH_SIZE)
		check_scratch(sh, &a);
	else if (a.ipa - GUEST_UART_BASE < PL011_SIZE)
		check_pl011(f, sh, &a, cr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	static struct shadow sh;
	struct fz_vm f;

	fz_vm_setup_default(&f, 1);
	memset(&sh, 0, sizeof(sh));
	while (in.left) {
		uint8_t ctl = fz_u8(&in);

		if (ctl & 0x80) {
			uint8_t byte = fz_u8(&in);
			int rc = pl011_rx_push(&f.vm->uart, byte);

			FZ_CHECK(rc == (sh.count < FIFO ? HV_OK : HV_ENOMEM),
				 "rx_push %d with %u queued", rc, sh.count);
			if (rc == HV_OK)
				sh.fifo[(sh.head + sh.count++) % FIFO] = byte;
			check_uart_state(&f, &sh);
			continue;
		}
		one_access(&f, &sh, &in, ctl);
		check_uart_state(&f, &sh);
	}
	fz_vm_teardown(&f);
	return 0;
}
