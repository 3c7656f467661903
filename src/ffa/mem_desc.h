/*
 * FF-A v1.1 memory transaction descriptor (DEN0077A v1.1, memory management
 * chapter, "Memory region descriptors") as a
 * sender writes it to its TX buffer for FFA_MEM_DONATE/LEND/SHARE: parsed
 * and validated as a pure function over bytes, before any ownership or
 * VM lookup. Every check, its error and its test: src/ffa/README.md.
 */
#ifndef HV_FFA_MEM_DESC_H
#define HV_FFA_MEM_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* FF-A status codes (DEN0077A, status/error codes table). */
enum ffa_status {
	FFA_OK = 0,
	FFA_NOT_SUPPORTED = -1,
	FFA_INVALID_PARAMETERS = -2,
	FFA_NO_MEMORY = -3,
	FFA_DENIED = -6,
};

enum ffa_mem_op {
	FFA_MEM_OP_DONATE,
	FFA_MEM_OP_LEND,
	FFA_MEM_OP_SHARE,
};

/* Wire sizes (v1.1): header, endpoint memory access descriptor,
 * composite memory region descriptor, constituent. */
#define FFA_MEM_HDR_SIZE 48u
#define FFA_MEM_EMAD_SIZE 16u
#define FFA_MEM_COMPOSITE_SIZE 16u
#define FFA_MEM_RANGE_SIZE 16u
#define FFA_PAGE_SIZE 4096u

/* Bookkeeping caps. More receivers than FFA_MEM_MAX_RECEIVERS is a
 * malformed request for us (INVALID_PARAMETERS, as Hafnium answers above
 * its MAX_MEM_SHARE_RECIPIENTS); more ranges than FFA_MEM_MAX_RANGES is
 * a lack of bookkeeping memory (NO_MEMORY). */
#define FFA_MEM_MAX_RECEIVERS 8u
#define FFA_MEM_MAX_RANGES 32u

struct ffa_mem_receiver {
	uint16_t id;
	uint8_t perms; /* [1:0] data access, [3:2] instruction access */
	uint8_t flags; /* [0] non-retrieval borrower */
};

struct ffa_mem_range {
	uint64_t addr;	/* 4 KiB aligned; addr + pages * 4 KiB never wraps */
	uint32_t pages; /* non-zero */
};

struct ffa_mem_txn {
	uint16_t sender;
	uint16_t attributes;
	uint32_t flags;
	uint64_t tag;
	uint32_t receiver_count; /* 1..FFA_MEM_MAX_RECEIVERS, distinct */
	struct ffa_mem_receiver receivers[FFA_MEM_MAX_RECEIVERS];
	uint32_t total_pages; /* the composite's total page count */
	uint32_t range_count; /* ranges in the whole transaction */
	/* Ranges present in this fragment (ranges[0..ranges_here)); equal
	 * to range_count exactly when complete. Only a complete descriptor
	 * has had its page-count sum checked against total_pages. */
	uint32_t ranges_here;
	bool complete;
	struct ffa_mem_range ranges[FFA_MEM_MAX_RANGES];
};

/*
 * Parses the first fragment of a send: buf holds buf_len readable bytes
 * (the TX buffer), of which the first fragment_len form this fragment of
 * a total_len-byte descriptor. sender_id is the caller's FF-A ID.
 * Reads only inside [buf, buf + min(buf_len, fragment_len)), byte by
 * byte, little-endian. Returns FFA_OK and fills *out, or a negative FF-A
 * status and leaves *out untouched.
 */
int ffa_mem_desc_parse(const void *buf, size_t buf_len, size_t total_len,
		       size_t fragment_len, uint16_t sender_id,
		       enum ffa_mem_op op, struct ffa_mem_txn *out);

#endif
