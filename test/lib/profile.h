/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The window markers of the instruction profiler (make profile, scripts/insnprof.c): functions
 * that only return, at an address of their own (test/bench/profile_markers.S). A program calls
 * profile_begin() and profile_end() around each operation the profiler is to measure.
 */
#ifndef HARNESS_PROFILE_H
#define HARNESS_PROFILE_H

void profile_begin(void);
void profile_end(void);

#endif /* HARNESS_PROFILE_H */
