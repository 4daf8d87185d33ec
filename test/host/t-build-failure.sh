#!/usr/bin/env bash
# A failed kernel build ends with a short message naming the flavour, the first compiler
# errors and the full log, and a non-zero exit.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

tree=$BUILD_DIR/patched/linux-$LINUX_VERSION
mkdir -p "$tree" "$BUILD_DIR/patched/obj"
: >"$BUILD_DIR/patched/obj/.config"
# A stand-in kernel Makefile whose bzImage fails like a compiler error does.
printf 'bzImage:\n\t@echo "mm/gup.c:42:1: error: expected ; before }"\n\t@exit 2\n' >"$tree/Makefile"
FLAVOUR=patched CCACHE=0 expect_fail "a failing build" "kernel build of patched failed" "$HT_TOP/scripts/build.sh"
out=$(FLAVOUR=patched CCACHE=0 "$HT_TOP/scripts/build.sh" 2>&1 || true)
if grep -q "first errors:" <<<"$out" && grep -q "mm/gup.c:42:1: error" <<<"$out"; then
	pass "the first error is shown"
else
	fail "no first error in: $out"
fi
if [ -s "$BUILD_DIR/patched/obj/build.log" ]; then
	pass "the full log is kept"
else
	fail "no build.log"
fi
ht_exit
