#!/usr/bin/env bash
# The format gate passes on the real series and fails, naming the patch and the problem, on broken
# copies: a patch not in series (and the reverse), a missing Signed-off-by, another From:, wrong
# [PATCH n/N] numbering (within each "## posting" of series), numbered and unnumbered subjects
# in one posting, no changelog, a diffstat that does not match the diff or is missing, a backup
# file and a patch in quilt's format (plain quilt refresh: make refresh is the way); unnumbered
# [PATCH] subjects pass; a cover letter made by git format-patch passes (also for a posting on
# top of others, BASE_PATCHES), one with a wrong diffstat, numbering, unnumbered patches or no
# base-commit fails.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

gate=$HT_TOP/scripts/gate-format.sh
id=$(cat "$HT_TOP/conf/identity")
export PATCH_DIR=$HT_TMP/patches SERIES=$HT_TMP/series
mapfile -t list < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HT_TOP/series" | awk '{print $1}')
N=${#list[@]}
[ "$N" -ge 3 ] || { echo "# SKIP: the series has fewer than 3 patches"; exit 4; }
p2=${list[1]} p3=${list[2]}
# num K: patch number K as git format-patch writes it in a series of N (zero-padded to N's width).
num() { printf '%0*d' ${#N} "$1"; }
# fresh: a copy of the real series to break.
fresh() { rm -rf "$PATCH_DIR"; cp -r "$HT_TOP/patches" "$PATCH_DIR"; cp "$HT_TOP/series" "$SERIES"; }
# subject FILE PREFIX: FILE's subject with PREFIX ("[PATCH]", "[PATCH 2/5]") instead of its own.
subject() { sed -i -E "1,/^\$/s/^Subject: \[[^]]*PATCH[^]]*\]/Subject: ${2//\//\\/}/" "$PATCH_DIR/$1"; }
# numbered: fresh, without "## posting" lines, every subject [PATCH k/N] as git writes it.
numbered() {
	local k=0 p
	fresh
	sed -i '/^## posting /d' "$SERIES"
	for p in "${list[@]}"; do k=$((k + 1)); subject "$p" "[PATCH $(num "$k")/$N]"; done
}
unnumbered() { local p; fresh; for p in "${list[@]}"; do subject "$p" "[PATCH]"; done; }
# first_stat FILE: "path count" of the first diffstat line of FILE.
first_stat() { awk '/^ [^ ].* +\| +[0-9]+/ { c = $0; sub(/^ /, "", c); sub(/ +\|.*/, "", c)
	n = $0; sub(/.*\| +/, "", n); sub(/ .*/, "", n); print c, n; exit }' "$1"; }
# bump FILE: a consistent lie: one more line in the first diffstat line and in the summary.
bump() {
	awk '!b && /^ [^ ].* +\| +[0-9]+/ { match($0, /\| +[0-9]+/)
		$0 = substr($0, 1, RSTART) " " substr($0, RSTART + 1, RLENGTH - 1) + 1 substr($0, RSTART + RLENGTH) "+"; b = 1 }
	     !s && /^ [0-9]+ files? changed, [0-9]+ insertion/ { match($0, /, [0-9]+/)
		$0 = substr($0, 1, RSTART + 1) substr($0, RSTART + 2, RLENGTH - 2) + 1 substr($0, RSTART + RLENGTH); s = 1 } 1' \
		"$1" >"$1.new" && mv "$1.new" "$1"
}

fresh
expect_ok "the real series" "$gate"

cp "$PATCH_DIR/$p2" "$PATCH_DIR/9999-stray.patch"
expect_fail "a patch in patches/ that is not in series" "9999-stray.patch: in .* but not in series" "$gate"
fresh; echo 9999-missing.patch >>"$SERIES"
expect_fail "series names a missing patch" "9999-missing.patch: named in series but not in" "$gate"

fresh; sed -i '/^Signed-off-by:/d' "$PATCH_DIR/$p2"
expect_fail "a missing Signed-off-by" "$p2: no 'Signed-off-by: $id'" "$gate"
fresh; sed -i 's/^From: .*>$/From: Someone Else <else@example.org>/' "$PATCH_DIR/$p3"
expect_fail "another From:" "$p3: From: is 'Someone Else <else@example.org>', expected '$id'" "$gate"

numbered; sed -i -e "s/^$p2/$p3/; t" -e "s/^$p3/$p2/" "$SERIES"
expect_fail "two patches swapped in series" "$p3: Subject: says \[PATCH $(num 3)/$N\], expected \[PATCH 2/$N\]" "$gate"
numbered; subject "$p3" "[PATCH 3/$((N + 1))]"
expect_fail "a wrong series length" "$p3: Subject: says \[PATCH 3/$((N + 1))\], expected \[PATCH 3/$N\]" "$gate"
numbered; subject "$p2" "[PATCH]"
expect_fail "numbered and unnumbered subjects in one posting" "posting series: some subjects are numbered" "$gate"
numbered; sed -i "s/^Subject: \[PATCH $(num 2)\/$N\] /Subject: /" "$PATCH_DIR/$p2"
expect_fail "a Subject without [PATCH]" "$p2: no 'Subject: \[PATCH\] <summary>' or 'Subject: \[PATCH 2/$N\] <summary>' line" "$gate"
unnumbered; sed -i '/^## posting /d' "$SERIES"
expect_ok "unnumbered [PATCH] subjects" "$gate"
# Two postings: the first two patches and the rest, each numbered from 1.
numbered; sed -i -e "/^${list[0]}/i ## posting first" -e "/^$p3/i ## posting rest" "$SERIES"
expect_fail "numbering across postings" "$p3: Subject: says \[PATCH $(num 3)/$N\], expected \[PATCH 1/$((N - 2))\] \(its position in posting rest\)" "$gate"
k=0; for p in "${list[@]:2}"; do k=$((k + 1)); subject "$p" "[PATCH $k/$((N - 2))]"; done
subject "${list[0]}" "[PATCH 1/2]"; subject "$p2" "[PATCH 2/2]"
expect_ok "numbering within each posting" "$gate"
unnumbered; sed -i -e '/^## posting /d' -e "/^${list[0]}/i ## posting first" -e "/^$p3/i ## posting rest" "$SERIES"
expect_ok "two postings, unnumbered" "$gate"

# Patch 2 with nothing but its tags (Fixes:, Cc:, Signed-off-by:, ...) before '---'.
fresh; awk 'h && /^---$/ { d = 1 } !h { print; h = NF == 0; next }
	d || /^([A-Za-z-]+-by|Cc|Fixes|Link): / { print }' "$PATCH_DIR/$p2" >"$HT_TMP/x" && mv "$HT_TMP/x" "$PATCH_DIR/$p2"
expect_fail "no changelog" "$p2: no changelog" "$gate"

# A diffstat that lies consistently (count and summary) is still caught: it is recomputed.
fresh; read -r path n < <(first_stat "$PATCH_DIR/$p2"); bump "$PATCH_DIR/$p2"
expect_fail "a wrong diffstat count" "$p2: the diffstat says \".* \| $((n + 1))\", the diff has $n" "$gate"
fresh; read -r path n < <(first_stat "$PATCH_DIR/$p3"); sed -i "0,/^ ${path//\//\\/} *| /{//d}" "$PATCH_DIR/$p3"
expect_fail "a file missing from the diffstat" "$p3: the diffstat lacks \"$path \| $n\"" "$gate"
fresh; sed -i '/^---$/,/^diff --git/{/^---$/!{/^diff --git/!d}}' "$PATCH_DIR/$p3"
expect_fail "no diffstat" "$p3: no diffstat" "$gate"
fresh; cp "$PATCH_DIR/$p2" "$PATCH_DIR/$p2~"
expect_fail "a backup file quilt refresh leaves" "$p2~: a backup or reject file .*make refresh" "$gate"
fresh; sed -i 's|^diff --git a/\(.*\) b/.*|Index: \1\n===================================================================|' "$PATCH_DIR/$p3"
expect_fail "a patch in quilt's format" "$p3: the diff is in quilt's format .*make refresh" "$gate"

# A cover letter: git format-patch's own, from a git repository of the touched pristine files.
real=$HT_REAL_BUILD/pristine/linux-$LINUX_VERSION
if [ ! -f "$real/Makefile" ]; then
	echo "# no pristine tree in $HT_REAL_BUILD: cover letter cases not run (run 'make unpack')"
	ht_exit
fi
mkdir -p "$BUILD_DIR/pristine"
ln -s "$real" "$BUILD_DIR/pristine/linux-$LINUX_VERSION"
fresh
repo=$HT_TMP/repo
email=${id##*<}
g() { git -C "$repo" -c user.name="${id% <*}" -c user.email="${email%>}" "$@"; }
cat "${list[@]/#/$PATCH_DIR/}" | awk '/^--- a\// { print substr($2, 3) }' | sort -u | while IFS= read -r f; do
	[ ! -f "$real/$f" ] || install -D -m 644 "$real/$f" "$repo/$f"
done
g init -q && g add -A && g commit -q -m base && g tag base
for p in "${list[@]}"; do g am -q "$PATCH_DIR/$p"; done
g format-patch -q --cover-letter --base=base -o "$HT_TMP/out" base..HEAD
c=0000-cover-letter.patch
usecover() { numbered; cp "$HT_TMP/out/$c" "$PATCH_DIR/"; sed -i "1i $c" "$SERIES"; }

usecover
expect_ok "a cover letter from git format-patch" "$gate"
usecover; read -r path n < <(first_stat "$PATCH_DIR/$c"); bump "$PATCH_DIR/$c"
expect_fail "a cover letter with a wrong diffstat" "$c: the diffstat says \".* \| $((n + 1))\", the diff has $n" "$gate"
usecover; sed -i '/^base-commit:/d' "$PATCH_DIR/$c"
expect_fail "a cover letter without base-commit" "$c: no 'base-commit: <commit id>' line" "$gate"
usecover; sed -i "s/^Subject: \[PATCH $(num 0)\/$N\]/Subject: [PATCH 0\/$((N - 1))]/" "$PATCH_DIR/$c"
expect_fail "a cover letter with a wrong series length" "$c: no 'Subject: \[PATCH 0/$N\]" "$gate"
usecover; sed -i -e '/^0000-cover-letter.patch$/d' -e "\$a $c" "$SERIES"
expect_fail "a cover letter that is not first" "$c: the cover letter must be the first" "$gate"
usecover; subject "$p2" "[PATCH]"
expect_fail "a cover letter and an unnumbered patch" "$p2: Subject: is not numbered, expected \[PATCH 2/$N\]" "$gate"

# A posting on top of another: patches 3..N with their own cover letter (prerequisite-patch-id
# lines, as git format-patch --base writes them), the first two patches as BASE_PATCHES.
g format-patch -q --cover-letter --base=base -o "$HT_TMP/out2" "HEAD~$((N - 2))..HEAD"
rm -rf "$PATCH_DIR"; mkdir -p "$PATCH_DIR"; cp "$HT_TMP/out2"/*.patch "$PATCH_DIR/"
(cd "$PATCH_DIR" && ls) >"$SERIES"
cp "$HT_TOP/patches/${list[0]}" "$HT_TOP/patches/$p2" "$HT_TMP/"
export BASE_PATCHES="$HT_TMP/${list[0]} $HT_TMP/$p2"
expect_ok "a cover letter of a posting on top of another (BASE_PATCHES)" "$gate"
unset BASE_PATCHES
ht_exit
