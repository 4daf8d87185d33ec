// SPDX-License-Identifier: GPL-2.0
/*
 * dax_fork: fork a process that has a faulted device-DAX mapping, with and without a guard
 * region in the same VMA, and check that the child sees the data and that the parent's
 * mapping and the device are intact after the child has exited.
 *
 * Usage: dax_fork /dev/daxX.Y ALIGN   (ALIGN takes a k, M or G suffix)
 *
 * Maps two ALIGN-sized leaves. The first is faulted (one leaf); a guard page installed in the
 * second with MADV_GUARD_INSTALL makes fork copy the VMA's page tables instead of leaving the
 * child to refault them (VM_COPY_ON_FORK). Prints KTAP; exits 0 when every subtest passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"

#define PAGE 4096UL

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

static u64 pattern(unsigned long off, u64 seed)
{
	return seed ^ (off / PAGE) * 0x9e3779b97f4a7c15ULL;
}

/* Count the 4 KiB pages in [p, p + len) whose first word is not pattern(off, seed). */
static unsigned long check(const char *p, unsigned long len, u64 seed)
{
	unsigned long off, bad = 0;

	for (off = 0; off < len; off += PAGE) {
		u64 got = READ_ONCE(*(const u64 *)(p + off));

		if (got != pattern(off, seed) && bad++ < 3)
			ktap_print("offset %#lx: expected %#llx, got %#llx", off,
				   (unsigned long long)pattern(off, seed),
				   (unsigned long long)got);
	}
	return bad;
}

static void fill(char *p, unsigned long len, u64 seed)
{
	unsigned long off;

	for (off = 0; off < len; off += PAGE)
		WRITE_ONCE(*(u64 *)(p + off), pattern(off, seed));
}

/*
 * Fork; the child checks the first leaf, rewrites it with @seed + 1 and exits 0 when the data
 * was right. Returns the child's exit status, or -1 when it did not exit normally.
 */
static int fork_and_check(char *p, unsigned long align, u64 seed)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		ktap_bail("fork failed");
	if (!pid) {
		unsigned long bad = check(p, align, seed);

		fill(p, align, seed + 1);
		_exit(bad ? 3 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		ktap_bail("waitpid failed");
	if (!WIFEXITED(status)) {
		ktap_print("the child died with signal %d",
			   WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		return -1;
	}
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	unsigned long align;
	int fd, rc;
	char *p;

	if (argc != 3)
		ktap_bail("usage: dax_fork /dev/daxX.Y ALIGN");
	align = parse_size(argv[2]);
	if (!align || align % PAGE)
		ktap_bail("ALIGN: a size (4k, 2M, 1G), a multiple of 4 KiB");

	ktap_plan(5);
	ktap_print("%s: align %lu, mapping two leaves", argv[1], align);
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		ktap_bail("cannot open the device");
	p = mmap(NULL, 2 * align, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ktap_print("mmap: %s", strerror(errno));
		ktap_bail("shared mapping failed");
	}

	/* Plain fork: the child refaults the shared mapping itself. */
	fill(p, align, 0x666f726b00000000ULL);
	rc = fork_and_check(p, align, 0x666f726b00000000ULL);
	if (rc > 0)
		ktap_print("child exit %d", rc);
	ktap_result(!rc && !check(p, align, 0x666f726b00000001ULL),
		    "fork: the child reads the parent's data and the parent its writes");

	/* A guard page in the second leaf: fork now copies the page tables of the VMA. */
	if (madvise(p + align, PAGE, MADV_GUARD_INSTALL)) {
		ktap_print("MADV_GUARD_INSTALL: %s", strerror(errno));
		ktap_result(0, "a guard page can be installed in a device-dax mapping");
	} else {
		ktap_result(1, "a guard page can be installed in a device-dax mapping");
	}
	fill(p, align, 0x6775617264000000ULL);
	rc = fork_and_check(p, align, 0x6775617264000000ULL);
	if (rc > 0)
		ktap_print("child exit %d", rc);
	ktap_result(!rc, "fork with a guard region: the child reads the parent's data");
	ktap_result(!check(p, align, 0x6775617264000001ULL),
		    "fork with a guard region: the parent reads the child's writes");

	/* The parent's leaf must outlive the child: unmap, map again, read. */
	munmap(p, 2 * align);
	p = mmap(NULL, align, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ktap_bail("second shared mapping failed");
	ktap_result(!check(p, align, 0x6775617264000001ULL),
		    "the data survives the child's exit and the parent's munmap");
	munmap(p, align);
	close(fd);
	return ktap_exit();
}
