/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for <asm/pgtable.h> on powerpc book3s64: the definitions
 * extracted from the kernel's own arch/powerpc headers, plus the MMU test
 * and byte order they use.
 */
#ifndef LEAFDIFF_SHIM_PPC64_ASM_PGTABLE_H
#define LEAFDIFF_SHIM_PPC64_ASM_PGTABLE_H

#include <linux/types.h>
#include "leafdiff/runtime.h"

typedef uint64_t __be64;

/* <linux/byteorder>: the host, like ppc64el, is little-endian. */
#define cpu_to_be64(x) ((__be64)__builtin_bswap64((uint64_t)(x)))
#define be64_to_cpu(x) ((uint64_t)__builtin_bswap64((uint64_t)(x)))

/* Radix or hash MMU is found at boot; here it is the call's knob 0
 * (kernel/src/arch/ppc64.rs). */
#define radix_enabled() ld_knob(0)

#include "leafdiff/extracted/arch.h"

#endif
