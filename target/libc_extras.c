/* The two libc symbols Debian's libfdt.a needs beyond the string
 * functions (it is built with -fstack-protector-strong). */
#include <stdint.h>

#include "hal.h"
#include "lib/log.h"

/* A fixed value: runs must be deterministic, and a canary that only has
 * to catch accidents, not an attacker, does not need entropy. */
uintptr_t __stack_chk_guard = 0x2f8d6e3b4a5c1907ull;

_Noreturn void __stack_chk_fail(void);

_Noreturn void __stack_chk_fail(void)
{
	hv_printf("fatal: stack smashing detected in libfdt\n");
	hal_halt();
}
