/*
 * A small vsnprintf for the core's logs. The core has no libc on bare metal,
 * and this keeps both ports printing identical text.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "hal.h"
#include "lib/log.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width,
		       bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static size_t utoa(char *tmp, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	return n;
}

static void put_number(struct out *o, uint64_t v, bool neg, unsigned base,
		       bool upper, bool alt, int width, bool left, bool zero)
{
	char digits[24], text[28];
	size_t nd = utoa(digits, v, base, upper), n = 0;

	if (neg)
		text[n++] = '-';
	if (alt && base == 16) {
		text[n++] = '0';
		text[n++] = upper ? 'X' : 'x';
	}
	if (zero && !left) {
		/* zero padding goes between the prefix and the digits */
		int want = width - (int)(n + nd);

		put_padded(o, text, n, 0, false, ' ');
		while (want-- > 0)
			put(o, '0');
		n = 0;
		width = 0;
	}
	while (nd)
		text[n++] = digits[--nd];
	put_padded(o, text, n, width, left, ' ');
}

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (; *fmt; fmt++) {
		bool left = false, zero = false, alt = false;
		int width = 0, lng = 0;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (;; fmt++) {
			if (fmt[1] == '-')
				left = true;
			else if (fmt[1] == '0')
				zero = true;
			else if (fmt[1] == '#')
				alt = true;
			else
				break;
		}
		while (fmt[1] >= '0' && fmt[1] <= '9')
			width = width * 10 + (*++fmt - '0');
		while (fmt[1] == 'l' || fmt[1] == 'z') {
			lng++;
			fmt++;
		}
		switch (*++fmt) {
		case 'd':
		case 'i': {
			int64_t s =
			    lng ? va_arg(ap, long long) : va_arg(ap, int);
			uint64_t mag = s < 0 ? 0 - (uint64_t)s : (uint64_t)s;

			put_number(&o, mag, s < 0, 10, false, false, width,
				   left, zero);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t u = lng ? va_arg(ap, unsigned long long)
					 : va_arg(ap, unsigned int);

			put_number(&o, u, false, *fmt == 'u' ? 10 : 16,
				   *fmt == 'X', alt, width, left, zero);
			break;
		}
		case 'p':
			put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16,
				   false, true, width, left, zero);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n = 0;

			if (!s)
				s = "(null)";
			while (s[n])
				n++;
			put_padded(&o, s, n, width, left, ' ');
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			put_padded(&o, &c, 1, width, left, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--; /* a trailing lone '%' prints nothing */
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void hv_printf(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	hal_console_write(line, (size_t)n);
}
