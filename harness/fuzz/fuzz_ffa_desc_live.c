/*
 * Raw descriptors against a live two-VM setup: VM 1 (endpoint 1) has its
 * buffers mapped and one page already shared with VM 2, which has
 * retrieved it; then the input's bytes go to the TX buffer of the caller
 * it names and one memory ABI runs with the input's registers. The
 * ownership table must agree with both Stage-2s afterwards (ffa_world.c),
 * whatever was accepted or refused.
 */
#include <string.h>

#include "ffa/ffa.h"
#include "ffa_world.h"
#include "fz.h"

#define TX_IPA (FW_RAM_IPA + 0x10000)
#define RX_IPA (FW_RAM_IPA + 0x11000)

static void put(uint8_t *b, unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static void map(struct fw *w, unsigned i)
{
	const uint64_t x[8] = {FFA_RXTX_MAP, TX_IPA, RX_IPA, 1};

	FZ_CHECK(fw_call(w, i, x)[0] == FFA_SUCCESS, "RXTX_MAP");
}

/* VM 1 shares page 0x20 with VM 2, which retrieves it: a live handle. */
static uint64_t prepare(struct fw *w)
{
	uint8_t *tx = fw_ram(0, TX_IPA);
	uint64_t x[8] = {FFA_MEM_SHARE, 96, 96};
	const uint64_t *r;
	uint64_t h;

	memset(tx, 0, 96);
	put(tx, 0, 1, 2);
	put(tx, 2, 0x2f, 2);
	put(tx, 24, 16, 4);
	put(tx, 28, 1, 4);
	put(tx, 32, 48, 4);
	put(tx, 48, 2, 2);
	tx[50] = 2;
	put(tx, 52, 64, 4);
	put(tx, 64, 1, 4);
	put(tx, 68, 1, 4);
	put(tx, 80, FW_RAM_IPA + 0x20000, 8);
	put(tx, 88, 1, 4);
	r = fw_call(w, 0, x);
	FZ_CHECK(r[0] == FFA_SUCCESS, "prepare: share");
	h = r[2] | r[3] << 32;
	tx = fw_ram(1, TX_IPA);
	memset(tx, 0, 64);
	put(tx, 0, 1, 2);
	put(tx, 8, h, 8);
	put(tx, 24, 16, 4);
	put(tx, 28, 1, 4);
	put(tx, 32, 48, 4);
	put(tx, 48, 2, 2);
	x[0] = FFA_MEM_RETRIEVE_REQ;
	x[1] = x[2] = 64;
	FZ_CHECK(fw_call(w, 1, x)[0] == FFA_MEM_RETRIEVE_RESP,
		 "prepare: retrieve");
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t fids[] = {
	    FFA_MEM_SHARE,    FFA_MEM_LEND,	    FFA_MEM_DONATE,
	    FFA_MEM_SHARE_64, FFA_MEM_RETRIEVE_REQ, FFA_MEM_RELINQUISH,
	    FFA_MEM_RECLAIM,
	};
	static struct fw w;
	struct fz_in in = fz_in(data, size);
	uint8_t sel = fz_u8(&in);
	unsigned caller = sel & 1;
	uint64_t x[8] = {fids[(sel >> 1) % 7]}, h;

	fw_setup(&w, 2);
	map(&w, 0);
	map(&w, 1);
	h = prepare(&w);
	/* Registers: lengths (or the handle, for reclaim), then the rest;
	 * a flag byte substitutes the live handle for reclaim. */
	for (unsigned k = 1; k < 5; k++)
		x[k] = fz_u32(&in);
	if (x[0] == FFA_MEM_RECLAIM && (sel & 0x80)) {
		x[1] = (uint32_t)h;
		x[2] = h >> 32;
	}
	fz_bytes(&in, fw_ram(caller, TX_IPA), 4096);
	fw_call(&w, caller, x);
	fw_teardown(&w);
	return 0;
}
