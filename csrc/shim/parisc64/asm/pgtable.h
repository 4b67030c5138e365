/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on parisc64: the definitions extracted
 * from the kernel's own arch/parisc64 headers.
 */
#ifndef LEAFDIFF_SHIM_PARISC64_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_PARISC64_ASM_PGTABLE_H

#include <linux/types.h>

#include "leafdiff/extracted/arch.h"

#endif
