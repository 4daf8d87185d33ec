#!/usr/bin/env bash
# Stage "lint": the harness's own code is clean: shellcheck on every shell script, and the
# kernel's checkpatch.pl --strict on the guest's C tests (they follow kernel style).
# Input: scripts/, test/, .ci/run; checkpatch.pl from the pristine tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd shellcheck perl

cd "$TOP"
mapfile -t shells < <({ ls scripts/*.sh .ci/run test/guest/*; find test -name '*.sh'; } | sort -u)
say "shellcheck: ${#shells[@]} scripts"
shellcheck -x "${shells[@]}" || die "shellcheck found problems (above)"

checkpatch=$(flavour_dir pristine)/$TREE_NAME/scripts/checkpatch.pl
[ -f "$checkpatch" ] || die "no $checkpatch (run 'make unpack')"
mapfile -t csrc < <(find test -name '*.[ch]' | sort)
say "checkpatch --strict: ${#csrc[@]} C files"
bad=0
for f in "${csrc[@]}"; do
	out=$(perl "$checkpatch" --no-tree --strict --quiet --show-types -f "$f" 2>&1) || bad=1
	[ -z "$out" ] || { printf '%s\n' "$out"; bad=1; }
done
[ "$bad" -eq 0 ] || die "checkpatch found problems (above)"
say "clean"
