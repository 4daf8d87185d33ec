#!/usr/bin/env bash
# make mbox refuses what would make a wrong posting, naming the cause: an identity that is not
# "Full Name <address>", no benchmark figures for the cover letter, no git-am repository (the
# base commit, short log and diffstat come from it). The full path, a cover letter that passes
# gate-format, is run by `make mbox` itself.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

mbox=$HT_TOP/scripts/mbox.sh
expect_fail "bad identity" 'IDENTITY must be "Full Name <address>"' env IDENTITY="nobody" "$mbox"
expect_fail "no figures" "no benchmark figures .*make bench" "$mbox"
mkdir -p "$BUILD_DIR/bench"
echo "figures" >"$BUILD_DIR/bench/cover-table.txt"
expect_fail "no git-am repository" "no git-am repository .*make git-am" "$mbox"
if [ -e "$BUILD_DIR/mbox" ]; then fail "$BUILD_DIR/mbox exists after the failures"; else pass "nothing written"; fi
ht_exit
