#!/usr/bin/env bash
# The bounded bisect gate names the patch that breaks the build in the middle of a series, both
# when a later patch repairs it (the per-patch compile catches it) and when the whole series
# fails (the full build fails and the gate finds the first patch after which it does).
# Builds a real kernel (x86_64 only) in a temporary directory: a few minutes with a warm ccache.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

real=$HT_REAL_BUILD/pristine/linux-$LINUX_VERSION
[ -f "$real/Makefile" ] || { echo "# SKIP: no pristine tree at $real (make unpack)"; exit 4; }
mkdir -p "$BUILD_DIR/pristine"
cp -al "$real" "$BUILD_DIR/pristine/"
cp "$HT_REAL_BUILD/pristine/source.stamp" "$BUILD_DIR/pristine/"
export PATCH_DIR=$HT_TMP/patches SERIES=$HT_TMP/series GATE_BUILD_CONFIGS=x86_64
mkdir -p "$PATCH_DIR" "$HT_TMP/v"

# Successive versions of mm/memremap.c, and patches between them.
f=mm/memremap.c
cp "$real/$f" "$HT_TMP/v/0"
sed '1a\/* gate test: a harmless comment */' "$HT_TMP/v/0" >"$HT_TMP/v/1"
sed '2a\int gate_test_broken = ;' "$HT_TMP/v/1" >"$HT_TMP/v/2"
sed '3d' "$HT_TMP/v/2" >"$HT_TMP/v/3-repair"
sed '1a\/* gate test: another comment */' "$HT_TMP/v/2" >"$HT_TMP/v/3-unrelated"
mkdiff() { # NAME OLD NEW
	{
		printf 'From: T <t@example.org>\nSubject: [PATCH] %s\n\nSigned-off-by: T <t@example.org>\n---\n' "$1"
		diff -u --label "a/$f" --label "b/$f" "$HT_TMP/v/$2" "$HT_TMP/v/$3" || true
	} >"$PATCH_DIR/$1"
}
mkdiff 0001-comment.patch 0 1
mkdiff 0002-break.patch 1 2
mkdiff 0003-repair.patch 2 3-repair
mkdiff 0003-unrelated.patch 2 3-unrelated

printf '0001-comment.patch\n0002-break.patch\n0003-repair.patch\n' >"$SERIES"
expect_fail "a patch that breaks the build, repaired by the next one" \
	"patch 2/3 0002-break.patch does not build \(x86_64" "$HT_TOP/scripts/gate-build.sh"

printf '0001-comment.patch\n0002-break.patch\n0003-unrelated.patch\n' >"$SERIES"
expect_fail "a patch that breaks the build for good" \
	"patch 2/3 0002-break.patch does not build \(x86_64" "$HT_TOP/scripts/gate-build.sh"
ht_exit
