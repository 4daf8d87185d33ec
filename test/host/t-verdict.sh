#!/usr/bin/env bash
# The verdict counts passes, failures, skips and expected failures honestly: a skip is never a
# pass (and a test that skips itself fails the run), a missing result is a failure, a timeout is a
# failure, and a splat outside an expected window fails the run. results.json has every test, and
# kunit_tool's parser (from the pinned tree, when it is unpacked) reads the same top-level counts.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

export LOGS=$HT_TMP/logs FLAVOUR=patched
mkdir -p "$LOGS"
v() { "$HT_TOP/scripts/verdict.sh"; }
console_ok='[    1.0] harness: init started'

cat >"$LOGS/ktap.log" <<'K'
KTAP version 1
1..5
    ok 1 sub
# a: exit 0 after 1.5s
ok 1 a
ok 2 b # SKIP needs a patch this kernel does not have (patched)
    # expected 1, got 2
    not ok 1 sub
# c: exit 1 after 0.2s
not ok 3 c
# d: exit 1 after 3.0s
ok 4 d # XFAIL this kernel lacks the fix
# e: exit 137 after 30.0s
not ok 5 e # TIMEOUT 30 seconds
# harness: done
K
echo "$console_ok" >"$LOGS/console.log"
out=$(v 2>&1 || true)
if grep -qx "1 passed, 2 failed, 1 skipped, 1 expected failures (patched kernel)" <<<"$out"; then
	pass "counts: 1 passed, 2 failed (one a timeout), 1 skipped, 1 xfail"
else
	fail "wrong counts in: $out"
fi
if python3 - "$LOGS/results.json" <<'P'
import json, sys
r = json.load(open(sys.argv[1]))
got = [(t["name"], t["status"], t["seconds"]) for t in r["tests"]]
want = [("a", "pass", 1.5), ("b", "skip", None), ("c", "fail", 0.2), ("d", "xfail", 3.0),
        ("e", "timeout", 30.0)]
assert got == want, got
assert r["counts"] == {"pass": 1, "fail": 1, "skip": 1, "xfail": 1, "timeout": 1}, r["counts"]
P
then
	pass "results.json: every test with its status and time"
else
	fail "results.json is wrong: $(cat "$LOGS/results.json")"
fi
# kunit_tool reads the top-level results the same way (XFAIL is an "ok": it counts as passed).
kunit=$HT_REAL_BUILD/pristine/linux-$LINUX_VERSION/tools/testing/kunit/kunit.py
if [ -f "$kunit" ]; then
	grep -v '^ ' "$LOGS/ktap.log" >"$HT_TMP/top.ktap"
	k=$(python3 "$kunit" parse --summary "$HT_TMP/top.ktap" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | grep -o 'Ran .*' || true)
	if [ "$k" = "Ran 5 tests: passed: 2, failed: 2, skipped: 1" ]; then
		pass "kunit.py parse: $k (passed = 1 passed + 1 expected failure)"
	else
		fail "kunit.py parse read other counts: '$k'"
	fi
else
	fail "no kunit.py at $kunit (run 'make unpack')"
fi
if grep -qx "slowest: e 30.0 s, d 3.0 s, a 1.5 s, c 0.2 s" <<<"$out"; then
	pass "the slowest tests, with their times"
else
	fail "no 'slowest:' line in: $out"
fi
if grep -q "expected 1, got 2" <<<"$out"; then
	pass "the failed test's output is shown"
else
	fail "no output shown: $out"
fi
expect_fail "a failed test fails the verdict" "2 failed" v

printf 'KTAP version 1\n1..3\nok 1 a\nok 2 b\n' >"$LOGS/ktap.log"
expect_fail "a missing result and no end marker" "1 of 3 tests reported no result" v
# As the guest's serial port writes it: CR LF.
printf 'KTAP version 1\r\n1..3\r\nok 1 a\r\nok 2 b\r\n# harness: done\r\n' >"$LOGS/ktap.log"
expect_fail "a missing result, CR LF line ends" "1 of 3 tests reported no result" v

printf 'KTAP version 1\n1..0\n# harness: done\n' >"$LOGS/ktap.log"
expect_fail "no test ran (TESTS matched nothing)" "no test ran" v
printf 'KTAP version 1\nBail out! no test list /tests/x.list\n' >"$LOGS/ktap.log"
expect_fail "the runner bailed out" "did not finish" v

printf 'KTAP version 1\n1..2\nok 1 a\nok 2 b # SKIP\n# harness: done\n' >"$LOGS/ktap.log"
expect_fail "a test that skipped itself" "tests skipped themselves.*: b" v
printf 'KTAP version 1\n1..1\nok 1 a\n# harness: done\n' >"$LOGS/ktap.log"
expect_ok "all passed, clean log" v
printf '%s\n[    2.0] WARNING: CPU: 0 PID: 1 at mm/gup.c:1 foo\n' "$console_ok" >"$LOGS/console.log"
expect_fail "a WARN in the kernel log" "splats" v
cat >"$LOGS/console.log" <<'C'
[    1.0] harness: test 1 a begin (splats expected)
[    2.0] BUG: unable to handle page fault for address: ffffea0000000000
[    3.0] harness: test 1 a end rc=1
C
expect_ok "a splat inside an expected window" v
printf '[    4.0] BUG: unable to handle page fault\n' >>"$LOGS/console.log"
expect_fail "a splat after the window closed" "splats" v
# The guest's init gave up on the list before its runner started: named, and a failure.
printf 'KTAP version 1\nBail out! depmod -C /tests/depmod.nfit.conf failed: no space\n' >"$LOGS/ktap.log"
echo "$console_ok" >"$LOGS/console.log"
expect_fail "a list the guest bailed out of" "the guest ran no test of the list: depmod -C" v

ht_exit
