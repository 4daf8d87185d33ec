#!/usr/bin/env bash
# Gate "checkpatch": the pinned tree's checkpatch.pl --strict on every patch of series, in order.
# Any ERROR or WARNING fails, naming the patch; CHECKs are listed but do not fail.
# Input: series, patches/ (SERIES, PATCH_DIR); $BUILD_DIR/pristine/linux-<version>/scripts/checkpatch.pl.
# Output: the ERRORs, WARNINGs and CHECKs on stderr, one message per problem naming the patch;
# a non-zero exit if there is any ERROR or WARNING (or checkpatch cannot run).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd perl awk

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=$(realpath -m "${PATCH_DIR:-$TOP/patches}")
pristine=$(flavour_dir pristine)/$TREE_NAME
[ -f "$pristine/scripts/checkpatch.pl" ] || die "no $pristine/scripts/checkpatch.pl (run 'make unpack')"
[ -f "$SERIES" ] || die "no series file at $SERIES"
indent() { while IFS= read -r line; do printf '    %s\n' "$line" >&2; done; }
# A cover letter (0000-cover-letter.patch, no diff) is gate-format's business.
mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES" | awk '$1 != "0000-cover-letter.patch" {print $1}')

# checkpatch looks for MAINTAINERS, spelling.txt and friends in the tree it runs from. The tarball
# has no git history, so every "Fixes: <sha>" or "commit <sha> (...)" reference would be reported as
# an UNKNOWN_COMMIT_ID warning; that type alone is ignored (the reference's format is still checked
# by GIT_COMMIT_ID, and `make git-am` applies the series with git).
cd "$pristine"
bad=0 checks=0 n=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	[ -f "$PATCH_DIR/$p" ] || { say "$p: named in series but not in $PATCH_DIR"; bad=1; continue; }
	rc=0
	out=$(perl scripts/checkpatch.pl --strict --quiet --no-summary --show-types \
		--ignore UNKNOWN_COMMIT_ID "$PATCH_DIR/$p" 2>&1) || rc=$?
	# One paragraph per finding: "TYPE:NAME: message", "#line: FILE: ...", the offending lines.
	errors=$(awk -v RS= '/^(ERROR|WARNING):/ { if (n++) print ""; print }' <<<"$out")
	checks_out=$(awk -v RS= '/^CHECK:/ { if (n++) print ""; print }' <<<"$out")
	if [ -n "$checks_out" ]; then
		say "patch $n/${#patches[@]} $p: $(grep -c '^CHECK:' <<<"$checks_out") CHECK(s) (listed, not fatal):"
		indent <<<"$checks_out"
		checks=$((checks + $(grep -c '^CHECK:' <<<"$checks_out")))
	fi
	if [ -n "$errors" ]; then
		say "patch $n/${#patches[@]} $p: $(grep -cE '^(ERROR|WARNING):' <<<"$errors") ERROR/WARNING(s):"
		indent <<<"$errors"
		say "$p: checkpatch --strict: $(grep -E '^(ERROR|WARNING):' <<<"$errors" | cut -d: -f1,2 | sort | uniq -c | awk '{printf "%s%s x%d", s, $2, $1; s = ", "}')"
		bad=1
	elif [ "$rc" -ne 0 ] && [ -z "$checks_out" ]; then
		indent <<<"$out"
		say "$p: checkpatch.pl exited $rc without a finding (output above)"
		bad=1
	fi
done
[ "$bad" -eq 0 ] || die "checkpatch --strict found ERRORs or WARNINGs (above)"
say "${#patches[@]} patch(es) clean: no ERROR or WARNING, $checks CHECK(s)"
