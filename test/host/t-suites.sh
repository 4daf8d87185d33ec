#!/usr/bin/env bash
# The guest test lists a run boots (scripts/suites.sh): each list with a test matching TESTS, and
# a clear failure when nothing matches, before anything is booted.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

check() { # WHAT TESTS EXPECTED
	local out
	out=$(TESTS=$2 "$HT_TOP/scripts/suites.sh" 2>&1 | paste -sd' ') || true
	if [ "$out" = "$3" ]; then pass "$1: $out"; else fail "$1: expected '$3', got '$out'"; fi
}
check "everything" '*' "tests ndctl nfit"
check "one guest test" 'devdax/diag-2m' "tests"
check "ndctl's tests (on the e820 range and on nfit_test)" 'ndctl/*' "ndctl nfit"
check "one nfit_test test" 'ndctl/libndctl' "nfit"
check "both lists" 'lifetime/*,ndctl/device-dax' "tests ndctl"
SUITES=tests check "SUITES narrows" '*' "tests"
TESTS='devdax/nonesuch' expect_fail "a selection that matches nothing" \
	"no test matches TESTS='devdax/nonesuch'" "$HT_TOP/scripts/suites.sh"
SUITES=nonesuch expect_fail "an unknown list" "no test list .*nonesuch.list" "$HT_TOP/scripts/suites.sh"
ht_exit
