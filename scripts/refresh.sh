#!/usr/bin/env bash
# make refresh: write back the patch on top of the patched tree's quilt stack, after editing its
# files there (quilt push to it; quilt edit FILE, or quilt add FILE before editing). Unlike plain
# `quilt refresh`, the result is what git format-patch writes: From:, Date:, the changelog,
# a regenerated diffstat, "diff --git" headers with file modes (an executable script stays
# one), no backup files. How: make git-am's repository (the series as commits on tag "base"),
# the patch's commit amended with the tree's copies of its files, the later commits rebased onto
# it, then make export (patches/ and series, annotations kept). Changes nothing when a later patch
# no longer applies on top, naming it.
# Input: $BUILD_DIR/patched/linux-<version> (FLAVOUR), series (SERIES), patches/ (PATCH_DIR).
# Output: patches/ and series, rewritten; the quilt tree catches up at the next make.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"
need_cmd quilt git

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
FLAVOUR=${FLAVOUR:-patched}
tree=$(flavour_dir "$FLAVOUR")/$TREE_NAME
[ -d "$tree/.pc" ] || die "no quilt tree at $tree (run 'make apply', then quilt push to the patch and edit it)"

export QUILT_PATCHES QUILT_SERIES QUILT_PC=.pc
QUILT_PATCHES=$(realpath --relative-to="$tree" "$PATCH_DIR")
QUILT_SERIES=$(realpath --relative-to="$tree" "$SERIES")
top=$(cd "$tree" && quilt top 2>/dev/null) || die "no patch is applied in $tree (quilt push to the one to refresh)"
top=${top##*/}
mapfile -t patches < <(series_patches "$SERIES")
k=0
for i in "${!patches[@]}"; do [ "${patches[$i]}" = "$top" ] && k=$((i + 1)); done
[ "$k" -gt 0 ] || die "the top patch $top is not in $SERIES (a new patch: make git-am, commit it there, make export)"
[ -f "$PATCH_DIR/$top" ] || die "$PATCH_DIR/$top does not exist (a new patch: make git-am, commit it there, make export)"
mapfile -t files < <(cd "$tree" && quilt files 2>/dev/null)
[ ${#files[@]} -gt 0 ] || die "quilt lists no file for $top"

# The series as git commits, from patches/ as they are (the patch being refreshed unchanged).
"$TOP/scripts/git-am.sh" >&2
repo=$BUILD_DIR/git-am/linux
g() { git -C "$repo" -c user.name=harness -c user.email=harness@localhost "$@"; }
tip=$(g rev-parse HEAD)
old=$(g rev-list --reverse base..HEAD | sed -n "${k}p")
[ -n "$old" ] || die "no commit for patch $k ($top) in $repo"

g checkout -q --detach "$old"
for f in "${files[@]}"; do
	if [ -e "$tree/$f" ]; then
		mkdir -p "$(dirname "$repo/$f")"
		cp -p "$tree/$f" "$repo/$f"
		g add -- "$f"
	else
		g rm -q --ignore-unmatch -- "$f"
	fi
done
if g diff --cached --quiet; then
	g checkout -q --detach "$tip"
	say "$top: the tree's files are what the patch already makes; nothing to refresh"
	exit 0
fi
# The author, the author date and the changelog stay; only the diff changes.
g commit -q --amend --no-edit --allow-empty
new=$(g rev-parse HEAD)
if [ "$k" -lt ${#patches[@]} ] && ! out=$(g rebase -q --onto "$new" "$old" "$tip" 2>&1); then
	stopped=$(g log -1 --format=%s REBASE_HEAD 2>/dev/null || true)
	g rebase --abort >/dev/null 2>&1 || true
	g checkout -q --detach "$tip"
	printf '%s\n' "$out" | grep -E '^CONFLICT' | sed 's/^/  /' >&2 || true
	die "the refreshed $top conflicts with a later patch${stopped:+ (\"$stopped\")}: nothing was written; resolve it with git in $repo (make git-am, git rebase -i), then make export"
fi
REPO=$repo "$TOP/scripts/export.sh"
say "$top refreshed: patches/ and series rewritten (git diff to review; make re-applies from it)"
