/*
 * Freestanding implementations of the libc string functions the bare-metal
 * core and Debian's libfdt.a need. memcpy, memmove and memset move eight
 * bytes at a time once the destination is aligned (and, for the copies,
 * the source lands aligned too): guest images and DTBs are megabytes, and
 * a byte loop cost hundreds of instructions on every trap that cleared a
 * struct. Everything else is a plain byte loop.
 */
#include <limits.h>
#include <stdint.h>

#include "lib/mem.h"

/* Word accesses that may alias any other type (the C aliasing rules
 * would otherwise let the compiler reorder them around byte accesses). */
typedef uint64_t __attribute__((may_alias)) word_t;
#define WORD sizeof(word_t)

static inline int aligned(const void *p)
{
	return ((uintptr_t)p & (WORD - 1)) == 0;
}

/* Forward copy, also correct for overlap with dst below src (each word is
 * read before any write can reach it). No restrict: memmove uses it. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	while (n && !aligned(d)) {
		*d++ = *s++;
		n--;
	}
	if (aligned(s)) {
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
		copy_forward(d, s, n);
		return dst;
	}
	/* Overlap with dst above src: copy from the end down. */
	d += n;
	s += n;
	while (n && !aligned(d)) {
		*--d = *--s;
		n--;
	}
	if (aligned(s)) {
		for (; n >= WORD; n -= WORD) {
			d -= WORD;
			s -= WORD;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t w = (unsigned char)c * 0x0101010101010101ull;

	while (n && !aligned(d)) {
		*d++ = (unsigned char)c;
		n--;
	}
	for (; n >= WORD; n -= WORD, d += WORD)
		*(word_t *)d = w;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

static int digit_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 10;
	return 99;
}

/* ISO C semantics: leading space, optional sign, 0x prefix for base 0/16,
 * octal for a leading 0 in base 0, ULONG_MAX on overflow. */
unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	const char *p = s, *digits;
	unsigned long val = 0;
	int neg = 0, overflow = 0, any = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		if (end)
			*end = (char *)s;
		return 0;
	}
	for (digits = p;; p++) {
		int d = digit_value(*p);

		if (d >= base)
			break;
		any = 1;
		if (val > (ULONG_MAX - (unsigned long)d) / (unsigned long)base)
			overflow = 1;
		else
			val = val * (unsigned long)base + (unsigned long)d;
	}
	(void)digits;
	if (end)
		*end = (char *)(any ? p : s);
	if (overflow)
		return ULONG_MAX;
	return neg ? -val : val;
}
