# libFuzzer harnesses over everything a guest controls (harness/fuzz/, one
# fuzz_<target>.c each, plain LLVMFuzzerTestOneInput so OSS-Fuzz style
# services can run them unchanged). The core, the sim files the harnesses
# need (libsimhal: fake HAL, reference Stage-2 walker, A64 decoder, fake GIC)
# and the host DTB parser are rebuilt from the same sources with clang,
# instrumented for coverage and ASan+UBSan, under build/fuzz/.
#
#   make fuzz [FUZZ_SECONDS=60]   every target for N s; one line of
#                                 execs/s each; fails if any target crashes
#   make fuzz-smoke               the same for 5 s each (CI)
#   make fuzz-build               just the binaries, build/fuzz/bin/fuzz_*
#   build/fuzz/bin/fuzz_exit CRASH_FILE     replay one input
#
# Seeds live in fixtures/fuzz/<target>/ (read only); what a run discovers
# goes to build/fuzz/corpus/<target>/, crashes to build/fuzz/crashes/.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_OBJ := $(FUZZ_BUILD)/obj
FUZZ_BIN := $(FUZZ_BUILD)/bin
# -fsanitize=fuzzer-no-link instruments for coverage without pulling in
# libFuzzer's main; only the final link of each harness adds it.
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_COV := -fsanitize=fuzzer-no-link
FUZZ_OPT = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) $(FUZZ_COV)
FUZZ_CORE_CFLAGS = $(CORE_CFLAGS) $(FUZZ_OPT) -MMD -MP
FUZZ_HOST_CFLAGS = $(CSTD) $(WARN) -Isrc -Isim -Iharness -Iharness/fuzz \
                   $(FUZZ_OPT) -MMD -MP

FUZZ_TARGETS := $(sort $(patsubst harness/fuzz/fuzz_%.c,%,\
                  $(wildcard harness/fuzz/fuzz_*.c)))
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BIN)/fuzz_%)
# Shared harness code (a test VM, invariant checks): not fuzz_*.c.
FUZZ_COMMON_SRCS := $(filter-out harness/fuzz/fuzz_%.c,\
                      $(wildcard harness/fuzz/*.c))
FUZZ_COMMON_OBJS := $(FUZZ_COMMON_SRCS:%.c=$(FUZZ_OBJ)/%.o)
FUZZ_CORE_OBJS := $(CORE_SRCS:%.c=$(FUZZ_OBJ)/%.o)
FUZZ_SIMHAL_OBJS := $(SIM_HAL_SRCS:%.c=$(FUZZ_OBJ)/%.o)
FUZZ_LIBCORE := $(FUZZ_BUILD)/libcore.a
FUZZ_LIBSIMHAL := $(FUZZ_BUILD)/libsimhal.a
# The host DTB parser of the aarch64 port: firmware input, parsed before
# any guest runs, fuzzed by the boot target.
FUZZ_PLATFORM_OBJ := $(FUZZ_OBJ)/target/platform.o

# Oracles, not targets: the reference Stage-2 walker runs a thousand
# lookups per exit input, and coverage feedback from it (or from the fake
# HAL) would only steer the fuzzer towards the harness's own checks.
$(FUZZ_OBJ)/sim/s2walk.o $(FUZZ_OBJ)/sim/hal_host.o: FUZZ_COV :=

$(FUZZ_OBJ)/src/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CORE_CFLAGS) -c $< -o $@

$(FUZZ_OBJ)/target/%.o: target/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CORE_CFLAGS) -Itarget -c $< -o $@

$(FUZZ_OBJ)/sim/%.o: sim/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_HOST_CFLAGS) -c $< -o $@

# -Itarget last: the boot harness calls the port's platform_parse, and the
# core's headers must win any name clash.
$(FUZZ_OBJ)/harness/fuzz/%.o: harness/fuzz/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_HOST_CFLAGS) -Itarget -c $< -o $@

$(FUZZ_LIBCORE): $(FUZZ_CORE_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_LIBSIMHAL): $(FUZZ_SIMHAL_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BIN)/fuzz_%: $(FUZZ_OBJ)/harness/fuzz/fuzz_%.o $(FUZZ_COMMON_OBJS) \
                    $(FUZZ_PLATFORM_OBJ) $(FUZZ_LIBCORE) $(FUZZ_LIBSIMHAL)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $(filter %.o,$^) \
	  $(FUZZ_LIBCORE) $(FUZZ_LIBSIMHAL) $(FUZZ_LIBCORE) -lfdt

.PHONY: fuzz-build fuzz-smoke
fuzz-build: $(FUZZ_BINS)

# Targets run one after another (the machine is shared); an input that
# runs 10 s is reported as a hang (libFuzzer's default is 20 min). Each
# target gets its own corpus directory first on the command line, where
# libFuzzer writes what it finds, then its read-only seeds. The summary
# comes from -print_final_stats: executed units over the seconds libFuzzer
# reports.
fuzz: $(FUZZ_BINS)
	@fail=0; \
	for t in $(FUZZ_TARGETS); do \
	  c=$(FUZZ_BUILD)/corpus/$$t; a=$(FUZZ_BUILD)/crashes/$$t; \
	  log=$(FUZZ_BUILD)/$$t.log; mkdir -p $$c $$a fixtures/fuzz/$$t; \
	  $(FUZZ_BIN)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	    -print_final_stats=1 -artifact_prefix=$$a/ \
	    $$c fixtures/fuzz/$$t >$$log 2>&1; rc=$$?; \
	  n=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	  s=$$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' $$log); \
	  if [ $$rc -ne 0 ]; then \
	    printf '%-12s CRASH (exit %s), see %s\n' $$t $$rc $$log; \
	    grep -m1 -E '^==[0-9]+==ERROR|^FUZZ INVARIANT|runtime error' $$log; \
	    ls $$a; fail=1; \
	  else \
	    printf '%-12s %10s execs in %3ss = %8s execs/s, corpus %s\n' \
	      $$t $${n:-0} $${s:-0} $$(( $${n:-0} / ($${s:-0} > 0 ? $${s:-0} : 1) )) \
	      $$(ls $$c | wc -l); \
	  fi; \
	done; \
	[ $$fail -eq 0 ] && echo "fuzz: $(words $(FUZZ_TARGETS)) targets, no crashes" || \
	  echo "fuzz: FAILED"; \
	exit $$fail

fuzz-smoke:
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5

# Harness objects are intermediates of a pattern rule: keep them, or every
# make fuzz would rebuild them.
.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_OBJ)/harness/fuzz/fuzz_%.o) \
            $(FUZZ_COMMON_OBJS) $(FUZZ_PLATFORM_OBJ)
