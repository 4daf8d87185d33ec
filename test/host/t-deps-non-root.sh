#!/usr/bin/env bash
# Without root, a missing package is a clear message naming it (and nothing is installed). On a
# host without dpkg, the listed commands are checked instead, naming the missing ones; SKIP_DEPS=1
# skips the stage.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v setpriv >/dev/null || { echo "# SKIP: no setpriv"; exit 4; }
printf 'make build make\nharness-test-no-such-package test -\n' >"$HT_TMP/packages"
chmod -R a+rX "$HT_TMP"
PACKAGES_FILE=$HT_TMP/packages expect_fail "a missing package as a user" \
	"missing packages: harness-test-no-such-package" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$HT_TOP/scripts/deps.sh"
printf 'make build make\n' >"$HT_TMP/packages"
PACKAGES_FILE=$HT_TMP/packages expect_ok "nothing missing as a user" setpriv --reuid=65534 --regid=65534 \
	--clear-groups "$HT_TOP/scripts/deps.sh"
# A host without dpkg: a PATH with what the script needs, and no dpkg-query.
mkdir -p "$HT_TMP/bin"
for c in bash sed awk dirname basename cat make paste; do ln -s "$(command -v "$c")" "$HT_TMP/bin/$c"; done
printf 'make build make\nharness-test-pkg test harness-no-such-cmd\nlibharness-dev build -\n' >"$HT_TMP/packages"
PACKAGES_FILE=$HT_TMP/packages expect_fail "no dpkg: a missing command" \
	"commands are missing: harness-no-such-cmd \(Debian: harness-test-pkg\)" \
	env PATH="$HT_TMP/bin" "$HT_TOP/scripts/deps.sh"
PACKAGES_FILE=$HT_TMP/packages expect_ok "no dpkg: SKIP_DEPS=1 goes on" \
	env PATH="$HT_TMP/bin" SKIP_DEPS=1 "$HT_TOP/scripts/deps.sh"
printf 'make build make\nlibharness-dev build -\n' >"$HT_TMP/packages"
PACKAGES_FILE=$HT_TMP/packages expect_ok "no dpkg: every command there" \
	env PATH="$HT_TMP/bin" "$HT_TOP/scripts/deps.sh"
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
