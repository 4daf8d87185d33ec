#!/usr/bin/env bash
# Stage "verdict": judge one boot from its logs and print one final line
# "N passed, N failed, N skipped[, N expected failures][, test/LIST.list] (<flavour> kernel)".
# Input: $BUILD_DIR/<flavour>/logs/ktap.log and console.log (logs-LIST for LIST=name, another
# test list), conf/splat-patterns.
# Fails when a test failed, a result is missing, the runner did not finish, or the kernel log
# holds a splat outside a window where a test expects one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOUR=${FLAVOUR:-patched}
LIST=${LIST:-tests}
logs=${LOGS:-$(logs_dir "$(flavour_dir "$FLAVOUR")" "$LIST")}
ktap=$logs/ktap.log
console=$logs/console.log
patterns=${SPLAT_PATTERNS:-$TOP/conf/splat-patterns}
[ -f "$ktap" ] || die "no results at $ktap (run 'make boot')"

problems=0
problem() { printf '%s: %s\n' "$FLAVOUR" "$*" >&2; problems=$((problems + 1)); }

# Top-level KTAP results; the indented lines before a result are that test's own output.
# The guest's serial port ends lines with CR LF: strip the CR, or "1..N" never matches.
read -r plan passed failed skipped xfail finished < <(awk '
	{ sub(/\r$/, "") }
	/^1\.\.[0-9]+$/ { plan = substr($0, 4) }
	/^# harness: done/ { done = 1 }
	/^ok [0-9]+ / { if ($0 ~ /# SKIP/) skipped++; else passed++ }
	/^not ok [0-9]+ / { if ($0 ~ /# TODO/) xfail++; else failed++ }
	END { printf "%d %d %d %d %d %d\n", plan, passed, failed, skipped, xfail, done }' "$ktap")

# Show each failed test with its output.
awk '{ sub(/\r$/, "") }
	/^(not )?ok [0-9]+ |^# harness: done/ {
		if ($0 ~ /^not ok/ && $0 !~ /# TODO/) { print "FAILED: " $0; printf "%s", buf }
		buf = ""; next }
	{ buf = buf "  " $0 "\n" }' "$ktap" >&2

reported=$((passed + failed + skipped + xfail))
[ "$finished" -eq 1 ] || problem "the guest's test runner did not finish (crash, panic or timeout?)"
[ "$plan" -gt 0 ] || [ "$finished" -eq 0 ] || problem "no test ran (does TESTS='${TESTS:-*}' match test/tests.list?)"
if [ "$reported" -lt "$plan" ]; then
	problem "$((plan - reported)) of $plan tests reported no result"
	failed=$((failed + plan - reported))
fi

# Splats outside the windows in which a test expects them.
if [ -f "$console" ]; then
	regex=$(sed -e '/^#/d' -e '/^$/d' "$patterns" | paste -sd'|')
	splats=$(awk -v re="$regex" '
		/harness: test [0-9]+ .* begin \(splats expected\)/ { inside = 1 }
		/harness: test [0-9]+ .* end rc=/ { inside = 0 }
		!inside && $0 ~ re { print NR ": " $0 }' "$console")
	if [ -n "$splats" ]; then
		problem "the kernel log has splats (full log: $console):"
		first=$(echo "$splats" | head -n 1 | cut -d: -f1)
		sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$console" | sed 's/^/  | /' >&2
	fi
	grep -q 'Kernel panic' "$console" && problem "the kernel panicked"
else
	problem "no kernel log at $console"
fi

line="$passed passed, $failed failed, $skipped skipped"
[ "$xfail" -gt 0 ] && line+=", $xfail expected failures"
[ "$LIST" = tests ] || line+=", test/$LIST.list"
echo "$line ($FLAVOUR kernel)"
[ "$failed" -eq 0 ] && [ "$problems" -eq 0 ]
