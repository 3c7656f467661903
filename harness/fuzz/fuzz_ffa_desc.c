/*
 * The FF-A v1.1 memory transaction descriptor parser (src/ffa/mem_desc.*)
 * with any TX buffer. Input: u8 operation (low 2 bits: 0 DONATE, 1 LEND,
 * 2 SHARE, 3 an unknown one), u16 caller ID, u16 total length, u16
 * fragment length, then the TX buffer's bytes, copied to a heap block of
 * exactly that size so ASan sees any read past it. An accepted
 * descriptor is re-read here, byte by byte and independently of the
 * parser, against the properties src/ffa/README.md promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/mem_desc.h"
#include "fz.h"

static uint64_t le(const uint8_t *p, size_t off, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[off + n];
	return v;
}

static bool zero(const uint8_t *p, size_t off, unsigned n)
{
	while (n--)
		if (p[off + n])
			return false;
	return true;
}

static void check_header(const uint8_t *b, size_t buf_len, size_t total,
			 size_t frag, uint16_t caller, unsigned op,
			 const struct ffa_mem_txn *t)
{
	uint16_t attr = (uint16_t)le(b, 2, 2);

	FZ_CHECK(op <= 2, "accepted operation %u", op);
	FZ_CHECK(frag <= total && frag <= buf_len && frag >= 48,
		 "lengths %zu %zu %zu", buf_len, total, frag);
	FZ_CHECK(frag % 16 == 0 && total % 16 == 0, "unaligned lengths");
	FZ_CHECK(le(b, 0, 2) == caller && t->sender == caller, "sender");
	FZ_CHECK(t->attributes == attr && t->flags == le(b, 4, 4) &&
		     t->tag == le(b, 16, 8),
		 "header fields copied wrong");
	FZ_CHECK(zero(b, 36, 12) && le(b, 8, 8) == 0, "reserved or handle");
	FZ_CHECK((t->flags & ~3u) == 0, "flags 0x%x", t->flags);
	if (op == 2)
		FZ_CHECK(!(t->flags & 1), "SHARE with zero-memory");
	if (op == 0)
		FZ_CHECK(attr == 0, "DONATE attributes 0x%x", attr);
	else
		FZ_CHECK(attr == 0x2f || (op == 1 && attr == 0x10),
			 "attributes 0x%x for op %u", attr, op);
}

static uint64_t check_receivers(const uint8_t *b, size_t frag, unsigned op,
				const struct ffa_mem_txn *t)
{
	uint64_t n = le(b, 28, 4), base = le(b, 32, 4), comp = 0;

	FZ_CHECK(le(b, 24, 4) == 16, "access descriptor size");
	FZ_CHECK(n >= 1 && n <= 8 && n == t->receiver_count, "count %llu",
		 (unsigned long long)n);
	FZ_CHECK(op != 0 || n == 1, "DONATE to %llu", (unsigned long long)n);
	FZ_CHECK(base >= 48 && base % 16 == 0 && base + 16 * n <= frag,
		 "receivers at %llu", (unsigned long long)base);
	for (uint64_t i = 0; i < n; i++) {
		size_t e = base + 16 * i;
		uint8_t perm = b[e + 2];
		uint16_t id = (uint16_t)le(b, e, 2);

		FZ_CHECK(t->receivers[i].id == id &&
			     t->receivers[i].perms == perm &&
			     t->receivers[i].flags == b[e + 3],
			 "receiver %llu copied wrong", (unsigned long long)i);
		FZ_CHECK(id != t->sender, "receiver is the sender");
		for (uint64_t j = 0; j < i; j++)
			FZ_CHECK(t->receivers[j].id != id, "duplicate 0x%x",
				 id);
		FZ_CHECK((b[e + 3] & 0xfe) == 0 && zero(b, e + 8, 8),
			 "receiver reserved bits");
		/* Instruction access never set; data RO or RW except for
		 * DONATE, where it is not specified. */
		FZ_CHECK(op == 0 ? perm == 0 : (perm == 1 || perm == 2),
			 "permissions 0x%x for op %u", perm, op);
		if (i == 0)
			comp = le(b, e + 4, 4);
		FZ_CHECK(le(b, e + 4, 4) == comp, "composite offsets differ");
	}
	FZ_CHECK(comp >= base + 16 * n && comp % 16 == 0 && comp + 16 <= frag,
		 "composite at %llu", (unsigned long long)comp);
	return comp;
}

static void check_ranges(const uint8_t *b, size_t total, size_t frag,
			 uint64_t comp, const struct ffa_mem_txn *t)
{
	uint64_t n = le(b, comp + 4, 4), first = comp + 16, here, sum = 0;

	FZ_CHECK(t->total_pages == le(b, comp, 4) && t->total_pages != 0,
		 "total pages");
	FZ_CHECK(zero(b, comp + 8, 8), "composite reserved");
	FZ_CHECK(n >= 1 && n <= 32 && n == t->range_count, "range count");
	FZ_CHECK(first + 16 * n == total, "constituents do not end it");
	here = (frag - first) / 16 < n ? (frag - first) / 16 : n;
	FZ_CHECK(t->ranges_here == here && t->complete == (here == n),
		 "ranges here %u", t->ranges_here);
	for (uint64_t i = 0; i < here; i++) {
		size_t c = first + 16 * i;
		uint64_t a = le(b, c, 8), p = le(b, c + 8, 4);
		unsigned __int128 end = (unsigned __int128)a + p * 4096;

		FZ_CHECK(t->ranges[i].addr == a && t->ranges[i].pages == p,
			 "range %llu copied wrong", (unsigned long long)i);
		FZ_CHECK(p != 0 && a % 4096 == 0 && zero(b, c + 12, 4),
			 "range %llu malformed", (unsigned long long)i);
		FZ_CHECK(end <= UINT64_MAX, "range wraps");
		for (uint64_t j = 0; j < i; j++) {
			unsigned __int128 s = t->ranges[j].addr;
			unsigned __int128 e =
			    s + (uint64_t)t->ranges[j].pages * 4096;

			FZ_CHECK(end <= s || a >= e, "ranges overlap");
		}
		sum += p;
	}
	FZ_CHECK(here == n ? sum == t->total_pages : sum <= t->total_pages,
		 "page sum %llu vs %u", (unsigned long long)sum,
		 t->total_pages);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	unsigned op = fz_u8(&in) & 3;
	uint16_t caller = fz_u16(&in);
	size_t total = fz_u16(&in), frag = fz_u16(&in);
	size_t buf_len = in.left;
	uint8_t *b = malloc(buf_len ? buf_len : 1);
	struct ffa_mem_txn t, before;
	int rc;

	FZ_CHECK(b != NULL, "out of memory");
	fz_bytes(&in, b, buf_len);
	memset(&t, 0xa5, sizeof(t));
	before = t;
	rc = ffa_mem_desc_parse(b, buf_len, total, frag, caller,
				(enum ffa_mem_op)op, &t);
	if (rc != FFA_OK) {
		FZ_CHECK(rc == -2 || rc == -3 || rc == -6, "rc %d", rc);
		FZ_CHECK(!memcmp(&t, &before, sizeof(t)),
			 "a refused descriptor changed the output");
	} else {
		check_header(b, buf_len, total, frag, caller, op, &t);
		check_ranges(b, total, frag, check_receivers(b, frag, op, &t),
			     &t);
	}
	free(b);
	return 0;
}
