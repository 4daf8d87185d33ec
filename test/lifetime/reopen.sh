#!/bin/sh
# shellcheck shell=dash
# lifetime/reopen ALIGN: a file of a device-DAX instance opened before a disable and closed after
# the instance is enabled again must leave the new binding's character device alone: the
# instance opens and maps afterwards, and disables again without a splat. On v7.2.8 the re-enable
# runs cdev_init() on the cdev the old file still holds, and the old file's close then drops the
# new binding's reference: the next open gets ENXIO, and the next disable's cdev_del() puts the
# count below zero ("refcount_t: underflow").
# No other process may hold the old file: busybox's timeout leaves a watcher process behind for
# up to a second, which inherits open descriptors (an earlier version of this test let it hold
# the file past the checks, and passed on v7.2.8).
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1
nd_devdax_for "$align"
name=${dev#/dev/}
ktap_plan 6
ktap_dmesg_mark
ktap_print "$dev at $align"

# The old file: fd 4 of this shell, open across the disable and the enable.
exec 4<"$dev"
if timeout -s KILL 30 "$DAXCTL" disable-device "$name" 4<&- >/tmp/disable.out 2>&1; then
	ktap_ok "the instance disables with a file open"
else
	sed 's/^/# daxctl: /' /tmp/disable.out
	ktap_fail "the instance disables with a file open"
fi
if echo "$name" 2>/tmp/enable.out >/sys/bus/dax/drivers/device_dax/bind; then
	ktap_ok "the instance enables again with the old file still open"
else
	sed 's/^/# /' /tmp/enable.out
	ktap_fail "the instance enables again with the old file still open"
fi
exec 4<&-

if /tests/bin/dax_mmap "$dev" "$align" "$align" >/tmp/remap.out 2>&1; then
	ktap_ok "the instance opens and maps after the old file is closed"
else
	sed 's/^/# /' /tmp/remap.out
	ktap_fail "the instance opens and maps after the old file is closed"
fi
nd_check_release "$name" "$align"
ktap_dmesg_clean "no kernel splat (the disable after the old file's close puts the cdev)"
ktap_exit
