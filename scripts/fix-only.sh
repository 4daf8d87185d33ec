#!/usr/bin/env bash
# Stage "fix-only": every fix for -stable stands alone on pristine v7.2.8. For one fix: pristine +
# exactly its declared prerequisites + the fix, in series order (scripts/fixes.sh: the changelog's
# "Cc: stable@vger.kernel.org # needs: <subject>" lines; nothing is derived), built and booted with
# exactly the tests the fix claims in series ("tests:"; TESTS is ignored), each of which must pass:
# a failure, a skip or an expected failure fails the fix. Before anything is built, every selected
# fix is checked: if scripts/expectations.sh would expect one of its tests to fail or be skipped
# on that subset, the run stops naming the patch the fix does not declare.
#   FIX=<patch file name, with or without .patch, or its number: 0005 or 5>  that fix alone
#   (no FIX)                                                              every fix in series order
# One tree and one build directory, $BUILD_DIR/fix-only, as make bisect does: apply.sh pops back
# to what the next fix shares with the last one and pushes the rest; the build is incremental.
# A fix that fails does not stop the next; the run fails at the end.
# Input: series, patches/, the pristine tree (make unpack), the guest image (make image; shared,
# never rebuilt here), test/*.list.
# Output: a table on stdout (fix, prerequisites, tests, result, seconds); for each fix NNNN (the
# number its file name starts with), its subset of the series in $BUILD_DIR/fix-only/series-NNNN
# and the logs of its boots in $BUILD_DIR/fix-only/logs-NNNN/LIST/ (LIST: tests, ndctl, nfit; with
# MODULES=1 on another architecture the tree is $BUILD_DIR/fix-only-modules). A claimed test of a
# list this kernel does not boot (SUITES) is named in the result, which is then not "passed" if
# nothing else ran.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"

SERIES=$(realpath "${SERIES:-$TOP/series}")
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
# A modular kernel of another architecture (make ARCH=... MODULES=1 fix-only: FIX_KIND=modules)
# has a tree of its own.
export FLAVOUR=fix-only${FIX_KIND:+-$FIX_KIND} PATCH_DIR SERIES_ANNOTATED=$SERIES
read -r -a lists <<<"${TEST_LISTS:-$GUEST_LISTS}"
dir=$(flavour_dir "$FLAVOUR")
mkdir -p "$dir"

# The fixes: "FIX PREREQUISITES GLOBS" (the test claims are checked below, by expectations).
table=$(FIXES_TESTS=0 SERIES=$SERIES "$TOP/scripts/fixes.sh") ||
	die "the fixes' declarations are wrong (above; make lint checks the same)"
[ -n "$table" ] || die "no patch of series is a fix (none has 'Cc: stable@vger.kernel.org' in its changelog)"
mapfile -t patches < <(series_patches "$SERIES")

# num PATCH: the number its file name starts with (its position in series if none).
num() {
	local i
	if [[ $1 =~ ^([0-9]{4})- ]]; then echo "${BASH_REMATCH[1]}"; return; fi
	for i in "${!patches[@]}"; do [ "${patches[$i]}" = "$1" ] && printf '%04d\n' $((i + 1)); done
}

# The fixes to run.
sel=()
if [ -n "${FIX:-}" ]; then
	want=
	for p in "${patches[@]}"; do
		case $FIX in
		"$p" | "${p%.patch}") want=$p ;;
		*[!0-9]* | '') ;;
		*) [ "$(num "$p")" = "$(printf '%04d' $((10#$FIX)))" ] && want=$p ;;
		esac
	done
	[ -n "$want" ] || die "FIX=$FIX: no patch of series has that name or number"
	line=$(awk -F'\t' -v p="$want" '$1 == p' <<<"$table")
	[ -n "$line" ] || die "FIX=$FIX: $want is not a fix (its changelog has no 'Cc: stable@vger.kernel.org')"
	sel=("$line")
else
	mapfile -t sel <<<"$table"
fi

mapfile -t claims < <(series_claims "$SERIES")
mapfile -t names < <(test_names "${lists[@]}")
# subset PREREQUISITES FIX: the patches of the fix's tree, one per line, in series order.
subset() { { tr ',' '\n' <<<"$1" | grep -vx -- - || true; }; echo "$2"; }
# tests_of GLOBS: the test names the comma-separated globs match.
tests_of() {
	local t g
	IFS=, read -r -a gs <<<"$1"
	for t in "${names[@]}"; do
		for g in "${gs[@]}"; do
			# shellcheck disable=SC2053 # the glob is a pattern
			if [[ $t == $g ]]; then echo "$t"; break; fi
		done
	done
}

# Before building anything: with each fix's subset, every test it claims is expected to pass.
for line in "${sel[@]}"; do
	IFS=$'\t' read -r fix pre globs <<<"$line"
	[ "$globs" != - ] || continue
	sub=$(subset "$pre" "$fix")
	awk '{ print "- " $0 }' <<<"$sub" >"$dir/applied.check"
	expect=$(for l in "${lists[@]}"; do
		[ ! -f "$l" ] || TEST_LIST=$l APPLIED=$dir/applied.check "$TOP/scripts/expectations.sh" fix-only
	done)
	rm -f "$dir/applied.check"
	off=,$(sed -n 's/^xfail //p; s/^skip //p' <<<"$expect" | paste -sd,),
	while read -r t; do
		[[ $off == *",$t,"* ]] || continue
		for c in "${claims[@]}"; do
			q=${c%% *} g=${c#* }
			# shellcheck disable=SC2053
			[[ $t == $g ]] || continue
			grep -qxF -- "$q" <<<"$sub" || die "fix $fix: test $t also needs patch $q, which $fix does not declare"
		done
		die "fix $fix: test $t is expected to fail or be skipped with the fix and its prerequisites (scripts/expectations.sh)"
	done < <(tests_of "$globs")
done

rows=() bad=0
for line in "${sel[@]}"; do
	IFS=$'\t' read -r fix pre globs <<<"$line"
	n=$(num "$fix")
	start=$(date +%s)
	subset "$pre" "$fix" >"$dir/series-$n"
	logs=$dir/logs-$n
	rm -rf "$logs"
	mkdir -p "$logs"
	say "fix $n $fix: pristine + $(($(wc -l <"$dir/series-$n") - 1)) prerequisite(s) + the fix; tests: $globs"
	result=
	if ! SERIES=$dir/series-$n "$TOP/scripts/apply.sh"; then
		result="FAILED: does not apply"
	elif ! "$TOP/scripts/config.sh" || ! "$TOP/scripts/build.sh" >/dev/null ||
		! "$TOP/scripts/modules.sh" >/dev/null; then
		result="FAILED: does not build"
	elif [ "$globs" = - ]; then
		result="builds (claims no tests)"
	else
		# The lists this kernel boots (SUITES) that have a claimed test; a claimed test of
		# another list (not in SUITES) is named, not counted.
		booted=$(TESTS=$globs "$TOP/scripts/suites.sh" 2>/dev/null) || booted=
		bnames=$(for l in $booted; do test_names "$TOP/test/$l.list"; done)
		unrun=$(tests_of "$globs" | grep -vxF -- "$bnames" | paste -sd, || true)
		[ -n "$bnames" ] || unrun=$(tests_of "$globs" | paste -sd,)
		result=passed
		[ -n "$booted" ] || result=builds
		verdicts=()
		for l in $booted; do
			if ! LIST=$l TESTS=$globs LOGS=$logs/$l "$TOP/scripts/boot.sh"; then
				result="FAILED: the boot of test/$l.list failed (logs: $logs/$l)"
				break
			fi
			v=$(LIST=$l LOGS=$logs/$l "$TOP/scripts/verdict.sh") || result="FAILED"
			v=${v% (fix-only kernel)}
			verdicts+=("$v")
			# Every claimed test must pass: no skip, no expected failure.
			if ! [[ $v =~ ^([0-9]+)\ passed,\ 0\ failed,\ 0\ skipped(,\ test/.*)?$ ]] || [ "${BASH_REMATCH[1]}" -eq 0 ]; then
				result="FAILED"
			fi
		done
		[ ${#verdicts[@]} -eq 0 ] || result+=": $(printf '%s; ' "${verdicts[@]}" | sed 's/; $//')"
		[ -z "$unrun" ] || result+="; not booted by this kernel: $unrun (make fix-only FIX=$n with SUITES naming its list)"
	fi
	case $result in FAILED*) bad=1; say "fix $n $fix: $result (logs: $logs)" ;; esac
	short=$(tr ',' '\n' <<<"$pre" | while read -r p; do if [ "$p" = - ]; then echo -; else num "$p"; fi; done | paste -sd,)
	rows+=("$fix"$'\t'"$short"$'\t'"$globs"$'\t'"$result"$'\t'"$(($(date +%s) - start))")
done

{
	printf 'fix\tprerequisites\ttests\tresult\ts\n'
	printf '%s\n' "${rows[@]}"
} | column -t -s $'\t'
[ "$bad" -eq 0 ] || die "a fix does not stand alone on pristine v$LINUX_VERSION (above)"
