// SPDX-License-Identifier: GPL-2.0
/*
 * dax_around /dev/daxX.Y LENGTH: fault-around on a 4 KiB device-DAX instance.
 *
 * With ->map_pages (the series' fixes posting), a read fault maps the not yet mapped pages of
 * the fault-around window (fault_around_bytes, 64 KiB by default) at once, while a write fault
 * still maps one page. Checked, each against getrusage() minor faults and the data:
 *   - writing each page of a new mapping takes one fault per page (LENGTH / 4 KiB);
 *   - reading each page of a later mapping takes one fault per window, not per page, and reads
 *     back what was written, page by page (a wrong pfn in the window would read other data);
 *   - writing each page after those reads takes no fault on x86 (the ptes mapped around are
 *     writable; elsewhere at most one per page, to set the dirty bit) and a third mapping reads
 *     the new data back.
 * Pristine v7.2.8 has no ->map_pages: one read fault per page, so the second check fails there.
 *
 * Prints KTAP; exits 0 when every subtest passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"
#include "pages.h"

/* Whether this is an x86 machine, whose MMU sets the accessed and dirty bits itself. */
static int x86(void)
{
	struct utsname u;

	return !uname(&u) && (!strcmp(u.machine, "x86_64") || !strncmp(u.machine, "i686", 4));
}

/* fault_around_bytes from debugfs, or the kernel's default (64 KiB) without debugfs. */
static unsigned long around_window(void)
{
	unsigned long v = 0;
	FILE *f = fopen("/sys/kernel/debug/fault_around_bytes", "r");

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v ? v : 65536;
}

static char *map(int fd, unsigned long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		ktap_print("mmap: %s", strerror(errno));
		ktap_bail("shared mapping failed");
	}
	return p;
}

int main(int argc, char **argv)
{
	const u64 salt1 = 0x6172756f6e640000ULL, salt2 = 0x77726974650000ULL;
	unsigned long len, window, bad;
	long before, faults, lo, hi;
	char *p;
	int fd;

	if (argc != 3)
		ktap_bail("usage: dax_around /dev/daxX.Y LENGTH");
	len = parse_size(argv[2]);
	window = around_window();
	if (!len || len % window)
		ktap_bail("LENGTH: a multiple of fault_around_bytes");

	ktap_plan(5);
	ktap_print("%s: length %lu, fault_around_bytes %lu", argv[1], len, window);
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		ktap_bail("cannot open the device");

	p = map(fd, len);
	before = minflt();
	pages_fill(p, len, salt1);
	faults = minflt() - before;
	lo = len / PAGE;
	hi = lo + 2;	/* the loop's own stack/libc pages */
	ktap_print("writes: %ld faults for %lu pages", faults, len / PAGE);
	ktap_result(faults >= lo && faults <= hi, "a write fault maps one page");
	munmap(p, len);

	p = map(fd, len);
	before = minflt();
	bad = pages_check(p, len, salt1);
	faults = minflt() - before;
	/* One per window; one more where the mapping does not start on a window boundary. */
	lo = len / window;
	hi = lo + 3;
	ktap_print("reads: %ld faults for %lu pages (expected %ld..%ld)", faults, len / PAGE,
		   lo, hi);
	ktap_result(faults >= lo && faults <= hi, "a read fault maps the fault-around window");
	ktap_result(!bad, "the pages mapped around read back what was written");

	before = minflt();
	pages_fill(p, len, salt2);
	faults = minflt() - before;
	/*
	 * The ptes mapped around are writable. x86 sets the dirty bit in hardware, so the writes
	 * take no fault at all; arm64 without hardware dirty-bit management (QEMU's) takes one per
	 * page, to make a clean pte dirty. More than that would be a refault.
	 */
	hi = x86() ? 2 : (long)(len / PAGE) + 2;
	ktap_print("writes after the reads: %ld faults (at most %ld)", faults, hi);
	ktap_result(faults <= hi, "writes to pages mapped around take no refault");
	munmap(p, len);

	p = map(fd, len);
	bad = pages_check(p, len, salt2);
	ktap_result(!bad, "those writes reached the device");
	munmap(p, len);
	close(fd);
	return ktap_exit();
}
