# The host port. libsimhal.a is the fake machine (no Unicorn) that unit tests
# link; the Unicorn engine and hvsim build on top of it (harness/harness.mk).
SIM_HAL_SRCS := sim/hal_host.c
SIM_HAL_OBJS := $(SIM_HAL_SRCS:%.c=$(HOST_OBJ)/%.o)
LIBSIMHAL := $(BUILD)/host/libsimhal.a

$(HOST_OBJ)/sim/%.o: sim/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(LIBSIMHAL): $(SIM_HAL_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^
