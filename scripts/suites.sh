#!/usr/bin/env bash
# Which guest test lists a run boots: each of SUITES (default ARCH_SUITES of conf/arch/$ARCH.env,
# "tests ndctl nfit" on x86_64: test/NAME.list, each booted in a guest of its own, conf/guest.NAME.env)
# that has a test matching TESTS, one per line.
# Fails when no test of any of them matches, naming the globs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

IFS=, read -r -a globs <<<"${TESTS:-*}"
any=
for suite in ${SUITES:-${ARCH_SUITES//,/ }}; do
	list=$TOP/test/$suite.list
	[ -f "$list" ] || die "no test list $list (SUITES=${SUITES:-})"
	while read -r name _; do
		for g in "${globs[@]}"; do
			# shellcheck disable=SC2053 # the test selection is a glob
			if [[ $name == $g ]]; then echo "$suite"; any=1; continue 3; fi
		done
	done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list")
done
[ -n "$any" ] || die "no test matches TESTS='${TESTS:-*}' (names: make list)"
