# shellcheck shell=dash
# Background commands with bounded waits, and a page held by devdax_hold, for the lifetime tests
# (after lib/ktap.sh). A command that may get stuck in the kernel (uninterruptibly, where even
# SIGKILL does not end it) is never waited for without a bound: its status arrives in a file
# that is polled for, and a command that never writes it is reported, with every task in the D
# state, and left behind. The shells that wait for them in the background write nothing to the
# test's output: the runner reads it until every writer has gone, and a shell waiting for a
# stuck task would hold it open for ever (pristine v7.2.8: a holder stuck after an oops).

# bg_start TAG CMD...: run CMD in the background; its output goes to /tmp/TAG.out, and when it
# returns, the uptime to /tmp/TAG.end, then its exit status to /tmp/TAG.rc.
bg_start() {
	bg_tag=$1
	shift
	rm -f "/tmp/$bg_tag.out" "/tmp/$bg_tag.rc" "/tmp/$bg_tag.end"
	{
		"$@" >"/tmp/$bg_tag.out" 2>&1
		bg_rc=$?
		cut -d' ' -f1 /proc/uptime >"/tmp/$bg_tag.end"
		echo $bg_rc >"/tmp/$bg_tag.rc"
	} </dev/null >/dev/null 2>&1 &
}

# bg_wait SECS TAG: wait up to SECS seconds for the command of bg_start TAG to return; fails
# (status 125) when it has not. Otherwise returns its exit status.
bg_wait() {
	wait_for "$1" test -s "/tmp/$2.rc" || return 125
	return "$(cat "/tmp/$2.rc")"
}

# bounded SECS TAG CMD...: run CMD with SIGKILL after SECS seconds (timeout -s KILL), its output
# in /tmp/TAG.out; returns its status (137 when killed). When CMD has not returned 5 s after the
# SIGKILL, it is stuck in the kernel: reports that and the D-state tasks, returns 125.
bounded() {
	bd_secs=$1 bd_tag=$2
	shift 2
	bg_start "$bd_tag" timeout -s KILL "$bd_secs" "$@"
	bg_wait $((bd_secs + 5)) "$bd_tag"
	bd_rc=$?
	bd_cmd=$*
	[ ${#bd_cmd} -le 100 ] || bd_cmd="$(echo "$bd_cmd" | cut -c1-96) ..."
	if [ $bd_rc = 125 ] && [ ! -s "/tmp/$bd_tag.rc" ]; then
		ktap_print "'$bd_cmd' did not return within ${bd_secs}s, nor to SIGKILL: stuck in the" \
			"kernel"
		stuck_tasks
	elif [ $bd_rc = 137 ]; then
		ktap_print "'$bd_cmd' did not return within ${bd_secs}s: killed"
	fi
	return $bd_rc
}

# stuck_tasks: print the tasks in uninterruptible sleep (D), with where they sleep.
stuck_tasks() {
	for st_dir in /proc/[0-9]*; do
		st_state=$(sed -n 's/^State:[[:space:]]*//p' "$st_dir/status" 2>/dev/null)
		case $st_state in
		D*) ktap_print "  D: pid ${st_dir#/proc/} $(cat "$st_dir/comm" 2>/dev/null)" \
			"(wchan $(cat "$st_dir/wchan" 2>/dev/null)):" \
			"$(tr '\0' ' ' <"$st_dir/cmdline" 2>/dev/null)" ;;
		esac
	done
}

# hold_start DEV MODE: start /tests/bin/devdax_hold DEV MODE (lifetime/devdax_hold.c) in the
# background and wait (60 s) until it holds its page reference; bails out otherwise. It reads
# its release from fd 3 of this shell. Its output, exit status and end time are those of a
# bg_start job "hold".
hold_start() {
	rm -f /tmp/hold.in /tmp/hold.out /tmp/hold.rc /tmp/hold.end
	mkfifo /tmp/hold.in
	{
		/tests/bin/devdax_hold "$1" "$2" </tmp/hold.in >/tmp/hold.out 2>&1
		hs_rc=$?
		cut -d' ' -f1 /proc/uptime >/tmp/hold.end
		echo $hs_rc >/tmp/hold.rc
	} </dev/null >/dev/null 2>&1 &
	exec 3>/tmp/hold.in
	hold_open=1
	if ! wait_for 60 grep -qs READY /tmp/hold.out; then
		sed 's/^/# holder: /' /tmp/hold.out 2>/dev/null
		hold_release_quiet
		ktap_bail "the holder did not take its reference"
	fi
}

# hold_release_quiet: let the holder go, if it has not been: it reads the page back and drops
# the reference. For an EXIT trap too, so that a test that bails out does not leave the page
# held for the tests after it.
hold_release_quiet() {
	[ -n "${hold_open:-}" ] || return 0
	# In a subshell: a holder that has died would make the write kill this shell (SIGPIPE).
	(echo release >&3) 2>/dev/null
	exec 3>&-
	hold_open=
}

# hold_release SECS: release the page and one KTAP result: the holder reads it back intact and
# exits within SECS seconds.
hold_release() {
	hold_release_quiet
	bg_wait "$1" hold
	hr_rc=$?
	sed 's/^/# holder: /' /tmp/hold.out
	case $hr_rc in
	0) ktap_ok "the referenced page reads back intact" ;;
	2) ktap_fail "the referenced page reads back intact # read through the reference failed" ;;
	3) ktap_fail "the referenced page reads back intact # data mismatch" ;;
	125) ktap_print "the holder did not finish within $1s (stuck in the kernel?)"
		stuck_tasks
		ktap_fail "the referenced page reads back intact" ;;
	*) ktap_fail "the referenced page reads back intact # holder exit $hr_rc" ;;
	esac
}

# since START [END]: seconds from uptime START to END (default: now), two decimals.
since() {
	awk -v a="$1" -v b="${2:-$(cut -d' ' -f1 /proc/uptime)}" 'BEGIN { printf "%.2f", b - a }'
}

# after_release RELEASED ENDFILE: "N s after the release" or "N s before the release".
after_release() {
	awk -v r="$1" -v b="$(cat "$2")" 'BEGIN {
		d = b - r
		printf "%.2fs %s the release", d < 0 ? -d : d, d < 0 ? "before" : "after" }'
}

# bounded_enable_and_map SECS TAG NAME ALIGN: nd_enable_and_map NAME ALIGN (lib/nvdimm.sh) as a
# bounded command: binding an instance can get stuck too.
bounded_enable_and_map() {
	# shellcheck disable=SC2016 # the inner sh expands them
	bounded "$1" "$2" sh -c '. /tests/lib/nvdimm.sh && nd_enable_and_map "$1" "$2"' sh "$3" "$4"
}
