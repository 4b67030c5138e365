/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <linux/kconfig.h>. IS_ENABLED(CONFIG_X) must work in C
 * expressions as well as #if, so it tests whether the macro expands to 1 by
 * pasting it onto a name that only exists for "1".
 */
#ifndef LEAFDIFF_SHIM_KCONFIG_H
#define LEAFDIFF_SHIM_KCONFIG_H

#define __ld_one_if_1_1 0,
#define __ld_second(_ignored, value, ...) value
#define __ld_probe(junk_or_comma) __ld_second(junk_or_comma 1, 0, 0)
#define __ld_paste_probe(value) __ld_probe(__ld_one_if_1_##value)
#define __ld_is_one(option) __ld_paste_probe(option)
#define IS_ENABLED(option) __ld_is_one(option)
#define IS_BUILTIN(option) __ld_is_one(option)

#endif
