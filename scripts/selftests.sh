#!/usr/bin/env bash
# Stage: build the kernel selftests named in test/selftests.list (SELFTESTS_LIST) for the guest.
#   in:  the pristine tree (make unpack)
#   out: build/guest/selftests/bin/PROGRAM, static
# The selftests' makefiles write probe results into their source directory, so they are built
# from a copy of the tree's tools/, and the pristine tree stays untouched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd make gcc

tree=$(flavour_dir pristine)/$TREE_NAME
out=$BUILD_DIR/guest/selftests
list=${SELFTESTS_LIST:-$TOP/test/selftests.list}
[ -f "$tree/Makefile" ] || die "no tree at $tree (run 'make unpack')"
[ -f "$list" ] || die "no selftest list at $list"

mapfile -t progs < <(sed 's/#.*//; /^[[:space:]]*$/d' "$list")
stamp=$out/stamp
id=$({ cat "$tree/../source.stamp"; printf '%s\n' "${progs[@]}"; } | sha256sum | cut -d' ' -f1)
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ] && exit 0

rm -rf "$out"
mkdir -p "$out/src/mm" "$out/bin"
say "building ${#progs[@]} selftest(s) from $tree"
make -s -C "$tree" O="$out/khdr" headers >"$out/headers.log" 2>&1 ||
	die "make headers failed; see $out/headers.log"
cp -a "$tree/tools" "$out/src/"
cp "$tree/mm/gup_test.h" "$out/src/mm/"
for p in "${progs[@]}"; do
	dir=${p%/*} prog=${p##*/}
	[ -d "$out/src/tools/testing/selftests/$dir" ] || die "no selftest directory $dir in $tree"
	mkdir -p "$out/obj/$dir"
	make -s -C "$out/src/tools/testing/selftests/$dir" OUTPUT="$out/obj/$dir" \
		KHDR_INCLUDES="-isystem $out/khdr/usr/include" EXTRA_CFLAGS=-static \
		"$out/obj/$dir/$prog" >>"$out/build.log" 2>&1 ||
		{ tail -n 20 "$out/build.log" >&2; die "building selftest $p failed"; }
	install -m 0755 "$out/obj/$dir/$prog" "$out/bin/$prog"
done
rm -rf "$out/src"
printf '%s\n' "$id" >"$stamp"
say "${#progs[@]} selftest program(s) in $out/bin"
