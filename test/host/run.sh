#!/usr/bin/env bash
# The harness's host-side tests: run every test/host/t-*.sh and print KTAP, then a summary line.
#   test/host/run.sh [GLOB]
set -euo pipefail
cd "$(dirname "$0")"
shopt -s nullglob
# shellcheck disable=SC2206 # the argument is a glob
tests=(t-${1:-*}.sh)
[ ${#tests[@]} -gt 0 ] || { echo "no host tests match '${1:-*}'" >&2; exit 1; }
echo "KTAP version 1"
echo "1..${#tests[@]}"
n=0 passed=0 failed=0 skipped=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	name=${t#t-}
	name=harness/${name%.sh}
	rc=0
	start=$(date +%s)
	bash "$t" 2>&1 | sed 's/^/    /' || rc=${PIPESTATUS[0]}
	echo "# $name: $(( $(date +%s) - start )) s"
	case $rc in
	0) echo "ok $n $name"; passed=$((passed + 1)) ;;
	4) echo "ok $n $name # SKIP"; skipped=$((skipped + 1)) ;;
	*) echo "not ok $n $name"; failed=$((failed + 1)) ;;
	esac
done
echo "$passed passed, $failed failed, $skipped skipped (harness tests)"
[ "$failed" -eq 0 ]
