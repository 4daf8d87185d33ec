#!/usr/bin/env bash
# quilt application: a patch that does not apply stops the run naming it and its failing hunk,
# the tree keeps exactly the patches before it, a fixed patch resumes from there, an edited patch
# is re-applied from the first change, and the pristine tree is never modified: not by quilt, and
# not by an edit in place of a patched tree's file (the tree is a copy, not hard links).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

pristine=$BUILD_DIR/pristine/linux-$LINUX_VERSION
tree=$BUILD_DIR/patched/linux-$LINUX_VERSION
mkdir -p "$pristine/mm"
printf 'VERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 8\n' >"$pristine/Makefile"
printf 'one\ntwo\nthree\n' >"$pristine/mm/a.c"
printf 'alpha\nbeta\ngamma\n' >"$pristine/mm/b.c"
printf 'untouched\n' >"$pristine/mm/c.c"
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
if grep -q "Hunk #1 FAILED" <<<"$out"; then
	pass "the failing hunk is named"
else
	fail "no failing hunk in: $out"
fi
if [ "$(cd "$tree" && quilt applied 2>/dev/null | sed 's,.*/,,')" = 0001-good.patch ]; then
	pass "the tree holds exactly patch 1"
else
	fail "quilt applied: $(cd "$tree" && quilt applied 2>&1)"
fi
if grep -qx TWO "$tree/mm/a.c" && grep -qx beta "$tree/mm/b.c"; then
	pass "files match patch 1 only"
else
	fail "tree files: $(cat "$tree/mm/a.c" "$tree/mm/b.c" | tr '\n' ' ')"
fi

mkpatch 0002-bad.patch mm/b.c beta delta
mkpatch 0003-later.patch mm/b.c delta DELTA
printf '0001-good.patch\n0002-bad.patch\n0003-later.patch\n' >"$SERIES"
if out=$("$HT_TOP/scripts/apply.sh" 2>&1); then
	pass "the fixed series applies"
else
	fail "re-run failed: $out"
fi
if grep -q "popping" <<<"$out"; then
	fail "a resumed run popped patches: $out"
else
	pass "the re-run resumed at patch 2"
fi
if grep -qx DELTA "$tree/mm/b.c"; then
	pass "patches 2 and 3 applied"
else
	fail "mm/b.c: $(cat "$tree/mm/b.c")"
fi

mkpatch 0001-good.patch mm/a.c two TWO-EDITED
if out=$("$HT_TOP/scripts/apply.sh" 2>&1); then
	pass "an edited patch 1 re-applies"
else
	fail "re-run failed: $out"
fi
if grep -q "popping all" <<<"$out"; then
	pass "it popped back to the edited patch"
else
	fail "no pop in: $out"
fi
if grep -qx TWO-EDITED "$tree/mm/a.c" && grep -qx DELTA "$tree/mm/b.c"; then
	pass "tree matches the edited series"
else
	fail "tree files: $(cat "$tree/mm/a.c" "$tree/mm/b.c" | tr '\n' ' ')"
fi

# An editor writing in place (as vim does to a file with several links), to a file no patch touches.
echo "edited" >>"$tree/mm/c.c"
if [ "$(cat "$pristine/mm/a.c" "$pristine/mm/b.c" "$pristine/mm/c.c" | tr '\n' ' ')" = \
	"one two three alpha beta gamma untouched " ]; then
	pass "the pristine tree is unchanged (by quilt, and by an edit in place of the patched tree)"
else
	fail "the pristine tree changed: $(cat "$pristine/mm/a.c" "$pristine/mm/b.c" "$pristine/mm/c.c" | tr '\n' ' ')"
fi

# A changelog-only edit re-applies nothing.
sed -i 's/^Subject: \[PATCH\] 0001-good.patch$/Subject: [PATCH] a better title/' "$HT_TMP/patches/0001-good.patch"
grep -q "a better title" "$HT_TMP/patches/0001-good.patch" || fail "the test did not edit the changelog"
out=$("$HT_TOP/scripts/apply.sh" 2>&1) || fail "re-run after a changelog edit failed: $out"
if grep -q "popping" <<<"$out"; then
	fail "a changelog-only edit popped patches: $out"
else
	pass "a changelog-only edit re-applies nothing"
fi

# Another series file for the same tree (as make fix-only does): quilt must follow it, not the
# path it remembered in .pc/ from the first run.
mkpatch 0004-other.patch mm/b.c beta OTHER
printf '0001-good.patch\n0004-other.patch\n' >"$HT_TMP/other-series"
out=$(SERIES=$HT_TMP/other-series "$HT_TOP/scripts/apply.sh" 2>&1) || fail "another series file failed: $out"
if grep -qx OTHER "$tree/mm/b.c" && grep -qx TWO-EDITED "$tree/mm/a.c"; then
	pass "a different series file is followed"
else
	fail "with the other series: mm/b.c: $(cat "$tree/mm/b.c"); output: $out"
fi
out=$("$HT_TOP/scripts/apply.sh" 2>&1) || fail "back to the first series file failed: $out"

# A patch dropped from the series (and deleted) is popped from the tree; the rest is kept.
rm "$HT_TMP/patches/0003-later.patch"
printf '0001-good.patch\n0002-bad.patch\n' >"$SERIES"
out=$("$HT_TOP/scripts/apply.sh" 2>&1) || fail "re-run without patch 3 failed: $out"
if grep -qx delta "$tree/mm/b.c" && ! grep -q recreating <<<"$out"; then
	pass "a dropped patch is popped, the rest kept"
else
	fail "mm/b.c: $(cat "$tree/mm/b.c"); output: $out"
fi

: >"$SERIES"
if out=$("$HT_TOP/scripts/apply.sh" 2>&1); then
	pass "an empty series applies"
else
	fail "empty series failed: $out"
fi
if cmp -s "$pristine/mm/a.c" "$tree/mm/a.c"; then
	pass "an empty series gives the pristine files"
else
	fail "mm/a.c differs"
fi
ht_exit
