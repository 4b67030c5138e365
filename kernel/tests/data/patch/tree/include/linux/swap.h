/* SPDX-License-Identifier: GPL-2.0 */
/* Synthetic test fixture for leafdiff's patch tests: not kernel source. */
#ifndef _TOY_SWAP_H
#define _TOY_SWAP_H

#define TOY_MAX_FILES		32

#define TOY_DEVICE_NUM		2
#define TOY_DEVICE_READ		(TOY_MAX_FILES + 0)
#define TOY_DEVICE_WRITE	(TOY_MAX_FILES + 1)

#define TOY_MIGRATION_NUM	2
#define TOY_MIGRATION_READ	(TOY_MAX_FILES + TOY_DEVICE_NUM + 0)
#define TOY_MIGRATION_WRITE	(TOY_MAX_FILES + TOY_DEVICE_NUM + 1)

#define TOY_HWPOISON_NUM	1
#define TOY_HWPOISON		(TOY_MAX_FILES + TOY_DEVICE_NUM + TOY_MIGRATION_NUM)

#endif /* _TOY_SWAP_H */
