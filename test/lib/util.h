/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel-style helpers for the guest test programs (userspace). */
#ifndef HARNESS_UTIL_H
#define HARNESS_UTIL_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>

typedef __u64 u64;
typedef __u32 u32;

#define fallthrough __attribute__((__fallthrough__))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))

/* Accesses the compiler must not merge or drop: each one must reach the mapping. */
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val) __atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

/* "4k", "2M", "1G" or a plain number of bytes; 0 for anything else. */
static inline unsigned long parse_size(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		fallthrough;
	case 'M': case 'm':
		v <<= 10;
		fallthrough;
	case 'K': case 'k':
		v <<= 10;
		end++;
		break;
	}
	return *end ? 0 : v;
}

/* Write @s to the file (sysfs, procfs, tracefs) at @path, truncating it; 1 on success. */
static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	int ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	if (fd >= 0)
		close(fd);
	return ok;
}

#endif /* HARNESS_UTIL_H */
