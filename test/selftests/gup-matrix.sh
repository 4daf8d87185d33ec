#!/bin/sh
# shellcheck shell=dash
# selftests/gup-matrix anon|ALIGN: run_vmtests.sh's run_gup_matrix, gup_test with every
# combination of -u/-U/-a/-b/-L (get_user_pages_fast, get_user_pages, pin_user_pages_fast,
# pin_user_pages, pin with FOLL_LONGTERM), -w/-W (write or read) and -n 1/512/123/-1 (pages per
# call: one, a 2 MiB pmd's worth, a partial one, the whole range), on
#   anon   anonymous memory with THP (-t), without (-T) and as hugetlb pages (-H), each shared
#          (-S) and private (240 runs), of 32 MiB: run_vmtests.sh maps 128 MiB (256 MiB of
#          hugetlb), which took 309 s under TCG here; 32 MiB is still 16 pmds, and -n 512 and 123
#          still cross them;
#   ALIGN  a device-DAX instance at ALIGN (-f /dev/daxX.Y, 32 MiB), shared only (device-DAX
#          refuses MAP_PRIVATE), with -t and -T (80 runs).
# One subtest per run: it passes when gup_test exits 0 with an "ok" and no "not ok" line (each
# thread's ioctl status) and did not skip; then one subtest that the kernel logged no splat.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

prog=/tests/bin/selftests/gup_test
[ -x $prog ] || ktap_bail "no $prog in the image"
case $1 in
anon) file='' huges='-t -T -H' shares='-S -' ;;
4K | 2M | 1G)
	nd_devdax_for "$1"
	file=$dev huges='-t -T' shares='-S' ;;
*) ktap_bail "usage: gup-matrix.sh anon|4K|2M|1G" ;;
esac
n=0
for _ in $huges; do for _ in $shares; do n=$((n + 40)); done; done
ktap_plan $((n + 1))
ktap_dmesg_mark
hp=/proc/sys/vm/nr_hugepages
old_hp=$(cat $hp)
for huge in $huges; do
	size='-m 32'
	for cmd in -u -U -a -b -L; do
		for write in -w -W; do
			for share in $shares; do
				[ "$share" = - ] && share=''
				for num in 1 512 123 -1; do
					# shellcheck disable=SC2086 # the options are words
					set -- $huge $size $cmd $write $share -n $num ${file:+-f $file}
					name="gup_test $*"
					# A pass is exit 0, an "ok" and no "not ok": gup_test skips
					# (no gup_test debugfs file) with exit 0, never counted as a pass.
					if out=$($prog "$@" 2>&1) && ! echo "$out" | grep -q '^not ok' &&
						echo "$out" | grep -q '^ok ' && ! echo "$out" | grep -q '# SKIP'; then
						ktap_ok "$name"
					else
						echo "$out" | sed 's/^/# /'
						ktap_fail "$name"
					fi
				done
			done
		done
	done
done
echo "$old_hp" >$hp
ktap_dmesg_clean "no kernel splat"
ktap_exit
