#!/usr/bin/env bash
# The kernel-doc gate passes on the real series and fails, naming the patch and the problem, when a
# patch adds a kernel-doc warning (a renamed parameter in a series patch; a new function in an
# existing header, whose old warnings and shifted line numbers must not count) or a header function
# without kernel-doc (a series patch's "/**" made "/*"; a new header; a prototype whose .c
# definition has none); a documented new header, and a prototype documented at its definition, pass.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

real=$HT_REAL_BUILD/pristine/linux-$LINUX_VERSION
[ -x "$real/scripts/kernel-doc" ] || { echo "# SKIP: no pristine tree in $HT_REAL_BUILD (run 'make unpack')"; exit 4; }
mkdir -p "$BUILD_DIR/pristine"
ln -s "$real" "$BUILD_DIR/pristine/linux-$LINUX_VERSION"

gate=$HT_TOP/scripts/gate-kerneldoc.sh
export PATCH_DIR=$HT_TMP/patches SERIES=$HT_TMP/series
# fresh: a copy of the real series to break.
fresh() { rm -rf "$PATCH_DIR"; cp -r "$HT_TOP/patches" "$PATCH_DIR"; cp "$HT_TOP/series" "$SERIES"; }
# addpatch PATH OLD NEW: a series of one patch, 9999-gate-test.patch, changing PATH from OLD
# (/dev/null: a new file) to NEW (the real series runs in the first case; this keeps the test short).
addpatch() {
	{
		printf 'From: %s\nSubject: [PATCH] gate test\n\ngate test\n---\n' "$(cat "$HT_TOP/conf/identity")"
		printf 'diff --git a/%s b/%s\n' "$1" "$1"
		diff -u --label "$([ "$2" = /dev/null ] && echo /dev/null || echo "a/$1")" --label "b/$1" "$2" "$3" || true
	} >"$PATCH_DIR/9999-gate-test.patch"
	echo 9999-gate-test.patch >"$SERIES"
}

fresh
expect_ok "the real series" "$gate"

# The first series patch that adds a documented function to a header: the line of the "/**" of
# that function's comment, its name, its first parameter and that parameter's line.
mapfile -t list < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HT_TOP/series" | awk '{print $1}')
p='' ln='' name='' param='' pl=''
for q in "${list[@]}"; do
	read -r ln name param pl < <(awk '/^\+\+\+ / { h = $2 ~ /\.h$/ }
		h && prev ~ /^\+\/\*\*$/ && match($0, /^\+ \* [A-Za-z_][A-Za-z0-9_]*\(\) -/) { l = NR - 1; n = substr($0, 5, RLENGTH - 8) }
		h && l && match($0, /^\+ \* @[a-z_]+:/) { print l, n, substr($0, 6, RLENGTH - 6), NR; exit } { prev = $0 }' \
		"$HT_TOP/patches/$q") || true
	[ -z "$ln" ] || { p=$q; break; }
done
if [ -z "$p" ]; then
	fail "no patch of the series documents a header function; the first two cases need one"
else
	fresh; sed -i "${pl}s/^+ \* @$param:/+ * @${param}_typo:/" "$PATCH_DIR/$p"
	expect_fail "a renamed kernel-doc parameter" "$p: new kernel-doc warning: .*parameter '$param' not described in '$name'" "$gate"
	fresh; sed -i "${ln}s|^+/\*\*\$|+/*|" "$PATCH_DIR/$p"
	expect_fail "a new header function without kernel-doc" "$p: .*\.h: $name\(\) is new and has no kernel-doc comment" "$gate"
fi

# A new header: an undocumented function fails, a documented one passes.
h=include/linux/gate_test.h
cat >"$HT_TMP/new.h" <<'EOF'
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_GATE_TEST_H
#define _LINUX_GATE_TEST_H

static inline int gate_test_twice(int x)
{
	return 2 * x;
}

#endif /* _LINUX_GATE_TEST_H */
EOF
fresh; addpatch "$h" /dev/null "$HT_TMP/new.h"
expect_fail "a new header with an undocumented function" \
	"9999-gate-test.patch: $h: gate_test_twice\(\) is new and has no kernel-doc comment" "$gate"
doc='/**\n * gate_test_twice() - Double a number.\n * @x: The number.\n *\n * Return: 2 * @x.\n */\n'
sed -i "s|^static inline int gate_test_twice|$doc&|" "$HT_TMP/new.h"
fresh; addpatch "$h" /dev/null "$HT_TMP/new.h"
expect_ok "a new header with a documented function" "$gate"
printf 'From: x\nSubject: [PATCH 0/1] x\n\nblurb\n' >"$PATCH_DIR/0000-cover-letter.patch"
sed -i '1i 0000-cover-letter.patch' "$SERIES"
expect_ok "a cover letter (no diff) in series is skipped" "$gate"

# A prototype in a new header, defined in a new .c file: documented at the definition, as the
# kernel does it, it passes; with no comment there it fails.
cat >"$HT_TMP/proto.h" <<'EOF'
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_GATE_TEST_H
#define _LINUX_GATE_TEST_H
int gate_test_thrice(int x);
#endif /* _LINUX_GATE_TEST_H */
EOF
printf '// SPDX-License-Identifier: GPL-2.0\n#include <linux/gate_test.h>\n\nint gate_test_thrice(int x)\n{\n\treturn 3 * x;\n}\n' >"$HT_TMP/proto.c"
# addc: append the new .c file to the test patch.
addc() {
	{
		printf 'diff --git a/lib/gate_test.c b/lib/gate_test.c\n'
		diff -u --label /dev/null --label b/lib/gate_test.c /dev/null "$HT_TMP/proto.c" || true
	} >>"$PATCH_DIR/9999-gate-test.patch"
}
fresh; addpatch include/linux/gate_test.h /dev/null "$HT_TMP/proto.h"; addc
expect_fail "a new prototype whose definition has no kernel-doc" \
	"9999-gate-test.patch: include/linux/gate_test.h: gate_test_thrice\(\) is new and has no kernel-doc comment" "$gate"
doc='/**\n * gate_test_thrice() - Triple a number.\n * @x: The number.\n *\n * Return: 3 * @x.\n */\n'
sed -i "s|^int gate_test_thrice|$doc&|" "$HT_TMP/proto.c"
fresh; addpatch include/linux/gate_test.h /dev/null "$HT_TMP/proto.h"; addc
expect_ok "a new prototype documented at its definition in a .c file" "$gate"

# An existing header with warnings of its own (kref.h: 2 on pristine v7.2.8): a documented function
# inserted at the top, so every old warning moves, with an undescribed parameter: one new warning.
h=include/linux/kref.h
awk '!done && /^#include/ { inc = 1 } inc && !/^#include/ && !done { print "/**\n * kref_gate_test() - A test.\n * @kref: The kref.\n *\n * Return: 0.\n */\nstatic inline int kref_gate_test(struct kref *kref, int extra)\n{\n\treturn 0;\n}\n"; done = 1 } 1' \
	"$real/$h" >"$HT_TMP/kref.h"
fresh; addpatch "$h" "$real/$h" "$HT_TMP/kref.h"
expect_fail "a new kernel-doc warning in an existing header" \
	"9999-gate-test.patch: new kernel-doc warning: $h.*parameter 'extra' not described in 'kref_gate_test'" "$gate"
n=$("$gate" 2>&1 | grep -c 'new kernel-doc warning' || true)
if [ "$n" -eq 1 ]; then
	pass "only the new warning is reported, not the header's old ones at their new line numbers"
else
	fail "expected 1 new warning, got $n:"; "$gate" 2>&1 | sed 's/^/#   | /'
fi
ht_exit
