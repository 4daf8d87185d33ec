#!/bin/sh
# shellcheck shell=dash
# badinput/devdax ALIGN: the bad-input matrix (dax_badinput) on a device-DAX instance at ALIGN,
# then check that the kernel said nothing but the refusals it logs, and that nothing leaked.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1
case $align in 1G) region=$(nd_region largest) ;; *) region=$(nd_region smallest) ;; esac
[ -n "$region" ] || ktap_bail "no NVDIMM region"
[ -b /dev/ram0 ] || ktap_bail "no /dev/ram0 (CONFIG_BLK_DEV_RAM)"
dev=$(nd_devdax "$region" "$align" 2>/tmp/nd.err) || { sed 's/^/# /' /tmp/nd.err; ktap_bail "no devdax namespace"; }

ktap_plan 4
ktap_dmesg_mark
ktap_check "dax_badinput $align" /tests/bin/dax_badinput "$dev" "$align"
ktap_dmesg_clean "no kernel splat"
nd_check_release "${dev#/dev/}" "$align"
ktap_exit
