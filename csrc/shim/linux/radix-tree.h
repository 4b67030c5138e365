/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for <linux/radix-tree.h>: swapops.h needs only the xarray value helpers. */
#ifndef LEAFDIFF_SHIM_RADIX_TREE_H
#define LEAFDIFF_SHIM_RADIX_TREE_H

#include <linux/types.h>
#include <linux/bug.h>
#include "leafdiff/extracted/xarray.h"

#endif
