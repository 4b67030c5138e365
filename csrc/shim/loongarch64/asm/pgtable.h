/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on loongarch64: the definitions extracted
 * from the kernel's own arch/loongarch headers.
 */
#ifndef LEAFDIFF_SHIM_LOONGARCH64_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_LOONGARCH64_ASM_PGTABLE_H

#include <linux/types.h>

/* An empty PMD points at the kernel's invalid_pte_table, which the
 * headers only declare; the helpers compare with its address only,
 * so any object of ours serves. */
static const char ld_invalid_pte_table[1];
#define invalid_pte_table ld_invalid_pte_table

#include "leafdiff/extracted/arch.h"

#endif
