#!/usr/bin/env bash
# Stage "ndctl": build ndctl's own test suite (the upstream tests of ndctl, libndctl and daxctl)
# for the guest's ndctl list (test/ndctl.list, make ndctl).
# Input: conf/pin.env (NDCTL_*: Debian's ndctl tarball, fetched from the pool of the archive apt
# is configured with, like the kernel's), the build dependencies of conf/packages.
# Output: $BUILD_DIR/ndctl/obj, meson's build directory: test/<program>, ndctl/ndctl,
# daxctl/daxctl and the libraries they load through their RUNPATH ($ORIGIN/../ndctl/lib ...).
# Rebuilds only when the tarball or the options change; a failed build leaves no stamp.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd meson ninja pkg-config tar

out=$BUILD_DIR/ndctl
src=$out/ndctl-$NDCTL_VERSION
obj=$out/obj
# Tests on, destructive ones included (they only touch the guest's e820 range); no man pages,
# systemd units or shell completion.
options=(-Dtest=enabled -Ddestructive=enabled -Ddocs=disabled -Dasciidoctor=disabled
	-Dsystemd=disabled -Dbashcompletiondir=no "-Dversion-tag=$NDCTL_VERSION")

pool_fetch "$NDCTL_POOL_PATH" "$NDCTL_TARBALL" "$NDCTL_SHA256" "$NDCTL_SIZE"
stamp=$out/stamp
id="$NDCTL_SHA256 ${options[*]}"
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ] && [ -x "$obj/test/device-dax" ] && exit 0

rm -rf "$out"
mkdir -p "$out"
tar -xzf "$DOWNLOAD_DIR/$NDCTL_TARBALL" -C "$out" || die "extracting $NDCTL_TARBALL failed"
[ -f "$src/meson.build" ] || die "$NDCTL_TARBALL has no ndctl-$NDCTL_VERSION/meson.build"
say "building ndctl $NDCTL_VERSION and its tests in ${obj#"$TOP"/}"
meson setup "$obj" "$src" "${options[@]}" >"$out/setup.log" 2>&1 ||
	{ tail -n 20 "$out/setup.log" | sed 's/^/  | /' >&2; die "meson setup failed; see $out/setup.log"; }
ninja -C "$obj" >"$out/build.log" 2>&1 ||
	{ grep -m 10 -E 'error|Error' "$out/build.log" | sed 's/^/  | /' >&2; die "ndctl build failed; see $out/build.log"; }
printf '%s\n' "$id" >"$stamp"
