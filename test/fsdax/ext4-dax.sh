#!/bin/sh
# shellcheck shell=dash
# An fsdax namespace with ext4 mounted -o dax=always: a file written through write(2) reads back,
# and the mount really is DAX.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

ktap_plan 3
region=$(nd_region smallest)
dev=$(nd_fsdax "$region" 2>/tmp/nd.err) || { sed 's/^/# /' /tmp/nd.err; ktap_bail "no fsdax namespace"; }
ktap_check "mkfs.ext4 on $dev" /sbin/mke2fs -q -t ext4 -F "$dev"
mkdir -p /mnt/dax
if mount -t ext4 -o dax=always "$dev" /mnt/dax && grep -q " /mnt/dax .*dax=always" /proc/mounts; then
	ktap_ok "mounted with dax=always"
else
	grep /mnt/dax /proc/mounts | sed 's/^/# /'
	ktap_fail "mounted with dax=always"
fi
dd if=/dev/urandom of=/tmp/ref bs=1M count=8 2>/dev/null
cp /tmp/ref /mnt/dax/file && umount /mnt/dax && mount -t ext4 -o dax=always "$dev" /mnt/dax
if cmp /tmp/ref /mnt/dax/file; then
	ktap_ok "data survives a remount"
else
	ktap_fail "data survives a remount"
fi
umount /mnt/dax
ktap_exit
