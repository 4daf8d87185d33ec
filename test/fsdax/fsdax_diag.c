// SPDX-License-Identifier: GPL-2.0
/*
 * fsdax_diag DIR: the fs_dax:dax_pmd_fault_fallback trace event ("fs/dax: say why a pmd fault
 * falls back") names the reason of pmd faults of a DAX file that must fall back to ptes, in DIR
 * on a file system mounted with dax=always. Two reasons that do not depend on where the file
 * system put the file's blocks:
 *
 *   - a write to a private mapping (copy-on-write): "write to a private mapping";
 *   - a 1 MiB file mapped at a 2 MiB-aligned address: "pmd extends beyond the end of the file".
 *
 * Each mapping is touched once, and every event it produces must give that reason: at least one,
 * two when the fault is retried under the mmap_lock after the per-VMA lock attempt (a pte fault
 * of a VMA without ->map_pages, as ext4's DAX VMAs are, is), and the pmd fault made again.
 * Prints KTAP; exits 0 when every subtest passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"

#define SZ_1M		0x100000UL
#define SZ_2M		0x200000UL
#define TRACEFS		"/sys/kernel/tracing"
#define EVENT		TRACEFS "/events/fs_dax/dax_pmd_fault_fallback"

/* A file of @size bytes, written through write(2), open read-write. */
static int make_file(const char *dir, const char *name, unsigned long size)
{
	static char buf[65536];
	char path[256];
	unsigned long done;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		ktap_bail("cannot create a file");
	memset(buf, 'x', sizeof(buf));
	for (done = 0; done < size; done += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			ktap_bail("cannot write the file");
	return fd;
}

/* Map @len of @fd (@flags) at a 2 MiB-aligned address. */
static char *map_aligned(int fd, unsigned long len, int flags)
{
	char *r = mmap(NULL, len + SZ_2M, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (r == MAP_FAILED)
		ktap_bail("cannot reserve address space");
	p = (char *)(((unsigned long)r + SZ_2M - 1) & ~(SZ_2M - 1));
	p = mmap(p, len, PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		ktap_bail("cannot map the file");
	return p;
}

/* Touch @p with the event on; one subtest: events, each with @reason (see above). */
static void expect_reason(char *p, int write, const char *reason, const char *what)
{
	char line[512], got[8][128], first[200] = "";
	int n = 0, i, ok;
	FILE *f;

	if (!write_file(TRACEFS "/trace", "") || !write_file(EVENT "/enable", "1"))
		ktap_bail("cannot enable " EVENT);
	if (write)
		WRITE_ONCE(*(u64 *)p, 1);
	else
		(void)READ_ONCE(*(u64 *)p);
	if (!write_file(EVENT "/enable", "0"))
		ktap_bail("cannot disable the event");
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		ktap_bail("cannot read the trace");
	while (fgets(line, sizeof(line), f)) {
		/* "dax_pmd_fault_fallback: dev M:N ino I address A pgoff P: REASON" */
		char *r = strstr(line, "dax_pmd_fault_fallback: ");

		if (r && !first[0])
			snprintf(first, sizeof(first), "%.*s", (int)strcspn(r, "\n"), r);
		r = r ? strstr(r, " pgoff ") : NULL;
		r = r ? strstr(r, ": ") : NULL;
		if (!r)
			continue;
		if (n < 8)
			snprintf(got[n], sizeof(got[n]), "%.*s", (int)strcspn(r + 2, "\n"), r + 2);
		n++;
	}
	fclose(f);
	if (first[0])
		ktap_print("%s", first);
	ok = n >= 1 && n <= 2;
	for (i = 0; i < n && i < 8; i++)
		ok = ok && !strcmp(got[i], reason);
	if (!ok) {
		ktap_print("expected one or two events, \"%s\"; got %d", reason, n);
		for (i = 0; i < n && i < 8; i++)
			ktap_print("  \"%s\"", got[i]);
	}
	ktap_result(ok, what);
}

int main(int argc, char **argv)
{
	int fd;
	char *p;

	if (argc != 2) {
		fprintf(stderr, "usage: fsdax_diag DIR\n");
		return 2;
	}
	if (access(TRACEFS "/trace", F_OK) && mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		ktap_bail("cannot mount tracefs at " TRACEFS);
	if (access(EVENT "/enable", F_OK))
		ktap_bail("no dax_pmd_fault_fallback event (the diagnostics patch?)");

	ktap_plan(2);
	fd = make_file(argv[1], "cow", 4 * SZ_1M);
	p = map_aligned(fd, SZ_2M, MAP_PRIVATE);
	expect_reason(p, 1, "write to a private mapping",
		      "a write to a private mapping falls back, saying why");
	munmap(p, SZ_2M);
	close(fd);

	fd = make_file(argv[1], "short", SZ_1M);
	p = map_aligned(fd, SZ_2M, MAP_SHARED);
	expect_reason(p, 0, "pmd extends beyond the end of the file",
		      "a pmd beyond the end of the file falls back, saying why");
	munmap(p, SZ_2M);
	close(fd);
	return ktap_exit();
}
