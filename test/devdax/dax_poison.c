// SPDX-License-Identifier: GPL-2.0
/*
 * dax_poison DEV ALIGN: memory failure on a device-DAX mapping (MADV_HWPOISON, as the kernel's
 * memory-failure selftests inject it). The poisoned page's process gets SIGBUS with
 * BUS_MCEERR_AR, and si_addr_lsb names the size of the mapping that covered the page: 12, 21 or
 * 30 for an instance at 4K, 2M or 1G alignment (the leaf that memory failure unmaps); si_addr
 * lies in that leaf. Then the kernel carries on: the other leaf of the mapping reads back what
 * was written to it, and a new mapping of the instance does too.
 *
 * Prints KTAP; exits 0 when every subtest passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"

#define PAGE	4096UL

static unsigned long stride;	/* tagged words: 1024 per mapping, at least one per page */

static sigjmp_buf jump;
static siginfo_t caught;	/* the last SIGBUS */
static int signals;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	caught.si_code = si->si_code;
	caught.si_addr = si->si_addr;
	caught.si_addr_lsb = si->si_addr_lsb;
	signals++;
	siglongjmp(jump, 1);
}

static u64 tag(unsigned long off)
{
	return 0x706f69736f6e0000ULL ^ off;
}

/* Write a tag every stride bytes of [p, p + len), the instance at device offset @off. */
static void fill(char *p, unsigned long len, unsigned long off)
{
	unsigned long i;

	for (i = 0; i < len; i += stride)
		WRITE_ONCE(*(u64 *)(p + i), tag(off + i));
}

/* Read the word at @p into @v; -1 on SIGBUS. */
static int try_read(const char *p, u64 *v)
{
	if (sigsetjmp(jump, 1))
		return -1;
	*v = READ_ONCE(*(const u64 *)p);
	return 0;
}

/*
 * Read back the tags of [p, p + len) at device offset @off: 0 when all are right, the offset of
 * the first wrong one plus 1, or -1 on SIGBUS.
 */
static long check(const char *p, unsigned long len, unsigned long off)
{
	unsigned long i;
	u64 v;

	for (i = 0; i < len; i += stride) {
		if (try_read(p + i, &v))
			return -1;
		if (v != tag(off + i))
			return i + 1;
	}
	return 0;
}

/* Poison the page at @p; 0 or -errno. The SIGBUS arrives as madvise() returns. */
static int inject(char *p)
{
	if (sigsetjmp(jump, 1))
		return 0;
	return madvise(p, PAGE, MADV_HWPOISON) ? -errno : 0;
}

/* Describe a check() result. */
static const char *what(long r)
{
	static char out[64];

	if (r < 0)
		return "SIGBUS";
	snprintf(out, sizeof(out), "wrong data at offset %#lx", r - 1);
	return out;
}

static int log2_of(unsigned long v)
{
	return __builtin_ctzl(v);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	unsigned long align, len, target;
	char *p, *q;
	int fd, ret;
	long r;

	align = argc == 3 ? parse_size(argv[2]) : 0;
	if (!align)
		ktap_bail("usage: dax_poison DEV 4k|2M|1G");
	len = 2 * align;
	stride = len / 1024 > PAGE ? len / 1024 : PAGE;
	ktap_plan(5);
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		ktap_bail("cannot open the instance");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ktap_bail("cannot map two leaves of the instance");
	fill(p, len, 0);
	if (sigaction(SIGBUS, &sa, NULL))
		ktap_bail("sigaction");

	/* A page in the middle of the first leaf (the leaf itself at 4K). */
	target = align / 2 & ~(PAGE - 1);
	ret = inject(p + target);
	if (ret)
		ktap_print("madvise(MADV_HWPOISON): %s", strerror(-ret));
	ktap_print("poisoned %p (offset %#lx): %d SIGBUS, si_code %d, si_addr %p, si_addr_lsb %d",
		   p + target, target, signals, caught.si_code, caught.si_addr,
		   caught.si_addr_lsb);
	ktap_result(!ret && signals == 1 && caught.si_code == BUS_MCEERR_AR,
		    "MADV_HWPOISON: SIGBUS with BUS_MCEERR_AR");
	if (caught.si_addr_lsb != log2_of(align))
		ktap_print("si_addr_lsb %d, expected %d", caught.si_addr_lsb, log2_of(align));
	ktap_result(caught.si_addr_lsb == log2_of(align),
		    "si_addr_lsb is the size of the mapping's leaf");
	ktap_result((char *)caught.si_addr >= p && (char *)caught.si_addr < p + align,
		    "si_addr lies in the poisoned leaf");

	/* The kernel carries on: the other leaf, through this mapping and a new one. */
	r = check(p + align, align, align);
	if (r)
		ktap_print("second leaf: %s", what(r));
	ktap_result(!r, "the other leaf reads back through the mapping");
	munmap(p, len);

	q = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (q == MAP_FAILED) {
		ktap_print("mmap: %s", strerror(errno));
		r = -2;
	} else {
		r = check(q + align, align, align);
		if (r)
			ktap_print("new mapping: %s", what(r));
		munmap(q, len);
	}
	ktap_result(!r, "a new mapping of the instance reads it back");
	close(fd);
	return ktap_exit();
}
