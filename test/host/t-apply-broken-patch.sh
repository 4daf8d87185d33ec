#!/usr/bin/env bash
# quilt application: a patch that does not apply stops the run naming it and its failing hunk,
# the tree keeps exactly the patches before it, a fixed patch resumes from there, an edited patch
# is re-applied from the first change, and the pristine tree is never modified.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

pristine=$BUILD_DIR/pristine/linux-$LINUX_VERSION
tree=$BUILD_DIR/patched/linux-$LINUX_VERSION
mkdir -p "$pristine/mm"
printf 'VERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 8\n' >"$pristine/Makefile"
printf 'one\ntwo\nthree\n' >"$pristine/mm/a.c"
printf 'alpha\nbeta\ngamma\n' >"$pristine/mm/b.c"
echo "fake" >"$BUILD_DIR/pristine/source.stamp"

mkpatch() { # NAME FILE OLD NEW
	cat >"$HT_TMP/patches/$1" <<EOP
From: Someone <someone@example.org>
Subject: [PATCH] $1

Signed-off-by: Someone <someone@example.org>
---
diff --git a/$2 b/$2
--- a/$2
+++ b/$2
@@ -1,3 +1,3 @@
 $(sed -n 1p "$pristine/$2")
-$3
+$4
 $(sed -n 3p "$pristine/$2")
EOP
}
mkdir -p "$HT_TMP/patches"
export PATCH_DIR=$HT_TMP/patches SERIES=$HT_TMP/series
mkpatch 0001-good.patch mm/a.c two TWO
mkpatch 0002-bad.patch mm/b.c BETA-NOT-THERE delta
mkpatch 0003-later.patch mm/b.c beta BETA
printf '0001-good.patch\n0002-bad.patch\n0003-later.patch\n' >"$SERIES"

expect_fail "a patch that does not apply" "patch 2/3 0002-bad.patch does not apply" "$HT_TOP/scripts/apply.sh"
out=$("$HT_TOP/scripts/apply.sh" 2>&1 || true)
grep -q "Hunk #1 FAILED" <<<"$out" && pass "the failing hunk is named" || fail "no failing hunk in: $out"
[ "$(cd "$tree" && quilt applied 2>/dev/null | sed 's,.*/,,')" = 0001-good.patch ] &&
	pass "the tree holds exactly patch 1" || fail "quilt applied: $(cd "$tree" && quilt applied 2>&1)"
grep -qx TWO "$tree/mm/a.c" && grep -qx beta "$tree/mm/b.c" && pass "files match patch 1 only" ||
	fail "tree files: $(cat "$tree/mm/a.c" "$tree/mm/b.c" | tr '\n' ' ')"

mkpatch 0002-bad.patch mm/b.c beta delta
mkpatch 0003-later.patch mm/b.c delta DELTA
printf '0001-good.patch\n0002-bad.patch\n0003-later.patch\n' >"$SERIES"
out=$("$HT_TOP/scripts/apply.sh" 2>&1) && pass "the fixed series applies" || fail "re-run failed: $out"
grep -q "popping" <<<"$out" && fail "a resumed run popped patches: $out" || pass "the re-run resumed at patch 2"
grep -qx DELTA "$tree/mm/b.c" && pass "patches 2 and 3 applied" || fail "mm/b.c: $(cat "$tree/mm/b.c")"

mkpatch 0001-good.patch mm/a.c two TWO-EDITED
out=$("$HT_TOP/scripts/apply.sh" 2>&1) && pass "an edited patch 1 re-applies" || fail "re-run failed: $out"
grep -q "popping all" <<<"$out" && pass "it popped back to the edited patch" || fail "no pop in: $out"
grep -qx TWO-EDITED "$tree/mm/a.c" && grep -qx DELTA "$tree/mm/b.c" && pass "tree matches the edited series" ||
	fail "tree files: $(cat "$tree/mm/a.c" "$tree/mm/b.c" | tr '\n' ' ')"

[ "$(cat "$pristine/mm/a.c" "$pristine/mm/b.c" | tr '\n' ' ')" = "one two three alpha beta gamma " ] &&
	pass "the pristine tree is unchanged (hard links were broken, not written through)" ||
	fail "the pristine tree changed: $(cat "$pristine/mm/a.c" "$pristine/mm/b.c" | tr '\n' ' ')"

: >"$SERIES"
out=$("$HT_TOP/scripts/apply.sh" 2>&1) && pass "an empty series applies" || fail "empty series failed: $out"
cmp -s "$pristine/mm/a.c" "$tree/mm/a.c" && pass "an empty series gives the pristine files" || fail "mm/a.c differs"
ht_exit
