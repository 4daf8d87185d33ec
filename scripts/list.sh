#!/usr/bin/env bash
# make list: the guest tests of each test list of SUITES (default: ARCH_SUITES), as selected by
# TESTS (default: all), one per line: list, name, kind, timeout, and the patches of the series
# that claim it ("tests:" in series; a test of kind patched or xfail-pristine needs all of them).
# Input: test/<suite>.list, series (SERIES). Output: the table on standard output.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"

SERIES=${SERIES:-$TOP/series}
IFS=, read -r -a globs <<<"${TESTS:-*}"
claims=$(series_claims "$SERIES")
printf '%-8s %-32s %-15s %7s  %s\n' list test kind timeout "claimed by"
for suite in ${SUITES:-${ARCH_SUITES//,/ }}; do
	list=$TOP/test/$suite.list
	[ -f "$list" ] || die "no test list $list (SUITES=${SUITES:-})"
	while read -r name kind timeout _; do
		for g in "${globs[@]}"; do
			# shellcheck disable=SC2053 # the test selection is a glob
			[[ $name == $g ]] || continue
			by=$(while read -r patch glob; do
				# shellcheck disable=SC2053
				if [[ $name == $glob ]]; then echo "${patch%%-*}"; fi
			done <<<"$claims" | sort -u | paste -sd, -)
			printf '%-8s %-32s %-15s %6ss  %s\n' "$suite" "$name" "$kind" "$timeout" "${by:--}"
			break
		done
	done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list")
done
