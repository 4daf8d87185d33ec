// SPDX-License-Identifier: GPL-2.0
/*
 * dax_abi DEV ALIGN MODEL: what /proc/self/pagemap, PAGEMAP_SCAN, smaps and clear_refs report
 * for a device-DAX mapping at ALIGN (4K: ptes; 2M: pmds), with the values MODEL expects:
 *
 *   folio   v7.2.8: a device-DAX page is a folio that its mapping references and counts:
 *           pagemap sets PM_FILE, and PM_MMAP_EXCLUSIVE while this process alone maps it;
 *           PAGEMAP_SCAN reports PAGE_IS_FILE; smaps counts it in Rss and Pss; clear_refs
 *           clears the accessed bits that smaps' Referenced shows.
 *   devmap  the devmap series: a devmap entry holds no folio reference, rmap or mapcount, and
 *           the walkers see no folio behind it at either level (as before v6.15): pagemap
 *           sets neither PM_FILE nor PM_MMAP_EXCLUSIVE, PAGEMAP_SCAN no PAGE_IS_FILE, smaps
 *           counts nothing (Rss, Pss, Referenced 0), and clear_refs is accepted.
 *
 * Both: every page is present with its frame number, PAGEMAP_SCAN reports PAGE_IS_PRESENT, and
 * PAGE_IS_HUGE exactly for pmd leaves; while a child maps the pages too, none is exclusive;
 * the data is intact afterwards. (1G is not tested: pagemap and smaps split pud leaves on both
 * kernels, see dax_vm.)
 *
 * Prints KTAP; exits 0 when every subtest passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"
#include "pages.h"
#include "pagemap.h"

static unsigned long align, len;
static bool devmap;

/* Every page's pagemap entry: present with a frame; PM_FILE and exclusive as @file, @excl. */
static int check_pagemap(const char *p, bool file, bool excl, const char *when)
{
	unsigned long i, n = len / PAGE, bad = 0, first = (unsigned long)p / PAGE;
	u64 e, want = (file ? PM_FILE : 0) | (excl ? PM_MMAP_EXCLUSIVE : 0);
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0) {
		ktap_print("open /proc/self/pagemap: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (pread(fd, &e, sizeof(e), (first + i) * sizeof(e)) != sizeof(e)) {
			ktap_print("pread pagemap: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (!(e & PM_PRESENT) || !(e & PM_PFN_MASK) ||
		    (e & (PM_FILE | PM_MMAP_EXCLUSIVE)) != want) {
			if (!bad++)
				ktap_print("%s: page %lu: pagemap entry %#llx; expected %s, %s, %s",
					   when, i, (unsigned long long)e, "present with a frame",
					   file ? "PM_FILE" : "no PM_FILE",
					   excl ? "exclusive" : "not exclusive");
		}
	}
	close(fd);
	if (bad)
		ktap_print("%s: %lu of %lu pages wrong", when, bad, n);
	return bad ? -1 : 0;
}

/* PAGEMAP_SCAN: one region, the whole mapping, with the categories expected. */
static int check_scan(char *p)
{
	return pm_scan_whole(p, len, PM_PAGE_IS_FILE | PM_PAGE_IS_PRESENT | PM_PAGE_IS_HUGE,
			     PM_PAGE_IS_PRESENT | (devmap ? 0 : PM_PAGE_IS_FILE) |
			     (align > PAGE ? PM_PAGE_IS_HUGE : 0));
}

/* The kB that smaps gives @field of the mapping at @p, or -1. */
static long smaps_kb(const char *p, const char *field)
{
	char line[256];
	unsigned long start, end;
	long kb = -1;
	bool in = false;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's header: "start-end perms ..."; a field: "Name:   N kB". */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = start == (unsigned long)p;
			continue;
		}
		if (in && !strncmp(line, field, n) && line[n] == ':') {
			if (sscanf(line + n + 1, "%ld", &kb) != 1)
				kb = -1;
			break;
		}
	}
	fclose(f);
	return kb;
}

static int check_smaps(const char *p)
{
	long want = devmap ? 0 : (long)(len >> 10);
	long rss = smaps_kb(p, "Rss"), pss = smaps_kb(p, "Pss");

	ktap_print("smaps: Rss %ld kB, Pss %ld kB, expected %ld kB", rss, pss, want);
	return rss == want && pss == want ? 0 : -1;
}

static void touch(char *p)
{
	unsigned long i;

	for (i = 0; i < len; i += PAGE)
		(void)READ_ONCE(*(u64 *)(p + i));
}

/*
 * clear_refs 1: Referenced drops from the mapping's size to 0 (folio). What a load after it
 * reports is printed, not checked: the CPU sets the accessed bit again only through a TLB miss,
 * and clear_refs does not flush.
 */
static int check_clear_refs(char *p)
{
	long before, after, again;

	touch(p);
	before = smaps_kb(p, "Referenced");
	if (!write_file("/proc/self/clear_refs", "1")) {
		ktap_print("write /proc/self/clear_refs: %s", strerror(errno));
		return -1;
	}
	after = smaps_kb(p, "Referenced");
	touch(p);
	again = smaps_kb(p, "Referenced");
	ktap_print("smaps Referenced: %ld kB, %ld kB after clear_refs, %ld kB after a load",
		   before, after, again);
	if (devmap)
		return before == 0 && after == 0 ? 0 : -1;
	return before == (long)(len >> 10) && after == 0 ? 0 : -1;
}

/* While a child has faulted the pages in too, no page is exclusive; then they are again (folio). */
static int check_shared(char *p)
{
	int go[2], done[2], status, ret;
	char c = 0;
	pid_t pid;

	if (pipe(go) || pipe(done))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		touch(p);
		if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	if (read(done[0], &c, 1) != 1) {
		waitpid(pid, &status, 0);
		ktap_print("the child did not map the pages");
		return -1;
	}
	ret = check_pagemap(p, !devmap, false, "mapped by a child too");
	if (write(go[1], &c, 1) != 1 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		ret = -1;
	if (!ret)
		ret = check_pagemap(p, !devmap, !devmap, "after the child exited");
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	return ret;
}

int main(int argc, char **argv)
{
	int fd;
	char *p;

	if (argc != 4 || (strcmp(argv[3], "folio") && strcmp(argv[3], "devmap")))
		ktap_bail("usage: dax_abi DEV ALIGN folio|devmap");
	align = parse_size(argv[2]);
	if (align != PAGE && align != 2UL << 20)
		ktap_bail("ALIGN is 4K or 2M");
	devmap = !strcmp(argv[3], "devmap");
	len = align == PAGE ? 64 * PAGE : 2 * align;
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		ktap_bail("cannot open the dax device");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ktap_bail("cannot map the device");
	ktap_print("%s: %lu bytes at align %lu, %s expectations", argv[1], len, align, argv[3]);

	ktap_plan(6);
	pages_fill(p, len, 11);
	ktap_result(!check_pagemap(p, !devmap, !devmap, "mapped by this process alone"),
		    devmap ? "pagemap: present, no PM_FILE, not exclusive" :
			     "pagemap: present, PM_FILE, exclusive");
	ktap_result(!check_scan(p), devmap ? "PAGEMAP_SCAN: present, not a file page" :
					     "PAGEMAP_SCAN: present, a file page");
	ktap_result(!check_smaps(p), devmap ? "smaps: not in Rss or Pss" :
					      "smaps: Rss and Pss are the mapping's size");
	ktap_result(!check_shared(p), "pagemap: not exclusive while a child maps the pages");
	ktap_result(!check_clear_refs(p), devmap ? "clear_refs: accepted, nothing referenced" :
						   "clear_refs: clears Referenced");
	ktap_result(!pages_check(p, len, 11), "data intact");
	munmap(p, len);
	close(fd);
	return ktap_exit();
}
