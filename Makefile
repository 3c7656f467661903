# One core (src/), two ports: the host simulation (sim/) and aarch64 bare
# metal (target/). Area-specific rules live in */*.mk, included below.
#
#   make check      unit tests + simulated guests, all under valgrind
#   make target     build/target/hv.elf (bare metal, EL2)
#   make run        boot the demo guest under the hypervisor in QEMU
#   make qemu-e2e   every fixture in QEMU, diffed against the simulation
#   make linux-e2e  Debian's kernel + busybox reach userspace under the hypervisor
#   make bench      every benchmark in turn: trap costs (QEMU -icount), the
#                   simulator's throughput, Linux boot bare vs under the hv
#   make fuzz       libFuzzer on everything a guest controls (FUZZ_SECONDS=N)

BUILD ?= build
# Where scripts/deps.sh unpacks what is not installed system-wide (Unicorn
# 2.1.1, the aarch64 libfdt.a): fixed, whatever BUILD a sub-make uses.
DEPS_DIR := $(CURDIR)/build/deps
HOST_CC ?= gcc
CROSS ?= aarch64-linux-gnu-
TARGET_CC := $(CROSS)gcc
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

WARN := -Wall -Wextra -Werror -Wundef -Wstrict-prototypes -Wmissing-prototypes \
        -Wshadow -Wvla -Wno-override-init
CSTD := -std=gnu11
# The core is freestanding on both ports: no hosted headers, no builtin
# assumptions about libc.
CORE_CFLAGS := $(CSTD) $(WARN) -ffreestanding -fno-common -Isrc -Isrc/lib/include
# LTO inlines across the core, the sim and the harness: under valgrind a call
# costs far more than its instructions (stack tracking, the red zone), and
# hvsim under memcheck is what make check runs. Fat objects keep the static
# libraries usable by a link without LTO.
HOST_OPT ?= -O2 -g -flto=auto -ffat-lto-objects
HOST_CFLAGS := $(CSTD) $(WARN) -Isrc -Isim -Iharness $(HOST_OPT) -MMD -MP

# src/lib/string.c provides the libc string functions for bare metal only;
# on the host the C library's are used (tests check ours separately).
CORE_SRCS := $(sort $(shell find src -name '*.c' ! -path 'src/lib/string.c'))
CORE_LIB_SRCS := src/lib/string.c

HOST_OBJ := $(BUILD)/host/obj
LIBCORE := $(BUILD)/host/libcore.a
CORE_HOST_OBJS := $(CORE_SRCS:%.c=$(HOST_OBJ)/%.o)

# Every make run checks the dependencies (0.1 s); anything missing is
# installed (as root) or the exact apt-get line is printed and make stops.
DEPS_STAMP := deps

.PHONY: all check target run debug qemu-e2e linux-e2e bench fuzz clean deps format lint
all: $(LIBCORE)

deps:
	$(Q)bash scripts/deps.sh --check 2>/dev/null || bash scripts/deps.sh

$(HOST_OBJ)/src/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(CORE_CFLAGS) $(HOST_OPT) -MMD -MP -c $< -o $@

$(LIBCORE): $(CORE_HOST_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

CHECK_STEPS :=
include sim/sim.mk
include tests/tests.mk
-include harness/harness.mk
-include fixtures/fixtures.mk
-include target/target.mk
include harness/fuzz.mk

check: $(CHECK_STEPS)
	@echo "make check: all steps passed"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

lint:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --std=c11 -Isrc --suppress=missingIncludeSystem --inline-suppr src sim harness tests

clean:
	rm -rf $(BUILD)/host $(BUILD)/target $(BUILD)/fixtures $(BUILD)/fuzz

# Dependency files only: unpacked Debian packages (build/deps, build/linux)
# hold paths ending in .d that are not makefiles.
-include $(shell find $(BUILD) \( -path '$(BUILD)/deps' -o -path '$(BUILD)/linux' \) -prune \
           -o -name '*.d' -type f -print 2>/dev/null)
