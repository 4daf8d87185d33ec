#!/usr/bin/env bash
# Stage "apply": the patched tree = the pristine tree + the patches named in `series`, by quilt.
# Input: $BUILD_DIR/pristine/linux-<version>, series, patches/. Output: $BUILD_DIR/patched/linux-<version>.
# Re-running after editing a patch pops back to the first changed patch and pushes from there.
# A patch that does not apply stops the run naming it and its failing hunks; quilt has already
# rolled that patch back, so the tree holds exactly the patches before it (a known state).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"
need_cmd quilt patch

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
FLAVOUR=${FLAVOUR:-patched}
pristine=$(flavour_dir pristine)/$TREE_NAME
dir=$(flavour_dir "$FLAVOUR")
tree=$dir/$TREE_NAME
applied=$dir/applied          # "sha256-of-diff name" of every patch quilt has pushed, in order
base_stamp=$dir/base.stamp    # the pristine source this copy was made from

[ -f "$pristine/Makefile" ] || die "no pristine tree at $pristine (run 'make unpack')"
[ -f "$SERIES" ] || die "no series file at $SERIES"

# The series as "sha256 name" lines; every named patch must exist. Only the diff decides what
# quilt does: a changelog edit re-applies (and rebuilds) nothing.
want=$dir/want
mkdir -p "$dir"
series_sums "$SERIES" "$PATCH_DIR" >"$want.tmp" 2>"$want.err" || die "$(cat "$want.err")"
mv "$want.tmp" "$want"

# A fresh copy of the pristine tree when there is none or its base changed. A full copy, not
# hard links: an editor that writes a file in place (vim does, to a file with several links)
# would change the pristine tree through a link, and quilt's restore on pop touches the files it
# shares (so the pristine build saw them as changed). About 10 s and 1.8 GiB per tree.
base=$(cat "$(flavour_dir pristine)/source.stamp")
if [ ! -f "$base_stamp" ] || [ "$(cat "$base_stamp")" != "$base" ] || [ ! -f "$tree/Makefile" ]; then
	say "copying the pristine tree"
	rm -rf "$tree" "$tree.tmp" "$applied" "$base_stamp"
	cp -a "$pristine" "$tree.tmp"
	mv "$tree.tmp" "$tree"
	: >"$applied"
	printf '%s\n' "$base" >"$base_stamp"
fi

export QUILT_PATCHES QUILT_SERIES QUILT_PC=.pc
QUILT_PATCHES=$(realpath --relative-to="$tree" "$PATCH_DIR")
QUILT_SERIES=$(realpath --relative-to="$tree" "$SERIES")
cd "$tree"
# quilt remembers the series and patch paths of its first run in .pc/ and prefers them to the
# environment: point them at this run's (SERIES may differ between runs of one flavour).
if [ -d .pc ]; then
	printf '%s\n' "$QUILT_PATCHES" >.pc/.quilt_patches
	printf '%s\n' "$QUILT_SERIES" >.pc/.quilt_series
fi

# quilt's own record must agree with ours; if not (an interrupted run, a hand edit), start over.
if [ "$(cat .pc/applied-patches 2>/dev/null)" != "$(awk '{print $2}' "$applied")" ]; then
	say "the tree's quilt state does not match the record; recreating it"
	cd "$TOP" && rm -rf "$tree" "$base_stamp" && exec "$0" "$@"
fi

# Pop back to the longest common prefix of what is applied and what is wanted.
keep=0
while IFS= read -r line; do
	[ "$line" = "$(sed -n "$((keep + 1))p" "$want")" ] || break
	keep=$((keep + 1))
done <"$applied"
if [ "$keep" -lt "$(wc -l <"$applied")" ]; then
	if [ "$keep" -eq 0 ]; then
		say "popping all patches"
		quilt pop -a -f -q >/dev/null
	else
		target=$(sed -n "${keep}p" "$applied" | awk '{print $2}')
		say "popping back to $target"
		quilt pop -f -q "$target" >/dev/null
	fi
	head -n "$keep" "$applied" >"$applied.tmp" && mv "$applied.tmp" "$applied"
fi

# Push the rest one at a time, recording each.
total=$(wc -l <"$want")
n=$keep
while [ "$n" -lt "$total" ]; do
	line=$(sed -n "$((n + 1))p" "$want")
	name=${line#* }
	if ! out=$(quilt push --fuzz=0 2>&1); then
		printf '%s\n' "$out" | grep -v -e '^Applying patch' -e '^Now at patch' | sed 's/^/  /' >&2
		die "patch $((n + 1))/$total $name does not apply to the tree with patches 1-$n (tree left at patch $n: fix the patch and re-run)"
	fi
	printf '%s\n' "$line" >>"$applied"
	n=$((n + 1))
done
say "$total patch(es) applied"
