/* SPDX-License-Identifier: GPL-2.0 */
/* Synthetic test fixture for leafdiff's patch tests: not kernel source. */
#ifndef _TOY_SWAPOPS_H
#define _TOY_SWAPOPS_H

#include <linux/swap.h>

#define TOY_TYPE_SHIFT	58
#define TOY_OFFSET_MASK	((1UL << TOY_TYPE_SHIFT) - 1)

static inline unsigned long toy_entry(unsigned int type, unsigned long offset)
{
	return ((unsigned long)type << TOY_TYPE_SHIFT) | (offset & TOY_OFFSET_MASK);
}

static inline unsigned int toy_type(unsigned long entry)
{
	return entry >> TOY_TYPE_SHIFT;
}

static inline unsigned long toy_offset(unsigned long entry)
{
	return entry & TOY_OFFSET_MASK;
}

static inline int toy_is_migration(unsigned long entry)
{
	unsigned int type = toy_type(entry);

	return type == TOY_MIGRATION_READ || type == TOY_MIGRATION_WRITE;
}

static inline int toy_is_device(unsigned long entry)
{
	unsigned int type = toy_type(entry);

	return type == TOY_DEVICE_READ || type == TOY_DEVICE_WRITE;
}

/*
 * Café-grade check: an hwpoison entry's offset is the poisoned pfn, never zero when valid = true.
 */
static inline int toy_is_hwpoison(unsigned long entry)
{
	int is_poison = toy_type(entry) == TOY_HWPOISON;

	return is_poison;
}

#endif /* _TOY_SWAPOPS_H */
