/* The core's freestanding lib: string functions (as built for bare metal)
 * and the formatter, compared against the C library. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#include <cmocka.h>

#include "lib/log.h"
#include "sim_hal.h"

void *lib_memcpy(void *restrict d, const void *restrict s, size_t n);
void *lib_memmove(void *d, const void *s, size_t n);
void *lib_memset(void *d, int c, size_t n);
int lib_memcmp(const void *a, const void *b, size_t n);
void *lib_memchr(const void *s, int c, size_t n);
size_t lib_strlen(const char *s);
size_t lib_strnlen(const char *s, size_t n);
int lib_strcmp(const char *a, const char *b);
int lib_strncmp(const char *a, const char *b, size_t n);
char *lib_strchr(const char *s, int c);
char *lib_strrchr(const char *s, int c);
unsigned long lib_strtoul(const char *s, char **end, int base);

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void memory_functions(void **state)
{
	char a[64], b[64];

	(void)state;
	for (int i = 0; i < 64; i++)
		a[i] = (char)i;
	lib_memcpy(b, a, 64);
	assert_memory_equal(a, b, 64);
	lib_memmove(a + 4, a, 32); /* overlap, forward */
	for (int i = 0; i < 32; i++)
		assert_int_equal(a[i + 4], i);
	lib_memmove(a, a + 4, 32); /* overlap, backward */
	for (int i = 0; i < 32; i++)
		assert_int_equal(a[i], i);
	lib_memset(b, 0x5a, 10);
	assert_int_equal(b[9], 0x5a);
	assert_int_equal(b[10], 10);
	assert_int_equal(sign(lib_memcmp("abc", "abd", 3)), -1);
	assert_int_equal(sign(lib_memcmp("\xff", "\x01", 1)), 1); /* unsigned */
	assert_int_equal(lib_memcmp("abc", "abd", 2), 0);
	assert_ptr_equal(lib_memchr(a, 7, 64), a + 7);
	assert_null(lib_memchr(a, 100, 64));
}

/*
 * The word-at-a-time paths against the C library, for every alignment of
 * destination and source within a word, lengths around the word size and
 * past several words, and both overlap directions of memmove. Bytes outside
 * [dst, dst + n) must be untouched.
 */
static void memory_functions_every_alignment(void **state)
{
	static unsigned char got[160], want[160], src[96];

	(void)state;
	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(0xa5 ^ i);
	for (unsigned doff = 0; doff < 16; doff++)
		for (unsigned soff = 0; soff < 16; soff++)
			for (unsigned n = 0; n < 70; n++) {
				for (unsigned i = 0; i < sizeof(got); i++)
					got[i] = want[i] =
					    (unsigned char)(i * 37 + 1);
				lib_memcpy(got + doff, src + soff, n);
				memcpy(want + doff, src + soff, n);
				assert_memory_equal(got, want, sizeof(got));
				/* Overlapping both ways within one buffer. */
				lib_memmove(got + doff, got + soff, n);
				memmove(want + doff, want + soff, n);
				assert_memory_equal(got, want, sizeof(got));
				lib_memmove(got + 16 + soff, got + doff, n);
				memmove(want + 16 + soff, want + doff, n);
				assert_memory_equal(got, want, sizeof(got));
				lib_memset(got + doff, (int)(n | 0x100), n);
				memset(want + doff, (int)(n | 0x100), n);
				assert_memory_equal(got, want, sizeof(got));
			}
}

static void string_functions(void **state)
{
	const char *s = "hello/world/x";

	(void)state;
	assert_int_equal(lib_strlen(s), strlen(s));
	assert_int_equal(lib_strlen(""), 0);
	assert_int_equal(lib_strnlen(s, 3), 3);
	assert_int_equal(lib_strnlen(s, 100), strlen(s));
	assert_ptr_equal(lib_strchr(s, '/'), strchr(s, '/'));
	assert_ptr_equal(lib_strrchr(s, '/'), strrchr(s, '/'));
	assert_ptr_equal(lib_strchr(s, '\0'), s + strlen(s));
	assert_null(lib_strchr(s, 'z'));
	assert_null(lib_strrchr(s, 'z'));
	assert_int_equal(lib_strcmp("a", "a"), 0);
	assert_int_equal(sign(lib_strcmp("a", "b")), -1);
	assert_int_equal(sign(lib_strcmp("ab", "a")), 1);
	assert_int_equal(lib_strncmp("abcx", "abcy", 3), 0);
}

static void strtoul_matches_libc(void **state)
{
	static const char *const in[] = {"0",
					 "42",
					 "  +17z",
					 "-1",
					 "0x1f",
					 "0X1F",
					 "017",
					 "0x",
					 "zz",
					 "99999999999999999999999",
					 "18446744073709551615"};
	static const int bases[] = {0, 10, 16, 8};

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		for (size_t b = 0; b < 4; b++) {
			char *e1, *e2;
			unsigned long x = lib_strtoul(in[i], &e1, bases[b]);
			unsigned long y = strtoul(in[i], &e2, bases[b]);

			assert_int_equal(x, y);
			assert_ptr_equal(e1, e2);
		}
}

static void formatter_matches_libc(void **state)
{
	char a[128], b[128];

	(void)state;
#define SAME(...)                                                              \
	do {                                                                   \
		int n1 = hv_snprintf(a, sizeof(a), __VA_ARGS__);               \
		int n2 = snprintf(b, sizeof(b), __VA_ARGS__);                  \
		assert_string_equal(a, b);                                     \
		assert_int_equal(n1, n2);                                      \
	} while (0)
	SAME("plain");
	SAME("%d %i %u", -5, 7, 4000000000u);
	SAME("%x %X %#x %08x %-6x|", 0xbeefu, 0xbeefu, 0x1fu, 0xabu, 0x1u);
	SAME("%lld %llu %llx", LLONG_MIN, ULLONG_MAX, 0x123456789abcdefull);
	SAME("%zu %5s|%-5s|%c%%", (size_t)12, "ab", "cd", 'z');
	SAME("%s", "");
	SAME("%016llx", 0xdeadull);
	SAME("%#018llx", 0xdeadull);
}

static void formatter_truncates_safely(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "0123456789"), 10);
	assert_string_equal(buf, "0123456");
	assert_int_equal(hv_snprintf(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], '0'); /* size 0: nothing written */
	{
		const char *volatile none = NULL; /* hide NULL from -Wformat */

		assert_int_equal(hv_snprintf(buf, sizeof(buf), "%s", none), 6);
	}
}

static void printf_goes_to_console(void **state)
{
	size_t len;

	(void)state;
	sim_hal_reset();
	hv_printf("hv: %s %d\n", "up", 1);
	assert_string_equal(sim_console_text(&len), "hv: up 1\n");
	sim_hal_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(memory_functions),
	    cmocka_unit_test(memory_functions_every_alignment),
	    cmocka_unit_test(string_functions),
	    cmocka_unit_test(strtoul_matches_libc),
	    cmocka_unit_test(formatter_matches_libc),
	    cmocka_unit_test(formatter_truncates_safely),
	    cmocka_unit_test(printf_goes_to_console),
	};
	return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
