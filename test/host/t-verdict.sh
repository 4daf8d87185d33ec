#!/usr/bin/env bash
# The verdict counts passes, failures, skips and expected failures honestly: a skip is never a
# pass, a missing result is a failure, and a splat outside an expected window fails the run.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

export LOGS=$HT_TMP/logs FLAVOUR=patched
mkdir -p "$LOGS"
v() { "$HT_TOP/scripts/verdict.sh"; }
console_ok='[    1.0] harness: init started'

cat >"$LOGS/ktap.log" <<'K'
KTAP version 1
1..4
    ok 1 sub
ok 1 a
ok 2 b # SKIP not here
    # expected 1, got 2
    not ok 1 sub
not ok 3 c
not ok 4 d # TODO expected failure on pristine
# harness: done
K
echo "$console_ok" >"$LOGS/console.log"
out=$(v 2>&1 || true)
if grep -qx "1 passed, 1 failed, 1 skipped, 1 expected failures (patched kernel)" <<<"$out"; then
	pass "counts: 1 passed, 1 failed, 1 skipped, 1 xfail"
else
	fail "wrong counts in: $out"
fi
if grep -q "expected 1, got 2" <<<"$out"; then
	pass "the failed test's output is shown"
else
	fail "no output shown: $out"
fi
expect_fail "a failed test fails the verdict" "1 failed" v

printf 'KTAP version 1\n1..3\nok 1 a\nok 2 b\n' >"$LOGS/ktap.log"
expect_fail "a missing result and no end marker" "1 of 3 tests reported no result" v
# As the guest's serial port writes it: CR LF.
printf 'KTAP version 1\r\n1..3\r\nok 1 a\r\nok 2 b\r\n# harness: done\r\n' >"$LOGS/ktap.log"
expect_fail "a missing result, CR LF line ends" "1 of 3 tests reported no result" v

printf 'KTAP version 1\n1..0\n# harness: done\n' >"$LOGS/ktap.log"
expect_fail "no test ran (TESTS matched nothing)" "no test ran" v
printf 'KTAP version 1\nBail out! no test list /tests/x.list\n' >"$LOGS/ktap.log"
expect_fail "the runner bailed out" "did not finish" v

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
ht_exit
