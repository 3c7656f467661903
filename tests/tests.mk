# cmocka unit tests: every tests/test_*.c is one binary, linked against the
# core and the host HAL, and run under valgrind memcheck by `make check`.
UNIT_SRCS := $(sort $(wildcard tests/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/%.c=$(BUILD)/host/tests/%)
TEST_HELPERS := $(sort $(wildcard tests/helpers/*.c))
TEST_HELPER_OBJS := $(TEST_HELPERS:%.c=$(HOST_OBJ)/%.o)
VALGRIND := valgrind --error-exitcode=99 --leak-check=full --suppressions=harness/valgrind.supp \
            --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible

$(HOST_OBJ)/tests/%.o: tests/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Itests -Itests/helpers -c $< -o $@

# Our bare-metal string functions, renamed so they can be tested beside libc's.
LIB_STRING_TEST_OBJ := $(HOST_OBJ)/tests/lib_string_renamed.o
$(LIB_STRING_TEST_OBJ): src/lib/string.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(CORE_CFLAGS) $(HOST_OPT) -fno-builtin -include tests/helpers/lib_rename.h -c $< -o $@

$(BUILD)/host/tests/test_lib: $(LIB_STRING_TEST_OBJ)
$(BUILD)/host/tests/%: $(HOST_OBJ)/tests/%.o $(TEST_HELPER_OBJS) $(LIBCORE) $(LIBSIMHAL)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_OPT) -o $@ $(filter %.o,$^) $(LIBCORE) $(LIBSIMHAL) $(LIBCORE) -lcmocka -lfdt

.PHONY: unit-tests check-unit
unit-tests: $(UNIT_BINS)

# Every binary runs even if an earlier one fails; the step fails at the end.
check-unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
	  echo "== $$t (valgrind memcheck)"; log=$$t.valgrind.log; \
	  $(VALGRIND) --log-file=$$log $$t; rc=$$?; \
	  grep -h 'ERROR SUMMARY' $$log | sed 's/^==[0-9]*== /valgrind: /'; \
	  if [ $$rc -ne 0 ]; then cat $$log; echo "FAILED: $$t (exit $$rc)"; fail=1; fi; \
	done; exit $$fail

CHECK_STEPS += check-unit

# Line/branch coverage of the core from the unit tests, into coverage/.
.PHONY: coverage
coverage: | $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/cov \
	  HOST_OPT="-O0 -g --coverage" unit-tests
	$(Q)for t in $(UNIT_BINS:$(BUILD)/%=$(BUILD)/cov/%); do $$t >/dev/null || exit 1; done
	$(Q)lcov --quiet --capture --directory $(BUILD)/cov/host/obj/src \
	  --output-file coverage/core.info --rc lcov_branch_coverage=1
	$(Q)genhtml --quiet coverage/core.info --output-directory coverage/html \
	  --branch-coverage
	$(Q)lcov --summary coverage/core.info --rc lcov_branch_coverage=1 2>&1 | grep -E 'lines|functions|branches'
