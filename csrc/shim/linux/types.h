/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for <linux/types.h>, <linux/compiler.h>, <linux/const.h> and <linux/bits.h>. */
#ifndef LEAFDIFF_SHIM_TYPES_H
#define LEAFDIFF_SHIM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kconfig.h>

typedef uint8_t u8;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef uint32_t u32;
typedef uint64_t u64;
typedef unsigned long pgoff_t;
/* As the kernel's Kconfig has it: 64 bits on a 64-bit arch and with PAE
 * or LPAE (kernel/src/arch/ defines CONFIG_PHYS_ADDR_T_64BIT), else 32. */
#if defined(CONFIG_64BIT) || defined(CONFIG_PHYS_ADDR_T_64BIT)
typedef uint64_t phys_addr_t;
#else
typedef uint32_t phys_addr_t;
#endif

/* As the arch's compiler has it (-m32 for a 32-bit arch). */
#define BITS_PER_LONG (__SIZEOF_LONG__ * 8)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

#define _AC(x, y) (x##y)
#define _AT(t, x) ((t)(x))
#define _UL(x) (_AC(x, UL))
#define _ULL(x) (_AC(x, ULL))
#define BIT(nr) (1UL << (nr))
#define BIT_ULL(nr) (1ULL << (nr))

#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))

/* Page-table and swap entries are single words; only their values matter here. */
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif
