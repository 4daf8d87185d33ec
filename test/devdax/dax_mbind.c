// SPDX-License-Identifier: GPL-2.0
/*
 * dax_mbind DEV ALIGN NODE MODEL: mbind(MPOL_BIND, MPOL_MF_STRICT) on a faulted device-DAX
 * mapping at ALIGN (4K: ptes; 2M: pmds) whose memory is on NUMA node NODE, once for each node
 * with memory, with the results MODEL expects:
 *
 *   folio   v7.2.8: the walk checks the node of the folio behind a pmd and, as device-DAX
 *           memory cannot migrate, fails a node that is not NODE with EIO; at the pte level it
 *           skips ZONE_DEVICE folios, so every node is accepted.
 *   devmap  the devmap series: no folio behind a devmap entry at either level (as before
 *           v6.15): every node is accepted.
 *
 * Both: the mapping is made of leaves of ALIGN (PAGEMAP_SCAN's PAGE_IS_HUGE exactly at 2M), the
 * pages are on NODE (get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR) of the first), the
 * binding to NODE itself is accepted, mbind() neither unmaps nor moves a page (every page stays
 * present with the same frame) and the data is intact. Needs two nodes with memory:
 * with one, nothing tells the models apart, and the program fails.
 *
 * Prints KTAP; exits 0 when every subtest passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktap.h"
#include "util.h"
#include "pages.h"
#include "pagemap.h"

/* include/uapi/linux/mempolicy.h; Debian 12 ships no numaif.h without libnuma-dev. */
#define MPOL_BIND		2
#define MPOL_DEFAULT		0
#define MPOL_MF_STRICT		BIT(0)
#define MPOL_F_NODE		BIT(0)
#define MPOL_F_ADDR		BIT(1)

#define MAX_NODES		64

static unsigned long align, len;

/* The nodes with memory (/sys/devices/system/node/has_memory, "0-1,3"); their number. */
static int memory_nodes(bool *has)
{
	char buf[256], *s, *tok;
	int fd, n, a, b, count = 0;

	fd = open("/sys/devices/system/node/has_memory", O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (s = buf; (tok = strsep(&s, ",\n"));) {
		if (!*tok)
			continue;
		if (sscanf(tok, "%d-%d", &a, &b) != 2) {
			a = atoi(tok);
			b = a;
		}
		for (; a <= b && a < MAX_NODES; a++) {
			has[a] = true;
			count++;
		}
	}
	return count;
}

/* Every page's pagemap presence bit and frame number into @pfn; -1 if unreadable. */
static int read_frames(const char *p, u64 *pfn)
{
	unsigned long i, n = len / PAGE, first = (unsigned long)p / PAGE;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	u64 e;

	if (fd < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (pread(fd, &e, sizeof(e), (first + i) * sizeof(e)) != sizeof(e)) {
			close(fd);
			return -1;
		}
		pfn[i] = e & (PM_PRESENT | PM_PFN_MASK);
	}
	close(fd);
	return 0;
}

/*
 * PAGEMAP_SCAN: the whole mapping is one present region, of pmd leaves (PAGE_IS_HUGE) exactly at
 * 2M: what the binding is tested on is the level it is meant to be.
 */
static int check_leaves(char *p)
{
	return pm_scan_whole(p, len, PM_PAGE_IS_PRESENT | PM_PAGE_IS_HUGE,
			     PM_PAGE_IS_PRESENT | (align > PAGE ? PM_PAGE_IS_HUGE : 0));
}

/*
 * After the fill: every page present (@pfn), the mapping made of leaves of its alignment, and
 * the first page on @node (get_mempolicy's GUP).
 */
static int check_present(char *p, u64 *pfn, int node)
{
	unsigned long i, n = len / PAGE;
	int got = -1;

	if (read_frames(p, pfn)) {
		ktap_print("cannot read pagemap");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!(pfn[i] & PM_PRESENT)) {
			ktap_print("page %lu not present", i);
			return -1;
		}
	}
	if (check_leaves(p))
		return -1;
	if (syscall(SYS_get_mempolicy, &got, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR)) {
		ktap_print("get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR): %s", strerror(errno));
		return -1;
	}
	if (got != node) {
		ktap_print("the first page is on node %d, numa_node says %d", got, node);
		return -1;
	}
	return 0;
}

/* mbind(MPOL_BIND to @node, MPOL_MF_STRICT) over the mapping: 0 or the errno. */
static int bind_strict(char *p, int node)
{
	unsigned long mask = BIT(node);

	/* maxnode counts one more than the bits of the mask, as libnuma passes it. */
	if (syscall(SYS_mbind, p, len, MPOL_BIND, &mask, MAX_NODES + 1, MPOL_MF_STRICT))
		return errno;
	return 0;
}

/* Bind to @node; the result must be @want (0 or an errno) and no page may move or go. */
static int check_bind(char *p, const u64 *before, u64 *after, int node, int want)
{
	unsigned long i, n = len / PAGE;
	int err = bind_strict(p, node);

	if (err != want) {
		ktap_print("node %d: mbind returned %s, expected %s", node,
			   err ? strerror(err) : "0", want ? strerror(want) : "0");
		return -1;
	}
	if (read_frames(p, after)) {
		ktap_print("node %d: cannot read pagemap", node);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (after[i] != before[i]) {
			ktap_print("node %d: page %lu: frame %#llx, was %#llx", node, i,
				   (unsigned long long)after[i], (unsigned long long)before[i]);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool has[MAX_NODES] = { false }, devmap, fail_other;
	int fd, node, n, nodes, other = -1;
	u64 *before, *after;
	char *p;

	if (argc != 5 || (strcmp(argv[4], "folio") && strcmp(argv[4], "devmap")))
		ktap_bail("usage: dax_mbind DEV ALIGN NODE folio|devmap");
	align = parse_size(argv[2]);
	if (align != PAGE && align != 2UL << 20)
		ktap_bail("ALIGN is 4K or 2M");
	node = atoi(argv[3]);
	devmap = !strcmp(argv[4], "devmap");
	nodes = memory_nodes(has);
	if (node < 0 || node >= MAX_NODES || !has[node])
		ktap_bail("the device's node is not a node with memory");
	for (n = 0; n < MAX_NODES && other < 0; n++)
		if (has[n] && n != node)
			other = n;
	if (other < 0)
		ktap_bail("one node with memory: nothing to bind the mapping away to");
	len = align == PAGE ? 64 * PAGE : 2 * align;
	before = calloc(len / PAGE, sizeof(*before));
	after = calloc(len / PAGE, sizeof(*after));
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || !before || !after)
		ktap_bail("cannot open the dax device");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ktap_bail("cannot map the device");
	ktap_print("%s: %lu bytes at align %lu on node %d, %d nodes with memory, %s expectations",
		   argv[1], len, align, node, nodes, argv[4]);
	/* v7.2.8 checks the node of the folio behind a pmd only. */
	fail_other = !devmap && align != PAGE;

	ktap_plan(4);
	pages_fill(p, len, 13);
	ktap_result(!check_present(p, before, node),
		    align > PAGE ? "every page present, in pmd leaves, on the device's node" :
				   "every page present, in pte leaves, on the device's node");
	ktap_result(!check_bind(p, before, after, node, 0),
		    "MPOL_BIND to the device's node, MPOL_MF_STRICT: accepted, nothing moved");
	ktap_result(!check_bind(p, before, after, other, fail_other ? EIO : 0),
		    fail_other ? "MPOL_BIND to another node, MPOL_MF_STRICT: EIO, nothing moved" :
				 "MPOL_BIND to another node, MPOL_MF_STRICT: accepted, nothing moved");
	syscall(SYS_mbind, p, len, MPOL_DEFAULT, NULL, 0, 0);
	ktap_result(!pages_check(p, len, 13), "data intact");
	munmap(p, len);
	close(fd);
	return ktap_exit();
}
