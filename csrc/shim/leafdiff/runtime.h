/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-call state shared by the shims and the generated wrappers. Thread-local
 * so that tests calling different variants in parallel do not interfere.
 */
#ifndef LEAFDIFF_RUNTIME_H
#define LEAFDIFF_RUNTIME_H

#include <stdbool.h>
#include "leafdiff.h"

struct page {
	unsigned long pfn;
	bool device_private;
	bool anon;
	bool locked;
};

/* A folio starts with its head page, so a folio pointer is a page pointer. */
struct folio {
	struct page page;
};

struct ld_call_state {
	const ld_args *args;
	bool warned;
	bool bugged;
	/* The page handed to page-taking helpers, and the one pfn_to_page() returns. */
	struct page arg_page;
	struct page pfn_page;
};

extern _Thread_local struct ld_call_state ld_state;

void ld_call_begin(const ld_args *args);
ld_result ld_call_end(uint64_t value);

/* The answer the call's knobs give the arch's run-time question `bit`. */
bool ld_knob(unsigned int bit);

static inline void ld_note_warn(void) { ld_state.warned = true; }
static inline void ld_note_bug(void) { ld_state.bugged = true; }

#endif
