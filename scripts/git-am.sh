#!/usr/bin/env bash
# Stage "git-am": prove the series is mail-ready: `git am` every patch of `series`, in order,
# onto a fresh git repository of the pristine tree.
# Input: $BUILD_DIR/pristine/linux-<version>, series, patches/.
# Output: $BUILD_DIR/git-am/linux, a git repository: commit "base" (the pinned tree, with a fixed
# author and date, so its id is the same everywhere) and one commit per patch on top.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd git

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
pristine=$(flavour_dir pristine)/$TREE_NAME
dir=$BUILD_DIR/git-am
repo=$dir/linux
stamp=$dir/base.stamp
[ -f "$pristine/Makefile" ] || die "no pristine tree at $pristine (run 'make unpack')"
[ -f "$SERIES" ] || die "no series file at $SERIES"

g() { git -C "$repo" -c user.name=harness -c user.email=harness@localhost "$@"; }

base=$(cat "$(flavour_dir pristine)/source.stamp")
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$base" ] || ! g rev-parse -q --verify base >/dev/null; then
	say "creating a git repository of the pristine tree (once; about a minute)"
	rm -rf "$repo" "$stamp"
	mkdir -p "$dir"
	cp -a "$pristine" "$repo"
	g init -q
	g add -A -f	# the tarball's files, including those the kernel's .gitignore names
	GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
		g commit -q -m "Linux $LINUX_VERSION" --author="harness <harness@localhost>"
	g tag base
	printf '%s\n' "$base" >"$stamp"
fi

# Start from the base every time: whatever an earlier run left behind is discarded.
g am --abort >/dev/null 2>&1 || true
g checkout -q -f --detach base
g clean -q -fdx

mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES" | awk '{print $1}')
n=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	[ -f "$PATCH_DIR/$p" ] || die "series names $p, which is not in patches/"
	if ! out=$(g am -q "$PATCH_DIR/$p" 2>&1); then
		g am --abort >/dev/null 2>&1 || true
		printf '%s\n' "$out" | grep -E '^(error|Patch failed|patch:|fatal)' | sed 's/^/  /' >&2
		die "git am failed on patch $n/${#patches[@]} $p"
	fi
done
say "git am: ${#patches[@]} patch(es) applied onto base $(g rev-parse --short=12 base)"
