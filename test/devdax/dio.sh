#!/bin/sh
# shellcheck shell=dash
# devdax/dio ALIGN [pmem]: O_DIRECT between a device-DAX mapping at ALIGN and a block device
# (dax_dio): a RAM disk (brd), or with "pmem" the other NVDIMM's namespace in fsdax mode
# (/dev/pmemN, whose bios copy to and from the device-DAX pages); then check that the kernel
# said nothing.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

if [ "${2:-}" = pmem ]; then
	[ "$1" = 1G ] && ktap_bail "pmem: the 1G instance takes the largest region, the pmem one's"
	blk=$(nd_fsdax "$(nd_region largest)" 2>/tmp/nd.err) ||
		{ sed 's/^/# /' /tmp/nd.err; ktap_bail "no fsdax namespace on the largest region"; }
else
	blk=/dev/ram0
	[ -b $blk ] || ktap_bail "no $blk (CONFIG_BLK_DEV_RAM)"
fi
nd_devdax_for "$1"
nd_program_test "$1" /tests/bin/dax_dio "$dev" "$1" "$blk"
