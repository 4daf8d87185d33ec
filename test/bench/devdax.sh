#!/bin/sh
# shellcheck shell=dash
# bench/devdax ALIGN SIZE: the kernel-path costs of a device-DAX instance at ALIGN with SIZE
# bytes mapped (dax_bench, HARNESS_REPS repetitions), plus the memmap the namespace reserves.
# Figures are KTAP diagnostics "# BENCH <metric> <value> <unit>" (scripts/bench.sh reads them).
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1 size=$2 reps=${HARNESS_REPS:-5} blk=/dev/ram0
[ -b $blk ] || ktap_bail "no $blk (CONFIG_BLK_DEV_RAM)"
[ -e /sys/kernel/debug/gup_test ] || ktap_bail "no /sys/kernel/debug/gup_test (CONFIG_GUP_TEST)"
nd_devdax_for "$align"

# The struct pages of a map=dev namespace live on the device (64 bytes per 4K page: 16 MiB per
# GiB); with the alignment padding, that is what the namespace gives up, per GiB of usable
# device-DAX capacity.
ns=/sys/bus/nd/devices/namespace${region#region}.0
raw=$(cat "$ns/size") usable=$(cat "/sys/bus/dax/devices/${dev#/dev/}/size")
ktap_print "$dev: namespace $raw bytes, device-DAX $usable bytes"
ktap_print "BENCH reserved $(awk -v r="$raw" -v u="$usable" 'BEGIN { printf "%.2f", (r - u) / 1048576 / (u / 1073741824) }') MiB/GiB"

ktap_dmesg_mark
/tests/bin/dax_bench "$dev" "$align" "$size" "$reps" $blk
rc=$?
splats=$(dmesg | tail -n +"$((ktap_log_start + 1))" | grep -E 'BUG|WARNING|Oops|bad page' || true)
if [ -n "$splats" ]; then
	echo "$splats" | head -n 20 | sed 's/^/# kernel: /'
	exit 1
fi
exit $rc
