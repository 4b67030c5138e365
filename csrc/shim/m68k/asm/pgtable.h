/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on m68k (Motorola MMU): the definitions
 * extracted from the kernel's own arch/m68k headers, compiled with -m32.
 */
#ifndef LEAFDIFF_SHIM_M68K_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_M68K_ASM_PGTABLE_H

#include <linux/types.h>

#include "leafdiff/extracted/arch.h"

#endif
