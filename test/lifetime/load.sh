#!/bin/sh
# shellcheck shell=dash
# lifetime/load ALIGN [CYCLES [WORKERS]]: disable and re-enable a device-DAX instance, CYCLES times
# (5), while dax_load maps it, moves data to and from it with O_DIRECT and holds gup_test
# long-term pins on it (WORKERS, e.g. mapper,mapper,mapper: only those; the mappers alone take
# no get_user_pages() reference, so they test the open and mmap paths without the wait). Every disable must complete (it waits for the pins of the moment, then goes on), every
# re-enable must succeed, every operation of the load must end with success or a documented
# error with its data intact, the instance must come back, and the kernel must say nothing. On
# pristine v7.2.8 a disable under a pin frees the memmap under it (xfail-pristine).
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1 cycles=${2:-5} workers=${3:-} ram=/dev/ram0
[ -b $ram ] || ktap_bail "no $ram (CONFIG_BLK_DEV_RAM)"
[ -e /sys/kernel/debug/gup_test ] || ktap_bail "no /sys/kernel/debug/gup_test (CONFIG_GUP_TEST)"
[ -z "$workers" ] || ktap_print "workers: $workers"
nd_devdax_for "$align"
name=${dev#/dev/}

ktap_plan 6
ktap_dmesg_mark
# Enough time for every cycle: a disable, half a second disabled, a re-enable, a second enabled.
secs=$((cycles * 2 + 4))
# shellcheck disable=SC2086 # no WORKERS: every worker once
/tests/bin/dax_load "$dev" "$align" "$secs" $ram $workers >/tmp/load.out 2>&1 &
load=$!
sleep 2
disabled=0 enabled=0 slowest=0
i=0
# bounded SECS WHAT CMD...: run CMD, for at most SECS seconds; a CMD stuck in the kernel (after
# an oops on pristine) ends the test.
bounded() {
	limit=$1 what=$2
	shift 2
	"$@" >/tmp/step.out 2>&1 &
	step=$!
	if ! wait_for "$limit" gone $step; then
		sed 's/^/# /' /tmp/step.out /tmp/load.out
		ktap_bail "cycle $i: $what did not return within ${limit}s (stuck in the kernel?)"
	fi
	wait $step
}
# shellcheck disable=SC2317 # called through bounded
enable() { echo "$name" >/sys/bus/dax/drivers/device_dax/bind; }
while [ $i -lt "$cycles" ]; do
	i=$((i + 1))
	t0=$(cut -d' ' -f1 /proc/uptime)
	if bounded 20 "disable-device" "$DAXCTL" disable-device "$name"; then
		disabled=$((disabled + 1))
	else
		sed 's/^/# daxctl: /' /tmp/step.out
		ktap_print "cycle $i: disable-device failed"
	fi
	slowest=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" -v m="$slowest" \
		'BEGIN { d = b - a; printf "%.2f", (d > m ? d : m) }')
	sleep 0.5
	if bounded 20 "re-enabling" enable; then
		enabled=$((enabled + 1))
	else
		sed 's/^/# bind: /' /tmp/step.out
		ktap_print "cycle $i: re-enabling failed"
	fi
	sleep 1
done
ktap_print "$cycles cycles under load: $disabled disabled (slowest ${slowest}s), $enabled re-enabled"
if [ "$disabled" = "$cycles" ]; then ktap_ok "every disable completes under load"
else ktap_fail "every disable completes under load"; fi
if [ "$enabled" = "$cycles" ]; then ktap_ok "every re-enable succeeds"
else ktap_fail "every re-enable succeeds"; fi
# The load ends within seconds of its deadline; a worker stuck in the kernel (pristine v7.2.8, after
# an oops) would hold the test until its timeout, so stop waiting after 30 s.
if ! wait_for 30 gone "$load"; then
	sed 's/^/# /' /tmp/load.out
	kill -9 "$load" 2>/dev/null
	ktap_bail "the load did not finish 30 s after its deadline (stuck in the kernel?)"
fi
if wait "$load"; then
	sed 's/^/# /' /tmp/load.out
	ktap_ok "every load operation succeeded or failed as documented, data intact"
else
	sed 's/^/# /' /tmp/load.out
	ktap_fail "every load operation succeeded or failed as documented, data intact"
fi
ktap_dmesg_clean "no kernel splat"
nd_check_release "$name" "$align"
ktap_exit
