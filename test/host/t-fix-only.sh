#!/usr/bin/env bash
# make fix-only (scripts/fix-only.sh) with the stages it drives replaced by stubs that record what
# they are asked to do: each fix gets pristine + exactly its declared prerequisites + itself, in
# series order, in the one fix-only tree; its boots get exactly its tests and their logs go to
# logs-NNNN/LIST; a skip or a failure fails the fix, and the table says so. Before anything is
# applied, a fix whose test expectations.sh would expect to fail with that subset stops the run,
# naming the undeclared patch; FIX= picks one fix by name or number and refuses a non-fix.
# shellcheck disable=SC2016 # the stubs' code is expanded when they run
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

top=$HT_TMP/top
mkdir -p "$top/test"
cp -r "$HT_TOP/scripts" "$HT_TOP/conf" "$top/"
stub() { printf '#!/usr/bin/env bash\nset -euo pipefail\n%s\n' "$2" >"$top/scripts/$1.sh"; chmod +x "$top/scripts/$1.sh"; }
stub apply 'mkdir -p "$BUILD_DIR/$FLAVOUR"; echo "apply $(paste -sd, "$SERIES")" >>"$BUILD_DIR/calls"
sed "s/^/0 /" "$SERIES" >"$BUILD_DIR/$FLAVOUR/applied"'
stub config 'echo config >>"$BUILD_DIR/calls"'
stub build 'echo build >>"$BUILD_DIR/calls"'
stub modules ':'
stub boot 'mkdir -p "$LOGS"; echo "boot $LIST $TESTS ${LOGS#"$BUILD_DIR"/} $("$(dirname "$0")/expectations.sh" fix-only | paste -sd" ")" >>"$BUILD_DIR/calls"'
stub verdict 'fix=$(tail -n1 "$BUILD_DIR/fix-only/applied" | cut -d" " -f2)
v=$(awk -v f="$fix" "\$1 == f { sub(/^[^ ]+ /, \"\"); print }" "$BUILD_DIR/verdicts" 2>/dev/null || true)
l=; [ "$LIST" = tests ] || l=", test/$LIST.list"
echo "${v:-1 passed, 0 failed, 0 skipped}$l (fix-only kernel)"'
cat >"$top/test/tests.list" <<'EOL'
a/both       both            10  /bin/true
a/uaf-1      xfail-pristine  10  /bin/true
a/uaf-2      xfail-pristine  10  /bin/true
b/fork       xfail-pristine  10  /bin/true
c/new        patched         10  /bin/true
EOL
echo "n/dax      both  10  /bin/true" >"$top/test/ndctl.list"
: >"$top/test/nfit.list"

export SERIES=$HT_TMP/series PATCH_DIR=$HT_TMP/patches
S1="mm/memremap: hold a dev_pagemap reference per device-dax folio until its final put"
S2="mm: introduce pfn_t"
mkdir -p "$PATCH_DIR"
ht_mkpatch "$PATCH_DIR/0001-a.patch" "[PATCH 1/5] $S1" "Fix it." "Cc: stable@vger.kernel.org"
ht_mkpatch "$PATCH_DIR/0002-b.patch" "[PATCH] $S2"
ht_mkpatch "$PATCH_DIR/0003-c.patch" "[PATCH] mm/huge_memory: do not copy folio-mapped puds on fork" "Fix fork." \
	"Cc: stable@vger.kernel.org # needs: $S2" "Cc: stable@vger.kernel.org # needs: $S1"
ht_mkpatch "$PATCH_DIR/0004-d.patch" "[PATCH] device-dax: a feature"
ht_mkpatch "$PATCH_DIR/0005-e.patch" "[PATCH] device-dax: fix the feature" "Fix." \
	"Cc: stable@vger.kernel.org # needs: device-dax: a feature"
cat >"$SERIES" <<'EOL'
## posting fixes
0001-a.patch  # tests: a/uaf-1
0002-b.patch
0003-c.patch  # tests: b/fork,a/uaf-2,n/*
## posting devmap
0004-d.patch  # tests: c/new
0005-e.patch
EOL
fo=$top/scripts/fix-only.sh
calls=$BUILD_DIR/calls
# expect_calls WHAT EXPECTED: the stubs were called exactly so.
expect_calls() {
	if [ "$(cat "$calls" 2>/dev/null)" = "$2" ]; then pass "$1"; else
		fail "$1: expected calls"; printf '%s\n' "$2" | sed 's/^/#   | /'
		echo "# got"; sed 's/^/#   | /' "$calls" 2>/dev/null; fi
	rm -f "$calls"
}

out=$("$fo" 2>&1) || fail "every fix: exit non-zero: $out"
expect_calls "every fix: its prerequisites and itself, its tests, its logs" "apply 0001-a.patch
config
build
boot tests a/uaf-1 fix-only/logs-0001/tests xfail a/uaf-2,b/fork skip c/new
apply 0001-a.patch,0002-b.patch,0003-c.patch
config
build
boot tests a/uaf-2,b/fork,n/dax fix-only/logs-0003/tests xfail - skip c/new
boot ndctl a/uaf-2,b/fork,n/dax fix-only/logs-0003/ndctl xfail - skip c/new
apply 0004-d.patch,0005-e.patch
config
build"
if grep -qE '^0001-a.patch +- +a/uaf-1 +passed: 1 passed, 0 failed, 0 skipped +[0-9]+$' <<<"$out" &&
	grep -qE '^0003-c.patch +0001,0002 +a/uaf-2,b/fork,n/dax +passed: .*test/ndctl.list +[0-9]+$' <<<"$out" &&
	grep -qE '^0005-e.patch +0004 +- +builds \(claims no tests\)' <<<"$out"; then
	pass "the table: fix, prerequisites, tests, result, seconds"
else
	fail "the table:"; printf '%s\n' "$out" | sed 's/^/#   | /'
fi
if [ "$(cat "$BUILD_DIR/fix-only/series-0003")" = "$(printf '0001-a.patch\n0002-b.patch\n0003-c.patch')" ]; then
	pass "series-0003 holds the subset"; else fail "series-0003: $(cat "$BUILD_DIR/fix-only/series-0003")"; fi

for f in 3 0003 0003-c 0003-c.patch; do
	FIX=$f "$fo" >/dev/null 2>&1 || fail "FIX=$f failed"
	if [ "$(head -n1 "$calls")" = "apply 0001-a.patch,0002-b.patch,0003-c.patch" ] && ! grep -q 0005 "$calls"; then
		pass "FIX=$f: that fix only"; else fail "FIX=$f: $(paste -sd';' "$calls")"; fi
	rm -f "$calls"
done
expect_fail "FIX= a patch that is not a fix" "FIX=2: 0002-b.patch is not a fix" env FIX=2 "$fo"
expect_fail "FIX= no such patch" "FIX=9: no patch of series has that name or number" env FIX=9 "$fo"

echo "0003-c.patch 1 passed, 0 failed, 1 skipped" >"$BUILD_DIR/verdicts"
expect_fail "a skipped test fails the fix" "a fix does not stand alone" "$fo"
out=$("$fo" 2>&1) || true
if grep -qE '^0003-c.patch .*FAILED: 1 passed, 0 failed, 1 skipped' <<<"$out" && grep -qE '^0001-a.patch .* passed: ' <<<"$out"; then
	pass "... the table says which, and the other fixes still ran"; else fail "the table:"; printf '%s\n' "$out" | sed 's/^/#   | /'; fi
echo "0001-a.patch 0 passed, 0 failed, 0 skipped, 1 expected failures" >"$BUILD_DIR/verdicts"
expect_fail "an expected failure fails the fix" "fix 0001 0001-a.patch: FAILED" env FIX=1 "$fo"
rm -f "$BUILD_DIR/verdicts" "$calls"

# A claimed test of a list this kernel does not boot (SUITES without test/nfit.list) is named,
# and the fix is not reported as passed.
echo "m/abi      both  10  /bin/true" >"$top/test/nfit.list"
sed -i 's|^0005-e.patch$|0005-e.patch  # tests: m/abi|' "$SERIES"
out=$(FIX=5 SUITES="tests ndctl" "$fo" 2>&1) || fail "a test of an unbooted list: exit non-zero: $out"
if grep -qE '^0005-e.patch +0004 +m/abi +builds; not booted by this kernel: m/abi ' <<<"$out" && ! grep -q '^boot' "$calls"; then
	pass "a test of a list this kernel does not boot: named, not run, not passed"
else
	fail "a test of an unbooted list:"; printf '%s\n' "$out" | sed 's/^/#   | /'
fi
rm -f "$calls"
: >"$top/test/nfit.list"
sed -i 's|^0005-e.patch .*|0005-e.patch|' "$SERIES"

# Fix 0005 claims c/new, which also needs 0002-b (earlier, not a fix), undeclared by 0005.
sed -i 's|^0002-b.patch$|0002-b.patch  # tests: c/new|; s|^0005-e.patch$|0005-e.patch  # tests: c/new|' "$SERIES"
expect_fail "a test that also needs an undeclared patch" \
	"fix 0005-e.patch: test c/new also needs patch 0002-b.patch, which 0005-e.patch does not declare" "$fo"
if [ ! -e "$calls" ]; then pass "... before anything is applied"; else fail "... but the stubs ran:"; sed 's/^/#   | /' "$calls"; fi
expect_ok "... FIX= another fix is not stopped by it" env FIX=1 "$fo"
sed -i 's|^0002-b.patch .*|0002-b.patch|; s|^0005-e.patch .*|0005-e.patch|' "$SERIES"

sed -i 's|^Cc: stable@vger.kernel.org # needs: device-dax: a feature|Cc: stable@vger.kernel.org # needs: device-dax: gone|' "$PATCH_DIR/0005-e.patch"
expect_fail "a declaration that names no patch" "the fixes' declarations are wrong" "$fo"
sed -i '/^Cc: stable/d' "$PATCH_DIR"/*.patch
expect_fail "no fixes" "no patch of series is a fix" "$fo"
ht_exit
