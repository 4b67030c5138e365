/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for <linux/swap.h>: only its SWP_* / MAX_SWAPFILES block, extracted. */
#ifndef LEAFDIFF_SHIM_SWAP_H
#define LEAFDIFF_SHIM_SWAP_H

#include <linux/types.h>
#include "leafdiff/extracted/swap.h"

#endif
