// SPDX-License-Identifier: GPL-2.0
/*
 * dax_fork: fork a process that has a faulted device-DAX mapping, with and without a guard
 * region in the same VMA, and check that the child sees the data and that the parent's
 * mapping and the device are intact after the child has exited.
 *
 * Usage: dax_fork /dev/daxX.Y ALIGN [uffd|uffd-release]   (ALIGN takes a k, M or G suffix)
 *
 * Maps two ALIGN-sized leaves. The first is faulted (one leaf); a guard page installed in the
 * second with MADV_GUARD_INSTALL makes fork copy the VMA's page tables instead of leaving the
 * child to refault them (VM_COPY_ON_FORK). Prints KTAP; exits 0 when every subtest passed.
 *
 * With "uffd", the other way to make fork copy them: the whole mapping is registered with a
 * userfaultfd in write-protect mode (UFFD_FEATURE_WP_ASYNC allows any memory type), with
 * UFFD_FEATURE_EVENT_FORK, so that the child's VMA keeps VM_UFFD_WP. fork() then waits until
 * the parent reads the fork event: a thread of the parent reads it and closes the child's
 * userfaultfd. A kernel without these features fails the test (it cannot reach the path).
 *
 * With "uffd-release", no fork: the faulted mapping is registered the same way and the
 * userfaultfd closed, which resolves write protection over the whole range (on v7.2.8 a
 * WARN in change_huge_pud() for a pud leaf; the caller checks the kernel log).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "ktap.h"
#include "util.h"
#include "pages.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
/* Older uapi headers than the kernel's (v6.7). */
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC 0x8000
#endif

/* How long the event thread waits for the fork event. */
#define UFFD_EVENT_TIMEOUT_MS 60000

/*
 * Fork; the child checks the first leaf, rewrites it with @seed + 1 and exits 0 when the data
 * was right. Returns the child's exit status, or -1 when it did not exit normally.
 */
static int fork_and_check(char *p, unsigned long align, u64 seed)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		ktap_bail("fork failed");
	if (!pid) {
		unsigned long bad = pages_check(p, align, seed);

		pages_fill(p, align, seed + 1);
		_exit(bad ? 3 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		ktap_bail("waitpid failed");
	if (!WIFEXITED(status)) {
		ktap_print("the child died with signal %d",
			   WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		return -1;
	}
	return WEXITSTATUS(status);
}

/* The userfaultfd of the parent and what its event thread saw. */
struct uffd_events {
	int uffd;
	int forks;		/* UFFD_EVENT_FORK messages read */
	int bad;		/* other messages, read errors, timeout */
};

/*
 * Read the fork event of the one fork() the parent makes and close the child's userfaultfd.
 * On a timeout or an error, close the parent's userfaultfd: that releases a fork() still
 * waiting for its event.
 */
static void *uffd_event_thread(void *arg)
{
	struct uffd_events *ev = arg;
	struct pollfd pfd = { .fd = ev->uffd, .events = POLLIN };
	struct uffd_msg msg;
	ssize_t n;
	int ret;

	ret = poll(&pfd, 1, UFFD_EVENT_TIMEOUT_MS);
	if (ret != 1) {
		ktap_print("no userfaultfd event within %d ms (poll returned %d: %s)",
			   UFFD_EVENT_TIMEOUT_MS, ret, ret < 0 ? strerror(errno) : "timeout");
		goto fail;
	}
	n = read(ev->uffd, &msg, sizeof(msg));
	if (n != sizeof(msg)) {
		ktap_print("reading the userfaultfd: %zd: %s", n,
			   n < 0 ? strerror(errno) : "short");
		goto fail;
	}
	if (msg.event != UFFD_EVENT_FORK) {
		ktap_print("userfaultfd event %u, expected UFFD_EVENT_FORK (%u)", msg.event,
			   UFFD_EVENT_FORK);
		goto fail;
	}
	ev->forks++;
	close(msg.arg.fork.ufd);
	return NULL;
fail:
	ev->bad++;
	close(ev->uffd);
	ev->uffd = -1;
	return NULL;
}

/*
 * A userfaultfd with @features, write-protect registered on [p, p + len). Returns the file
 * descriptor, or -1 with the reason printed.
 */
static int uffd_register_wp(char *p, unsigned long len, u64 features)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)p, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	int uffd;

	/* First ask what the kernel has: UFFDIO_API with no features lists them. */
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0) {
		ktap_print("userfaultfd(): %s (the kernel needs CONFIG_USERFAULTFD=y)",
			   strerror(errno));
		return -1;
	}
	if (ioctl(uffd, UFFDIO_API, &api)) {
		ktap_print("UFFDIO_API: %s", strerror(errno));
		close(uffd);
		return -1;
	}
	close(uffd);
	if ((api.features & features) != features) {
		ktap_print("the kernel's userfaultfd features are %#llx, without %#llx%s",
			   (unsigned long long)api.features,
			   (unsigned long long)(features & ~api.features),
			   features & ~api.features & UFFD_FEATURE_WP_ASYNC ?
			   " (UFFD_FEATURE_WP_ASYNC: CONFIG_PTE_MARKER_UFFD_WP, x86-64)" : "");
		return -1;
	}

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0) {
		ktap_print("userfaultfd(): %s", strerror(errno));
		return -1;
	}
	api.api = UFFD_API;
	api.features = features;
	if (ioctl(uffd, UFFDIO_API, &api)) {
		ktap_print("UFFDIO_API with features %#llx: %s", (unsigned long long)features,
			   strerror(errno));
		close(uffd);
		return -1;
	}
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		ktap_print("UFFDIO_REGISTER_MODE_WP on %lu bytes of the device: %s", len,
			   strerror(errno));
		close(uffd);
		return -1;
	}
	return uffd;
}

/*
 * Fork with the mapping registered with a userfaultfd (WP_ASYNC, EVENT_FORK), which makes
 * fork copy the page tables of the VMA. The parent must then still read its data and the
 * child's writes, before and after a new mapping.
 */
static int uffd_fork(const char *path, int fd, char *p, unsigned long align)
{
	const u64 seed = 0x7566666400000000ULL;
	struct uffd_events ev = { .uffd = -1 };
	pthread_t thread;
	int rc;

	ktap_plan(5);
	ktap_print("%s: align %lu, two leaves registered with a userfaultfd (WP_ASYNC, EVENT_FORK)",
		   path, align);
	pages_fill(p, align, seed);
	ev.uffd = uffd_register_wp(p, 2 * align,
				   UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_EVENT_FORK);
	ktap_result(ev.uffd >= 0,
		    "a userfaultfd with WP_ASYNC and EVENT_FORK registers the mapping in WP mode");
	if (ev.uffd < 0)
		ktap_bail("no userfaultfd registration: the fork path cannot be reached");

	rc = pthread_create(&thread, NULL, uffd_event_thread, &ev);
	if (rc)
		ktap_bail("pthread_create failed");
	rc = fork_and_check(p, align, seed);
	if (rc > 0)
		ktap_print("child exit %d", rc);
	pthread_join(thread, NULL);
	ktap_result(ev.forks == 1 && !ev.bad,
		    "the parent reads the fork event and closes the child's userfaultfd");
	ktap_result(!rc, "fork with a userfaultfd: the child reads the parent's data");
	ktap_result(!pages_check(p, align, seed + 1),
		    "fork with a userfaultfd: the parent reads the child's writes");
	if (ev.uffd >= 0)
		close(ev.uffd);

	munmap(p, 2 * align);
	p = mmap(NULL, align, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ktap_bail("second shared mapping failed");
	ktap_result(!pages_check(p, align, seed + 1),
		    "the data survives the child's exit and the parent's munmap");
	munmap(p, align);
	close(fd);
	return ktap_exit();
}

/* Register the faulted mapping for write protection, then close the userfaultfd. */
static int uffd_release(const char *path, char *p, unsigned long align)
{
	const u64 seed = 0x72656c6500000000ULL;
	int uffd;

	ktap_plan(2);
	ktap_print("%s: align %lu, two leaves registered with a userfaultfd (WP_ASYNC), released",
		   path, align);
	pages_fill(p, align, seed);
	uffd = uffd_register_wp(p, 2 * align, UFFD_FEATURE_WP_ASYNC);
	ktap_result(uffd >= 0, "a userfaultfd with WP_ASYNC registers the mapping in WP mode");
	if (uffd < 0)
		ktap_bail("no userfaultfd registration: the release path cannot be reached");
	close(uffd);
	ktap_result(!pages_check(p, align, seed), "the data reads back after the release");
	munmap(p, 2 * align);
	return ktap_exit();
}

int main(int argc, char **argv)
{
	unsigned long align;
	int fd, rc;
	char *p;

	if (argc != 3 &&
	    (argc != 4 || (strcmp(argv[3], "uffd") && strcmp(argv[3], "uffd-release"))))
		ktap_bail("usage: dax_fork /dev/daxX.Y ALIGN [uffd|uffd-release]");
	align = parse_size(argv[2]);
	if (!align || align % PAGE)
		ktap_bail("ALIGN: a size (4k, 2M, 1G), a multiple of 4 KiB");

	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		ktap_bail("cannot open the device");
	p = mmap(NULL, 2 * align, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ktap_print("mmap: %s", strerror(errno));
		ktap_bail("shared mapping failed");
	}
	if (argc == 4 && !strcmp(argv[3], "uffd-release"))
		return uffd_release(argv[1], p, align);
	if (argc == 4)
		return uffd_fork(argv[1], fd, p, align);

	ktap_plan(5);
	ktap_print("%s: align %lu, mapping two leaves", argv[1], align);

	/* Plain fork: the child refaults the shared mapping itself. */
	pages_fill(p, align, 0x666f726b00000000ULL);
	rc = fork_and_check(p, align, 0x666f726b00000000ULL);
	if (rc > 0)
		ktap_print("child exit %d", rc);
	ktap_result(!rc && !pages_check(p, align, 0x666f726b00000001ULL),
		    "fork: the child reads the parent's data and the parent its writes");

	/* A guard page in the second leaf: fork now copies the page tables of the VMA. */
	if (madvise(p + align, PAGE, MADV_GUARD_INSTALL)) {
		ktap_print("MADV_GUARD_INSTALL: %s", strerror(errno));
		ktap_result(0, "a guard page can be installed in a device-dax mapping");
	} else {
		ktap_result(1, "a guard page can be installed in a device-dax mapping");
	}
	pages_fill(p, align, 0x6775617264000000ULL);
	rc = fork_and_check(p, align, 0x6775617264000000ULL);
	if (rc > 0)
		ktap_print("child exit %d", rc);
	ktap_result(!rc, "fork with a guard region: the child reads the parent's data");
	ktap_result(!pages_check(p, align, 0x6775617264000001ULL),
		    "fork with a guard region: the parent reads the child's writes");

	/* The parent's leaf must outlive the child: unmap, map again, read. */
	munmap(p, 2 * align);
	p = mmap(NULL, align, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ktap_bail("second shared mapping failed");
	ktap_result(!pages_check(p, align, 0x6775617264000001ULL),
		    "the data survives the child's exit and the parent's munmap");
	munmap(p, align);
	close(fd);
	return ktap_exit();
}
