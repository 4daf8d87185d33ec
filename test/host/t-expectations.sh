#!/usr/bin/env bash
# Expectations: a test that needs a patch (xfail-pristine, patched) is an expected failure, or
# skipped, exactly on the kernels that lack the patch naming it in series ("tests:"); APPLIED=FILE
# asks about another set of patches (make fix-only, before it builds one).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

export TEST_LIST=$HT_TMP/tests.list SERIES_ANNOTATED=$HT_TMP/series
cat >"$TEST_LIST" <<'EOL'
a/both       both            10  /bin/true
a/uaf-1      xfail-pristine  10  /bin/true
a/uaf-2      xfail-pristine  10  /bin/true
b/fork       xfail-pristine  10  /bin/true
a/uaf-load   xfail-pristine  10  /bin/true
c/new        patched         10  /bin/true
EOL
cat >"$SERIES_ANNOTATED" <<'EOL'
# comment
0001-fix.patch  # tests: a/uaf-*
0002-fix.patch  # tests: b/fork,a/uaf-load
0003-feature.patch  # tests: c/new
0004-other.patch
EOL
applied() { # FLAVOUR PATCH...: record the patches as applied to FLAVOUR
	local f=$1
	shift
	mkdir -p "$BUILD_DIR/$f"
	: >"$BUILD_DIR/$f/applied"
	for p in "$@"; do echo "0000 $p" >>"$BUILD_DIR/$f/applied"; done
}
check() { # FLAVOUR XFAIL SKIP
	local out
	out=$("$HT_TOP/scripts/expectations.sh" "$1" 2>&1) || { fail "$1: expectations.sh failed: $out"; return; }
	if [ "$out" = "$(printf 'xfail %s\nskip %s' "$2" "$3")" ]; then
		pass "$1: xfail $2, skip $3"
	else
		fail "$1: expected 'xfail $2' 'skip $3', got: $(tr '\n' ' ' <<<"$out")"
	fi
}
check pristine "a/uaf-1,a/uaf-2,b/fork,a/uaf-load" "c/new"
# a/uaf-load needs both fixes (claimed by the glob of one and by name by the other).
applied step1 0001-fix.patch
check step1 "b/fork,a/uaf-load" "c/new"
applied fixes 0001-fix.patch 0002-fix.patch
check fixes - "c/new"
applied all 0001-fix.patch 0002-fix.patch 0003-feature.patch 0004-other.patch
check all - -
printf '%s\n' "- 0002-fix.patch" >"$HT_TMP/subset"
APPLIED=$HT_TMP/subset check all "a/uaf-1,a/uaf-2,a/uaf-load" "c/new"
ht_exit
