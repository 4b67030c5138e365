/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h>: the definitions extracted from the kernel's
 * own arch/x86 headers, plus the run-time switch they read.
 */
#ifndef LEAFDIFF_SHIM_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_ASM_PGTABLE_H

#include <linux/types.h>

/* x86 decides 5-level paging at boot; here it is a per-call knob. */
bool ld_la57(void);
#define pgtable_l5_enabled() ld_la57()

#include "leafdiff/extracted/arch.h"

#endif
