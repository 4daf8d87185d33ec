#!/bin/sh
# shellcheck shell=dash
# devdax/vm ALIGN: mprotect, mremap, /proc/self/mem, pagemap and smaps on a device-DAX mapping
# at ALIGN (dax_vm), then check that the kernel said nothing (no bad page map report).
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
ktap_check "dax_vm $align" /tests/bin/dax_vm "$dev" "$align"
ktap_dmesg_clean "no kernel splat"
nd_check_release "${dev#/dev/}" "$align"
ktap_exit
