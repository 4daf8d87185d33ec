#!/usr/bin/env bash
# A full disk under the build directory: unpack fails naming the cause, leaves no tree and no
# stamp that a later stage could take for a good one, and once there is room again the next run
# starts over cleanly. The build directory is a small tmpfs (needs root; skipped otherwise).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

real_downloads=$HT_REAL_DOWNLOADS
tarball=$real_downloads/$LINUX_TARBALL
if [ ! -f "$tarball.verified" ]; then
	echo "# SKIP: no verified $LINUX_TARBALL in $real_downloads (run 'make fetch')"
	exit 4
fi
small=$HT_TMP/small
mkdir -p "$small"
if ! mount -t tmpfs -o size=64m tmpfs "$small" 2>/dev/null; then
	echo "# SKIP: cannot mount a tmpfs (not root?)"
	exit 4
fi
trap 'umount "$small" 2>/dev/null; rm -rf "$HT_TMP"' EXIT
export BUILD_DIR=$small/build DOWNLOAD_DIR=$real_downloads
tree=$BUILD_DIR/pristine/linux-$LINUX_VERSION

expect_fail "unpack into a full build directory" "extracting .* failed" "$HT_TOP/scripts/unpack.sh"
out=$("$HT_TOP/scripts/unpack.sh" 2>&1 || true)
if grep -q "No space left on device" <<<"$out"; then
	pass "the cause is named: $(grep -m1 'No space left' <<<"$out")"
else
	fail "no 'No space left on device' in: $(tail -n 3 <<<"$out")"
fi
if [ ! -e "$tree" ] && [ ! -e "$BUILD_DIR/pristine/source.stamp" ]; then
	pass "no tree and no stamp were left for the next stage"
else
	fail "a tree or a stamp was left behind: $(ls "$BUILD_DIR/pristine")"
fi
expect_fail "apply after the failed unpack" "no pristine tree" "$HT_TOP/scripts/apply.sh"

mount -o remount,size=4g "$small"
expect_ok "unpack once there is room" "$HT_TOP/scripts/unpack.sh"
if [ -f "$tree/Makefile" ] && [ ! -e "$tree.tmp" ]; then
	pass "the next run extracted a whole tree and cleaned up the partial one"
else
	fail "after the second unpack: $(ls "$BUILD_DIR/pristine")"
fi
ht_exit
