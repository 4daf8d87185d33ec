#!/usr/bin/env bash
# make refresh (scripts/refresh.sh), the README's edit recipe: in the quilt tree, quilt pop to a
# patch, edit one of its files and add an executable script to it, make refresh. The patch comes
# back as git format-patch writes it (diff --git headers, the new file's mode 100755, a
# regenerated diffstat, From/Date/changelog kept, no quilt Index: lines, no backup files), the
# later patches are carried on top, the review gates and git am accept the series, and the next
# apply gives a tree with the edit. An edit that a later patch conflicts with changes nothing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=synth.sh
. "$(dirname "$0")/synth.sh"

export SERIES=$HT_TMP/series PATCH_DIR=$HT_TMP/patches
synth_tree
synth_series "$PATCH_DIR" "$SERIES"
"$HT_TOP/scripts/apply.sh" >/dev/null 2>&1 || fail "apply.sh on the synthetic series"
tree=$(echo "$BUILD_DIR"/patched/linux-*)
q() { (cd "$tree" && QUILT_PATCHES=$(realpath --relative-to="$tree" "$PATCH_DIR") \
	QUILT_SERIES=$(realpath --relative-to="$tree" "$SERIES") QUILT_PC=.pc quilt "$@"); }
p1=$(sed -n 3p "$SERIES" | cut -d' ' -f1)
p3=$(sed -n 6p "$SERIES" | cut -d' ' -f1)
cp "$PATCH_DIR/$p3" "$HT_TMP/p3.orig"

q pop -q "$p1" >/dev/null || fail "quilt pop to $p1"
sed -i '6s/$/ \/* refreshed *\//' "$tree/mm/a.c"
q add tools/run.sh >/dev/null || fail "quilt add"
mkdir -p "$tree/tools"
printf '#!/bin/sh\necho run\n' >"$tree/tools/run.sh"
chmod 755 "$tree/tools/run.sh"
expect_ok "make refresh after an edit and a new script" "$HT_TOP/scripts/refresh.sh"
pf=$PATCH_DIR/$p1
if grep -q '^+int a_line_6; /\* refreshed \*/' "$pf" && grep -q '^diff --git a/tools/run.sh b/tools/run.sh' "$pf" &&
	grep -q '^new file mode 100755' "$pf" && ! grep -q '^Index: ' "$pf"; then
	pass "the patch has the edit, git headers and the script's mode"
else
	fail "the refreshed patch:"; sed 's/^/#   | /' "$pf"
fi
if grep -qx ' 2 files changed, 4 insertions(+), 2 deletions(-)' "$pf" && grep -q '^Subject: \[PATCH\] mm/a: fix the first bug' "$pf" &&
	grep -qx 'Fix the first bug.' "$pf" && grep -q '^Date: ' "$pf"; then
	pass "diffstat regenerated; subject, date and changelog kept"
else
	fail "diffstat or header:"; sed -n '1,/^---$/p;/changed/p' "$pf" | sed 's/^/#   | /'
fi
if diff <(grep '^[-+ @]' "$HT_TMP/p3.orig") <(grep '^[-+ @]' "$PATCH_DIR/$p3") >/dev/null; then
	pass "a later patch is carried on top unchanged"
else
	fail "patch 3 changed: $(diff "$HT_TMP/p3.orig" "$PATCH_DIR/$p3" | head -n 5)"
fi
stray=$(find "$PATCH_DIR" -type f ! -name '*.patch')
if [ -n "$stray" ]; then fail "stray files in patches/: $stray"; else pass "no backup files in patches/"; fi
expect_ok "gate-format accepts the series" "$HT_TOP/scripts/gate-format.sh"
expect_ok "git am takes the series" "$HT_TOP/scripts/git-am.sh"
expect_ok "the next apply" "$HT_TOP/scripts/apply.sh"
if grep -q 'a_line_6; /\* refreshed \*/' "$tree/mm/a.c" && [ -x "$tree/tools/run.sh" ] &&
	grep -q 'a_line_20; /\* changed by: mm: introduce pfn_t' "$tree/mm/a.c"; then
	pass "... gives the tree with the edit, the script and the later patches"
else
	fail "the tree after apply: $(sed -n '6p;20p' "$tree/mm/a.c" | paste -sd' ')"
fi

# An edit of a line that a later patch (3) changes: refused, nothing written.
q pop -q "$p1" >/dev/null || fail "quilt pop to $p1 again"
sed -i '20s/$/ \/* clash *\//' "$tree/mm/a.c"
state() { (cd "$HT_TMP" && cat series && sha256sum patches/*); }
before=$(state)
expect_fail "an edit a later patch conflicts with" "conflicts with a later patch \\(\"mm: introduce pfn_t\"\\): nothing was written" \
	"$HT_TOP/scripts/refresh.sh"
if [ "$(state)" = "$before" ]; then pass "... changed nothing"; else fail "... patches/ or series changed"; fi
ht_exit
