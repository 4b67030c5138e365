/* SPDX-License-Identifier: GPL-2.0 */
/* Synthetic test fixture for leafdiff's patch tests: not kernel source. */
#ifndef _TOY_LEAFOPS_H
#define _TOY_LEAFOPS_H

#include <linux/swapops.h>

enum toy_leaf_type {
	TOY_LEAF_NONE,
	TOY_LEAF_SWAP,
	TOY_LEAF_MIGRATION_READ,
	TOY_LEAF_MIGRATION_WRITE,
	TOY_LEAF_DEVICE_READ,
	TOY_LEAF_DEVICE_WRITE,
	TOY_LEAF_HWPOISON,
};

static inline enum toy_leaf_type toy_leaf_type(unsigned long entry)
{
	unsigned int type = toy_type(entry);

	if (type < TOY_MAX_FILES)
		return TOY_LEAF_SWAP;

	switch (type) {
	case TOY_MIGRATION_READ:
		return TOY_LEAF_MIGRATION_READ;
	case TOY_MIGRATION_WRITE:
		return TOY_LEAF_MIGRATION_WRITE;
	case TOY_DEVICE_READ:
		return TOY_LEAF_DEVICE_READ;
	case TOY_DEVICE_WRITE:
		return TOY_LEAF_DEVICE_WRITE;
	case TOY_HWPOISON:
		return TOY_LEAF_HWPOISON;
	}
	return TOY_LEAF_NONE;
}

static inline int toy_leaf_is_migration(unsigned long entry)
{
	switch (toy_leaf_type(entry)) {
	case TOY_LEAF_MIGRATION_READ:
	case TOY_LEAF_MIGRATION_WRITE:
		return 1;
	case TOY_LEAF_DEVICE_WRITE:
		return 2;
	default:
		return 0;
	}
}

#endif /* _TOY_LEAFOPS_H */
