/*
 * The data-abort syndrome decoder (src/trap/dabt_decode.*) with any ESR:
 * a port builds the syndrome, so the decoder must refuse what no load or
 * store can produce and describe what it accepts exactly. Input: ESR, IPA,
 * the transfer register's value, the value a read returned, HPFAR, FAR.
 */
#include <stdint.h>
#include <string.h>

#include "arch/esr.h"
#include "fz.h"
#include "hv_err.h"
#include "trap/dabt_decode.h"

static uint64_t mask_of(unsigned width)
{
	return width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

static void check_decode(uint64_t esr, uint64_t ipa, const struct vcpu *v)
{
	unsigned ec = (unsigned)(esr >> 26) & 0x3f;
	uint32_t iss = (uint32_t)esr & 0x1ffffff;
	unsigned sas = (iss >> 22) & 3, srt = (iss >> 16) & 31;
	bool isv = iss >> 24 & 1, sse = iss >> 21 & 1, sf = iss >> 15 & 1;
	bool wnr = iss >> 6 & 1;
	struct mmio_access a, before;
	int rc;

	memset(&a, 0xa5, sizeof(a));
	before = a;
	rc = dabt_decode_isv(esr, ipa, v, &a);
	FZ_CHECK(rc == HV_OK || rc == HV_EINVAL, "rc %d", rc);
	if (rc != HV_OK) {
		FZ_CHECK(!memcmp(&a, &before, sizeof(a)),
			 "a refused syndrome changed the access record");
		return;
	}
	FZ_CHECK(ec == 0x24 || ec == 0x25, "accepted EC 0x%x", ec);
	FZ_CHECK(isv, "accepted a syndrome without ISV");
	FZ_CHECK(a.width == 1u << sas, "width %u for SAS %u", a.width, sas);
	FZ_CHECK(a.width == 1 || a.width == 2 || a.width == 4 || a.width == 8,
		 "width %u", a.width);
	FZ_CHECK(a.reg == srt && a.reg <= 31, "reg %u for SRT %u", a.reg, srt);
	FZ_CHECK(a.is_write == wnr, "direction");
	FZ_CHECK(a.sign_extend == sse && a.reg64 == sf, "SSE/SF");
	FZ_CHECK(a.ipa == ipa, "IPA changed");
	/* What no A64 instruction does: sign-extend on a store, LDRSW into a
	 * W register, move 64 bits through a W register or sign-extend them. */
	FZ_CHECK(!(a.sign_extend && a.is_write), "sign-extending store");
	FZ_CHECK(!(a.sign_extend && a.width == 4 && !a.reg64),
		 "LDRSW into a W register");
	FZ_CHECK(!(a.width == 8 && (!a.reg64 || a.sign_extend)),
		 "impossible 64-bit access");
	if (a.is_write)
		FZ_CHECK(a.data == ((srt == 31 ? 0 : v->regs.x[srt]) &
				    mask_of(a.width)),
			 "store data 0x%llx", (unsigned long long)a.data);
}

/* The register a read lands in, computed from the architecture's
 * description of LDR/LDRS*, then compared with dabt_complete_read. */
static void check_complete(const struct vcpu *v0, bool sse, bool sf,
			   unsigned width, unsigned reg, uint64_t data)
{
	struct vcpu v = *v0;
	struct mmio_access a = {.data = data,
				.width = (uint8_t)width,
				.reg = (uint8_t)reg,
				.sign_extend = sse,
				.reg64 = sf};
	uint64_t want = data & mask_of(width);

	if (sse && width < 8 && (want >> (8 * width - 1) & 1))
		want |= ~mask_of(width);
	if (!sf)
		want &= 0xffffffffull;
	dabt_complete_read(&v, &a);
	for (unsigned r = 0; r < 31; r++)
		FZ_CHECK(v.regs.x[r] == (r == reg ? want : v0->regs.x[r]),
			 "x%u = 0x%llx after a read into x%u (want 0x%llx)", r,
			 (unsigned long long)v.regs.x[r], reg,
			 (unsigned long long)want);
	a.is_write = true;
	v = *v0;
	dabt_complete_read(&v, &a);
	FZ_CHECK(!memcmp(&v.regs, &v0->regs, sizeof(v.regs)),
		 "completing a write changed registers");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	static struct vcpu v;
	uint64_t esr = fz_u64(&in), ipa = fz_u64(&in);
	uint64_t xval = fz_u64(&in), rdata = fz_u64(&in);
	uint64_t hpfar = fz_u64(&in), far = fz_u64(&in);
	struct mmio_access a;

	memset(&v, 0, sizeof(v));
	for (unsigned r = 0; r < 31; r++)
		v.regs.x[r] = xval ^ (0x0101010101010101ull * r);
	check_decode(esr, ipa, &v);
	if (dabt_decode_isv(esr, ipa, &v, &a) == HV_OK && !a.is_write)
		check_complete(&v, a.sign_extend, a.reg64, a.width, a.reg,
			       rdata);

	/* HPFAR_EL2.FIPA[43:4] holds IPA[51:12]; FAR gives the page offset. */
	FZ_CHECK(
	    dabt_fault_ipa(hpfar, far) ==
		((((hpfar >> 4) & ((1ull << 40) - 1)) << 12) | (far & 0xfff)),
	    "fault IPA");
	return 0;
}
