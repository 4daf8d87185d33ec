// SPDX-License-Identifier: GPL-2.0
/*
 * dax_offset DEV ALIGN: a device-DAX mapping at an ALIGN-aligned address (MAP_FIXED) must have an
 * aligned file offset too ("device-dax: refuse a mapping whose file offset is not aligned").
 *
 *   - offsets 4K and ALIGN / 2 are refused with EINVAL; v7.2.8 accepts them, and what an
 *     access to such a mapping gets is shown: the huge fault maps the leaf the offset falls in,
 *     from its start, so the mapping reads the device from offset 0 instead;
 *   - offset ALIGN is accepted and maps the instance's second leaf: what a mapping at offset 0
 *     wrote there reads back through it.
 *
 * Prints KTAP; exits 0 when every subtest passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"

#define PAGE	4096UL

static unsigned long align;
static char *base;	/* ALIGN-aligned, with 2 * ALIGN free behind it */
static int fd;

/* What the device holds at @off (written through an aligned mapping first). */
static u64 tag(unsigned long off)
{
	return 0x6f66667365740000ULL ^ off;
}

/* In a child: read the mapping's first word; describe what happened. */
static const char *touch(const char *p, unsigned long off)
{
	static char out[128];
	int status = 0, fds[2];
	u64 v = 0;
	pid_t pid;

	if (pipe(fds))
		return "no pipe";
	pid = fork();
	if (pid == 0) {
		v = READ_ONCE(*(const u64 *)p);
		_exit(write(fds[1], &v, sizeof(v)) == sizeof(v) ? 0 : 1);
	}
	close(fds[1]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || read(fds[0], &v, sizeof(v)) < 0)
		v = 0;
	close(fds[0]);
	if (WIFSIGNALED(status))
		return strsignal(WTERMSIG(status));
	snprintf(out, sizeof(out), "reads %#llx, %s", (unsigned long long)v,
		 v == tag(off) ? "the device's word at that offset" :
		 v == tag(0) ? "the word at offset 0: the wrong part of the device" :
		 "neither the word at that offset nor at 0");
	return out;
}

static void refused(unsigned long off, const char *what)
{
	char *p = mmap(base, align, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off);
	int ok = p == MAP_FAILED && errno == EINVAL;

	if (p == MAP_FAILED && !ok)
		ktap_print("offset %#lx: expected EINVAL, got %s", off, strerror(errno));
	if (p != MAP_FAILED) {
		ktap_print("offset %#lx: expected EINVAL, got a mapping at %p; it %s", off, p,
			   touch(p, off));
		munmap(p, align);
	}
	ktap_result(ok, what);
}

int main(int argc, char **argv)
{
	char *r, *p, *q;
	int ok;

	align = argc == 3 ? parse_size(argv[2]) : 0;
	if (!align || align == PAGE) {
		fprintf(stderr, "usage: dax_offset DEV ALIGN (2M or 1G)\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		ktap_bail("cannot open the device");
	r = mmap(NULL, 3 * align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		ktap_bail("cannot reserve address space");
	base = (char *)(((unsigned long)r + align - 1) & ~(align - 1));

	q = mmap(base, 2 * align, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (q == MAP_FAILED)
		ktap_bail("cannot map 2 * ALIGN at offset 0");
	WRITE_ONCE(*(u64 *)q, tag(0));
	WRITE_ONCE(*(u64 *)(q + PAGE), tag(PAGE));
	WRITE_ONCE(*(u64 *)(q + align / 2), tag(align / 2));
	WRITE_ONCE(*(u64 *)(q + align), tag(align));
	munmap(q, 2 * align);

	ktap_plan(3);
	refused(PAGE, "offset 4K at an aligned address is refused with EINVAL");
	refused(align / 2, "offset ALIGN / 2 at an aligned address is refused with EINVAL");

	p = mmap(base, align, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, align);
	ok = p != MAP_FAILED && READ_ONCE(*(u64 *)p) == tag(align);
	if (p == MAP_FAILED)
		ktap_print("offset ALIGN: %s", strerror(errno));
	else if (!ok)
		ktap_print("offset ALIGN reads %#llx", (unsigned long long)READ_ONCE(*(u64 *)p));
	ktap_result(ok, "offset ALIGN maps the second leaf");
	close(fd);
	return ktap_exit();
}
