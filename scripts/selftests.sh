#!/usr/bin/env bash
# Stage: build the kernel selftests named in test/selftests.list (SELFTESTS_LIST) for the guest.
#   in:  the pristine tree (make unpack), and the series' changes under tools/testing/selftests
#        (series, patches/): the selftests the series adds are built too
#   out: build/guest/selftests/bin/PROGRAM, static
# The selftests' makefiles write probe results into their source directory, so they are built
# from a copy of the tree's tools/ (with the series' selftest changes applied to the copy), and
# the pristine tree stays untouched. The kernel itself is not involved: one image serves both
# kernels, and a test of a selftest that needs the series is annotated in series as usual.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd make "${CROSS_COMPILE}gcc" git
# For another architecture (conf/arch/$ARCH.env): its headers, its compiler.
cross=(${KARCH:+ARCH=$KARCH} ${CROSS_COMPILE:+CROSS_COMPILE=$CROSS_COMPILE})

tree=$(flavour_dir pristine)/$TREE_NAME
out=$BUILD_DIR/guest/selftests
list=${SELFTESTS_LIST:-$TOP/test/selftests.list}
[ -f "$tree/Makefile" ] || die "no tree at $tree (run 'make unpack')"
[ -f "$list" ] || die "no selftest list at $list"

# The whole series, whatever subset this kernel has (make fix-only, make bisect): one image serves
# every flavour, and a test that needs a selftest the series adds is skipped where the patch is
# missing, like any test annotated in series.
SELFTESTS_SERIES=${SELFTESTS_SERIES:-${SERIES_ANNOTATED:-$TOP/series}}
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
mapfile -t progs < <(sed 's/#.*//; /^[[:space:]]*$/d' "$list")
mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SELFTESTS_SERIES" | awk '{print $1}')
# The patches that touch the selftests, in series order.
selftest_patches=()
for p in "${patches[@]}"; do
	grep -q '^diff --git a/tools/testing/selftests/' "$PATCH_DIR/$p" && selftest_patches+=("$PATCH_DIR/$p")
done
stamp=$out/stamp
id=$({ cat "$tree/../source.stamp"; printf '%s\n' "${cross[@]}" "${progs[@]}"; cat "${selftest_patches[@]}" /dev/null; } |
	sha256sum | cut -d' ' -f1)
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ] && exit 0

rm -rf "$out"
mkdir -p "$out/src/mm" "$out/bin"
say "building ${#progs[@]} selftest(s) from $tree"
make -s -C "$tree" O="$out/khdr" "${cross[@]}" headers >"$out/headers.log" 2>&1 ||
	die "make headers failed; see $out/headers.log"
cp -a "$tree/tools" "$out/src/"
for p in "${selftest_patches[@]}"; do
	# Outside any repository (build/ may lie inside one, which would make git apply skip paths).
	(cd "$out/src" && GIT_CEILING_DIRECTORIES=$out git apply --include='tools/testing/selftests/*' "$p") ||
		die "${p##*/}: its selftest changes do not apply to $tree/tools"
done
[ ${#selftest_patches[@]} -eq 0 ] || say "with the selftest changes of ${#selftest_patches[@]} patch(es) of the series"
cp "$tree/mm/gup_test.h" "$out/src/mm/"
for p in "${progs[@]}"; do
	dir=${p%/*} prog=${p##*/}
	[ -d "$out/src/tools/testing/selftests/$dir" ] || die "no selftest directory $dir in $tree"
	mkdir -p "$out/obj/$dir"
	make -s -C "$out/src/tools/testing/selftests/$dir" OUTPUT="$out/obj/$dir" "${cross[@]}" \
		KHDR_INCLUDES="-isystem $out/khdr/usr/include" EXTRA_CFLAGS=-static \
		"$out/obj/$dir/$prog" >>"$out/build.log" 2>&1 ||
		{ tail -n 20 "$out/build.log" >&2; die "building selftest $p failed"; }
	install -m 0755 "$out/obj/$dir/$prog" "$out/bin/$prog"
done
rm -rf "$out/src"
printf '%s\n' "$id" >"$stamp"
say "${#progs[@]} selftest program(s) in $out/bin"
