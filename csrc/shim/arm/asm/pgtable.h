/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on 32-bit arm: the definitions extracted
 * from the kernel's own arch/arm headers, compiled with -m32.
 */
#ifndef LEAFDIFF_SHIM_ARM_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_ARM_ASM_PGTABLE_H

#include <linux/types.h>

#include "leafdiff/extracted/arch.h"

#endif
