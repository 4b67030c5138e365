/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h>: the definitions extracted from the kernel's
 * own arch/x86 headers, plus the run-time switch they read.
 */
#ifndef LEAFDIFF_SHIM_X86_64_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_X86_64_ASM_PGTABLE_H

#include <linux/types.h>
#include "leafdiff/runtime.h"

/* x86 decides 5-level paging at boot; here it is the call's knob 0
 * (kernel/src/arch/x86_64.rs lists the knobs). */
#define pgtable_l5_enabled() ld_knob(0)

#include "leafdiff/extracted/arch.h"

#endif
