#!/usr/bin/env bash
# Gate "format": the series is mechanically what a maintainer expects to receive.
#  - every file in patches/ is in series and every patch series names is in patches/;
#  - each patch has From: <conf/identity>, "Subject: [PATCH] ..." or "Subject: [PATCH n/N] ...",
#    with n its position within its posting (the "## posting NAME" lines of series split it; the
#    whole series is one posting without them) and N the number of patches of that posting (one
#    posting numbers all its patches or none), a changelog, a Signed-off-by: of its From:
#    identity, and after '---' a diffstat that matches its diff (recomputed with git apply
#    --numstat, never trusted);
#  - a cover letter, if series starts with 0000-cover-letter.patch (then series is one posting,
#    numbered): From: <identity>, "[PATCH 0/N]", a base-commit: line, and the diffstat of the
#    whole series (recomputed by applying the series to a copy of the touched files of the
#    pristine tree, after BASE_PATCHES, the patches the posting applies on top of, if any).
# Input: series, patches/ (SERIES, PATCH_DIR), conf/identity (IDENTITY overrides it); the pristine
# tree for a cover letter; BASE_PATCHES (space-separated patch files, default none).
# Output: nothing; one line per problem, naming the patch, and a non-zero exit if there is any.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"
need_cmd git awk sed diff patch

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=$(realpath -m "${PATCH_DIR:-$TOP/patches}")
COVER=0000-cover-letter.patch
[ -f "$SERIES" ] || die "no series file at $SERIES"
[ -d "$PATCH_DIR" ] || die "no patch directory at $PATCH_DIR"
id=${IDENTITY:-$(cat "$TOP/conf/identity")}
bad=0
problem() { say "$1: $2"; bad=1; }

# headers FILE: the mail headers (up to the first empty line), folded lines joined.
headers() {
	awk 'NF == 0 { exit } /^[ \t]/ { sub(/^[ \t]+/, ""); h = h " " $0; next }
	     { if (h != "") print h; h = $0 } END { if (h != "") print h }' "$1"
}
# changelog FILE: the lines between the headers and '---'.
changelog() { awk 'b && /^---$/ { exit } b; NF == 0 { b = 1 }' "$1"; }
# stated_stat: the diffstat in the text on stdin, as "path<TAB>count" lines and one summary line
# "N files changed, I insertions(+), D deletions(-)".
stated_stat() {
	sed -nE -e 's/^ (.*[^ ]) +\| +([0-9]+|Bin).*/\1\t\2/p' \
		-e 's/^ ([0-9]+) files? changed(, ([0-9]+) insertions?\(\+\))?(, ([0-9]+) deletions?\(-\))?$/= \1 +\3 -\5/p' |
		awk '/^= / { i = $3; d = $4; sub(/^\+/, "", i); sub(/^-/, "", d)
		             printf "%d file(s) changed, %d insertions(+), %d deletions(-)\n", $2, i, d; next } 1'
}
# numstat_stat: the same from "added<TAB>deleted<TAB>path" lines (git's --numstat) on stdin.
numstat_stat() {
	awk -F'\t' '{ n++; if ($1 == "-") { print $3 "\tBin"; next }
	              print $3 "\t" $1 + $2; i += $1; d += $2 }
	            END { printf "%d file(s) changed, %d insertions(+), %d deletions(-)\n", n, i, d }'
}
# compare_stat WHO STATED ACTUAL: report every difference; git abbreviates long paths to ".../x".
compare_stat() {
	local line
	while IFS= read -r line; do
		problem "$1" "$line"
	done < <(awk -F'\t' 'NR == FNR { if (NF == 2) has[$1] = $2; else if (NF == 1) sum = $0; next }
		NF == 2 && $1 ~ /^\.\.\.\// { s = substr($1, 4)
			for (p in has) if (length(p) > length(s) && substr(p, length(p) - length(s) + 1) == s) $1 = p }
		NF == 2 { said[$1] = $2; next }
		NF == 1 { got = 1; if ($0 != sum) print "the diffstat says \"" $0 "\", the diff has \"" sum "\"" }
		END { if (!got) print "the diffstat has no summary line (the diff has \"" sum "\")"
		      for (p in said) if (!(p in has)) print "the diffstat lists " p ", which the diff does not touch"
		      for (p in has) if (!(p in said)) print "the diffstat lacks \"" p " | " has[p] "\""
		                     else if (said[p] != has[p]) print "the diffstat says \"" p " | " said[p] "\", the diff has " has[p] }' \
		<(printf '%s\n' "$3") <(printf '%s\n' "$2") | sort)
}

mapfile -t listed < <(series_patches "$SERIES")
cover=
if [ "${listed[0]:-}" = "$COVER" ]; then
	cover=$COVER
	listed=("${listed[@]:1}")
fi
total=${#listed[@]}
# Each patch's posting, its position in it, and the posting's size.
declare -A posting_of index_in size_of numbered_in
while read -r g p; do
	[ "$p" != "$COVER" ] || continue
	size_of[$g]=$((${size_of[$g]:-0} + 1))
	posting_of[$p]=$g
	index_in[$p]=${size_of[$g]}
done < <(series_postings "$SERIES")
[ -z "$cover" ] || [ ${#size_of[@]} -le 1 ] ||
	problem "$COVER" "a cover letter introduces one posting, and series has ${#size_of[@]} ('## posting' lines)"

# series and patches/ name the same files.
for p in "${listed[@]}"; do
	[ "$p" != "$COVER" ] || problem "$p" "the cover letter must be the first entry of series"
	[ -f "$PATCH_DIR/$p" ] || problem "$p" "named in series but not in ${PATCH_DIR#"$TOP"/}/"
done
for f in "$PATCH_DIR"/*; do
	[ -f "$f" ] || continue
	name=${f##*/}
	case $name in
	*~ | *.orig | *.rej)
		problem "$name" "a backup or reject file in ${PATCH_DIR#"$TOP"/}/ (left by quilt refresh or patch?): remove it; 'make refresh' writes patches back"
		continue ;;
	esac
	# (A here-string, not a pipe: with pipefail, grep -q's early exit can fail printf with SIGPIPE.)
	[ "$name" = "$cover" ] || grep -qxF -- "$name" <<<"$(printf '%s\n' "${listed[@]}")" ||
		problem "$name" "in ${PATCH_DIR#"$TOP"/}/ but not in series"
done

# Each patch. git apply runs outside any repository: inside one (in a subdirectory of this one,
# say), it would ignore the paths outside the current directory.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gate-format.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
for p in "${listed[@]}"; do
	n=$((n + 1))
	f=$PATCH_DIR/$p
	[ -f "$f" ] || continue
	hdr=$(headers "$f")
	from=$(sed -n 's/^From: //p' <<<"$hdr" | head -n1)
	[ "$from" = "$id" ] || problem "$p" "From: is '$from', expected '$id' (conf/identity)"
	subject=$(sed -n 's/^Subject: //p' <<<"$hdr" | head -n1)
	g=${posting_of[$p]} k=${index_in[$p]}
	N=${size_of[$g]}
	where="its position in series"
	[ ${#size_of[@]} -eq 1 ] || where="its position in posting $g"
	if [[ $subject =~ ^\[(RFC\ )?PATCH(\ v[0-9]+)?\ ([0-9]+)/([0-9]+)\]\ [^\ ] ]]; then
		[ "$((10#${BASH_REMATCH[3]}))/$((10#${BASH_REMATCH[4]}))" = "$k/$N" ] ||
			problem "$p" "Subject: says [PATCH ${BASH_REMATCH[3]}/${BASH_REMATCH[4]}], expected [PATCH $k/$N] ($where)"
		numbered_in[$g]+=y
	elif [[ $subject =~ ^\[(RFC\ )?PATCH(\ v[0-9]+)?\]\ [^\ ] ]]; then
		[ -z "$cover" ] || problem "$p" "Subject: is not numbered, expected [PATCH $k/$N] (a cover letter numbers its series)"
		numbered_in[$g]+=n
	else
		problem "$p" "no 'Subject: [PATCH] <summary>' or 'Subject: [PATCH $k/$N] <summary>' line (got '$subject')"
	fi
	if [ "$p" != "$COVER" ] && { grep -q '^Index: ' "$f" || ! grep -q '^diff --git ' "$f"; }; then
		problem "$p" "the diff is in quilt's format (Index: lines, no 'diff --git' headers: quilt refresh?); 'make refresh' writes it as git format-patch does"
	fi
	if ! grep -qx -- '---' "$f"; then
		problem "$p" "no '---' line between the changelog and the diff"
		continue
	fi
	log=$(changelog "$f")
	grep -vqE '^([A-Za-z-]+-by|Cc|Fixes|Link|Closes|Message-ID): |^[[:space:]]*$' <<<"$log" ||
		problem "$p" "no changelog: nothing but tags between the headers and '---'"
	grep -qxF "Signed-off-by: $from" <<<"$log" || problem "$p" "no 'Signed-off-by: $from' (the From: identity)"
	stated=$(awk 's && /^(diff |Index: |--- )/ { exit } s; /^---$/ { s = 1 }' "$f" | stated_stat)
	if ! grep -q ' changed, ' <<<"$stated"; then
		problem "$p" "no diffstat (' N files changed, ...') after '---'"
	elif ! numstat=$(cd "$tmp" && GIT_CEILING_DIRECTORIES=${tmp%/*} git apply --numstat "$f" 2>&1); then
		problem "$p" "git apply cannot read the diff: $(head -n1 <<<"$numstat")"
	else
		compare_stat "$p" "$stated" "$(numstat_stat <<<"$numstat")"
	fi
done

for g in "${!numbered_in[@]}"; do
	case ${numbered_in[$g]} in *y*n* | *n*y*)
		problem "posting $g" "some subjects are numbered [PATCH n/N] and some are not: number all of them or none" ;;
	esac
done

# The cover letter (scripts/mbox.sh writes it): its diffstat is that of the whole series applied
# on top of BASE_PATCHES.
if [ -n "$cover" ]; then
	f=$PATCH_DIR/$cover
	hdr=$(headers "$f")
	[ "$(sed -n 's/^From: //p' <<<"$hdr" | head -n1)" = "$id" ] || problem "$cover" "no 'From: $id'"
	grep -qE "^Subject: \[(RFC )?PATCH( v[0-9]+)? 0*0/0*$total\] [^ ]" <<<"$hdr" ||
		problem "$cover" "no 'Subject: [PATCH 0/$total] <summary>' line"
	grep -qE '^base-commit: [0-9a-f]{7,}$' "$f" || problem "$cover" "no 'base-commit: <commit id>' line"
	pristine=$(flavour_dir pristine)/$TREE_NAME
	[ -f "$pristine/Makefile" ] || die "no pristine tree at $pristine for the cover letter (run 'make unpack')"
	read -r -a base_patches <<<"${BASE_PATCHES:-}"
	mapfile -t touched < <(for p in "${base_patches[@]}" "${listed[@]/#/$PATCH_DIR/}"; do
		awk '/^(---|\+\+\+) [ab]\// { print substr($2, 3) }' "$p"; done | sort -u)
	for t in "${touched[@]}"; do
		[ ! -f "$pristine/$t" ] || install -D -m 644 "$pristine/$t" "$tmp/old/$t"
		[ ! -f "$pristine/$t" ] || install -D -m 644 "$pristine/$t" "$tmp/new/$t"
	done
	mkdir -p "$tmp/old" "$tmp/new"
	for b in "${base_patches[@]}"; do
		[ -f "$b" ] || die "$cover: no base patch $b (BASE_PATCHES)"
		for d in old new; do
			patch -d "$tmp/$d" -p1 --fuzz=0 -N -s --no-backup-if-mismatch -i "$b" >/dev/null 2>&1 ||
				die "$cover: cannot regenerate the series' diffstat: the base patch ${b##*/} does not apply"
		done
	done
	for p in "${listed[@]}"; do
		[ -f "$PATCH_DIR/$p" ] || die "$cover: cannot regenerate the series' diffstat without $p (above)"
		patch -d "$tmp/new" -p1 --fuzz=0 -N -s --no-backup-if-mismatch -i "$PATCH_DIR/$p" >/dev/null 2>&1 ||
			die "$cover: cannot regenerate the series' diffstat: $p does not apply (see 'make apply')"
	done
	actual=$(for t in "${touched[@]}"; do
		old=$tmp/old/$t new=$tmp/new/$t
		[ -f "$old" ] || old=/dev/null
		[ -f "$new" ] || new=/dev/null
		git diff --no-index --numstat -- "$old" "$new" | awk -F'\t' -v t="$t" -v OFS='\t' '{ print $1, $2, t }' || true
	done | numstat_stat)
	compare_stat "$cover" "$(awk '/^base-commit: / { exit } 1' "$f" | stated_stat)" "$actual"
fi

[ "$bad" -eq 0 ] || die "the series is not in mailing-list form (problems above)"
say "series: $total patch(es) in ${#size_of[@]} posting(s)${cover:+ and a cover letter}, subjects right, signed off by $id, diffstats match"
