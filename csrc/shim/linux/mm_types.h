/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <linux/mm_types.h> and the page/folio accessors of <linux/mm.h>,
 * <linux/page-flags.h> and <linux/memremap.h>: a page is its pfn plus the three
 * attributes the helpers ask about, taken from the call's arguments.
 */
#ifndef LEAFDIFF_SHIM_MM_TYPES_H
#define LEAFDIFF_SHIM_MM_TYPES_H

#include <linux/types.h>
#include <linux/bug.h>
/* As the real mm_types.h brings them in, for older swapops.h (6.1). */
#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/spinlock_types.h>
#include "leafdiff/runtime.h"

typedef struct {
	unsigned long val;
} swp_entry_t;

typedef swp_entry_t softleaf_t;

struct mm_struct;
struct vm_area_struct;

#include <asm/pgtable.h>

struct page *ld_pfn_to_page(unsigned long pfn);

static inline unsigned long page_to_pfn(const struct page *page) { return page->pfn; }
static inline struct page *pfn_to_page(unsigned long pfn) { return ld_pfn_to_page(pfn); }
static inline struct folio *page_folio(struct page *page) { return (struct folio *)page; }
static inline struct folio *pfn_folio(unsigned long pfn) { return page_folio(pfn_to_page(pfn)); }
static inline bool PageLocked(const struct page *page) { return page->locked; }
static inline bool folio_test_locked(const struct folio *folio) { return folio->page.locked; }
static inline bool folio_test_anon(const struct folio *folio) { return folio->page.anon; }
static inline bool PageAnon(const struct page *page) { return page->anon; }

/* Device-private pages exist only with CONFIG_DEVICE_PRIVATE, as in memremap.h. */
static inline bool is_device_private_page(const struct page *page)
{
	return IS_ENABLED(CONFIG_DEVICE_PRIVATE) && page->device_private;
}

static inline bool folio_is_device_private(const struct folio *folio)
{
	return is_device_private_page(&folio->page);
}

#endif
