/*
 * Stage-2 table walk, 4 KiB granule. Descriptor format (VMSAv8-64):
 * bits[1:0] 0b11 = table (levels 0-2) or page (level 3), 0b01 = block
 * (levels 1-2), anything else invalid; OA in bits[47:12]; S2AP[7:6] with
 * bit 6 = read and bit 7 = write; AF bit 10; XN bit 54; MemAttr[5:2].
 */
#include "s2walk.h"

#include "a64_arch.h"
#include "hal.h"

#define DESC_VALID (1ull << 0)
#define DESC_TABLE (1ull << 1)
#define DESC_S2AP_R (1ull << 6)
#define DESC_S2AP_W (1ull << 7)
#define DESC_AF (1ull << 10)
#define DESC_XN (1ull << 54)
#define DESC_ADDR_MASK 0x0000fffffffff000ull

#define VTTBR_BADDR_MASK 0x0000fffffffff000ull

#define GRANULE_SHIFT 12u
#define ENTRIES_SHIFT 9u
#define MAX_CONCAT 16u

static unsigned level_shift(unsigned level)
{
	return GRANULE_SHIFT + ENTRIES_SHIFT * (3u - level);
}

bool s2w_config_from_regs(uint64_t hcr, uint64_t vttbr, uint64_t vtcr,
			  struct s2w_config *cfg)
{
	static const unsigned pa_bits_of_ps[8] = {32, 36, 40, 42,
						  44, 48, 52, 52};
	unsigned t0sz = (unsigned)(vtcr & 0x3f);
	unsigned sl0 = (unsigned)(vtcr >> 6) & 3u;
	unsigned tg0 = (unsigned)(vtcr >> 14) & 3u;
	unsigned table_bits;

	cfg->enabled = (hcr & A64_HCR_VM) != 0;
	cfg->root_pa = vttbr & VTTBR_BADDR_MASK;
	cfg->pa_bits = pa_bits_of_ps[(vtcr >> 16) & 7u];
	cfg->ipa_bits = 64u - t0sz;
	if (!cfg->enabled)
		return true;
	if (tg0 != 0 || sl0 == 3 || t0sz < 16 || t0sz > 39)
		return false;
	cfg->start_level = 2u - sl0;
	if (cfg->ipa_bits <= level_shift(cfg->start_level))
		return false;
	/* Bits resolved from the start level down, with one table there;
	 * more IPA bits than that need concatenated start tables. */
	table_bits = level_shift(cfg->start_level) + ENTRIES_SHIFT;
	if (cfg->ipa_bits > table_bits &&
	    (1u << (cfg->ipa_bits - table_bits)) > MAX_CONCAT)
		return false;
	return true;
}

static void set_span(struct s2w_result *res, uint64_t ipa, unsigned level)
{
	uint64_t size = 1ull << level_shift(level);

	res->level = level;
	res->span_ipa = ipa & ~(size - 1);
	res->span_size = size;
}

static void fault(struct s2w_result *res, enum s2w_fault f, uint64_t ipa,
		  unsigned level)
{
	res->fault = f;
	res->perm = 0;
	res->pa = 0;
	set_span(res, ipa, level);
}

static void identity(const struct s2w_config *cfg, uint64_t ipa,
		     struct s2w_result *res)
{
	res->fault = S2W_OK;
	res->pa = ipa;
	res->perm = S2W_R | S2W_W | S2W_X;
	res->memattr = 0xf;
	set_span(res, ipa, 3);
	(void)cfg;
}

void s2w_lookup(const struct s2w_config *cfg, uint64_t ipa,
		struct s2w_result *res)
{
	uint64_t table_pa = cfg->root_pa;
	unsigned level = cfg->start_level;
	/* At the start level the index may run past 512 entries into the
	 * concatenated tables that follow the first one. */
	unsigned index_bits = cfg->ipa_bits - level_shift(level);

	if (!cfg->enabled) {
		identity(cfg, ipa, res);
		return;
	}
	if (cfg->ipa_bits < 64 && (ipa >> cfg->ipa_bits) != 0) {
		fault(res, S2W_TRANSLATION, ipa, level);
		res->span_ipa = ipa & ~0xfffull;
		res->span_size = 0x1000;
		return;
	}
	for (;;) {
		uint64_t idx =
		    (ipa >> level_shift(level)) & ((1ull << index_bits) - 1);
		const uint64_t *table = hal_pa_to_va(table_pa + idx * 8, 8);
		uint64_t d;

		if (!table) {
			fault(res, S2W_WALK_ABORT, ipa, level);
			return;
		}
		d = *table;
		if (!(d & DESC_VALID) || (level == 3 && !(d & DESC_TABLE)) ||
		    (level == 0 && !(d & DESC_TABLE))) {
			fault(res, S2W_TRANSLATION, ipa, level);
			return;
		}
		if (level < 3 && (d & DESC_TABLE)) {
			table_pa = d & DESC_ADDR_MASK;
			if (cfg->pa_bits < 64 && (table_pa >> cfg->pa_bits)) {
				fault(res, S2W_ADDR_SIZE, ipa, level);
				return;
			}
			level++;
			index_bits = ENTRIES_SHIFT;
			continue;
		}
		/* A leaf: a page at level 3, a block above. */
		set_span(res, ipa, level);
		if (!(d & DESC_AF)) {
			fault(res, S2W_ACCESS_FLAG, ipa, level);
			return;
		}
		res->pa = (d & DESC_ADDR_MASK & ~(res->span_size - 1)) |
			  (ipa & (res->span_size - 1));
		if (cfg->pa_bits < 64 && (res->pa >> cfg->pa_bits)) {
			fault(res, S2W_ADDR_SIZE, ipa, level);
			return;
		}
		res->fault = S2W_OK;
		res->memattr = (uint8_t)((d >> 2) & 0xf);
		res->perm = (uint8_t)(((d & DESC_S2AP_R) ? S2W_R : 0) |
				      ((d & DESC_S2AP_W) ? S2W_W : 0) |
				      ((d & DESC_XN) ? 0 : S2W_X));
		return;
	}
}

unsigned s2w_fsc(const struct s2w_result *res)
{
	static const unsigned base[] = {
	    [S2W_OK] = 0x0c, /* a walk that succeeded failed on permission */
	    [S2W_TRANSLATION] = 0x04, [S2W_ACCESS_FLAG] = 0x08,
	    [S2W_ADDR_SIZE] = 0x00,   [S2W_WALK_ABORT] = 0x14,
	};

	return base[res->fault] | (res->level & 3u);
}
