#!/bin/sh
# shellcheck shell=dash
# nfit/devdax-abi-4k: the pfn_t flags at work. nfit_test's memory is vmalloc()'d RAM, not a
# device's: it has no memmap of the instance's pgmap, so the series' device-DAX gives it a pfn_t
# without PFN_DEV|PFN_MAP and maps it as folios, not with devmap entries; dax_abi (devdax/abi-4k)
# must then find v7.2.8's folio values (PM_FILE, Rss) on both kernels, where the instances of
# QEMU's NVDIMMs show the devmap values on the series. Needs nfit_test (test/nfit.list's guest).
# v7.2.8 oopses at the first fault ("BUG: kernel NULL pointer dereference", RIP
# dax_set_mapping+0x45 [device_dax]): nfit_test gives its pmem ranges fake physical addresses from
# a gen_pool (4 GiB up, test_alloc()), and tools/testing/nvdimm/dax-dev.c's dax_pgoff_to_phys()
# passed such an address to vmalloc_to_page() as if it were the vmalloc() address. Fixes patch 16
# ("tools/testing/nvdimm: fix device-DAX mappings of nfit_test memory") claims the test: it also
# clears the ->mapping device-DAX sets on those pages before nfit_test's vfree(), which reported
# "Bad page state" for each of them when nfit_test unloaded (checked here: the test unloads it).
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

bus=nfit_test.0
modprobe nfit_test 2>/tmp/modprobe.err || ktap_bail "modprobe nfit_test: $(cat /tmp/modprobe.err)"
cat /sys/bus/nd/devices/ndbus*/wait_probe >/dev/null 2>&1
# As ndctl's tests reset the bus: labelled DIMMs, so that a namespace can be part of a region.
{ "$NDCTL" disable-region -b $bus all && "$NDCTL" init-labels -f -b $bus all &&
	"$NDCTL" enable-region -b $bus all; } >/tmp/reset.out 2>&1 ||
	{ sed 's/^/# /' /tmp/reset.out; ktap_bail "cannot reset $bus"; }
json=$("$NDCTL" create-namespace -b $bus -m devdax -a 4K -s 16M 2>&1) ||
	{ echo "$json" | sed 's/^/# /'; ktap_bail "no devdax namespace on $bus"; }
ns=$(echo "$json" | sed -n 's/.*"dev":"\(namespace[0-9.]*\)".*/\1/p' | head -n 1)
dev=/dev/$(echo "$json" | sed -n 's/.*"chardev":"\(dax[0-9.]*\)".*/\1/p' | head -n 1)
[ -c "$dev" ] || { echo "$json" | sed 's/^/# /'; ktap_bail "no device-DAX instance in the namespace"; }
ktap_plan 5
ktap_dmesg_mark
ktap_check "dax_abi 4k" /tests/bin/dax_abi "$dev" 4k folio
nd_check_release "${dev#/dev/}" 4k
# The pages the instance mapped are nfit_test's vmalloc() memory: freed when nfit_test unloads,
# they must come back as the page allocator wants them (no "Bad page state": device-DAX set their
# ->mapping at the fault).
# As ndctl's tests unload it: every region of both buses disabled first. modprobe -r also tries
# the modules nfit_test needs, some of them in use: only nfit_test's own removal counts.
"$NDCTL" destroy-namespace -f -b $bus "$ns" >/tmp/destroy.out 2>&1 &&
	"$NDCTL" disable-region -b nfit_test.0 all >>/tmp/destroy.out 2>&1 &&
	"$NDCTL" disable-region -b nfit_test.1 all >>/tmp/destroy.out 2>&1 &&
	{ modprobe -r nfit_test >>/tmp/destroy.out 2>&1 || true; }
if ! grep -q '^nfit_test ' /proc/modules; then
	ktap_ok "the namespace is destroyed and nfit_test unloads"
else
	sed 's/^/# /' /tmp/destroy.out
	ktap_fail "the namespace is destroyed and nfit_test unloads"
fi
ktap_dmesg_clean "no kernel splat"
ktap_exit
