// SPDX-License-Identifier: GPL-2.0
/*
 * dax_pattern DEV LENGTH SEED write|check: write a pattern into the first LENGTH bytes of DEV,
 * or check that they hold it. DEV is a device-DAX instance (accessed through a shared mapping)
 * or a block device (read() and write()), so that data can be followed across a reconfiguration
 * of the namespace (devdax/reconfigure.sh). One word per 512 bytes, each naming its offset and
 * the seed. Exits 0 on success; on a mismatch prints the first wrong offset and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define STRIDE	512UL

static u64 pattern(u64 seed, unsigned long off)
{
	return seed << 40 ^ off;
}

/* Write or check the pattern in @buf, the bytes of DEV from offset 0; 0 or -1. */
static int pass(char *buf, unsigned long len, u64 seed, int write)
{
	unsigned long i;

	for (i = 0; i < len; i += STRIDE) {
		u64 *w = (u64 *)(buf + i);

		if (write) {
			WRITE_ONCE(*w, pattern(seed, i));
		} else if (READ_ONCE(*w) != pattern(seed, i)) {
			printf("offset %#lx holds %#llx, expected %#llx\n", i,
			       (unsigned long long)*w, (unsigned long long)pattern(seed, i));
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long len = argc == 5 ? parse_size(argv[2]) : 0;
	int write, fd, ret = -1;
	struct stat st;
	u64 seed;
	char *buf;

	if (!len || (strcmp(argv[4], "write") && strcmp(argv[4], "check"))) {
		fprintf(stderr, "usage: dax_pattern DEV LENGTH SEED write|check\n");
		return 2;
	}
	seed = strtoull(argv[3], NULL, 0);
	write = !strcmp(argv[4], "write");
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || fstat(fd, &st)) {
		printf("%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (S_ISCHR(st.st_mode)) {
		buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (buf == MAP_FAILED) {
			printf("mmap %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
		ret = pass(buf, len, seed, write);
		munmap(buf, len);
	} else {
		buf = malloc(len);
		if (!buf)
			return 1;
		if (!write && pread(fd, buf, len, 0) != (ssize_t)len)
			printf("read %s: %s\n", argv[1], strerror(errno));
		else
			ret = pass(buf, len, seed, write);
		if (!ret && write && (pwrite(fd, buf, len, 0) != (ssize_t)len || fsync(fd))) {
			printf("write %s: %s\n", argv[1], strerror(errno));
			ret = -1;
		}
		free(buf);
	}
	close(fd);
	return ret ? 1 : 0;
}
