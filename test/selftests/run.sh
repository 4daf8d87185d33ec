#!/bin/sh
# shellcheck shell=dash
# selftests/run PROGRAM [ARGS]: run a kernel selftest (/tests/bin/selftests/PROGRAM, built by
# scripts/selftests.sh) on a machine prepared the way run_vmtests.sh prepares it: swap, here on
# a RAM disk, for the swap-out cases, and 2 MiB hugetlb pages for the hugetlb cases. Both are
# undone afterwards. The program prints its own KTAP; its exit status is the result.
prog=/tests/bin/selftests/$1 swap=/dev/ram1 hp=/proc/sys/vm/nr_hugepages
shift
[ -x "$prog" ] || { echo "Bail out! no $prog in the image"; exit 1; }
[ -b $swap ] || { echo "Bail out! no $swap for swap (CONFIG_BLK_DEV_RAM)"; exit 1; }
if ! { mkswap $swap >/dev/null 2>&1 && swapon $swap; }; then
	echo "Bail out! cannot swap on $swap (CONFIG_SWAP)"
	exit 1
fi
old_hp=$(cat $hp)
echo 32 >$hp
echo "# $(grep -E '^(HugePages_Total|SwapTotal)' /proc/meminfo | tr -s ' \n' '  ')"
"$prog" "$@"
rc=$?
echo "$old_hp" >$hp
swapoff $swap
exit $rc
