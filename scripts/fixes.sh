#!/usr/bin/env bash
# The fixes of the series and what each one needs, from the changelogs alone: a fix is a patch
# whose changelog has a line starting "Cc: stable@vger.kernel.org"; its prerequisites are its
# changelog lines "Cc: stable@vger.kernel.org # needs: <subject of the prerequisite>" (the subject
# without its [PATCH n/N] prefix). The declarations are complete: nothing is derived.
# Checks, one line per problem:
#  - every "# needs:" subject is the subject of a patch earlier in series;
#  - the declarations are closed: if A needs B and B needs C, A declares C;
#  - every test a fix's "tests:" (series) claims is claimed only by the fix, patches it declares,
#    later patches and other fixes (scripts/expectations.sh would otherwise expect the test to fail without
#    them; FIXES_TESTS=0 leaves this one out: make fix-only asks scripts/expectations.sh itself);
#    a test also claimed by a later patch or another fix tests the fix with that patch: it is
#    not among the fix's own tests;
#  - no patch line of series carries the old "# stable" marker (the changelog says it now).
# Input: series, patches/ (SERIES, PATCH_DIR), the guest test lists (TEST_LISTS, default
# GUEST_LISTS of scripts/lib.sh).
# Output: one line per fix, in series order, "FIX<TAB>PREREQUISITES<TAB>TESTS" (comma-separated:
# prerequisites in series order, the fix's own test names; "-" for none); a problem makes it print nothing and exit non-zero.
#   scripts/fixes.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
read -r -a lists <<<"${TEST_LISTS:-$GUEST_LISTS}"
[ -f "$SERIES" ] || die "no series file at $SERIES"
bad=0
problem() { say "$*"; bad=1; }

mapfile -t patches < <(series_patches "$SERIES")
declare -A pos subj_pos
subjects=()
i=0
for p in "${patches[@]}"; do
	[ -f "$PATCH_DIR/$p" ] || die "series names $p, which is not in ${PATCH_DIR#"$TOP"/}/"
	pos[$p]=$i
	s=$(patch_subject "$PATCH_DIR/$p")
	subjects+=("$s")
	if [ -n "${subj_pos[$s]+x}" ]; then
		problem "$p and ${patches[${subj_pos[$s]}]} have the same subject '$s' (a '# needs:' could not tell them apart)"
	else
		subj_pos[$s]=$i
	fi
	i=$((i + 1))
done

while read -r p _; do
	problem "series: $p: the '# stable' marker is gone (a fix is a patch with 'Cc: stable@vger.kernel.org' in its changelog): remove it"
done < <(grep -E '^[^#[:space:]]+[[:space:]]+#[[:space:]]*stable([[:space:]]|$)' "$SERIES" || true)

# Each fix's declared prerequisites, as series positions.
declare -A need
fixes=()
for i in "${!patches[@]}"; do
	p=${patches[$i]}
	patch_is_fix "$PATCH_DIR/$p" || continue
	fixes+=("$i")
	need[$i]=
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		j=${subj_pos[$s]-}
		if [ -z "$j" ]; then
			problem "$p: 'Cc: stable@vger.kernel.org # needs: $s': no patch in series has that subject"
		elif [ "$j" -ge "$i" ]; then
			problem "$p: 'Cc: stable@vger.kernel.org # needs: $s': that is ${patches[$j]}, which does not come before it in series"
		else
			need[$i]+=" $j"
		fi
	done < <(patch_needs "$PATCH_DIR/$p")
done

# is_fix I: patch I is a fix.
is_fix() { [[ " ${fixes[*]} " == *" $1 "* ]]; }
# has I J: fix I declares patch J.
has() { [[ " ${need[$1]} " == *" $2 "* ]]; }

# Closed: what a declared fix needs, the fix declares too.
for i in "${fixes[@]}"; do
	for j in ${need[$i]}; do
		[ -n "${need[$j]+x}" ] || continue
		for k in ${need[$j]}; do
			has "$i" "$k" ||
				problem "fix ${patches[$i]} needs ${patches[$j]}, which needs ${patches[$k]}: add 'Cc: stable@vger.kernel.org # needs: ${subjects[$k]}' to ${patches[$i]}"
		done
	done
done

# Every test a fix claims is claimed by nothing outside the fix and its prerequisites, or else by a
# later patch or another fix: such a test proves the fix together with that patch (two fixes for
# one test, say), so it runs with the whole series (and pristine), not with the fix alone. A
# fix's own tests are the rest, by name; an earlier patch that is not a fix must be declared.
mapfile -t claims < <(series_claims "$SERIES")
mapfile -t names < <(test_names "${lists[@]}")
declare -A globs own
for c in "${claims[@]}"; do
	globs[${c%% *}]+="${globs[${c%% *}]:+,}${c#* }"
done
for i in "${fixes[@]}"; do
	p=${patches[$i]}
	IFS=, read -r -a mine <<<"${globs[$p]-}"
	for t in "${names[@]}"; do
		hit=0
		for g in "${mine[@]}"; do
			# shellcheck disable=SC2053 # the glob is a pattern
			[[ $t == $g ]] && hit=1
		done
		[ "$hit" = 1 ] || continue
		later=0
		for c in "${claims[@]}"; do
			q=${c%% *} g=${c#* }
			# shellcheck disable=SC2053
			[[ $t == $g ]] || continue
			[ "$q" = "$p" ] && continue
			[ -n "${pos[$q]-}" ] && has "$i" "${pos[$q]}" && continue
			if [ -n "${pos[$q]-}" ] && { [ "${pos[$q]}" -gt "$i" ] || is_fix "${pos[$q]}"; }; then
				later=1
				continue
			fi
			[ "${FIXES_TESTS:-1}" = 1 ] &&
				problem "fix $p's test $t also needs $q, which $p does not declare"
		done
		[ "$later" = 1 ] || own[$p]+="${own[$p]:+,}$t"
	done
done

[ "$bad" -eq 0 ] || die "the fixes' declarations in the changelogs and series disagree (above)"
for i in "${fixes[@]}"; do
	p=${patches[$i]}
	pre=$(for j in ${need[$i]}; do echo "$j"; done | sort -n | while read -r j; do echo "${patches[$j]}"; done | paste -sd,)
	printf '%s\t%s\t%s\n' "$p" "${pre:--}" "${own[$p]:--}"
done
