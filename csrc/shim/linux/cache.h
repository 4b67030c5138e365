/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for <linux/cache.h>: section attributes mean nothing here. */
#ifndef LEAFDIFF_SHIM_CACHE_H
#define LEAFDIFF_SHIM_CACHE_H

#define __read_mostly

#endif
