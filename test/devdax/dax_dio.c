// SPDX-License-Identifier: GPL-2.0
/*
 * dax_dio DEV ALIGN BLKDEV: O_DIRECT between a device-DAX mapping and a block device.
 *
 * O_DIRECT pins the user buffer with get_user_pages() (fast, then slow), so every transfer
 * here makes GUP resolve device-DAX entries: writes to BLKDEV read the mapping, reads from
 * BLKDEV write it. The buffer straddles a 2M boundary (1G for ALIGN 1G), so one transfer
 * spans two leaves. Each subtest starts from a fresh mapping, which has no page table entries
 * yet, and checks the bytes that moved and the bytes around them:
 *
 *   - write from a mapping that was written first (GUP-fast sees writable entries);
 *   - write from a mapping that was never touched (GUP faults the entries in, read-only);
 *   - read into a mapping that was written first;
 *   - read into a mapping that was never touched (GUP write-faults the entries in);
 *   - read into a mapping that was only read (GUP has to upgrade read-only entries).
 *
 * Prints KTAP; exits 0 when every subtest passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"

#define IO_LEN		(1024UL * 1024)	/* bytes per transfer */
#define GUARD_LEN	4096UL		/* bytes checked on each side of the buffer */

static int dax_fd, blk_fd;
static unsigned long map_len, buf_off;
static char *bounce;			/* anonymous, for the block device's side */

/* A word that depends on the seed and on its offset in the device: misplaced data shows. */
static inline u32 pattern(u32 seed, unsigned long off)
{
	return (seed * 2654435761u) ^ (u32)(off / sizeof(u32));
}

static void fill(void *p, unsigned long dev_off, unsigned long len, u32 seed)
{
	u32 *w = p;
	unsigned long i;

	for (i = 0; i < len / sizeof(u32); i++)
		WRITE_ONCE(w[i], pattern(seed, dev_off + i * sizeof(u32)));
}

/* Returns the offset of the first wrong word, or -1 when all of @len match. */
static long check(const void *p, unsigned long dev_off, unsigned long len, u32 seed)
{
	const u32 *w = p;
	unsigned long i;

	for (i = 0; i < len / sizeof(u32); i++)
		if (READ_ONCE(w[i]) != pattern(seed, dev_off + i * sizeof(u32)))
			return i * sizeof(u32);
	return -1;
}

static char *map_dax(void)
{
	void *p = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, dax_fd, 0);

	if (p == MAP_FAILED) {
		ktap_print("mmap %lu bytes: %s", map_len, strerror(errno));
		return NULL;
	}
	return p;
}

/* Fill the device's buffer and its guards through a mapping of its own. */
static int prime_dax(u32 seed)
{
	char *p = map_dax();

	if (!p)
		return -1;
	fill(p + buf_off - GUARD_LEN, buf_off - GUARD_LEN, IO_LEN + 2 * GUARD_LEN, seed);
	munmap(p, map_len);
	return 0;
}

/* O_DIRECT transfer of IO_LEN bytes at offset 0 of the block device. */
static int blk_io(int write, void *buf)
{
	ssize_t n = write ? pwrite(blk_fd, buf, IO_LEN, 0) : pread(blk_fd, buf, IO_LEN, 0);

	if (n == (ssize_t)IO_LEN)
		return 0;
	ktap_print("O_DIRECT %s of %lu bytes returned %zd: %s", write ? "write" : "read",
		   IO_LEN, n, n < 0 ? strerror(errno) : "short");
	return -1;
}

static int report(const char *what, long bad)
{
	if (bad < 0)
		return 0;
	ktap_print("%s: wrong data at byte %ld", what, bad);
	return -1;
}

/*
 * Write IO_LEN bytes from the mapping to the block device, then read them back into the
 * bounce buffer. With @touch the mapping is written before the transfer.
 */
static int dio_write(int touch, u32 seed)
{
	char *p;
	int ret = -1;

	if (prime_dax(seed))
		return -1;
	p = map_dax();
	if (!p)
		return -1;
	if (touch)
		fill(p + buf_off, buf_off, IO_LEN, seed);
	memset(bounce, 0, IO_LEN);
	if (blk_io(1, p + buf_off) || blk_io(0, bounce))
		goto out;
	if (report("block device", check(bounce, buf_off, IO_LEN, seed)))
		goto out;
	ret = report("mapping", check(p + buf_off, buf_off, IO_LEN, seed));
out:
	munmap(p, map_len);
	return ret;
}

enum prefault { UNTOUCHED, WRITTEN, READ };

/*
 * Read IO_LEN bytes from the block device into the mapping, whose entries are missing,
 * writable or read-only according to @how, and check them and the guards around them.
 */
static int dio_read(enum prefault how, u32 seed)
{
	unsigned long i;
	u32 sum = 0;
	char *p;
	int ret = -1;

	if (prime_dax(seed))
		return -1;
	fill(bounce, buf_off, IO_LEN, seed + 1);
	if (blk_io(1, bounce))
		return -1;
	p = map_dax();
	if (!p)
		return -1;
	if (how == WRITTEN)
		fill(p + buf_off, buf_off, IO_LEN, seed);
	for (i = 0; how == READ && i < IO_LEN; i += 4096)
		sum += READ_ONCE(*(u32 *)(p + buf_off + i));
	if (how == READ)
		ktap_print("read-faulted %lu pages (sum %#x)", IO_LEN / 4096, sum);
	if (blk_io(0, p + buf_off))
		goto out;
	if (report("buffer", check(p + buf_off, buf_off, IO_LEN, seed + 1)) ||
	    report("guard before", check(p + buf_off - GUARD_LEN, buf_off - GUARD_LEN,
					 GUARD_LEN, seed)) ||
	    report("guard after", check(p + buf_off + IO_LEN, buf_off + IO_LEN,
					GUARD_LEN, seed)))
		goto out;
	ret = 0;
out:
	munmap(p, map_len);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long align, boundary;

	if (argc != 4)
		ktap_bail("usage: dax_dio DEV ALIGN BLKDEV");
	align = parse_size(argv[2]);
	if (!align)
		ktap_bail("bad ALIGN");
	/* The transfer straddles the first boundary of a leaf above the fault size. */
	boundary = align >= (1UL << 30) ? 1UL << 30 : 2UL << 20;
	map_len = 2 * (boundary > align ? boundary : align);
	buf_off = boundary - IO_LEN / 2;

	dax_fd = open(argv[1], O_RDWR);
	if (dax_fd < 0)
		ktap_bail("cannot open the dax device");
	blk_fd = open(argv[3], O_RDWR | O_DIRECT);
	if (blk_fd < 0)
		ktap_bail("cannot open the block device with O_DIRECT");
	bounce = mmap(NULL, IO_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bounce == MAP_FAILED)
		ktap_bail("cannot map the bounce buffer");

	ktap_print("%s at %s, %lu bytes at offset %#lx of a %lu byte mapping, %s",
		   argv[1], argv[2], IO_LEN, buf_off, map_len, argv[3]);
	ktap_plan(5);
	ktap_result(!dio_write(1, 11), "O_DIRECT write from a written mapping");
	ktap_result(!dio_write(0, 22), "O_DIRECT write from an untouched mapping");
	ktap_result(!dio_read(WRITTEN, 33), "O_DIRECT read into a written mapping");
	ktap_result(!dio_read(UNTOUCHED, 44), "O_DIRECT read into an untouched mapping");
	ktap_result(!dio_read(READ, 55), "O_DIRECT read into a read-only mapping");
	return ktap_exit();
}
