// SPDX-License-Identifier: GPL-2.0
/*
 * dax_fuzz DEV ALIGN SECONDS SEED [BLOCKDEV]: a seeded, bounded fuzzer of device-DAX operations.
 *
 * Runs random operations on up to SLOTS mappings of DEV (a device-DAX instance at ALIGN) for
 * SECONDS, choosing each operation and its arguments from a PRNG seeded with SEED, so that a
 * run's sequence of operations is reproduced by its seed. Operations: mmap (aligned or not, at
 * offsets inside and beyond the instance), munmap and mprotect (whole, partial, unaligned),
 * mremap (grow, shrink, move), madvise (a list of advices), reads and writes of a word (each
 * checked against what the instance last had written there, SIGBUS and SIGSEGV caught), fork
 * (the child checks words and writes one), vmsplice into a pipe and read back, O_DIRECT from
 * BLOCKDEV into the mapping, and disabling and re-enabling the instance (unbind and bind,
 * everything unmapped first; half of the time, when a mapping is there, a child holds one of
 * its pages in a pipe across the unbind, which must wait for it).
 *
 * Every operation's outcome must be one the kernel documents for it: success, or an errno or
 * signal from the list that operation allows (for example EINVAL for an unaligned munmap,
 * SIGBUS beyond the end of the instance, SIGSEGV after PROT_NONE; MADV_NOHUGEPAGE changes
 * nothing, as THP policy does not apply to device-DAX). A
 * word read back must be what was last written to that offset of the instance, through any
 * mapping. Anything else ends the run, as a failure, naming the operation number, the seed and
 * the operation. The kernel log is checked by the caller.
 *
 * Prints KTAP: one result, with the operation counts as diagnostics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"

#define PAGE		4096UL
#define SLOTS		4
#define MAX_LEAVES	4	/* per mapping */
#define WORDS		65536	/* pages whose first word is tracked */

enum { OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MREMAP, OP_MADVISE, OP_READ, OP_WRITE, OP_FORK,
	OP_VMSPLICE, OP_DIO, OP_REBIND, NR_OPS };
static void op_mmap(void);
static void op_munmap(void);
static void op_mprotect(void);
static void op_mremap(void);
static void op_madvise(void);
static void op_read(void);
static void op_write(void);
static void op_fork(void);
static void op_vmsplice(void);
static void op_dio(void);
static void op_rebind(void);
static void (* const run[NR_OPS])(void) = {
	op_mmap, op_munmap, op_mprotect, op_mremap, op_madvise, op_read, op_write, op_fork,
	op_vmsplice, op_dio, op_rebind,
};

static const char * const op_name[NR_OPS] = {
	"mmap", "munmap", "mprotect", "mremap", "madvise", "read", "write", "fork", "vmsplice",
	"O_DIRECT", "rebind",
};

struct slot {
	char *addr;		/* NULL: free */
	unsigned long len;
	unsigned long off;	/* file offset of addr */
	int prot;
};

static struct slot slot[SLOTS];
static unsigned long align, size, span, ops, count[NR_OPS], held_rebinds;
static const char *devpath, *blkpath;
static char name[64];
static u64 seed, rng;
static u64 shadow[WORDS];	/* what the word at offset i * ALIGN / 8 ... holds; 0: unknown */
static sigjmp_buf jump;
static char what[256];		/* the current operation, for the report */
#define HISTORY		64
static char history[HISTORY][256];	/* the operations before it that did something */
static pid_t holder;		/* op_rebind()'s child holding a page: fail() kills it */

static u64 next(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned long pick(unsigned long n)
{
	return n ? next() % n : 0;
}

/*
 * Reap @pid within @ms milliseconds: 1 with its wait status in @status, 0 if it has not
 * exited by then (stuck in the kernel, say after an oops), -1 on error.
 */
static int reap(pid_t pid, int *status, unsigned int ms)
{
	pid_t r;

	while ((r = waitpid(pid, status, WNOHANG)) == 0 && ms >= 10) {
		usleep(10000);
		ms -= 10;
	}
	return r == pid ? 1 : r;
}

static void fail(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; i < HISTORY; i++)
		if (history[(ops + i) % HISTORY][0])
			ktap_print("  before: %s", history[(ops + i) % HISTORY]);
	ktap_print("seed %llu, operation %lu: %s: %s", (unsigned long long)seed, ops, what, buf);
	if (holder > 0) {
		int status;

		/* Not waited for long: a holder stuck in the kernel must not hang the report. */
		kill(holder, SIGKILL);
		if (reap(holder, &status, 1000) != 1)
			ktap_print("holder %d: still there 1 s after SIGKILL", holder);
	}
	ktap_result(0, "the fuzz run");
	exit(ktap_exit());
}

static void on_signal(int sig)
{
	siglongjmp(jump, sig);
}

/* Read or write the word at @p; the signal it got, or 0. */
static int try_access(char *p, int write, u64 *v)
{
	int sig = sigsetjmp(jump, 1);

	if (sig)
		return sig;
	if (write)
		WRITE_ONCE(*(u64 *)p, *v);
	else
		*v = READ_ONCE(*(u64 *)p);
	return 0;
}

/* Tracked words: the first word of every page, for the first WORDS pages of the instance. */
static u64 *shadow_of(unsigned long off)
{
	unsigned long i = off / PAGE;

	return off % PAGE == 0 && i < WORDS ? &shadow[i] : NULL;
}

/* A signal an access to @s may get: SIGSEGV without the permission, SIGBUS beyond the end. */
static int access_ok_signal(struct slot *s, const char *p, int sig, int write)
{
	unsigned long off = s->off + (p - s->addr);

	if (sig == SIGSEGV)
		return !(s->prot & (write ? PROT_WRITE : PROT_READ));
	if (sig == SIGBUS)
		return off >= size;
	return 0;
}

static void op_access(int write)
{
	struct slot *s = &slot[pick(SLOTS)];
	unsigned long pg, off;
	u64 *sh, v = next() | 1;
	int sig;
	char *p;

	if (!s->addr)
		return;
	pg = pick(s->len / PAGE);
	p = s->addr + pg * PAGE;
	off = s->off + pg * PAGE;
	sh = shadow_of(off);
	snprintf(what, sizeof(what), "%s at offset %#lx (mapping %p+%#lx, prot %d)",
		 write ? "write" : "read", off, s->addr, s->len, s->prot);
	sig = try_access(p, write, &v);
	if (sig) {
		if (!access_ok_signal(s, p, sig, write))
			fail("signal %d", sig);
		return;
	}
	if (write && sh)
		*sh = v;
	else if (!write && sh && *sh && v != *sh)
		fail("read %#llx, expected %#llx", (unsigned long long)v, (unsigned long long)*sh);
}

static void op_read(void)
{
	op_access(0);
}

static void op_write(void)
{
	op_access(1);
}

static void op_mmap(void)
{
	struct slot *s = &slot[pick(SLOTS)];
	unsigned long leaves = 1 + pick(MAX_LEAVES), len = leaves * align, off, r;
	int fd, expect_einval = 0;
	char *p;

	if (s->addr)
		return;
	/* Mostly where words are tracked; one in 16 at or beyond the end of the instance. */
	if (pick(16))
		off = pick(span / align) * align;
	else
		off = (size / align + pick(2)) * align;
	r = pick(8);
	if (r == 0 && align > PAGE) {
		off += PAGE;			/* unaligned offset */
		expect_einval = 1;
	} else if (r == 1 && align > PAGE) {
		len += PAGE;			/* unaligned length */
		expect_einval = 1;
	}
	snprintf(what, sizeof(what), "mmap %#lx at offset %#lx", len, off);
	fd = open(devpath, O_RDWR);
	if (fd < 0)
		fail("open: %s", strerror(errno));
	/* Aligned addresses, so that an unaligned offset is refused for itself (patch 4). */
	p = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fail("reserve: %s", strerror(errno));
	munmap(p, len + align);
	p = (char *)(((unsigned long)p + align - 1) & ~(align - 1));
	p = mmap(p, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, off);
	close(fd);
	if (p == MAP_FAILED) {
		if (!(expect_einval && errno == EINVAL) && errno != EEXIST)
			fail("%s", strerror(errno));
		return;
	}
	if (expect_einval)
		fail("mapped, expected EINVAL");
	*s = (struct slot){ p, len, off, PROT_READ | PROT_WRITE };
}

static void op_munmap(void)
{
	struct slot *s = &slot[pick(SLOTS)];
	unsigned long at;

	if (!s->addr)
		return;
	switch (pick(4)) {
	case 0:		/* the last leaf */
		at = s->len - align;
		snprintf(what, sizeof(what), "munmap the last leaf of %p+%#lx", s->addr, s->len);
		if (munmap(s->addr + at, align))
			fail("%s", strerror(errno));
		s->len = at;
		break;
	case 1:		/* one page: split inside a leaf unless ALIGN is 4K */
		at = pick(s->len / PAGE) * PAGE;
		snprintf(what, sizeof(what), "munmap page %#lx of %p+%#lx", at, s->addr, s->len);
		if (munmap(s->addr + at, PAGE)) {
			if (errno != EINVAL || align == PAGE)
				fail("%s", strerror(errno));
			return;
		}
		if (align != PAGE)
			fail("succeeded, expected EINVAL");
		/* Keep the part before the hole; the rest goes too. */
		if (s->len > at + PAGE)
			munmap(s->addr + at + PAGE, s->len - at - PAGE);
		s->len = at;
		break;
	default:
		snprintf(what, sizeof(what), "munmap %p+%#lx", s->addr, s->len);
		if (munmap(s->addr, s->len))
			fail("%s", strerror(errno));
		s->len = 0;
	}
	if (!s->len)
		s->addr = NULL;
}

static void op_mprotect(void)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };
	struct slot *s = &slot[pick(SLOTS)];
	int prot = prots[pick(3)];

	if (!s->addr)
		return;
	/* PROT_NONE on 1G leaves too: pristine v7.2.8 WARNs (pud_present() misses PROT_NONE). */
	snprintf(what, sizeof(what), "mprotect %p+%#lx %d", s->addr, s->len, prot);
	if (mprotect(s->addr, s->len, prot))
		fail("%s", strerror(errno));
	s->prot = prot;
}

static void op_mremap(void)
{
	struct slot *s = &slot[pick(SLOTS)];
	unsigned long nlen;
	char *p;

	if (!s->addr)
		return;
	nlen = pick(2) && s->len > align ? s->len - align : s->len;	/* shrink or keep */
	snprintf(what, sizeof(what), "mremap %p+%#lx to %#lx (may move)", s->addr, s->len, nlen);
	p = mremap(s->addr, s->len, nlen, MREMAP_MAYMOVE);
	if (p == MAP_FAILED) {
		/* A move to an address that is not aligned is refused by ->may_split(). */
		if (errno != EINVAL && errno != ENOMEM)
			fail("%s", strerror(errno));
		return;
	}
	s->addr = p;
	s->len = nlen;
}

static void op_madvise(void)
{
	static const int advice[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
		MADV_DONTNEED, MADV_DONTFORK, MADV_DOFORK, MADV_HUGEPAGE, MADV_NOHUGEPAGE,
		MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE };
	struct slot *s = &slot[pick(SLOTS)];
	int a = advice[pick(ARRAY_SIZE(advice))];

	if (!s->addr)
		return;
	snprintf(what, sizeof(what), "madvise %p+%#lx %d", s->addr, s->len, a);
	if (madvise(s->addr, s->len, a)) {
		/* Populating needs the permission, and a fault the instance can serve. */
		if (!((a == MADV_POPULATE_READ || a == MADV_POPULATE_WRITE) &&
		      (errno == EFAULT || errno == ENOMEM || errno == EINVAL)) &&
		    !(a == MADV_DONTNEED && errno == EINVAL))
			fail("%s", strerror(errno));
		return;
	}
}

/* The child reads the tracked words of every readable mapping and exits 0 if they match. */
static void op_fork(void)
{
	int status, i;
	pid_t pid;

	snprintf(what, sizeof(what), "fork");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		for (i = 0; i < SLOTS; i++) {
			struct slot *s = &slot[i];
			unsigned long pg;

			if (!s->addr || !(s->prot & PROT_READ))
				continue;
			for (pg = 0; pg < s->len / PAGE; pg += s->len / PAGE / 4 + 1) {
				u64 *sh = shadow_of(s->off + pg * PAGE);

				if (s->off + pg * PAGE >= size)
					break;
				if (sh && *sh && READ_ONCE(*(u64 *)(s->addr + pg * PAGE)) != *sh)
					_exit(1);
			}
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		fail("fork/wait: %s", strerror(errno));
	/* A mapping with MADV_DONTFORK is absent in the child: it faults (SIGSEGV) there. */
	if (!(WIFEXITED(status) && !WEXITSTATUS(status)) &&
	    !(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV))
		fail("child: wait status %#x", status);
}

/* Splice page @pg of @s into a new pipe, @fds (vmsplice: a get_user_pages() reference). */
static void splice_page(struct slot *s, unsigned long pg, int fds[2])
{
	struct iovec iov = { s->addr + pg * PAGE, PAGE };
	ssize_t n;

	if (pipe(fds))
		fail("pipe: %s", strerror(errno));
	n = vmsplice(fds[1], &iov, 1, 0);
	if (n != (ssize_t)PAGE)
		fail("vmsplice offset %#lx: %zd, %s", s->off + pg * PAGE, n, strerror(errno));
}

static void op_vmsplice(void)
{
	struct slot *s = &slot[pick(SLOTS)];
	unsigned long pg;
	u64 buf[PAGE / 8], *sh;
	int fds[2];

	if (!s->addr || !(s->prot & PROT_READ))
		return;
	pg = pick(s->len / PAGE);
	if (s->off + pg * PAGE >= size)
		return;
	snprintf(what, sizeof(what), "vmsplice offset %#lx", s->off + pg * PAGE);
	splice_page(s, pg, fds);
	if (read(fds[0], buf, PAGE) != (ssize_t)PAGE)
		fail("read: %s", strerror(errno));
	sh = shadow_of(s->off + pg * PAGE);
	if (sh && *sh && buf[0] != *sh)
		fail("the pipe read %#llx, expected %#llx", (unsigned long long)buf[0],
		     (unsigned long long)*sh);
	close(fds[0]);
	close(fds[1]);
}

/* O_DIRECT read of one page of BLOCKDEV (zeros, or what an earlier run left) into a mapping. */
static void op_dio(void)
{
	struct slot *s = &slot[pick(SLOTS)];
	unsigned long pg;
	u64 *sh;
	ssize_t n;
	int fd;

	if (!blkpath || !s->addr || !(s->prot & PROT_WRITE))
		return;
	pg = pick(s->len / PAGE);
	if (s->off + pg * PAGE >= size)
		return;
	snprintf(what, sizeof(what), "O_DIRECT read into offset %#lx", s->off + pg * PAGE);
	fd = open(blkpath, O_RDONLY | O_DIRECT);
	if (fd < 0)
		fail("open %s: %s", blkpath, strerror(errno));
	n = pread(fd, s->addr + pg * PAGE, PAGE, 0);
	close(fd);
	if (n != (ssize_t)PAGE)
		fail("pread: %zd, %s", n, strerror(errno));
	sh = shadow_of(s->off + pg * PAGE);
	if (sh)
		*sh = READ_ONCE(*(u64 *)(s->addr + pg * PAGE));
}

static int holdable(const struct slot *s)
{
	return s->addr && (s->prot & PROT_READ) && s->off < size;
}

/*
 * Start a child that holds a page of @s in a pipe (vmsplice: a get_user_pages() reference)
 * for @ms milliseconds, then reads the page through the pipe and exits 0 if its first word is
 * @expect (0: not known). Nothing writes the instance meanwhile: the parent unmaps it all.
 */
static void hold_page(struct slot *s, unsigned int ms, u64 *expect)
{
	unsigned long pg = pick(s->len / PAGE);
	u64 buf[PAGE / 8], *sh;
	int fds[2], i;

	if (s->off + pg * PAGE >= size)
		pg = 0;
	splice_page(s, pg, fds);
	sh = shadow_of(s->off + pg * PAGE);
	*expect = sh ? *sh : 0;
	holder = fork();
	if (holder < 0)
		fail("fork: %s", strerror(errno));
	if (!holder) {
		/* Only the pipe: no mapping, no handler, not the KTAP output. */
		for (i = 0; i < SLOTS; i++)
			if (slot[i].addr)
				munmap(slot[i].addr, slot[i].len);
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		i = open("/dev/null", O_WRONLY);
		if (i >= 0) {
			dup2(i, 1);
			dup2(i, 2);
		}
		close(fds[1]);
		usleep(ms * 1000);
		if (read(fds[0], buf, PAGE) != (ssize_t)PAGE)
			_exit(2);
		_exit(*expect && buf[0] != *expect ? 1 : 0);
	}
	close(fds[0]);
	close(fds[1]);
}

/*
 * Unmap everything, unbind the instance from device_dax and bind it again. Half of the time
 * (when a mapping is there to take a page from), a child holds a page of a mapping in a pipe
 * across the unbind and drops it 100-400 ms later: the unbind must wait for it (patch 1), so
 * it cannot return sooner; the child must read the page's data intact, and the instance must
 * bind again. Pristine v7.2.8 tears the instance down under the reference.
 */
static void op_rebind(void)
{
	unsigned int ms = 100 + 100 * pick(4), first = pick(SLOTS);
	struct slot *s = NULL;
	struct timespec t0, t1;
	int i, status;
	u64 expect = 0;
	double waited;

	if (pick(2))
		for (i = 0; i < SLOTS && !s; i++)
			if (holdable(&slot[(first + i) % SLOTS]))
				s = &slot[(first + i) % SLOTS];
	if (s)
		snprintf(what, sizeof(what), "unbind and bind %s, a page held %u ms in a pipe",
			 name, ms);
	else
		snprintf(what, sizeof(what), "unbind and bind %s", name);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (s) {
		hold_page(s, ms, &expect);
		held_rebinds++;
	}
	for (i = 0; i < SLOTS; i++)
		if (slot[i].addr) {
			munmap(slot[i].addr, slot[i].len);
			slot[i].addr = NULL;
		}
	if (!write_file("/sys/bus/dax/drivers/device_dax/unbind", name))
		fail("unbind: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (s && waited < ms)
		fail("the unbind returned after %.0f ms, while the page was held for %u ms", waited,
		     ms);
	if (!write_file("/sys/bus/dax/drivers/device_dax/bind", name))
		fail("bind: %s", strerror(errno));
	if (!s)
		return;
	i = reap(holder, &status, 5000);
	if (i != 1)
		fail("the holder did not exit within 5 s of the bind%s%s", i < 0 ? ": " : "",
		     i < 0 ? strerror(errno) : "");
	holder = 0;
	if (!(WIFEXITED(status) && !WEXITSTATUS(status)))
		fail("the holder (expected %#llx): wait status %#x", (unsigned long long)expect,
		     status);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long seconds;
	char path[128], buf[64];
	time_t end;
	FILE *f;
	int i;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: dax_fuzz DEV ALIGN SECONDS SEED [BLOCKDEV]\n");
		return 2;
	}
	devpath = argv[1];
	align = parse_size(argv[2]);
	seconds = strtoul(argv[3], NULL, 0);
	seed = strtoull(argv[4], NULL, 0);
	blkpath = argc == 6 ? argv[5] : NULL;
	rng = seed * 2 + 1;
	snprintf(name, sizeof(name), "%s",
		 strrchr(devpath, '/') ? strrchr(devpath, '/') + 1 : devpath);
	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/size", name);
	f = fopen(path, "r");
	size = f && fgets(buf, sizeof(buf), f) ? strtoul(buf, NULL, 0) : 0;
	if (f)
		fclose(f);
	if (!align || !size)
		ktap_bail("bad ALIGN or no instance size");
	span = size < WORDS * PAGE ? size : WORDS * PAGE;
	if (span < align)
		span = align;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	ktap_plan(1);
	ktap_print("seed %llu, %lu s, %s at %#lx (%#lx bytes)", (unsigned long long)seed, seconds,
		   devpath, align, size);
	end = time(NULL) + seconds;
	while (time(NULL) < end) {
		int op = pick(100);

		/* Weights: accesses most, rebinds rarely. */
		op = op < 30 ? OP_READ + (op & 1) : op < 45 ? OP_MMAP : op < 55 ? OP_MUNMAP :
		     op < 62 ? OP_MPROTECT : op < 68 ? OP_MREMAP : op < 80 ? OP_MADVISE :
		     op < 86 ? OP_FORK : op < 93 ? OP_VMSPLICE : op < 99 ? OP_DIO : OP_REBIND;
		ops++;
		count[op]++;
		what[0] = 0;
		run[op]();
		/* Operations that did something set what[]; keep the last HISTORY of them. */
		if (what[0])
			snprintf(history[ops % HISTORY], sizeof(history[0]), "%lu: %s", ops, what);
		else
			history[ops % HISTORY][0] = 0;
	}
	for (i = 0; i < NR_OPS; i++)
		ktap_print("%-9s %lu", op_name[i], count[i]);
	ktap_print("rebinds with a page held in a pipe: %lu", held_rebinds);
	ktap_print("FUZZ ops %lu", ops);
	ktap_result(1, "the fuzz run");
	return ktap_exit();
}
