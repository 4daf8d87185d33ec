// SPDX-License-Identifier: GPL-2.0
/*
 * dax_escape - mappings of a device-DAX instance that try to outlive it
 *
 * Usage: dax_escape hold /dev/daxX.Y ALIGN [held]
 *        dax_escape fill SIZE [NODE]
 *
 * "hold" maps the instance in every way that could keep a mapping out of the zap of its
 * teardown, each mapping two ALIGN-sized leaves at its own file offset, written:
 *
 *   plain      a shared mapping; with "held", one of its 4 KiB pages is held by a pipe
 *              (vmsplice(), FOLL_GET)
 *   madvise    MADV_DONTNEED of the first leaf and a refault, then MADV_COLD, MADV_PAGEOUT,
 *              MADV_WILLNEED and MADV_POPULATE_READ over both
 *   mremap     moved to another aligned address
 *   guard      a guard page (MADV_GUARD_INSTALL) in the second leaf, which makes fork() copy
 *              the page tables; a forked child keeps its copy
 *   uffd-wp    registered with a userfaultfd in asynchronous write-protect mode (where the
 *              kernel has it) and write-protected; at 4K its first leaf written again
 *   fork-race  a child with a guard mapping forks in a loop, each grandchild touching the
 *              mapping, until "stop": the forks race the teardown; the last eight stay
 *
 * It prints "READY" when every mapping is in place, then reads commands on stdin, one per
 * line, and answers each with a line "DONE <command> ok|fail":
 *
 *   release       read the held page back through the pipe (the pattern must be intact) and
 *                 close the pipe
 *   drop          close the pipe without reading: after a teardown that did not wait for the
 *                 page, reading it is a use-after-free (v7.2.8 on arm64: an oops)
 *   stop          stop the fork race
 *   probe ACCESS  every process checks every mapping it holds: no page of it may be mapped
 *                 (pagemap); with ACCESS 1, a read of each leaf must also raise SIGBUS, and
 *                 a read that does not is reported with what it found (the fill's marker:
 *                 the new owner's data)
 *   exit          end every process
 *
 * "fill" maps SIZE bytes (k, M, G suffixes) of anonymous memory (with NODE, bound to that NUMA
 * node: the node the range was added to), writes the marker to the first word of every page,
 * prints "READY" and waits for a byte on stdin, the end of stdin or a signal: a new owner of the
 * memory.
 *
 * Exit status: 0, or 1 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>

#include "ktap.h"
#include "util.h"
#include "pages.h"
#include "pagemap.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC 0x8000
#endif

/*
 * The mappings' file offsets start here: the System RAM that kmem makes of the instance starts
 * at the first memory block boundary in it (128 MiB on x86-64), past the namespace's metadata.
 */
#define MAP_BASE	(512UL << 20)
#define FILL_MAGIC	0x6e65776f776e6572ULL	/* "newowner" */
#define MAX_PROCS	16
#define RACE_KEEP	8

struct mapping {
	const char *name;
	char *p;
	unsigned long len;	/* probed: [p, p + len) */
	unsigned long leaves;	/* leaves read by an access probe, from p */
};

/* Shared by every process of "hold". */
struct shared {
	int nprocs;
	pid_t procs[MAX_PROCS];		/* the processes other than the first that hold mappings */
	int access;			/* of the current probe */
	int done;			/* processes that finished the current probe */
	int fails;			/* failed checks of the current probe */
	int race_forks;			/* forks of the race */
	int race_touch_sigbus;		/* grandchildren whose touch raised SIGBUS */
};

static struct shared *sh;
static unsigned long align;
static int dax_fd;
static struct mapping maps[8];
static int nmaps;
static const char *me = "main";
static int probe_req;		/* set by SIGUSR1 */

static void on_usr1(int sig)
{
	(void)sig;
	WRITE_ONCE(probe_req, 1);
}

static char *map_at(unsigned long off, unsigned long len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, dax_fd, MAP_BASE + off);

	if (p == MAP_FAILED) {
		ktap_print("mmap %lu bytes at offset %#lx: %s", len, MAP_BASE + off,
			   strerror(errno));
		return NULL;
	}
	return p;
}

/* The pagemap entry of the page at @p, or 0. */
static u64 pagemap_entry(const char *p)
{
	u64 e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd >= 0 && pread(fd, &e, 8, (unsigned long)p / PAGE * 8) != 8)
		e = 0;
	if (fd >= 0)
		close(fd);
	return e;
}

static long present_pages(const char *p, unsigned long len);

static void add(const char *name, char *p, unsigned long len, unsigned long leaves)
{
	u64 e = pagemap_entry(p);

	maps[nmaps++] = (struct mapping){ name, p, len, leaves };
	if (e & PM_PRESENT)
		ktap_print("%s: %lu bytes at %p, %ld page(s) mapped, the first at %#llx", name,
			   len, p, present_pages(p, len),
			   (unsigned long long)(e & (BIT_ULL(55) - 1)) * PAGE);
	else
		ktap_print("%s: %lu bytes at %p, %ld page(s) mapped, not the first", name, len, p,
			   present_pages(p, len));
}

/* Pages of [p, p + len) that pagemap reports present; -1 on error. */
static long present_pages(const char *p, unsigned long len)
{
	static u64 buf[512];
	unsigned long i, n, done = 0;
	long present = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return -1;
	while (done < len / PAGE) {
		n = len / PAGE - done;
		if (n > ARRAY_SIZE(buf))
			n = ARRAY_SIZE(buf);
		if (pread(fd, buf, n * 8, ((unsigned long)p / PAGE + done) * 8) !=
		    (ssize_t)(n * 8)) {
			close(fd);
			return -1;
		}
		for (i = 0; i < n; i++)
			present += !!(buf[i] & PM_PRESENT);
		done += n;
	}
	close(fd);
	return present;
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* Read the first word at @p: 1 and the word in @val, or 0 if the read raised SIGBUS. */
static int read_word(const char *p, u64 *val)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int ok = 1;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1))
		ok = 0;
	else
		*val = READ_ONCE(*(const u64 *)p);
	sigaction(SIGBUS, &old, NULL);
	return ok;
}

/* Probe this process's mappings; the number of failed checks. */
static int probe(int access)
{
	int i, fails = 0;
	unsigned long l;
	long n;
	u64 v;

	for (i = 0; i < nmaps; i++) {
		n = present_pages(maps[i].p, maps[i].len);
		if (n) {
			ktap_print("%s: %s: %ld page(s) still mapped%s", me, maps[i].name, n,
				   n < 0 ? " (pagemap unreadable)" : "");
			fails++;
		}
		for (l = 0; access && l < maps[i].leaves; l++) {
			if (!read_word(maps[i].p + l * align, &v))
				continue;
			ktap_print("%s: %s: leaf %lu readable: %#llx%s", me, maps[i].name, l,
				   (unsigned long long)v,
				   v == FILL_MAGIC ? " (the new owner's data)" : "");
			fails++;
		}
	}
	return fails;
}

/* A process other than the first that holds mappings: probes on SIGUSR1 until killed. */
static void holder_loop(void)
{
	sigset_t usr1, old;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	for (;;) {
		while (!READ_ONCE(probe_req))
			sigsuspend(&old);
		WRITE_ONCE(probe_req, 0);
		__atomic_add_fetch(&sh->fails, probe(sh->access), __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&sh->done, 1, __ATOMIC_SEQ_CST);
	}
}

static void add_proc(pid_t pid)
{
	int i = __atomic_fetch_add(&sh->nprocs, 1, __ATOMIC_SEQ_CST);

	if (i < MAX_PROCS)
		sh->procs[i] = pid;
}

static int pipefd[2] = { -1, -1 };
static pid_t racer;

/* In a process other than the first: the pipe's page reference is the first one's alone. */
static void drop_pipe(void)
{
	if (pipefd[0] >= 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		pipefd[0] = -1;
		pipefd[1] = -1;
	}
}

/* Fork a child that keeps and probes every mapping it inherits. Returns its pid, or -1. */
static pid_t fork_holder(const char *name)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	me = name;
	drop_pipe();
	holder_loop();
	_exit(0);
}

/* A mapping of two leaves at @off whose second leaf has a guard page at its end. */
static char *map_guarded(unsigned long off, u64 seed)
{
	char *p = map_at(off, 2 * align);

	if (!p)
		return NULL;
	pages_fill(p, align, seed);
	if (madvise(p + 2 * align - PAGE, PAGE, MADV_GUARD_INSTALL)) {
		ktap_print("MADV_GUARD_INSTALL: %s", strerror(errno));
		return NULL;
	}
	return p;
}

static int race_stop;		/* set by SIGUSR2 */

static void on_usr2(int sig)
{
	(void)sig;
	WRITE_ONCE(race_stop, 1);
}

/*
 * The fork race, in a child whose last mapping is @p: fork until SIGUSR2, each grandchild
 * touching the first leaf of @p (which raises SIGBUS once the teardown has begun) and then
 * holding what it inherited; keep the last RACE_KEEP alive and register them, then hold too.
 */
static void racer_loop(char *p)
{
	pid_t ring[RACE_KEEP] = { 0 }, pid;
	unsigned int i, n = 0;
	u64 v;

	/* its own process group: the grandchildren die with it whatever happens */
	setpgid(0, 0);
	signal(SIGUSR2, on_usr2);
	while (!READ_ONCE(race_stop)) {
		pid = fork();
		if (pid < 0) {
			ktap_print("a racing fork failed: %s", strerror(errno));
			break;
		}
		if (!pid) {
			me = "fork-race grandchild";
			if (!read_word(p, &v))
				__atomic_add_fetch(&sh->race_touch_sigbus, 1, __ATOMIC_SEQ_CST);
			holder_loop();
			_exit(0);
		}
		i = n++ % RACE_KEEP;
		if (ring[i]) {
			kill(ring[i], SIGKILL);
			waitpid(ring[i], NULL, 0);
		}
		ring[i] = pid;
		sh->race_forks = n;
	}
	for (i = 0; i < RACE_KEEP; i++)
		if (ring[i])
			add_proc(ring[i]);
	add_proc(getpid());
	__atomic_add_fetch(&sh->done, 1, __ATOMIC_SEQ_CST);
	holder_loop();
}

static int uffd_wp(char *p, unsigned long len)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)p, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = { .start = (unsigned long)p, .len = len },
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};
	int uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg) ||
	    ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) {
		ktap_print("uffd-wp: userfaultfd in WP_ASYNC mode: %s: mapped without it",
			   strerror(errno));
		return -1;
	}
	return uffd;
}

static const u64 plain_seed = 0x706c61696e000000ULL;

/* Hold the page at @p in a pipe (vmsplice(): get_user_pages()). */
static int hold_page(char *p)
{
	struct iovec iov = { .iov_base = p, .iov_len = PAGE };

	if (pipe(pipefd)) {
		ktap_print("pipe: %s", strerror(errno));
		return -1;
	}
	if (vmsplice(pipefd[1], &iov, 1, 0) != PAGE) {
		ktap_print("vmsplice: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int setup(const char *path, int held)
{
	const int advice[] = { MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED, MADV_POPULATE_READ };
	const char *const advice_name[] = { "MADV_COLD", "MADV_PAGEOUT", "MADV_WILLNEED",
					    "MADV_POPULATE_READ" };
	unsigned long two = 2 * align;
	char *p, *area, *target;
	unsigned int i;
	pid_t pid;

	dax_fd = open(path, O_RDWR);
	if (dax_fd < 0) {
		ktap_print("open %s: %s", path, strerror(errno));
		return -1;
	}

	/* plain, and with "held" a page of it in a pipe */
	p = map_at(0, two);
	if (!p)
		return -1;
	pages_fill(p, two, plain_seed);
	add("plain", p, two, 2);
	if (held && hold_page(p + align))
		return -1;

	/* madvise */
	p = map_at(two, two);
	if (!p)
		return -1;
	pages_fill(p, two, 2);
	if (madvise(p, align, MADV_DONTNEED) || pages_check(p, align, 2)) {
		ktap_print("madvise: MADV_DONTNEED and refault: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(advice); i++)
		if (madvise(p, two, advice[i]))
			ktap_print("madvise: %s: %s", advice_name[i], strerror(errno));
	add("madvise", p, two, 2);

	/* mremap */
	p = map_at(2 * two, two);
	if (!p)
		return -1;
	pages_fill(p, two, 3);
	area = mmap(NULL, 2 * two, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED)
		return -1;
	target = (char *)(((unsigned long)area + align - 1) & ~(align - 1));
	p = mremap(p, two, two, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	if (p == MAP_FAILED || pages_check(p, two, 3)) {
		ktap_print("mremap: %s", strerror(errno));
		return -1;
	}
	add("mremap", p, two, 2);

	/* guard, and a forked child that keeps its copy */
	p = map_guarded(3 * two, 4);
	if (!p)
		return -1;
	add("guard", p, two, 1);
	pid = fork_holder("guard child");
	if (pid < 0)
		return -1;
	add_proc(pid);

	/* uffd-wp */
	p = map_at(4 * two, two);
	if (!p)
		return -1;
	pages_fill(p, two, 5);
	/*
	 * At 4K, a write resolves the write-protection of the first leaf. Above, protecting a
	 * file's huge leaf zaps it and leaves uffd-wp markers in a page table in its place: a
	 * refault would be a 4K fault, which the instance refuses with SIGBUS.
	 */
	if (uffd_wp(p, two) >= 0 && align == PAGE)
		pages_fill(p, align, 7);
	add("uffd-wp", p, two, 2);

	/* fork-race */
	p = map_guarded(5 * two, 6);
	if (!p)
		return -1;
	racer = fork();
	if (racer < 0)
		return -1;
	if (!racer) {
		me = "fork-race";
		drop_pipe();
		add("fork-race", p, two, 1);
		racer_loop(p);
		_exit(0);
	}
	setpgid(racer, racer);
	munmap(p, two);
	sh->procs[sh->nprocs++] = -racer;	/* stopped with SIGUSR2, not probed */
	return 0;
}

/* Send @sig to the processes of sh->procs, one at a time, each to be counted in sh->done. */
static void signal_procs(int want_racer)
{
	int i, target, racer_entry;

	for (i = 0; i < sh->nprocs && i < MAX_PROCS; i++) {
		racer_entry = sh->procs[i] < 0;
		if (!sh->procs[i] || racer_entry != !!want_racer)
			continue;
		target = __atomic_load_n(&sh->done, __ATOMIC_SEQ_CST) + 1;
		kill(want_racer ? -sh->procs[i] : sh->procs[i], want_racer ? SIGUSR2 : SIGUSR1);
		while (__atomic_load_n(&sh->done, __ATOMIC_SEQ_CST) < target)
			usleep(1000);
		if (want_racer)
			sh->procs[i] = 0;
	}
}

static int cmd_release(int read_back)
{
	static char buf[PAGE];

	if (pipefd[0] < 0)
		return -1;
	if (!read_back) {
		drop_pipe();
		return 0;
	}
	if (read(pipefd[0], buf, PAGE) != PAGE) {
		ktap_print("reading the held page back: %s", strerror(errno));
		return -1;
	}
	close(pipefd[0]);
	close(pipefd[1]);
	pipefd[0] = -1;
	if (*(u64 *)buf != page_word(align, plain_seed)) {
		ktap_print("the held page reads %#llx, not %#llx", *(unsigned long long *)buf,
			   (unsigned long long)page_word(align, plain_seed));
		return -1;
	}
	return 0;
}

static int cmd_probe(int access)
{
	sh->access = access;
	sh->fails = probe(access);
	signal_procs(0);
	return sh->fails ? -1 : 0;
}

static int hold(const char *path, int held)
{
	char line[64];
	int i, ret, access;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	signal(SIGUSR1, on_usr1);
	if (setup(path, held)) {
		ktap_print("setting up the mappings failed");
		return 1;
	}
	printf("# %d mappings in the first process, %d other process(es) and a fork race\nREADY\n",
	       nmaps, sh->nprocs - 1);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (!strcmp(line, "exit"))
			break;
		if (!strcmp(line, "release") || !strcmp(line, "drop")) {
			ret = cmd_release(line[0] == 'r');
		} else if (!strcmp(line, "stop")) {
			signal_procs(1);
			ktap_print("fork-race: %d forks, %d grandchildren's touch raised SIGBUS",
				   sh->race_forks, sh->race_touch_sigbus);
			ret = 0;
		} else if (sscanf(line, "probe %d", &access) == 1) {
			ret = cmd_probe(access);
		} else {
			ktap_print("unknown command '%s'", line);
			ret = -1;
		}
		printf("DONE %s %s\n", line, ret ? "fail" : "ok");
		fflush(stdout);
	}
	for (i = 0; i < sh->nprocs && i < MAX_PROCS; i++)
		if (sh->procs[i] > 0)
			kill(sh->procs[i], SIGKILL);
	if (racer > 0)
		kill(-racer, SIGKILL);
	while (wait(NULL) > 0)
		;
	printf("DONE exit ok\n");
	return 0;
}

/* include/uapi/linux/mempolicy.h */
#define FILL_MPOL_BIND	2

static int fill(unsigned long len, int node)
{
	unsigned long off, mask = node >= 0 ? BIT(node) : 0;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c;

	if (p == MAP_FAILED) {
		ktap_print("%s: mmap %lu MiB: %s", __func__, len >> 20, strerror(errno));
		return 1;
	}
	/* maxnode: one more than the bits of the mask, as libnuma passes it */
	if (node >= 0 &&
	    syscall(SYS_mbind, p, len, FILL_MPOL_BIND, &mask, 8 * sizeof(mask) + 1, 0)) {
		ktap_print("%s: mbind to node %d: %s", __func__, node, strerror(errno));
		return 1;
	}
	for (off = 0; off < len; off += PAGE)
		WRITE_ONCE(*(u64 *)(p + off), FILL_MAGIC);
	printf("READY\n");
	fflush(stdout);
	/* until a byte or the end of the input */
	if (read(0, &c, 1) < 0)
		pause();
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 4 || (argc == 5 && !strcmp(argv[4], "held"))) && !strcmp(argv[1], "hold")) {
		align = parse_size(argv[3]);
		if (align >= PAGE && !(align & (align - 1)))
			return hold(argv[2], argc == 5);
	} else if ((argc == 3 || argc == 4) && !strcmp(argv[1], "fill") && parse_size(argv[2])) {
		char *end = "";
		long node = argc == 4 ? strtol(argv[3], &end, 10) : -1;

		if (!*end && node >= -1 && node < 8 * (long)sizeof(unsigned long))
			return fill(parse_size(argv[2]), node);
	}
	fprintf(stderr,
		"usage: dax_escape hold /dev/daxX.Y ALIGN [held] | dax_escape fill SIZE [NODE]\n");
	return 1;
}
