#!/usr/bin/env bash
# Gate "kerneldoc": no patch adds a kernel-doc warning, and the functions a patch adds to a header
# are documented.
#  - For every .c/.h file a patch touches, scripts/kernel-doc -none -Wall runs on the file before
#    and after the patch; a warning after it that was not there before (compared with the line
#    numbers stripped) fails, naming the patch. Every warning the series adds to the pristine tree
#    is added by some patch, so this is the pristine-vs-patched comparison, attributed.
#  - A function (definition or prototype) a patch adds to a header outside arch/ must have a
#    kernel-doc comment ("/**", then " * name() - ...") after the patch: in that header, or, as
#    the kernel puts it for a function defined in a .c file, at the definition in one of the
#    .c files the series touches. Exempt: names
#    the pristine header already had, and architecture hooks, i.e. names the series also defines
#    in an arch/ header (the generic fallbacks of pte_devmap() and friends, which are documented,
#    like pte_special(), by one contract comment).
# The states before and after each patch are built in a temporary copy of the touched files of the
# pristine tree (build/patched may hold another series, or be half-way through a concurrent run).
# Input: series, patches/ (SERIES, PATCH_DIR); $BUILD_DIR/pristine/linux-<version> (its kernel-doc).
# Output: the new warnings and undocumented functions on stderr, naming the patch; non-zero exit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd python3 patch awk sed

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=$(realpath -m "${PATCH_DIR:-$TOP/patches}")
pristine=$(flavour_dir pristine)/$TREE_NAME
kdoc=$pristine/scripts/kernel-doc
[ -x "$kdoc" ] || die "no $kdoc (run 'make unpack')"
[ -f "$SERIES" ] || die "no series file at $SERIES"
# A cover letter (0000-cover-letter.patch, no diff) is gate-format's business.
mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES" | awk '$1 != "0000-cover-letter.patch" {print $1}')
for p in "${patches[@]}"; do
	[ -f "$PATCH_DIR/$p" ] || die "series names $p, which is not in $PATCH_DIR"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gate-kerneldoc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/tree

# touched PATCH: the files a patch touches (old and new names), from its ---/+++ lines.
touched() { awk '/^(---|\+\+\+) [ab]\// { print substr($2, 3) }' "$1" | sort -u; }
# added_functions PATCH: "file name" for each function a patch adds at file scope to a header.
added_functions() {
	awk '/^\+\+\+ / { f = substr($2, 3); next }
	     f ~ /\.h$/ && /^\+[A-Za-z_]/ && !/^\+typedef/ &&
	     match($0, /^\+([A-Za-z_][A-Za-z0-9_]*[ \t*]+)+[A-Za-z_][A-Za-z0-9_]*\(/) {
		s = substr($0, RSTART, RLENGTH - 1); sub(/.*[ \t*]/, "", s); print f, s }' "$1"
}
# documented FILE: the names that have a kernel-doc comment in FILE.
documented() { sed -nE '/^\/\*\*[[:space:]]*$/{n;s/^ \* ([A-Za-z_][A-Za-z0-9_]*)(\(\))?[[:space:]]*[-:].*/\1/p}' "$1"; }
# documented_in_c NAME: NAME has a kernel-doc comment in a .c file of $tree (the series' files).
# (grep reads all its input: with -q it would stop early, and pipefail would see the SIGPIPE.)
documented_in_c() {
	local c
	while IFS= read -r c; do documented "$c"; done < <(find "$tree" -name '*.c') | grep -xF "$1" >/dev/null
}
# warnings FILE...: kernel-doc's warnings on FILEs of $tree, without line numbers, one per line.
warnings() {
	[ $# -gt 0 ] || return 0
	local out
	out=$(cd "$tree" && "$kdoc" -none -Wall "$@" 2>&1) || { printf '%s\n' "$out" >&2; die "kernel-doc failed on $*"; }
	printf '%s\n' "$out" | sed '/^$/d' | LC_ALL=C sort -u | sed -E 's/([^ :]+\.[ch]):[0-9]+:?/\1:/g' | LC_ALL=C sort
}
# present: those of the current patch's .c/.h files ($files) that exist in $tree.
present() { local f; for f in "${files[@]}"; do [ ! -f "$tree/$f" ] || printf '%s\n' "$f"; done; }

# Copy the pristine version of every file the series touches; architecture hooks of the series.
mkdir -p "$tree"
for p in "${patches[@]}"; do touched "$PATCH_DIR/$p"; done | sort -u | while IFS= read -r f; do
	[ ! -f "$pristine/$f" ] || install -D -m 644 "$pristine/$f" "$tree/$f"
done
arch_hooks=" $(for p in "${patches[@]}"; do added_functions "$PATCH_DIR/$p"; done | awk '$1 ~ /^arch\// { printf "%s ", $2 }')"

bad=0 n=0 checked=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	mapfile -t files < <(touched "$PATCH_DIR/$p" | grep -E '\.[ch]$' || true)
	mapfile -t here < <(present)
	before=$(warnings "${here[@]}")
	if ! out=$(patch -d "$tree" -p1 --fuzz=0 -N -s --no-backup-if-mismatch -i "$PATCH_DIR/$p" 2>&1); then
		printf '%s\n' "$out" >&2
		die "patch $n/${#patches[@]} $p does not apply (see 'make apply')"
	fi
	mapfile -t here < <(present)
	after=$(warnings "${here[@]}")
	checked=$((checked + ${#here[@]}))
	new=$(LC_ALL=C comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed '/^$/d')
	if [ -n "$new" ]; then
		while IFS= read -r line; do say "$p: new kernel-doc warning: ${line#Warning: }"; done <<<"$new"
		bad=1
	fi
	hooks=()
	while read -r f name; do
		case $f in arch/*) continue ;; esac
		[ -f "$tree/$f" ] || continue
		if [ -f "$pristine/$f" ] && grep -qE "(^|[^A-Za-z0-9_])$name\(" "$pristine/$f"; then continue; fi
		documented "$tree/$f" | grep -xF "$name" >/dev/null && continue
		documented_in_c "$name" && continue
		case $arch_hooks in *" $name "*) hooks+=("$name()"); continue ;; esac
		say "$p: $f: $name() is new and has no kernel-doc comment"
		bad=1
	done < <(added_functions "$PATCH_DIR/$p" | sort -u)
	[ ${#hooks[@]} -eq 0 ] || say "note: $p: architecture hooks without kernel-doc (exempt): ${hooks[*]}"
done
[ "$bad" -eq 0 ] || die "kernel-doc problems (above)"
say "${#patches[@]} patch(es): no new kernel-doc warning ($checked .c/.h file(s) checked before and after their patch), new header functions documented"
