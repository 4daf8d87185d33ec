#!/bin/sh
# shellcheck shell=dash
# selftests/run [-r] [-f] PROGRAM [ARGS]: run a kernel selftest (/tests/bin/selftests/PROGRAM, built
# by scripts/selftests.sh) on a machine prepared the way run_vmtests.sh prepares it: swap, here on
# a RAM disk, for the swap-out cases, and 2 MiB hugetlb pages for the hugetlb cases. With -f, an
# ext4 file system (large folios in the page cache) on another RAM disk, whose mount point is
# passed as the last argument (split_huge_page_test's pagecache cases). All undone afterwards.
# With -r, a failed run is run once more and the second result counts; both outputs are shown.
# Only for a selftest with a known timing-dependent case: khugepaged's collapse_max_ptes_swap
# needs MADV_PAGEOUT to split a THP at once, which fails when the folio is briefly referenced
# elsewhere (seen once in about ten runs, on anonymous memory, with and without the series);
# split_huge_page_test's pagecache cases count folio orders after a split, and found one split
# too many once in a full pristine run (passed alone and after the tests before it);
# uffd-unit-tests failed once in about a dozen runs (stop 36's CI, series x86, in the full list;
# which of its 67 cases is not known: CI cut the output) and passed alone four times and in the
# full list after it. make check's closing table names every test that needed the second run.
# The program prints its own KTAP; its exit status is the result.
swap=/dev/ram1 fsdev=/dev/ram2 mnt=/mnt/selftests hp=/proc/sys/vm/nr_hugepages fs='' retry=''
[ "$1" = -r ] && { retry=1; shift; }
[ "$1" = -f ] && { fs=1; shift; }
prog=/tests/bin/selftests/$1
shift
[ -x "$prog" ] || { echo "Bail out! no $prog in the image"; exit 1; }
[ -b $swap ] || { echo "Bail out! no $swap for swap (CONFIG_BLK_DEV_RAM)"; exit 1; }
if ! { mkswap $swap >/dev/null 2>&1 && swapon $swap; }; then
	echo "Bail out! cannot swap on $swap (CONFIG_SWAP)"
	exit 1
fi
if [ -n "$fs" ]; then
	mkdir -p $mnt
	if ! { /sbin/mke2fs -q -F -t ext4 $fsdev >/tmp/mkfs.out 2>&1 && mount -t ext4 $fsdev $mnt; }; then
		sed 's/^/# /' /tmp/mkfs.out
		swapoff $swap
		echo "Bail out! cannot mount ext4 from $fsdev on $mnt"
		exit 1
	fi
	set -- "$@" $mnt
fi
old_hp=$(cat $hp)
echo 32 >$hp
echo "# $(grep -E '^(HugePages_Total|SwapTotal)' /proc/meminfo | tr -s ' \n' '  ')"
# run: the program, judged by its exit status and by its TAP: a "not ok" line fails the run
# even when the program exits 0 (gup_test ends with ksft_exit_pass() whatever its threads saw).
run() {
	"$prog" "$@" >/tmp/selftest.out 2>&1
	rc=$?
	cat /tmp/selftest.out
	if [ "$rc" -eq 0 ] && grep -q '^not ok' /tmp/selftest.out; then
		echo "# ${prog##*/} exited 0 but reported a failure (not ok above): counted as failed"
		rc=1
	fi
}
run "$@"
if [ "$rc" -ne 0 ] && [ -n "$retry" ]; then
	echo "# retried: ${prog##*/} failed (exit $rc); running it once more (-r), the second result counts"
	run "$@"
fi
echo "$old_hp" >$hp
[ -z "$fs" ] || umount $mnt
swapoff $swap
exit $rc
