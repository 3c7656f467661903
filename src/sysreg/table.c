/*
 * The table of trapped system registers, sorted by encoding (Op0, Op1, CRn,
 * CRm, Op2). sysreg_init() refuses to start if this order is broken.
 */
#include "arch/sysreg_enc.h"
#include "hv_err.h"
#include "sysreg/sysreg.h"

#define R(op0, op1, crn, crm, op2, nm, fn, a)                                  \
	{                                                                      \
		SYSREG_ENC(op0, op1, crn, crm, op2), nm, fn, a                 \
	}

/* DBGB{V,C}R<n>_EL1 and DBGW{V,C}R<n>_EL1 live at CRm = n, Op2 = 4..7. */
#define DBG_BP_WP(n)                                                           \
	R(2, 0, 0, n, 4, "DBGBVR" #n "_EL1", sysreg_dbg_bp_wp, 0x000 + (n)),   \
	    R(2, 0, 0, n, 5, "DBGBCR" #n "_EL1", sysreg_dbg_bp_wp,             \
	      0x100 + (n)),                                                    \
	    R(2, 0, 0, n, 6, "DBGWVR" #n "_EL1", sysreg_dbg_bp_wp,             \
	      0x200 + (n)),                                                    \
	    R(2, 0, 0, n, 7, "DBGWCR" #n "_EL1", sysreg_dbg_bp_wp,             \
	      0x300 + (n))

/* The ID register space Op0=3, Op1=0, CRn=0, CRm=1..7 is trapped as a whole
 * by HCR_EL2.TID3; unallocated encodings in it read as zero. */
#define ID_ROW(crm, op2) R(3, 0, 0, crm, op2, "ID_REG", sysreg_id_reg, 0)
#define ID_CRM(crm)                                                            \
	ID_ROW(crm, 0), ID_ROW(crm, 1), ID_ROW(crm, 2), ID_ROW(crm, 3),        \
	    ID_ROW(crm, 4), ID_ROW(crm, 5), ID_ROW(crm, 6), ID_ROW(crm, 7)

static const struct sysreg_desc table[] = {
    R(2, 0, 0, 0, 2, "OSDTRRX_EL1", sysreg_raz_wi, 0),
    DBG_BP_WP(0),
    DBG_BP_WP(1),
    R(2, 0, 0, 2, 0, "MDCCINT_EL1", sysreg_raz_wi, 0),
    R(2, 0, 0, 2, 2, "MDSCR_EL1", sysreg_live_el1, 0),
    DBG_BP_WP(2),
    R(2, 0, 0, 3, 2, "OSDTRTX_EL1", sysreg_raz_wi, 0),
    DBG_BP_WP(3),
    DBG_BP_WP(4),
    DBG_BP_WP(5),
    R(2, 0, 0, 6, 2, "OSECCR_EL1", sysreg_raz_wi, 0),
    DBG_BP_WP(6),
    DBG_BP_WP(7),
    DBG_BP_WP(8),
    DBG_BP_WP(9),
    DBG_BP_WP(10),
    DBG_BP_WP(11),
    DBG_BP_WP(12),
    DBG_BP_WP(13),
    DBG_BP_WP(14),
    DBG_BP_WP(15),
    R(2, 0, 1, 0, 0, "MDRAR_EL1", sysreg_ro_const, 0),
    R(2, 0, 1, 0, 4, "OSLAR_EL1", sysreg_oslar, 0),
    R(2, 0, 1, 1, 4, "OSLSR_EL1", sysreg_oslsr, 0),
    R(2, 0, 1, 3, 4, "OSDLR_EL1", sysreg_osdlr, 0),
    R(2, 0, 1, 4, 4, "DBGPRCR_EL1", sysreg_dbgprcr, 0),
    R(2, 0, 7, 8, 6, "DBGCLAIMSET_EL1", sysreg_raz_wi, 0),
    R(2, 0, 7, 9, 6, "DBGCLAIMCLR_EL1", sysreg_raz_wi, 0),
    /* Debug authentication: every debug class disabled for the guest. */
    R(2, 0, 7, 14, 6, "DBGAUTHSTATUS_EL1", sysreg_ro_const, 0xaa),
    R(2, 3, 0, 1, 0, "MDCCSR_EL0", sysreg_ro_const, 0),
    R(2, 3, 0, 4, 0, "DBGDTR_EL0", sysreg_raz_wi, 0),
    R(2, 3, 0, 5, 0, "DBGDTRRX_EL0", sysreg_raz_wi, 0),
    ID_CRM(1),
    ID_CRM(2),
    ID_CRM(3),
    ID_CRM(4),
    ID_CRM(5),
    ID_CRM(6),
    ID_CRM(7),
    /* IMPLEMENTATION DEFINED controls are not the guest's to change. */
    R(3, 0, 1, 0, 1, "ACTLR_EL1", sysreg_raz_wi, 0),
    R(3, 0, 12, 11, 5, "ICC_SGI1R_EL1", sysreg_icc_sgi1r, 0),
    /* Group 0 and alias-group SGIs: the guest only has Group 1. */
    R(3, 0, 12, 11, 6, "ICC_ASGI1R_EL1", sysreg_wo_ignore, 0),
    R(3, 0, 12, 11, 7, "ICC_SGI0R_EL1", sysreg_wo_ignore, 0),
};

/*
 * The sorted table stays the single source of truth; at init it is also
 * hashed into an open-addressing index, so a guest that reads an ID or
 * debug register in a loop pays a hash and one compare instead of a
 * binary search. Slot values are table index + 1 (0: empty).
 */
#define INDEX_SLOTS 512u
#define TABLE_SIZE (sizeof(table) / sizeof(table[0]))
_Static_assert(TABLE_SIZE < INDEX_SLOTS / 2, "keep the index half empty");
static uint16_t fast_index[INDEX_SLOTS];
/* Each entry's encoding as it appears in a trapped access's ISS (EC 0x18:
 * Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], CRm [4:1]), so the
 * exit path looks up the syndrome as it comes, without repacking it. */
static uint32_t iss_key[TABLE_SIZE];
#define ISS_KEY_MASK 0x3ffc1eu

static uint32_t enc_to_iss_key(uint32_t enc)
{
	return (SYSREG_OP0(enc) << 20) | (SYSREG_OP2(enc) << 17) |
	       (SYSREG_OP1(enc) << 14) | (SYSREG_CRN(enc) << 10) |
	       (SYSREG_CRM(enc) << 1);
}

static unsigned index_hash(uint32_t key)
{
	/* Fibonacci hashing of the 22-bit key. */
	return (unsigned)((key * 0x9e3779b1u) >> 23) & (INDEX_SLOTS - 1u);
}

const struct sysreg_desc *sysreg_find_iss(uint32_t iss)
{
	uint32_t key = iss & ISS_KEY_MASK;

	for (unsigned h = index_hash(key);; h = (h + 1) & (INDEX_SLOTS - 1u)) {
		unsigned i = fast_index[h];

		if (!i)
			return NULL;
		if (iss_key[i - 1] == key)
			return &table[i - 1];
	}
}

const struct sysreg_desc *sysreg_find(uint32_t enc)
{
	return sysreg_find_iss(enc_to_iss_key(enc));
}

size_t sysreg_table_size(void)
{
	return TABLE_SIZE;
}

int sysreg_init(void)
{
	if (sysreg_table_check(table, TABLE_SIZE) >= 0)
		return HV_EINVAL;
	for (unsigned h = 0; h < INDEX_SLOTS; h++)
		fast_index[h] = 0;
	for (unsigned i = 0; i < TABLE_SIZE; i++) {
		unsigned h;

		iss_key[i] = enc_to_iss_key(table[i].enc);
		h = index_hash(iss_key[i]);

		while (fast_index[h])
			h = (h + 1) & (INDEX_SLOTS - 1u);
		fast_index[h] = (uint16_t)(i + 1);
	}
	sysreg_id_init();
	return HV_OK;
}
