/*
 * PL031 real-time clock. The 1 Hz counter is the system counter divided
 * by its frequency, so it advances with the HAL's time source (virtual
 * time in the sim) and costs nothing while nobody reads it. The match
 * interrupt is a deadline on the hypervisor timer at the counter value
 * where RTCDR becomes RTCMR; registers that report it check the deadline
 * first, so a guest polling RTCRIS sees the match as soon as it is due.
 *
 * As in QEMU's model, writing RTCMR (or RTCLR, or starting the clock) so
 * that RTCDR equals RTCMR at that moment is a match.
 */
#include "dev/pl031.h"
#include "dev/primecell.h"
#include "hal.h"
#include "hv_err.h"

#define CR_START 1u
#define INT_MATCH 1u

/* PL031: PeriphID 0x00041031, PrimeCell ID 0xb105f00d. */
static const uint8_t ids[8] = {0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static struct pl031 *to_rtc(void *ctx)
{
	return ctx;
}

static uint64_t freq(void)
{
	uint64_t f = hal_counter_freq();

	return f ? f : 1;
}

/* Whole seconds since 'base' at counter value 'now'. */
static uint64_t elapsed(const struct pl031 *r, uint64_t now)
{
	return now > r->base ? (now - r->base) / freq() : 0;
}

uint32_t pl031_count(const struct pl031 *r)
{
	if (!r->started)
		return r->lr;
	return r->lr + (uint32_t)elapsed(r, hal_counter_now());
}

static void update_irq(void *ctx)
{
	struct pl031 *r = to_rtc(ctx);

	vgic_line_set(&r->irq, r->ris && r->imsc);
}

/*
 * The next time RTCDR equals RTCMR, strictly after the current second
 * (the current one is the caller's business): the counter wraps at 2^32,
 * so a match value behind the count comes round again after the wrap.
 */
static void schedule(struct pl031 *r)
{
	uint64_t now, secs, ahead;

	if (!r->started) {
		deadline_cancel(&r->match);
		return;
	}
	now = hal_counter_now();
	secs = elapsed(r, now);
	ahead = (uint32_t)(r->mr - (r->lr + (uint32_t)secs));
	if (ahead == 0)
		ahead = 1ull << 32;
	deadline_arm(&r->match, r->base + (secs + ahead) * freq());
}

static void match_fire(void *ctx)
{
	struct pl031 *r = to_rtc(ctx);

	r->ris = true;
	update_irq(r);
	schedule(r);
}

/* RTCMR, RTCLR or RTCStart changed: a match now, and the next one. */
static void reevaluate(struct pl031 *r)
{
	if (r->started && pl031_count(r) == r->mr)
		r->ris = true;
	schedule(r);
}

static void catch_up(struct pl031 *r)
{
	if (deadline_armed(&r->match) && hal_counter_now() >= r->match.at) {
		deadline_cancel(&r->match);
		match_fire(r);
	}
}

static uint64_t dr_read(void *ctx, uint32_t off, unsigned width)
{
	(void)off;
	(void)width;
	return pl031_count(to_rtc(ctx));
}

static uint64_t mr_read(void *ctx, uint32_t off, unsigned width)
{
	(void)off;
	(void)width;
	return to_rtc(ctx)->mr;
}

static void mr_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	struct pl031 *r = to_rtc(ctx);

	(void)off;
	(void)width;
	r->mr = (uint32_t)val;
	reevaluate(r);
}

/* RTCLR reads back the last value loaded. */
static uint64_t lr_read(void *ctx, uint32_t off, unsigned width)
{
	(void)off;
	(void)width;
	return to_rtc(ctx)->lr;
}

/* Loading sets the count and restarts its second. */
static void lr_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	struct pl031 *r = to_rtc(ctx);

	(void)off;
	(void)width;
	r->lr = (uint32_t)val;
	r->base = hal_counter_now();
	reevaluate(r);
}

static uint64_t cr_read(void *ctx, uint32_t off, unsigned width)
{
	(void)off;
	(void)width;
	return to_rtc(ctx)->started ? CR_START : 0;
}

/* Once started, writes have no effect until reset (PL031 TRM, RTCCR). */
static void cr_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	struct pl031 *r = to_rtc(ctx);

	(void)off;
	(void)width;
	if (r->started || !(val & CR_START))
		return;
	r->started = true;
	r->base = hal_counter_now();
	reevaluate(r);
}

static uint64_t imsc_read(void *ctx, uint32_t off, unsigned width)
{
	(void)off;
	(void)width;
	return to_rtc(ctx)->imsc ? INT_MATCH : 0;
}

static void imsc_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	(void)off;
	(void)width;
	to_rtc(ctx)->imsc = (val & INT_MATCH) != 0;
}

static uint64_t ris_read(void *ctx, uint32_t off, unsigned width)
{
	struct pl031 *r = to_rtc(ctx);

	(void)off;
	(void)width;
	catch_up(r);
	return r->ris ? INT_MATCH : 0;
}

static uint64_t mis_read(void *ctx, uint32_t off, unsigned width)
{
	struct pl031 *r = to_rtc(ctx);

	(void)off;
	(void)width;
	catch_up(r);
	return r->ris && r->imsc ? INT_MATCH : 0;
}

/* Writing bit 0 clears the match interrupt. */
static void icr_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	(void)off;
	(void)width;
	if (val & INT_MATCH)
		to_rtc(ctx)->ris = false;
}

static uint64_t id_read(void *ctx, uint32_t off, unsigned width)
{
	(void)ctx;
	(void)width;
	return primecell_id_read(ids, off);
}

/* The registers are 32 bits wide on a 32-bit APB: Linux uses readl and
 * writel. Only the ID bytes, which bare-metal probes often read as bytes,
 * take narrower loads. */
#define ID_W (MMIO_W8 | MMIO_W16 | MMIO_W32)

static const struct mmio_region pl031_regions[] = {
    {0x000, 4, MMIO_W32, dr_read, NULL},
    {0x004, 4, MMIO_W32, mr_read, mr_write},
    {0x008, 4, MMIO_W32, lr_read, lr_write},
    {0x00c, 4, MMIO_W32, cr_read, cr_write},
    {0x010, 4, MMIO_W32, imsc_read, imsc_write},
    {0x014, 4, MMIO_W32, ris_read, NULL},
    {0x018, 4, MMIO_W32, mis_read, NULL},
    {0x01c, 4, MMIO_W32, NULL, icr_write},
    {PRIMECELL_ID_OFFSET, PRIMECELL_ID_SIZE, ID_W, id_read, NULL},
};

/* Reset: stopped (RTCCR 0, as the TRM says), holding the platform's time
 * of day, as firmware would load it, so that a guest that starts it (Linux
 * does at probe) counts from today, not from 1970. */
void pl031_init(struct pl031 *r, uint64_t base)
{
	*r = (struct pl031){
	    .dev =
		{
		    .name = "pl031",
		    .base = base,
		    .size = PL031_SIZE,
		    .regions = pl031_regions,
		    .nregions =
			sizeof(pl031_regions) / sizeof(pl031_regions[0]),
		    .ctx = r,
		    .after_access = update_irq,
		},
	    /* RTCDR is 32 bits: the count wraps in 2106. */
	    .lr = (uint32_t)hal_wall_clock_seconds(),
	};
	deadline_init(&r->match, match_fire, r);
}

void pl031_connect_irq(struct pl031 *r, struct vm *vm, uint32_t intid)
{
	vgic_line_init(&r->irq, vm, intid);
	update_irq(r);
}
