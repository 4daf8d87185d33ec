#!/bin/sh
# shellcheck shell=dash
# devdax/coredump ALIGN: core dumps hold the contents of a device-DAX mapping at ALIGN
# (dax_coredump: get_user_pages(FOLL_DUMP) on its entries), then check that the kernel said
# nothing and that the dump left no reference behind.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1
case $align in 1G) region=$(nd_region largest) ;; *) region=$(nd_region smallest) ;; esac
[ -n "$region" ] || ktap_bail "no NVDIMM region"
dev=$(nd_devdax "$region" "$align" 2>/tmp/nd.err) || { sed 's/^/# /' /tmp/nd.err; ktap_bail "no devdax namespace"; }

ktap_plan 4
ktap_dmesg_mark
ktap_check "dax_coredump $align" /tests/bin/dax_coredump "$dev" "$align"
ktap_dmesg_clean "no kernel splat"
nd_check_release "${dev#/dev/}" "$align"
ktap_exit
