/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/PID/pagemap for the guest test programs: the entry bits of
 * Documentation/admin-guide/mm/pagemap.rst, and the PAGEMAP_SCAN ioctl of v7.2.8's
 * include/uapi/linux/fs.h (Debian 12's headers predate it, v6.7).
 */
#ifndef HARNESS_PAGEMAP_H
#define HARNESS_PAGEMAP_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "ktap.h"
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

/*
 * PAGEMAP_SCAN over [@p, @p + @len) with @mask's categories: 0 if it is one region, the whole
 * range, with exactly the categories @want; otherwise prints the regions found and returns -1.
 */
static inline int pm_scan_whole(const char *p, unsigned long len, u64 mask, u64 want)
{
	struct pm_page_region vec[8];
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = (unsigned long)p,
		.end = (unsigned long)p + len,
		.vec = (unsigned long)vec,
		.vec_len = ARRAY_SIZE(vec),
		.return_mask = mask,
	};
	int fd = open("/proc/self/pagemap", O_RDONLY), n, i;

	if (fd < 0) {
		ktap_print("open /proc/self/pagemap: %s", strerror(errno));
		return -1;
	}
	n = ioctl(fd, PM_PAGEMAP_SCAN, &arg);
	close(fd);
	if (n < 0) {
		ktap_print("PAGEMAP_SCAN: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++)
		ktap_print("PAGEMAP_SCAN: %#llx-%#llx categories %#llx",
			   (unsigned long long)(vec[i].start - arg.start),
			   (unsigned long long)(vec[i].end - arg.start),
			   (unsigned long long)vec[i].categories);
	if (n != 1 || vec[0].start != arg.start || vec[0].end != arg.end ||
	    vec[0].categories != want) {
		ktap_print("PAGEMAP_SCAN: expected one region, the whole range, categories %#llx",
			   (unsigned long long)want);
		return -1;
	}
	return 0;
}

#endif /* HARNESS_PAGEMAP_H */
