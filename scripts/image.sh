#!/usr/bin/env bash
# Stage "image": the guest's initramfs, shared by every kernel flavour.
# Input: test/ (init, runner, test and benchmark lists, shell tests, C tests built here),
# conf/nvdimm.layout, conf/modules.load and conf/depmod.*.conf (a modular guest's module loading),
# the kernel selftests of build/guest/selftests/bin (scripts/selftests.sh), ndctl's tests of
# test/ndctl.list and test/nfit.list from build/ndctl/obj (scripts/ndctl.sh),
# busybox-static, ndctl, daxctl, mke2fs and kmod with the libraries they load (and bash, trace-cmd,
# fallocate, mkfs.ext4, filefrag, jq, xxd, uuidgen, getconf, parted, lsblk and dd for ndctl's
# shell tests): the host's, or for another architecture (GUEST_DEBS of conf/arch/$ARCH.env)
# Debian's of that architecture from $BUILD_DIR/guest/sysroot (scripts/sysroot.sh), whose
# libraries are found through the programs' DT_NEEDED entries.
# ndctl's tests are left out where ARCH_SUITES has no ndctl; the tests conf/arch/$ARCH.skip names
# are listed in /tests/arch-skip with their reasons.
# Output: $BUILD_DIR/guest/initramfs.cpio.gz.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd cpio gzip make "${CROSS_COMPILE}gcc"
sysroot=
if [ "$GUEST_DEBS" = host ]; then
	need_cmd busybox ldd
else
	need_cmd readelf
	sysroot=$BUILD_DIR/guest/sysroot
	[ -x "$sysroot/bin/busybox" ] || die "no $GUEST_DEBS programs in $sysroot (run 'make sysroot')"
fi
with_ndctl=
case ",$ARCH_SUITES," in *,ndctl,*) with_ndctl=1 ;; esac

guest=$BUILD_DIR/guest
root=$guest/root
ndctl_obj=$BUILD_DIR/ndctl/obj
ndctl_src=$BUILD_DIR/ndctl/ndctl-$NDCTL_VERSION
out=$guest/initramfs.cpio.gz
# Debian's busybox-static; a dynamic busybox would need its libraries in the image.
[ -n "$sysroot" ] || ! ldd /bin/busybox >/dev/null 2>&1 || die "/bin/busybox is dynamic: install busybox-static"

make -s -C "$TOP/test" OUT="$guest/tests" CC="${CROSS_COMPILE}gcc" || die "building the guest test programs failed"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,tests,mnt}

# guest_path FILE: where a host file goes in the image: ndctl's build directory as /tests/ndctl
# (its programs find their libraries through a RUNPATH relative to themselves), the sysroot as /,
# anything else at the same path.
guest_path() {
	if [ -n "$sysroot" ] && [[ $1 == "$sysroot"/* ]]; then
		printf '%s\n' "${1#"$sysroot"}"
		return
	fi
	case $1 in
	"$ndctl_obj"/*) printf '/tests/ndctl/%s\n' "${1#"$ndctl_obj"/}" ;;
	*) printf '%s\n' "$1" ;;
	esac
}
# in_sysroot PATH: PATH of the sysroot with its symbolic links resolved inside the sysroot.
in_sysroot() {
	local p=$sysroot$1 t n=0
	while [ -L "$p" ] && [ $n -lt 20 ]; do
		t=$(readlink "$p")
		case $t in /*) p=$sysroot$t ;; *) p=$(dirname "$p")/$t ;; esac
		n=$((n + 1))
	done
	printf '%s\n' "$p"
}
# sysroot_libs FILE: the loader and the libraries a sysroot program loads, directly or not, found
# by name in the sysroot's library directories, into the array libs; fails naming a missing one.
sysroot_libs() {
	local queue=("$1") f lib d found interp
	local -A seen=()
	libs=()
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		interp=$(readelf -lW "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
		if [ -n "$interp" ] && [ -z "${seen[$interp]:-}" ]; then
			seen[$interp]=1
			[ -e "$(in_sysroot "$interp")" ] || die "the loader $interp of ${f#"$sysroot"} is not in $sysroot"
			libs+=("$sysroot$interp")
		fi
		while read -r lib; do
			[ -z "${seen[$lib]:-}" ] || continue
			seen[$lib]=1
			found=
			for d in "$sysroot"/lib/*-linux-gnu* "$sysroot"/usr/lib/*-linux-gnu* "$sysroot/lib" "$sysroot/usr/lib"; do
				[ -e "$d/$lib" ] && { found=$d/$lib; break; }
			done
			[ -n "$found" ] || die "$lib, which ${f#"$sysroot"} loads, is not in $sysroot: add its package to conf/arch/$ARCH.debs"
			libs+=("$found")
			queue+=("$(in_sysroot "${found#"$sysroot"}")")
		done < <(readelf -dW "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
	done
}
# copy_bin FILE: the file, plus every library it loads (and the loader). A sysroot program is
# named by its path in the guest.
copy_bin() {
	local f=$1 lib dest libs=()
	if [ -n "$sysroot" ]; then
		f=$sysroot$1
		[ -e "$(in_sysroot "$1")" ] || die "$1 is not in $sysroot (its package missing from conf/arch/$ARCH.debs?)"
		sysroot_libs "$(in_sysroot "$1")"
	else
		[ -x "$f" ] || die "$f not found (run 'make deps')"
		mapfile -t libs < <(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true)
	fi
	for lib in "$f" "${libs[@]}"; do
		dest=$root$(guest_path "$lib")
		[ -e "$dest" ] && continue
		mkdir -p "$(dirname "$dest")"
		if [ -n "$sysroot" ]; then cp "$(in_sysroot "$(guest_path "$lib")")" "$dest"; else cp -L "$lib" "$dest"; fi
	done
}
cp "${sysroot:-}/bin/busybox" "$root/bin/busybox"
for f in /usr/bin/ndctl /usr/bin/daxctl /sbin/mke2fs /bin/kmod; do
	copy_bin "$f"
done
# kmod's commands, before busybox's (PATH has /usr/sbin first): a modular kernel's modules
# (scripts/modules.sh) are loaded through depmod's binary indexes, as daxctl's libkmod reads them.
for f in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -s /bin/kmod "$root/usr/sbin/$f"
done
# ndctl's own tests (scripts/ndctl.sh) under /tests/ndctl, laid out as in its build directory:
# the test programs, ndctl and daxctl; its shell tests and their helpers under src/test; and the
# tools those shell tests call (host programs: x86_64 only).
if [ -n "$with_ndctl" ]; then
	[ -x "$ndctl_obj/test/device-dax" ] || die "no ndctl tests in $ndctl_obj (run 'make ndctl-build')"
	for f in "$ndctl_obj"/test/* "$ndctl_obj/ndctl/ndctl" "$ndctl_obj/daxctl/daxctl"; do
		[ -f "$f" ] && [ -x "$f" ] && copy_bin "$f"
	done
	mkdir -p "$root/tests/ndctl/src/test"
	cp "$ndctl_src"/test/common "$ndctl_src"/test/*.sh "$ndctl_src"/test/*.bin "$root/tests/ndctl/src/test/"
	for f in /bin/bash /usr/bin/trace-cmd /usr/bin/fallocate /sbin/mkfs.ext4 /usr/bin/jq /usr/bin/xxd \
		/usr/bin/uuidgen /usr/bin/getconf /usr/sbin/filefrag /usr/sbin/parted /usr/bin/lsblk; do
		copy_bin "$f"
	done
	cp -r "$TOP/test/ndctl/bin" "$root/tests/ndctl/bin"
	# coreutils' dd, first on the PATH of ndctl's tests only (test/ndctl/run.sh): they clear
	# poison with oflag=direct, which busybox's dd ignores (a buffered write then reads the bad
	# block: EIO).
	copy_bin /bin/dd
	mkdir -p "$root/tests/ndctl/gnu"
	mv "$root/bin/dd" "$root/tests/ndctl/gnu/dd"
fi
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"

# The tests: test/ as /tests (sources and host-side parts left out), programs in /tests/bin.
install -m 0755 "$TOP/test/guest/init" "$root/init"
install -m 0755 "$TOP/test/guest/run-tests" "$root/tests/run-tests"
cp "$TOP"/test/*.list "$TOP/conf/nvdimm.layout" "$TOP/conf/modules.load" "$TOP"/conf/depmod.*.conf "$root/tests/"
(cd "$TOP/test" && find . -name '*.sh' -not -path './host/*' -print0 | cpio -0 -pdm --quiet "$root/tests")
cp -r "$guest/tests/bin" "$root/tests/bin"
[ -d "$guest/selftests/bin" ] || die "no kernel selftests in $guest/selftests (run 'make selftests')"
cp -r "$guest/selftests/bin" "$root/tests/bin/selftests"
# The tests this architecture cannot run, "GLOB REASON" (conf/arch/$ARCH.skip; run-tests -a).
: >"$root/tests/arch-skip"
if [ -f "$ARCH_SKIP_FILE" ]; then
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ARCH_SKIP_FILE" >"$root/tests/arch-skip"
fi

(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio -0 -o -H newc --quiet --reproducible) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
say "$out: $(du -h "$out" | cut -f1)"
