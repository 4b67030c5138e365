/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on arm64: the definitions extracted from the
 * kernel's own arch/arm64 headers, plus the run-time switch they read.
 */
#ifndef LEAFDIFF_SHIM_ARM64_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_ARM64_ASM_PGTABLE_H

#include <linux/types.h>
#include "leafdiff/runtime.h"

/* With LPA2 the kernel decides at boot whether 52-bit physical addresses
 * are in use; here it is the call's knob 0 (kernel/src/arch/arm64.rs).
 * Without LPA2 the header's own answer is false. */
#ifdef CONFIG_ARM64_LPA2
#define lpa2_is_enabled() ld_knob(0)
#else
#define lpa2_is_enabled() false
#endif

#include "leafdiff/extracted/arch.h"

#endif
