#!/bin/sh
# shellcheck shell=dash
# selftests/devdax ALIGN [-u]: the series' device-DAX selftest (tools/testing/selftests/mm/devdax)
# on an instance at ALIGN; -u also unbinds the instance while a pipe holds its pages.
# selftests/devdax none: without a device the selftest must skip cleanly: exit 4 (KSFT_SKIP) and
# a "1..0 # SKIP" plan, as run_vmtests.sh runs it on machines without device-DAX.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

prog=/tests/bin/selftests/devdax
[ -x $prog ] || ktap_bail "no $prog in the image"
if [ "$1" = none ]; then
	ktap_plan 1
	rc=0
	out=$(DEVDAX='' $prog 2>&1) || rc=$?
	echo "$out" | sed 's/^/# /'
	if [ "$rc" -eq 4 ] && echo "$out" | grep -q '^1\.\.0 # SKIP'; then
		ktap_ok "without a device: a SKIP plan and exit 4"
	else
		ktap_print "exit $rc"
		ktap_fail "without a device: a SKIP plan and exit 4"
	fi
	ktap_exit
fi
nd_devdax_for "$1"
shift
exec $prog "$@" "$dev"
