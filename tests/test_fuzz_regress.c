/*
 * Inputs the libFuzzer harnesses (harness/fuzz/) found crashing, replayed
 * through the same core calls so the bugs stay fixed under make check. Each
 * input is the crash file's bytes, decoded the way its harness decodes them
 * (little-endian fields, missing bytes read as zero).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/esr.h"
#include "hv_err.h"
#include "trap/dabt_decode.h"
#include "vcpu.h"

static uint64_t le64_at(const uint8_t *in, size_t len, size_t off)
{
	uint64_t v = 0;

	for (size_t i = 8; i-- > 0;)
		v = v << 8 | (off + i < len ? in[off + i] : 0);
	return v;
}

/*
 * fuzz_dabt_decode crash-13c84a0c: ESR 0x5b949431976080db is a DABT_CUR
 * with ISV, SAS=halfword, SSE and WnR: a sign-extending store, which no
 * instruction is. The decoder accepted it as a valid access.
 */
static const uint8_t sse_store[] = {0xdb, 0x80, 0x60, 0x97, 0x31,
				    0x94, 0x94, 0x5b, 0x94};

static void dabt_decode_refuses_sign_extending_store(void **state)
{
	uint64_t esr = le64_at(sse_store, sizeof(sse_store), 0);
	uint64_t ipa = le64_at(sse_store, sizeof(sse_store), 8);
	struct vcpu v = {0};
	struct mmio_access a;

	(void)state;
	assert_int_equal(esr_ec(esr), EC_DABT_CUR);
	assert_int_equal(dabt_decode_isv(esr, ipa, &v, &a), HV_EINVAL);
}

/* Same family, found by the invariant next to it: LDRSW only writes Xn, so
 * a 4-byte sign-extending load into Wn is not an instruction either. */
static void dabt_decode_refuses_ldrsw_into_w(void **state)
{
	uint32_t iss = ISS_DABT_ISV | 2u << ISS_DABT_SAS_SHIFT | ISS_DABT_SSE |
		       3u << ISS_DABT_SRT_SHIFT | FSC_TRANSLATION;
	struct vcpu v = {0};
	struct mmio_access a;

	(void)state;
	assert_int_equal(
	    dabt_decode_isv(esr_make(EC_DABT_LOW, 1, iss), 0, &v, &a),
	    HV_EINVAL);
	/* With SF it is LDRSW Xn: accepted. */
	assert_int_equal(
	    dabt_decode_isv(esr_make(EC_DABT_LOW, 1, iss | ISS_DABT_SF), 0, &v,
			    &a),
	    HV_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dabt_decode_refuses_sign_extending_store),
	    cmocka_unit_test(dabt_decode_refuses_ldrsw_into_w),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
