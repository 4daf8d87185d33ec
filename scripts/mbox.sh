#!/usr/bin/env bash
# Stage "mbox": the series as it goes to the list, one posting at a time. The "## posting NAME"
# lines of series split it into postings (the patches before any such line are the posting
# "series"); each posting becomes a cover letter ([PATCH 0/N]) written from
# conf/cover-letter-NAME.txt and its patches numbered [PATCH n/N] within the posting, all
# authored and signed off by IDENTITY, in one mbox for `git send-email` or b4, checked by
# gate-format before anything is declared ready. The short log and diffstat of a cover letter
# are its posting's alone: between the commit before its first patch and its last patch in the
# git-am repository; a posting after others says so and carries their prerequisite-patch-id lines.
# Input: series, patches/, conf/cover-letter-NAME.txt for every posting (COVER_DIR overrides
# conf/), conf/identity (IDENTITY overrides it), the git-am repository ($BUILD_DIR/git-am/linux:
# base commit, short log, diffstat), test/tests.list and, when a template has @TESTS@, the last
# full runs of the series and of pristine ($BUILD_DIR/{patched,pristine}/logs/results.json,
# RESULTS_DIR overrides $BUILD_DIR), and the last bench results ($BUILD_DIR/bench/cover-table.txt,
# BENCH_TABLE overrides) when a template has @NUMBERS@: of a bench whose boot of the series
# (patched.1/results.json beside the table) had exactly these patches.
# A letter's header (the lines before its first empty line) may say "Version: N" (the subjects
# become [PATCH vN n/N]) and "Previous: COMMIT FIRST-LAST": the version before is patches
# FIRST..LAST of the series at COMMIT of this repository (PREVIOUS_REPO overrides), applied with
# the rest of that series onto the same base; @RANGE_DIFF@ in the letter becomes the summary of
# `git range-diff` against it (RANGE_DIFF_FACTOR: its --creation-factor, default 90).
# Output: for each posting NAME, $BUILD_DIR/mbox/NAME.mbox and its parts, mbox/NAME/series and
# mbox/NAME/patches/ (the cover letter 0000-cover-letter.patch and the patches); with Previous:,
# the whole range-diff in mbox/NAME/range-diff-vM.txt (M the previous version).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"
need_cmd git perl

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=$(realpath -m "${PATCH_DIR:-$TOP/patches}")
COVER_DIR=${COVER_DIR:-$TOP/conf}
table=${BENCH_TABLE:-$BUILD_DIR/bench/cover-table.txt}
repo=$BUILD_DIR/git-am/linux
out=$BUILD_DIR/mbox
old=$(cat "$TOP/conf/identity")
id=${IDENTITY:-$old}
[[ "$id" =~ ^[^\<\>]+\ \<[^\<\>@[:space:]]+@[^\<\>[:space:]]+\>$ ]] ||
	die "IDENTITY must be \"Full Name <address>\" (got '$id')"
[ -f "$SERIES" ] || die "no series file at $SERIES"
series_check_postings "$SERIES" || die "the '## posting' lines of ${SERIES##*/} are wrong (above)"

# The postings, in order, and their patches.
mapfile -t patches < <(series_patches "$SERIES")
total=${#patches[@]}
[ "$total" -gt 0 ] || die "series is empty: nothing to post"
names=()
declare -A first last
i=0
while read -r g p; do
	[ -n "${first[$g]+x}" ] || { names+=("$g"); first[$g]=$i; }
	last[$g]=$i
	i=$((i + 1))
done < <(series_postings "$SERIES")
# POSTING=NAME: that posting alone (the fixes need no benchmark figures, the devmap one does).
if [ -n "${POSTING:-}" ]; then
	[ -n "${first[$POSTING]+x}" ] || die "POSTING=$POSTING: series has no such posting (it has: ${names[*]})"
	names=("$POSTING")
fi
series_sha=$(series_sums "$SERIES" "$PATCH_DIR" | sha256sum | cut -d' ' -f1)
# header LETTER FIELD: the value of "FIELD: value" in the letter's header, or nothing.
header() { awk -v f="$2: " '/^$/ { exit } index($0, f) == 1 { print substr($0, length(f) + 1) }' "$1"; }
prev_repo=${PREVIOUS_REPO:-$TOP}
for g in "${names[@]}"; do
	t=$COVER_DIR/cover-letter-$g.txt
	[ -f "$t" ] || die "no cover letter for posting $g: write ${t#"$TOP"/} (the format of conf/cover-letter-*.txt)"
	v=$(header "$t" Version)
	[[ "${v:-1}" =~ ^[1-9][0-9]*$ ]] || die "${t#"$TOP"/}: 'Version: $v' is not a number"
	prev=$(header "$t" Previous)
	if [ "${v:-1}" -gt 1 ]; then
		[[ "$prev" =~ ^[0-9a-f]{7,40}\ [1-9][0-9]*-[1-9][0-9]*$ ]] ||
			die "${t#"$TOP"/}: 'Version: $v' needs 'Previous: COMMIT FIRST-LAST' (the version before: patches FIRST..LAST of series at COMMIT), got '$prev'"
		git -C "$prev_repo" rev-parse -q --verify "${prev% *}^{commit}" >/dev/null ||
			die "${t#"$TOP"/}: Previous: ${prev% *} is not a commit of $prev_repo (a shallow clone? git fetch --unshallow)"
	elif [ -n "$prev" ] || grep -qx '@RANGE_DIFF@' "$t"; then
		die "${t#"$TOP"/}: Previous: and @RANGE_DIFF@ need 'Version: N' with N > 1"
	fi
	if grep -qx '@NUMBERS@' "$t"; then
		[ -f "$table" ] || die "no benchmark figures at $table for ${t#"$TOP"/}, which has @NUMBERS@ (run 'make bench' first)"
		# The figures must be of exactly this series: its bench boot's applied_sha256.
		r=${table%/*}/patched.1/results.json
		[ -f "$r" ] || die "no results of the series' bench boot at $r for the figures of ${t#"$TOP"/} (run 'make bench')"
		sha=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("applied_sha256", "-"))' "$r")
		[ "$sha" = "$series_sha" ] ||
			die "the figures at $table are of other patches than this series (bench applied_sha256 $sha): run 'make bench' again"
	fi
done
git -C "$repo" rev-parse -q --verify base >/dev/null 2>&1 || die "no git-am repository at $repo (run 'make git-am')"
# The git-am repository must hold exactly this series, or the short logs and diffstats lie.
[ "$(git -C "$repo" rev-list --count base..HEAD)" = "$total" ] ||
	die "$repo does not hold the $total patches of series (run 'make git-am')"
mapfile -t commits < <(git -C "$repo" rev-list --reverse base..HEAD)

# The base: the harness's own commit of the pinned tarball (fixed author and date, so the same id
# everywhere), or, when the tree came from git, that tree's commit.
if [ -n "${KERNEL_GIT:-}" ]; then
	base_id=$(git -C "$KERNEL_GIT" rev-parse "${KERNEL_GIT_REF:-$LINUX_GIT_REF}^{commit}")
	base_text="applies to v$LINUX_VERSION (${KERNEL_GIT_REF:-$LINUX_GIT_REF}); base-commit is that tag's commit."
else
	base_id=$(git -C "$repo" rev-parse base)
	base_text="applies to v$LINUX_VERSION. The base-commit below is not an
upstream commit: it is the tree of Debian's $LINUX_TARBALL (upstream
v$LINUX_VERSION minus a few non-free files; sha256 ${LINUX_SHA256:0:16}...) committed
with a fixed author and date, which this project's harness recreates
anywhere (make git-am). It applies unchanged to the v$LINUX_VERSION tag."
fi

# The guest tests, from the recorded runs only: "name kind" of test/tests.list, "patch glob" of
# series, and the status of every test in the last full runs of the series and of pristine
# (build/{patched,pristine}/logs/results.json, written by make all / make pristine / make check),
# which must be runs of exactly this series (its diffs) and of no patch at all.
mapfile -t tests < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/test/tests.list" | awk '{print $1, $2}')
mapfile -t claims < <(series_claims "$SERIES")
declare -A on_series=() on_pristine=()
# run_results FLAVOUR WANT_SHA: fill on_<flavour>[name]=status from its results.json, or die.
run_results() {
	local f=${RESULTS_DIR:-$BUILD_DIR}/$1/logs/results.json sha name status
	[ -f "$f" ] || die "no recorded run at $f: run 'make all' and 'make pristine' (or make check) first: the cover letter's test lines come from them"
	{ read -r sha; while read -r name status; do
		if [ "$1" = patched ]; then on_series[$name]=$status; else on_pristine[$name]=$status; fi
	done; } < <(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d.get("applied_sha256", "-"))
for t in d["tests"]: print(t["name"], t["status"])' "$f")
	[ "$sha" = "$2" ] || die "$f is a run of other patches than ${3} (applied_sha256 $sha): run 'make all' and 'make pristine' again"
}
needs_runs=
for g in "${names[@]}"; do grep -qx '@TESTS@' "$COVER_DIR/cover-letter-$g.txt" && needs_runs=1; done
if [ -n "$needs_runs" ]; then
	run_results patched "$series_sha" "this series"
	run_results pristine "$(printf '' | sha256sum | cut -d' ' -f1)" "none"
fi
# tests_text POSTING: the tests that passed on both kernels, then those each patch of the posting
# claims, by kind, each as the runs showed it (pass with the series; XFAIL or SKIP on pristine),
# wrapped to 72 columns. A claim the runs do not back stops the letter, naming the test.
tests_text() {
	local g=$1 k=0 j p t c kind list bad=() want
	{
		list=$(for t in "${tests[@]}"; do
			if [ "${t#* }" = both ] && [ "${on_series[${t% *}]:-}" = pass ] &&
				[ "${on_pristine[${t% *}]:-}" = pass ]; then echo "${t% *}"; fi
		done)
		echo "  passed on both kernels ($(grep -c . <<<"$list")):"
		echo "    $(paste -sd, <<<"$list" | sed 's/,/, /g')"
		for ((j = first[$g]; j <= last[$g]; j++)); do
			k=$((k + 1)) p=${patches[$j]}
			for kind in xfail-pristine patched; do
				want=xfail
				[ "$kind" = patched ] && want=skip
				list=$(for t in "${tests[@]}"; do
					[ "${t#* }" = "$kind" ] || continue
					for c in "${claims[@]}"; do
						# shellcheck disable=SC2053 # the glob is a pattern
						if [ "${c%% *}" = "$p" ] && [[ ${t% *} == ${c#* } ]]; then
							if [ "${on_series[${t% *}]:-}" = pass ] && [ "${on_pristine[${t% *}]:-}" = "$want" ]; then
								echo "${t% *}"
							else
								echo "! ${t% *} (series: ${on_series[${t% *}]:-not run}, pristine: ${on_pristine[${t% *}]:-not run})"
							fi
							break
						fi
					done
				done)
				[ -n "$list" ] || continue
				if grep -q '^! ' <<<"$list"; then
					grep '^! ' <<<"$list" | sed 's/^! /mbox: error: the recorded runs do not back /' >&2
					echo "@FAILED@"
					continue
				fi
				case $kind in
				xfail-pristine) echo "  patch $k's tests: failed on v$LINUX_VERSION, passed with the series ($(wc -l <<<"$list")):" ;;
				patched) echo "  patch $k's tests: skipped on v$LINUX_VERSION, passed with the series ($(wc -l <<<"$list")):" ;;
				esac
				echo "    $(paste -sd, <<<"$list" | sed 's/,/, /g')"
			done
		done
	} | fold -s -w 72 | sed 's/ *$//; /^    /!{/^  /!s/^/    /}'
}

# previous_version POSTING "COMMIT FIRST-LAST": apply the series at COMMIT onto base in a
# worktree of the git-am repository; print the commits before FIRST and at LAST.
previous_version() {
	local wt=$out.tmp/$1.previous ref=${2% *} range=${2#* } p n=0 f
	git -C "$repo" worktree prune
	git -C "$repo" worktree add -q --detach "$wt" base
	while read -r p; do
		n=$((n + 1))
		f=$out.tmp/$1.previous.patch
		git -C "$prev_repo" show "$ref:patches/$p" >"$f" 2>/dev/null ||
			die "Previous: $ref has no patches/$p, which its series names"
		git -C "$wt" -c user.name=harness -c user.email=harness@localhost am -q "$f" >/dev/null 2>&1 ||
			die "Previous: patch $n ($p) of $ref does not apply onto base"
	done < <(git -C "$prev_repo" show "$ref:series" | sed -e 's/#.*//' -e '/^[[:space:]]*$/d' | awk '{print $1}')
	if [ "${range#*-}" -gt "$n" ] || [ "${range%-*}" -gt "${range#*-}" ]; then
		die "Previous: $2: the series at $ref has $n patches"
	fi
	git -C "$wt" rev-parse "HEAD~$((n - ${range%-*} + 1))" "HEAD~$((n - ${range#*-}))"
	git -C "$repo" worktree remove --force "$wt"
	rm -f "$f"
}

rm -rf "$out.tmp"
mkdir -p "$out.tmp"
for g in "${names[@]}"; do
	template=$COVER_DIR/cover-letter-$g.txt
	a=${first[$g]} b=${last[$g]}
	n=$((b - a + 1))
	version=$(header "$template" Version)
	version=${version:-1}
	prefix=PATCH
	[ "$version" -eq 1 ] || prefix="PATCH v$version"
	dir=$out.tmp/$g
	mkdir -p "$dir/patches"
	posted=()
	for ((j = a; j <= b; j++)); do
		p=${patches[$j]}
		posted+=("$p")
		OLD=$old NEW=$id P=$prefix K=$(printf '%0*d' "${#n}" $((j - a + 1))) N=$n perl -pe '
			BEGIN { $o = $ENV{OLD}; $n = $ENV{NEW} }
			$h = 1 if $. == 1; $h = 0 if /^$/;
			s/^(From|Signed-off-by): \Q$o\E$/$1: $n/;
			s/^Subject: (\[[^\]]*PATCH[^\]]*\] *)?/Subject: [$ENV{P} $ENV{K}\/$ENV{N}] / if $h;' \
			"$PATCH_DIR/$p" >"$dir/patches/$p"
	done
	from=base
	[ "$a" -eq 0 ] || from=${commits[$((a - 1))]}
	to=${commits[$b]}
	rd=
	prev=$(header "$template" Previous)
	if [ -n "$prev" ]; then
		previous_version "$g" "$prev" >"$out.tmp/$g.previous.commits"
		mapfile -t pv <"$out.tmp/$g.previous.commits"
		rm -f "$out.tmp/$g.previous.commits"
		rd=$dir/range-diff-v$((version - 1)).txt
		git -C "$repo" range-diff --no-color --creation-factor="${RANGE_DIFF_FACTOR:-90}" \
			"${pv[0]}..${pv[1]}" "$from..$to" >"$rd"
	fi
	earlier=()
	for e in "${names[@]}"; do [ "$e" = "$g" ] && break; earlier+=("$e"); done
	if [ ${#earlier[@]} -eq 0 ]; then
		base="This posting $base_text"
	else
		base="This posting applies on top of the one(s) before it in this series (${earlier[*]}; their patches are the prerequisite-patch-id lines below), which $base_text"
	fi

	cover=$dir/patches/0000-cover-letter.patch
	{
		printf 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
		printf 'From: %s\n' "$id"
		printf 'Date: %s\n' "$(date -R)"
		printf 'Subject: [%s %0*d/%d] %s\n' "$prefix" "${#n}" 0 "$n" "$(sed -n '1s/^Subject: //p' "$template")"
		echo
		awk '!h && /^(Subject|Version|Previous): / { next } /^$/ { h = 1 } !/^#/' "$template" |
			awk '/./ { body = 1 } body' | while IFS= read -r line; do
			case $line in
			@BASE@) printf '%s\n' "$base" | fmt -w 72 ;;
			@RANGE_DIFF@) grep -E '^ *([0-9]+|-): +[0-9a-f-]+ [=!<>] +([0-9]+|-): ' "$rd" | cut -c1-72 | sed 's/ *$//' ;;
			@TESTS@) tests_text "$g" ;;
			@NUMBERS@) sed 's/^/  /; s/ *$//' "$table" ;;
			*) printf '%s\n' "$line" ;;
			esac
		done
		echo
		git -C "$repo" shortlog -w72,2,4 "$from..$to" | sed -E "s/^[^ ].* \(([0-9]+)\):$/${id% <*} (\1):/"
		git -C "$repo" diff --stat=72 --summary "$from" "$to"
		echo
		printf 'base-commit: %s\n' "$base_id"
		for c in $(git -C "$repo" rev-list --reverse "base..$from"); do
			printf 'prerequisite-patch-id: %s\n' "$(git -C "$repo" show --pretty=format: "$c" | git patch-id --stable | cut -d' ' -f1)"
		done
		printf -- '-- \n%s\n\n' "$(git --version | sed 's/^git version //')"
	} >"$cover"
	! grep -q '@FAILED@' "$cover" ||
		die "posting $g: the cover letter claims tests the recorded runs do not back (above); nothing written to $out"

	{ echo 0000-cover-letter.patch; printf '%s\n' "${posted[@]}"; } >"$dir/series"
	for p in 0000-cover-letter.patch "${posted[@]}"; do
		cat "$dir/patches/$p"
		echo
	done >"$out.tmp/$g.mbox"

	# The same gate as the committed series, on what is about to be sent: numbered within the
	# posting, the cover letter's diffstat on top of the postings before it.
	base_patches=$(for ((j = 0; j < a; j++)); do printf '%s ' "$PATCH_DIR/${patches[$j]}"; done)
	SERIES=$dir/series PATCH_DIR=$dir/patches IDENTITY=$id BASE_PATCHES=$base_patches "$TOP/scripts/gate-format.sh" ||
		die "posting $g does not pass gate-format (above); nothing written to $out"
done
rm -rf "$out"
mv "$out.tmp" "$out"
for g in "${names[@]}"; do
	say "$out/$g.mbox: cover letter + $((last[$g] - first[$g] + 1)) patch(es) from $id"
done
say "send each with: git send-email --to=<list> $out/NAME.mbox (or b4 send)"
