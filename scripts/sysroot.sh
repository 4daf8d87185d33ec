#!/usr/bin/env bash
# Stage "sysroot": the guest's programs for another architecture than the host's, from Debian.
# Input: GUEST_DEBS of conf/arch/$ARCH.env (a Debian architecture; "host" needs no sysroot),
# conf/arch/$ARCH.debs (the packages), apt's package lists for that architecture (make deps:
# dpkg --add-architecture).
# Output: the packages in $DOWNLOAD_DIR/debs-<arch>/ (apt-get download), unpacked with dpkg-deb
# into $BUILD_DIR/guest/sysroot, where scripts/image.sh takes busybox, ndctl, daxctl and mke2fs
# and the libraries they load. Nothing is installed on the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ "$GUEST_DEBS" = host ] && exit 0
need_cmd apt-get dpkg-deb
list=$TOP/conf/arch/$ARCH.debs
[ -f "$list" ] || die "no package list $list for GUEST_DEBS=$GUEST_DEBS"
mapfile -t pkgs < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list")
[ ${#pkgs[@]} -gt 0 ] || die "$list lists no package"
sysroot=$BUILD_DIR/guest/sysroot
debs=$DOWNLOAD_DIR/debs-$GUEST_DEBS
stamp=$sysroot.stamp
id=$(printf '%s\n' "$GUEST_DEBS" "${pkgs[@]}" | sha256sum | cut -c-64)
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ] && [ -d "$sysroot" ] && exit 0

grep -qx "$GUEST_DEBS" <<<"$(dpkg --print-foreign-architectures)" ||
	die "apt knows no $GUEST_DEBS packages: as root run 'dpkg --add-architecture $GUEST_DEBS && apt-get update' (make deps does)"
mkdir -p "$debs"
# apt-get download writes into the current directory, as the _apt user when it can.
chmod 0755 "$debs" 2>/dev/null || true
missing=()
for p in "${pkgs[@]}"; do
	compgen -G "$debs/${p}_*_$GUEST_DEBS.deb" >/dev/null || compgen -G "$debs/${p}_*_all.deb" >/dev/null ||
		missing+=("$p:$GUEST_DEBS")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "downloading ${#missing[@]} $GUEST_DEBS package(s) into ${debs#"$TOP"/}"
	(cd "$debs" && apt-get download -q "${missing[@]}" >"$debs/download.log" 2>&1) ||
		{ tail -n 5 "$debs/download.log" >&2; die "apt-get download failed (see $debs/download.log)"; }
fi
rm -rf "$sysroot"
mkdir -p "$sysroot"
for p in "${pkgs[@]}"; do
	for deb in "$debs/${p}"_*_"$GUEST_DEBS".deb "$debs/${p}"_*_all.deb; do
		[ -f "$deb" ] || continue
		dpkg-deb -x "$deb" "$sysroot" || die "cannot unpack $deb"
	done
done
printf '%s\n' "$id" >"$stamp"
say "${#pkgs[@]} $GUEST_DEBS package(s) unpacked into ${sysroot#"$TOP"/}"
