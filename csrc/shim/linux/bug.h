/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <linux/bug.h> and <linux/mmdebug.h>. Warnings and BUG_ON are
 * outputs of a call, recorded rather than acted on; every call starts with a
 * clean slate, so "once" means once per call. VM_WARN_ON_ONCE and VM_BUG_ON
 * evaluate their condition as under CONFIG_DEBUG_VM.
 *
 * BUILD_BUG_ON keeps the kernel's contract: a condition the optimiser proves
 * true is a compile error (via the error attribute), so a header whose static
 * assertion fails makes its variant fail to build, which leafdiff records.
 */
#ifndef LEAFDIFF_SHIM_BUG_H
#define LEAFDIFF_SHIM_BUG_H

#include <linux/types.h>
#include "leafdiff/runtime.h"

#define WARN_ON_ONCE(cond) ({ bool __ld_c = !!(cond); if (__ld_c) ld_note_warn(); __ld_c; })
#define WARN_ON(cond) WARN_ON_ONCE(cond)
#define VM_WARN_ON_ONCE(cond) WARN_ON_ONCE(cond)
#define VM_WARN_ON(cond) WARN_ON_ONCE(cond)
#define BUG_ON(cond) do { if (cond) ld_note_bug(); } while (0)
#define VM_BUG_ON(cond) BUG_ON(cond)
#define BUG() ld_note_bug()

extern void __ld_build_bug_on_failed(void)
	__attribute__((__error__("BUILD_BUG_ON condition is true")));
#define BUILD_BUG_ON(cond) do { if (cond) __ld_build_bug_on_failed(); } while (0)
#define BUILD_BUG() __ld_build_bug_on_failed()

#endif
