/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP output for the guest test programs, after tools/testing/selftests/kselftest.h.
 * A program prints a plan, one result line per subtest, then exits with ktap_exit():
 * 0 when every subtest passed, KTAP_SKIP when nothing ran, 1 otherwise.
 */
#ifndef HARNESS_KTAP_H
#define HARNESS_KTAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define KTAP_SKIP 4

static int ktap_nr, ktap_failed, ktap_passed, ktap_skipped, ktap_planned = -1;

static inline void ktap_plan(int n)
{
	ktap_planned = n;
	printf("KTAP version 1\n1..%d\n", n);
	fflush(stdout);
}

static inline void ktap_print(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline void ktap_result(int ok, const char *name)
{
	ktap_nr++;
	if (ok)
		ktap_passed++;
	else
		ktap_failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", ktap_nr, name);
	fflush(stdout);
}

static inline void ktap_skip(const char *name, const char *why)
{
	ktap_nr++;
	ktap_skipped++;
	printf("ok %d %s # SKIP %s\n", ktap_nr, name, why);
	fflush(stdout);
}

/* Stop with a plan-level failure: the program could not run its subtests. */
static inline void ktap_bail(const char *why)
{
	printf("Bail out! %s\n", why);
	fflush(stdout);
	exit(1);
}

/* 0: every planned subtest passed; KTAP_SKIP: none ran, some skipped; 1: anything else. */
static inline int ktap_exit(void)
{
	if (ktap_planned >= 0 && ktap_nr != ktap_planned) {
		ktap_print("planned %d subtests, %d reported", ktap_planned, ktap_nr);
		return 1;
	}
	if (ktap_failed)
		return 1;
	if (!ktap_passed && ktap_skipped)
		return KTAP_SKIP;
	return 0;
}

#endif /* HARNESS_KTAP_H */
