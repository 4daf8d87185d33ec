#!/usr/bin/env bash
# The boot stage over every list (scripts/boots.sh), with scripts/boot.sh replaced by a stub that
# records when each list's guest starts and ends: with BOOT_JOBS=2 the first list's guest runs
# beside the others, which run one after another, and their output is shown after the first
# list's, in list order; a failed boot of any list fails the stage naming it, after every other
# list has booted; BOOT_JOBS=1 boots one list at a time; a BOOT_JOBS that is not a number is
# refused before anything boots.
# shellcheck disable=SC2016 # the stub's code is expanded when it runs
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

top=$HT_TMP/top
mkdir -p "$top/test"
cp -r "$HT_TOP/scripts" "$HT_TOP/conf" "$top/"
for l in tests ndctl nfit; do echo "$l/one  both  10  /bin/true" >"$top/test/$l.list"; done
# The stub: "start LIST" and "end LIST" with the time in ms, a line of output, 1 s of guest;
# the list named by FAIL_LIST fails.
cat >"$top/scripts/boot.sh" <<'EOS'
#!/usr/bin/env bash
set -euo pipefail
echo "start $LIST $(date +%s%3N)" >>"$BUILD_DIR/calls"
echo "  [1/1] ok $LIST/one"
# As boot.sh waits for QEMU: interruptible, and its exit stops the guest.
sleep "${GUEST_SECONDS:-1}" &
guest=$!
echo "$$ $guest" >"$BUILD_DIR/pid.$LIST"
trap 'kill $guest 2>/dev/null || true' EXIT
wait "$guest"
echo "end $LIST $(date +%s%3N)" >>"$BUILD_DIR/calls"
[ "$LIST" != "${FAIL_LIST:-}" ] || { echo "boot: error: the guest of $LIST hung" >&2; exit 1; }
EOS
chmod +x "$top/scripts/boot.sh"
calls=$BUILD_DIR/calls
mkdir -p "$BUILD_DIR"
t() { awk -v w="$1 $2" '$1 " " $2 == w { print $3 }' "$calls"; }

out=$(SUITES="tests ndctl nfit" BOOT_JOBS=2 "$top/scripts/boots.sh" 2>&1) || fail "BOOT_JOBS=2: exit non-zero: $out"
if [ "$(t start ndctl)" -lt "$(t end tests)" ] && [ "$(t start nfit)" -ge "$(t end ndctl)" ]; then
	pass "BOOT_JOBS=2: ndctl's guest started beside tests', nfit's after ndctl's"
else
	fail "BOOT_JOBS=2: the guests' order:"; sed 's/^/#   | /' "$calls"
fi
if [ "$(grep -o '\[1/1\] ok [a-z]*' <<<"$out" | paste -sd,)" = "[1/1] ok tests,[1/1] ok ndctl,[1/1] ok nfit" ]; then
	pass "BOOT_JOBS=2: the output of each list, tests' first, then ndctl's and nfit's"
else
	fail "BOOT_JOBS=2: the output:"; printf '%s\n' "$out" | sed 's/^/#   | /'
fi

rm -f "$calls"
FAIL_LIST=ndctl SUITES="tests ndctl nfit" expect_fail "a failed boot beside the first list" \
	"error: the boot of test/ndctl.list failed" "$top/scripts/boots.sh"
if [ "$(grep -c '^end' "$calls")" -eq 3 ]; then pass "... every list still booted"; else
	fail "... not every list booted:"; sed 's/^/#   | /' "$calls"; fi

rm -f "$calls"
FAIL_LIST=tests SUITES="tests ndctl" expect_fail "a failed boot of the first list" \
	"error: the boot of test/tests.list failed" "$top/scripts/boots.sh"

rm -f "$calls"
SUITES="tests ndctl nfit" BOOT_JOBS=1 expect_ok "BOOT_JOBS=1" "$top/scripts/boots.sh"
if [ "$(t start ndctl)" -ge "$(t end tests)" ] && [ "$(t start nfit)" -ge "$(t end ndctl)" ]; then
	pass "BOOT_JOBS=1: one guest at a time"
else
	fail "BOOT_JOBS=1: the guests' order:"; sed 's/^/#   | /' "$calls"
fi

rm -f "$calls"
TESTS=nonesuch expect_fail "no list has a test matching TESTS" "no test matches TESTS='nonesuch'" \
	env BOOT_JOBS=1 "$top/scripts/boots.sh"
if [ ! -f "$calls" ]; then pass "... nothing booted"; else fail "... a guest booted"; fi

# Stopped while the guests run: every list's boot.sh goes (its exit trap stops its QEMU).
rm -f "$calls" "$BUILD_DIR"/pid.*
SUITES="tests ndctl nfit" GUEST_SECONDS=30 "$top/scripts/boots.sh" >/dev/null 2>&1 &
stage=$!
for _ in $(seq 50); do [ -f "$BUILD_DIR/pid.ndctl" ] && [ -f "$BUILD_DIR/pid.tests" ] && break; sleep 0.1; done
t0=$(date +%s)
kill -TERM "$stage"
wait "$stage" 2>/dev/null || true
took=$(($(date +%s) - t0))
sleep 0.5
# alive PID: running (a zombie whose parent is gone is not).
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]; }
left=
for l in tests ndctl; do
	read -r stub guest <"$BUILD_DIR/pid.$l" 2>/dev/null || { left+=" $l(never started)"; continue; }
	for p in "$stub" "$guest"; do
		if alive "$p"; then left+=" $l:$p"; kill "$p"; fi
	done
done
if [ -z "$left" ] && [ ! -f "$BUILD_DIR/pid.nfit" ] && [ "$took" -le 5 ]; then
	pass "stopped: the stage ended in $took s, no list's boot left running, nfit's never started"
else
	fail "stopped: ended after $took s (guests of 30 s); left running or not started:$left"
fi

rm -f "$calls"
BOOT_JOBS=two expect_fail "BOOT_JOBS=two" "BOOT_JOBS=two: a number" "$top/scripts/boots.sh"
if [ ! -f "$calls" ]; then pass "... nothing booted"; else fail "... a guest booted"; fi
ht_exit
