#!/usr/bin/env bash
# The harness's host-side tests: run every test/host/t-*.sh and print KTAP, then a summary line.
#   test/host/run.sh [GLOB]
# HOST_JOBS (default 2) tests run at once, each in its own temporary BUILD_DIR (lib.sh; the
# checkout's build/ and downloads/ are only read); each one's output is shown whole, in name
# order, when it has ended.
set -euo pipefail
cd "$(dirname "$0")"
shopt -s nullglob
# shellcheck disable=SC2206 # the argument is a glob
tests=(t-${1:-*}.sh)
[ ${#tests[@]} -gt 0 ] || { echo "no host tests match '${1:-*}'" >&2; exit 1; }
jobs=${HOST_JOBS:-2}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "HOST_JOBS=$jobs: a number of tests, 1 or more" >&2; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/host-tests.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
# start I: test I in the background; its output and "RC SECONDS" go to $out/I and $out/I.rc.
start() {
	(
		s=$(date +%s) rc=0
		bash "${tests[$1]}" >"$out/$1" 2>&1 </dev/null || rc=$?
		echo "$rc $(($(date +%s) - s))" >"$out/$1.rc.tmp"
		mv "$out/$1.rc.tmp" "$out/$1.rc"
	) &
}
started=0
# fill: start tests while fewer than HOST_JOBS run.
fill() {
	while [ "$started" -lt ${#tests[@]} ] && [ "$(jobs -rp | wc -l)" -lt "$jobs" ]; do
		start "$started"
		started=$((started + 1))
	done
}
echo "KTAP version 1"
echo "1..${#tests[@]}"
passed=0 failed=0 skipped=0
for i in "${!tests[@]}"; do
	fill
	while [ ! -f "$out/$i.rc" ]; do
		sleep 0.5
		fill
	done
	name=${tests[$i]#t-}
	name=harness/${name%.sh}
	read -r rc secs <"$out/$i.rc"
	sed 's/^/    /' "$out/$i"
	echo "# $name: $secs s"
	n=$((i + 1))
	case $rc in
	0) echo "ok $n $name"; passed=$((passed + 1)) ;;
	4) echo "ok $n $name # SKIP"; skipped=$((skipped + 1)) ;;
	*) echo "not ok $n $name"; failed=$((failed + 1)) ;;
	esac
done
wait
echo "$passed passed, $failed failed, $skipped skipped (harness tests)"
[ "$failed" -eq 0 ]
