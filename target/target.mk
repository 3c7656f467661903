# The aarch64 bare-metal port: build/target/hv.elf, plus the QEMU runs.
#   make target       build hv.elf
#   make run          boot $(GUEST) (default: the hello fixture) interactively
#   make debug        same, halted for gdb on :1234
#   make qemu-e2e     every fixture under QEMU, diffed against hvsim (in make check)

TGT_BUILD := $(BUILD)/target
TGT_OBJ := $(TGT_BUILD)/obj
HV_ELF := $(TGT_BUILD)/hv.elf
LIBFDT_ARM64 := $(DEPS_DIR)/libfdt-arm64/usr
LIBFDT_A := $(LIBFDT_ARM64)/lib/aarch64-linux-gnu/libfdt.a

# Our libfdt_env.h (src/lib/include, in CORE_CFLAGS) must shadow Debian's,
# which sits next to libfdt.h: -isystem is searched after every -I.
# No host headers: only the compiler's own (stdint.h, stdarg.h, ...). Its
# limits.h would #include_next the host's unless told there is no libc one.
TGT_ARCH := -march=armv8-a -mgeneral-regs-only -mno-outline-atomics
# Asked of the compiler when first used (a recipe), not when the Makefile is
# parsed: on a fresh machine the deps step installs the compiler first.
TGT_GCC_INC = $(eval TGT_GCC_INC := $$(shell $(TARGET_CC) -print-file-name=include))$(TGT_GCC_INC)
TGT_STDINC = -nostdinc -isystem $(TGT_GCC_INC) -D_LIBC_LIMITS_H_
TGT_CFLAGS = $(CORE_CFLAGS) $(TGT_STDINC) -isystem $(LIBFDT_ARM64)/include $(TGT_ARCH) \
              -O2 -g -flto -fno-pie -fno-pic -fno-stack-protector \
              -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
              -ffunction-sections -fdata-sections -MMD -MP
TGT_PORT_CFLAGS = $(TGT_CFLAGS) -Itarget
TGT_ASFLAGS := -march=armv8-a -Itarget -g -D__ASSEMBLY__ -MMD -MP
TGT_LDFLAGS := -O2 -flto -nostdlib -static -no-pie -T target/hv.ld -Wl,--gc-sections \
               -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack

TGT_CORE_OBJS := $(CORE_SRCS:%.c=$(TGT_OBJ)/%.o) $(CORE_LIB_SRCS:%.c=$(TGT_OBJ)/%.o)
TGT_PORT_SRCS := $(sort $(wildcard target/*.c))
TGT_ASM_SRCS := $(sort $(wildcard target/*.S))
TGT_PORT_OBJS := $(TGT_PORT_SRCS:%.c=$(TGT_OBJ)/%.o) $(TGT_ASM_SRCS:%.S=$(TGT_OBJ)/%.o)

# The byte loops in string.c must stay loops, not calls to themselves.
$(TGT_OBJ)/src/lib/string.o: TGT_EXTRA := -fno-builtin -fno-tree-loop-distribute-patterns

$(TGT_OBJ)/src/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(TARGET_CC) $(TGT_CFLAGS) $(TGT_EXTRA) -c $< -o $@

$(TGT_OBJ)/target/%.o: target/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(TARGET_CC) $(TGT_PORT_CFLAGS) -c $< -o $@

$(TGT_OBJ)/target/%.o: target/%.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(TARGET_CC) $(TGT_ASFLAGS) -c $< -o $@

$(HV_ELF): $(TGT_PORT_OBJS) $(TGT_CORE_OBJS) target/hv.ld
	@mkdir -p $(@D)
	$(Q)$(TARGET_CC) $(TGT_LDFLAGS) -o $@ $(TGT_PORT_OBJS) $(TGT_CORE_OBJS) \
	  $(LIBFDT_A) -lgcc
	@echo "  LD      $@ ($$($(CROSS)size $@ | awk 'NR==2{print $$1" bytes text"}'))"

target: $(HV_ELF)

# Interactive runs: quit QEMU with Ctrl-A X.
GUEST ?= $(BUILD)/fixtures/hello.img
QEMU_RUN := harness/qemu-run

run: $(HV_ELF) $(if $(filter $(BUILD)/fixtures/%,$(GUEST)),$(GUEST))
	$(QEMU_RUN) $(GUEST) --hv $(HV_ELF) --timeout 0 --reboot $(RUN_ARGS)

debug: $(HV_ELF) $(if $(filter $(BUILD)/fixtures/%,$(GUEST)),$(GUEST))
	$(QEMU_RUN) $(GUEST) --hv $(HV_ELF) --timeout 0 --gdb $(RUN_ARGS)

HVSIM ?= $(BUILD)/host/hvsim
qemu-e2e: $(HV_ELF) fixtures $(HVSIM)
	$(Q)harness/qemu-e2e --hvsim $(HVSIM) --hv $(HV_ELF) --jobs 2 $(FIXTURES:%=$(BUILD)/fixtures/%.img)

# Part of `make check` (about 2 s): hvsim runs the core but never this
# port's assembly, so a register the world switch in target/vectors.S
# forgets to save is only visible on the real port (the regs fixture
# fails under QEMU).
CHECK_STEPS += qemu-e2e

# Debian's arm64 cloud kernel with a busybox initramfs (both fetched with
# apt-get into build/linux by scripts/linux-guest.sh) under the hypervisor.
.PHONY: linux-e2e
linux-e2e: $(HV_ELF)
	harness/linux-e2e --hv $(HV_ELF)

# The hostile campaign with a longer seed than check-sim's, under QEMU and
# in hvsim: the same UART lines (exceptions per EC) and trap counts.
QEMU_E2E_HOSTILE_ARGS ?= seed=7 insns=200000
.PHONY: qemu-e2e-hostile
qemu-e2e-hostile: $(HV_ELF) $(BUILD)/fixtures/hostile.img $(HVSIM)
	harness/qemu-e2e --hvsim $(HVSIM) --hv $(HV_ELF) --timeout 600 \
	  --bootargs "$(QEMU_E2E_HOSTILE_ARGS)" $(BUILD)/fixtures/hostile.img

# Part of `make check`: the port builds warning-free, and qemu-run's
# stream splitter (no QEMU needed) separates hv lines correctly.
.PHONY: check-target
check-target: $(HV_ELF)
	$(Q)file $(HV_ELF) | grep -q 'ARM aarch64' || { echo "$(HV_ELF): not aarch64"; exit 1; }
	$(Q)harness/qemu-run --self-test
CHECK_STEPS += check-target

# Cost of one guest round trip through the hypervisor, in instructions
# (QEMU -icount shift=0), for the classes the reference figures for KVM
# cover: null HVC 1586 (nVHE) / 1091 (VHE), PL011 FR read ~7000 / ~6700.
# make bench-check fails when any figure grows more than 5% over
# fixtures/bench/budget.txt; make bench-budget rewrites that file on purpose.
BENCH_BUDGET := fixtures/bench/budget.txt
.PHONY: bench-qemu bench-check bench-budget
bench-qemu: $(HV_ELF) $(BUILD)/fixtures/trapcost.img
	$(Q)harness/bench-qemu --hv $(HV_ELF) --guest $(BUILD)/fixtures/trapcost.img

bench-check: $(HV_ELF) $(BUILD)/fixtures/trapcost.img
	$(Q)harness/bench-qemu --hv $(HV_ELF) --guest $(BUILD)/fixtures/trapcost.img \
	  --check $(BENCH_BUDGET)

bench-budget: $(HV_ELF) $(BUILD)/fixtures/trapcost.img
	$(Q)harness/bench-qemu --hv $(HV_ELF) --guest $(BUILD)/fixtures/trapcost.img \
	  --out $(BENCH_BUDGET)

bench: bench-qemu
