// SPDX-License-Identifier: GPL-2.0
/*
 * dax_vm DEV ALIGN [mremap|protnone|nohuge]: the VM operations a device-DAX mapping must survive,
 * at ALIGN (with "mremap" or "protnone", only that test, the mapping unmapped afterwards; "nohuge"
 * runs the THP-policy tests below instead).
 *
 *   - mprotect() of a whole aligned unit to read-only: it reads, a write faults (SIGSEGV in
 *     a child), and it writes again after mprotect() back to read-write;
 *   - mprotect() to PROT_NONE, back, and munmap() of a PROT_NONE mapping: a PROT_NONE leaf
 *     still maps what it mapped. At 1G on x86, v7.2.8 takes a PROT_NONE huge pud for not
 *     present (pud_present() lacks the _PAGE_PROTNONE test pmd_present() has) and WARNs in
 *     pudp_invalidate() and zap_huge_pud() (the caller checks the kernel log);
 *   - mremap() of the whole mapping to another aligned address: the data moves with it, and a
 *     new mapping of the device sees what was written through the moved one;
 *   - /proc/self/mem reads and writes across a unit boundary (get_user_pages() with
 *     FOLL_FORCE, the path of ptrace and debuggers);
 *   - /proc/self/pagemap: every page present, frame numbers contiguous within a unit, the
 *     data intact afterwards. Page walks split pud leaves (walk_pud_range() has no pud
 *     handler for pagemap or smaps), so at 1G the entries are gone after the walk and only
 *     the data is checked: the mapping has to fault back in;
 *   - /proc/self/smaps: the mapping is listed with KernelPageSize equal to ALIGN.
 *
 * "nohuge", each in a child of its own (a new mm): THP policy does not apply to device-DAX,
 * whose instance maps only at ALIGN. The mapping must fault in under
 * MADV_NOHUGEPAGE and under prctl(PR_SET_THP_DISABLE); and a fault taken under
 * MADV_NOHUGEPAGE must leave nothing behind that keeps the mapping from working after
 * MADV_HUGEPAGE, for loads, stores and get_user_pages() (/proc/self/mem). (A fault smaller than
 * ALIGN is refused with SIGBUS, so a mapping that works was mapped at ALIGN; the number of
 * faults is printed, not checked.) v7.2.8 refuses every
 * fault of a 2M or 1G instance under either (SIGBUS); and at 1G the refused fault has already
 * put a pmd table under the pud, so that the unit stays unusable after MADV_HUGEPAGE too.
 *
 * Whether the kernel warned while doing this is the caller's check (dmesg). Prints KTAP;
 * exits 0 when every subtest passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"
#include "pages.h"

static int dax_fd;
static unsigned long align, len;

static inline u32 pattern(u32 seed, unsigned long off)
{
	return (seed * 2654435761u) ^ (u32)(off / sizeof(u32));
}

/*
 * One word per STRIDE bytes is written and checked: two per page, enough to catch a wrong or
 * lost page (or a half page, test_proc_mem()), and cheap on 2 GiB under TCG.
 */
#define STRIDE 2048

static void fill(char *p, unsigned long off, unsigned long n, u32 seed)
{
	unsigned long i;

	for (i = 0; i < n; i += STRIDE)
		WRITE_ONCE(*(u32 *)(p + i), pattern(seed, off + i));
}

static int check(const char *p, unsigned long off, unsigned long n, u32 seed, const char *what)
{
	unsigned long i;

	for (i = 0; i < n; i += STRIDE)
		if (READ_ONCE(*(u32 *)(p + i)) != pattern(seed, off + i)) {
			ktap_print("%s: wrong data at offset %#lx", what, off + i);
			return -1;
		}
	return 0;
}

static char *map_dax(void *hint, int flags)
{
	void *p = mmap(hint, len, PROT_READ | PROT_WRITE, MAP_SHARED | flags, dax_fd, 0);

	if (p == MAP_FAILED) {
		ktap_print("mmap %lu bytes: %s", len, strerror(errno));
		return NULL;
	}
	return p;
}

/* Does a write to @p kill a child with SIGSEGV? */
static int write_faults(char *p)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		WRITE_ONCE(*(u32 *)p, 0);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static int test_mprotect(char *p)
{
	char *unit = p + align;

	fill(p, 0, len, 1);
	if (mprotect(unit, align, PROT_READ)) {
		ktap_print("mprotect read-only: %s", strerror(errno));
		return -1;
	}
	if (check(unit, align, align, 1, "read-only unit"))
		return -1;
	if (write_faults(unit) != 1) {
		ktap_print("a write to the read-only unit did not fault");
		return -1;
	}
	if (mprotect(unit, align, PROT_READ | PROT_WRITE)) {
		ktap_print("mprotect read-write: %s", strerror(errno));
		return -1;
	}
	fill(unit, align, align, 2);
	if (check(p, 0, align, 1, "first unit") || check(unit, align, align, 2, "second unit") ||
	    check(unit + align, 2 * align, len - 2 * align, 1, "the rest"))
		return -1;
	return 0;
}

/*
 * PROT_NONE on the whole mapping and back keeps the data; then a second mapping of the device
 * goes to PROT_NONE and is unmapped like that.
 */
static int test_protnone(char *p)
{
	char *q;

	fill(p, 0, len, 8);
	if (mprotect(p, len, PROT_NONE) || mprotect(p, len, PROT_READ | PROT_WRITE)) {
		ktap_print("mprotect PROT_NONE and back: %s", strerror(errno));
		return -1;
	}
	if (check(p, 0, len, 8, "after PROT_NONE and back"))
		return -1;
	q = map_dax(NULL, 0);
	if (!q)
		return -1;
	if (check(q, 0, len, 8, "second mapping"))
		return -1;
	if (mprotect(q, len, PROT_NONE)) {
		ktap_print("mprotect PROT_NONE: %s", strerror(errno));
		return -1;
	}
	if (munmap(q, len)) {
		ktap_print("munmap of the PROT_NONE mapping: %s", strerror(errno));
		return -1;
	}
	return check(p, 0, len, 8, "after munmap of the PROT_NONE mapping");
}

/* Moves the mapping to a free aligned address; returns the new address or NULL. */
static char *test_mremap(char *p)
{
	char *area, *target, *q, *fresh;
	unsigned long area_len = len + align;

	fill(p, 0, len, 3);
	area = mmap(NULL, area_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	if (area == MAP_FAILED) {
		ktap_print("reserving an address range: %s", strerror(errno));
		return NULL;
	}
	target = (char *)(((unsigned long)area + align - 1) & ~(align - 1));
	q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	if (q == MAP_FAILED) {
		ktap_print("mremap to %p: %s", target, strerror(errno));
		munmap(area, area_len);
		return NULL;
	}
	/* Drop what is left of the reservation around the moved mapping. */
	if (target > area)
		munmap(area, target - area);
	if (area + area_len > target + len)
		munmap(target + len, area + area_len - (target + len));
	if (check(q, 0, len, 3, "moved mapping"))
		return NULL;
	fill(q, 0, len, 4);
	fresh = map_dax(NULL, 0);
	if (!fresh)
		return NULL;
	if (check(fresh, 0, len, 4, "new mapping after mremap")) {
		munmap(fresh, len);
		return NULL;
	}
	munmap(fresh, len);
	return q;
}

static int test_proc_mem(char *p)
{
	unsigned long off = align - 2048, n = 4096;
	char buf[4096];
	int fd, ret = -1;

	fill(p, 0, len, 5);
	fd = open("/proc/self/mem", O_RDWR);
	if (fd < 0) {
		ktap_print("open /proc/self/mem: %s", strerror(errno));
		return -1;
	}
	if (pread(fd, buf, n, (off_t)(unsigned long)(p + off)) != (ssize_t)n) {
		ktap_print("pread /proc/self/mem: %s", strerror(errno));
		goto out;
	}
	if (check(buf, off, n, 5, "read through /proc/self/mem"))
		goto out;
	fill(buf, off, n, 6);
	if (pwrite(fd, buf, n, (off_t)(unsigned long)(p + off)) != (ssize_t)n) {
		ktap_print("pwrite /proc/self/mem: %s", strerror(errno));
		goto out;
	}
	ret = check(p + off, off, n, 6, "written through /proc/self/mem");
out:
	close(fd);
	return ret;
}

static int test_pagemap(char *p)
{
	unsigned long i, pages = len / 4096, step = align / 4096, absent = 0;
	int pud_leaves = align >= (1UL << 30);
	u64 e, prev = 0;
	int fd, ret = -1;

	fill(p, 0, len, 7);

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0) {
		ktap_print("open /proc/self/pagemap: %s", strerror(errno));
		return -1;
	}
	/* pagemap_read() walks the whole range; sample the first pages of each unit. */
	for (i = 0; i < pages; i += (i % step < 16) ? 1 : step - i % step) {
		off_t pos = (off_t)((unsigned long)p / 4096 + i) * 8;

		if (pread(fd, &e, 8, pos) != 8) {
			ktap_print("pread pagemap: %s", strerror(errno));
			goto out;
		}
		if (!(e >> 63)) {
			absent++;
			if (pud_leaves)
				continue;
			ktap_print("page %lu of the mapping is not present: %#llx", i, e);
			goto out;
		}
		e &= (1ULL << 55) - 1;
		if (i % step && e != prev + 1) {
			ktap_print("page %lu: pfn %#llx after %#llx", i, e, prev);
			goto out;
		}
		prev = e;
	}
	if (pud_leaves)
		ktap_print("pagemap: %lu sampled pages not present (the walk split the puds)",
			   absent);
	ret = check(p, 0, len, 7, "data after the pagemap walk");
out:
	close(fd);
	return ret;
}

static int test_smaps(char *p)
{
	char line[256], want[64];
	unsigned long kps = 0, rss = ~0UL, val;
	int in_vma = 0;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f) {
		ktap_print("open /proc/self/smaps: %s", strerror(errno));
		return -1;
	}
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') > strchr(line, '-'))
			in_vma = !strncmp(line, want, strlen(want));
		if (!in_vma)
			continue;
		if (sscanf(line, "Rss: %lu kB", &val) == 1)
			rss = val;
		else if (sscanf(line, "KernelPageSize: %lu kB", &val) == 1)
			kps = val;
	}
	fclose(f);
	ktap_print("smaps: Rss %lu kB, KernelPageSize %lu kB", rss, kps);
	if (kps != align / 1024) {
		ktap_print("KernelPageSize is not the device's alignment");
		return -1;
	}
	return 0;
}

static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_jmp, 1);
}

/* Store to @p; 0 if it worked, 1 if it raised SIGBUS. */
static int store_sigbus(char *p, u32 val)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int bus = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_jmp, 1))
		bus = 1;
	else
		WRITE_ONCE(*(u32 *)p, val);
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

/* Does the smaps entry of the mapping at @p list VmFlag @flag ("nh": VM_NOHUGEPAGE)? */
static int vm_flag(const char *p, const char *flag)
{
	char line[512], want[32];
	int in = 0, found = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') > strchr(line, '-'))
			in = !strncmp(line, want, strlen(want));
		if (in && !strncmp(line, "VmFlags:", 8)) {
			static const char sep[] = { ' ', '\n', 0 };
			char *t;

			for (t = strtok(line + 8, sep); t; t = strtok(NULL, sep))
				found |= !strcmp(t, flag);
		}
	}
	fclose(f);
	return found;
}

enum nohuge_how { NOHUGE_MADVISE, NOHUGE_PRCTL, NOHUGE_UNDO };

/*
 * In a child: map the device (after prctl(PR_SET_THP_DISABLE) for NOHUGE_PRCTL), apply
 * MADV_NOHUGEPAGE (not for NOHUGE_PRCTL), and fill the whole mapping. For NOHUGE_UNDO, only one
 * store under MADV_NOHUGEPAGE, then MADV_HUGEPAGE, then the fill and a read and a write through
 * /proc/self/mem. Returns 0 if the child says all worked.
 */
static int nohuge_child(enum nohuge_how how)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		char buf[64];
		long before;
		char *q;
		int fd;

		if (how == NOHUGE_PRCTL && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)) {
			ktap_print("prctl(PR_SET_THP_DISABLE): %s", strerror(errno));
			_exit(2);
		}
		q = map_dax(NULL, 0);
		if (!q)
			_exit(2);
		if (how != NOHUGE_PRCTL && madvise(q, len, MADV_NOHUGEPAGE)) {
			ktap_print("MADV_NOHUGEPAGE: %s", strerror(errno));
			_exit(2);
		}
		/* The policy is in force: what follows tests the kernel, not a no-op. */
		if (how == NOHUGE_PRCTL ? prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) != 1 :
					  !vm_flag(q, "nh")) {
			ktap_print("THP is not disabled: %s", how == NOHUGE_PRCTL ?
				   "PR_GET_THP_DISABLE is not 1" : "no 'nh' in the VMA's VmFlags");
			_exit(2);
		}
		if (how == NOHUGE_UNDO) {
			if (store_sigbus(q, 1))
				ktap_print("the store under MADV_NOHUGEPAGE got SIGBUS");
			if (madvise(q, len, MADV_HUGEPAGE)) {
				ktap_print("MADV_HUGEPAGE: %s", strerror(errno));
				_exit(2);
			}
			if (store_sigbus(q, 2)) {
				ktap_print("after MADV_HUGEPAGE, the store got SIGBUS again");
				_exit(1);
			}
			/* The unit may be mapped already: count the faults of the others. */
			fill(q, 0, align, 9);
		}
		before = minflt();
		if (how == NOHUGE_UNDO)
			fill(q + align, align, len - align, 9);
		else
			fill(q, 0, len, 9);
		/* Informational: the refusal of smaller faults is what the test relies on. */
		ktap_print("%ld faults for %lu units", minflt() - before,
			   (len - (how == NOHUGE_UNDO ? align : 0)) / align);
		if (check(q, 0, len, 9, "the mapping"))
			_exit(1);
		if (how != NOHUGE_UNDO)
			_exit(0);
		fd = open("/proc/self/mem", O_RDWR);
		if (fd < 0 || pread(fd, buf, sizeof(buf), (off_t)(unsigned long)q) != sizeof(buf) ||
		    check(buf, 0, sizeof(buf), 9, "read through /proc/self/mem")) {
			ktap_print("get_user_pages() on that unit failed");
			_exit(1);
		}
		fill(buf, 0, sizeof(buf), 10);
		if (pwrite(fd, buf, sizeof(buf), (off_t)(unsigned long)q) != sizeof(buf) ||
		    check(q, 0, sizeof(buf), 10, "written through /proc/self/mem")) {
			ktap_print("a write through /proc/self/mem to that unit failed");
			_exit(1);
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status)) {
		ktap_print("the child was killed by signal %d%s", WTERMSIG(status),
			   WTERMSIG(status) == SIGBUS ? " (SIGBUS: the fault was refused)" : "");
		return -1;
	}
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

static int test_nohuge(void)
{
	ktap_plan(3);
	ktap_result(!nohuge_child(NOHUGE_MADVISE),
		    "MADV_NOHUGEPAGE: every unit faults in and keeps its data");
	ktap_result(!nohuge_child(NOHUGE_PRCTL),
		    "PR_SET_THP_DISABLE: every unit faults in and keeps its data");
	ktap_result(!nohuge_child(NOHUGE_UNDO),
		    "a fault under MADV_NOHUGEPAGE, then MADV_HUGEPAGE: stores and GUP work");
	return ktap_exit();
}

int main(int argc, char **argv)
{
	const char *only = argc == 4 ? argv[3] : NULL;
	char *p;

	if (argc != 3 && !(only && (!strcmp(only, "mremap") || !strcmp(only, "protnone") ||
				    !strcmp(only, "nohuge"))))
		ktap_bail("usage: dax_vm DEV ALIGN [mremap|protnone|nohuge]");
	align = parse_size(argv[2]);
	if (!align)
		ktap_bail("bad ALIGN");
	len = (align >= (1UL << 30) ? 2 : 4) * align;
	dax_fd = open(argv[1], O_RDWR);
	if (dax_fd < 0)
		ktap_bail("cannot open the dax device");

	if (only && !strcmp(only, "nohuge")) {
		ktap_print("%s: THP policy on %lu bytes at align %lu", argv[1], len, align);
		return test_nohuge();
	}
	ktap_plan(only ? 1 : 6);
	p = map_dax(NULL, 0);
	if (!p)
		ktap_bail("cannot map the device");
	if (only && !strcmp(only, "mremap")) {
		ktap_print("%s: mremap() of %lu bytes at align %lu", argv[1], len, align);
		p = test_mremap(p);
		ktap_result(!!p, "mremap of the whole mapping to another aligned address");
		if (p)
			munmap(p, len);
		close(dax_fd);
		return ktap_exit();
	}
	if (only) {
		ktap_print("%s: PROT_NONE on %lu bytes at align %lu", argv[1], len, align);
		ktap_result(!test_protnone(p), "PROT_NONE and back; munmap of a PROT_NONE mapping");
		munmap(p, len);
		close(dax_fd);
		return ktap_exit();
	}
	ktap_result(!test_mprotect(p), "mprotect of a whole unit to read-only and back");
	ktap_result(!test_protnone(p), "PROT_NONE and back; munmap of a PROT_NONE mapping");
	p = test_mremap(p);
	ktap_result(!!p, "mremap of the whole mapping to another aligned address");
	if (!p) {
		p = map_dax(NULL, 0);
		if (!p)
			ktap_bail("cannot map the device again");
	}
	ktap_result(!test_proc_mem(p), "/proc/self/mem reads and writes across a unit boundary");
	ktap_result(!test_pagemap(p), "pagemap: present and contiguous, data intact");
	ktap_result(!test_smaps(p), "smaps: KernelPageSize is the alignment");
	munmap(p, len);
	return ktap_exit();
}
