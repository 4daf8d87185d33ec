#!/usr/bin/env bash
# Stage "mbox": the series as it goes to the list: a cover letter ([PATCH 00/NN]) written from
# conf/cover-letter.txt, the patches of series, all authored and signed off by IDENTITY, in one
# mbox for `git send-email` or b4, checked by gate-format before it is declared ready.
# Input: series, patches/, conf/cover-letter.txt, conf/identity (IDENTITY overrides it), the
# git-am repository ($BUILD_DIR/git-am/linux: base commit, short log, diffstat), the last bench
# results ($BUILD_DIR/bench/cover-table.txt, BENCH_TABLE overrides), test/tests.list.
# Output: $BUILD_DIR/mbox/series.mbox, and its parts: mbox/series and mbox/patches/ (the cover
# letter 0000-cover-letter.patch and the patches).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd git perl

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
template=$TOP/conf/cover-letter.txt
table=${BENCH_TABLE:-$BUILD_DIR/bench/cover-table.txt}
repo=$BUILD_DIR/git-am/linux
out=$BUILD_DIR/mbox
old=$(cat "$TOP/conf/identity")
id=${IDENTITY:-$old}
[[ "$id" =~ ^[^\<\>]+\ \<[^\<\>@[:space:]]+@[^\<\>[:space:]]+\>$ ]] ||
	die "IDENTITY must be \"Full Name <address>\" (got '$id')"
[ -f "$table" ] || die "no benchmark figures at $table (run 'make bench' first)"
git -C "$repo" rev-parse -q --verify base >/dev/null 2>&1 || die "no git-am repository at $repo (run 'make git-am')"

mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES" | awk '{print $1}')
total=${#patches[@]}
[ "$total" -gt 0 ] || die "series is empty: nothing to post"
# The git-am repository must hold exactly this series, or the short log and diffstat lie.
[ "$(git -C "$repo" rev-list --count base..HEAD)" = "$total" ] ||
	die "$repo does not hold the $total patches of series (run 'make git-am')"

rm -rf "$out.tmp"
mkdir -p "$out.tmp/patches"
for p in "${patches[@]}"; do
	OLD=$old NEW=$id perl -pe 'BEGIN { $o = $ENV{OLD}; $n = $ENV{NEW} }
		s/^(From|Signed-off-by): \Q$o\E$/$1: $n/' "$PATCH_DIR/$p" >"$out.tmp/patches/$p"
done

# The base: the harness's own commit of the pinned tarball (fixed author and date, so the same id
# everywhere), or, when the tree came from git, that tree's commit.
if [ -n "${KERNEL_GIT:-}" ]; then
	base_id=$(git -C "$KERNEL_GIT" rev-parse "${KERNEL_GIT_REF:-$LINUX_GIT_REF}^{commit}")
	base_text="The series applies to v$LINUX_VERSION (${KERNEL_GIT_REF:-$LINUX_GIT_REF}); base-commit is that tag's commit."
else
	base_id=$(git -C "$repo" rev-parse base)
	base_text="The series applies to v$LINUX_VERSION. The base-commit below is not an
upstream commit: it is the tree of Debian's $LINUX_TARBALL (upstream
v$LINUX_VERSION minus a few non-free files; sha256 ${LINUX_SHA256:0:16}...) committed
with a fixed author and date, which this project's harness recreates
anywhere (make git-am). The series applies unchanged to the v$LINUX_VERSION tag."
fi

tests=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/test/tests.list" | awk '
	{ n[$2]++; names[$2] = names[$2] (n[$2] > 1 ? ", " : "") $1 }
	END {
		print "  pass on both kernels (" n["both"] "):"
		print "    " names["both"]
		if (n["xfail-pristine"]) {
			print "  pass on the series, fail on pristine v7.2.8, which has the bugs"
			print "  that patches 1-3 fix (" n["xfail-pristine"] "):"
			print "    " names["xfail-pristine"]
		}
		if (n["patched"]) { print "  behaviour only the series has (" n["patched"] "):"; print "    " names["patched"] }
	}' | fold -s -w 72 | sed 's/ *$//; /^    /!{/^  /!s/^/    /}')

cover=$out.tmp/patches/0000-cover-letter.patch
{
	printf 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
	printf 'From: %s\n' "$id"
	printf 'Date: %s\n' "$(date -R)"
	printf 'Subject: [PATCH %0*d/%d] %s\n' "${#total}" 0 "$total" "$(sed -n '1s/^Subject: //p' "$template")"
	echo
	sed -e '1d' -e '/^#/d' "$template" | awk '/./ { body = 1 } body' | while IFS= read -r line; do
		case $line in
		@BASE@) printf '%s\n' "$base_text" | fmt -w 72 ;;
		@TESTS@) printf '%s\n' "$tests" ;;
		@NUMBERS@) sed 's/^/  /; s/ *$//' "$table" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done
	echo
	git -C "$repo" shortlog -w72,2,4 base..HEAD | sed -E "s/^[^ ].* \(([0-9]+)\):$/${id% <*} (\1):/"
	git -C "$repo" diff --stat=72 --summary base HEAD
	echo
	printf 'base-commit: %s\n' "$base_id"
	printf -- '-- \n%s\n\n' "$(git --version | sed 's/^git version //')"
} >"$cover"

{ echo 0000-cover-letter.patch; printf '%s\n' "${patches[@]}"; } >"$out.tmp/series"
for p in 0000-cover-letter.patch "${patches[@]}"; do
	cat "$out.tmp/patches/$p"
	echo
done >"$out.tmp/series.mbox"

# The same gate as the committed series, on what is about to be sent.
SERIES=$out.tmp/series PATCH_DIR=$out.tmp/patches IDENTITY=$id "$TOP/scripts/gate-format.sh" ||
	die "the mbox does not pass gate-format (above); nothing written to $out"
rm -rf "$out"
mv "$out.tmp" "$out"
say "$out/series.mbox: cover letter + $total patches from $id"
say "send with: git send-email --to=<list> $out/series.mbox (or b4 send)"
