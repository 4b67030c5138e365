/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on x86 32-bit: the definitions extracted
 * from the kernel's own arch/x86 headers, compiled with -m32.
 */
#ifndef LEAFDIFF_SHIM_I386_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_I386_ASM_PGTABLE_H

#include <linux/types.h>

#include "leafdiff/extracted/arch.h"

#endif
