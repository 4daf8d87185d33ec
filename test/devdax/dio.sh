#!/bin/sh
# shellcheck shell=dash
# devdax/dio ALIGN: O_DIRECT between a device-DAX mapping at ALIGN and a RAM disk (dax_dio),
# then check that the kernel said nothing.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1 blk=/dev/ram0
case $align in 1G) region=$(nd_region largest) ;; *) region=$(nd_region smallest) ;; esac
[ -n "$region" ] || ktap_bail "no NVDIMM region"
[ -b $blk ] || ktap_bail "no $blk (CONFIG_BLK_DEV_RAM)"
dev=$(nd_devdax "$region" "$align" 2>/tmp/nd.err) || { sed 's/^/# /' /tmp/nd.err; ktap_bail "no devdax namespace"; }

ktap_plan 4
ktap_dmesg_mark
ktap_check "dax_dio $align" /tests/bin/dax_dio "$dev" "$align" $blk
ktap_dmesg_clean "no kernel splat"
nd_check_release "${dev#/dev/}" "$align"
ktap_exit
