#!/usr/bin/env bash
# Gate "W=1": the series adds no compiler warning of the kernel's W=1 level. The files of the
# sparse gate (the touched .c files, plus GATE_HEADER_USERS when a header is touched; see
# scripts/gate-lib.sh) are compiled with W=1 in the pristine and the patched tree; a warning in the
# patched tree that the pristine tree does not have (per file, line numbers stripped) fails.
# The objects are removed before each run so that the compiler (or ccache, which replays its
# warnings) always speaks; the build's own preparation (asm-offsets and the like) is not compared.
# Input: series, patches/ and the trees and build directories of scripts/gate-lib.sh.
# Output: $GATE_DIR/w1/{pristine,patched}/ (own O= dirs, w1.log there); the new warnings on stderr;
# a non-zero exit if there is any, or if a file does not compile.
set -euo pipefail
. "$(dirname "$0")/gate-lib.sh"
need_cmd make gcc flock

check_trees
srcs=$(check_sources) || exit 1
[ -n "$srcs" ] || { say "the series touches no C file built in this configuration: nothing to check"; exit 0; }
mapfile -t srcs <<<"$srcs"

start=$(date +%s)
# run FLAVOUR TREE REFOBJ: the W=1 diagnostics for the files, as "key<TAB>line" (gate-lib.sh).
run() {
	local obj log o here objs
	obj=$(gate_obj w1 "$1" "$2" "$3") || exit 1
	log=$obj/w1.log
	mapfile -t here < <(present "$2" "${srcs[@]}")
	[ ${#here[@]} -gt 0 ] || { : >"$obj/w1.diag"; printf '%s\n' "$obj/w1.diag"; return; }
	objs=("${here[@]/%.c/.o}")
	kmake "$2" "$obj" W=1 prepare >"$obj/prepare.log" 2>&1 || die "$1: make W=1 prepare failed (log: $obj/prepare.log)"
	for o in "${objs[@]}"; do rm -f "$obj/$o"; done
	if ! kmake "$2" "$obj" W=1 "${objs[@]}" >"$log" 2>&1; then
		grep -m 10 -E 'error:|Error [0-9]' "$log" >&2 || true
		die "$1: compiling ${objs[*]} with W=1 failed (log: $log)"
	fi
	for o in "${objs[@]}"; do
		grep -qE "^  CC( \[M\])? +$o\$" "$log" || die "$1: $o was not compiled (log: $log)"
	done
	diagnostics "$2" "$obj" <"$log" >"$obj/w1.diag"
	printf '%s\n' "$obj/w1.diag"
}
say "W=1 on ${#srcs[@]} file(s): ${srcs[*]}"
old=$(run pristine "$GATE_PRISTINE_TREE" "$GATE_PRISTINE_OBJ") || exit 1
new=$(run patched "$GATE_PATCHED_TREE" "$GATE_PATCHED_OBJ") || exit 1
say "pristine: $(wc -l <"$old") warning(s), patched: $(wc -l <"$new") (in $(( $(date +%s) - start )) s)"
compare "W=1 warnings" "$old" "$new" || die "the series adds W=1 warnings (above)"
say "no new W=1 warning"
