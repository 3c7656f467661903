/*
 * Random sequences of FF-A calls from three live VMs: buffers mapped and
 * unmapped, memory shared, lent, donated, retrieved, relinquished and
 * reclaimed, indirect messages sent and released, RUN, YIELD and
 * MSG_WAIT, VMs destroyed and created again. After every call the
 * ownership table must agree with every VM's Stage-2 and the isolation
 * checker must hold (ffa_world.c). Descriptors are built well formed from
 * the input, then optionally corrupted one byte, so most calls get past
 * the parser to the ownership rules. Notification calls (BIND, UNBIND,
 * SET, GET) name mostly live IDs and a few bits, so bindings collide;
 * after each call every receiver's bindings and pending bits must be
 * consistent (check_notifications).
 */
#include <string.h>

#include "ffa/ffa.h"
#include "ffa/ffa_priv.h"
#include "ffa_world.h"
#include "fz.h"
#include "sim_hal.h"

#define MAX_STEPS 48
#define HANDLES 8

struct state {
	struct fw w;
	uint64_t handles[HANDLES];
	unsigned nh;
	uint64_t tx_ipa[FW_VMS], rx_ipa[FW_VMS];
	bool mapped[FW_VMS];
};

static void put(uint8_t *b, unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

/* An address a VM could name: one of its RAM pages, or a window page of
 * any VM's RAM (what it may borrow or have been donated). */
static uint64_t some_ipa(struct fz_in *in)
{
	uint8_t k = fz_u8(in);
	uint64_t page = (k % FW_RAM_PAGES) * 4096ull;

	if (k & 0x80)
		return FW_WINDOW(FW_RAM_PA(fz_u8(in) % FW_VMS) + page);
	return FW_RAM_IPA + page;
}

static uint32_t build_send(struct fz_in *in, uint8_t *b, unsigned caller,
			   uint32_t fnum)
{
	unsigned nr = fz_u8(in) % 3 + 1, ng = fz_u8(in) % 3 + 1;
	unsigned comp = 48 + 16 * nr, pages = 0;
	uint8_t perms = fz_u8(in) % 3;

	memset(b, 0, comp + 16 + 16 * ng);
	put(b, 0, caller + 1, 2);
	put(b, 2, fnum == 0x71 ? 0 : 0x2f, 2);
	put(b, 4, fz_u8(in) & 1 && fnum != 0x73 ? 1 : 0, 4);
	put(b, 24, 16, 4);
	put(b, 28, nr, 4);
	put(b, 32, 48, 4);
	for (unsigned i = 0; i < nr; i++) {
		uint8_t r = fz_u8(in);

		/* Mostly another VM (bit 0: which); bit 7: any ID 0..4. */
		put(b, 48 + 16 * i,
		    r & 0x80 ? r % 5u : (caller + 1 + (r & 1)) % FW_VMS + 1, 2);
		b[48 + 16 * i + 2] = fnum == 0x71 ? 0 : perms;
		put(b, 48 + 16 * i + 4, comp, 4);
	}
	for (unsigned i = 0; i < ng; i++) {
		uint32_t p = fz_u8(in) % 4 + 1;

		put(b, comp + 16 + 16 * i, some_ipa(in), 8);
		put(b, comp + 24 + 16 * i, p, 4);
		pages += p;
	}
	put(b, comp, pages, 4);
	put(b, comp + 4, ng, 4);
	return comp + 16 + 16 * ng;
}

/* One of a few bits (0..7, 40, 63), sometimes two, sometimes any. */
static uint64_t some_bits(struct fz_in *in)
{
	static const uint8_t bit[] = {0, 1, 2, 3, 4, 5, 6, 7, 40, 63};
	uint8_t k = fz_u8(in);

	if (k == 0xff)
		return fz_u64(in);
	return 1ull << bit[k % 10] |
	       (k & 0x80 ? 1ull << bit[(k >> 3) % 10] : 0);
}

/* A notification call from VM i: mostly well formed, with IDs 1..3 (the
 * caller where the ABI wants it), the per-vCPU flag sometimes, vCPU 0. */
static void notification_call(struct fz_in *in, unsigned i, uint64_t x[8])
{
	static const uint32_t fid[] = {0x8400007f, 0x84000080, 0x84000081,
				       0x84000082};
	uint8_t k = fz_u8(in), f = fz_u8(in);
	uint64_t other = k & 0x40 ? fz_u8(in) % 5u : (i + 1 + (k >> 7)) % 3 + 1;
	uint64_t bits = some_bits(in);

	x[0] = fid[k % 4];
	/* BIND/UNBIND: sender | caller; SET: caller | receiver; GET:
	 * vCPU 0 | caller. */
	if (k % 4 == 2)
		x[1] = (uint64_t)(i + 1) << 16 | other;
	else
		x[1] = (k % 4 == 3 ? 0 : other << 16) | (i + 1);
	x[2] = f & 0x80 ? fz_u32(in) : (k % 4 == 3 ? f & 0xf : f & 1);
	x[3] = (uint32_t)bits;
	x[4] = bits >> 32;
	if (k & 0x20) /* some other caller in w1 */
		x[1] ^= (uint64_t)(fz_u8(in) & 3) << ((k & 0x10) ? 16 : 0);
}

/* Every receiver: bound senders are other live VMs, per-vCPU bits are
 * bound, pending bits are bound and of their kind, at vCPUs it has. */
static void check_notifications(void)
{
	for (uint32_t id = 1; id <= HV_MAX_VMS; id++) {
		const struct ffa_vm *f = ffa_vm_by_id(id);
		uint64_t bound = 0;

		if (!f)
			continue;
		for (unsigned n = 0; n < 64; n++) {
			uint16_t s = f->notif_sender[n];

			if (!s)
				continue;
			bound |= 1ull << n;
			FZ_CHECK(s != id && ffa_vm_by_id(s),
				 "ID %u: bit %u bound to %u, not a live VM", id,
				 n, s);
		}
		FZ_CHECK(!(f->notif_per_vcpu & ~bound),
			 "ID %u: per-vCPU bits not bound", id);
		FZ_CHECK(!(f->notif_pending & ~(bound & ~f->notif_per_vcpu)),
			 "ID %u: global pending bits not bound globally", id);
		for (unsigned c = 0; c < VM_MAX_VCPUS; c++)
			FZ_CHECK(
			    !(f->notif_vcpu_pending[c] &
			      ~(c < f->vm->nvcpus ? bound & f->notif_per_vcpu
						  : 0)),
			    "ID %u: vCPU %u pending bits not bound per vCPU",
			    id, c);
	}
}

/* A VM created again under ID id: bound to nothing, nothing bound to it,
 * nothing pending (its predecessor's bindings went with it). */
static void check_fresh(uint32_t id)
{
	const struct ffa_vm *me = ffa_vm_by_id(id);

	FZ_CHECK(me && !me->notif_per_vcpu && !me->notif_pending,
		 "ID %u: created with notification state", id);
	for (uint32_t k = 1; k <= HV_MAX_VMS; k++) {
		const struct ffa_vm *f = ffa_vm_by_id(k);

		for (unsigned n = 0; f && n < 64; n++)
			FZ_CHECK(
			    f->notif_sender[n] != id &&
				(k != id || !f->notif_sender[n]),
			    "ID %u: bit %u bound to %u across its re-creation",
			    k, n, f->notif_sender[n]);
	}
}

static uint64_t pick_handle(struct state *s, struct fz_in *in)
{
	uint8_t k = fz_u8(in);

	if (s->nh == 0 || k == 0xff)
		return fz_u64(in);
	return s->handles[k % s->nh];
}

static void step(struct state *s, struct fz_in *in)
{
	uint8_t sel = fz_u8(in);
	unsigned i = sel % FW_VMS;
	uint64_t x[8] = {0};
	uint8_t *tx = s->mapped[i] ? fw_ram(i, s->tx_ipa[i]) : NULL;
	uint32_t len;
	const uint64_t *r;

	/* Selectors 225..255: notifications (below, the older mix keeps its
	 * meaning, and with it the seeds'). */
	if (sel / FW_VMS >= 75) {
		notification_call(in, i, x);
		(void)fw_call(&s->w, i, x);
		check_notifications();
		return;
	}
	switch ((sel / FW_VMS) % 17) {
	case 0:
		x[0] = FFA_VERSION;
		x[1] = fz_u8(in) & 1 ? 0x00010000 : fz_u32(in);
		break;
	case 1:
		x[0] = FFA_FEATURES;
		x[1] = 0x84000060 + fz_u8(in) % 0x40;
		break;
	case 2:
		x[0] = FFA_PARTITION_INFO_GET;
		x[5] = fz_u8(in) % 3;
		break;
	case 3: {
		uint8_t t = fz_u8(in), rx = fz_u8(in);

		x[0] = fz_u8(in) & 1 ? FFA_RXTX_MAP_64 : FFA_RXTX_MAP;
		x[1] = FW_RAM_IPA + (t % FW_RAM_PAGES) * 4096ull;
		x[2] = FW_RAM_IPA + (rx % FW_RAM_PAGES) * 4096ull;
		x[3] = 1; /* the harness reads TX as one page */
		break;
	}
	case 4:
		x[0] = FFA_RXTX_UNMAP;
		break;
	case 5:
		x[0] = FFA_RX_RELEASE;
		break;
	case 6:
	case 7:
	case 8: {
		static const uint32_t fn[] = {0x73, 0x72, 0x71};
		uint32_t f = fn[(sel / FW_VMS) % 17 - 6];
		uint8_t hold;

		if (!tx)
			return;
		len = build_send(in, tx, i, f);
		if (fz_u8(in) & 1) /* corrupt one byte */
			tx[fz_u8(in) % len] = fz_u8(in);
		x[0] = 0x84000000 | f;
		x[1] = x[2] = len;
		/* Sometimes only a first fragment: the last constituents
		 * are held back for FRAG_TX. */
		hold = fz_u8(in) % 4;
		if (hold > 0 && 16u * hold < len - 80)
			x[2] = len - 16u * hold;
		break;
	}
	case 9:
		if (!tx)
			return;
		memset(tx, 0, 64);
		put(tx, 0, fz_u8(in) % 4, 2);
		put(tx, 4, fz_u8(in) & 0x1f, 4);
		put(tx, 8, pick_handle(s, in), 8);
		put(tx, 24, 16, 4);
		put(tx, 28, 1, 4);
		put(tx, 32, 48, 4);
		put(tx, 48, i + 1, 2);
		tx[50] = fz_u8(in) & 0xf;
		x[0] = FFA_MEM_RETRIEVE_REQ;
		x[1] = x[2] = 64;
		break;
	case 10:
		if (!tx)
			return;
		memset(tx, 0, 32);
		put(tx, 0, pick_handle(s, in), 8);
		put(tx, 8, fz_u8(in) & 3, 4);
		put(tx, 12, 1, 4);
		put(tx, 16, fz_u8(in) & 1 ? i + 1 : fz_u8(in) % 4, 2);
		x[0] = FFA_MEM_RELINQUISH;
		break;
	case 11: {
		uint64_t h = pick_handle(s, in);

		x[0] = FFA_MEM_RECLAIM;
		x[1] = (uint32_t)h;
		x[2] = h >> 32;
		x[3] = fz_u8(in) & 3;
		break;
	}
	case 12:
		/* Any FF-A function number with any arguments. */
		x[0] = (fz_u8(in) & 1 ? 0xC4000000u : 0x84000000u) |
		       (0x60 + fz_u8(in) % 0x90);
		for (unsigned k = 1; k < 8; k++)
			x[k] = fz_u8(in) & 1 ? fz_u64(in) : fz_u8(in);
		break;
	case 13: {
		uint64_t h = pick_handle(s, in);

		if (!tx)
			return;
		memset(tx, 0, 32);
		put(tx, 0, some_ipa(in), 8);
		put(tx, 8, fz_u8(in) % 4 + 1, 4);
		put(tx, 16, some_ipa(in), 8);
		put(tx, 24, fz_u8(in) % 4 + 1, 4);
		x[0] = FFA_MEM_FRAG_TX;
		x[1] = (uint32_t)h;
		x[2] = h >> 32;
		x[3] = 16u * (fz_u8(in) % 3);
		break;
	}
	case 14: {
		/* A v1.1 partition message header (DEN0077A: flags 0,
		 * reserved 4, offset 8, sender/receiver 12, size 16), mostly
		 * well formed, to another VM or any ID 0..4. */
		uint8_t to = fz_u8(in);

		if (!tx)
			return;
		memset(tx, 0, 20);
		put(tx, 8, 20 + fz_u8(in) % 64, 4);
		put(tx, 12,
		    (i + 1) << 16 |
			(to & 0x80 ? to % 5u : (i + 1 + (to & 1)) % FW_VMS + 1),
		    4);
		put(tx, 16, fz_u8(in) & 0x40 ? fz_u32(in) : fz_u8(in), 4);
		if (fz_u8(in) & 1) /* corrupt one byte */
			tx[fz_u8(in) % 20] = fz_u8(in);
		x[0] = FFA_MSG_SEND2;
		break;
	}
	case 15: {
		/* CPU time: RUN of any VM's vCPU 0..1 (bit 7: any w1),
		 * YIELD, MSG_WAIT. */
		uint8_t k = fz_u8(in);

		if (k % 3 == 0) {
			x[0] = FFA_RUN;
			x[1] = k & 0x80 ? fz_u32(in)
					: (uint32_t)(fz_u8(in) % 5) << 16 |
					      (fz_u8(in) & 1);
		} else {
			x[0] = k % 3 == 1 ? FFA_YIELD : FFA_MSG_WAIT;
			x[2] = fz_u8(in);
		}
		break;
	}
	default:
		fw_recreate(&s->w, i);
		s->mapped[i] = false;
		check_fresh(i + 1);
		check_notifications();
		return;
	}
	r = fw_call(&s->w, i, x);

	if ((uint32_t)x[0] == FFA_RXTX_MAP ||
	    (uint32_t)x[0] == FFA_RXTX_MAP_64) {
		if (r[0] == FFA_SUCCESS) {
			s->mapped[i] = true;
			s->tx_ipa[i] = x[1];
			s->rx_ipa[i] = x[2];
		}
	} else if ((uint32_t)x[0] == FFA_RXTX_UNMAP && r[0] == FFA_SUCCESS) {
		s->mapped[i] = false;
	} else if (((x[0] & 0xffff) >= 0x71 && (x[0] & 0xffff) <= 0x73) &&
		   r[0] == FFA_SUCCESS && s->nh < HANDLES) {
		s->handles[s->nh++] = r[2] | r[3] << 32;
	}
	/* A message sent is in the receiver's RX with the header checked. */
	if ((uint32_t)x[0] == FFA_MSG_SEND2 && r[0] == FFA_SUCCESS && tx) {
		uint32_t ids = (uint32_t)tx[12] | (uint32_t)tx[13] << 8 |
			       (uint32_t)tx[14] << 16 | (uint32_t)tx[15] << 24;
		unsigned to = (ids & 0xffffu) - 1;

		FZ_CHECK(to < FW_VMS && to != i && s->mapped[to],
			 "MSG_SEND2 to 0x%x accepted", ids & 0xffffu);
		if (to < FW_VMS) {
			const uint8_t *rx = fw_ram(to, s->rx_ipa[to]);

			FZ_CHECK(memcmp(rx + 12, &ids, 4) == 0 && rx[0] == 0,
				 "MSG_SEND2 header not in RX");
		}
	}
	if (r[0] == FFA_MEM_FRAG_RX && s->nh < HANDLES)
		s->handles[s->nh++] = r[1] | r[2] << 32;
	check_notifications();
}

static void el3_none(uint64_t a[18])
{
	a[0] = FFA_ERROR;
	a[1] = 0;
	a[2] = (uint32_t)-2; /* INVALID_PARAMETERS */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct state s;
	struct fz_in in = fz_in(data, size);

	memset(&s, 0, sizeof(s));
	fw_setup(&s.w, FW_VMS);
	/* Forwarded calls (a secure RUN target, say) meet an SPMC that
	 * knows no such partition. */
	sim_set_el3(el3_none);
	for (unsigned n = 0; n < MAX_STEPS && in.left > 0; n++)
		step(&s, &in);
	fw_teardown(&s.w);
	return 0;
}
