#!/usr/bin/env bash
# A tarball (or git tree) that is not the pinned version is refused, and nothing is left behind.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

mkdir -p "$HT_TMP/src/linux-7.2.7"
printf 'VERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 7\n' >"$HT_TMP/src/linux-7.2.7/Makefile"
tar -C "$HT_TMP/src" -cJf "$HT_TMP/linux-7.2.7.tar.xz" linux-7.2.7
export KERNEL_TARBALL=$HT_TMP/linux-7.2.7.tar.xz
expect_ok "fetch of a local tarball without a checksum" "$HT_TOP/scripts/fetch.sh"
expect_fail "unpack of 7.2.7" "holds Linux '7.2.7', expected" "$HT_TOP/scripts/unpack.sh"
leftovers=$(find "$BUILD_DIR/pristine" -mindepth 1 -maxdepth 1 2>/dev/null)
if [ -z "$leftovers" ]; then
	pass "no tree and no stamp left behind"
else
	fail "left behind: $leftovers"
fi
ht_exit
