#!/usr/bin/env bash
# Without root, a missing package is a clear message naming it (and nothing is installed).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v setpriv >/dev/null || { echo "# SKIP: no setpriv"; exit 4; }
printf 'make build\nharness-test-no-such-package test\n' >"$HT_TMP/packages"
chmod -R a+rX "$HT_TMP"
PACKAGES_FILE=$HT_TMP/packages expect_fail "a missing package as a user" \
	"missing packages: harness-test-no-such-package" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$HT_TOP/scripts/deps.sh"
printf 'make build\n' >"$HT_TMP/packages"
PACKAGES_FILE=$HT_TMP/packages expect_ok "nothing missing as a user" setpriv --reuid=65534 --regid=65534 \
	--clear-groups "$HT_TOP/scripts/deps.sh"
start=$(date +%s%N)
"$HT_TOP/scripts/deps.sh"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# a second deps run with everything present took $ms ms"
if [ "$ms" -lt 1000 ]; then
	pass "deps is cheap when all is present"
else
	fail "deps took $ms ms"
fi
ht_exit
