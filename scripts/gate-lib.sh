# shellcheck shell=bash
# What the static-analysis gates (gate-sparse.sh, gate-w1.sh, gate-cocci.sh) share: their inputs,
# the files the series touches, their own build directories, make under the build lock, and the
# pristine-vs-patched comparison of diagnostics. Sourced, never run.
# Inputs (environment):
#   SERIES, PATCH_DIR           the series (default: series, patches/); only its diffs' file names are read
#   GATE_PRISTINE_TREE          pristine source (default $BUILD_DIR/pristine/linux-<version>)
#   GATE_PATCHED_TREE           the same + the series (default $BUILD_DIR/patched/linux-<version>)
#   GATE_PRISTINE_OBJ, GATE_PATCHED_OBJ  their configured, built O= directories (default
#                               $BUILD_DIR/<flavour>/obj); read only: their .config is copied, and an
#                               object file there says the source is built in this configuration
#   GATE_DIR                    the gates' own O= directories (default $BUILD_DIR/gates)
#   GATE_HEADER_USERS           .c files checked when the series touches a header (default below)
#   KBUILD_LOCK                 if set, every kernel make/spatch run holds this file with flock(1)
#   JOBS, CCACHE                as for scripts/build.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=$(realpath -m "${PATCH_DIR:-$TOP/patches}")
GATE_PRISTINE_TREE=$(realpath -m "${GATE_PRISTINE_TREE:-$(flavour_dir pristine)/$TREE_NAME}")
GATE_PATCHED_TREE=$(realpath -m "${GATE_PATCHED_TREE:-$(flavour_dir patched)/$TREE_NAME}")
GATE_PRISTINE_OBJ=$(realpath -m "${GATE_PRISTINE_OBJ:-$(flavour_dir pristine)/obj}")
GATE_PATCHED_OBJ=$(realpath -m "${GATE_PATCHED_OBJ:-$(flavour_dir patched)/obj}")
GATE_DIR=$(realpath -m "${GATE_DIR:-$BUILD_DIR/gates}")
# A header change is checked through a fixed, bounded set of .c files that include the headers
# this series touches (pgtable.h, the x86 pgtable headers, memremap.h, pfn.h, pfn_t.h) and use
# what it adds: the page-table walkers and fault paths, get_user_pages, the dev_pagemap code, the
# page-table helper tests, the device-DAX fault handler and the x86 pgtable helpers. Compiling
# every includer of linux/pgtable.h would be most of the kernel.
GATE_HEADER_USERS=${GATE_HEADER_USERS:-mm/memory.c mm/huge_memory.c mm/gup.c mm/memremap.c \
mm/debug_vm_pgtable.c mm/pgtable-generic.c drivers/dax/device.c arch/x86/mm/pgtable.c}
JOBS=${JOBS:-$(nproc)}

# The kernel make of scripts/build.sh: ccache (shared with the main builds), fixed version strings.
GATE_CC=gcc GATE_HOSTCC=gcc
if [ "${CCACHE:-1}" = 1 ] && command -v ccache >/dev/null; then
	GATE_CC="ccache gcc" GATE_HOSTCC="ccache gcc"
	export CCACHE_BASEDIR=$BUILD_DIR CCACHE_NOHASHDIR=1
fi
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026' KBUILD_BUILD_USER=devmap KBUILD_BUILD_HOST=harness

# locked CMD...: CMD, holding $KBUILD_LOCK if set (other kernel builds on this machine wait).
locked() {
	if [ -n "${KBUILD_LOCK:-}" ]; then flock "$KBUILD_LOCK" "$@"; else "$@"; fi
}
# kmake TREE OBJ ARGS...: the kernel's make on TREE, out of tree in OBJ.
kmake() {
	local tree=$1 obj=$2
	shift 2
	locked make -C "$tree" O="$obj" CC="$GATE_CC" HOSTCC="$GATE_HOSTCC" -j"$JOBS" "$@"
}

# series_patches: the patch files of the series, each checked to exist.
series_patches() {
	local p
	[ -f "$SERIES" ] || die "no series file at $SERIES"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES" | awk '{print $1}' | while IFS= read -r p; do
		[ -f "$PATCH_DIR/$p" ] || die "series names $p, which is not in $PATCH_DIR"
		printf '%s\n' "$PATCH_DIR/$p"
	done
}
# touched_files: every file the series creates or changes (its diffs' "+++ b/..." lines).
touched_files() {
	local patches
	patches=$(series_patches) || exit 1
	[ -z "$patches" ] && return 0
	# shellcheck disable=SC2086 # one patch path per line, no spaces (series names)
	awk '/^\+\+\+ [^\/]+\// { f = $2; sub(/^[^\/]+\//, "", f); print f }' $patches | LC_ALL=C sort -u
}
# check_sources: the .c files to compile and check: the touched .c files, plus GATE_HEADER_USERS
# when a header is touched; only those built in the patched configuration (an object in
# GATE_PATCHED_OBJ). Notes the skipped ones on stderr.
check_sources() {
	local files f
	files=$(touched_files) || exit 1
	{
		grep '\.c$' <<<"$files" || true
		if grep -q '\.h$' <<<"$files"; then tr ' ' '\n' <<<"$GATE_HEADER_USERS"; fi
	} | sed '/^$/d' | LC_ALL=C sort -u | while IFS= read -r f; do
		if [ -f "$GATE_PATCHED_OBJ/${f%.c}.o" ]; then
			printf '%s\n' "$f"
		else
			say "$f: not built in this configuration (no ${f%.c}.o in $GATE_PATCHED_OBJ), not checked"
		fi
	done
}
# present TREE FILE...: those of the FILEs that TREE has (a file the series creates is not in pristine).
present() {
	local tree=$1 f
	shift
	for f in "$@"; do [ ! -f "$tree/$f" ] || printf '%s\n' "$f"; done
}
# check_trees: the trees and their built O= directories exist.
check_trees() {
	local d
	for d in "$GATE_PRISTINE_TREE" "$GATE_PATCHED_TREE"; do
		[ -f "$d/Makefile" ] || die "no kernel tree at $d (run 'make apply')"
	done
	for d in "$GATE_PRISTINE_OBJ" "$GATE_PATCHED_OBJ"; do
		[ -f "$d/vmlinux" ] || die "no built kernel in $d (run 'make build' and 'make pristine')"
	done
}
# gate_obj GATE FLAVOUR TREE REFOBJ: prints this gate's own O= directory for one tree, configured
# like REFOBJ (its .config copied when it differs, then olddefconfig and prepare).
gate_obj() {
	local obj=$GATE_DIR/$1/$2 out
	mkdir -p "$obj"
	cmp -s "$4/.config" "$obj/.config.ref" || { cp "$4/.config" "$obj/.config"; cp "$4/.config" "$obj/.config.ref"; }
	if ! out=$(kmake "$3" "$obj" -s olddefconfig 2>&1 && kmake "$3" "$obj" -s prepare 2>&1); then
		printf '%s\n' "$out" | tail -n 20 >&2
		die "cannot prepare $obj from $3 (output above)"
	fi
	printf '%s\n' "$obj"
}

# diagnostics TREE OBJ: on stdin a tool's output; prints each warning or error as
# "key<TAB>full line": full line is path:line[:col]: message, with TREE/ and OBJ/ (absolute, or
# TREE relative to OBJ, as the compiler sees it) stripped from paths; key is the same without line and column numbers (and objtool's +0x offsets), so that a
# warning moved by an unrelated hunk still matches. A sparse continuation line ("path:l:c:    int")
# joins the message it continues.
diagnostics() {
	sed -e "s|$1/||g" -e "s|$2/||g" -e "s|$(realpath -m --relative-to="$2" "$1")/||g" -e 's|^\./||' | awk '
		match($0, /^[^ :]+(:[0-9]+)?(:[0-9]+)?(-[0-9]+)?: /) {
			loc = substr($0, 1, RLENGTH - 2); msg = substr($0, RLENGTH + 1)
			if (msg ~ /^[ \t]/ && (loc in last)) { sub(/^[ \t]+/, "", msg); line[last[loc]] = line[last[loc]] " | " msg; next }
			if (msg !~ /^(warning|error|WARNING|ERROR)/ && $0 !~ /^[^ :]+:[0-9]+:[0-9]+-[0-9]+: /) next
			last[loc] = ++n; file[n] = loc; sub(/:.*/, "", file[n]); line[n] = $0
		}
		END {
			for (i = 1; i <= n; i++) {
				k = line[i]; sub(/^[^ :]+(:[0-9]+)?(:[0-9]+)?(-[0-9]+)?: /, "", k)
				gsub(/\+0x[0-9a-f]+(\/0x[0-9a-f]+)?/, "", k); gsub(/line [0-9]+/, "line N", k)
				print file[i] ": " k "\t" line[i]
			}
		}' | LC_ALL=C sort
}
# compare WHAT PRISTINE PATCHED: the two outputs of diagnostics(); prints every patched line whose
# key the pristine tree does not have as often, and returns 1 if there is any.
compare() {
	local new
	new=$(LC_ALL=C comm -13 <(cut -f1 "$2") <(cut -f1 "$3"))
	[ -z "$new" ] && return 0
	say "new $1 in the patched tree (not in pristine v$LINUX_VERSION; line numbers ignored):"
	local line
	while IFS= read -r line; do
		printf '    %s\n      from: %s\n' "$line" "$(patches_for "${line%%:*}")" >&2
	done < <(awk -F'\t' 'NR == FNR { want[$1] = 1; next } ($1 in want) { print $2 }' <(printf '%s\n' "$new") "$3")
	return 1
}
# patches_for FILE: the patches of the series that change FILE, or, for a file none changes
# (a user of a touched header), those that change a header.
patches_for() {
	local p names=() hdrs=()
	while IFS= read -r p; do
		grep -qxF "+++ b/$1" "$p" && names+=("${p##*/}")
		grep -qE '^\+\+\+ b/.*\.h$' "$p" && hdrs+=("${p##*/}")
	done < <(series_patches)
	if [ ${#names[@]} -gt 0 ]; then
		echo "${names[*]}"
	else
		echo "a header change in ${hdrs[*]:-no patch}"
	fi
}
