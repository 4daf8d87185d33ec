/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One word per 4 KiB page: the data checks of the guest test programs, and the minor-fault
 * counter they compare with the expected number of faults. Needs ktap.h and util.h first.
 */
#ifndef HARNESS_PAGES_H
#define HARNESS_PAGES_H

#include <sys/resource.h>

#define PAGE 4096UL

/* Minor faults of this process so far, or -1. */
static inline long minflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_minflt;
}

/* The word stored at the start of the page at offset @off: differs per page and per @seed. */
static inline u64 page_word(unsigned long off, u64 seed)
{
	return seed ^ (off / PAGE) * 0x9e3779b97f4a7c15ULL;
}

/* Store page_word() in the first word of every page of [@p, @p + @len). */
static inline void pages_fill(char *p, unsigned long len, u64 seed)
{
	unsigned long off;

	for (off = 0; off < len; off += PAGE)
		WRITE_ONCE(*(u64 *)(p + off), page_word(off, seed));
}

/* Read the first word of every page; return how many differ, printing the first three. */
static inline unsigned long pages_check(const char *p, unsigned long len, u64 seed)
{
	unsigned long off, bad = 0;

	for (off = 0; off < len; off += PAGE) {
		u64 got = READ_ONCE(*(const u64 *)(p + off));

		if (got != page_word(off, seed) && bad++ < 3)
			ktap_print("offset %#lx: expected %#llx, got %#llx", off,
				   (unsigned long long)page_word(off, seed),
				   (unsigned long long)got);
	}
	return bad;
}

#endif /* HARNESS_PAGES_H */
