#!/usr/bin/env bash
# make honesty: every group of guest tests can fail. Builds the series plus
# test/honesty/sabotage.patch as flavour "sabotage" (its own tree and build), then for each line
# of test/honesty.list boots it with that breakage and only the tests that must catch it, and
# requires each of them to fail ("not ok", not an expected failure). Then, for each line of
# test/honesty-fixes.list, a fix with one prerequisite left undeclared must fail make fix-only.
# Input: series, patches/, test/honesty/sabotage.patch, test/honesty.list, test/honesty-fixes.list;
# HONESTY (comma-separated names of test/honesty.list): only those breakages, no fix-only part.
# Output: a table, one line per breakage; logs in $BUILD_DIR/sabotage/honesty/<name>/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

list=$TOP/test/honesty.list
only=${HONESTY:-}
if [ -n "$only" ]; then
	IFS=, read -r -a names <<<"$only"
	for n in "${names[@]}"; do
		awk -v n="$n" '$1 == n { f = 1 } END { exit !f }' "$list" || die "HONESTY: no breakage '$n' in test/honesty.list"
	done
fi
dir=$(flavour_dir sabotage)
mkdir -p "$dir/patches"
# The series' patches and the sabotage, in one patch directory for quilt.
ln -sf "$TOP"/patches/*.patch "$dir/patches/"
cp "$TOP/test/honesty/sabotage.patch" "$dir/patches/"
{ sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/series" | awk '{print $1}'; echo sabotage.patch; } >"$dir/series"
export FLAVOUR=sabotage SERIES_ANNOTATED=$TOP/series SERIES=$dir/series PATCH_DIR=$dir/patches
"$TOP/scripts/apply.sh"
"$TOP/scripts/config.sh"
"$TOP/scripts/build.sh"
"$TOP/scripts/modules.sh"

results=() bad=0
while read -r name bits env tests; do
	[ -z "$only" ] || [[ ,$only, == *",$name,"* ]] || continue
	logs=$dir/honesty/$name
	rm -rf "$logs"
	mkdir -p "$logs"
	envs=()
	[ "$env" = - ] || IFS=, read -r -a envs <<<"$env"
	say "$name: harness_sabotage=$bits${envs[*]:+ ${envs[*]}}, must fail: $tests"
	for l in $(TESTS=$tests "$TOP/scripts/suites.sh"); do
		env "${envs[@]}" LIST="$l" TESTS="$tests" LOGS="$logs/$l" GUEST_PARAMS="harness_sabotage=$bits" \
			"$TOP/scripts/boot.sh" >"$logs/boot-$l.log" 2>&1 || say "$name: the boot of test/$l.list failed (see $logs/$l)"
	done
	caught=() missed=()
	IFS=, read -r -a want <<<"$tests"
	for t in "${want[@]}"; do
		if grep -qE "^not ok [0-9]+ $t( |\$)" <<<"$(cat "$logs"/*/ktap.log 2>/dev/null | tr -d '\r')"; then
			caught+=("$t")
		else
			missed+=("$t")
		fi
	done
	if [ ${#missed[@]} -eq 0 ]; then
		results+=("$name ($bits): all ${#caught[@]} failed: ${caught[*]}")
	else
		results+=("$name ($bits): NOT CAUGHT by ${missed[*]}${caught[*]:+ (failed: ${caught[*]})}")
		bad=1
	fi
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list")

# Second part (test/honesty-fixes.list): a fix with one prerequisite left undeclared must fail
# make fix-only, in a copy of patches/ whose changelog of the fix lacks that "# needs:" line.
fixes_dir=$(flavour_dir honesty-fixes)
while read -r fix subject; do
	rm -rf "$fixes_dir/patches"
	mkdir -p "$fixes_dir/patches"
	cp "$TOP"/patches/*.patch "$fixes_dir/patches/"
	found=("$fixes_dir/patches/$fix"-*.patch)
	f=${found[0]}
	[ -f "$f" ] || die "test/honesty-fixes.list: no patch $fix-*.patch"
	NEEDS="Cc: stable@vger.kernel.org # needs: $subject" perl -ni -e 'print unless $_ eq "$ENV{NEEDS}\n"' "$f"
	cmp -s "$f" "$TOP/patches/${f##*/}" && die "test/honesty-fixes.list: ${f##*/} does not declare '$subject'"
	log=$fixes_dir/fix-$fix-$(printf '%s' "$subject" | tr -c 'A-Za-z0-9' '-' | cut -c1-40).log
	fix_logs=$(flavour_dir fix-only)/logs-$fix
	rm -rf "$fix_logs"
	say "fix $fix without its declared '$subject': make fix-only must fail"
	# The whole series, not the sabotage one, in the copy of patches/.
	if env -u SERIES_ANNOTATED -u FLAVOUR SERIES="$TOP/series" PATCH_DIR="$fixes_dir/patches" \
		FIX="$fix" "$TOP/scripts/fix-only.sh" >"$log" 2>&1; then
		results+=("fix $fix without '$subject': NOT CAUGHT, make fix-only passed (log: $log)")
		bad=1
		continue
	fi
	# It must fail for the reason: a test of the fix failed, or the fix does not apply.
	failed=$(cat "$fix_logs"/*/ktap.log 2>/dev/null | tr -d '\r' | grep -E '^not ok [0-9]+ ' |
		sed -E 's/^not ok [0-9]+ ([^ ]+).*/\1/' | paste -sd, || true)
	if [ -n "$failed" ]; then
		results+=("fix $fix without '$subject': make fix-only failed, as it must: $failed")
	elif grep -q 'does not apply' "$log"; then
		results+=("fix $fix without '$subject': make fix-only failed, as it must: the fix does not apply")
	else
		results+=("fix $fix without '$subject': make fix-only failed, but not in a test (log: $log)")
		bad=1
	fi
done < <([ -n "$only" ] || sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/test/honesty-fixes.list")

printf '%s\n' "${results[@]}"
[ "$bad" -eq 0 ] || die "a breakage went unnoticed by a test that must catch it (logs: $dir/honesty/)"
say "every breakage was caught"
