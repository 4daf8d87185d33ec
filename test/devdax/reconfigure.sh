#!/bin/sh
# shellcheck shell=dash
# devdax/reconfigure ALIGN: data follows the namespace across reconfigurations (dax_pattern).
# Written through a device-DAX mapping, it reads back through the fsdax block device after the
# namespace is turned into fsdax; written through that block device, it reads back through a
# device-DAX mapping after the namespace is turned back (both at ALIGN, memmap on the device,
# so the data starts at the same offset). Then the kernel said nothing.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1 len=64M
region=$(nd_region smallest)
[ -n "$region" ] || ktap_bail "no NVDIMM region"

ktap_plan 5
ktap_dmesg_mark
dev=$(nd_devdax "$region" "$align" 2>/tmp/nd.err) || { sed 's/^/# /' /tmp/nd.err; ktap_bail "no devdax namespace"; }
ktap_check "write $len through $dev" /tests/bin/dax_pattern "$dev" $len 1 write
json=$(nd_reconfigure "$region" fsdax "$align") || { echo "$json" | sed 's/^/# /'; ktap_bail "no fsdax namespace"; }
blk=/dev/$(echo "$json" | sed -n 's/.*"blockdev":"\(pmem[0-9.]*\)".*/\1/p' | head -n 1)
[ -b "$blk" ] || ktap_bail "no pmem block device in: $json"
ktap_print "$dev (devdax) -> $blk (fsdax), both at $align"
ktap_check "devdax data reads back through the fsdax block device" /tests/bin/dax_pattern "$blk" $len 1 check
ktap_check "write $len through $blk" /tests/bin/dax_pattern "$blk" $len 2 write
dev=$(nd_devdax "$region" "$align" 2>/tmp/nd.err) || { sed 's/^/# /' /tmp/nd.err; ktap_bail "no devdax namespace"; }
ktap_check "block device data reads back through a device-DAX mapping" /tests/bin/dax_pattern "$dev" $len 2 check
ktap_dmesg_clean "no kernel splat"
ktap_exit
