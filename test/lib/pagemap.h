/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/PID/pagemap for the guest test programs: the entry bits of
 * Documentation/admin-guide/mm/pagemap.rst, and the PAGEMAP_SCAN ioctl of v7.2.8's
 * include/uapi/linux/fs.h (Debian 12's headers predate it, v6.7).
 */
#ifndef HARNESS_PAGEMAP_H
#define HARNESS_PAGEMAP_H

#include <sys/ioctl.h>
#include "util.h"

#define PM_PFN_MASK		(BIT_ULL(55) - 1)
#define PM_MMAP_EXCLUSIVE	BIT_ULL(56)
#define PM_FILE			BIT_ULL(61)
#define PM_PRESENT		BIT_ULL(63)

struct pm_page_region {
	u64 start, end, categories;
};

struct pm_scan_arg {
	u64 size, flags, start, end, walk_end, vec, vec_len, max_pages;
	u64 category_inverted, category_mask, category_anyof_mask, return_mask;
};

#define PM_PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#define PM_PAGE_IS_FILE		BIT(2)
#define PM_PAGE_IS_PRESENT	BIT(3)
#define PM_PAGE_IS_HUGE		BIT(6)

#endif /* HARNESS_PAGEMAP_H */
