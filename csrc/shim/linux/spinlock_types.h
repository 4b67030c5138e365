/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <linux/spinlock_types.h>: older swapops.h (6.1) declares
 * functions taking a spinlock_t *; leafdiff never calls them.
 */
#ifndef LEAFDIFF_SHIM_SPINLOCK_TYPES_H
#define LEAFDIFF_SHIM_SPINLOCK_TYPES_H

typedef struct {
	int locked;
} spinlock_t;

#endif
