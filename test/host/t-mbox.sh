#!/usr/bin/env bash
# make mbox refuses what would make a wrong posting, naming the cause: an identity that is not
# "Full Name <address>", a posting without its cover letter (conf/cover-letter-NAME.txt), a
# letter with @NUMBERS@ and no benchmark figures (one without needs none), no git-am repository
# (the base commit, short log and diffstat come from it). On a synthetic tree and series of two
# postings (git-am.sh builds the repository), it writes one mbox per posting, numbered within
# the posting, each cover letter with only its posting's short log and diffstat, the second with
# the first's prerequisite-patch-id lines, each passing gate-format; a series without "##
# posting" lines is the one posting "series". Figures (@NUMBERS@) only come from a bench of
# exactly this series. The test lines (@TESTS@) come from the recorded runs of the series and of
# pristine: none, a run of other patches, or a claim a run contradicts stops it. "Version: 2"
# and "Previous:" in a letter give [PATCH v2 n/N] and a range-diff against the version before.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=synth.sh
. "$(dirname "$0")/synth.sh"

mbox=$HT_TOP/scripts/mbox.sh
export SERIES=$HT_TMP/series PATCH_DIR=$HT_TMP/patches COVER_DIR=$HT_TMP/conf
synth_tree
synth_series "$PATCH_DIR" "$SERIES"
mkdir -p "$COVER_DIR"
printf 'Subject: the fixes\n# a comment\n\nFixes.\n\n@BASE@\n\n@TESTS@\n' >"$COVER_DIR/cover-letter-fixes.txt"

expect_fail "bad identity" 'IDENTITY must be "Full Name <address>"' env IDENTITY="nobody" "$mbox"
expect_fail "a posting without a cover letter" "no cover letter for posting devmap: write .*cover-letter-devmap.txt" "$mbox"
printf 'Subject: the feature\n\nA feature.\n\n@BASE@\n\n@NUMBERS@\n' >"$COVER_DIR/cover-letter-devmap.txt"
expect_fail "@NUMBERS@ and no figures" "no benchmark figures .*cover-letter-devmap.txt, which has @NUMBERS@ .*make bench" "$mbox"
mkdir -p "$BUILD_DIR/bench/patched.1"
echo "  figures" >"$BUILD_DIR/bench/cover-table.txt"
expect_fail "figures and no bench boot of the series" "no results of the series' bench boot at .*patched.1/results.json" "$mbox"
echo '{"applied_sha256": "0123"}' >"$BUILD_DIR/bench/patched.1/results.json"
expect_fail "figures of other patches" "figures at .*cover-table.txt are of other patches than this series .*0123.*make bench" "$mbox"
sums=$(bash -c '. "$1/scripts/lib.sh"; . "$1/scripts/series-lib.sh"; series_sums "$2" "$3"' - "$HT_TOP" "$SERIES" "$PATCH_DIR" |
	sha256sum | cut -d' ' -f1)
echo "{\"applied_sha256\": \"$sums\"}" >"$BUILD_DIR/bench/patched.1/results.json"
expect_fail "no git-am repository" "no git-am repository .*make git-am" "$mbox"
if [ -e "$BUILD_DIR/mbox" ]; then fail "$BUILD_DIR/mbox exists after the failures"; else pass "nothing written"; fi

"$HT_TOP/scripts/git-am.sh" >/dev/null 2>&1 || fail "git-am.sh on the synthetic series"
# The recorded runs the test lines come from: results.json of the series and of pristine, as
# verdict.sh writes them (applied_sha256: the diffs of the patches the kernel had).
results() { # FLAVOUR APPLIED_SHA OVERRIDE_NAME OVERRIDE_STATUS
	mkdir -p "$BUILD_DIR/$1/logs"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HT_TOP/test/tests.list" | awk '{print $1, $2}' |
		python3 -c 'import json, sys
flavour, sha, oname, ostatus = sys.argv[1:5]
tests = []
for line in sys.stdin:
    name, kind = line.split()
    if flavour == "patched":
        status = "pass"
    else:
        status = {"both": "pass", "xfail-pristine": "xfail", "patched": "skip"}[kind]
    if name == oname:
        status = ostatus
    tests.append({"name": name, "status": status, "seconds": 1.0, "directive": ""})
print(json.dumps({"flavour": flavour, "list": "tests", "applied_sha256": sha, "tests": tests}))
' "$1" "$2" "${3:--}" "${4:--}" >"$BUILD_DIR/$1/logs/results.json"
}
none=$(printf '' | sha256sum | cut -d' ' -f1)
expect_fail "no recorded runs" "no recorded run at .*patched/logs/results.json.*make all" "$mbox"
results patched "$none"
results pristine "$none"
expect_fail "a run of other patches" "patched/logs/results.json is a run of other patches than this series" "$mbox"
results patched "$sums"
results pristine "$none" devdax/vm-1g pass
expect_fail "a claim the runs do not back" "do not back devdax/vm-1g \(series: pass, pristine: pass\)" "$mbox"
results pristine "$none"
expect_ok "two postings" "$mbox"
out=$BUILD_DIR/mbox
subjects() { grep '^Subject: ' "$1" | paste -sd'|'; }
want="Subject: [PATCH 0/2] the fixes|Subject: [PATCH 1/2] $SYNTH_FIX1|Subject: [PATCH 2/2] $SYNTH_FIX2"
if [ "$(subjects "$out/fixes.mbox")" = "$want" ]; then pass "fixes.mbox: cover and patches numbered n/2"; else
	fail "fixes.mbox: $(subjects "$out/fixes.mbox")"; fi
if [ "$(subjects "$out/devmap.mbox" | cut -d'|' -f1-2)" = "Subject: [PATCH 0/3] the feature|Subject: [PATCH 1/3] mm: introduce pfn_t" ]; then
	pass "devmap.mbox: numbered from 1 again"; else fail "devmap.mbox: $(subjects "$out/devmap.mbox")"; fi
c=$out/devmap/patches/0000-cover-letter.patch
if grep -q '^ 2 files changed, 3 insertions(+), 3 deletions(-)$' "$c" && ! grep -q '^ mm/b.c ' "$c" &&
	grep -qF 'mm: introduce pfn_t' "$c" && ! grep -qF "$SYNTH_FIX1" "$c"; then
	pass "the devmap cover letter: its posting's short log and diffstat only"
else fail "the devmap cover letter:"; sed 's/^/#   | /' "$c"; fi
if [ "$(grep -c '^prerequisite-patch-id: [0-9a-f]\{40\}$' "$c")" = 2 ] &&
	! grep -q '^prerequisite-patch-id' "$out/fixes/patches/0000-cover-letter.patch"; then
	pass "the devmap cover letter names the fixes as prerequisite-patch-id lines"
else fail "prerequisite-patch-id lines"; fi
if grep -q '^ *figures$' "$c" && ! grep -q 'figures' "$out/fixes.mbox"; then pass "figures where @NUMBERS@ asks"; else
	fail "figures misplaced"; fi
if grep -q "patch 2's tests: failed on v7.2.8, passed with the series (1):" "$out/fixes/patches/0000-cover-letter.patch"; then
	pass "the fixes' tests, by patch"; else fail "@TESTS@ of the fixes: $(sed -n '/both kernels/,/^$/p' "$out/fixes.mbox")"; fi
want=$(printf '0000-cover-letter.patch\n%s\n%s' "$(sed -n 3p "$SERIES" | cut -d' ' -f1)" "$(sed -n 4p "$SERIES" | cut -d' ' -f1)")
if [ "$(cat "$out/fixes/series")" = "$want" ]; then pass "fixes/series: the cover letter and the posting's patches"; else
	fail "fixes/series: $(cat "$out/fixes/series")"; fi

# A second version: "Version: 2" numbers [PATCH v2 n/N]; "Previous: COMMIT FIRST-LAST" names the
# first version (there, without the last patch) and @RANGE_DIFF@ summarises the range-diff.
export PREVIOUS_REPO=$HT_TMP/prev
mkdir -p "$PREVIOUS_REPO"
cp -r "$PATCH_DIR" "$PREVIOUS_REPO/patches"
head -n -1 "$SERIES" >"$PREVIOUS_REPO/series"
git -C "$PREVIOUS_REPO" init -q
git -C "$PREVIOUS_REPO" add -A
git -C "$PREVIOUS_REPO" -c user.name=t -c user.email=t@t commit -q -m v1
v1=$(git -C "$PREVIOUS_REPO" rev-parse --short HEAD)
letter=$COVER_DIR/cover-letter-devmap.txt
printf 'Subject: the feature\nVersion: 2\n\nA feature.\n\n@BASE@\n\n@RANGE_DIFF@\n' >"$letter"
expect_fail "Version: 2 without Previous:" "needs 'Previous: COMMIT FIRST-LAST'" "$mbox"
sed -i "2a Previous: 0123456 3-4" "$letter"
expect_fail "Previous: names no commit" "Previous: 0123456 is not a commit of .*prev" "$mbox"
sed -i "s/^Previous: .*/Previous: $v1 3-5/" "$letter"
expect_fail "Previous: beyond the series there" "the series at $v1 has 4 patches" "$mbox"
sed -i "s/^Previous: .*/Previous: $v1 3-4/" "$letter"
expect_ok "a second version" "$mbox"
c=$out/devmap/patches/0000-cover-letter.patch
if [ "$(subjects "$out/devmap.mbox" | cut -d'|' -f1-2)" = "Subject: [PATCH v2 0/3] the feature|Subject: [PATCH v2 1/3] mm: introduce pfn_t" ] &&
	grep -q '^Subject: \[PATCH 1/2\]' "$out/fixes.mbox"; then
	pass "Version: 2 numbers the posting [PATCH v2 n/N], and only it"
else fail "v2 subjects: $(subjects "$out/devmap.mbox")"; fi
if grep -qE '^ *1: +[0-9a-f]{7,} = +1: +[0-9a-f]{7,} mm: introduce pfn_t$' "$c" &&
	grep -qE '^ *-: +-{7,} > +3: +[0-9a-f]{7,} device-dax: report why' "$c" &&
	! grep -q '^Version: \|^Previous: \|@RANGE_DIFF@' "$c" &&
	grep -q '^ *-: .* > *3: .* device-dax: report why' "$out/devmap/range-diff-v1.txt"; then
	pass "the range-diff against v1: its summary in the letter, whole in range-diff-v1.txt"
else fail "the range-diff:"; sed 's/^/#   | /' "$c"; fi
unset PREVIOUS_REPO

sed -i '/^## posting /d' "$SERIES"
expect_fail "no posting lines and no cover-letter-series.txt" "no cover letter for posting series" "$mbox"
cp "$COVER_DIR/cover-letter-fixes.txt" "$COVER_DIR/cover-letter-series.txt"
expect_ok "no posting lines: one posting, series" "$mbox"
if [ "$(ls "$out")" = "$(printf 'series\nseries.mbox')" ] && grep -q '^Subject: \[PATCH 5/5\]' "$out/series.mbox"; then
	pass "series.mbox, numbered n/5"; else fail "$(ls "$out")"; fi
ht_exit
