#!/usr/bin/env bash
# Stage "image": the guest's initramfs, shared by every kernel flavour.
# Input: test/ (init, runner, test and benchmark lists, shell tests, C tests built here), conf/nvdimm.layout,
# the kernel selftests of build/guest/selftests/bin (scripts/selftests.sh),
# busybox-static, ndctl, daxctl and mke2fs with the libraries they load.
# Output: $BUILD_DIR/guest/initramfs.cpio.gz.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd busybox cpio gzip ldd make

guest=$BUILD_DIR/guest
root=$guest/root
out=$guest/initramfs.cpio.gz
# Debian's busybox-static; a dynamic busybox would need its libraries in the image.
ldd /bin/busybox >/dev/null 2>&1 && die "/bin/busybox is dynamic: install busybox-static"

make -s -C "$TOP/test" OUT="$guest/tests" || die "building the guest test programs failed"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,tests,mnt}

# copy_bin FILE: the file at the same path, plus every library it loads (and the loader).
copy_bin() {
	local f=$1 lib
	[ -x "$f" ] || die "$f not found (run 'make deps')"
	cp -L "$f" "$root$f"
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done < <(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true)
}
cp /bin/busybox "$root/bin/busybox"
for f in /usr/bin/ndctl /usr/bin/daxctl /sbin/mke2fs; do
	copy_bin "$f"
done
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
