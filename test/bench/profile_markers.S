/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The window markers of make profile (scripts/insnprof.c): two functions that only return, in a
 * section test/Makefile links at PROFILE_MARKERS, an address no other program of the guest uses,
 * so that the profiler can tell their executions from any other code. "ret" is the same mnemonic
 * on x86_64 and arm64.
 */
	.section profile_markers, "ax"
	.globl	profile_begin
	.type	profile_begin, %function
profile_begin:
	ret
	.p2align 4
	.globl	profile_end
	.type	profile_end, %function
profile_end:
	ret
	.section .note.GNU-stack, "", %progbits
