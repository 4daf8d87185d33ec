// SPDX-License-Identifier: GPL-2.0
/*
 * devdax_hold - hold a reference on a device-dax page across its teardown
 *
 * Usage: devdax_hold /dev/daxX.Y get|pin|guard-fork [align]
 *
 * Maps one alignment-sized region of the device (MAP_SHARED), fills it with
 * a pattern and takes a reference on a 4 KiB page in the middle of it:
 *
 *   get: vmsplice() of the page into a pipe (FOLL_GET, held by the pipe)
 *   pin: io_uring fixed buffer registration (FOLL_PIN | FOLL_LONGTERM)
 *   guard-fork: as get, but the mapping is two alignment-sized regions, a
 *     guard page is installed in the second (MADV_GUARD_INSTALL, which
 *     makes fork() copy the page tables of the VMA) and a child that reads
 *     the first region has exited before the vmsplice().  On v7.2.8 at 1G
 *     the fork copies the pud leaf without its folio reference and the
 *     child's exit puts one the parent's mapping owned: a teardown that
 *     waits for the folio's references then no longer waits for the pipe.
 *
 * It then unmaps the region, closes the device, prints "READY" on stdout
 * and waits for a line on stdin or for SIGUSR1/SIGINT/SIGTERM/SIGHUP (if
 * stdin is at end of file it waits for a signal only).  Meanwhile the
 * device can be disabled ("daxctl disable-device daxX.Y"); a fixed kernel
 * makes that wait for the reference to go away.  Finally the page is read
 * back through the reference (read() of the pipe, or IORING_OP_WRITE_FIXED
 * of the registered buffer into a pipe) and compared with the pattern, and
 * the reference is dropped (pipe closed, buffers unregistered).
 *
 * The alignment comes from /sys/dev/char/MAJ:MIN/align unless given.
 *
 * Exit status: 0 success, 1 usage or setup error (including a forked child
 * that saw wrong data or died), 2 read back failed (for instance EFAULT),
 * 3 data mismatch, 4 dropping the reference failed.
 *
 * Builds with gcc -static -O2 -Wall (no liburing needed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/select.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/io_uring.h>
#include <linux/types.h>

#define HOLD_SIZE	4096UL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PATTERN_SEED	0x5a17d3c3e1b4f00dULL

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

enum hold_mode {
	HOLD_GET,
	HOLD_PIN,
	HOLD_GUARD_FORK,
};

enum {
	EXIT_SETUP = 1,
	EXIT_READBACK = 2,
	EXIT_MISMATCH = 3,
	EXIT_RELEASE = 4,
};

struct ring {
	int fd;
	void *sq_ptr;
	size_t sq_len;
	void *cq_ptr;
	size_t cq_len;
	struct io_uring_sqe *sqes;
	size_t sqes_len;
	struct io_uring_params p;
};

static int got_signal;

static void on_signal(int sig)
{
	__atomic_store_n(&got_signal, sig, __ATOMIC_RELAXED);
}

static int signalled(void)
{
	return __atomic_load_n(&got_signal, __ATOMIC_RELAXED);
}

static __u64 pattern_word(size_t off)
{
	__u64 x = (__u64)off ^ PATTERN_SEED;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 32);
}

static void fill_pattern(void *buf, size_t len)
{
	__u64 *w = buf;
	size_t i;

	for (i = 0; i < len / sizeof(*w); i++)
		w[i] = pattern_word(i * sizeof(*w));
}

/* @off is the offset of @buf within the device mapping */
static int check_pattern(const void *buf, size_t len, size_t off)
{
	const __u64 *w = buf;
	size_t i;

	for (i = 0; i < len / sizeof(*w); i++) {
		__u64 want = pattern_word(off + i * sizeof(*w));

		if (w[i] != want) {
			fprintf(stderr,
				"devdax_hold: MISMATCH at offset %#zx: got %#llx, want %#llx\n",
				off + i * sizeof(*w), (unsigned long long)w[i],
				(unsigned long long)want);
			return -1;
		}
	}
	return 0;
}

static unsigned long read_align(int fd)
{
	char path[64], buf[64];
	struct stat st;
	ssize_t n;
	int sfd;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode)) {
		fprintf(stderr, "devdax_hold: not a character device\n");
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/align",
		 major(st.st_rdev), minor(st.st_rdev));
	sfd = open(path, O_RDONLY);
	if (sfd < 0) {
		fprintf(stderr, "devdax_hold: open %s: %s\n", path,
			strerror(errno));
		return 0;
	}
	n = read(sfd, buf, sizeof(buf) - 1);
	close(sfd);
	if (n <= 0) {
		fprintf(stderr, "devdax_hold: read %s failed\n", path);
		return 0;
	}
	buf[n] = '\0';
	return strtoul(buf, NULL, 0);
}

static int ring_setup(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = syscall(__NR_io_uring_setup, 2, &r->p);
	if (r->fd < 0) {
		fprintf(stderr, "devdax_hold: io_uring_setup: %s\n",
			strerror(errno));
		return -1;
	}
	r->sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(__u32);
	r->cq_len = r->p.cq_off.cqes +
		    r->p.cq_entries * sizeof(struct io_uring_cqe);
	r->sqes_len = r->p.sq_entries * sizeof(struct io_uring_sqe);
	r->sq_ptr = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	r->cq_ptr = mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sq_ptr == MAP_FAILED || r->cq_ptr == MAP_FAILED ||
	    r->sqes == MAP_FAILED) {
		fprintf(stderr, "devdax_hold: io_uring mmap: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Write registered buffer 0 (@len bytes) to @out_fd and return the result */
static int ring_write_fixed(struct ring *r, int out_fd, void *addr,
			    size_t len)
{
	char *sq = r->sq_ptr, *cq = r->cq_ptr;
	__u32 *sq_tail = (__u32 *)(sq + r->p.sq_off.tail);
	__u32 sq_mask = *(__u32 *)(sq + r->p.sq_off.ring_mask);
	__u32 *sq_array = (__u32 *)(sq + r->p.sq_off.array);
	__u32 *cq_head = (__u32 *)(cq + r->p.cq_off.head);
	__u32 *cq_tail = (__u32 *)(cq + r->p.cq_off.tail);
	__u32 cq_mask = *(__u32 *)(cq + r->p.cq_off.ring_mask);
	struct io_uring_cqe *cqes = (void *)(cq + r->p.cq_off.cqes);
	struct io_uring_sqe *sqe;
	__u32 tail, head;
	int ret;

	tail = *sq_tail;
	sqe = &r->sqes[tail & sq_mask];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_WRITE_FIXED;
	sqe->fd = out_fd;
	sqe->addr = (unsigned long)addr;
	sqe->len = len;
	sqe->off = 0;
	sqe->buf_index = 0;
	sq_array[tail & sq_mask] = tail & sq_mask;
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);

	ret = syscall(__NR_io_uring_enter, r->fd, 1, 1,
		      IORING_ENTER_GETEVENTS, NULL, 0);
	if (ret < 0) {
		fprintf(stderr, "devdax_hold: io_uring_enter: %s\n",
			strerror(errno));
		return -errno;
	}
	head = *cq_head;
	if (head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
		fprintf(stderr, "devdax_hold: no io_uring completion\n");
		return -EIO;
	}
	ret = cqes[head & cq_mask].res;
	__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
	return ret;
}

static void ring_exit(struct ring *r)
{
	munmap(r->sqes, r->sqes_len);
	munmap(r->cq_ptr, r->cq_len);
	munmap(r->sq_ptr, r->sq_len);
	close(r->fd);
}

/* Wait for a line on stdin or a signal; EOF means wait for a signal */
static void wait_for_release(void)
{
	static const int sigs[] = { SIGUSR1, SIGINT, SIGTERM, SIGHUP };
	bool stdin_open = true;
	struct sigaction sa;
	sigset_t block, old;
	unsigned int i;
	fd_set rfds;
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	/* Signals are only taken inside pselect(): no lost wakeup */
	sigprocmask(SIG_BLOCK, &block, &old);

	while (!signalled()) {
		FD_ZERO(&rfds);
		if (stdin_open)
			FD_SET(STDIN_FILENO, &rfds);
		if (pselect(stdin_open ? STDIN_FILENO + 1 : 0,
			    stdin_open ? &rfds : NULL, NULL, NULL, NULL,
			    &old) <= 0)
			continue;
		if (read(STDIN_FILENO, &c, 1) == 1) {
			if (c == '\n')
				break;
			continue;
		}
		fprintf(stderr,
			"devdax_hold: stdin closed, waiting for a signal\n");
		stdin_open = false;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Read @len bytes from @fd, returning -errno on failure */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		done += n;
	}
	return done;
}

static int readback_pipe(int fd, size_t off)
{
	static __u64 buf[HOLD_SIZE / sizeof(__u64)];
	ssize_t n = read_full(fd, buf, HOLD_SIZE);

	if (n < 0) {
		fprintf(stderr,
			"devdax_hold: reading the held page back failed: %s\n",
			strerror(-n));
		return EXIT_READBACK;
	}
	if (n != (ssize_t)HOLD_SIZE) {
		fprintf(stderr,
			"devdax_hold: short read back of the held page: %zd bytes\n",
			n);
		return EXIT_READBACK;
	}
	return check_pattern(buf, HOLD_SIZE, off) ? EXIT_MISMATCH : 0;
}

/*
 * Install a guard page in the second @align-sized region of @map, fork, let
 * the child read one word of every page of the first region and exit.
 * Returns 0 when the child saw the pattern and exited normally.
 */
static int guard_fork(char *map, unsigned long align)
{
	int status;
	pid_t pid;

	if (madvise(map + align, HOLD_SIZE, MADV_GUARD_INSTALL)) {
		fprintf(stderr, "devdax_hold: MADV_GUARD_INSTALL: %s\n",
			strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "devdax_hold: fork: %s\n", strerror(errno));
		return -1;
	}
	if (!pid) {
		size_t off;

		for (off = 0; off < align; off += HOLD_SIZE)
			if (__atomic_load_n((__u64 *)(map + off),
					    __ATOMIC_RELAXED) !=
			    pattern_word(off))
				_exit(EXIT_MISMATCH);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "devdax_hold: waitpid: %s\n", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr,
			"devdax_hold: the forked child %s %d\n",
			WIFEXITED(status) ? "exited with" : "was killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	printf("forked: the child read the first %#lx bytes and exited\n",
	       align);
	return 0;
}

static int bad_args(const char *prog)
{
	fprintf(stderr, "usage: %s /dev/daxX.Y get|pin|guard-fork [align]\n",
		prog);
	return EXIT_SETUP;
}

int main(int argc, char **argv)
{
	struct ring ring = { .fd = -1 };
	int fd, pfd[2] = { -1, -1 };
	unsigned long align;
	enum hold_mode mode;
	size_t map_len, off;
	struct iovec iov;
	bool pin;
	char *map;
	int ret;

	if (argc < 3 || argc > 4)
		return bad_args(argv[0]);
	if (!strcmp(argv[2], "pin"))
		mode = HOLD_PIN;
	else if (!strcmp(argv[2], "get"))
		mode = HOLD_GET;
	else if (!strcmp(argv[2], "guard-fork"))
		mode = HOLD_GUARD_FORK;
	else
		return bad_args(argv[0]);
	pin = mode == HOLD_PIN;

	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "devdax_hold: open %s: %s\n", argv[1],
			strerror(errno));
		return EXIT_SETUP;
	}
	align = argc == 4 ? strtoul(argv[3], NULL, 0) : read_align(fd);
	if (align < HOLD_SIZE || (align & (align - 1))) {
		fprintf(stderr, "devdax_hold: bad alignment %#lx\n", align);
		return EXIT_SETUP;
	}

	map_len = mode == HOLD_GUARD_FORK ? 2 * align : align;
	map = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "devdax_hold: mmap %#zx bytes: %s\n", map_len,
			strerror(errno));
		return EXIT_SETUP;
	}
	fill_pattern(map, align);
	if (mode == HOLD_GUARD_FORK && guard_fork(map, align))
		return EXIT_SETUP;

	/* A page in the middle: a tail page of a compound folio */
	off = (align / 2) & ~(HOLD_SIZE - 1);
	iov.iov_base = map + off;
	iov.iov_len = HOLD_SIZE;

	if (pin) {
		if (ring_setup(&ring))
			return EXIT_SETUP;
		if (syscall(__NR_io_uring_register, ring.fd,
			    IORING_REGISTER_BUFFERS, &iov, 1)) {
			fprintf(stderr,
				"devdax_hold: IORING_REGISTER_BUFFERS: %s\n",
				strerror(errno));
			return EXIT_SETUP;
		}
	} else {
		ssize_t n;

		if (pipe(pfd)) {
			fprintf(stderr, "devdax_hold: pipe: %s\n",
				strerror(errno));
			return EXIT_SETUP;
		}
		n = vmsplice(pfd[1], &iov, 1, 0);
		if (n != (ssize_t)HOLD_SIZE) {
			fprintf(stderr, "devdax_hold: vmsplice returned %zd: %s\n",
				n, n < 0 ? strerror(errno) : "short");
			return EXIT_SETUP;
		}
		close(pfd[1]);
	}

	if (munmap(map, map_len) || close(fd)) {
		fprintf(stderr, "devdax_hold: munmap/close: %s\n",
			strerror(errno));
		return EXIT_SETUP;
	}

	printf("READY\n");
	fflush(stdout);
	wait_for_release();

	if (pin) {
		if (pipe(pfd)) {
			fprintf(stderr, "devdax_hold: pipe: %s\n",
				strerror(errno));
			return EXIT_SETUP;
		}
		ret = ring_write_fixed(&ring, pfd[1], iov.iov_base, HOLD_SIZE);
		if (ret != (int)HOLD_SIZE) {
			fprintf(stderr,
				"devdax_hold: IORING_OP_WRITE_FIXED of the pinned page returned %d%s%s\n",
				ret, ret < 0 ? ": " : "",
				ret < 0 ? strerror(-ret) : "");
			return EXIT_READBACK;
		}
		ret = readback_pipe(pfd[0], off);
		if (ret)
			return ret;
		if (syscall(__NR_io_uring_register, ring.fd,
			    IORING_UNREGISTER_BUFFERS, NULL, 0)) {
			fprintf(stderr,
				"devdax_hold: IORING_UNREGISTER_BUFFERS: %s\n",
				strerror(errno));
			return EXIT_RELEASE;
		}
		ring_exit(&ring);
		close(pfd[1]);
	} else {
		ret = readback_pipe(pfd[0], off);
		if (ret)
			return ret;
	}
	if (close(pfd[0])) {
		fprintf(stderr, "devdax_hold: close: %s\n", strerror(errno));
		return EXIT_RELEASE;
	}

	printf("OK %s: %lu bytes at offset %#zx read back intact, reference dropped\n",
	       argv[2], HOLD_SIZE, off);
	return 0;
}
