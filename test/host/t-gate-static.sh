#!/usr/bin/env bash
# The static-analysis gates fail on a series that adds a finding, naming the file, the finding
# and the patch, and the sparse and W=1 gates pass on one that adds only the other kind:
#  - a plain 0 for a NULL pointer in mm/memremap.c is a sparse warning (not a compiler one);
#  - a file-scope unused const in the same file a W=1 warning (-Wunused-const-variable);
#  - "pgmap && pgmap && ..." a coccinelle report (tests/doubletest.cocci).
# Each series is one patch against pristine v7.2.8, so each gate run checks one file per tree,
# configured like the real pristine build.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

real=$HT_REAL_BUILD/pristine
[ -f "$real/obj/mm/memremap.o" ] ||
	{ echo "# SKIP: no built pristine kernel in $HT_REAL_BUILD (run 'make pristine')"; exit 4; }
# The pristine tree: a hard-linked copy (apply.sh copies it again and patches by rename, so the
# real tree's contents are never written).
mkdir -p "$BUILD_DIR/pristine"
cp -al "$real/linux-$LINUX_VERSION" "$BUILD_DIR/pristine/linux-$LINUX_VERSION"
cp "$real/source.stamp" "$BUILD_DIR/pristine/"
export PATCH_DIR=$HT_TMP/patches SERIES=$HT_TMP/series FLAVOUR=patched
export GATE_PRISTINE_OBJ=$real/obj GATE_PATCHED_OBJ=$real/obj
mkdir -p "$PATCH_DIR"
f=mm/memremap.c
orig=$BUILD_DIR/pristine/linux-$LINUX_VERSION/$f

# series SED-SCRIPT: the series = one patch applying SED-SCRIPT to $f, applied to the patched tree.
series() {
	sed "$1" "$orig" >"$HT_TMP/new.c"
	cmp -s "$orig" "$HT_TMP/new.c" && { fail "'$1' does not change $f"; ht_exit; }
	{
		printf 'From: %s\nSubject: [PATCH] gate test\n\ngate test\n---\n' "$(cat "$HT_TOP/conf/identity")"
		printf 'diff --git a/%s b/%s\n' "$f" "$f"
		diff -u --label "a/$f" --label "b/$f" "$orig" "$HT_TMP/new.c" || true
	} >"$PATCH_DIR/9999-gate-test.patch"
	echo 9999-gate-test.patch >"$SERIES"
	"$HT_TOP/scripts/apply.sh" >/dev/null 2>&1 || { fail "the test patch does not apply"; ht_exit; }
}

series 's/^\t\tpgmap = NULL;$/\t\tpgmap = 0;/'
expect_fail "a plain integer as NULL pointer: gate-sparse" \
	"^    $f:[0-9]+:[0-9]+: warning: Using plain integer as NULL pointer" "$HT_TOP/scripts/gate-sparse.sh"
expect_fail "a plain integer as NULL pointer: gate-sparse names the patch" \
	"^      from: 9999-gate-test.patch\$" "$HT_TOP/scripts/gate-sparse.sh"
expect_ok "a plain integer as NULL pointer: gate-w1 (no compiler warning)" "$HT_TOP/scripts/gate-w1.sh"

series 's/^static DEFINE_XARRAY(pgmap_array);$/&\nstatic const int gate_test_unused = 1;/'
expect_fail "an unused const variable: gate-w1" \
	"^    $f:[0-9]+:[0-9]+: warning: .gate_test_unused. defined but not used \[-Wunused-const-variable" \
	"$HT_TOP/scripts/gate-w1.sh"
expect_ok "an unused const variable: gate-sparse (no sparse warning)" "$HT_TOP/scripts/gate-sparse.sh"

series 's/^\tif (pgmap && !percpu_ref_tryget_live_rcu/\tif (pgmap \&\& pgmap \&\& !percpu_ref_tryget_live_rcu/'
expect_fail "a duplicated test: gate-cocci" \
	"^    $f:[0-9]+:[0-9]+-[0-9]+: duplicated argument to && or \|\|" "$HT_TOP/scripts/gate-cocci.sh"
ht_exit
