# The host port. libsimhal.a is the fake machine without Unicorn: the HAL
# (register file, phys map, console capture) plus the device and MMU models
# the Unicorn engine builds on, so unit tests can exercise them directly.
# The Unicorn engine itself (libsim.a) and hvsim are built by
# harness/harness.mk.
SIM_HAL_SRCS := sim/hal_host.c sim/s2walk.c sim/s1walk.c sim/a64_decode.c \
                sim/vtimer.c sim/fake_gic.c sim/fake_vcpuif.c sim/el2_traps.c \
                sim/hyp_timer.c sim/isolation.c
SIM_HAL_OBJS := $(SIM_HAL_SRCS:%.c=$(HOST_OBJ)/%.o)
LIBSIMHAL := $(BUILD)/host/libsimhal.a

# Parts that call into Unicorn.
SIM_UC_SRCS := sim/uc_cpu.c sim/uc_backend.c sim/uc_mem.c sim/uc_hooks.c \
               sim/uc_sysreg.c sim/uc_trap.c sim/uc_abort.c sim/uc_run.c \
               sim/uc_fiber.c sim/uc_pcpu.c
SIM_UC_OBJS := $(SIM_UC_SRCS:%.c=$(HOST_OBJ)/%.o)
LIBSIM := $(BUILD)/host/libsim.a
# Unicorn 2.1.1 (Debian trixie), unpacked into build/ by scripts/deps.sh:
# bookworm's 2.0.1 can neither rebuild its cached EL after an exception
# entry from EL0 nor run a guest with its MMU on (no TLB-fill hook).
UNICORN_DIR := $(DEPS_DIR)/unicorn/usr
UNICORN_LIBDIR := $(UNICORN_DIR)/lib/x86_64-linux-gnu
UNICORN_CFLAGS := -isystem $(UNICORN_DIR)/include
UNICORN_LIBS := -L$(UNICORN_LIBDIR) -Wl,-rpath,$(UNICORN_LIBDIR) -lunicorn

$(HOST_OBJ)/sim/%.o: sim/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNICORN_CFLAGS) -c $< -o $@

$(LIBSIMHAL): $(SIM_HAL_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBSIM): $(SIM_UC_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

# The sim is the model the core is checked against: it must know the
# architecture from its own headers (a64_arch.h, a64_sysregs.h), not from
# the core's src/arch, or a wrong value there would be wrong on both sides.
# It calls the core only through hal.h, vcpu.h, exit.h, exit_stats.h,
# run.h (the core's run loop) and vm/vm.h (to make its vCPU the running one).
SIM_CORE_NAMES := '\b(EC|ISS|FSC|PSR)_[A-Z0-9_]+|\bESR_(EC|IL|ISS)[A-Z0-9_]*|\besr_(make|ec|iss)\b|\bSYSREG_[A-Z0-9_]+_EL[0-3]\b|\bSYSREG_ICH_LR\b'
.PHONY: check-sim-indep
check-sim-indep:
	@bad=$$(grep -nE '#include "(arch|mm|vm/[^v]|trap|dev|vgic|smccc|sysreg|lib)' \
	  sim/*.[ch]; grep -nwE $(SIM_CORE_NAMES) sim/*.[ch] | \
	  grep -v '"EC_%02x"\|"EC_xx"'); \
	if [ -n "$$bad" ]; then echo "FAILED: sim/ uses the core's architecture names:"; \
	  echo "$$bad"; exit 1; fi; echo "check-sim-indep: sim/ has its own architecture constants"

CHECK_STEPS += check-sim-indep
