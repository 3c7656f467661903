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

const struct sysreg_desc *sysreg_find(uint32_t enc)
{
	return sysreg_table_find(table, sizeof(table) / sizeof(table[0]), enc);
}

size_t sysreg_table_size(void)
{
	return sizeof(table) / sizeof(table[0]);
}

int sysreg_init(void)
{
	return sysreg_table_check(table, sysreg_table_size()) < 0 ? HV_OK
								  : HV_EINVAL;
}
