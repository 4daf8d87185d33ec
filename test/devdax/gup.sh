#!/bin/sh
# shellcheck shell=dash
# devdax/gup ALIGN: the kernel's gup_test (CONFIG_GUP_TEST) on a shared device-DAX mapping at
# ALIGN: get_user_pages() and pin_user_pages(), fast and slow, long-term pins, for writing and
# for reading. gup_test exits 0 even when GUP stopped short ("truncated") or its ioctl failed
# ("not ok"), so both count as failures here. Then check that the kernel said nothing.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1 gup_test=/tests/bin/selftests/gup_test
case $align in 1G) mb=1024 ;; *) mb=8 ;; esac
[ -x $gup_test ] || ktap_bail "no $gup_test in the image"
[ -e /sys/kernel/debug/gup_test ] || mount -t debugfs none /sys/kernel/debug
[ -e /sys/kernel/debug/gup_test ] || ktap_bail "no /sys/kernel/debug/gup_test (CONFIG_GUP_TEST)"
nd_devdax_for "$align"

# gup ARGS...: one gup_test run on the device; passes when it exits 0 and was not truncated.
gup() {
	out=$($gup_test -f "$dev" -S -m $mb -n 256 "$@" 2>&1)
	rc=$?
	echo "$out" | grep -E '^# [A-Z_]+: |runcated|not ok|Bail' | sed 's/^# //; s/# *$//; s/^/# /'
	[ $rc -eq 0 ] && ! echo "$out" | grep -q -i truncated && ! echo "$out" | grep -q '^not ok'
}

ktap_plan 13
ktap_dmesg_mark
for mode in u a U b L; do
	case $mode in
	u) what="get_user_pages_fast" ;;
	a) what="pin_user_pages_fast" ;;
	U) what="get_user_pages" ;;
	b) what="pin_user_pages" ;;
	L) what="pin_user_pages FOLL_LONGTERM" ;;
	esac
	for rw in w W; do
		dir="read"
		[ $rw = w ] && dir="write"
		if gup -$mode -$rw; then ktap_ok "$what ($dir) $align"; else ktap_fail "$what ($dir) $align"; fi
	done
done
ktap_dmesg_clean "no kernel splat"
nd_check_release "${dev#/dev/}" "$align"
ktap_exit
