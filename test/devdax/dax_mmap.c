// SPDX-License-Identifier: GPL-2.0
/*
 * dax_mmap: map a device-DAX instance and check granularity, data and refusals.
 *
 * Usage: dax_mmap /dev/daxX.Y ALIGN LENGTH   (sizes take a k, M or G suffix)
 *
 * ALIGN is the instance's configured alignment; LENGTH is how much of it to map (a multiple
 * of ALIGN). Prints KTAP; exits 0 when every subtest passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"
#include "pages.h"

/* The seed of the data this test writes. */
#define SEED 0x6465766d61700000ULL

/* KernelPageSize of the smaps entry that starts at @addr, in kB, or -1. */
static long kernel_page_kb(void *addr)
{
	char line[256], want[32];
	long kb = -1;
	int found = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			found = 1;
		else if (found && sscanf(line, "KernelPageSize: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return found ? kb : -1;
}

int main(int argc, char **argv)
{
	unsigned long align, len;
	long before, faults, lo, hi, kb;
	char *p;
	int fd;

	if (argc != 4)
		ktap_bail("usage: dax_mmap /dev/daxX.Y ALIGN LENGTH");
	align = parse_size(argv[2]);
	len = parse_size(argv[3]);
	if (!align || !len || len % align)
		ktap_bail("ALIGN and LENGTH: sizes (4k, 2M, 1G), LENGTH a multiple of ALIGN");

	ktap_plan(align > PAGE ? 6 : 5);
	ktap_print("%s: align %lu, length %lu", argv[1], align, len);
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		ktap_bail("cannot open the device");

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ktap_print("mmap: %s", strerror(errno));
		ktap_bail("shared mapping failed");
	}
	ktap_result((unsigned long)p % align == 0, "shared mapping is aligned");

	/* One store per 4 KiB page: one fault per ALIGN-sized leaf. */
	before = minflt();
	pages_fill(p, len, SEED);
	faults = minflt() - before;
	lo = len / align;
	hi = lo + 2;	/* the loop's own stack/libc pages */
	if (faults < lo || faults > hi)
		ktap_print("faults: expected %ld..%ld, got %ld", lo, hi, faults);
	ktap_result(faults >= lo && faults <= hi, "one fault per aligned leaf");

	kb = kernel_page_kb(p);
	if (kb != (long)(align >> 10))
		ktap_print("KernelPageSize: expected %lu kB, got %ld", align >> 10, kb);
	ktap_result(kb == (long)(align >> 10), "smaps KernelPageSize is the alignment");

	/* The data must survive munmap and a new mapping. */
	munmap(p, len);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ktap_bail("second shared mapping failed");
	ktap_result(!pages_check(p, len, SEED), "data survives munmap and a new mapping");
	munmap(p, len);

	p = mmap(NULL, align, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p != MAP_FAILED || errno != EINVAL)
		ktap_print("MAP_PRIVATE: expected EINVAL, got %s",
			   p == MAP_FAILED ? strerror(errno) : "a mapping");
	ktap_result(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE is refused with EINVAL");

	if (align > PAGE) {
		/*
		 * At an address one page past an ALIGN boundary, as dax_get_unmapped_area()
		 * would give it: with no hint, the generic allocator's choice is aligned by
		 * chance now and then, which v7.2.8 accepts (devdax/offset-* tests that).
		 */
		char *hint = mmap(NULL, 3 * align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (hint != MAP_FAILED) {
			munmap(hint, 3 * align);
			hint = (char *)(((unsigned long)hint + align - 1) & ~(align - 1)) + PAGE;
		}
		p = mmap(hint == MAP_FAILED ? NULL : hint, align, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, PAGE);
		if (p != MAP_FAILED || errno != EINVAL)
			ktap_print("offset 4096: expected EINVAL, got %s",
				   p == MAP_FAILED ? strerror(errno) : "a mapping");
		ktap_result(p == MAP_FAILED && errno == EINVAL,
			    "an offset below the alignment is refused with EINVAL");
	}
	close(fd);
	return ktap_exit();
}
