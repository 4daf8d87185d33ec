#!/usr/bin/env bash
# A tarball with the wrong checksum is refused with a clear message and never used.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

# The pinned tarball in the download cache, corrupted: refused, moved aside, not extracted.
mkdir -p "$DOWNLOAD_DIR"
echo "not a kernel" >"$DOWNLOAD_DIR/$LINUX_TARBALL"
expect_fail "corrupted pinned tarball" "sha256 mismatch.*refused" "$HT_TOP/scripts/fetch.sh"
[ ! -e "$DOWNLOAD_DIR/$LINUX_TARBALL" ] && [ -f "$DOWNLOAD_DIR/$LINUX_TARBALL.bad" ] &&
	pass "the bad file was moved to .bad" || fail "the bad file is still where the next stage would use it"
expect_fail "unpack after the refusal" "no source tarball" "$HT_TOP/scripts/unpack.sh"
[ ! -d "$BUILD_DIR/pristine/linux-$LINUX_VERSION" ] && pass "no tree was extracted" ||
	fail "a tree was extracted from a refused tarball"

# A user's own tarball with a wrong KERNEL_SHA256: refused, and the user's file is left alone.
echo "also not a kernel" >"$HT_TMP/mine.tar.xz"
KERNEL_TARBALL=$HT_TMP/mine.tar.xz KERNEL_SHA256=0000 \
	expect_fail "user tarball with a wrong KERNEL_SHA256" "sha256 mismatch.*refused" "$HT_TOP/scripts/fetch.sh"
[ -f "$HT_TMP/mine.tar.xz" ] && pass "the user's file is untouched" || fail "the user's file was moved or deleted"
ht_exit
