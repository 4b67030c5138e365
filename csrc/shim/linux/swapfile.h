/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for <linux/swapfile.h>: the A/D switch is a per-call knob. */
#ifndef LEAFDIFF_SHIM_SWAPFILE_H
#define LEAFDIFF_SHIM_SWAPFILE_H

#include <linux/types.h>

extern _Thread_local bool swap_migration_ad_supported;

#endif
