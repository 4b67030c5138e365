/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on s390: the definitions extracted
 * from the kernel's own arch/s390 headers.
 */
#ifndef LEAFDIFF_SHIM_S390_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_S390_ASM_PGTABLE_H

#include <linux/types.h>

/* arch/s390/include/asm/page.h makes pte_val() and its siblings by token
 * pasting (DEFINE_PGVAL_FUNC), which extraction cannot follow: what those
 * expand to, without CONFIG_STRICT_MM_TYPECHECKS (the entry types are plain
 * unsigned long) or with it (one-member structs). */
#ifdef CONFIG_STRICT_MM_TYPECHECKS
#define ld_pgval(x, member) ((x).member)
#else
#define ld_pgval(x, member) (x)
#endif
#define pgprot_val(x) ((unsigned long)ld_pgval(x, pgprot))
#define pte_val(x) ((unsigned long)ld_pgval(x, pte))
#define pmd_val(x) ((unsigned long)ld_pgval(x, pmd))
#define pud_val(x) ((unsigned long)ld_pgval(x, pud))
#define p4d_val(x) ((unsigned long)ld_pgval(x, p4d))
#define pgd_val(x) ((unsigned long)ld_pgval(x, pgd))

#include "leafdiff/extracted/arch.h"

#endif
