/*
 * Guest exits counted by class: the 64 exception classes plus physical
 * IRQs. Each port counts the exits its (real or simulated) hardware takes;
 * the names and the one-line summary are shared so that qemu-e2e can
 * compare the two ports' counts textually.
 */
#ifndef HV_EXIT_STATS_H
#define HV_EXIT_STATS_H

#include <stddef.h>
#include <stdint.h>

/* ESR.EC is 6 bits wide: 64 classes, then one slot for physical IRQs. */
#define EXIT_CLASS_IRQ 64
#define EXIT_NR_CLASSES (EXIT_CLASS_IRQ + 1)

struct exit_stats {
	uint64_t count[EXIT_NR_CLASSES];
};

/* "HVC64", "DABT_LOW", ..., "IRQ"; NULL for classes without a name (the
 * summary prints those as EC_xx). */
const char *exit_class_name(unsigned cls);

/* Writes "<total> (HVC64 1, DABT_LOW 262, IRQ 3)" (just "<total>" when
 * nothing was counted); returns the length it needed, like snprintf. */
int exit_stats_format(const struct exit_stats *s, char *buf, size_t size);

#endif
