#!/usr/bin/env bash
# Gate "sparse": the series adds no sparse warning. The .c files it touches (plus, when it touches
# a header, the fixed set GATE_HEADER_USERS of scripts/gate-lib.sh), as built in this
# configuration, are compiled and then checked with C=2 (CHECK=sparse) in the pristine and the
# patched tree; a warning in the patched tree that the pristine tree does not have (compared per
# file, line numbers stripped) fails.
# Debian 12's sparse (0.6.4) predates __typeof_unqual__, which the kernel uses under sparse, so
# the kernel's checker-valid.sh rejects it and C=2 would silently check nothing; when it does,
# this gate runs sparse with -D__typeof_unqual__=__typeof__ (qualifiers are then kept, the same in
# both trees). SPARSE_FLAGS overrides.
# Input: series, patches/ and the trees and build directories of scripts/gate-lib.sh.
# Output: $GATE_DIR/sparse/{pristine,patched}/ (own O= dirs, sparse.log there); the new warnings on
# stderr; a non-zero exit if there is any, or if sparse did not check every file.
set -euo pipefail
. "$(dirname "$0")/gate-lib.sh"
need_cmd sparse make flock

check_trees
srcs=$(check_sources) || exit 1
[ -n "$srcs" ] || { say "the series touches no C file built in this configuration: nothing to check"; exit 0; }
mapfile -t srcs <<<"$srcs"

if [ -z "${SPARSE_FLAGS+set}" ]; then
	SPARSE_FLAGS=
	[ "$("$GATE_PRISTINE_TREE/scripts/checker-valid.sh" sparse)" = 1 ] || SPARSE_FLAGS=-D__typeof_unqual__=__typeof__
fi
read -ra check <<<"sparse $SPARSE_FLAGS"
[ "$("$GATE_PRISTINE_TREE/scripts/checker-valid.sh" "${check[@]}")" = 1 ] ||
	die "'${check[*]}' fails the kernel's scripts/checker-valid.sh (sparse too old?)"

start=$(date +%s)
# run FLAVOUR TREE REFOBJ: sparse's diagnostics for the files, as "key<TAB>line" (gate-lib.sh).
run() {
	local obj log f here objs
	obj=$(gate_obj sparse "$1" "$2" "$3") || exit 1
	log=$obj/sparse.log
	mapfile -t here < <(present "$2" "${srcs[@]}")
	[ ${#here[@]} -gt 0 ] || { : >"$obj/sparse.diag"; printf '%s\n' "$obj/sparse.diag"; return; }
	objs=("${here[@]/%.c/.o}")
	# Compile first, so that C=2's output is sparse's alone.
	kmake "$2" "$obj" "${objs[@]}" >"$obj/build.log" 2>&1 ||
		{ grep -m 10 -E 'error:|Error [0-9]' "$obj/build.log" >&2 || true; die "$1: compiling ${objs[*]} failed (log: $obj/build.log)"; }
	kmake "$2" "$obj" C=2 CHECK="${check[*]}" "${objs[@]}" >"$log" 2>&1 || die "$1: make C=2 failed (log: $log)"
	for f in "${here[@]}"; do
		grep -qE "^  CHECK +($2/)?$f\$" "$log" || die "$1: sparse did not check $f (log: $log)"
	done
	diagnostics "$2" "$obj" <"$log" >"$obj/sparse.diag"
	printf '%s\n' "$obj/sparse.diag"
}
say "sparse (${check[*]}) on ${#srcs[@]} file(s): ${srcs[*]}"
old=$(run pristine "$GATE_PRISTINE_TREE" "$GATE_PRISTINE_OBJ") || exit 1
new=$(run patched "$GATE_PATCHED_TREE" "$GATE_PATCHED_OBJ") || exit 1
say "pristine: $(wc -l <"$old") warning(s), patched: $(wc -l <"$new") (in $(( $(date +%s) - start )) s)"
compare "sparse warnings" "$old" "$new" || die "the series adds sparse warnings (above)"
say "no new sparse warning"
