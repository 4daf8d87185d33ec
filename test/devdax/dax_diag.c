// SPDX-License-Identifier: GPL-2.0
/*
 * dax_diag DEV ALIGN: what the dev_dax_fault trace event (the series' diagnostics patch) reports
 * for the faults of a device-DAX mapping, read back from tracefs.
 *
 * The mapping spans the next larger level (4K: 2 * 2M, 2M: 1G, 1G: 1G), aligned to it, and every
 * 4K page of it is written once. Expected, and nothing else:
 *
 *   - size / ALIGN faults at ALIGN's order (pte, pmd or pud) ending "mapped", each inserting a
 *     devmap leaf with a pfn (the number of faults is the number of leaves);
 *   - for every leaf of the larger level, at least one fault of that level ending in
 *     VM_FAULT_FALLBACK, "fault larger than the alignment" (none at 1G: there is no larger
 *     level; none at 2M on a kernel without huge puds, such as arm64's, which never tries a
 *     pud fault: its namespaces' supported_alignments have no 1G). At least: before the fixes
 *     posting gave device-DAX a ->map_pages, a pte fault was retried under the mmap_lock after
 *     the per-VMA lock attempt, and the pmd fault before it was made again;
 *   - /proc/self/smaps reports KernelPageSize = ALIGN for the mapping.
 *
 * Refused faults, each in a child that must die of SIGBUS, with exactly one SIGBUS event, at
 * the refusing level's order and with its reason, beside fallbacks of larger levels: a mapping
 * beyond the end of the instance ("offset beyond the instance", at ALIGN's order), and for 2M and
 * 1G a mapping moved by mremap() to an address 4 KiB off the alignment ("vma refused", at the
 * first level tried: the fault path checks the VMA's alignment before anything else). No test
 * forces a fault smaller than the alignment: THP policy does not apply to device-DAX, so an
 * aligned mapping is never faulted in pieces.
 *
 * Prints KTAP; exits 0 when every subtest passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"

#define PAGE		4096UL
#define SZ_2M		0x200000UL
#define SZ_1G		0x40000000UL
#define TRACEFS		"/sys/kernel/tracing"
#define EVENT		TRACEFS "/events/dev_dax/dev_dax_fault"
#define MAX_EVENTS	4096
/* The event's TP_printk(): dev, read/write, address, order, align, pfn, how: reason, result */
#define EVENT_FORMAT	"dev_dax_fault: %63s %*s address %lx order %u align %x pfn %lx %15[^:]: %63[^,], %63s"

struct event {
	unsigned int order;
	unsigned long pfn;
	char how[16];		/* devmap, folio or - */
	char reason[64];
	char result[64];
	char text[160];		/* the event as tracefs printed it */
};

static struct event ev[MAX_EVENTS];
static const char *name;	/* daxX.Y */
static unsigned long align;

static unsigned int order_of(unsigned long size)
{
	return __builtin_ctzl(size) - 12;
}

/* Empty the trace buffer and turn the event on. */
static void trace_start(void)
{
	if (!write_file(TRACEFS "/trace", "") || !write_file(EVENT "/enable", "1"))
		ktap_bail("cannot clear the trace or enable " EVENT);
}

/*
 * Turn the event off and read this instance's events into ev[]; returns how many, or bails out
 * if the buffer lost any (the counts would be wrong).
 */
static int trace_read(void)
{
	long in_buffer = -1, written = -2;
	char line[512], dev[64];
	int n = 0;
	FILE *f;

	if (!write_file(EVENT "/enable", "0"))
		ktap_bail("cannot disable the event");
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		ktap_bail("cannot read the trace");
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "dev_dax_fault: ");
		struct event *e = &ev[n];
		unsigned long addr;
		unsigned int align;

		if (!strncmp(line, "# entries-in-buffer", 19) &&
		    sscanf(line, "# entries-in-buffer/entries-written: %ld/%ld",
			   &in_buffer, &written) != 2)
			ktap_bail("cannot parse the trace's entry counts");
		if (!p)
			continue;
		if (n == MAX_EVENTS)
			ktap_bail("more events than expected");
		if (sscanf(p, EVENT_FORMAT, dev, &addr, &e->order, &align, &e->pfn, e->how,
			   e->reason, e->result) != 8) {
			ktap_print("cannot parse: %s", line);
			ktap_bail("the event's format changed");
		}
		snprintf(e->text, sizeof(e->text), "%.*s", (int)strcspn(p, "\n"), p);
		if (!strcmp(dev, name))
			n++;
	}
	fclose(f);
	if (in_buffer != written) {
		ktap_print("entries-in-buffer/entries-written: %ld/%ld", in_buffer, written);
		ktap_bail("the trace buffer lost events");
	}
	return n;
}

/* Map @len of @fd at @off at an address aligned to @va_align; NULL on failure. */
static char *map_aligned(int fd, unsigned long len, unsigned long off, unsigned long va_align)
{
	char *res = mmap(NULL, len + va_align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (res == MAP_FAILED)
		return NULL;
	p = (char *)(((unsigned long)res + va_align - 1) & ~(va_align - 1));
	p = mmap(p, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off);
	return p == MAP_FAILED ? NULL : p;
}

/* KernelPageSize (bytes) of the smaps entry that starts at @p; 0 if none. */
static unsigned long kernel_page_size(const char *p)
{
	char line[256], want[32];
	unsigned long kb = 0;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') > strchr(line, '-'))
			in = !strncmp(line, want, strlen(want));
		if (in && sscanf(line, "KernelPageSize: %lu kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb << 10;
}

/*
 * In a child: map @len at @off and write to it; with @misalign, after moving the mapping with
 * mremap() to an address @misalign bytes past an aligned one. Returns 1 if the child died of
 * SIGBUS.
 */
static int child_sigbus(const char *devpath, unsigned long len, unsigned long off,
			unsigned long misalign)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(devpath, O_RDWR);
		char *p = fd < 0 ? NULL : map_aligned(fd, len, off, len);

		if (!p)
			_exit(2);
		if (misalign) {
			char *to = mmap(NULL, 2 * len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
					-1, 0);

			if (to == MAP_FAILED)
				_exit(3);
			to = (char *)(((unsigned long)to + len - 1) & ~(len - 1)) + misalign;
			p = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
			if (p == MAP_FAILED)
				_exit(3);
		}
		WRITE_ONCE(*(u64 *)p, 1);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		return 1;
	ktap_print("the child did not die of SIGBUS (wait status %#x)", status);
	return 0;
}

/* A fault of a level larger than the alignment, falling back as it must. */
static int larger_fallback(const struct event *e)
{
	return (1UL << (e->order + 12)) > align && !strcmp(e->result, "FALLBACK") &&
	       !strcmp(e->reason, "fault larger than the alignment");
}

#define ANY_ORDER	(~0U)

/*
 * Whether the kernel maps device-DAX with huge puds: the supported_alignments of an NVDIMM
 * namespace in devdax mode (the instance under test's) list 1G only with
 * HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD.
 */
static int has_pud_level(void)
{
	char buf[256] = "";
	glob_t g;
	FILE *f;

	if (glob("/sys/bus/nd/devices/dax*/supported_alignments", 0, NULL, &g))
		ktap_bail("no supported_alignments of an nd_dax device");
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (!f || !fgets(buf, sizeof(buf), f))
		ktap_bail("cannot read supported_alignments");
	fclose(f);
	return !!strstr(buf, "1073741824");
}

/*
 * Subtest: one SIGBUS event, at @order (or at any, ANY_ORDER), with @reason; the others
 * fallbacks of larger levels.
 */
static void expect_refusal(int n, unsigned int order, const char *reason, const char *what)
{
	int i, sigbus = 0, other = 0, ok;

	for (i = 0; i < n; i++) {
		if ((order == ANY_ORDER || ev[i].order == order) && !strcmp(ev[i].reason, reason) &&
		    !strcmp(ev[i].result, "SIGBUS"))
			sigbus++;
		else if (!larger_fallback(&ev[i]))
			other++;
	}
	ok = sigbus == 1 && !other;
	if (!ok) {
		char lvl[16] = "any";

		if (order != ANY_ORDER)
			snprintf(lvl, sizeof(lvl), "%u", order);
		ktap_print("expected one event: order %s, \"%s\", SIGBUS; got %d:", lvl, reason, n);
		for (i = 0; i < n && i < 8; i++)
			ktap_print("  order %u %s: %s, %s", ev[i].order, ev[i].how, ev[i].reason,
				   ev[i].result);
	}
	ktap_result(ok, what);
}

int main(int argc, char **argv)
{
	unsigned long larger, len, off, size, nmapped = 0, nfallback = 0;
	unsigned int order, bad = 0;
	int has_larger;
	char path[128], buf[64];
	int fd, i, n;
	FILE *f;
	char *p;

	align = argc == 3 ? parse_size(argv[2]) : 0;
	if (!align) {
		fprintf(stderr, "usage: dax_diag DEV ALIGN\n");
		return 2;
	}
	name = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
	larger = align == PAGE ? SZ_2M : SZ_1G;
	has_larger = align == PAGE || (align == SZ_2M && has_pud_level());
	len = align == PAGE ? 2 * SZ_2M : SZ_1G;
	order = order_of(align);

	if (access(TRACEFS "/trace", F_OK) && mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		ktap_bail("cannot mount tracefs at " TRACEFS);
	if (access(EVENT "/enable", F_OK))
		ktap_bail("no dev_dax_fault event (CONFIG_EVENT_TRACING? the diagnostics patch?)");
	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/size", name);
	f = fopen(path, "r");
	size = f && fgets(buf, sizeof(buf), f) ? strtoul(buf, NULL, 0) : 0;
	if (f)
		fclose(f);
	if (!size)
		ktap_bail("cannot read the instance's size");
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		ktap_bail("cannot open the device");

	ktap_plan(align == PAGE ? 5 : 6);

	trace_start();
	p = map_aligned(fd, len, 0, larger);
	if (!p)
		ktap_bail("cannot map the device");
	for (off = 0; off < len; off += PAGE)
		WRITE_ONCE(*(u64 *)(p + off), off);
	n = trace_read();

	for (i = 0; i < n; i++) {
		struct event *e = &ev[i];

		if (e->order == order && !strcmp(e->reason, "mapped") && e->pfn &&
		    !strcmp(e->how, "devmap") && !strcmp(e->result, "NOPAGE")) {
			nmapped++;
		} else if (e->order == order_of(larger) && larger_fallback(e)) {
			nfallback++;
		} else if (bad++ < 8) {
			ktap_print("unexpected: order %u pfn %#lx %s: %s, %s", e->order, e->pfn,
				   e->how, e->reason, e->result);
		}
	}
	ktap_print("%d events: %lu mapped, %lu fallbacks, %u other", n, nmapped, nfallback, bad);
	for (i = 0; i < n && i < 2; i++)
		ktap_print("%s", ev[i].text);
	if (nmapped != len / align)
		ktap_print("expected %lu mapped at order %u, as devmap leaves", len / align, order);
	ktap_result(nmapped == len / align,
		    "one fault per leaf, at the alignment, each a devmap leaf");
	if (has_larger && nfallback < len / larger)
		ktap_print("expected at least %lu fallbacks at order %u", len / larger,
			   order_of(larger));
	if (!has_larger && nfallback)
		ktap_print("%lu faults at order %u, a level this kernel does not map", nfallback,
			   order_of(larger));
	ktap_result(has_larger ? nfallback >= len / larger : !nfallback,
		    has_larger ? "the larger level falls back for each leaf of it, saying why" :
				 "no fault at a larger level: there is none");
	ktap_result(!bad, "no other fault event");
	if (kernel_page_size(p) != align)
		ktap_print("KernelPageSize: %lu bytes", kernel_page_size(p));
	ktap_result(kernel_page_size(p) == align, "smaps: KernelPageSize is the alignment");
	munmap(p, len);

	/* A leaf's worth of mapping starting at the end of the instance. */
	off = (size + align - 1) & ~(align - 1);
	trace_start();
	i = child_sigbus(argv[1], align, off, 0);
	n = trace_read();
	if (!i)
		ktap_result(0, "a fault beyond the instance: SIGBUS, with its reason");
	else
		expect_refusal(n, order, "offset beyond the instance",
			       "a fault beyond the instance: SIGBUS, with its reason");

	if (align != PAGE) {
		const char *what = "a mapping moved off the alignment: SIGBUS, with its reason";

		trace_start();
		i = child_sigbus(argv[1], align, 0, PAGE);
		n = trace_read();
		if (!i)
			ktap_result(0, what);
		else
			expect_refusal(n, ANY_ORDER, "vma refused", what);
	}
	close(fd);
	return ktap_exit();
}
