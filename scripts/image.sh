#!/usr/bin/env bash
# Stage "image": the guest's initramfs, shared by every kernel flavour.
# Input: test/ (init, runner, test and benchmark lists, shell tests, C tests built here), conf/nvdimm.layout,
# the kernel selftests of build/guest/selftests/bin (scripts/selftests.sh), ndctl's tests of
# test/ndctl.list from build/ndctl/obj (scripts/ndctl.sh),
# busybox-static, ndctl, daxctl and mke2fs with the libraries they load (and bash, trace-cmd,
# fallocate and mkfs.ext4 for ndctl's shell tests).
# Output: $BUILD_DIR/guest/initramfs.cpio.gz.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd busybox cpio gzip ldd make

guest=$BUILD_DIR/guest
root=$guest/root
ndctl_obj=$BUILD_DIR/ndctl/obj
ndctl_src=$BUILD_DIR/ndctl/ndctl-$NDCTL_VERSION
out=$guest/initramfs.cpio.gz
# Debian's busybox-static; a dynamic busybox would need its libraries in the image.
ldd /bin/busybox >/dev/null 2>&1 && die "/bin/busybox is dynamic: install busybox-static"

make -s -C "$TOP/test" OUT="$guest/tests" || die "building the guest test programs failed"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,tests,mnt}

# guest_path FILE: where a host file goes in the image: ndctl's build directory as /tests/ndctl
# (its programs find their libraries through a RUNPATH relative to themselves), anything else at
# the same path.
guest_path() {
	case $1 in
	"$ndctl_obj"/*) printf '/tests/ndctl/%s\n' "${1#"$ndctl_obj"/}" ;;
	*) printf '%s\n' "$1" ;;
	esac
}
# copy_bin FILE: the file, plus every library it loads (and the loader).
copy_bin() {
	local f=$1 lib dest
	[ -x "$f" ] || die "$f not found (run 'make deps')"
	for lib in "$f" $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
		dest=$root$(guest_path "$lib")
		[ -e "$dest" ] && continue
		mkdir -p "$(dirname "$dest")"
		cp -L "$lib" "$dest"
	done
}
cp /bin/busybox "$root/bin/busybox"
for f in /usr/bin/ndctl /usr/bin/daxctl /sbin/mke2fs; do
	copy_bin "$f"
done
# ndctl's own tests (scripts/ndctl.sh) under /tests/ndctl, laid out as in its build directory:
# the test programs, ndctl and daxctl; its shell tests and their helpers under src/test; and the
# tools those shell tests call.
[ -x "$ndctl_obj/test/device-dax" ] || die "no ndctl tests in $ndctl_obj (run 'make ndctl-build')"
for f in "$ndctl_obj"/test/* "$ndctl_obj/ndctl/ndctl" "$ndctl_obj/daxctl/daxctl"; do
	[ -f "$f" ] && [ -x "$f" ] && copy_bin "$f"
done
mkdir -p "$root/tests/ndctl/src/test"
cp "$ndctl_src"/test/common "$ndctl_src"/test/*.sh "$root/tests/ndctl/src/test/"
for f in /bin/bash /usr/bin/trace-cmd /usr/bin/fallocate /sbin/mkfs.ext4; do
	copy_bin "$f"
done
cp -r "$TOP/test/ndctl/bin" "$root/tests/ndctl/bin"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"

# The tests: test/ as /tests (sources and host-side parts left out), programs in /tests/bin.
install -m 0755 "$TOP/test/guest/init" "$root/init"
install -m 0755 "$TOP/test/guest/run-tests" "$root/tests/run-tests"
cp "$TOP"/test/*.list "$TOP/conf/nvdimm.layout" "$root/tests/"
(cd "$TOP/test" && find . -name '*.sh' -not -path './host/*' -print0 | cpio -0 -pdm --quiet "$root/tests")
cp -r "$guest/tests/bin" "$root/tests/bin"
[ -d "$guest/selftests/bin" ] || die "no kernel selftests in $guest/selftests (run 'make selftests')"
cp -r "$guest/selftests/bin" "$root/tests/bin/selftests"

(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio -0 -o -H newc --quiet --reproducible) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
say "$out: $(du -h "$out" | cut -f1)"
