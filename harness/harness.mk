# hvsim: the hypervisor core on the simulated CPU (Unicorn), plus the
# checks that run every fixture guest through it.
#
#   make build/host/hvsim
#   make check-sim    every fixture twice under valgrind, traces compared
#                     with each other and with fixtures/golden/
#   make golden       rewrite fixtures/golden/ from the current sim and core
#   make bench-sim    trap throughput of the storm fixture, natively
#   make bench-linux  Linux boot to userspace, bare QEMU vs under the hypervisor

HVSIM := $(BUILD)/host/hvsim
HVSIM_SRCS := harness/hvsim.c harness/hvsim_machine.c harness/trace.c \
              harness/uart_feed.c harness/hvsim_vms.c
HVSIM_OBJS := $(HVSIM_SRCS:%.c=$(HOST_OBJ)/%.o)
HVSIM_LIBS := $(LIBSIM) $(LIBCORE) $(LIBSIMHAL) $(LIBCORE) $(UNICORN_LIBS) \
              -lfdt -lpthread -lm

$(HOST_OBJ)/harness/%.o: harness/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNICORN_CFLAGS) -c $< -o $@

$(HVSIM): $(HVSIM_OBJS) $(LIBSIM) $(LIBCORE) $(LIBSIMHAL)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_OPT) -o $@ $(HVSIM_OBJS) $(HVSIM_LIBS)

# Unit tests of the Unicorn engine need Unicorn, the trace formatter and
# the raw-guest runner tests/uc/uc_guest.c (not a helper: the other tests
# do not link Unicorn);
# this explicit rule wins over the generic one in tests/tests.mk.
SIM_UC_TESTS := $(patsubst tests/%.c,$(BUILD)/host/tests/%,\
                  $(wildcard tests/test_sim_uc*.c tests/test_sim_smp*.c))
$(SIM_UC_TESTS): $(BUILD)/host/tests/%: $(HOST_OBJ)/tests/%.o \
                 $(TEST_HELPER_OBJS) $(HOST_OBJ)/harness/trace.o \
                 $(HOST_OBJ)/tests/uc/uc_guest.o \
                 $(HOST_OBJ)/harness/hvsim_machine.o \
                 $(LIBSIM) $(LIBCORE) $(LIBSIMHAL)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_OPT) -o $@ $(filter %.o,$^) $(HVSIM_LIBS) -lcmocka

# Unicorn's JIT is clean under memcheck (see the anchors); the file holds
# suppressions only for what valgrind itself cannot follow, with reasons.
SIM_VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
                --show-leak-kinds=definite,indirect,possible \
                --errors-for-leak-kinds=definite,indirect,possible \
                --suppressions=harness/valgrind.supp
SIM_RUNS := $(BUILD)/host/sim-runs
SIM_MIN_TRAPS := 10000
# Every run is bounded: a broken guest that loops without a livelock the
# sim can detect must fail the step, not hang it. The fixtures need up to
# 1.2M of virtual time; a guest looping through exceptions runs ~0.1M
# instructions a second under valgrind.
# fixtures/<name>/max-insns raises it for one fixture (the multi-vm prober
# takes 123k aborts).
SIM_MAX_INSNS := 3000000

# Each fixture runs twice with a trace; any FAIL line, non-zero exit,
# valgrind error or difference between the two traces fails the step. A
# third run with exact per-instruction PC tracking (--precise, natively)
# must give the same trace as the default per-block accounting. The trace
# of each of GOLDEN_FIXTURES must also equal its checked-in golden file:
# a change in what the core does for a guest (a result, an exit action,
# which traps happen and when) then shows as a diff, and is accepted only
# by running `make golden` and committing the new files. The diff shown is
# of GOLDEN_DIFF_LINES/2 lines of each file from just before the first
# difference: once one trap changes, the virtual times of all later ones
# usually do too, and a whole-file diff would show only removals.
GOLDEN_DIR := fixtures/golden
GOLDEN_DIFF_LINES := 40
.PHONY: check-sim bench-sim bench golden
check-sim: $(HVSIM) fixtures
	@mkdir -p $(SIM_RUNS); total=0; fail=0; golden=0; \
	for f in $(FIXTURES); do \
	  img=$(BUILD)/fixtures/$$f.img; \
	  xa=$$(cat fixtures/$$f/hvsim.args 2>/dev/null); \
	  mi=$$(cat fixtures/$$f/max-insns 2>/dev/null || echo $(SIM_MAX_INSNS)); \
	  for i in 1 2; do \
	    o=$(SIM_RUNS)/$$f.$$i; \
	    $(SIM_VALGRIND) --log-file=$$o.valgrind $(HVSIM) run --guest $$img \
	      --max-insns $$mi $$xa --trace $$o.trace >$$o.uart 2>$$o.err; rc=$$?; \
	    if [ $$rc -ne 0 ]; then \
	      echo "FAILED: hvsim $$f run $$i (exit $$rc)"; \
	      cat $$o.err $$o.valgrind; fail=1; fi; \
	    if [ -s $$o.valgrind ]; then \
	      echo "FAILED: $$f run $$i: valgrind reported errors"; \
	      cat $$o.valgrind; fail=1; fi; \
	    if grep -q 'FAIL' $$o.uart; then \
	      echo "FAILED: $$f run $$i: guest reported failures"; \
	      grep 'FAIL' $$o.uart; fail=1; fi; \
	    if ! grep -qx 'DONE: all checks passed' $$o.uart; then \
	      echo "FAILED: $$f run $$i: guest did not finish its checks"; \
	      tail -c 300 $$o.uart; echo; fail=1; fi; \
	    k=1; for v in $$(echo " $$xa" | grep -o -- ' --vm '); do \
	      grep -qx "vm$$k| DONE: all checks passed" $$o.uart || { \
	        echo "FAILED: $$f run $$i: VM $$k did not finish its checks"; \
	        fail=1; }; k=$$((k + 1)); done; \
	  done; \
	  if ! cmp -s $(SIM_RUNS)/$$f.1.trace $(SIM_RUNS)/$$f.2.trace; then \
	    echo "FAILED: $$f: the two traces differ (non-determinism)"; \
	    fail=1; fi; \
	  $(HVSIM) run --precise --max-insns $$mi $$xa \
	    --guest $$img --trace $(SIM_RUNS)/$$f.p.trace \
	    >/dev/null 2>&1; \
	  if ! cmp -s $(SIM_RUNS)/$$f.1.trace $(SIM_RUNS)/$$f.p.trace; then \
	    echo "FAILED: $$f: per-block and per-instruction PC tracking" \
	      "disagree"; fail=1; fi; \
	  case " $(GOLDEN_FIXTURES) " in *" $$f "*) \
	    g=$(GOLDEN_DIR)/$$f.trace; t=$(SIM_RUNS)/$$f.1.trace; \
	    if [ ! -f $$g ]; then \
	      echo "FAILED: $$f: no golden trace $$g (make golden writes it)"; \
	      fail=1; \
	    elif cmp -s $$g $$t; then golden=$$((golden + 1)); \
	    else \
	      n=$$(diff $$g $$t | sed -n '1s/^\([0-9]*\).*/\1/p'); \
	      a=$$((n > 3 ? n - 3 : 1)); b=$$((a + $(GOLDEN_DIFF_LINES) / 2 - 1)); \
	      echo "FAILED: $$f: trace differs from $$g from line $$n" \
	        "($$(grep -c '' $$g) traps there, $$(grep -c '' $$t) now);" \
	        "if that is intended: make golden"; \
	      sed -n "$$a,$${b}p" $$g >$$t.golden-part; \
	      sed -n "$$a,$${b}p" $$t >$$t.part; \
	      diff -u --label "$$g lines $$a-$$b" --label "$$t lines $$a-$$b" \
	        $$t.golden-part $$t.part; fail=1; fi;; \
	  esac; \
	  traps=$$(sed -n 's/^hvsim: traps: \([0-9]*\).*/\1/p' \
	    $(SIM_RUNS)/$$f.1.err); \
	  echo "sim: $$f: $$(grep -c '' $(SIM_RUNS)/$$f.1.uart) UART lines," \
	    "$${traps:-0} traps, $$(sed -n 's/^hvsim: result: //p' \
	    $(SIM_RUNS)/$$f.1.err)"; \
	  total=$$((total + $${traps:-0})); \
	done; \
	echo "simulated traps: $$total"; \
	echo "golden traces: $$golden of $(words $(GOLDEN_FIXTURES)) match $(GOLDEN_DIR)/"; \
	if [ $$total -lt $(SIM_MIN_TRAPS) ]; then \
	  echo "FAILED: fewer than $(SIM_MIN_TRAPS) simulated traps"; fail=1; fi; \
	exit $$fail

CHECK_STEPS += check-sim

# Rewrites the golden traces from a native run of each fixture, but only
# from a run that passed (exit 0, DONE line, no FAIL): a broken core must
# never become the reference. Golden files of fixtures not in
# GOLDEN_FIXTURES are only pointed out (a `make golden FIXTURES=...` run
# must not delete the others). The result is only as right as the core and
# sim it was made with: review `git diff fixtures/golden` before committing.
golden: $(HVSIM) fixtures
	@mkdir -p $(SIM_RUNS) $(GOLDEN_DIR); fail=0; changed=0; \
	for f in $(GOLDEN_FIXTURES); do \
	  o=$(SIM_RUNS)/$$f.golden; g=$(GOLDEN_DIR)/$$f.trace; \
	  xa=$$(cat fixtures/$$f/hvsim.args 2>/dev/null); \
	  $(HVSIM) run --guest $(BUILD)/fixtures/$$f.img $$xa --trace $$o.trace \
	    >$$o.uart 2>$$o.err; rc=$$?; \
	  if [ $$rc -ne 0 ] || grep -q 'FAIL' $$o.uart || \
	     ! grep -qx 'DONE: all checks passed' $$o.uart; then \
	    echo "golden: $$f did not pass (exit $$rc), $$g not touched:"; \
	    grep 'FAIL' $$o.uart; tail -n 3 $$o.err; fail=1; continue; fi; \
	  if cmp -s $$o.trace $$g; then echo "golden: $$g unchanged"; \
	  else cp $$o.trace $$g; changed=$$((changed + 1)); \
	    echo "golden: $$g rewritten ($$(grep -c '' $$g) traps)"; fi; \
	done; \
	for g in $(GOLDEN_DIR)/*.trace; do \
	  [ -e "$$g" ] || continue; \
	  case " $(GOLDEN_FIXTURES) " in *" $$(basename $$g .trace) "*) ;; \
	    *) echo "golden: $$g is not compared (not in GOLDEN_FIXTURES):" \
	         "git rm it if that fixture is gone";; \
	  esac; \
	done; \
	if [ $$changed -gt 0 ]; then \
	  echo "golden: $$changed file(s) regenerated on purpose;" \
	    "review git diff $(GOLDEN_DIR) and commit it"; \
	else echo "golden: all traces already up to date"; fi; \
	exit $$fail

# The hostile campaign (fixtures/hostile): check-sim runs its short default
# seed under valgrind with the other fixtures; this runs long seeds natively,
# two at a time (one per core), each required to end with SYSTEM_OFF and
# "DONE: all checks passed": a hypervisor stop, a sim_error or a broken
# harness invariant fails the step. fuzz-hostile does the same with longer
# seeds; FUZZ_HOSTILE_SEEDS / FUZZ_HOSTILE_INSNS choose them.
HOSTILE_IMG := $(BUILD)/fixtures/hostile.img
HOSTILE_RUNS := $(BUILD)/host/hostile-runs
CHECK_HOSTILE_SEEDS ?= 1 2
CHECK_HOSTILE_INSNS ?= 500000
FUZZ_HOSTILE_SEEDS ?= 11 12 13 14
FUZZ_HOSTILE_INSNS ?= 10000000

# $(1): seeds, $(2): instructions per seed.
define HOSTILE_CAMPAIGN
	@mkdir -p $(HOSTILE_RUNS); \
	printf '%s\n' $(1) | xargs -P 2 -I{} sh -c '$(HVSIM) run \
	  --guest $(HOSTILE_IMG) --bootargs "seed={} insns=$(2)" \
	  >$(HOSTILE_RUNS)/{}.uart 2>$(HOSTILE_RUNS)/{}.err'; fail=0; total=0; \
	for s in $(1); do \
	  o=$(HOSTILE_RUNS)/$$s; \
	  res=$$(sed -n 's/^hvsim: result: //p' $$o.err); \
	  n=$$(sed -n 's/^hostile: \([0-9]*\) instructions executed.*/\1/p' $$o.uart); \
	  echo "hostile: seed $$s: $${n:-0} random instructions, $$res"; \
	  total=$$((total + $${n:-0})); \
	  if [ "$$res" != system_off ] || grep -q FAIL $$o.uart || \
	     ! grep -qx 'DONE: all checks passed' $$o.uart; then \
	    echo "FAILED: hostile seed $$s"; tail -5 $$o.uart; cat $$o.err; \
	    fail=1; fi; \
	done; \
	echo "hostile: $$total random instructions in hvsim, natively"; \
	exit $$fail
endef

.PHONY: check-hostile fuzz-hostile
check-hostile: $(HVSIM) $(HOSTILE_IMG)
	$(call HOSTILE_CAMPAIGN,$(CHECK_HOSTILE_SEEDS),$(CHECK_HOSTILE_INSNS))

fuzz-hostile: $(HVSIM) $(HOSTILE_IMG)
	$(call HOSTILE_CAMPAIGN,$(FUZZ_HOSTILE_SEEDS),$(FUZZ_HOSTILE_INSNS))

CHECK_STEPS += check-hostile

# bench-sim (harness/bench-sim) prints hvsim's trap rate on the storm guest
# natively, under valgrind memcheck (what make check pays: the whole run and
# the steady state, from two runs whose difference cancels the startup), and
# Unicorn's own trap turnaround with an interrupt hook that only counts
# (harness/uc_raw_bench.c), the ceiling.
BENCH_STORM_ITERS ?= 200000
BENCH_VALGRIND_ITERS ?= 80000
UC_RAW_BENCH := $(BUILD)/host/uc_raw_bench
$(UC_RAW_BENCH): harness/uc_raw_bench.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNICORN_CFLAGS) $(HOST_OPT) -o $@ $< \
	  $(UNICORN_LIBS)

bench-sim: $(HVSIM) $(UC_RAW_BENCH) fixtures
	$(Q)harness/bench-sim --hvsim $(HVSIM) --raw $(UC_RAW_BENCH) \
	  --guest $(BUILD)/fixtures/storm.img \
	  --native-iters $(BENCH_STORM_ITERS) --valgrind-iters $(BENCH_VALGRIND_ITERS)

bench: bench-sim

# Linux boot to its userspace marker, bare in QEMU and under the
# hypervisor: wall seconds and instructions (-icount), with their ratios.
# Fetches the guest like linux-e2e (scripts/linux-guest.sh).
BENCH_LINUX_RUNS ?= 3
.PHONY: bench-linux
bench-linux: target
	$(Q)harness/bench-linux --hv $(HV_ELF) --runs $(BENCH_LINUX_RUNS)

bench: bench-linux

# make bench runs bench-qemu (target/target.mk), bench-sim and bench-linux
# one after the other, even under -j: two at once would slow each other's
# wall-time figures. Only when bench is asked for, so each alone stays free.
ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-sim: | bench-qemu
bench-linux: | bench-sim
endif

# The same unit tests and fixture runs, built with AddressSanitizer and
# UndefinedBehaviorSanitizer instead of run under valgrind: they catch what
# memcheck cannot (stack and global overflows, UB in the core's arithmetic).
SAN_BUILD := $(BUILD)/asan
SAN_OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all
.PHONY: sanitize
sanitize: fixtures
	$(Q)$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) HOST_OPT="$(SAN_OPT)" \
	  unit-tests $(SAN_BUILD)/host/hvsim
	@fail=0; export LSAN_OPTIONS=suppressions=$(CURDIR)/harness/lsan.supp:print_suppressions=0 \
	  ASAN_OPTIONS=fast_unwind_on_malloc=0; \
	for t in $(UNIT_BINS:$(BUILD)/%=$(SAN_BUILD)/%); do \
	  $$t >$$t.san.log 2>&1 || { echo "FAILED: $$t"; tail -30 $$t.san.log; fail=1; }; \
	done; \
	for f in $(FIXTURES); do \
	  $(SAN_BUILD)/host/hvsim run --guest $(BUILD)/fixtures/$$f.img \
	    $$(cat fixtures/$$f/hvsim.args 2>/dev/null) >$(SAN_BUILD)/$$f.uart 2>$(SAN_BUILD)/$$f.err || \
	    { echo "FAILED: hvsim $$f"; tail -30 $(SAN_BUILD)/$$f.err; fail=1; }; \
	done; \
	echo "sanitize: $(words $(UNIT_BINS)) unit binaries and $(words $(FIXTURES)) fixtures under ASan+UBSan"; \
	exit $$fail

# Debian's cloud kernel with the busybox initramfs (scripts/linux-guest.sh)
# on hvsim, the bootargs linux-e2e gives it in QEMU, bounded by
# LINUX_SIM_INSNS guest instructions. Prints the last console line and the
# instructions executed; fails only on a sim_error (the simulation could
# not model something). Not part of make check (about 10 s natively).
# hvsim loads a raw Image: a gzip-compressed vmlinuz is unpacked first.
LINUX_SIM_INSNS ?= 2000000000
LINUX_SIM_DIR := $(BUILD)/linux-sim
.PHONY: linux-sim
linux-sim: $(HVSIM)
	@mkdir -p $(LINUX_SIM_DIR); eval "$$(bash scripts/linux-guest.sh)"; \
	img=$$KERNEL; \
	if gzip -t "$$KERNEL" 2>/dev/null; then \
	  img=$(LINUX_SIM_DIR)/Image; gzip -dc "$$KERNEL" >$$img; fi; \
	$(HVSIM) run --guest $$img --initrd "$$INITRD" \
	  --bootargs "console=ttyAMA0 panic=-1" \
	  --max-insns $(LINUX_SIM_INSNS) >$(LINUX_SIM_DIR)/console.log \
	  2>$(LINUX_SIM_DIR)/hvsim.err; \
	echo "linux-sim: console log $(LINUX_SIM_DIR)/console.log"; \
	echo "linux-sim: last console line: $$(grep -v '^[[:space:]]*$$' \
	  $(LINUX_SIM_DIR)/console.log | tail -n 1)"; \
	if grep -qF "$$MARKER" $(LINUX_SIM_DIR)/console.log; then \
	  echo "linux-sim: userspace reached ($$MARKER)"; fi; \
	sed -n 's/^hvsim: \(result\|instructions\)/linux-sim: \1/p' \
	  $(LINUX_SIM_DIR)/hvsim.err; \
	! grep -q '^hvsim: result: sim_error' $(LINUX_SIM_DIR)/hvsim.err
