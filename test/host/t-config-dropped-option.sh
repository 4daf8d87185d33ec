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
# A later fragment overrides an earlier one (kernel-config/modules.config turns base.config's =y
# into =m): only the last value asked for is checked, and it is checked.
printf 'CONFIG_64BIT=y\nCONFIG_MODULES=y\n' >"$HT_TMP/first.config"
printf '# CONFIG_MODULES is not set\n' >"$HT_TMP/later.config"
FLAVOUR=pristine FRAGMENTS="$HT_TMP/first.config $HT_TMP/later.config" \
	expect_ok "a later fragment's value wins" "$HT_TOP/scripts/config.sh"
if grep -qx 'CONFIG_MODULES=y' "$BUILD_DIR/pristine/obj/.config"; then
	fail "CONFIG_MODULES=y in .config after a later fragment unset it"
else
	pass "the later fragment's value is in .config"
fi
printf 'CONFIG_KASAN=y\n' >"$HT_TMP/later.config"
FLAVOUR=pristine FRAGMENTS="$HT_TMP/first.config $HT_TMP/later.config" \
	expect_fail "a later fragment's dropped option" "requested CONFIG_KASAN=y" \
	"$HT_TOP/scripts/config.sh"
ht_exit
