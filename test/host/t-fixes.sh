#!/usr/bin/env bash
# The fixes and their declared prerequisites (scripts/fixes.sh, run by make lint and make
# fix-only): a fix is a patch with "Cc: stable@vger.kernel.org" in its changelog; each "Cc:
# stable@vger.kernel.org # needs: <subject>" names an earlier patch by its subject (folded or
# not, with or without [PATCH n/N]). Fails, naming the fix, on a subject no patch has, a
# prerequisite that comes later, declarations that are not closed, a claimed test that also needs
# an undeclared patch, two patches with one subject, and the obsolete "# stable" marker.
# Malformed, repeated and empty "## posting" headers are named too.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

fixes=$HT_TOP/scripts/fixes.sh
export SERIES=$HT_TMP/series PATCH_DIR=$HT_TMP/patches TEST_LISTS=$HT_TMP/tests.list
cat >"$TEST_LISTS" <<'EOL'
a/both       both            10  /bin/true
a/uaf-1      xfail-pristine  10  /bin/true
a/uaf-2      xfail-pristine  10  /bin/true
b/fork       xfail-pristine  10  /bin/true
c/new        patched         10  /bin/true
EOL
S1="mm/memremap: hold a dev_pagemap reference per device-dax folio until its final put"
S2="mm: introduce pfn_t"
S3="mm/huge_memory: do not copy folio-mapped puds on fork"
fresh() {
	rm -rf "$PATCH_DIR"
	mkdir -p "$PATCH_DIR"
	ht_mkpatch "$PATCH_DIR/0001-a.patch" "[PATCH 1/5] $S1" "Fix it." "Cc: stable@vger.kernel.org"
	ht_mkpatch "$PATCH_DIR/0002-b.patch" "[PATCH] $S2"
	ht_mkpatch "$PATCH_DIR/0003-c.patch" "[PATCH 3/5] $S3" "Fix fork." \
		"Cc: stable@vger.kernel.org # needs: $S2" "Cc: stable@vger.kernel.org # needs: $S1"
	ht_mkpatch "$PATCH_DIR/0004-d.patch" "[PATCH] device-dax: a feature"
	ht_mkpatch "$PATCH_DIR/0005-e.patch" "[PATCH] device-dax: fix the feature" "Fix." \
		"Cc: stable@vger.kernel.org # needs: device-dax: a feature" "Cc: stable@vger.kernel.org"
	cat >"$SERIES" <<-'EOL'
	# header
	## posting fixes
	0001-a.patch  # tests: a/uaf-1
	0002-b.patch
	0003-c.patch  # tests: b/fork,a/uaf-2
	## posting devmap
	0004-d.patch  # tests: c/new
	0005-e.patch
	EOL
}
# needs FILE SUBJECT: add a "# needs:" line to FILE's changelog.
needs() {
	awk -v s="$2" '!d && /^Signed-off-by:/ { print "Cc: stable@vger.kernel.org # needs: " s; d = 1 } 1' \
		"$PATCH_DIR/$1" >"$HT_TMP/x" && mv "$HT_TMP/x" "$PATCH_DIR/$1"
}

fresh
out=$("$fixes" 2>&1) || fail "the good series: $out"
want=$(printf '%s\t%s\t%s\n' 0001-a.patch - 'a/uaf-1' 0003-c.patch 0001-a.patch,0002-b.patch 'a/uaf-2,b/fork' \
	0005-e.patch 0004-d.patch -)
if [ "$out" = "$want" ]; then pass "the good series: three fixes, prerequisites in series order"; else
	fail "the good series: expected"$'\n'"$want"$'\n'"got"$'\n'"$out"; fi

fresh; needs 0005-e.patch "device-dax: no such patch"
expect_fail "a subject no patch has" "0005-e.patch: 'Cc: stable@vger.kernel.org # needs: device-dax: no such patch': no patch in series has that subject" "$fixes"
fresh; needs 0001-a.patch "$S3"
expect_fail "a prerequisite after the fix" "0001-a.patch: .*needs: $S3': that is 0003-c.patch, which does not come before it" "$fixes"
fresh; needs 0005-e.patch "$S3"
expect_fail "not closed" "fix 0005-e.patch needs 0003-c.patch, which needs 0001-a.patch: add 'Cc: stable@vger.kernel.org # needs: $S1' to 0005-e.patch" "$fixes"
# A fix's test also claimed by an earlier patch that is not a fix, and not declared: the fix needs
# it, and says nothing.
fresh; sed -i 's|^0002-b.patch$|0002-b.patch  # tests: c/new|' "$SERIES"
sed -i 's|^0005-e.patch$|0005-e.patch  # tests: c/new|' "$SERIES"
expect_fail "a claimed test that needs an undeclared earlier patch" "fix 0005-e.patch's test c/new also needs 0002-b.patch, which 0005-e.patch does not declare" "$fixes"
expect_ok "... not checked with FIXES_TESTS=0 (make fix-only asks expectations.sh)" env FIXES_TESTS=0 "$fixes"
# A fix's test also claimed by a later patch: it tests the two together, with the whole series;
# it is not among the fix's own tests.
fresh; sed -i 's|^0004-d.patch .*|0004-d.patch  # tests: c/new,b/fork|' "$SERIES"
out=$("$fixes" 2>&1) || fail "a test also claimed by a later patch: $out"
if grep -q $'^0003-c.patch\t.*\ta/uaf-2$' <<<"$out"; then
	pass "a test also claimed by a later patch is not the fix's own (b/fork: with the whole series)"
else
	fail "a test also claimed by a later patch: expected 0003-c.patch's own tests to be a/uaf-2 alone, got"$'\n'"$out"
fi
fresh; sed -i 's|^0002-b.patch$|0002-b.patch  # tests: a/uaf-2|' "$SERIES"
expect_ok "a test claimed by the fix and a declared prerequisite" "$fixes"
# A test claimed by two fixes where neither declares the other tests them together: the whole
# series runs it, neither fix alone. (Here the later one declares the earlier: its own test.)
fresh; sed -i 's|^0003-c.patch .*|0003-c.patch  # tests: a/uaf-1|' "$SERIES"
out=$("$fixes" 2>&1) || fail "a test claimed by two fixes: $out"
if grep -q $'^0001-a.patch\t-\t-$' <<<"$out" && grep -q $'^0003-c.patch\t.*\ta/uaf-1$' <<<"$out"; then
	pass "a test claimed by two fixes: the later one, which declares the earlier, owns it; the earlier does not"
else
	fail "a test claimed by two fixes: got"$'\n'"$out"
fi
fresh; sed -i 's|^0005-e.patch$|0005-e.patch  # tests: a/uaf-1|' "$SERIES"
out=$("$fixes" 2>&1) || fail "a test claimed by two independent fixes: $out"
if grep -q $'^0001-a.patch\t-\t-$' <<<"$out" && grep -q $'^0005-e.patch\t[^\t]*\t-$' <<<"$out"; then
	pass "a test claimed by two independent fixes is neither's own (it runs with the whole series)"
else
	fail "a test claimed by two independent fixes: got"$'\n'"$out"
fi
fresh; sed -i 's|^0001-a.patch .*|0001-a.patch  # stable tests: a/uaf-1|' "$SERIES"
expect_fail "the old '# stable' marker" "series: 0001-a.patch: the '# stable' marker is gone" "$fixes"
fresh; ht_mkpatch "$PATCH_DIR/0004-d.patch" "[PATCH] $S2"
expect_fail "two patches with one subject" "0004-d.patch and 0002-b.patch have the same subject '$S2'" "$fixes"
fresh; sed -i '/^Cc: stable/d' "$PATCH_DIR"/*.patch
out=$("$fixes" 2>&1) || fail "no fixes: $out"
if [ -z "$out" ]; then pass "no fixes: no output"; else fail "no fixes: got '$out'"; fi

# The posting headers (make lint).
# shellcheck disable=SC2317 # called through expect_ok/expect_fail
check_postings() { bash -c '. "$1/scripts/lib.sh"; . "$1/scripts/series-lib.sh"; series_check_postings "$2"' lint "$HT_TOP" "$SERIES"; }
fresh
expect_ok "well-formed postings" check_postings
fresh; sed -i 's/^## posting devmap$/##posting devmap/' "$SERIES"
expect_fail "a malformed posting header" "series:6: '##posting devmap': a posting header is exactly '## posting NAME'" check_postings
fresh; sed -i 's/^## posting devmap$/## posting fixes/' "$SERIES"
expect_fail "a posting named twice" "'## posting fixes' appears 2 times" check_postings
fresh; echo "## posting empty" >>"$SERIES"
expect_fail "an empty posting" "posting empty has no patch" check_postings
ht_exit
