// SPDX-License-Identifier: GPL-2.0
/*
 * dax_badinput DEV ALIGN: what a device-DAX instance and get_user_pages() answer to hostile or
 * unusual requests, each compared with the answer expected on every kernel.
 *
 * Every case runs in a child of its own, so that a signal ends only that case; its outcome is
 * "ok" (success, and the bytes that moved are right), an errno name (EINVAL, ...), "BADDATA"
 * (success with the wrong bytes), "SHORT" (a transfer moved less than asked), "SETUP" (the
 * case could not be set up: never expected) or the signal that killed it (SIGBUS, SIGSEGV).
 * The expected outcome is pristine v7.2.8's, and the series changes none of them. DEV must be
 * an enabled instance at ALIGN of at least 4 * ALIGN; the last cases disable and re-enable it.
 *
 * Prints KTAP, one subtest per case; exits 0 when every case had its expected outcome.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"

#define PAGE		4096UL
#define BADDATA		200	/* a case's exit code: success with the wrong bytes */
#define SHORT		201	/* a case's exit code: a transfer moved fewer bytes than asked */
#define SETUP		202	/* a case's exit code: its set-up failed before the request */
#define MAP_SYNC_	0x80000
#define MAP_SHARED_VALIDATE_ 0x03
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

static const char *dev_path, *dev_name;
static unsigned long align;
static int fd;

static int map_at(char **p, void *addr, unsigned long len, int prot, int flags, unsigned long off)
{
	*p = mmap(addr, len, prot, flags, fd, off);
	return *p == MAP_FAILED ? errno : 0;
}

static int map(char **p, unsigned long len)
{
	return map_at(p, NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
}

/* Tag the first word of every ALIGN of [p, p + len) and check them: 0 or BADDATA. */
static u64 tagof(unsigned long off)
{
	return 0x6261642d696e7075ULL ^ off;
}

static void tag(char *p, unsigned long len)
{
	unsigned long off;

	for (off = 0; off < len; off += align)
		WRITE_ONCE(*(u64 *)(p + off), tagof(off));
}

static int tagged(const char *p, unsigned long len)
{
	unsigned long off;

	for (off = 0; off < len; off += align)
		if (READ_ONCE(*(u64 *)(p + off)) != tagof(off))
			return BADDATA;
	return 0;
}

/* A mapping of 2 * ALIGN, tagged; ends the case as SETUP if it cannot be made. */
static char *tagged_map(void)
{
	char *p;

	if (map(&p, 2 * align))
		_exit(SETUP);
	tag(p, 2 * align);
	return p;
}

static int c_private(void)
{
	char *p;

	return map_at(&p, NULL, align, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
}

static int c_private_noreserve(void)
{
	char *p;

	return map_at(&p, NULL, align, PROT_READ, MAP_PRIVATE | MAP_NORESERVE, 0);
}

static int c_sync(void)
{
	char *p;
	int rc = map_at(&p, NULL, align, PROT_READ | PROT_WRITE,
			MAP_SHARED_VALIDATE_ | MAP_SYNC_, 0);

	if (rc)
		return rc;
	tag(p, align);
	return tagged(p, align);
}

static int c_populate(void)
{
	char *p;
	int rc = map_at(&p, NULL, 2 * align, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, 0);

	if (rc)
		return rc;
	tag(p, 2 * align);
	return tagged(p, 2 * align);
}

static int c_fixed_over_anon(void)
{
	char *area = mmap(NULL, 3 * align, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *fixed = (char *)(((unsigned long)area + align - 1) & ~(align - 1));
	char *p;
	int rc;

	if (area == MAP_FAILED)
		return errno;
	rc = map_at(&p, fixed, align, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, 0);
	if (rc)
		return rc;
	tag(p, align);
	return p == fixed ? tagged(p, align) : BADDATA;
}

static int c_len0(void)
{
	char *p;

	return map_at(&p, NULL, 0, PROT_READ, MAP_SHARED, 0);
}

static int c_len_unaligned(void)
{
	char *p;

	return map_at(&p, NULL, align + PAGE, PROT_READ, MAP_SHARED, 0);
}

/*
 * A hint one page past an ALIGN boundary, in a range that is free. An offset below the alignment
 * is given such an address (dax_get_unmapped_area() only aligns addresses for aligned offsets),
 * but with no hint, the generic allocator's choice is aligned by chance now and then, which
 * v7.2.8 accepts: the hint keeps the case deterministic (devdax/offset-* tests aligned ones).
 */
static void *misaligned_hint(unsigned long len)
{
	char *r = mmap(NULL, len + 2 * align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	munmap(r, len + 2 * align);
	return (char *)(((unsigned long)r + align - 1) & ~(align - 1)) + PAGE;
}

static int c_off_unaligned(void)
{
	char *p;

	return map_at(&p, misaligned_hint(align), align, PROT_READ, MAP_SHARED, PAGE);
}

static unsigned long dev_size(void)
{
	char path[128];
	unsigned long size = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/size", dev_name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%lu", &size) != 1)
			size = 0;
		fclose(f);
	}
	return size;
}

/* A mapping that starts beyond the device maps, but touching it gets SIGBUS. */
static int c_off_beyond(void)
{
	unsigned long off = (dev_size() + align - 1) & ~(align - 1);
	char *p;
	int rc = map_at(&p, NULL, align, PROT_READ | PROT_WRITE, MAP_SHARED, off);

	if (rc)
		return rc;
	WRITE_ONCE(*(u64 *)p, 1);
	return 0;
}

/* A mapping longer than the device: its last ALIGN is beyond the end. */
static int c_len_beyond(void)
{
	unsigned long len = ((dev_size() + align - 1) & ~(align - 1)) + align;
	char *p;
	int rc = map(&p, len);

	if (rc)
		return rc;
	WRITE_ONCE(*(u64 *)(p + len - align), 1);
	return 0;
}

static int c_len_huge(void)
{
	char *p;

	return map_at(&p, NULL, 1UL << 40, PROT_READ, MAP_SHARED, 0);
}

static int c_fixed_unaligned(void)
{
	char *area = mmap(NULL, 3 * align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *at = (char *)((((unsigned long)area + align - 1) & ~(align - 1)) + PAGE);
	char *p;

	if (area == MAP_FAILED)
		return errno;
	return map_at(&p, at, align, PROT_READ, MAP_SHARED | MAP_FIXED, 0);
}

static int c_munmap_partial(void)
{
	char *p = tagged_map();

	return munmap(p + align / 2, PAGE) ? errno : 0;
}

static int c_munmap_aligned(void)
{
	char *p = tagged_map();

	if (munmap(p + align, align))
		return errno;
	return tagged(p, align);
}

static int c_mprotect_partial(void)
{
	char *p = tagged_map();

	return mprotect(p, PAGE, PROT_READ) ? errno : 0;
}

/* A read-only mapping refuses writes: the write gets SIGSEGV. */
static int c_mprotect_ro_write(void)
{
	char *p = tagged_map();

	if (mprotect(p, 2 * align, PROT_READ))
		return errno;
	if (tagged(p, 2 * align))
		return BADDATA;
	WRITE_ONCE(*(u64 *)p, 0);
	return 0;
}

static int c_mremap_shrink_unaligned(void)
{
	char *p = tagged_map();

	return mremap(p, 2 * align, 2 * align - PAGE, 0) == MAP_FAILED ? errno : 0;
}

/*
 * mremap() may move the mapping to an address that is not ALIGN-aligned (the move keeps the
 * entries it moves), but nothing can be faulted there: a fault smaller than ALIGN gets SIGBUS.
 */
static int c_mremap_to_unaligned(void)
{
	char *p = tagged_map();
	char *area = mmap(NULL, 4 * align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *to = (char *)((((unsigned long)area + align - 1) & ~(align - 1)) + PAGE);

	if (area == MAP_FAILED)
		return errno;
	p = mremap(p, 2 * align, 2 * align, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (p == MAP_FAILED)
		return errno;
	return tagged(p, 2 * align);
}

static int c_mremap_grow(void)
{
	char *p = tagged_map();
	char *q = mremap(p, align, 3 * align, MREMAP_MAYMOVE);

	if (q == MAP_FAILED)
		return errno;
	return tagged(q, align);
}

static int advise(int advice)
{
	char *p = tagged_map();

	if (madvise(p, 2 * align, advice))
		return errno;
	return tagged(p, 2 * align);
}

static int c_dontneed(void) { return advise(MADV_DONTNEED); }
static int c_free(void) { return advise(MADV_FREE); }
static int c_remove(void) { return advise(MADV_REMOVE); }
static int c_cold(void) { return advise(MADV_COLD); }
static int c_pageout(void) { return advise(MADV_PAGEOUT); }
static int c_hugepage(void) { return advise(MADV_HUGEPAGE); }
static int c_collapse(void) { return advise(MADV_COLLAPSE); }
static int c_willneed(void) { return advise(MADV_WILLNEED); }
static int c_populate_write(void) { return advise(MADV_POPULATE_WRITE); }

static int c_mlock(void)
{
	char *p = tagged_map();

	if (mlock(p, 2 * align))
		return errno;
	if (tagged(p, 2 * align))
		return BADDATA;
	return munlock(p, 2 * align) ? errno : 0;
}

/* The child's own outcome: its exit code, or 128 + the signal that killed it. */
static int child_outcome(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return errno;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int c_fork(void)
{
	char *p = tagged_map();
	pid_t pid = fork();

	if (pid == 0)
		_exit(tagged(p, 2 * align));
	return child_outcome(pid);
}

/* A child does not inherit a MADV_DONTFORK mapping: touching the range gets SIGSEGV. */
static int c_fork_dontfork(void)
{
	char *p = tagged_map();
	pid_t pid;

	if (madvise(p, 2 * align, MADV_DONTFORK))
		return errno;
	pid = fork();
	if (pid == 0)
		_exit(tagged(p, 2 * align));
	return child_outcome(pid);
}

static int c_vmsplice(void)
{
	char *p = tagged_map();
	struct iovec iov = { p, PAGE };
	int pipefd[2];
	u64 word;

	ssize_t n;

	if (pipe(pipefd))
		return SETUP;
	n = vmsplice(pipefd[1], &iov, 1, 0);
	if (n < 0)
		return errno;
	if (n != (ssize_t)PAGE || read(pipefd[0], &word, sizeof(word)) != sizeof(word))
		return SHORT;
	return word == tagof(0) ? 0 : BADDATA;
}

/* Another process reads the mapping with process_vm_readv() and with ptrace(PEEKDATA). */
static int c_remote(int use_ptrace)
{
	char *p = tagged_map();
	int go[2];
	u64 word = 0;
	pid_t pid;
	int rc = 0;

	if (pipe(go))
		return SETUP;
	pid = fork();
	if (pid == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	if (pid < 0)
		return SETUP;
	if (use_ptrace) {
		/* The child's copy of the mapping: same address, same device pages. */
		if (ptrace(PTRACE_ATTACH, pid, 0, 0) || waitpid(pid, NULL, 0) != pid)
			rc = errno;
		errno = 0;
		if (!rc)
			word = ptrace(PTRACE_PEEKDATA, pid, p + align, 0);
		if (!rc && errno)
			rc = errno;
		ptrace(PTRACE_DETACH, pid, 0, 0);
	} else {
		struct iovec local = { &word, sizeof(word) }, remote = { p + align, sizeof(word) };

		if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != sizeof(word))
			rc = errno;
	}
	if (write(go[1], "x", 1) != 1 || child_outcome(pid))
		rc = rc ? rc : ECHILD;
	return rc ? rc : word == tagof(align) ? 0 : BADDATA;
}

static int c_process_vm_readv(void) { return c_remote(0); }
static int c_ptrace(void) { return c_remote(1); }

/*
 * O_DIRECT reads from a RAM disk into the mapping: @len bytes from @before_end bytes before the end
 * of a 2 * ALIGN mapping with nothing mapped after it.
 */
static int dio(unsigned long before_end, unsigned long len)
{
	char *p;
	int blk, rc = map(&p, 3 * align);
	ssize_t n;

	if (rc)
		return SETUP;
	tag(p, 2 * align);
	if (munmap(p + 2 * align, align))
		return SETUP;
	blk = open("/dev/ram0", O_RDONLY | O_DIRECT);
	if (blk < 0)
		return SETUP;
	n = pread(blk, p + 2 * align - before_end, len, 0);
	if (n < 0)
		return errno;
	return n == (ssize_t)len ? 0 : SHORT;
}

static int c_dio_misaligned(void) { return dio(2 * PAGE - 1, PAGE); }
/* Two pages from the last page of the mapping: the second is not mapped. */
static int c_dio_past_end(void) { return dio(PAGE, 2 * PAGE); }

static int c_read(void)
{
	char buf[8];

	return read(fd, buf, sizeof(buf)) < 0 ? errno : 0;
}

static int c_write(void)
{
	return write(fd, "x", 1) < 0 ? errno : 0;
}

static int c_ftruncate(void)
{
	return ftruncate(fd, 0) ? errno : 0;
}

static char *shared_p;

static void *fault_thread(void *arg)
{
	unsigned long i = (unsigned long)arg;

	WRITE_ONCE(((u64 *)shared_p)[i * 8], tagof(i));
	return NULL;
}

/* Eight threads fault the same ALIGN leaf at once; every write must land. */
static int c_threads(void)
{
	pthread_t t[8];
	unsigned long i;
	int rc = map(&shared_p, align);

	if (rc)
		return rc;
	for (i = 0; i < 8 && !rc; i++)
		rc = pthread_create(&t[i], NULL, fault_thread, (void *)i);
	if (rc)
		return rc;	/* an errno value, as the other cases return */
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 8; i++)
		if (READ_ONCE(((u64 *)shared_p)[i * 8]) != tagof(i))
			return BADDATA;
	return 0;
}

static int driver(const char *file)
{
	char path[128];
	int f, ok;

	snprintf(path, sizeof(path), "/sys/bus/dax/drivers/device_dax/%s", file);
	f = open(path, O_WRONLY);
	ok = f >= 0 && write(f, dev_name, strlen(dev_name)) == (ssize_t)strlen(dev_name);
	if (f >= 0)
		close(f);
	return ok ? 0 : errno ? errno : EIO;
}

/* Disable the instance under a faulted mapping: the next access gets SIGBUS. */
static int c_after_disable(void)
{
	char *p = tagged_map();
	int rc = driver("unbind");

	if (rc)
		return rc;
	rc = READ_ONCE(*(u64 *)p) == tagof(0);
	return rc ? 0 : BADDATA;
}

/* Enable it again: a new mapping works, with the data written before the disable. */
static int c_after_reenable(void)
{
	int rc = driver("bind");
	char *p;

	if (rc)
		return rc;
	close(fd);
	fd = open(dev_path, O_RDWR);
	if (fd < 0)
		return errno;
	if (map(&p, 2 * align))
		return SETUP;
	return tagged(p, 2 * align);
}

static const struct {
	const char *name;
	int (*fn)(void);
	const char *expect;
} cases[] = {
	{ "mmap MAP_PRIVATE", c_private, "EINVAL" },
	{ "mmap MAP_PRIVATE|MAP_NORESERVE", c_private_noreserve, "EINVAL" },
	{ "mmap MAP_SHARED_VALIDATE|MAP_SYNC", c_sync, "ok" },
	{ "mmap MAP_POPULATE", c_populate, "ok" },
	{ "mmap MAP_FIXED over an anonymous mapping", c_fixed_over_anon, "ok" },
	{ "mmap length 0", c_len0, "EINVAL" },
	{ "mmap length ALIGN + 4K", c_len_unaligned, "EINVAL" },
	{ "mmap offset 4K", c_off_unaligned, "EINVAL" },
	{ "mmap offset beyond the device, then touch", c_off_beyond, "SIGBUS" },
	{ "mmap longer than the device, touch the end", c_len_beyond, "SIGBUS" },
	{ "mmap length 1 TiB", c_len_huge, "ok" },
	{ "mmap MAP_FIXED at ALIGN + 4K", c_fixed_unaligned, "EINVAL" },
	{ "munmap 4K inside an ALIGN", c_munmap_partial, "EINVAL" },
	{ "munmap one whole ALIGN", c_munmap_aligned, "ok" },
	{ "mprotect 4K inside an ALIGN", c_mprotect_partial, "EINVAL" },
	{ "mprotect PROT_READ, then write", c_mprotect_ro_write, "SIGSEGV" },
	{ "mremap shrink by 4K", c_mremap_shrink_unaligned, "EINVAL" },
	{ "mremap to ALIGN + 4K, then touch", c_mremap_to_unaligned, "SIGBUS" },
	{ "mremap grow ALIGN to 3 * ALIGN", c_mremap_grow, "ok" },
	{ "madvise MADV_DONTNEED keeps the data", c_dontneed, "ok" },
	{ "madvise MADV_FREE", c_free, "EINVAL" },
	{ "madvise MADV_REMOVE", c_remove, "ENODEV" },
	{ "madvise MADV_COLD", c_cold, "ok" },
	{ "madvise MADV_PAGEOUT", c_pageout, "ok" },
	{ "madvise MADV_HUGEPAGE", c_hugepage, "ok" },
	{ "madvise MADV_COLLAPSE", c_collapse, "EINVAL" },
	{ "madvise MADV_WILLNEED", c_willneed, "ok" },
	{ "madvise MADV_POPULATE_WRITE", c_populate_write, "ok" },
	{ "mlock and munlock", c_mlock, "ok" },
	{ "fork: the child reads the data", c_fork, "ok" },
	{ "fork after MADV_DONTFORK: the child touches it", c_fork_dontfork, "SIGSEGV" },
	{ "vmsplice from the mapping", c_vmsplice, "ok" },
	{ "process_vm_readv from another process", c_process_vm_readv, "ok" },
	{ "ptrace PEEKDATA", c_ptrace, "ok" },
	{ "O_DIRECT read into it, buffer 1 byte off", c_dio_misaligned, "EINVAL" },
	{ "O_DIRECT read across the end of the mapping", c_dio_past_end, "SHORT" },
	{ "read() on the device", c_read, "EINVAL" },
	{ "write() on the device", c_write, "EINVAL" },
	{ "ftruncate() on the device", c_ftruncate, "EINVAL" },
	{ "8 threads fault one ALIGN at once", c_threads, "ok" },
	{ "access after the instance is disabled", c_after_disable, "SIGBUS" },
	{ "map again after it is enabled again", c_after_reenable, "ok" },
};

static void outcome_name(int rc, char *buf, size_t len)
{
	if (rc == 0)
		snprintf(buf, len, "ok");
	else if (rc == BADDATA)
		snprintf(buf, len, "BADDATA");
	else if (rc == SHORT)
		snprintf(buf, len, "SHORT");
	else if (rc == SETUP)
		snprintf(buf, len, "SETUP");
	else if (rc > 128 && rc < 128 + 65)
		snprintf(buf, len, "SIG%s", sigabbrev_np(rc - 128) ?: "?");
	else
		snprintf(buf, len, "%s", strerrorname_np(rc) ?: "E?");
}

int main(int argc, char **argv)
{
	char got[32], name[160];
	unsigned int i;

	align = argc == 3 ? parse_size(argv[2]) : 0;
	if (!align) {
		fprintf(stderr, "usage: dax_badinput DEV ALIGN\n");
		return 2;
	}
	dev_path = argv[1];
	dev_name = strrchr(dev_path, '/') ? strrchr(dev_path, '/') + 1 : dev_path;

	ktap_plan(ARRAY_SIZE(cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		pid_t pid;
		int rc;

		/* A case that needs the device and cannot have it fails with EBADF. */
		fd = open(dev_path, O_RDWR);
		pid = fork();
		if (pid == 0)
			_exit(cases[i].fn());
		rc = child_outcome(pid);
		if (fd >= 0)
			close(fd);
		outcome_name(rc, got, sizeof(got));
		snprintf(name, sizeof(name), "%s: %s", cases[i].name, cases[i].expect);
		if (strcmp(got, cases[i].expect))
			ktap_print("%s: expected %s, got %s", cases[i].name, cases[i].expect, got);
		ktap_result(!strcmp(got, cases[i].expect), name);
	}
	return ktap_exit();
}
