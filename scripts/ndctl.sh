#!/usr/bin/env bash
# Stage "ndctl": build ndctl's own test suite (the upstream tests of ndctl, libndctl and daxctl)
# for the guest's ndctl list (test/ndctl.list, make ndctl).
# Input: conf/pin.env (NDCTL_*: Debian's ndctl tarball, fetched from the pool of the archive apt
# is configured with, like the kernel's), or NDCTL_TARBALL=<path or URL> [NDCTL_SHA256=...]
# (another ndctl 81 source, e.g. GitHub's v81 tarball); the build dependencies of conf/packages.
# Output: $BUILD_DIR/ndctl/obj, meson's build directory: test/<program>, ndctl/ndctl,
# daxctl/daxctl and the libraries they load through their RUNPATH ($ORIGIN/../ndctl/lib ...).
# Rebuilds only when the tarball or the options change; a failed build leaves no stamp.
# Nothing to do for a guest without ndctl's list (ARCH_SUITES of conf/arch/$ARCH.env).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
case ",$ARCH_SUITES," in *,ndctl,*) ;; *) exit 0 ;; esac
need_cmd meson ninja pkg-config tar

out=$BUILD_DIR/ndctl
src=$out/ndctl-$NDCTL_VERSION
obj=$out/obj
# Tests on, destructive ones included (they only touch the guest's e820 range); no man pages,
# systemd units or shell completion.
options=(-Dtest=enabled -Ddestructive=enabled -Ddocs=disabled -Dasciidoctor=disabled
	-Dsystemd=disabled -Dbashcompletiondir=no "-Dversion-tag=$NDCTL_VERSION")

if [ -n "${NDCTL_TARBALL:-}" ]; then
	case $NDCTL_TARBALL in
	*://*) tarball=$DOWNLOAD_DIR/${NDCTL_TARBALL##*/}
		mkdir -p "$DOWNLOAD_DIR"
		[ -f "$tarball" ] || download "$NDCTL_TARBALL" "$tarball" || die "could not download $NDCTL_TARBALL" ;;
	*) tarball=$(realpath -m "$NDCTL_TARBALL") ;;
	esac
	[ -f "$tarball" ] || die "NDCTL_TARBALL=$NDCTL_TARBALL: no such file"
	sha=${NDCTL_SHA256:-$(sha256sum "$tarball" | cut -d' ' -f1)}
	if [ -n "${NDCTL_SHA256:-}" ]; then
		msg=$(verify "$tarball" "$NDCTL_SHA256") || die "$msg"
	fi
else
	pool_fetch "$NDCTL_POOL_PATH" "$NDCTL_DEB_TARBALL" "$NDCTL_DEB_SHA256" "$NDCTL_DEB_SIZE"
	tarball=$DOWNLOAD_DIR/$NDCTL_DEB_TARBALL sha=$NDCTL_DEB_SHA256
fi
stamp=$out/stamp
id="$sha ${options[*]}"
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ] && [ -x "$obj/test/device-dax" ] && exit 0

rm -rf "$out"
mkdir -p "$out"
tar -xzf "$tarball" -C "$out" || die "extracting $tarball failed"
[ -f "$src/meson.build" ] || die "${tarball##*/} has no ndctl-$NDCTL_VERSION/meson.build (NDCTL_TARBALL must hold ndctl $NDCTL_VERSION)"
say "building ndctl $NDCTL_VERSION and its tests in ${obj#"$TOP"/}"
meson setup "$obj" "$src" "${options[@]}" >"$out/setup.log" 2>&1 ||
	{ tail -n 20 "$out/setup.log" | sed 's/^/  | /' >&2; die "meson setup failed; see $out/setup.log"; }
ninja -C "$obj" >"$out/build.log" 2>&1 ||
	{ grep -m 10 -E 'error|Error' "$out/build.log" | sed 's/^/  | /' >&2; die "ndctl build failed; see $out/build.log"; }
printf '%s\n' "$id" >"$stamp"
