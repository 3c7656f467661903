/*
 * PL011 model. Transmission is instantaneous, so the TX FIFO is always
 * empty: FR never reports busy or full. The TRM's transmit interrupt
 * follows a transition through the trigger level, not the level: it is
 * not raised by enabling the UART with nothing written, but once written
 * data leaves the FIFO (here, at once on every DR write), and cleared by
 * ICR. The receive side follows the TRM's interrupt rules too, all latched
 * in u->ris: RXIS when the FIFO reaches its IFLS trigger level (one byte
 * with the FIFOs off), cleared by reading it below the level or by ICR;
 * RTIS when the FIFO holds data and nothing was received for 32 bit
 * periods (a deadline on the hypervisor timer), cleared by reading the
 * FIFO empty or by ICR; OEIS on overrun, cleared by ICR.
 */
#include "dev/pl011.h"
#include "dev/primecell.h"
#include "hal.h"
#include "hv_err.h"

#define FR_RXFE (1u << 4)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)

#define CR_LBE (1u << 7)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)
#define CR_MASK 0xff87u /* bits 6:3 are reserved */
#define CR_RESET (CR_TXE | CR_RXE)

#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)
#define INT_OE (1u << 10)
#define INT_MASK 0x7ffu

#define RSR_OE (1u << 3)

#define IBRD_MASK 0xffffu
#define FBRD_MASK 0x3fu
#define LCR_H_MASK 0xffu
#define LCR_H_FEN (1u << 4)
#define IFLS_MASK 0x3fu
#define IFLS_RESET 0x12u /* both FIFOs trigger at half full */
#define IFLS_RX_SHIFT 3

/* Divisor 64 * IBRD + FBRD used while the guest has set none (IBRD 0 is
 * not a valid divisor): 115200 baud from the 24 MHz UARTCLK. */
#define DIVISOR_DEFAULT (64u * 13u + 1u)

/* PL011 r1p5: PeriphID 0x00141011, PrimeCell ID 0xb105f00d. */
static const uint8_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static struct pl011 *to_uart(void *ctx)
{
	return ctx;
}

/* Registers sit in 32-bit slots; a narrower access sees or changes only its
 * byte lanes of the slot ('off' is the byte within the slot). */
static uint64_t lane_read(uint32_t reg, uint32_t off)
{
	return reg >> (8 * (off & 3));
}

static uint32_t lane_merge(uint32_t old, uint32_t off, unsigned width,
			   uint64_t val)
{
	unsigned shift = 8 * (off & 3);
	uint32_t mask = width >= 4 ? ~0u : (1u << (8 * width)) - 1;

	mask <<= shift;
	return (old & ~mask) | (((uint32_t)val << shift) & mask);
}

static uint32_t pl011_ris(const struct pl011 *u)
{
	return u->ris;
}

/* RXIFLSEL: 1/8, 1/4, 1/2, 3/4 or 7/8 of the 16-entry FIFO; the reserved
 * encodings 0b101..0b111 behave as 7/8. With the FIFOs off the holding
 * register is the FIFO, and one byte fills it. */
static unsigned rx_trigger(const struct pl011 *u)
{
	static const uint8_t level[8] = {2, 4, 8, 12, 14, 14, 14, 14};

	if (!(u->lcr_h & LCR_H_FEN))
		return 1;
	return level[(u->ifls >> IFLS_RX_SHIFT) & 7u];
}

uint64_t pl011_rx_timeout_ticks(const struct pl011 *u)
{
	/* One bit is 16 * divisor / 64 UARTCLK periods, so 32 bits are
	 * 8 * divisor of them. */
	uint64_t divisor = 64u * (uint64_t)u->ibrd + u->fbrd;
	uint64_t ticks;

	if (u->ibrd == 0)
		divisor = DIVISOR_DEFAULT;
	ticks = 8u * divisor * hal_counter_freq() / PL011_UARTCLK_HZ;
	return ticks ? ticks : 1;
}

static void rx_enqueue(struct pl011 *u, uint8_t byte)
{
	u->rx[(u->rx_head + u->rx_count) % PL011_RX_FIFO] = byte;
	u->rx_count++;
}

int pl011_irq_level(const struct pl011 *u)
{
	return (pl011_ris(u) & u->imsc) != 0;
}

static void update_irq(void *ctx)
{
	struct pl011 *u = to_uart(ctx);

	vgic_line_set(&u->irq, pl011_irq_level(u));
}

/* The timeout deadline: nothing arrived for 32 bit periods. */
static void rx_timeout_fire(void *ctx)
{
	struct pl011 *u = to_uart(ctx);

	if (u->rx_count)
		u->ris |= INT_RT;
	update_irq(u);
}

/* A guest polling RIS/MIS sees a timeout that is due even before the
 * hypervisor timer's interrupt has been taken. */
static void catch_up(struct pl011 *u)
{
	if (deadline_armed(&u->rx_timeout) &&
	    hal_counter_now() >= u->rx_timeout.at) {
		deadline_cancel(&u->rx_timeout);
		rx_timeout_fire(u);
	}
}

int pl011_rx_push(struct pl011 *u, uint8_t byte)
{
	int err = HV_OK;

	if (u->rx_count >= PL011_RX_FIFO) {
		/* The FIFO keeps its contents; the new byte is lost. */
		u->rsr |= RSR_OE;
		u->ris |= INT_OE;
		err = HV_ENOMEM;
	} else {
		rx_enqueue(u, byte);
		if (u->rx_count >= rx_trigger(u))
			u->ris |= INT_RX;
	}
	/* Every character the receiver sees restarts the timeout. */
	deadline_arm(&u->rx_timeout,
		     hal_counter_now() + pl011_rx_timeout_ticks(u));
	update_irq(u);
	return err;
}

void pl011_connect_irq(struct pl011 *u, struct vm *vm, uint32_t intid)
{
	vgic_line_init(&u->irq, vm, intid);
	update_irq(u);
}

/* Only byte lane 0 carries data; the error bits above it are not modelled,
 * so the other lanes read zero and must not pop the FIFO. */
static uint64_t dr_read(void *ctx, uint32_t off, unsigned width)
{
	struct pl011 *u = to_uart(ctx);
	uint8_t byte;

	(void)width;
	if (off != 0 || u->rx_count == 0)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (uint8_t)((u->rx_head + 1) % PL011_RX_FIFO);
	u->rx_count--;
	if (u->rx_count < rx_trigger(u))
		u->ris &= (uint16_t)~INT_RX;
	if (u->rx_count == 0) {
		u->ris &= (uint16_t)~INT_RT;
		deadline_cancel(&u->rx_timeout);
	}
	return byte;
}

/*
 * Transmitted whatever CR says: earlycon and bare-metal guests write DR
 * without ever enabling the UART, and losing their output helps nobody.
 * Loopback is the exception, as it asks for the byte not to leave the chip.
 */
static void dr_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	struct pl011 *u = to_uart(ctx);
	uint8_t byte = (uint8_t)val;

	(void)width;
	if (off != 0)
		return;
	/* The byte leaves the transmit FIFO at once: the FIFO goes back
	 * through its trigger level. */
	u->ris |= INT_TX;
	if (!(u->cr & CR_LBE)) {
		hal_guest_uart_out(u->vm_id, byte);
		return;
	}
	if (u->cr & CR_RXE)
		(void)pl011_rx_push(u, byte);
}

static uint64_t rsr_read(void *ctx, uint32_t off, unsigned width)
{
	(void)width;
	return lane_read(to_uart(ctx)->rsr, off);
}

/* Any write to ECR clears the error flags, whatever the value. */
static void ecr_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	(void)off;
	(void)width;
	(void)val;
	to_uart(ctx)->rsr = 0;
}

static uint64_t fr_read(void *ctx, uint32_t off, unsigned width)
{
	const struct pl011 *u = to_uart(ctx);
	uint32_t fr = FR_TXFE;

	(void)width;
	if (u->rx_count == 0)
		fr |= FR_RXFE;
	if (u->rx_count >= PL011_RX_FIFO)
		fr |= FR_RXFF;
	return lane_read(fr, off);
}

/* Plain read/write registers: a field of struct pl011 and its valid bits. */
#define PL011_PLAIN_REG(name, field, valid)                                    \
	static uint64_t name##_read(void *ctx, uint32_t off, unsigned width)   \
	{                                                                      \
		(void)width;                                                   \
		return lane_read(to_uart(ctx)->field, off);                    \
	}                                                                      \
	static void name##_write(void *ctx, uint32_t off, unsigned width,      \
				 uint64_t val)                                 \
	{                                                                      \
		struct pl011 *u = to_uart(ctx);                                \
		u->field = (uint16_t)(lane_merge(u->field, off, width, val) &  \
				      (valid));                                \
	}

PL011_PLAIN_REG(ibrd, ibrd, IBRD_MASK)
PL011_PLAIN_REG(fbrd, fbrd, FBRD_MASK)
PL011_PLAIN_REG(lcr_h, lcr_h, LCR_H_MASK)
PL011_PLAIN_REG(cr, cr, CR_MASK)
PL011_PLAIN_REG(ifls, ifls, IFLS_MASK)
PL011_PLAIN_REG(imsc, imsc, INT_MASK)

static uint64_t ris_read(void *ctx, uint32_t off, unsigned width)
{
	(void)width;
	catch_up(to_uart(ctx));
	return lane_read(pl011_ris(to_uart(ctx)), off);
}

static uint64_t mis_read(void *ctx, uint32_t off, unsigned width)
{
	struct pl011 *u = to_uart(ctx);

	(void)width;
	catch_up(u);
	return lane_read(pl011_ris(u) & u->imsc, off);
}

/* Clears latched bits; TXIS stays clear until the next write to DR. */
static void icr_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	struct pl011 *u = to_uart(ctx);
	uint32_t clear = lane_merge(0, off, width, val) & INT_MASK;

	u->ris = (uint16_t)(u->ris & ~clear);
}

static uint64_t id_read(void *ctx, uint32_t off, unsigned width)
{
	(void)ctx;
	(void)width;
	return primecell_id_read(ids, off);
}

/* The AMBA bus probes the IDs with 32-bit loads, Linux's driver uses 16- or
 * 32-bit accesses depending on the variant, bare-metal code often bytes. No
 * register is 64 bits wide. */
#define PL011_W (MMIO_W8 | MMIO_W16 | MMIO_W32)

static const struct mmio_region pl011_regions[] = {
    /* Reading DR pops the receive FIFO: RXIS may fall. */
    {0x000, 4, PL011_W | MMIO_READ_CHANGES_STATE, dr_read, dr_write},
    {0x004, 4, PL011_W, rsr_read, ecr_write},
    {0x018, 4, PL011_W, fr_read, NULL},
    {0x020, 4, PL011_W, NULL, NULL}, /* ILPR: IrDA not modelled */
    {0x024, 4, PL011_W, ibrd_read, ibrd_write},
    {0x028, 4, PL011_W, fbrd_read, fbrd_write},
    {0x02c, 4, PL011_W, lcr_h_read, lcr_h_write},
    {0x030, 4, PL011_W, cr_read, cr_write},
    {0x034, 4, PL011_W, ifls_read, ifls_write},
    {0x038, 4, PL011_W, imsc_read, imsc_write},
    {0x03c, 4, PL011_W, ris_read, NULL},
    {0x040, 4, PL011_W, mis_read, NULL},
    {0x044, 4, PL011_W, NULL, icr_write},
    {0x048, 4, PL011_W, NULL, NULL}, /* DMACR: no DMA */
    {PRIMECELL_ID_OFFSET, PRIMECELL_ID_SIZE, PL011_W, id_read, NULL},
};

void pl011_init(struct pl011 *u, uint64_t base, unsigned vm_id)
{
	*u = (struct pl011){
	    .dev =
		{
		    .name = "pl011",
		    .base = base,
		    .size = PL011_SIZE,
		    .regions = pl011_regions,
		    .nregions =
			sizeof(pl011_regions) / sizeof(pl011_regions[0]),
		    .ctx = u,
		    .after_access = update_irq,
		},
	    .vm_id = vm_id,
	    .cr = CR_RESET,
	    .ifls = IFLS_RESET,
	};
	deadline_init(&u->rx_timeout, rx_timeout_fire, u);
}
