#!/usr/bin/env bash
# Which guest tests a kernel flavour is expected to fail or to skip, from data only:
#   test/tests.list   kinds: both, patched (needs a patch), xfail-pristine (fails without a fix);
#                     TEST_LIST=FILE another list of the same form (scripts/boot.sh: the one it boots)
#   series            "tests: GLOB,..." in a patch's comment names the tests that need the patch
#   <flavour>/applied the patches this flavour's tree has (none for pristine); APPLIED=FILE reads
#                     another file of the same form ("sum name" lines) instead: make fix-only
#                     asks about a subset before it builds it
# A test of kind xfail-pristine or patched that lacks one of its patches (those whose "tests:"
# match it) is expected to fail, or skipped. Prints two lines, "xfail NAMES" and "skip NAMES",
# NAMES comma-separated or "-". Lint (scripts/lint.sh) checks every such test has a patch.
#   scripts/expectations.sh [FLAVOUR]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOUR=${1:-${FLAVOUR:-patched}}
LIST=${TEST_LIST:-$TOP/test/tests.list}
# The annotations come from the series in use (make bisect passes the whole one, its steps apply
# prefixes of it; make fix-only the whole one too, its trees have subsets of it).
ANNOTATED=${SERIES_ANNOTATED:-${SERIES:-$TOP/series}}
applied=${APPLIED:-$(flavour_dir "$FLAVOUR")/applied}

# "patch glob" for every glob of every "tests:" annotation.
claims=$(sed -n 's/^\([^#[:space:]]*\)[^#]*#.*tests:[[:space:]]*\([^[:space:]]*\).*/\1 \2/p' "$ANNOTATED" |
	while read -r patch globs; do tr ',' '\n' <<<"$globs" | sed "s|^|$patch |"; done)
have=
[ -f "$applied" ] && have=$(awk '{print $2}' "$applied")

# has_patch NAME: the tree has every patch that claims test NAME (a test may need two fixes).
has_patch() {
	local patch glob claimed=1
	while read -r patch glob; do
		[ -n "$patch" ] || continue
		# shellcheck disable=SC2254 # the glob is a pattern
		case "$1" in $glob)
			grep -qxF "$patch" <<<"$have" || return 1
			claimed=0 ;;
		esac
	done <<<"$claims"
	return $claimed
}

xfail=() skip=()
while read -r name kind _; do
	case "$kind" in
	xfail-pristine) has_patch "$name" || xfail+=("$name") ;;
	patched) has_patch "$name" || skip+=("$name") ;;
	esac
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$LIST")
join() { local IFS=,; [ $# -gt 0 ] && echo "$*" || echo -; }
echo "xfail $(join "${xfail[@]}")"
echo "skip $(join "${skip[@]}")"
