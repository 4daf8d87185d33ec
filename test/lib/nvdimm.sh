# shellcheck shell=dash
# Namespace set-up for the guest's tests, through ndctl. Region numbers do not follow QEMU's
# -device order, so regions are chosen by size.

NDCTL=/usr/bin/ndctl
# shellcheck disable=SC2034 # used by the tests
DAXCTL=/usr/bin/daxctl

# nd_region smallest|largest: print the name of the smallest or largest NVDIMM region.
nd_region() {
	for r in /sys/bus/nd/devices/region*; do
		[ -f "$r/size" ] && echo "$(cat "$r/size") ${r##*/}"
	done | sort -n | if [ "$1" = largest ]; then tail -n 1; else head -n 1; fi | cut -d' ' -f2
}

# nd_reconfigure REGION MODE [ALIGN]: turn the region's first namespace into MODE (devdax,
# fsdax, raw) at ALIGN, discarding what it held. Prints ndctl's JSON.
nd_reconfigure() {
	ns=namespace${1#region}.0
	if [ -n "${3:-}" ]; then
		$NDCTL create-namespace -f -e "$ns" -m "$2" -a "$3"
	else
		$NDCTL create-namespace -f -e "$ns" -m "$2"
	fi
}

# nd_devdax REGION ALIGN: make the region's namespace device-DAX at ALIGN; print /dev/daxX.Y.
nd_devdax() {
	json=$(nd_reconfigure "$1" devdax "$2") || { echo "$json" >&2; return 1; }
	dev=$(echo "$json" | sed -n 's/.*"chardev":"\(dax[0-9.]*\)".*/\1/p' | head -n 1)
	if [ -z "$dev" ] || [ ! -c "/dev/$dev" ]; then
		echo "no dax device in: $json" >&2
		return 1
	fi
	echo "/dev/$dev"
}

# nd_devdax_for ALIGN: set $dev to a device-DAX instance at ALIGN for a test (1G: on the largest
# region, the one with room for 1G leaves; otherwise on the smallest), or bail out (KTAP).
nd_devdax_for() {
	case $1 in 1G) region=$(nd_region largest) ;; *) region=$(nd_region smallest) ;; esac
	[ -n "$region" ] || ktap_bail "no NVDIMM region"
	dev=$(nd_devdax "$region" "$1" 2>/tmp/nd.err) ||
		{ sed 's/^/# /' /tmp/nd.err; ktap_bail "no devdax namespace"; }
}

# nd_program_test ALIGN PROGRAM ARGS...: a test of one program on the instance $dev at ALIGN, as
# four subtests: the program passes, the kernel logged nothing, and nd_check_release. Exits.
nd_program_test() {
	align=$1
	shift
	ktap_plan 4
	ktap_dmesg_mark
	ktap_check "${1##*/} $align" "$@"
	ktap_dmesg_clean "no kernel splat"
	nd_check_release "${dev#/dev/}" "$align"
	ktap_exit
}

# nd_fsdax REGION: make the region's namespace fsdax; print /dev/pmemX.
nd_fsdax() {
	json=$(nd_reconfigure "$1" fsdax) || { echo "$json" >&2; return 1; }
	dev=$(echo "$json" | sed -n 's/.*"blockdev":"\(pmem[0-9.]*\)".*/\1/p' | head -n 1)
	if [ -z "$dev" ] || [ ! -b "/dev/$dev" ]; then
		echo "no pmem device in: $json" >&2
		return 1
	fi
	echo "/dev/$dev"
}

# nd_enable_and_map NAME ALIGN: bind the disabled instance NAME (daxX.Y) to device_dax again
# and map ALIGN bytes of it (dax_mmap). Binds through sysfs: daxctl enable-device looks for a
# device_dax module, and the test kernels have none (everything is built in). Prints what
# failed.
nd_enable_and_map() {
	if echo "$1" 2>/tmp/enable.out >/sys/bus/dax/drivers/device_dax/bind &&
		/tests/bin/dax_mmap "/dev/$1" "$2" "$2" >/tmp/remap.out 2>&1; then
		return 0
	fi
	sed 's/^/# /' /tmp/enable.out /tmp/remap.out 2>/dev/null
	return 1
}

# nd_check_release NAME ALIGN: two KTAP results (lib/ktap.sh). With no reference left anywhere,
# disabling the instance NAME returns at once: a reference the test leaked or lost makes it wait
# (with the series; without it a leaked reference is a later use-after-free), and the disable is
# killed after 30 s. Then the instance is enabled again and mapped (nd_enable_and_map).
nd_check_release() {
	if timeout -s KILL 30 "$DAXCTL" disable-device "$1" >/tmp/disable.out 2>&1; then
		ktap_ok "the instance disables with nothing referenced"
	else
		sed 's/^/# daxctl: /' /tmp/disable.out
		ktap_fail "the instance disables with nothing referenced"
	fi
	if nd_enable_and_map "$1" "$2"; then
		ktap_ok "the instance maps again after re-enabling"
	else
		ktap_fail "the instance maps again after re-enabling"
	fi
}
