#!/usr/bin/env bash
# Stage "verdict": judge one boot from its logs and print one final line
# "N passed, N failed, N skipped[, N expected failures][, test/LIST.list] (<flavour> kernel)".
# Input: $BUILD_DIR/<flavour>/logs/ktap.log and console.log (logs-LIST for LIST=name, another
# test list), conf/splat-patterns.
# Fails when a test failed or timed out, a result is missing, a test skipped itself (only the
# runner's "# SKIP needs a patch ..." is expected), the runner did not finish, or the kernel log
# holds a splat outside a window where a test expects one. Expected failures are "ok ... # XFAIL".
# Also writes results.json beside the logs: one entry per test (name, status pass, fail, skip,
# xfail or timeout, seconds, and the directive's text), and the counts. A splat's stack traces are
# decoded (scripts/decode_stacktrace.sh) when the flavour's vmlinux has debug information.
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
problem_msgs=()
problem() { printf '%s: %s\n' "$FLAVOUR" "$*" >&2; problems=$((problems + 1)); problem_msgs+=("$*"); }

# Top-level KTAP results; the indented lines before a result are that test's own output.
# The guest's serial port ends lines with CR LF: strip the CR, or "1..N" never matches.
read -r plan passed failed skipped xfail finished < <(awk '
	{ sub(/\r$/, "") }
	/^1\.\.[0-9]+$/ { plan = substr($0, 4) }
	/^# harness: done/ { done = 1 }
	/^ok [0-9]+ / { if ($0 ~ / # SKIP/) skipped++; else if ($0 ~ / # XFAIL/) xfail++; else passed++ }
	/^not ok [0-9]+ / { failed++ }
	END { printf "%d %d %d %d %d %d\n", plan, passed, failed, skipped, xfail, done }' "$ktap")

# Show each failed test with its output.
awk '{ sub(/\r$/, "") }
	/^(not )?ok [0-9]+ |^# harness: done/ {
		if ($0 ~ /^not ok/) { print "FAILED: " $0; printf "%s", buf }
		buf = ""; next }
	{ buf = buf "  " $0 "\n" }' "$ktap" >&2

# A test that skipped itself: only the runner's skips of tests that need a missing patch, and of
# tests this architecture cannot run (conf/arch/$ARCH.skip), are expected (a skip is never a
# pass).
mapfile -t arch_globs < <(arch_skip_globs)
arch_skipped() {
	local g
	for g in "${arch_globs[@]}"; do
		# shellcheck disable=SC2053 # the test selection is a glob
		[[ $1 == $g ]] && return 0
	done
	return 1
}
unexpected_skips=$(tr -d '\r' <"$ktap" | grep -E '^ok [0-9]+ .* # SKIP' |
	grep -v ' # SKIP needs a patch this kernel does not have' |
	sed -E 's/^ok [0-9]+ ([^ ]+) # SKIP( not on this architecture: )?.*/\1 \2/' |
	while read -r name arch; do
		[ -n "$arch" ] && arch_skipped "$name" && continue
		echo "$name"
	done | paste -sd' ' || true)
[ -z "$unexpected_skips" ] || problem "tests skipped themselves (a skip is never a pass): $unexpected_skips"

reported=$((passed + failed + skipped + xfail))
# The guest's init gives up on a list before its runner starts (test/guest/init: the list's
# modules could not be set up) with a top-level "Bail out!".
bail=$(tr -d '\r' <"$ktap" | grep -m1 '^Bail out!' || true)
[ -z "$bail" ] || problem "the guest ran no test of the list: ${bail#Bail out! }"
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
		excerpt=$(sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$console")
		# With debug information (make gdb's kernel, say), the stack traces get file:line.
		vmlinux=$(flavour_dir "$FLAVOUR")/obj/vmlinux tree=$(flavour_dir "$FLAVOUR")/$TREE_NAME
		if [ -x "$tree/scripts/decode_stacktrace.sh" ] && [ -f "$vmlinux" ] &&
			grep -q '\.debug_info' <<<"$(readelf -S --wide "$vmlinux" 2>/dev/null)" &&
			decoded=$(printf '%s\n' "$excerpt" | "$tree/scripts/decode_stacktrace.sh" "$vmlinux" "$tree" 2>/dev/null) &&
			[ -n "$decoded" ]; then
			excerpt="$decoded"
			say "stack traces decoded with $vmlinux"
		fi
		printf '%s\n' "$excerpt" | sed 's/^/  | /' >&2
	fi
	grep -q 'Kernel panic' "$console" && problem "the kernel panicked"
else
	problem "no kernel log at $console"
fi

# The slowest five (on standard error: the last line of standard output is the verdict).
slowest=$(tr -d '\r' <"$ktap" | sed -nE 's/^# ([^ ]+): exit [0-9]+ after ([0-9.]+)s$/\2 \1/p' |
	sort -rn | head -n 5 | awk '{ printf "%s%s %s s", (NR > 1 ? ", " : ""), $2, $1 }')
[ -z "$slowest" ] || echo "slowest: $slowest" >&2

# results.json: the top-level results, with each test's time from the runner's "# NAME: exit RC
# after Ss" line; the sha256 of the patches the kernel had ("sum name" lines of
# <flavour>/applied, empty for pristine), by which make mbox knows what a run tested; their names
# and KCIDB patchset hash; this verdict and its problems; when, under which accelerator; and the
# build's record (obj/build.json), for build/kcidb.json.
applied=$(flavour_dir "$FLAVOUR")/applied
applied_sha=$( { [ -f "$applied" ] && cat "$applied"; true; } | sha256sum | cut -d' ' -f1)
tr -d '\r' <"$ktap" | awk -v flavour="$FLAVOUR" -v list="$LIST" -v applied="$applied_sha" '
	function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s); return s }
	/^# [^ ]+: exit [0-9]+ after [0-9.]+s$/ { t = $0; sub(/^# /, "", t); n = t; sub(/:.*/, "", n)
		s = t; sub(/.* after /, "", s); sub(/s$/, "", s); secs[n] = s; next }
	/^(not )?ok [0-9]+ / {
		ok = $0 !~ /^not /; line = $0; sub(/^(not )?ok [0-9]+ /, "", line)
		name = line; sub(/ .*/, "", name); dir = ""
		if (index(line, " # ")) { dir = substr(line, index(line, " # ") + 3) }
		status = ok ? "pass" : "fail"
		if (dir ~ /^SKIP/) status = "skip"; else if (dir ~ /^XFAIL/) status = "xfail"
		else if (dir ~ /^TIMEOUT/) status = "timeout"
		names[++nt] = name; st[nt] = status; dirs[nt] = dir; count[status]++ }
	END {
		printf "{\n  \"flavour\": \"%s\",\n  \"list\": \"%s\",\n  \"applied_sha256\": \"%s\",\n  \"tests\": [", esc(flavour), esc(list), applied
		for (i = 1; i <= nt; i++)
			printf "%s\n    {\"name\": \"%s\", \"status\": \"%s\", \"seconds\": %s, " \
				"\"directive\": \"%s\"}", (i > 1 ? "," : ""), esc(names[i]), st[i],
				(names[i] in secs) ? secs[names[i]] : "null", esc(dirs[i])
		printf "\n  ],\n  \"counts\": {"
		split("pass fail skip xfail timeout", k, " ")
		for (i = 1; i <= 5; i++) printf "%s\"%s\": %d", (i > 1 ? ", " : ""), k[i], count[k[i]] + 0
		printf "}\n}\n" }' >"$logs/results.json.tmp"
if ! R_VERDICT=$([ "$failed" -eq 0 ] && [ "$problems" -eq 0 ] && echo pass || echo fail) \
R_PROBLEMS=$(printf '%s\n' "${problem_msgs[@]}") R_PATCHSET=$(patchset_hash "$applied") \
R_PATCHES=$(awk '{print $2}' "$applied" 2>/dev/null || true) \
R_ACCEL=$(sed -n 's/.* -accel \([a-z]*\) .*/\1/p' "$logs/qemu.cmd" 2>/dev/null || true) \
R_BUILD=$(flavour_dir "$FLAVOUR")/obj/build.json R_FILE=$logs/results.json python3 -c '
import datetime, json, os
e = os.environ
with open(e["R_FILE"] + ".tmp") as f:
    r = json.load(f)
r.update(verdict=e["R_VERDICT"], problems=[p for p in e["R_PROBLEMS"].split("\n") if p],
         patchset_hash=e["R_PATCHSET"], patches=e["R_PATCHES"].split(), accel=e["R_ACCEL"],
         finished=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
try:
    with open(e["R_BUILD"]) as f:
        r["build"] = json.load(f)
except (OSError, ValueError):
    pass
with open(e["R_FILE"], "w") as f:
    json.dump(r, f, indent=1)
    f.write("\n")
'; then
	say "could not write $logs/results.json"
fi
rm -f "$logs/results.json.tmp"
# And build/results.json, every run's results together (scripts/summary.py).
BUILD_DIR=$BUILD_DIR python3 "$TOP/scripts/summary.py" --json || say "could not write $BUILD_DIR/results.json"

line="$passed passed, $failed failed, $skipped skipped"
[ "$xfail" -gt 0 ] && line+=", $xfail expected failures"
[ "$LIST" = tests ] || line+=", test/$LIST.list"
echo "$line ($FLAVOUR kernel)"
[ "$failed" -eq 0 ] && [ "$problems" -eq 0 ]
