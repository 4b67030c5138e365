/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on powerpc book3s32: the definitions
 * extracted from the kernel's own arch/powerpc headers, compiled with -m32.
 */
#ifndef LEAFDIFF_SHIM_PPC32_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_PPC32_ASM_PGTABLE_H

#include <linux/types.h>

#include "leafdiff/extracted/arch.h"

#endif
