/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on sh (SH-4, 2-level): the definitions
 * extracted from the kernel's own arch/sh headers, compiled with -m32.
 */
#ifndef LEAFDIFF_SHIM_SH_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_SH_ASM_PGTABLE_H

#include <linux/types.h>

#include "leafdiff/extracted/arch.h"

#endif
