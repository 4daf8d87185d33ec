// SPDX-License-Identifier: GPL-2.0
/*
 * dax_load DEV ALIGN SECONDS RAMDISK: load on a device-DAX instance for the unbind-under-load
 * test (lifetime/load.sh), which disables and re-enables the instance meanwhile. Three worker
 * processes, each on a slice of the instance of its own, for SECONDS:
 *
 *   mapper  maps the instance, checks the words it wrote before, writes new ones;
 *   dio     O_DIRECT from the RAM disk into its slice and back, then compares;
 *   pinner  pins its slice with gup_test's long-term pin (FOLL_LONGTERM), reads it through the
 *           pin (PIN_LONGTERM_TEST_READ), unpins.
 *
 * Every operation must end with success or one of the outcomes a disabled instance documents:
 * open() or mmap() ENXIO/ENODEV/ENOENT, SIGBUS on access, EFAULT (or a short transfer) from
 * get_user_pages(). A word that was written must read back with its last value whenever it can
 * be read at all: the instance's memory outlives the disable. Anything else fails the worker,
 * printing what it expected and what happened. The counts of each outcome are printed.
 *
 * Prints KTAP; exits 0 when every worker passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"

#define PAGE		4096UL
#define WORDS		64	/* tracked words per slice (mapper) */
#define DIO_LEN		(64 * 1024UL)
#define GUP_TEST	"/sys/kernel/debug/gup_test"

/* The long-term pin test of mm/gup_test.h (CONFIG_GUP_TEST), as tools/testing/selftests uses it. */
struct pin_longterm_test {
	__u64 addr;
	__u64 size;
	__u32 flags;
};

#define PIN_LONGTERM_TEST_START		_IOW('g', 7, struct pin_longterm_test)
#define PIN_LONGTERM_TEST_STOP		_IO('g', 8)
#define PIN_LONGTERM_TEST_READ		_IOW('g', 9, __u64)
#define PIN_LONGTERM_TEST_FLAG_USE_WRITE	1

enum outcome { OK, GONE, SIGBUSED, EFAULTED, SHORT, NR_OUTCOMES };
static const char * const outcome_name[NR_OUTCOMES] = {
	"ok", "instance gone (open/mmap ENXIO, ENODEV, ENOENT)", "SIGBUS", "EFAULT",
	"short transfer",
};

static const char *dev, *ramdisk;
static unsigned long align, slice;	/* each worker's slice: one leaf */
static unsigned int worker_nr;		/* the worker's position in WORKERS */
static unsigned long counts[NR_OUTCOMES];
static const char *worker;
static sigjmp_buf jump;
static time_t deadline;

static void on_sigbus(int sig)
{
	siglongjmp(jump, sig);
}

static void fail(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("# %s: %s\n", worker, buf);
	fflush(stdout);
	_exit(1);
}

/* Open the instance and map its first three leaves; NULL (counted) when it is gone. */
static char *map_instance(int *fd)
{
	char *p;

	*fd = open(dev, O_RDWR);
	if (*fd < 0) {
		if (errno != ENXIO && errno != ENODEV && errno != ENOENT)
			fail("open: %s", strerror(errno));
		counts[GONE]++;
		usleep(1000);
		return NULL;
	}
	p = mmap(NULL, 3 * slice, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (p == MAP_FAILED) {
		if (errno != ENXIO && errno != ENODEV)
			fail("mmap: %s", strerror(errno));
		counts[GONE]++;
		close(*fd);
		usleep(1000);
		return NULL;
	}
	return p;
}

static void unmap_instance(char *p, int fd)
{
	munmap(p, 3 * slice);
	close(fd);
}

/* Read or write the word at @p; 0, or the signal it got. */
static int try_access(u64 *p, int write, u64 *v)
{
	int sig = sigsetjmp(jump, 1);

	if (sig)
		return sig;
	if (write)
		WRITE_ONCE(*p, *v);
	else
		*v = READ_ONCE(*p);
	return 0;
}

static void mapper(void)
{
	u64 last[WORDS] = { 0 }, v, seq = 0;
	unsigned long i, step = slice / WORDS;
	char *p;
	int fd;

	while (time(NULL) < deadline) {
		p = map_instance(&fd);
		if (!p)
			continue;
		for (i = 0; i < WORDS; i++) {
			/* Mappers share the slice: each has a word of its own per step. */
			u64 *w = (u64 *)(p + i * step) + worker_nr;

			if (try_access(w, 0, &v)) {
				counts[SIGBUSED]++;
				break;
			}
			if (last[i] && v != last[i])
				fail("word %lu reads %#llx, last written %#llx", i,
				     (unsigned long long)v, (unsigned long long)last[i]);
			v = 0x6c6f616400000000ULL | ++seq;
			if (try_access(w, 1, &v)) {
				counts[SIGBUSED]++;
				break;
			}
			last[i] = v;
			counts[OK]++;
		}
		unmap_instance(p, fd);
	}
}

/* A transfer's outcome: OK, EFAULT or a short one (counted); anything else fails. */
static enum outcome transfer(const char *what, ssize_t ret, size_t len)
{
	enum outcome o = OK;

	if (ret < 0 && errno == EFAULT)
		o = EFAULTED;
	else if (ret < 0)
		fail("%s: %s", what, strerror(errno));
	else if ((size_t)ret < len && ret % PAGE == 0)
		o = SHORT;
	else if ((size_t)ret != len)
		fail("%s: %zd of %zu bytes", what, ret, len);
	counts[o]++;
	return o;
}

static void dio(void)
{
	char *buf = aligned_alloc(PAGE, DIO_LEN);	/* O_DIRECT */
	unsigned long i, seq = 0;
	char *p, *s;
	int fd, rd;
	u64 v;

	if (!buf)
		fail("no memory");
	rd = open(ramdisk, O_RDWR | O_DIRECT);
	if (rd < 0)
		fail("open %s: %s", ramdisk, strerror(errno));
	while (time(NULL) < deadline) {
		p = map_instance(&fd);
		if (!p)
			continue;
		s = p + slice;
		/* The RAM disk gets a fresh pattern; O_DIRECT brings it into the slice. */
		seq++;
		for (i = 0; i < DIO_LEN; i += 8)
			*(u64 *)(buf + i) = seq << 32 | i;
		if (pwrite(rd, buf, DIO_LEN, 0) != (ssize_t)DIO_LEN)
			fail("pwrite %s: %s", ramdisk, strerror(errno));
		if (transfer("O_DIRECT read into the mapping", pread(rd, s, DIO_LEN, 0),
			     DIO_LEN) != OK)
			goto next;
		for (i = 0; i < DIO_LEN; i += 8) {
			if (try_access((u64 *)(s + i), 0, &v)) {
				counts[SIGBUSED]++;
				goto next;
			}
			if (v != (seq << 32 | i))
				fail("after O_DIRECT read, offset %#lx reads %#llx, expected %#llx",
				     i, (unsigned long long)v,
				     (unsigned long long)(seq << 32 | i));
		}
		/* And back out: from the slice to the RAM disk, compared there. */
		if (transfer("O_DIRECT write from the mapping", pwrite(rd, s, DIO_LEN, DIO_LEN),
			     DIO_LEN) != OK)
			goto next;
		if (pread(rd, buf, DIO_LEN, DIO_LEN) != (ssize_t)DIO_LEN)
			fail("pread %s: %s", ramdisk, strerror(errno));
		for (i = 0; i < DIO_LEN; i += 8)
			if (*(u64 *)(buf + i) != (seq << 32 | i))
				fail("after O_DIRECT write, offset %#lx: %#llx, expected %#llx",
				     i, (unsigned long long)*(u64 *)(buf + i),
				     (unsigned long long)(seq << 32 | i));
next:
		unmap_instance(p, fd);
	}
	close(rd);
	free(buf);
}

static void pinner(void)
{
	static char buf[DIO_LEN];
	struct pin_longterm_test args = {
		.size = DIO_LEN,
		.flags = PIN_LONGTERM_TEST_FLAG_USE_WRITE,
	};
	unsigned long i;
	int gup, fd;
	__u64 to;
	char *p;

	gup = open(GUP_TEST, O_RDWR);
	if (gup < 0)
		fail("open %s: %s", GUP_TEST, strerror(errno));
	to = (unsigned long)buf;
	while (time(NULL) < deadline) {
		p = map_instance(&fd);
		if (!p)
			continue;
		args.addr = (unsigned long)(p + 2 * slice);
		/* Pattern the slice through the mapping; SIGBUS once the instance is gone. */
		for (i = 0; i < DIO_LEN; i += 8) {
			u64 v = i ^ 0x70696e0000000000ULL;

			if (try_access((u64 *)(p + 2 * slice + i), 1, &v)) {
				counts[SIGBUSED]++;
				goto next;
			}
		}
		if (ioctl(gup, PIN_LONGTERM_TEST_START, &args)) {
			if (errno != EFAULT)
				fail("PIN_LONGTERM_TEST_START: %s", strerror(errno));
			counts[EFAULTED]++;
			goto next;
		}
		/* Hold the pin a little: a disable now must wait for it. */
		usleep(20000);
		if (ioctl(gup, PIN_LONGTERM_TEST_READ, &to))
			fail("PIN_LONGTERM_TEST_READ: %s", strerror(errno));
		if (ioctl(gup, PIN_LONGTERM_TEST_STOP))
			fail("PIN_LONGTERM_TEST_STOP: %s", strerror(errno));
		for (i = 0; i < DIO_LEN; i += 8)
			if (*(u64 *)(buf + i) != (i ^ 0x70696e0000000000ULL))
				fail("through the pin, offset %#lx reads %#llx", i,
				     (unsigned long long)*(u64 *)(buf + i));
		counts[OK]++;
next:
		unmap_instance(p, fd);
	}
	close(gup);
}

static const struct {
	const char *name;
	void (*run)(void);
} workers[] = {
	{ "mapper", mapper },
	{ "dio", dio },
	{ "pinner", pinner },
};

#define MAX_WORKERS 8

/* WORKERS: a comma-separated list of worker names (a name may repeat); NULL: one of each. */
static unsigned int pick_workers(const char *list, unsigned int *pick)
{
	unsigned int i, n = 0;
	char *copy, *name, *save;

	if (!list) {
		for (i = 0; i < ARRAY_SIZE(workers); i++)
			pick[n++] = i;
		return n;
	}
	copy = strdup(list);
	for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(workers); i++)
			if (!strcmp(name, workers[i].name))
				break;
		if (i == ARRAY_SIZE(workers) || n == MAX_WORKERS)
			ktap_bail("WORKERS: an unknown worker, or more than 8");
		pick[n++] = i;
	}
	free(copy);
	return n;
}

int main(int argc, char **argv)
{
	unsigned int pick[MAX_WORKERS], nr, i, j, n;
	int fds[MAX_WORKERS][2];
	pid_t pid[MAX_WORKERS];
	char line[512];

	align = argc == 5 || argc == 6 ? parse_size(argv[2]) : 0;
	if (!align || atoi(argv[3]) <= 0)
		ktap_bail("usage: dax_load DEV 4k|2M|1G SECONDS RAMDISK [mapper|dio|pinner,...]");
	nr = pick_workers(argc == 6 ? argv[5] : NULL, pick);
	dev = argv[1];
	ramdisk = argv[4];
	slice = align > DIO_LEN ? align : DIO_LEN;
	deadline = time(NULL) + atoi(argv[3]);
	signal(SIGBUS, on_sigbus);
	ktap_plan(nr);

	for (i = 0; i < nr; i++) {
		if (pipe(fds[i]))
			ktap_bail("pipe");
		pid[i] = fork();
		if (pid[i] < 0)
			ktap_bail("fork");
		if (pid[i] == 0) {
			worker = workers[pick[i]].name;
			worker_nr = i;
			workers[pick[i]].run();
			/* The counts, in one write, for the parent to print. */
			for (n = 0, j = 0; j < NR_OUTCOMES; j++)
				n += snprintf(line + n, sizeof(line) - n, "%s%lu %s", j ? ", " : "",
					      counts[j], outcome_name[j]);
			_exit(write(fds[i][1], line, strlen(line)) < 0);
		}
		close(fds[i][1]);
	}
	for (i = 0; i < nr; i++) {
		ssize_t n = read(fds[i][0], line, sizeof(line) - 1);
		int status;

		line[n > 0 ? n : 0] = '\0';
		waitpid(pid[i], &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ktap_print("%s: %s", workers[pick[i]].name, line);
		else if (WIFSIGNALED(status))
			ktap_print("%s: killed by %s", workers[pick[i]].name,
				   strsignal(WTERMSIG(status)));
		/* A worker that never once succeeded did not load anything. */
		ktap_result(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
			    strncmp(line, "0 ok", 4), workers[pick[i]].name);
	}
	return ktap_exit();
}
