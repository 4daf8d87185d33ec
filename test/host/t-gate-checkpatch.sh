#!/usr/bin/env bash
# The checkpatch gate passes on the real series and fails, naming the patch and the checkpatch
# type, on a patch with a style ERROR (spaces for indentation), a WARNING (an over-long line) or a
# missing Signed-off-by; a patch with only a CHECK passes, with the CHECK listed.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

real=$HT_REAL_BUILD/pristine/linux-$LINUX_VERSION
[ -f "$real/scripts/checkpatch.pl" ] || { echo "# SKIP: no pristine tree in $HT_REAL_BUILD (run 'make unpack')"; exit 4; }
mkdir -p "$BUILD_DIR/pristine"
ln -s "$real" "$BUILD_DIR/pristine/linux-$LINUX_VERSION"

gate=$HT_TOP/scripts/gate-checkpatch.sh
export PATCH_DIR=$HT_TMP/patches SERIES=$HT_TMP/series
mapfile -t list < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HT_TOP/series" | awk '{print $1}')
[ ${#list[@]} -ge 2 ] || { echo "# SKIP: the series has fewer than 2 patches"; exit 4; }
p=${list[1]}
# fresh: a copy of the real series; the broken cases then keep only patch 2 in series (checkpatch
# takes ~0.5 s per patch, and the real series run shows the others are clean).
fresh() { rm -rf "$PATCH_DIR"; cp -r "$HT_TOP/patches" "$PATCH_DIR"; cp "$HT_TOP/series" "$SERIES"; }
broken() { fresh; printf '%s\n' "$p" >"$SERIES"; }
# edit SED-SCRIPT: apply to the first added line of patch 2 indented by two tabs (same line count,
# so the hunks stay valid); fail the test if there is none.
edit() {
	grep -q $'^+\t\t[a-z]' "$PATCH_DIR/$p" || { fail "$p has no added line indented by two tabs"; ht_exit; }
	sed -i "0,/^+\t\t[a-z]/{/^+\t\t[a-z]/$1}" "$PATCH_DIR/$p"
}

fresh
expect_ok "the real series" "$gate"

broken; edit 's/^+\t\t/+                /'
expect_fail "spaces for indentation (an ERROR)" "$p: checkpatch --strict: .*ERROR:CODE_INDENT" "$gate"
broken; edit 's/$/ \/* this comment makes the line much longer than the one hundred columns allowed *\//'
expect_fail "an over-long line (a WARNING)" "$p: checkpatch --strict: .*WARNING:LONG_LINE" "$gate"
broken; sed -i '/^Signed-off-by:/d' "$PATCH_DIR/$p"
expect_fail "a missing Signed-off-by (an ERROR)" "$p: checkpatch --strict: .*ERROR:MISSING_SIGN_OFF" "$gate"

# A cover letter (no diff) first in series is left to gate-format.
broken; printf 'From: x\nSubject: [PATCH 0/1] x\n\nblurb\n' >"$PATCH_DIR/0000-cover-letter.patch"
sed -i '1i 0000-cover-letter.patch' "$SERIES"
expect_ok "a cover letter is skipped" "$gate"

# A CHECK ("spaces preferred around that '+'") is listed, naming the patch, and does not fail.
broken; edit 's/;$/+0;/'
rc=0
out=$("$gate" 2>&1) || rc=$?
if [ "$rc" -eq 0 ] && grep -q "$p: [0-9]* CHECK(s) (listed, not fatal)" <<<"$out" && grep -q '^ *CHECK:SPACING:' <<<"$out"; then
	pass "a CHECK is listed and does not fail: \"$(grep -m1 'CHECK:' <<<"$out")\""
else
	fail "a CHECK: expected exit 0 with the CHECK listed, got exit $rc:"
	printf '%s\n' "$out" | sed 's/^/#   | /'
fi
ht_exit
