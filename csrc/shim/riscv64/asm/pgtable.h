/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on riscv64: the definitions extracted from
 * the kernel's own arch/riscv headers, plus the CPU extension test they
 * make (<asm/cpufeature.h>).
 */
#ifndef LEAFDIFF_SHIM_RISCV64_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_RISCV64_ASM_PGTABLE_H

#include <linux/types.h>
#include "leafdiff/runtime.h"

/* The extensions the swap helpers ask about are the call's knobs
 * (kernel/src/arch/riscv64.rs); asking about any other is a build error,
 * so a header that starts to is noticed rather than answered for it. */
extern bool __ld_riscv_extension_not_a_knob(void)
	__attribute__((__error__("a riscv extension leafdiff has no knob for")));
#define ld_riscv_has_extension(ext) \
	((ext) == RISCV_ISA_EXT_SVRSW60T59B ? ld_knob(0) : __ld_riscv_extension_not_a_knob())
#define riscv_has_extension_unlikely(ext) ld_riscv_has_extension(ext)
#define riscv_has_extension_likely(ext) ld_riscv_has_extension(ext)

#include "leafdiff/extracted/arch.h"

#endif
