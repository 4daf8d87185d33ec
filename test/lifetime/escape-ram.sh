#!/bin/sh
# shellcheck shell=dash
# lifetime/escape-ram ALIGN [held]: no mapping of a device-DAX instance outlives it, whatever was done
# to it, and nothing the memory's next owner writes is readable through one.
#
# lifetime/dax_escape.c maps an instance at ALIGN in every way that could keep a mapping out of
# the teardown's zap: plain, MADV_DONTNEED/COLD/PAGEOUT/WILLNEED/POPULATE_READ, mremap, a guard
# page (fork copies the page tables) with a forked child, a userfaultfd write-protect, forks
# racing the disable, and with "held" a page held by a pipe (get_user_pages) across the disable.
# Then:
#   1. the disable completes (with "held": it waits for the held page, and completes once the
#      pipe lets it go);
#   2. no old mapping maps a page (pagemap) and every read of one raises SIGBUS;
#   3. the range becomes System RAM (the kmem driver, memory blocks onlined movable) and a new
#      owner fills the free memory with a marker: 2. again, and no read finds the marker;
#   4. the range becomes device-DAX again (the filler gone, the blocks offlined, kmem unbound,
#      device_dax bound) and is mapped and written: still no old mapping maps a page (a read
#      would fault the re-enabled instance in again, as an open file of the device may).
#   5. once every old file is closed, the instance opens and maps, and disables and enables
#      again without a splat (v7.2.8: the re-enable ran cdev_init() on the cdev the holders'
#      files still held; their close leaves the next open ENXIO, and the next disable warns
#      "refcount_t: underflow", as lifetime/reopen-2m finds: fixes 10 and 11).
# With a modular kernel (x86_64's) steps 3 and 4 are daxctl reconfigure-device -m system-ram and
# -f -m devdax, as a user would run them; without one (arm64's: daxctl finds no kmem module to
# load), the same through sysfs: kmem's new_id, the blocks onlined movable, then offlined.
# "held" runs only on kernels with fixes 8 and 11 (lifetime/escape-ram-held-2m, kind patched): on
# v7.2.8 the disable does not wait, and the pipe's page is then gone (reading it oopsed on arm64,
# closing it on x86), which leaves the holder stuck.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh
# shellcheck source=../lib/hold.sh
. /tests/lib/hold.sh

align=${1:-2M} held=${2:-}
kmem=/sys/bus/dax/drivers/kmem
via=sysfs
[ -d "/lib/modules/$(uname -r)" ] && modinfo kmem >/dev/null 2>&1 && via=daxctl
mem=/sys/devices/system/memory

if [ -n "$held" ]; then ktap_plan 13; else ktap_plan 12; fi
nd_devdax_for "$align"
name=${dev#/dev/}
ktap_print "$dev at $align; System RAM through $via"
ktap_dmesg_mark

# esc CMD SECS: send CMD to dax_escape hold and wait up to SECS seconds for its answer; fails
# unless it is "ok". Prints what the holders said. Bails out when there is no answer: the
# holder is stuck in the kernel (pristine v7.2.8: an oops in a use-after-free).
esc_lines=0
esc() {
	echo "$1" >&4 || return 1
	if ! wait_for "$2" grep -qs "^DONE $1 " /tmp/escape.out; then
		sed -n "$((esc_lines + 1)),\$p" /tmp/escape.out | sed 's/^/# holders: /'
		stuck_tasks
		ktap_bail "no answer to '$1' in $2 s"
	fi
	sed -n "$((esc_lines + 1)),\$p" /tmp/escape.out | grep -v '^DONE' | sed 's/^# /# holders: /'
	esc_lines=$(wc -l </tmp/escape.out)
	grep -qs "^DONE $1 ok" /tmp/escape.out
}
# ready_or_gone TAG: the job of bg_start TAG has printed READY, or has ended.
# shellcheck disable=SC2317 # run by wait_for
ready_or_gone() { grep -qs READY "/tmp/$1.out" || test -s "/tmp/$1.rc"; }
# shellcheck disable=SC2317 # esc_end and fill_end run from the EXIT trap too
esc_end() {
	[ -n "${esc_open:-}" ] || return 0
	(echo exit >&4) 2>/dev/null
	exec 4>&-
	esc_open=
}
fill_end() {
	[ -n "${fill_open:-}" ] || return 0
	(echo exit >&5) 2>/dev/null
	exec 5>&-
	fill_open=
	bg_wait 60 fill || ktap_print "the filler did not end: $(cat /tmp/fill.out)"
}
trap 'fill_end; esc_end' EXIT

# The mappings
rm -f /tmp/escape.in /tmp/fill.in
mkfifo /tmp/escape.in /tmp/fill.in
# Each FIFO is opened read-write here first, so that opening it to read does not block; the
# shells of bg_start keep that descriptor, so each reader is told to end by a line, not by the
# end of its input.
exec 4<>/tmp/escape.in
esc_open=1
# shellcheck disable=SC2016 # expanded by the inner sh
bg_start escape sh -c 'exec 4>&- 5>&- </tmp/escape.in; exec /tests/bin/dax_escape hold "$@"' sh \
	"$dev" "$align" ${held:+"$held"}
if wait_for 120 ready_or_gone escape && grep -qs READY /tmp/escape.out; then
	sed '/^READY/d; s/^# /# holders: /' /tmp/escape.out
	esc_lines=$(wc -l </tmp/escape.out)
	ktap_ok "every kind of mapping is set up"
else
	sed 's/^/# holders: /' /tmp/escape.out
	ktap_bail "the mappings were not set up"
fi

# 1. The disable, with a page held or not
bg_start disable "$DAXCTL" disable-device "$name"
if [ -z "$held" ]; then
	if bg_wait 30 disable; then
		ktap_ok "the disable completes"
	else
		sed 's/^/# daxctl: /' /tmp/disable.out
		[ -s /tmp/disable.rc ] || stuck_tasks
		ktap_fail "the disable completes"
	fi
elif wait_for 3 test -s /tmp/disable.rc; then
	sed 's/^/# daxctl: /' /tmp/disable.out
	ktap_fail "the disable waits while a pipe holds a page"
	# The page may be gone: reading it would be a use-after-free (v7.2.8 on arm64: an oops).
	esc drop 30
	ktap_fail "the held page reads back intact and the disable completes # not read back"
else
	ktap_ok "the disable waits while a pipe holds a page"
	released=$(cut -d' ' -f1 /proc/uptime)
	esc release 30
	release_ok=$?
	if bg_wait 60 disable && [ $release_ok = 0 ]; then
		ktap_print "the disable completed $(after_release "$released" /tmp/disable.end)"
		ktap_ok "the held page reads back intact and the disable completes"
	else
		sed 's/^/# daxctl: /' /tmp/disable.out
		[ -s /tmp/disable.rc ] ||
			{ ktap_print "the disable still waits 60 s after the release"; stuck_tasks; }
		ktap_fail "the held page reads back intact and the disable completes"
	fi
fi
esc stop 60 || ktap_print "stopping the fork race failed"

# 2.
if esc "probe 1" 120; then
	ktap_ok "after the disable, no old mapping maps a page and every read raises SIGBUS"
else
	ktap_fail "after the disable, no old mapping maps a page and every read raises SIGBUS"
fi

# 3. System RAM, and a new owner
# blocks: the memory blocks of the instance's range, as "memoryN" names
blocks() {
	bs=$((0x$(cat $mem/block_size_bytes)))
	start=$(($(cat "/sys/bus/dax/devices/$name/resource")))
	end=$((start + $(cat "/sys/bus/dax/devices/$name/size")))
	b=$(((start + bs - 1) / bs))
	while [ $(((b + 1) * bs)) -le $end ]; do
		echo "memory$b"
		b=$((b + 1))
	done
}
ram=0 total_before=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)
if [ "$via" = daxctl ]; then
	# As a user would: daxctl loads kmem (libkmod), binds it and onlines the blocks movable.
	timeout -s KILL 120 "$DAXCTL" reconfigure-device -m system-ram "$name" >/tmp/kmem.out 2>&1 ||
		sed 's/^/# daxctl: /' /tmp/kmem.out
	for blk in $(blocks); do
		[ "$(cat "$mem/$blk/state" 2>/dev/null)" = online ] && ram=$((ram + 1))
	done
elif echo "$name" >$kmem/new_id 2>/tmp/kmem.err; then
	for blk in $(blocks); do
		[ -f "$mem/$blk/state" ] || continue
		if echo online_movable >"$mem/$blk/state" 2>/dev/null; then
			ram=$((ram + 1))
		else
			ktap_print "$blk: onlining failed ($(cat "$mem/$blk/state"))"
		fi
	done
else
	ktap_print "binding kmem: $(cat /tmp/kmem.err)"
fi
total=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)
ktap_print "$ram memory block(s) of the instance online, MemTotal $total_before -> $total kB"
# The new owner takes what is free in ZONE_MOVABLE (where the blocks went; movable allocations
# try it first) but 16 MiB: the new memory, without pressure on the rest. Its memory is bound to
# the node the range was added to (the instance's target node): on a NUMA guest, allocations
# would take the CPU's node first. None without NUMA (no mbind()).
movable_free() {
	awk '/zone *Movable/ { m = 1; next } /zone/ { m = 0 } m && /pages free/ { f += $3 }
		END { print int(f / 256) }' /proc/zoneinfo
}
node=
[ -d /sys/devices/system/node ] && node=$(cat "/sys/bus/dax/devices/$name/target_node" 2>/dev/null)
fill_mib=$(($(movable_free) - 16))
fill_ready=
if [ $ram -gt 0 ] && [ $fill_mib -gt 0 ]; then
	exec 5<>/tmp/fill.in
	fill_open=1
	# shellcheck disable=SC2016 # expanded by the inner sh
	bg_start fill sh -c 'exec 4>&- 5>&- </tmp/fill.in; exec /tests/bin/dax_escape fill "$@"' \
		sh "${fill_mib}M" ${node:+"$node"}
	wait_for 600 ready_or_gone fill && grep -qs READY /tmp/fill.out && fill_ready=1
fi
if [ -n "$fill_ready" ]; then
	ktap_print "a new owner wrote $fill_mib MiB on node ${node:-0}; free in ZONE_MOVABLE now: $(movable_free) MiB"
	ktap_ok "the range becomes System RAM and a new owner fills the free memory"
	if esc "probe 1" 120; then
		ktap_ok "as System RAM, no old mapping maps a page and every read raises SIGBUS"
	else
		ktap_fail "as System RAM, no old mapping maps a page and every read raises SIGBUS"
	fi
else
	sed 's/^/# filler: /' /tmp/fill.out 2>/dev/null
	ktap_fail "the range becomes System RAM and a new owner fills the free memory"
	ktap_skip "as System RAM, no old mapping maps a page and every read raises SIGBUS" \
		"the range is not System RAM"
fi

# 4. device-DAX again
fill_end
back='' daxctl_ok=1
if [ "$via" = daxctl ]; then
	# -f: daxctl offlines the blocks itself (bounded: offlining retries migration until a signal)
	if timeout -s KILL 120 "$DAXCTL" reconfigure-device -f -m devdax "$name" >/tmp/rebind.out 2>&1 &&
		/tests/bin/dax_mmap "$dev" "$align" "$align" >>/tmp/rebind.out 2>&1; then
		back=1
	else
		sed 's/^/# daxctl: /' /tmp/rebind.out
		ktap_print "daxctl failed: back to device-DAX through sysfs, for the tests after this one"
		daxctl_ok=
	fi
fi
if [ -z "$back" ]; then
	back=1
	for blk in $(blocks); do
		[ "$(cat "$mem/$blk/state" 2>/dev/null)" = online ] || continue
		# shellcheck disable=SC2016 # expanded by the inner sh
		timeout 60 sh -c 'echo offline >"$1"' sh "$mem/$blk/state" 2>/dev/null ||
			{ ktap_print "$blk: offlining failed"; back=; }
	done
	if [ -e "$kmem/$name" ]; then
		echo "$name" >$kmem/unbind 2>/dev/null || { ktap_print "unbinding kmem failed"; back=; }
	fi
	echo "$name" >$kmem/remove_id 2>/dev/null || [ "$via" = daxctl ] || ktap_print "kmem remove_id failed"
	[ -n "$back" ] && ! bounded_enable_and_map 30 rebind "$name" "$align" && back=
	[ -n "$daxctl_ok" ] || back=
fi
if [ -n "$back" ]; then
	ktap_ok "the range is device-DAX again and maps"
else
	sed 's/^/# /' /tmp/rebind.out 2>/dev/null
	ktap_fail "the range is device-DAX again and maps"
fi
if esc "probe 0" 120; then
	ktap_ok "with the range device-DAX again, no old mapping maps a page"
else
	ktap_fail "with the range device-DAX again, no old mapping maps a page"
fi
echo exit >&4
if bg_wait 60 escape; then
	ktap_ok "every holder exits"
else
	sed -n "$((esc_lines + 1)),\$p" /tmp/escape.out | sed 's/^/# holders: /'
	ktap_fail "every holder exits"
fi
exec 4>&-
esc_open=

# 5. The instance after the old files' close
if /tests/bin/dax_mmap "$dev" "$align" "$align" >/tmp/remap.out 2>&1; then
	ktap_ok "the instance opens and maps after every old file is closed"
else
	sed 's/^/# /' /tmp/remap.out
	ktap_fail "the instance opens and maps after every old file is closed"
fi
nd_check_release "$name" "$align"
ktap_dmesg_clean "no kernel splat"
ktap_exit
