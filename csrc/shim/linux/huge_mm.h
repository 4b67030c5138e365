/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <linux/huge_mm.h>: only is_swap_pmd(), extracted from the
 * kernel's own header (older swapops.h calls it).
 */
#ifndef LEAFDIFF_SHIM_HUGE_MM_H
#define LEAFDIFF_SHIM_HUGE_MM_H

/* Through mm_types.h, which declares swp_entry_t before the arch headers
 * that take it in functions (s390). */
#include <linux/mm_types.h>
#include "leafdiff/extracted/huge_mm.h"

#endif
