// SPDX-License-Identifier: GPL-2.0
/*
 * dax_coredump DEV ALIGN: core dumps hold the contents of a shared device-DAX mapping.
 *
 * A core dump reads every page it writes out through get_dump_page(), which is
 * get_user_pages() with FOLL_DUMP: it must resolve device-DAX entries to their pages (and not
 * skip them as it skips special pages), and release every reference it took. A child maps
 * 2 * ALIGN of DEV (ALIGN for 1G), writes a tag into every 4K page, and aborts; the core goes
 * through a pipe (core_pattern "|dax_coredump --collect") to this same program, which finds
 * the mapping's segment in the ELF core and checks the tag of every page. Subtests:
 *
 *   - with bit 8 of coredump_filter (DAX shared mappings) set, the segment holds every page;
 *   - without it, the segment is left out (p_filesz 0): the filter, not chance, decides.
 *
 * Prints KTAP; exits 0 when every subtest passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/elf.h>

#include "ktap.h"
#include "util.h"

#define PAGE		4096UL
#define SELF		"/tests/bin/dax_coredump"
#define TARGET		"/tmp/coredump.target"
#define RESULT		"/tmp/coredump.result"
#define FILTER_DAX	0x100	/* coredump_filter: dump DAX shared mappings */

static inline u64 tag(unsigned long addr)
{
	return 0x636f726564756d70ULL ^ addr;
}

/* Read exactly @len bytes from stdin; 0 at a premature end. */
static int read_all(void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(0, p, len);

		if (n <= 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

static int skip_to(u64 *pos, u64 off)
{
	static char sink[65536];

	while (*pos < off) {
		size_t n = off - *pos < sizeof(sink) ? off - *pos : sizeof(sink);

		if (!read_all(sink, n))
			return 0;
		*pos += n;
	}
	return 1;
}

/*
 * The core_pattern helper: the ELF core on stdin, the mapping's address and length in TARGET.
 * Writes one line to RESULT: "pages N" (every page's tag found), "absent" (the segment was
 * left out of the dump) or what was wrong.
 */
static int collect(void)
{
	static struct elf64_phdr ph[512];
	unsigned long addr, len, off;
	struct elf64_hdr eh;
	struct elf64_phdr *seg = NULL;
	char page[PAGE];
	FILE *f, *out;
	u64 pos;
	int i;

	out = fopen(RESULT ".tmp", "w");
	f = fopen(TARGET, "r");
	if (!out || !f || fscanf(f, "%lx %lx", &addr, &len) != 2)
		return 1;
	fclose(f);
	if (!read_all(&eh, sizeof(eh)) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_phnum > 512 || eh.e_phoff < sizeof(eh)) {
		fprintf(out, "not an ELF core\n");
		goto done;
	}
	pos = sizeof(eh);
	if (!skip_to(&pos, eh.e_phoff) || !read_all(ph, eh.e_phnum * sizeof(ph[0]))) {
		fprintf(out, "truncated program headers\n");
		goto done;
	}
	pos += eh.e_phnum * sizeof(ph[0]);
	for (i = 0; i < eh.e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr == addr)
			seg = &ph[i];
	if (!seg) {
		fprintf(out, "no PT_LOAD segment at %#lx\n", addr);
		goto done;
	}
	if (seg->p_filesz == 0) {
		fprintf(out, "absent\n");
		goto done;
	}
	if (seg->p_filesz != len) {
		fprintf(out, "segment holds %llu bytes, the mapping has %lu\n",
			(unsigned long long)seg->p_filesz, len);
		goto done;
	}
	if (!skip_to(&pos, seg->p_offset)) {
		fprintf(out, "core ends before the segment\n");
		goto done;
	}
	for (off = 0; off < len; off += PAGE) {
		if (!read_all(page, PAGE)) {
			fprintf(out, "core ends at page %lu of the segment\n", off / PAGE);
			goto done;
		}
		if (*(u64 *)page != tag(addr + off)) {
			fprintf(out, "page at %#lx holds %#llx, not %#llx\n", addr + off,
				(unsigned long long)*(u64 *)page,
				(unsigned long long)tag(addr + off));
			goto done;
		}
	}
	fprintf(out, "pages %lu\n", len / PAGE);
done:
	fclose(out);
	rename(RESULT ".tmp", RESULT);
	while (read(0, page, sizeof(page)) > 0)
		;	/* let the kernel finish writing the core */
	return 0;
}

/* Fork a child that maps, tags and dumps; returns RESULT's line (empty on failure). */
static const char *dump_core(const char *dev, unsigned long len, unsigned int filter)
{
	static char line[256];
	int status;
	FILE *f;
	pid_t pid;

	unlink(RESULT);
	line[0] = 0;
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
		char buf[64];
		unsigned long off;
		char *p;
		int fd = open(dev, O_RDWR);

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (fd < 0 || p == MAP_FAILED)
			_exit(2);
		for (off = 0; off < len; off += PAGE)
			WRITE_ONCE(*(u64 *)(p + off), tag((unsigned long)p + off));
		snprintf(buf, sizeof(buf), "%lx %lx\n", (unsigned long)p, len);
		f = fopen(TARGET, "w");
		if (!f || fputs(buf, f) < 0 || fclose(f))
			_exit(3);
		snprintf(buf, sizeof(buf), "%#x", filter);
		if (!write_file("/proc/self/coredump_filter", buf))
			_exit(4);
		setrlimit(RLIMIT_CORE, &rl);
		signal(SIGABRT, SIG_DFL);
		abort();
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		ktap_print("fork/wait: %s", strerror(errno));
		return line;
	}
	if (!WIFSIGNALED(status) || !WCOREDUMP(status)) {
		ktap_print("no core from the child (wait status %#x)", status);
		return line;
	}
	f = fopen(RESULT, "r");
	if (!f || !fgets(line, sizeof(line), f)) {
		ktap_print("the core_pattern helper left no result");
		line[0] = 0;
	}
	if (f)
		fclose(f);
	line[strcspn(line, "\n")] = 0;
	return line;
}

/* Read a sysctl into @buf (without its newline); 0 on failure. */
static int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok = f && fgets(buf, len, f);

	if (f)
		fclose(f);
	buf[ok ? strcspn(buf, "\n") : 0] = 0;
	return ok;
}

int main(int argc, char **argv)
{
	char want[64], old_pattern[256], old_limit[32];
	unsigned long align, len;
	const char *got;
	int ok;

	if (argc == 3 && !strcmp(argv[1], "--collect"))
		return collect();
	if (argc != 3) {
		fprintf(stderr, "usage: dax_coredump DEV ALIGN\n");
		return 2;
	}
	align = parse_size(argv[2]);
	if (!align)
		ktap_bail("bad ALIGN");
	len = align >= (1UL << 30) ? align : 2 * align;

	/*
	 * The kernel waits for the helper (core_pipe_limit), so its result is there after wait.
	 * Both settings are put back at the end: a pipe pattern would otherwise catch every later
	 * crash of the boot, whatever its RLIMIT_CORE.
	 */
	if (!read_file("/proc/sys/kernel/core_pattern", old_pattern, sizeof(old_pattern)) ||
	    !read_file("/proc/sys/kernel/core_pipe_limit", old_limit, sizeof(old_limit)))
		ktap_bail("no core_pattern/core_pipe_limit (CONFIG_COREDUMP?)");
	if (!write_file("/proc/sys/kernel/core_pattern", "|" SELF " --collect %p") ||
	    !write_file("/proc/sys/kernel/core_pipe_limit", "1"))
		ktap_bail("cannot set core_pattern/core_pipe_limit");

	ktap_plan(2);
	snprintf(want, sizeof(want), "pages %lu", len / PAGE);
	got = dump_core(argv[1], len, 0x33 | FILTER_DAX);
	if (strcmp(got, want))
		ktap_print("expected \"%s\", got \"%s\"", want, got);
	ktap_result(!strcmp(got, want), "the core holds every page of the mapping");
	got = dump_core(argv[1], len, 0x33);
	if (strcmp(got, "absent"))
		ktap_print("expected \"absent\", got \"%s\"", got);
	ktap_result(!strcmp(got, "absent"), "coredump_filter without DAX leaves it out");

	ok = write_file("/proc/sys/kernel/core_pattern", old_pattern) &&
	     write_file("/proc/sys/kernel/core_pipe_limit", old_limit);
	if (!ok)
		ktap_bail("cannot restore core_pattern/core_pipe_limit");
	return ktap_exit();
}
