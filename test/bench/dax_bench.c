// SPDX-License-Identifier: GPL-2.0
/*
 * dax_bench DEV ALIGN SIZE REPS BLKDEV: the kernel-path costs of a device-DAX instance.
 *
 * DEV is /dev/daxX.Y, configured at ALIGN; SIZE bytes of it are mapped. Each of the REPS
 * repetitions disables and re-enables the instance (through sysfs, as nd_enable_and_map does)
 * and then, on a freshly enabled instance:
 *
 *   enable, disable   the time of the sysfs bind and unbind writes (nothing referenced)
 *   fault-first       writing one word per ALIGN of a new mapping, per fault and per GiB
 *                     (and the number of faults: SIZE / ALIGN when every fault maps ALIGN)
 *   munmap            unmapping the fully faulted mapping, per GiB
 *   fault-again       the same writes to a later mapping of the same, now used, range (after a
 *                     mapping that checked the words of the first)
 *   fault-threads     fault-first again with every online CPU's thread (at least two) writing its
 *                     own slice of a new mapping at once, per fault: under KVM with several vCPUs
 *                     it shows contention between concurrent faults of one instance (one vCPU
 *                     under TCG: the same work, interleaved)
 *   fork              fork() of a process holding the fully faulted mapping, with a guard
 *                     page so that its page tables are copied (4K and 2M only)
 *   gup-*             the kernel's gup_test (CONFIG_GUP_TEST) over the whole mapping, 512 pages
 *                     per call: get_user_pages_fast, pin_user_pages_fast, get_user_pages,
 *                     pin_user_pages, pin_user_pages(FOLL_LONGTERM); per 4K page and per GiB
 *   dio-dax           O_DIRECT reads from BLKDEV into the mapping, in MiB/s
 *   dio-dax-out       O_DIRECT writes of the same bytes from the mapping back to BLKDEV, in
 *                     MiB/s (get_user_pages() without FOLL_WRITE): with dio-dax, a copy through
 *                     the mapping in both directions; dio-anon then checks what reached BLKDEV
 *   dio-anon          the same reads into ordinary anonymous memory: the ceiling
 *
 * dax_bench DEV ALIGN SIZE REPS BLKDEV TAG, the scale mode (bench/scale.sh; SIZE is the whole
 * instance there): each repetition only disables and enables the instance, and reports
 * disable-TAG, enable-TAG and memmap-TAG, the memmap the enable set up per GiB of instance
 * (nr_memmap_pages before and after it, see memmap_pages()); then the instance is mapped as a
 * whole and faulted in (fault-TAG), and gup-fast-get-TAG is GUP-fast over all of it. No KTAP
 * plan or result: the script makes one subtest of each run, from the exit status.
 *
 * Every figure is measured with the guest's CLOCK_MONOTONIC (gup_test's own ktime for gup-*);
 * under QEMU's -icount the guest clock counts executed instructions, so the figures are
 * instruction counts more than times. Faults are counted with getrusage(), not assumed.
 * Results are KTAP diagnostics "# BENCH <metric> <value> <unit>", one per repetition; each
 * repetition is a subtest that fails when a step fails or moves the wrong bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"
#include "pages.h"
#include "profile.h"

#define GIB		(1024UL * 1024 * 1024)
#define IO_CHUNK	(1024UL * 1024)
#define GUP_BATCH	512
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

/* The ABI of mm/gup_test.h (CONFIG_GUP_TEST's debugfs file). */
struct gup_test {
	u64 get_delta_usec;
	u64 put_delta_usec;
	u64 addr;
	u64 size;
	u32 nr_pages_per_call;
	u32 gup_flags;
	u32 test_flags;
	u32 which_pages[8];
};

#define GUP_FAST_BENCHMARK	_IOWR('g', 1, struct gup_test)
#define PIN_FAST_BENCHMARK	_IOWR('g', 2, struct gup_test)
#define PIN_LONGTERM_BENCHMARK	_IOWR('g', 3, struct gup_test)
#define GUP_BASIC_TEST		_IOWR('g', 4, struct gup_test)
#define PIN_BASIC_TEST		_IOWR('g', 5, struct gup_test)
#define FOLL_WRITE		0x01

static const struct {
	const char *name;
	unsigned long cmd;
} gup_cmds[] = {
	{ "gup-fast-get", GUP_FAST_BENCHMARK },
	{ "gup-fast-pin", PIN_FAST_BENCHMARK },
	{ "gup-get", GUP_BASIC_TEST },
	{ "gup-pin", PIN_BASIC_TEST },
	{ "gup-pin-longterm", PIN_LONGTERM_BENCHMARK },
};

static const char *dev_path, *dev_name, *blk_path;
static unsigned long align, map_len, extra, io_len;
static char *anon;

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Start the clock of @metric: names the profiler's next window and opens it. */
static u64 clock_start(const char *metric)
{
	ktap_print("PROFILE %s", metric);
	profile_begin();
	return now_ns();
}

/* Stop the clock started at @t0 and close the profiler's window; returns the nanoseconds. */
static u64 clock_stop(u64 t0)
{
	u64 t = now_ns() - t0;

	profile_end();
	return t;
}

static void result(const char *metric, double value, const char *unit)
{
	ktap_print("BENCH %s %.6g %s", metric, value, unit);
}

/*
 * Write NAME to a device_dax driver file (bind, unbind) as @metric; returns the nanoseconds it
 * took.
 */
static long sysfs_write(const char *file, const char *metric)
{
	char path[128];
	u64 t0;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/dax/drivers/device_dax/%s", file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	t0 = clock_start(metric);
	if (write(fd, dev_name, strlen(dev_name)) != (ssize_t)strlen(dev_name)) {
		clock_stop(t0);
		ktap_print("%s %s: %s", file, dev_name, strerror(errno));
		close(fd);
		return -1;
	}
	t0 = clock_stop(t0);
	close(fd);
	return t0;
}

static char *map_dev(int fd, unsigned long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		ktap_print("mmap %s: %s", dev_path, strerror(errno));
		return NULL;
	}
	return p;
}

/*
 * Write one word per ALIGN (one per fault, if each fault maps ALIGN) and report the time per
 * fault taken and per GiB mapped as METRIC; returns 0 when no fault was taken.
 */
static int touch(const char *metric, char *p, u64 tag)
{
	long flt = minflt();
	unsigned long off;
	char name[64];
	u64 t0 = clock_start(metric);

	for (off = 0; off < map_len; off += align)
		WRITE_ONCE(*(u64 *)(p + off), tag ^ off);
	t0 = clock_stop(t0);
	flt = minflt() - flt;
	if (flt <= 0)
		return 0;
	result(metric, (double)t0 / flt, "ns/fault");
	snprintf(name, sizeof(name), "%s-per-GiB", metric);
	result(name, (double)t0 * GIB / map_len / 1e3, "us/GiB");
	snprintf(name, sizeof(name), "%s-faults", metric);
	result(name, flt, "faults");
	return 1;
}

/* The words touch() wrote are there (through another mapping, or in a child). */
static int touched(char *p, u64 tag)
{
	unsigned long off;

	for (off = 0; off < map_len; off += align)
		if (READ_ONCE(*(u64 *)(p + off)) != (tag ^ off)) {
			ktap_print("word at %#lx: %#llx, wrote %#llx", off,
				   (unsigned long long)*(u64 *)(p + off),
				   (unsigned long long)(tag ^ off));
			return 0;
		}
	return 1;
}

static int gup(const char *metric, unsigned long cmd, char *p)
{
	struct gup_test g = {
		.addr = (unsigned long)p,
		.size = map_len,
		.nr_pages_per_call = GUP_BATCH,
		.gup_flags = FOLL_WRITE,
	};
	int fd = open("/sys/kernel/debug/gup_test", O_RDWR);
	char name[64];
	u64 t0;
	int ret;

	if (fd < 0) {
		ktap_print("/sys/kernel/debug/gup_test: %s", strerror(errno));
		return 0;
	}
	/* The profiler's window only: gup_test measures the time itself. */
	t0 = clock_start(metric);
	ret = ioctl(fd, cmd, &g);
	clock_stop(t0);
	close(fd);
	if (ret || g.size != map_len) {
		ktap_print("%s: %s, %llu of %lu bytes", metric, ret ? strerror(errno) : "ok",
			   (unsigned long long)g.size, map_len);
		return 0;
	}
	result(metric, g.get_delta_usec * 1000.0 / (map_len / PAGE), "ns/page");
	snprintf(name, sizeof(name), "%s-per-GiB", metric);
	result(name, g.get_delta_usec / 1000.0 * GIB / map_len, "ms/GiB");
	return 1;
}

/*
 * nr_memmap_pages of /proc/vmstat, or -1: the pages the kernel accounts to the memmap, as
 * sparse-vmemmap computes them (vmemmap deduplication included, the device's own pages of a
 * -M dev namespace too). MemFree cannot tell: the memmap that a disable frees sits in the per-CPU
 * free lists, not counted as free, until the enable takes it back.
 */
static long memmap_pages(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "nr_memmap_pages %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The scale mode (see the top of the file); returns 1 when every step worked. */
static int scale(int reps, const char *tag)
{
	char name[64];
	long t, before, after;
	int fd, rep, ok;
	char *p;

	for (rep = 1; rep <= reps; rep++) {
		snprintf(name, sizeof(name), "disable-%s", tag);
		t = sysfs_write("unbind", name);
		if (t < 0)
			return 0;
		result(name, t / 1e3, "us");
		before = memmap_pages();
		snprintf(name, sizeof(name), "enable-%s", tag);
		t = sysfs_write("bind", name);
		after = memmap_pages();
		if (t < 0 || before < 0 || after < 0)
			return 0;
		result(name, t / 1e3, "us");
		snprintf(name, sizeof(name), "memmap-%s", tag);
		result(name, (double)(after - before) * PAGE / (1 << 20) * GIB / map_len,
		       "MiB/GiB");
	}

	fd = open(dev_path, O_RDWR);
	if (fd < 0) {
		ktap_print("open %s: %s", dev_path, strerror(errno));
		return 0;
	}
	p = map_dev(fd, map_len);
	snprintf(name, sizeof(name), "fault-%s", tag);
	ok = p && touch(name, p, 1);
	if (ok) {
		snprintf(name, sizeof(name), "gup-fast-get-%s", tag);
		ok = gup(name, GUP_FAST_BENCHMARK, p);
	}
	if (p)
		munmap(p, map_len);
	close(fd);
	return ok;
}

/* O_DIRECT reads of io_len bytes of BLKDEV into @buf as @metric; returns MiB/s, 0 on failure. */
static double dio_read(char *buf, const char *metric)
{
	unsigned long off;
	int fd = open(blk_path, O_RDONLY | O_DIRECT);
	u64 t0;

	if (fd < 0)
		return 0;
	t0 = clock_start(metric);
	for (off = 0; off < io_len; off += IO_CHUNK)
		if (pread(fd, buf + off, IO_CHUNK, off) != (ssize_t)IO_CHUNK) {
			clock_stop(t0);
			ktap_print("O_DIRECT read at %#lx: %s", off, strerror(errno));
			close(fd);
			return 0;
		}
	t0 = clock_stop(t0);
	close(fd);
	if (memcmp(buf, anon + io_len, io_len)) {
		ktap_print("O_DIRECT read moved the wrong bytes");
		return 0;
	}
	return (double)io_len / (1 << 20) / ((double)t0 / 1e9);
}

/* O_DIRECT writes of io_len bytes of @buf to BLKDEV as @metric; returns MiB/s, 0 on failure. */
static double dio_write(const char *buf, const char *metric)
{
	unsigned long off;
	int fd = open(blk_path, O_WRONLY | O_DIRECT);
	u64 t0;

	if (fd < 0)
		return 0;
	t0 = clock_start(metric);
	for (off = 0; off < io_len; off += IO_CHUNK)
		if (pwrite(fd, buf + off, IO_CHUNK, off) != (ssize_t)IO_CHUNK) {
			clock_stop(t0);
			ktap_print("O_DIRECT write at %#lx: %s", off, strerror(errno));
			close(fd);
			return 0;
		}
	t0 = clock_stop(t0);
	close(fd);
	return (double)io_len / (1 << 20) / ((double)t0 / 1e9);
}

/* Fill the first io_len bytes of BLKDEV with a pattern, kept at anon + io_len for checking. */
static int prepare_blk(void)
{
	unsigned long i;
	int fd = open(blk_path, O_WRONLY | O_DIRECT);

	if (fd < 0)
		return 0;
	for (i = 0; i < io_len / sizeof(u64); i++)
		((u64 *)(anon + io_len))[i] = i * 0x9e3779b97f4a7c15ULL;
	if (pwrite(fd, anon + io_len, io_len, 0) != (ssize_t)io_len) {
		close(fd);
		return 0;
	}
	close(fd);
	return 1;
}

/*
 * fork() of a process holding the faulted mapping. A shared mapping without anon_vma is not
 * copied at fork, so a guard page (in the leaf after the measured range) makes fork copy its
 * page tables: the cost of copying pte/pmd entries of device pages. The child waits until the
 * time is taken, then checks the words.
 */
static int fork_bench(char *p, int rep)
{
	int go[2], status, ok;
	pid_t pid;
	u64 t0;

	if (madvise(p + map_len, PAGE, MADV_GUARD_INSTALL)) {
		ktap_print("MADV_GUARD_INSTALL: %s", strerror(errno));
		return 0;
	}
	if (pipe(go))
		return 0;
	t0 = clock_start("fork");
	pid = fork();
	if (pid == 0) {
		char c;

		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 && touched(p, ~(u64)rep) ? 0 : 1);
	}
	t0 = clock_stop(t0);
	close(go[0]);
	if (pid < 0) {
		ktap_print("fork: %s", strerror(errno));
		close(go[1]);
		return 0;
	}
	result("fork", t0, "ns");
	ok = write(go[1], "x", 1) == 1;
	close(go[1]);
	waitpid(pid, &status, 0);
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct slice {
	pthread_barrier_t *go;
	char *p;		/* the mapping */
	unsigned long start, len;	/* this thread's slice of it */
	u64 tag;
};

static void *fault_slice(void *arg)
{
	struct slice *s = arg;
	unsigned long off;

	pthread_barrier_wait(s->go);
	for (off = s->start; off < s->start + s->len; off += align)
		WRITE_ONCE(*(u64 *)(s->p + off), s->tag ^ off);
	return NULL;
}

/*
 * fault-threads (see the top of the file) on a new mapping of @fd, writing the words touch()
 * would write with @tag (what is there already: the checks after it still hold); returns 0 on
 * failure.
 */
static int fault_threads(int fd, u64 tag)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN), i, started;
	unsigned long per;
	pthread_barrier_t go;
	struct slice sl[64];
	pthread_t tid[64];
	u64 t0;
	char *p;

	n = n < 2 ? 2 : n > 64 ? 64 : n;
	per = map_len / align / n * align;
	if (!per)
		return 1;	/* fewer leaves than threads (1G): nothing to measure */
	p = map_dev(fd, map_len);
	if (!p)
		return 0;
	pthread_barrier_init(&go, NULL, n + 1);
	for (started = 0; started < n; started++) {
		sl[started] = (struct slice){ &go, p, started * per, per, tag };
		if (pthread_create(&tid[started], NULL, fault_slice, &sl[started]))
			break;
	}
	if (started < n) {
		ktap_print("pthread_create: %s", strerror(errno));
		munmap(p, map_len);
		exit(1);	/* the started threads wait at the barrier for ever */
	}
	/*
	 * The clock starts before this thread releases the others: with one CPU they may run to
	 * the end before this thread runs again.
	 */
	t0 = clock_start("fault-threads");
	pthread_barrier_wait(&go);
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	t0 = clock_stop(t0);
	pthread_barrier_destroy(&go);
	munmap(p, map_len);
	result("fault-threads", (double)t0 / (per / align * n), "ns/fault");
	result("fault-threads-n", n, "threads");
	return 1;
}

static int repetition(int rep)
{
	double mibs;
	long t;
	u64 t0;
	char *p;
	int fd, ok = 1;
	unsigned int i;

	t = sysfs_write("unbind", "disable");
	if (t < 0)
		return 0;
	result("disable", t / 1e3, "us");
	t = sysfs_write("bind", "enable");
	if (t < 0)
		return 0;
	result("enable", t / 1e3, "us");

	fd = open(dev_path, O_RDWR);
	if (fd < 0) {
		ktap_print("open %s: %s", dev_path, strerror(errno));
		return 0;
	}
	p = map_dev(fd, map_len);
	if (!p)
		goto out_close;
	ok &= touch("fault-first", p, rep);
	t0 = clock_start("munmap");
	munmap(p, map_len);
	result("munmap", (double)clock_stop(t0) * GIB / map_len / 1e3, "us/GiB");

	p = map_dev(fd, map_len);
	if (!p)
		goto out_close;
	ok &= touched(p, rep);	/* faults the range in read-only: a new mapping for the next */
	munmap(p, map_len);
	/* One more leaf, for the guard page that makes fork copy the page tables. */
	p = map_dev(fd, map_len + extra);
	if (!p)
		goto out_close;
	ok &= touch("fault-again", p, ~(u64)rep);
	ok &= fault_threads(fd, ~(u64)rep);

	if (extra && !fork_bench(p, rep))
		ok = 0;

	for (i = 0; i < ARRAY_SIZE(gup_cmds); i++)
		ok &= gup(gup_cmds[i].name, gup_cmds[i].cmd, p);

	mibs = dio_read(p, "dio-dax");
	ok &= mibs > 0;
	result("dio-dax", mibs, "MiB/s");
	mibs = dio_write(p, "dio-dax-out");
	ok &= mibs > 0;
	result("dio-dax-out", mibs, "MiB/s");
	mibs = dio_read(anon, "dio-anon");
	ok &= mibs > 0;
	result("dio-anon", mibs, "MiB/s");

	munmap(p, map_len + extra);
out_close:
	close(fd);
	return ok && p;
}

int main(int argc, char **argv)
{
	int reps, rep;
	char name[64];

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: dax_bench DEV ALIGN SIZE REPS BLKDEV [TAG]\n");
		return 2;
	}
	dev_path = argv[1];
	align = parse_size(argv[2]);
	map_len = parse_size(argv[3]);
	reps = atoi(argv[4]);
	blk_path = argv[5];
	dev_name = strrchr(dev_path, '/') ? strrchr(dev_path, '/') + 1 : dev_path;
	if (!align || !map_len || map_len % align || reps < 1) {
		fprintf(stderr, "dax_bench: bad ALIGN, SIZE or REPS\n");
		return 2;
	}
	if (argc == 7)
		return scale(reps, argv[6]) ? 0 : 1;

	/*
	 * fork is measured at 4K and 2M only: at 1G pristine v7.2.8 copies the puds without their
	 * folio references (the bug patch 2 fixes), so there is no baseline to compare with.
	 */
	extra = align < (1UL << 30) ? align : 0;

	/* Half the buffer for reads, half for the pattern: the RAM disk or the map, if smaller. */
	io_len = map_len < 32UL << 20 ? map_len : 32UL << 20;
	anon = mmap(NULL, 2 * io_len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (anon == MAP_FAILED)
		ktap_bail("no anonymous buffer");
	/* Not copied at fork, so fork() does not write-protect it under dio-anon. */
	madvise(anon, 2 * io_len, MADV_DONTFORK);
	if (!prepare_blk())
		ktap_bail("cannot fill the block device");

	ktap_plan(reps);
	for (rep = 1; rep <= reps; rep++) {
		snprintf(name, sizeof(name), "repetition %d", rep);
		ktap_result(repetition(rep), name);
	}
	return ktap_exit();
}
