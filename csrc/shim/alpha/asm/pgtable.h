/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on alpha: the definitions extracted
 * from the kernel's own arch/alpha headers.
 */
#ifndef LEAFDIFF_SHIM_ALPHA_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_ALPHA_ASM_PGTABLE_H

#include <linux/types.h>

#include "leafdiff/extracted/arch.h"

#endif
