#!/bin/sh
# shellcheck shell=dash
# bench/scale ALIGN SIZE...: how the costs grow with the instance. For each SIZE, a namespace of
# that size at ALIGN on the largest region with its memmap in RAM (-M mem), and dax_bench's
# scale mode on the whole instance: enable and disable times, the memmap the enable sets up,
# faulting it all in and GUP-fast over all of it. Then the first SIZE again with the memmap on
# the device (-M dev).
# Metric tags: at-<MiB>M (mem) and dev-at-<MiB>M, <MiB> the instance's usable size.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1
shift
reps=${HARNESS_REPS:-5}
region=$(nd_region largest)
[ -n "$region" ] || ktap_bail "no NVDIMM region"
ns=namespace${region#region}.0

# one MAP SIZE PREFIX: a namespace of SIZE at ALIGN with its memmap in MAP, measured; one KTAP result.
one() {
	if ! $NDCTL create-namespace -f -e "$ns" -m devdax -a "$align" -s "$2" -M "$1" >/tmp/nd.out 2>&1; then
		sed 's/^/# /' /tmp/nd.out
		ktap_fail "$1 $2: create-namespace"
		return
	fi
	d=$(sed -n 's/.*"chardev":"\(dax[0-9.]*\)".*/\1/p' /tmp/nd.out | head -n 1)
	usable=$(cat "/sys/bus/dax/devices/$d/size")
	mib=$((usable / 1048576))
	ktap_print "$1 $2: /dev/$d, $usable bytes usable"
	if /tests/bin/dax_bench "/dev/$d" "$align" "$usable" "$reps" none "$3at-${mib}M"; then
		ktap_ok "$1 $2"
	else
		ktap_fail "$1 $2"
	fi
}

ktap_plan $(($# + 2))
ktap_dmesg_mark
for size in "$@"; do
	one mem "$size" ""
done
one dev "$1" dev-
ktap_dmesg_clean "no kernel splat"
ktap_exit
