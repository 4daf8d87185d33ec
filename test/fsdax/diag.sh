#!/bin/sh
# shellcheck shell=dash
# fsdax/diag: the fs_dax:dax_pmd_fault_fallback event names why a pmd fault of a file on ext4
# mounted with dax=always falls back (fsdax_diag), and the kernel logs nothing meanwhile.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

region=$(nd_region smallest)
dev=$(nd_fsdax "$region" 2>/tmp/nd.err) || { sed 's/^/# /' /tmp/nd.err; ktap_bail "no fsdax namespace"; }
/sbin/mke2fs -q -t ext4 -F "$dev" >/tmp/mkfs.out 2>&1 || { sed 's/^/# /' /tmp/mkfs.out; ktap_bail "mkfs.ext4 failed"; }
mkdir -p /mnt/dax
mount -t ext4 -o dax=always "$dev" /mnt/dax || ktap_bail "cannot mount $dev with dax=always"
ktap_plan 2
ktap_dmesg_mark
ktap_check "fsdax_diag" /tests/bin/fsdax_diag /mnt/dax
ktap_dmesg_clean "no kernel splat"
umount /mnt/dax
ktap_exit
