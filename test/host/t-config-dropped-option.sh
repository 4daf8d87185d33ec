#!/usr/bin/env bash
# A fragment option that kconfig drops (a dependency is missing) fails the config stage, naming it.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

real=$HT_REAL_BUILD/pristine/linux-$LINUX_VERSION
[ -f "$real/Makefile" ] || { echo "# SKIP: no pristine tree in $HT_REAL_BUILD (run 'make unpack')"; exit 4; }
mkdir -p "$BUILD_DIR/pristine"
ln -s "$real" "$BUILD_DIR/pristine/linux-$LINUX_VERSION"
# tinyconfig selects SLUB_TINY, which KASAN depends on being off: KASAN=y is dropped.
printf 'CONFIG_64BIT=y\nCONFIG_KASAN=y\n' >"$HT_TMP/bad.config"
FLAVOUR=pristine FRAGMENTS=$HT_TMP/bad.config \
	expect_fail "a dropped option" "requested CONFIG_KASAN=y, got: (# CONFIG_KASAN is not set|absent)" \
	"$HT_TOP/scripts/config.sh"
if [ ! -f "$BUILD_DIR/pristine/obj/config.stamp" ]; then
	pass "the config is not marked done"
else
	fail "config.stamp written for a bad config"
fi
printf 'CONFIG_64BIT=y\n' >"$HT_TMP/good.config"
FLAVOUR=pristine FRAGMENTS=$HT_TMP/good.config expect_ok "a satisfiable fragment" "$HT_TOP/scripts/config.sh"
ht_exit
