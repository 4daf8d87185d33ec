# shellcheck shell=dash
# KTAP output for the guest's shell tests (busybox sh), the shell twin of ktap.h.
# A test sources this, calls ktap_plan N, then ktap_ok/ktap_fail/ktap_skip per subtest, and
# ends with ktap_exit.

ktap_nr=0 ktap_failed=0 ktap_passed=0 ktap_skipped=0 ktap_planned=

ktap_plan() { ktap_planned=$1; echo "KTAP version 1"; echo "1..$1"; }
ktap_print() { echo "# $*"; }
ktap_ok() { ktap_nr=$((ktap_nr + 1)) ktap_passed=$((ktap_passed + 1)); echo "ok $ktap_nr $*"; }
ktap_fail() { ktap_nr=$((ktap_nr + 1)) ktap_failed=$((ktap_failed + 1)); echo "not ok $ktap_nr $*"; }
ktap_skip() { ktap_nr=$((ktap_nr + 1)) ktap_skipped=$((ktap_skipped + 1)); echo "ok $ktap_nr $1 # SKIP $2"; }
# ktap_xfail NAME WHY: a check known to fail, for the reason WHY (a documented limitation); it
# neither passes nor fails the test ("ok ... # XFAIL", as kselftest's ktap_test_xfail writes it).
# Use it only with the check itself run and its failure seen.
ktap_xfail() { ktap_nr=$((ktap_nr + 1)); echo "ok $ktap_nr $1 # XFAIL $2"; }
# ktap_check NAME CMD...: one subtest that passes when CMD succeeds (its output is shown).
ktap_check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		[ -n "$out" ] && echo "$out" | sed 's/^/# /'
		ktap_ok "$name"
	else
		echo "$out" | sed 's/^/# /'
		ktap_print "command failed: $*"
		ktap_fail "$name"
	fi
}
# ktap_dmesg_mark: remember where the kernel log ends. ktap_dmesg_clean NAME: one subtest that
# passes when the kernel has logged no warning, oops, bad-page or bad-page-table report since
# the mark.
# The mark also re-arms the kernel's WARN_ONCE()s (debugfs clear_warn_once), so that a warning the
# test causes is printed even when an earlier test of the same boot caused it first.
ktap_dmesg_mark() {
	[ ! -w /sys/kernel/debug/clear_warn_once ] || echo 1 >/sys/kernel/debug/clear_warn_once
	ktap_log_start=$(dmesg | wc -l)
}
ktap_dmesg_clean() {
	splats=$(dmesg | tail -n +"$((ktap_log_start + 1))" |
		grep -E 'BUG|WARNING|Oops|bad page|bad p(gd|4d|ud|md)|refcount' || true)
	if [ -z "$splats" ]; then
		ktap_ok "$1"
	else
		echo "$splats" | head -n 20 | sed 's/^/# kernel: /'
		ktap_fail "$1"
	fi
}
ktap_bail() { echo "Bail out! $*"; exit 1; }
ktap_exit() {
	if [ -n "$ktap_planned" ] && [ "$ktap_nr" -ne "$ktap_planned" ]; then
		echo "# planned $ktap_planned subtests, $ktap_nr reported"
		exit 1
	fi
	[ "$ktap_failed" -gt 0 ] && exit 1
	[ "$ktap_passed" -eq 0 ] && [ "$ktap_skipped" -gt 0 ] && exit 4
	exit 0
}

# wait_for SECS CMD...: poll CMD every 0.2 s for up to SECS seconds; fails if it never succeeds.
wait_for() {
	tries=$(($1 * 5))
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.2
	done
}
# gone PID: the process has exited.
gone() { ! kill -0 "$1" 2>/dev/null; }
