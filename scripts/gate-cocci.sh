#!/usr/bin/env bash
# Gate "coccinelle": the series adds no coccicheck report. Every semantic patch of the pinned
# tree's scripts/coccinelle that has a report mode runs, as `make coccicheck MODE=report` runs it
# (its Options: and Requires: lines, the kernel's include paths), on every .c and .h file the
# series touches, in the pristine and the patched tree; a report in the patched tree that the
# pristine tree does not have (per file, line numbers stripped) fails.
# Files, not directories: `make coccicheck MODE=report M=mm` takes 267 s per tree on this 2-core
# machine (M=drivers/dax 36 s), so ~10 min for both trees, against ~95 s for the touched files of
# both; a report names the file it is about, and the files the series does not touch cannot gain
# one (their reports in M=mm and M=drivers/dax were the same as here for the touched .c files).
# A touched header is checked itself (spatch on the .h, as coccicheck's --include-headers does).
# Each file is its own spatch file group, as coccicheck's one-file-at-a-time run has it: given all
# files at once, spatch parses and matches them as one unit, and deref_null.cocci then hit its
# timeout on 45 files (fresh-clone CI of 762b413; 201 s here), against 8 s in groups.
# Input: series, patches/, the trees and their built O= directories of scripts/gate-lib.sh (read
# only: their generated headers).
# Output: $GATE_DIR/cocci/{pristine,patched}/ (one output file per semantic patch); the new
# reports on stderr; a non-zero exit if there is any, or if spatch fails.
set -euo pipefail
. "$(dirname "$0")/gate-lib.sh"
need_cmd spatch xargs flock

check_trees
files=$(touched_files) || exit 1
files=$(grep -E '\.[ch]$' <<<"$files" || true)
[ -n "$files" ] || { say "the series touches no C file: nothing to check"; exit 0; }
mapfile -t files <<<"$files"
version=$(spatch --version | awk '{print $3; exit}')

# cocci_one COCCI: in the tree (cwd), with obj, GATE_OUT and GATE_SPATCH_VERSION exported; the
# reports of COCCI on the files of $GATE_OUT/files.groups go to $GATE_OUT/<cocci>.out.
# shellcheck disable=SC2016 # expanded by the inner bash
cocci_one='
	c=$1 opt=$(sed -n "s/.*Options://p" "$1" | head -n1) req=$(sed -n "s/.*Requires:[[:space:]]*//p" "$1" | head -n1)
	if [ -n "$req" ] && ! printf "%s\n%s\n" "$req" "$GATE_SPATCH_VERSION" | sort -CV; then exit 0; fi
	# deref_null.cocci overflows the default 8 MiB stack on dm.c and its neighbours.
	ulimit -s unlimited 2>/dev/null || :
	spatch -D report --no-show-diff --very-quiet --cocci-file "$c" $opt \
		-I arch/x86/include -I "$obj/arch/x86/include/generated" -I include -I "$obj/include" \
		-I arch/x86/include/uapi -I "$obj/arch/x86/include/generated/uapi" -I include/uapi \
		-I "$obj/include/generated/uapi" --include include/linux/compiler-version.h \
		--include include/linux/kconfig.h --file-groups "$GATE_OUT/files.groups" >"$GATE_OUT/${c//\//_}.out" 2>&1 ||
		{ echo "spatch failed ($?) with $c:"; cat "$GATE_OUT/${c//\//_}.out"; exit 255; }
'
start=$(date +%s)
# run FLAVOUR TREE REFOBJ: the reports for the files, as "key<TAB>line" (gate-lib.sh).
run() {
	local out=$GATE_DIR/cocci/$1
	rm -rf "$out" && mkdir -p "$out"
	(
		cd "$2"
		export obj=$3 GATE_OUT=$out GATE_SPATCH_VERSION=$version
		have=$(present "$2" "${files[@]}")
		[ -n "$have" ] || exit 0
		# one group per file: a blank line after each
		sed 'G' <<<"$have" >"$out/files.groups"
		find scripts/coccinelle -name '*.cocci' -type f | LC_ALL=C sort |
			xargs grep -l 'virtual[[:space:]]\+report' |
			locked xargs -P "$JOBS" -n 1 bash -c "$cocci_one" cocci_one
	) >&2 || die "$1: spatch failed (above)"
	cat "$out"/*.out 2>/dev/null | diagnostics "$2" "$3" >"$out.diag"
	printf '%s\n' "$out.diag"
}
say "coccinelle (spatch $version, every report-mode semantic patch) on ${#files[@]} file(s): ${files[*]}"
old=$(run pristine "$GATE_PRISTINE_TREE" "$GATE_PRISTINE_OBJ") || exit 1
new=$(run patched "$GATE_PATCHED_TREE" "$GATE_PATCHED_OBJ") || exit 1
say "pristine: $(wc -l <"$old") report(s), patched: $(wc -l <"$new") (in $(( $(date +%s) - start )) s)"
compare "coccinelle reports" "$old" "$new" || die "the series adds coccinelle reports (above)"
say "no new coccinelle report"
