/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C ABI between leafdiff's Rust side and each compiled variant.
 * Every helper under test is wrapped as `ld_result f(const ld_args *)`, so one
 * table type describes every variant; bindgen reads this file.
 */
#ifndef LEAFDIFF_H
#define LEAFDIFF_H

#include <stdint.h>

typedef struct ld_page_spec {
	uint64_t pfn;
	uint8_t device_private;
	uint8_t anon;
	uint8_t locked;
} ld_page_spec;

typedef struct ld_args {
	uint64_t a;
	uint64_t b;
	ld_page_spec page;
	/* Run-time knobs: bit i answers the arch's run-time question i (its
	 * shims say which: x86_64's pgtable_l5_enabled() is bit 0), and
	 * swap_migration_ad_supported. */
	uint8_t arch_knobs;
	uint8_t swap_migration_ad_supported;
} ld_args;

typedef struct ld_result {
	uint64_t value;
	uint8_t warned;
	uint8_t bugged;
} ld_result;

typedef ld_result (*ld_helper_fn)(const ld_args *args);

/* One helper a variant defines; tables end with a NULL name. */
typedef struct ld_helper {
	const char *name;
	ld_helper_fn call;
} ld_helper;

/* One `enum softleaf_type` enumerator, so results are mapped by name. */
typedef struct ld_enumerator {
	const char *name;
	uint64_t value;
} ld_enumerator;

/* Everything a variant exports. */
typedef struct ld_variant {
	const ld_helper *helpers;
	const ld_enumerator *softleaf_types;
} ld_variant;

#endif
