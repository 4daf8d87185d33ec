#!/usr/bin/env bash
# Stage "unpack": extract the verified source into the pristine tree.
# Input: the output of scripts/fetch.sh. Output: $BUILD_DIR/pristine/linux-<version>, never
# modified afterwards (the patched tree is a hard-linked copy that quilt edits by replacing files).
# Re-extracts only when the source changed; an interrupted extraction is redone, never used.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$(flavour_dir pristine)
tree=$dir/$TREE_NAME
stamp=$dir/source.stamp
src=$(kernel_source)

[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$src" ] && [ -f "$tree/Makefile" ] && exit 0

read -r kind where sha <<<"$src"
# Only what fetch verified is used: a tarball with a checksum needs fetch's stamp.
if [ "$kind" = tar ]; then
	[ -f "$where" ] || die "no source tarball at $where (run 'make fetch')"
	[ "$sha" = - ] || grep -qs " $sha\$" "$where.verified" || die "$where is not verified (run 'make fetch')"
fi
mkdir -p "$dir"
rm -rf "$tree" "$tree.tmp" "$stamp"
mkdir "$tree.tmp"
say "extracting $where"
if [ "$kind" = git ]; then
	read -r _ _ ref <<<"$src"
	git -C "$where" archive --format=tar "$ref" | tar -x -C "$tree.tmp" ||
		die "git archive of $ref from $where failed"
else
	# One of tar's messages is shown: a full disk makes thousands (kept in memory: a log on that
	# disk could not be written); a full disk first, else the first message.
	if ! err=$(tar -x -C "$tree.tmp" --strip-components=1 -f "$where" 2>&1); then
		rm -rf "$tree.tmp"
		die "extracting $where failed: $(grep -m 1 'No space left' <<<"$err" || head -n 1 <<<"$err")"
	fi
fi

# Whatever the source, it must be the pinned version.
v=$(awk -F' = ' '$1=="VERSION"{v=$2} $1=="PATCHLEVEL"{p=$2} $1=="SUBLEVEL"{s=$2}
	END{printf "%s.%s.%s", v, p, s}' "$tree.tmp/Makefile" 2>/dev/null || true)
[ "$v" = "$LINUX_VERSION" ] || { rm -rf "$tree.tmp"; die "$where holds Linux '$v', expected $LINUX_VERSION"; }

mv "$tree.tmp" "$tree"
printf '%s\n' "$src" >"$stamp"
