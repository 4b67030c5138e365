/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <linux/atomic.h>: older swapops.h (6.1) counts poisoned
 * pages in an atomic_long_t from its hwpoison helpers. A call is
 * single-threaded here, so plain arithmetic is enough.
 */
#ifndef LEAFDIFF_SHIM_ATOMIC_H
#define LEAFDIFF_SHIM_ATOMIC_H

typedef struct {
	long counter;
} atomic_long_t;

static inline void atomic_long_inc(atomic_long_t *v) { v->counter++; }
static inline void atomic_long_dec(atomic_long_t *v) { v->counter--; }
static inline void atomic_long_add(long i, atomic_long_t *v) { v->counter += i; }
static inline void atomic_long_sub(long i, atomic_long_t *v) { v->counter -= i; }

#endif
