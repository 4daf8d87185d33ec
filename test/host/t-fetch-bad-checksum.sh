#!/usr/bin/env bash
# A tarball with the wrong checksum is refused with a clear message and never used.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

# The pinned tarball in the download cache, corrupted: refused, moved aside, not extracted.
mkdir -p "$DOWNLOAD_DIR"
echo "not a kernel" >"$DOWNLOAD_DIR/$LINUX_TARBALL"
expect_fail "corrupted pinned tarball" "sha256 mismatch.*refused" "$HT_TOP/scripts/fetch.sh"
if [ ! -e "$DOWNLOAD_DIR/$LINUX_TARBALL" ] && [ -f "$DOWNLOAD_DIR/$LINUX_TARBALL.bad" ]; then
	pass "the bad file was moved to .bad"
else
	fail "the bad file is still where the next stage would use it"
fi
expect_fail "unpack after the refusal" "no source tarball" "$HT_TOP/scripts/unpack.sh"
if [ ! -d "$BUILD_DIR/pristine/linux-$LINUX_VERSION" ]; then
	pass "no tree was extracted"
else
	fail "a tree was extracted from a refused tarball"
fi

# A user's own tarball with a wrong KERNEL_SHA256: refused, and the user's file is left alone.
echo "also not a kernel" >"$HT_TMP/mine.tar.xz"
KERNEL_TARBALL=$HT_TMP/mine.tar.xz KERNEL_SHA256=0000 \
	expect_fail "user tarball with a wrong KERNEL_SHA256" "sha256 mismatch.*refused" "$HT_TOP/scripts/fetch.sh"
if [ -f "$HT_TMP/mine.tar.xz" ]; then
	pass "the user's file is untouched"
else
	fail "the user's file was moved or deleted"
fi

# ndctl's pinned tarball, corrupted: its stage refuses it the same way and builds nothing.
echo "not ndctl" >"$DOWNLOAD_DIR/$NDCTL_DEB_TARBALL"
expect_fail "corrupted ndctl tarball" "sha256 mismatch.*refused" "$HT_TOP/scripts/ndctl.sh"
if [ ! -e "$DOWNLOAD_DIR/$NDCTL_DEB_TARBALL" ] && [ -f "$DOWNLOAD_DIR/$NDCTL_DEB_TARBALL.bad" ] &&
	[ ! -d "$BUILD_DIR/ndctl" ]; then
	pass "the bad ndctl tarball was moved to .bad, nothing was built"
else
	fail "the bad ndctl tarball is still in place, or a build was started"
fi
ht_exit
