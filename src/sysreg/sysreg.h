/*
 * Trapped system registers: one sorted table of descriptors keyed by
 * SYSREG_ENC. The order is checked once at init so lookup can be a binary
 * search; an encoding missing from the table is UNDEF for the guest.
 */
#ifndef HV_SYSREG_SYSREG_H
#define HV_SYSREG_SYSREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vcpu;
struct sysreg_desc;

/* Returns false when the access is not allowed (e.g. a write to a
 * read-only register): the guest then gets UNDEF. */
typedef bool (*sysreg_access_fn)(struct vcpu *v, const struct sysreg_desc *d,
				 uint64_t *val, bool is_read);

struct sysreg_desc {
	uint32_t enc;
	const char *name;
	sysreg_access_fn access;
	uint64_t arg; /* accessor-specific: an index, a fixed value */
};

/* Index of the first descriptor out of strictly increasing order, or -1
 * if the table is sorted without duplicates. */
long sysreg_table_check(const struct sysreg_desc *t, size_t n);
const struct sysreg_desc *sysreg_table_find(const struct sysreg_desc *t,
					    size_t n, uint32_t enc);

/* The hypervisor's table, by encoding or straight from a trapped access's
 * ISS (EC 0x18; the Rt and direction fields are ignored). */
const struct sysreg_desc *sysreg_find(uint32_t enc);
const struct sysreg_desc *sysreg_find_iss(uint32_t iss);
int sysreg_init(void); /* HV_OK or HV_EINVAL if the table is unsorted */
size_t sysreg_table_size(void);

/* Guest-visible value of an ID register (sanitised hardware value, read
 * from the hardware once, by sysreg_id_init from sysreg_init). */
uint64_t sysreg_id_value(uint32_t enc);
void sysreg_id_init(void);

/* Accessors shared by the table (the files in sysreg/). */
bool sysreg_raz_wi(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		   bool is_read);
bool sysreg_ro_const(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		     bool is_read);
bool sysreg_id_reg(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		   bool is_read);
bool sysreg_live_el1(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		     bool is_read);
bool sysreg_dbg_bp_wp(struct vcpu *v, const struct sysreg_desc *d,
		      uint64_t *val, bool is_read);
bool sysreg_oslar(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		  bool is_read);
bool sysreg_oslsr(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		  bool is_read);
bool sysreg_osdlr(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		  bool is_read);
bool sysreg_dbgprcr(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		    bool is_read);
bool sysreg_icc_sgi1r(struct vcpu *v, const struct sysreg_desc *d,
		      uint64_t *val, bool is_read);
bool sysreg_wo_ignore(struct vcpu *v, const struct sysreg_desc *d,
		      uint64_t *val, bool is_read);

#endif
