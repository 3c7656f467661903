/*
 * The simulated machine hvsim runs: host memory registered as physical
 * memory (guest RAM and a page pool for Stage-2 tables at made-up physical
 * addresses), one VM with N vCPUs, the fake GIC, a Unicorn engine per
 * vCPU on the one simulated physical CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "hv.h"
#include "hv_err.h"
#include "hvsim.h"
#include "isolation.h"
#include "sched/sched.h"
#include "sim_hal.h"
#include "vm/boot.h"
#include "vm/vm.h"

/* Made-up host physical addresses; only hal_pa_to_va gives them meaning. */
#define HVSIM_POOL_PA 0x10000000ull
#define HVSIM_POOL_PAGES 1024u

int hvsim_read_file(const char *path, size_t max, void **buf, size_t *len,
		    char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	void *p;

	*buf = NULL;
	*len = 0;
	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		fclose(f);
		return -1;
	}
	if (st.st_size == 0 || (unsigned long long)st.st_size > max) {
		snprintf(err, errlen, "%s: size %lld is outside 1..%zu bytes",
			 path, (long long)st.st_size, max);
		fclose(f);
		return -1;
	}
	p = malloc((size_t)st.st_size);
	if (!p || fread(p, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		snprintf(err, errlen, "cannot read %s", path);
		free(p);
		fclose(f);
		return -1;
	}
	fclose(f);
	*buf = p;
	*len = (size_t)st.st_size;
	return 0;
}

/* The isolation checker's view of the VM: the Stage-2 registers it runs
 * with, while it has tables. */
static bool vm_s2_regs(void *ctx, uint64_t *vttbr, uint64_t *vtcr)
{
	const struct hvsim_machine *m = ctx;

	if (!m->vm || !m->vm->in_use || !m->vm->s2.root)
		return false;
	*vttbr = stage2_vttbr(&m->vm->s2);
	*vtcr = stage2_vtcr();
	return true;
}

static void *map_zeroed(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int hvsim_machine_setup(struct hvsim_machine *m, const struct hvsim_opts *o,
			char *err, size_t errlen)
{
	void *image, *dtb = NULL;
	size_t image_len, dtb_len = 0;

	memset(m, 0, sizeof(*m));
	if (hvsim_read_file(o->guest, o->mem, &image, &image_len, err,
			    errlen) != 0)
		return HVSIM_EXIT_USAGE;
	if (o->dtb && hvsim_read_file(o->dtb, HVSIM_DTB_MAX, &dtb, &dtb_len,
				      err, errlen) != 0) {
		free(image);
		return HVSIM_EXIT_USAGE;
	}
	if (o->initrd && hvsim_read_file(o->initrd, o->mem, &m->initrd,
					 &m->initrd_len, err, errlen) != 0) {
		free(image);
		free(dtb);
		return HVSIM_EXIT_USAGE;
	}
	m->image = image;
	m->dtb = dtb;
	return hvsim_machine_boot(m, o, image, image_len, dtb, dtb_len, err,
				  errlen);
}

int hvsim_machine_boot(struct hvsim_machine *m, const struct hvsim_opts *o,
		       const void *image, size_t image_len, const void *dtb,
		       size_t dtb_len, char *err, size_t errlen)
{
	struct vm_config cfg = {0};
	struct guest_boot_args args = {0};
	struct guest_boot_info info;
	struct sim_cpu_config ccfg = {.precise = o->precise};
	unsigned nvcpus = o->vcpus ? o->vcpus : 1;
	const char *why = NULL;
	int e;

	if (nvcpus > VM_MAX_VCPUS) {
		snprintf(err, errlen, "%u vCPUs: 1..%u", nvcpus,
			 (unsigned)VM_MAX_VCPUS);
		return HVSIM_EXIT_USAGE;
	}
	sim_hal_reset();
	if (hv_init() != HV_OK) {
		snprintf(err, errlen, "hypervisor core failed to initialise");
		return HVSIM_EXIT_GUEST;
	}
	m->ram_size = (size_t)o->mem;
	m->ram = map_zeroed(m->ram_size);
	m->pool_size = (size_t)HVSIM_POOL_PAGES * PAGE_SIZE;
	m->pool_mem = map_zeroed(m->pool_size);
	if (!m->ram || !m->pool_mem ||
	    sim_phys_add(HVSIM_RAM_PA, m->ram, m->ram_size) != 0 ||
	    sim_phys_add(HVSIM_POOL_PA, m->pool_mem, m->pool_size) != 0 ||
	    page_pool_init(&m->pool, m->pool_mem, HVSIM_POOL_PA,
			   HVSIM_POOL_PAGES) != HV_OK) {
		snprintf(err, errlen,
			 "cannot set up %llu bytes of guest memory",
			 (unsigned long long)o->mem);
		return HVSIM_EXIT_GUEST;
	}
	/* Every Stage-2 change is checked: no VM may map the page pool (the
	 * tables) or, later, another VM's RAM. */
	sim_iso_enable(true);
	sim_iso_add_hyp_range(HVSIM_POOL_PA, m->pool_size,
			      "the hypervisor's page pool");
	sim_iso_add_vm(0, vm_s2_regs, m);

	cfg.ram_pa = HVSIM_RAM_PA;
	cfg.ram_size = o->mem;
	cfg.nvcpus = nvcpus;
	cfg.scratch_dev = true;
	m->vm = vm_create(&cfg, &m->pool, &e);
	if (!m->vm) {
		snprintf(err, errlen, "vm_create failed (error %d)", e);
		return HVSIM_EXIT_GUEST;
	}
	/* Its tables were built before vm_create returned the VM: check
	 * them now; every later change is checked as it is made. */
	sim_iso_check_all();

	args.image = image;
	args.image_len = image_len;
	args.dtb = dtb;
	args.dtb_len = dtb_len;
	args.bootargs = o->bootargs;
	args.initrd = m->initrd;
	args.initrd_len = m->initrd_len;
	e = vm_boot_guest(m->vm, &args, &info, &why);
	if (e != HV_OK) {
		snprintf(err, errlen, "%s: cannot boot: %s",
			 o->guest ? o->guest : "image",
			 why ? why : "rejected by the loader");
		return HVSIM_EXIT_USAGE;
	}

	fgic_reset(&m->gic);
	for (unsigned i = 0; i < nvcpus; i++) {
		if (sim_cpu_create(&m->cpus[i], &m->vm->vcpus[i], &m->gic,
				   &ccfg, &why) != 0) {
			snprintf(err, errlen, "simulated CPU %u: %s", i, why);
			return HVSIM_EXIT_GUEST;
		}
		m->ncpus = i + 1;
	}
	m->cpu = m->cpus[0];
	/* Every vCPU on physical CPU 0, round-robin. */
	sched_init(0);
	if (sched_add_vm(m->vm, SCHED_SHARED, 0) != HV_OK) {
		snprintf(err, errlen, "the scheduler refused the VM");
		return HVSIM_EXIT_GUEST;
	}
	m->sched = true;
	return 0;
}

void hvsim_machine_teardown(struct hvsim_machine *m)
{
	if (m->sched)
		sched_remove_vm(m->vm);
	for (unsigned i = m->ncpus; i-- > 0;)
		sim_cpu_destroy(m->cpus[i]);
	m->cpu = NULL;
	vm_destroy(m->vm);
	m->vm = NULL;
	if (m->ram)
		munmap(m->ram, m->ram_size);
	if (m->pool_mem)
		munmap(m->pool_mem, m->pool_size);
	free(m->image);
	free(m->dtb);
	free(m->initrd);
	sim_capture_clear();
	sim_hal_reset();
	memset(m, 0, sizeof(*m));
}
