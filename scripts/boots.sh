#!/usr/bin/env bash
# Stage "boot", for every test list a run boots: scripts/boot.sh once per list of
# scripts/suites.sh (SUITES, the lists with a test matching TESTS), BOOT_JOBS guests at a time.
# Under TCG a guest keeps about one of the machine's cores busy, so with BOOT_JOBS=2 (default) the
# first list (test/tests.list, the longest) boots at once with its results shown as they come,
# and the other lists boot one after another beside it, each with its output held in
# LOGS/boot.out and shown when the first list is done (in list order, as each ends). BOOT_JOBS=1:
# one list after another, every one shown as it comes. More than 2 share the other lists among
# BOOT_JOBS - 1 lanes beside the first.
# Input: what scripts/boot.sh reads; BOOT_JOBS. Output: each list's logs (scripts/boot.sh).
# Fails when any boot failed, naming the lists, after every boot has ended.
set -euo pipefail
STAGE=boot
. "$(dirname "$0")/lib.sh"

jobs=${BOOT_JOBS:-2}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "BOOT_JOBS=$jobs: a number of guests, 1 or more"
found=$("$TOP/scripts/suites.sh")
mapfile -t lists <<<"$found"
dir=$(flavour_dir "${FLAVOUR:-patched}")
failed=()

# A list's held output and status of an earlier run go first.
for l in "${lists[@]}"; do rm -f "$(logs_dir "$dir" "$l")/boot.out" "$(logs_dir "$dir" "$l")/boot.out.rc"; done
if [ "$jobs" -eq 1 ] || [ ${#lists[@]} -eq 1 ]; then
	for l in "${lists[@]}"; do
		LIST=$l "$TOP/scripts/boot.sh" || failed+=("test/$l.list")
	done
	[ ${#failed[@]} -eq 0 ] || die "the boot of ${failed[*]} failed (above)"
	exit 0
fi

# Lanes 1 .. jobs-1 take the other lists in turn; each list's output and exit status go to its
# logs directory.
lanes=$((jobs - 1))
[ "$lanes" -lt $((${#lists[@]} - 1)) ] || lanes=$((${#lists[@]} - 1))
out() { printf '%s/boot.out\n' "$(logs_dir "$dir" "$1")"; }
pids=()
declare -A lane_of=()
# Each lane is a process group of its own (set -m), so that stopping the stage (an error, make
# interrupted) stops its boot.sh, whose exit stops its guest.
# The first list's boot.sh runs in the background too, waited for: a signal to this script is
# handled at once, not when that boot ends.
fg=
stop_lanes() {
	for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done
	[ -z "$fg" ] || kill "$fg" 2>/dev/null || true
}
trap stop_lanes EXIT
trap 'exit 130' INT TERM
for ((lane = 0; lane < lanes; lane++)); do
	mine=()
	for ((i = 1 + lane; i < ${#lists[@]}; i += lanes)); do mine+=("${lists[$i]}"); done
	for l in "${mine[@]}"; do
		lane_of[$l]=$lane
		mkdir -p "$(dirname "$(out "$l")")"
	done
	set -m
	(
		for l in "${mine[@]}"; do
			rc=0
			LIST=$l "$TOP/scripts/boot.sh" >"$(out "$l")" 2>&1 </dev/null || rc=$?
			echo "$rc" >"$(out "$l").rc.tmp"
			mv "$(out "$l").rc.tmp" "$(out "$l").rc"
		done
	) &
	pids+=($!)
	set +m
done
say "booting test/${lists[0]}.list; beside it: $(printf 'test/%s.list ' "${lists[@]:1}")(their output follows)"
LIST=${lists[0]} "$TOP/scripts/boot.sh" &
fg=$!
wait "$fg" || failed+=("test/${lists[0]}.list")
fg=
for l in "${lists[@]:1}"; do
	f=$(out "$l")
	# A lane that ended without the list's status (killed) fails it.
	while [ ! -f "$f.rc" ] && kill -0 "${pids[${lane_of[$l]}]}" 2>/dev/null; do sleep 2; done
	say "test/$l.list (booted beside test/${lists[0]}.list):"
	cat "$f" 2>/dev/null || true
	if [ ! -f "$f.rc" ]; then
		say "the boot of test/$l.list ended without a status"
		failed+=("test/$l.list")
	elif [ "$(cat "$f.rc")" != 0 ]; then
		failed+=("test/$l.list")
	fi
done
wait || true
trap - EXIT
[ ${#failed[@]} -eq 0 ] || die "the boot of ${failed[*]} failed (above)"
