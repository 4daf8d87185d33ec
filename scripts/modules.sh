#!/usr/bin/env bash
# Stage "modules": for a modular kernel (x86_64's test kernels; make ARCH=... MODULES=1), the
# guest's /lib/modules as a cpio archive that scripts/boot.sh appends to the shared initramfs.
# Input: the flavour's tree and obj/ after scripts/build.sh (the kernel's modules built);
# conf/depmod.conf (which directory wins when two modules have one name).
# Output: $BUILD_DIR/<flavour>/obj/modules.cpio.gz: the kernel's modules, and nfit_test's
# (tools/testing/nvdimm of the same tree: nfit_test, nfit_test_iomap, and its own builds of
# libnvdimm, nd_pmem, device_dax, ... under extra/), with depmod's indexes: the kernel's own
# first (conf/depmod.conf); test/nfit.list's guest makes them again with nfit_test's first
# (conf/depmod.nfit.conf, test/guest/init). Without CONFIG_MODULES: nothing (any old archive is
# removed).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOUR=${FLAVOUR:-patched}
dir=$(flavour_dir "$FLAVOUR")
tree=$dir/$TREE_NAME
obj=$dir/${OBJ_NAME:-obj}
out=$obj/modules.cpio.gz
[ -f "$obj/.config" ] || die "no $obj/.config (run 'make config')"
if ! grep -qx 'CONFIG_MODULES=y' "$obj/.config"; then
	rm -f "$out"
	exit 0
fi
need_cmd depmod cpio gzip
release=$(cat "$obj/include/config/kernel.release" 2>/dev/null) ||
	die "no kernel release in $obj (run 'make build')"

# nfit_test, built against this tree's objects into obj/nfit_test (MO=).
nfit=$tree/tools/testing/nvdimm
[ -f "$nfit/Kbuild" ] || die "no tools/testing/nvdimm in $tree"
BUILD_TARGETS="M=$nfit MO=$obj/nfit_test modules" BUILD_LOG=nfit_test.log "$TOP/scripts/build.sh"

root=$obj/modroot
# Up to date: no module built since the archive, and the same search order. The archive is then
# touched: it is as new as the kernel it goes with (scripts/boot.sh checks).
if [ -f "$out" ] && [ ! "$TOP/conf/depmod.conf" -nt "$out" ] &&
	[ -z "$(find "$obj" -path "$root" -prune -o -name '*.ko' -newer "$out" -print -quit)" ]; then
	touch "$out"
	exit 0
fi
rm -rf "$root"
mkdir -p "$root"
arch=(${KARCH:+ARCH=$KARCH} ${CROSS_COMPILE:+CROSS_COMPILE=$CROSS_COMPILE})
# DEPMOD=true: one depmod at the end, with this project's search order.
make -s -C "$tree" O="$obj" "${arch[@]}" INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 \
	DEPMOD=true modules_install >"$obj/modules_install.log" 2>&1 ||
	{ tail -n 5 "$obj/modules_install.log" >&2; die "modules_install of $FLAVOUR failed (log: $obj/modules_install.log)"; }
make -s -C "$tree" O="$obj" "${arch[@]}" M="$nfit" MO="$obj/nfit_test" INSTALL_MOD_PATH="$root" \
	INSTALL_MOD_DIR=extra INSTALL_MOD_STRIP=1 DEPMOD=true modules_install >>"$obj/modules_install.log" 2>&1 ||
	{ tail -n 5 "$obj/modules_install.log" >&2; die "installing nfit_test's modules failed (log: $obj/modules_install.log)"; }
depmod -b "$root" -C "$TOP/conf/depmod.conf" "$release" ||
	die "depmod failed for $release in $root"
n=$(find "$root/lib/modules/$release" -name '*.ko' | wc -l)
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio -0 -o -H newc --quiet --reproducible) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
say "$out: $n modules for $release ($(du -h "$out" | cut -f1))"
