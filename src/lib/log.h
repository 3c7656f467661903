/* Formatted output for the core: a small vsnprintf and a console printer. */
#ifndef HV_LIB_LOG_H
#define HV_LIB_LOG_H

#include <stdarg.h>
#include <stddef.h>

/* Supports %d %i %u %x %X %p %s %c %%, flags '0' '-' '#', width, and the
 * length modifiers l, ll, z. Always NUL-terminates when size > 0; returns
 * the length the full output would have had. */
int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* To the hypervisor console (hal_console_write). */
void hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
