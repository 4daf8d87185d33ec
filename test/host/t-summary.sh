#!/usr/bin/env bash
# make check's closing table (scripts/summary.py): the gates in order with status and time, then
# every guest test with its status on the series, on pristine and on each fix alone, from the
# results.json files verdict.sh writes; a test a kernel did not run is "-". --json writes them
# all, with the gates, to build/results.json. A failed test's own failure lines follow the table
# (CI shows the end of the log and cuts the test output in its middle).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

mkdir -p "$BUILD_DIR/patched/logs" "$BUILD_DIR/pristine/logs" "$BUILD_DIR/fix-only/logs-0004/tests"
printf 'lint passed 30\nall passed 306\n' >"$BUILD_DIR/check-gates"
r() { # FILE NAME:STATUS:SECS...
	local f=$1 t sep=""
	shift
	{ printf '{"flavour": "x", "list": "tests", "tests": ['
	  for t in "$@"; do IFS=: read -r n s x <<<"$t"; printf '%s{"name": "%s", "status": "%s", "seconds": %s, "directive": ""}' "$sep" "$n" "$s" "$x"; sep=", "; done
	  printf ']}\n'; } >"$f"
}
r "$BUILD_DIR/patched/logs/results.json" a:pass:1.5 devdax/protnone-1g:pass:3.0 c/diag:pass:2.0
r "$BUILD_DIR/pristine/logs/results.json" a:pass:1.4 devdax/protnone-1g:xfail:2.0 c/diag:skip:null
r "$BUILD_DIR/fix-only/logs-0004/tests/results.json" devdax/protnone-1g:pass:2.9
out=$(python3 "$HT_TOP/scripts/summary.py")
printf '%s\n' "$out" | sed 's/^/#   | /'
want_rows=(
	'^gate or test +series +pristine +fix-only +time$'
	'^lint +passed +30 s$'
	'^all +passed +306 s$'
	'^a +pass +pass +- +1.5 s$'
	'^devdax/protnone-1g +pass +xfail +0004 pass +3.0 s$'
	'^c/diag +pass +skip +- +2.0 s$'
)
i=0
for re in "${want_rows[@]}"; do
	i=$((i + 1))
	if grep -qE "$re" <<<"$(sed -n "${i}p" <<<"$out")"; then pass "row $i: /$re/"; else fail "row $i is not /$re/"; fi
done
# A failed selftest: its "not ok" subtest and totals after the table, not its passing lines.
r "$BUILD_DIR/patched/logs/results.json" a:pass:1.5 selftests/uffd:fail:3.0
printf '%s\n' 'KTAP version 1' '1..2' '    # [RUN] a' '    not ok 1 in a passing test' 'ok 1 a' \
	'    TAP version 13' '    ok 1 zeropage on anon' '    not ok 2 move-pmd on anon' \
	'    # Totals: pass:1 fail:1' '# selftests/uffd: exit 1' 'not ok 2 selftests/uffd' \
	'# harness: done' >"$BUILD_DIR/patched/logs/ktap.log"
out=$(python3 "$HT_TOP/scripts/summary.py")
printf '%s\n' "$out" | sed 's/^/#   | /'
why=$(sed -n '/^why selftests\/uffd failed (patched\/logs\/ktap.log):$/,$p' <<<"$out")
if grep -q '^    not ok 2 move-pmd on anon$' <<<"$why" && grep -q 'fail:1' <<<"$why" &&
	! grep -qE 'zeropage|passing' <<<"$why"; then
	pass "a failed test's failure lines follow the table"
else
	fail "no 'why selftests/uffd failed' with its not-ok line after the table"
fi
# A selftest that passed only when run again (run.sh -r): named, with its first run's failure.
r "$BUILD_DIR/patched/logs/results.json" selftests/uffd:pass:3.0
printf '%s\n' 'KTAP version 1' '1..1' '    not ok 2 move-pmd on anon' \
	'    # retried: uffd failed (exit 1); running it once more (-r), the second result counts' \
	'    ok 2 move-pmd on anon' 'ok 1 selftests/uffd' '# harness: done' >"$BUILD_DIR/patched/logs/ktap.log"
out=$(python3 "$HT_TOP/scripts/summary.py")
printf '%s\n' "$out" | sed 's/^/#   | /'
if grep -A1 -x 'selftests/uffd passed only when run again; its first run (patched/logs/ktap.log):' <<<"$out" |
	grep -qx '    not ok 2 move-pmd on anon'; then
	pass "a test that passed only when retried is named, with its first failure"
else
	fail "a retried test is not named after the table"
fi
r "$BUILD_DIR/patched/logs/results.json" a:pass:1.5 devdax/protnone-1g:pass:3.0 c/diag:pass:2.0
BUILD_DIR=$BUILD_DIR python3 "$HT_TOP/scripts/summary.py" --json
if python3 - "$BUILD_DIR/results.json" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
assert [g["name"] for g in d["gates"]] == ["lint", "all"], d["gates"]
assert sorted(d["runs"]) == ["fix-only/logs-0004/tests", "patched/logs", "pristine/logs"], sorted(d["runs"])
assert d["runs"]["pristine/logs"]["tests"][1]["status"] == "xfail"
P
then pass "build/results.json: the gates and every boot's results"; else fail "build/results.json: $(head -c 400 "$BUILD_DIR/results.json")"; fi
ht_exit
