/* SPDX-License-Identifier: GPL-2.0 */
/* The per-call state behind the shims; compiled once, shared by all variants. */
#include "leafdiff/runtime.h"

_Thread_local struct ld_call_state ld_state;
_Thread_local bool swap_migration_ad_supported;

static struct page page_from_spec(const ld_page_spec *spec, unsigned long pfn)
{
	return (struct page){
		.pfn = pfn,
		.device_private = spec->device_private,
		.anon = spec->anon,
		.locked = spec->locked,
	};
}

void ld_call_begin(const ld_args *args)
{
	ld_state.args = args;
	ld_state.warned = false;
	ld_state.bugged = false;
	ld_state.arg_page = page_from_spec(&args->page, args->page.pfn);
	swap_migration_ad_supported = args->swap_migration_ad_supported;
}

ld_result ld_call_end(uint64_t value)
{
	return (ld_result){
		.value = value,
		.warned = ld_state.warned,
		.bugged = ld_state.bugged,
	};
}

struct page *ld_pfn_to_page(unsigned long pfn)
{
	ld_state.pfn_page = page_from_spec(&ld_state.args->page, pfn);
	return &ld_state.pfn_page;
}

bool ld_knob(unsigned int bit)
{
	return ld_state.args && (ld_state.args->arch_knobs >> bit & 1);
}
