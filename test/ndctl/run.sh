#!/bin/sh
# shellcheck shell=dash
# ndctl/run.sh PROGRAM: run one test of ndctl's own suite (built by scripts/ndctl.sh, in the image
# under /tests/ndctl) with the environment its meson test gives it (ndctl test/meson.build).
# Exit 0 is a pass, anything else a failure. ndctl's "skip" (77) is a failure here too: the
# harness boots this list with what these tests look for (an e820 pmem range, memmap=), so a
# skip means the guest is not what the test needs, never a result.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
obj=/tests/ndctl
# A program from the build directory, or a shell test from the source tree (which finds its
# helpers, "common", beside itself); both as meson runs them.
case $1 in
*.sh) prog=$obj/src/test/$1 run="bash $prog" ;;
*) prog=$obj/test/$1 run=$prog ;;
esac
[ -f "$prog" ] || ktap_bail "no $prog in the image (test/ndctl.list and scripts/image.sh disagree)"
# The guest's stand-ins for tools the shell tests expect of a full system (journalctl), and
# coreutils' dd before busybox's (oflag=direct).
export PATH=$obj/gnu:$PATH:$obj/bin
# CXL: "common" insists on a cxl tool; no test here uses it.
export NDCTL=$obj/ndctl/ndctl DAXCTL=$obj/daxctl/daxctl CXL=/bin/false \
	TEST_PATH=$obj/test DATA_PATH=$obj/src/test
# Shell tests make their mount points and trace files in the current directory.
work=/tmp/ndctl-work
rm -rf $work
mkdir -p $work || ktap_bail "cannot make $work"
cd $work || ktap_bail "cannot enter $work"

ktap_plan 1
ktap_print "e820 pmem: $(grep -i 'persistent memory' /proc/iomem | tr -s ' \n' '  ')"
ktap_print "running ndctl's test $1"
$run >/tmp/ndctl.out 2>&1
rc=$?
sed 's/^/# /' /tmp/ndctl.out
case $rc in
0) ktap_ok "$1" ;;
77) ktap_print "ndctl's test skipped itself (77): it did not find what it needs"
	ktap_fail "$1" ;;
*) ktap_print "exit $rc"
	ktap_fail "$1" ;;
esac
ktap_exit
