/*
 * FF-A v1.1 memory transaction descriptor parser. The descriptor comes
 * from a guest's TX buffer and is hostile: every field is read with a
 * bounds-checked little-endian byte load, every offset and sum is
 * computed in 64 bits from 32-bit fields (so nothing wraps), and the
 * checks run in the order of the table in README.md, so a descriptor
 * with one broken field gets one predictable error.
 */
#include "ffa/mem_desc.h"

#include "lib/mem.h"

/* Memory transaction descriptor header fields. */
#define HDR_SENDER 0u
#define HDR_ATTR 2u
#define HDR_FLAGS 4u
#define HDR_HANDLE 8u
#define HDR_TAG 16u
#define HDR_EMAD_SIZE 24u
#define HDR_EMAD_COUNT 28u
#define HDR_EMAD_OFFSET 32u
#define HDR_RESERVED 36u /* 12 bytes, MBZ */

/* Endpoint memory access descriptor (with its permissions). */
#define EMAD_ID 0u
#define EMAD_PERMS 2u
#define EMAD_FLAGS 3u
#define EMAD_COMPOSITE 4u
#define EMAD_RESERVED 8u /* 8 bytes, MBZ */

/* Composite memory region descriptor. */
#define COMP_PAGES 0u
#define COMP_RANGES 4u
#define COMP_RESERVED 8u /* 8 bytes, MBZ */

/* Constituent memory region descriptor. */
#define RANGE_ADDR 0u
#define RANGE_PAGES 8u
#define RANGE_RESERVED 12u /* 4 bytes, MBZ */

/* Transaction flags a sender may set: bit 0 zero memory,
 * bit 1 operation time slicing; bits [31:2] are MBZ in a send. */
#define FLAG_ZERO_MEMORY 0x1u
#define FLAGS_SEND_VALID 0x3u

/* Memory region attributes: [5:4] type, [3:2]
 * cacheability or device type, [1:0] shareability, [6] NS (MBZ from a
 * sender), [15:7] MBZ. */
#define ATTR_MBZ 0xffc0u
#define ATTR_TYPE(a) (((a) >> 4) & 3u)
#define ATTR_TYPE_NOT_SPECIFIED 0u
#define ATTR_TYPE_RESERVED 3u
#define ATTR_NORMAL_WB_INNER 0x2fu
#define ATTR_DEVICE_NGNRNE 0x10u

/* Access permissions: [1:0] data, [3:2] instruction,
 * [7:4] MBZ; receiver flags: [0] non-retrieval borrower, [7:1] MBZ. */
#define PERM_MBZ 0xf0u
#define PERM_DATA(p) ((p)&3u)
#define PERM_INSN(p) (((p) >> 2) & 3u)
#define ACCESS_NOT_SPECIFIED 0u
#define ACCESS_RESERVED 3u
#define RECV_FLAGS_MBZ 0xfeu

/* A window of bytes the parser may read: every load is checked. */
struct win {
	const uint8_t *p;
	size_t len;
};

static bool in_win(const struct win *w, uint64_t off, uint64_t n)
{
	return off <= w->len && n <= w->len - off;
}

/* Callers check in_win first; the loads themselves stay byte-wise so
 * nothing depends on the TX buffer's alignment. */
static uint64_t ld(const struct win *w, uint64_t off, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)w->p[off + i] << (8 * i);
	return v;
}

static bool all_zero(const struct win *w, uint64_t off, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (w->p[off + i])
			return false;
	return true;
}

static int check_lengths(size_t buf_len, size_t total_len, size_t fragment_len)
{
	if (fragment_len > total_len || fragment_len > buf_len)
		return FFA_INVALID_PARAMETERS;
	if (total_len % 16 || fragment_len % 16)
		return FFA_INVALID_PARAMETERS;
	if (fragment_len < FFA_MEM_HDR_SIZE)
		return FFA_INVALID_PARAMETERS;
	return FFA_OK;
}

static int check_attributes(uint16_t attr, enum ffa_mem_op op)
{
	if (attr & ATTR_MBZ || ATTR_TYPE(attr) == ATTR_TYPE_RESERVED)
		return FFA_INVALID_PARAMETERS;
	/* The lender picks the attributes of a share or lend; a donor gives
	 * up the memory and leaves them to the receiver. With no type, the
	 * cacheability and shareability bits describe nothing: MBZ. */
	if (op == FFA_MEM_OP_DONATE)
		return attr == 0 ? FFA_OK : FFA_INVALID_PARAMETERS;
	if (ATTR_TYPE(attr) == ATTR_TYPE_NOT_SPECIFIED)
		return FFA_INVALID_PARAMETERS;
	if (attr == ATTR_NORMAL_WB_INNER)
		return FFA_OK;
	if (op == FFA_MEM_OP_LEND && attr == ATTR_DEVICE_NGNRNE)
		return FFA_OK;
	return FFA_DENIED;
}

static int check_receiver(const struct win *w, uint64_t off, enum ffa_mem_op op,
			  uint16_t sender, struct ffa_mem_receiver *r)
{
	r->id = (uint16_t)ld(w, off + EMAD_ID, 2);
	r->perms = (uint8_t)ld(w, off + EMAD_PERMS, 1);
	r->flags = (uint8_t)ld(w, off + EMAD_FLAGS, 1);
	if (!all_zero(w, off + EMAD_RESERVED, 8))
		return FFA_INVALID_PARAMETERS;
	if (r->perms & PERM_MBZ || r->flags & RECV_FLAGS_MBZ)
		return FFA_INVALID_PARAMETERS;
	if (PERM_DATA(r->perms) == ACCESS_RESERVED ||
	    PERM_INSN(r->perms) == ACCESS_RESERVED)
		return FFA_INVALID_PARAMETERS;
	/* Share and lend say what the borrower may do with the data; a
	 * donation leaves it to the new owner. Instruction access is only
	 * ever the retriever's to ask for. */
	if ((PERM_DATA(r->perms) == ACCESS_NOT_SPECIFIED) !=
	    (op == FFA_MEM_OP_DONATE))
		return FFA_INVALID_PARAMETERS;
	if (PERM_INSN(r->perms) != ACCESS_NOT_SPECIFIED)
		return FFA_INVALID_PARAMETERS;
	if (r->id == sender)
		return FFA_INVALID_PARAMETERS;
	return FFA_OK;
}

static int parse_receivers(const struct win *w, enum ffa_mem_op op,
			   struct ffa_mem_txn *t, uint64_t *comp_off)
{
	uint64_t count = ld(w, HDR_EMAD_COUNT, 4);
	uint64_t base = ld(w, HDR_EMAD_OFFSET, 4);

	if (ld(w, HDR_EMAD_SIZE, 4) != FFA_MEM_EMAD_SIZE)
		return FFA_INVALID_PARAMETERS;
	if (count == 0 || count > FFA_MEM_MAX_RECEIVERS)
		return FFA_INVALID_PARAMETERS;
	/* A donation has exactly one new owner. */
	if (op == FFA_MEM_OP_DONATE && count != 1)
		return FFA_INVALID_PARAMETERS;
	if (base < FFA_MEM_HDR_SIZE || base % 16)
		return FFA_INVALID_PARAMETERS;
	if (!in_win(w, base, count * FFA_MEM_EMAD_SIZE))
		return FFA_INVALID_PARAMETERS;
	t->receiver_count = (uint32_t)count;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t off = base + i * FFA_MEM_EMAD_SIZE;
		uint64_t c = ld(w, off + EMAD_COMPOSITE, 4);
		int rc =
		    check_receiver(w, off, op, t->sender, &t->receivers[i]);

		if (rc != FFA_OK)
			return rc;
		for (uint64_t j = 0; j < i; j++)
			if (t->receivers[j].id == t->receivers[i].id)
				return FFA_INVALID_PARAMETERS;
		/* v1.1 has one composite for every receiver. */
		if (c == 0 || (i > 0 && c != *comp_off))
			return FFA_INVALID_PARAMETERS;
		*comp_off = c;
	}
	if (*comp_off < base + count * FFA_MEM_EMAD_SIZE || *comp_off % 16)
		return FFA_INVALID_PARAMETERS;
	if (!in_win(w, *comp_off, FFA_MEM_COMPOSITE_SIZE))
		return FFA_INVALID_PARAMETERS;
	return FFA_OK;
}

static int parse_range(const struct win *w, uint64_t off,
		       struct ffa_mem_range *r)
{
	r->addr = ld(w, off + RANGE_ADDR, 8);
	r->pages = (uint32_t)ld(w, off + RANGE_PAGES, 4);
	if (!all_zero(w, off + RANGE_RESERVED, 4))
		return FFA_INVALID_PARAMETERS;
	if (r->pages == 0 || r->addr % FFA_PAGE_SIZE)
		return FFA_INVALID_PARAMETERS;
	/* pages < 2^32, so the size fits 44 bits; the end address
	 * addr + size must be representable (no wrap to 0). */
	if ((uint64_t)r->pages * FFA_PAGE_SIZE > UINT64_MAX - r->addr)
		return FFA_INVALID_PARAMETERS;
	return FFA_OK;
}

/* [a, a + n pages) and [b, b + m pages) share a page. Computed on the
 * last page of each, which never wraps after parse_range. */
static bool overlap(const struct ffa_mem_range *a,
		    const struct ffa_mem_range *b)
{
	uint64_t a_last = a->addr + ((uint64_t)a->pages - 1) * FFA_PAGE_SIZE;
	uint64_t b_last = b->addr + ((uint64_t)b->pages - 1) * FFA_PAGE_SIZE;

	return a->addr <= b_last && b->addr <= a_last;
}

static int parse_composite(const struct win *w, size_t total_len,
			   uint64_t comp_off, struct ffa_mem_txn *t)
{
	uint64_t first = comp_off + FFA_MEM_COMPOSITE_SIZE;
	uint64_t count, here, sum = 0;

	t->total_pages = (uint32_t)ld(w, comp_off + COMP_PAGES, 4);
	count = ld(w, comp_off + COMP_RANGES, 4);
	if (!all_zero(w, comp_off + COMP_RESERVED, 8))
		return FFA_INVALID_PARAMETERS;
	if (t->total_pages == 0 || count == 0)
		return FFA_INVALID_PARAMETERS;
	if (count > FFA_MEM_MAX_RANGES)
		return FFA_NO_MEMORY;
	/* The constituents end the descriptor: nothing missing, nothing
	 * trailing (count <= 32, so no overflow). */
	if (first + count * FFA_MEM_RANGE_SIZE != total_len)
		return FFA_INVALID_PARAMETERS;
	/* Both lengths and comp_off are multiples of 16: a fragment ends on
	 * a constituent boundary, so the ones here are whole; and with
	 * fragment_len <= total_len just checked, here <= count. */
	here = (w->len - first) / FFA_MEM_RANGE_SIZE;
	t->range_count = (uint32_t)count;
	t->ranges_here = (uint32_t)here;
	t->complete = here == count;
	for (uint64_t i = 0; i < here; i++) {
		struct ffa_mem_range *r = &t->ranges[i];
		int rc = parse_range(w, first + i * FFA_MEM_RANGE_SIZE, r);

		if (rc != FFA_OK)
			return rc;
		for (uint64_t j = 0; j < i; j++)
			if (overlap(&t->ranges[j], r))
				return FFA_INVALID_PARAMETERS;
		sum += r->pages; /* at most 32 * (2^32 - 1): no wrap */
	}
	if (t->complete ? sum != t->total_pages : sum > t->total_pages)
		return FFA_INVALID_PARAMETERS;
	return FFA_OK;
}

int ffa_mem_desc_parse(const void *buf, size_t buf_len, size_t total_len,
		       size_t fragment_len, uint16_t sender_id,
		       enum ffa_mem_op op, struct ffa_mem_txn *out)
{
	struct win w = {buf, fragment_len};
	struct ffa_mem_txn t;
	uint64_t comp_off = 0;
	int rc;

	if (op != FFA_MEM_OP_DONATE && op != FFA_MEM_OP_LEND &&
	    op != FFA_MEM_OP_SHARE)
		return FFA_INVALID_PARAMETERS;
	rc = check_lengths(buf_len, total_len, fragment_len);
	if (rc != FFA_OK)
		return rc;
	memset(&t, 0, sizeof(t));
	t.sender = (uint16_t)ld(&w, HDR_SENDER, 2);
	t.attributes = (uint16_t)ld(&w, HDR_ATTR, 2);
	t.flags = (uint32_t)ld(&w, HDR_FLAGS, 4);
	t.tag = ld(&w, HDR_TAG, 8);
	if (t.sender != sender_id)
		return FFA_DENIED;
	if (!all_zero(&w, HDR_RESERVED, 12))
		return FFA_INVALID_PARAMETERS;
	/* The handle is the relayer's to allocate, MBZ in a send. */
	if (ld(&w, HDR_HANDLE, 8) != 0)
		return FFA_INVALID_PARAMETERS;
	if (t.flags & ~FLAGS_SEND_VALID)
		return FFA_INVALID_PARAMETERS;
	/* A shared page stays mapped in the owner: zeroing it is undefined. */
	if (op == FFA_MEM_OP_SHARE && t.flags & FLAG_ZERO_MEMORY)
		return FFA_INVALID_PARAMETERS;
	rc = check_attributes(t.attributes, op);
	if (rc != FFA_OK)
		return rc;
	rc = parse_receivers(&w, op, &t, &comp_off);
	if (rc != FFA_OK)
		return rc;
	rc = parse_composite(&w, total_len, comp_off, &t);
	if (rc != FFA_OK)
		return rc;
	*out = t;
	return FFA_OK;
}
