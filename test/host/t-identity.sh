#!/usr/bin/env bash
# One command re-authors the series: From: and Signed-off-by: of the project identity change,
# other lines (and other people's tags) do not; a malformed identity is refused.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# A copy of the repository's scripts and data, so the real patches are never touched.
mkdir -p "$HT_TMP/repo/patches"
cp -r "$HT_TOP/scripts" "$HT_TOP/conf" "$HT_TMP/repo/"
old=$(cat "$HT_TOP/conf/identity")
cat >"$HT_TMP/repo/patches/0001-x.patch" <<EOP
From: $old
Subject: [PATCH] x

Reviewed-by: Someone Else <else@example.org>
Signed-off-by: $old
---
 a | 1 +
EOP
s=$HT_TMP/repo/scripts/identity.sh
expect_fail "a malformed identity" "usage" "$s" "no address"
expect_ok "re-author as Jane Doe" "$s" "Jane Doe <jane@example.com>"
p=$HT_TMP/repo/patches/0001-x.patch
if grep -qx "From: Jane Doe <jane@example.com>" "$p" && grep -qx "Signed-off-by: Jane Doe <jane@example.com>" "$p" &&
	grep -qx "Reviewed-by: Someone Else <else@example.org>" "$p" && ! grep -qF "$old" "$p"; then
	pass "From: and Signed-off-by: changed, other tags kept"
else
	fail "patch after rewrite:"; sed 's/^/#   | /' "$p"
fi
if [ "$(cat "$HT_TMP/repo/conf/identity")" = "Jane Doe <jane@example.com>" ]; then
	pass "conf/identity records the new identity"
else
	fail "conf/identity: $(cat "$HT_TMP/repo/conf/identity")"
fi
ht_exit
