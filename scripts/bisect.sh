#!/usr/bin/env bash
# Stage "bisect": every prefix of the series builds (and, with BISECT_BOOT=1, boots and passes
# the guest suite). One tree and one build directory, $BUILD_DIR/bisect, step by step: apply.sh
# pushes one more patch, the kernel build is incremental, so each step costs what the patch
# touches.
# BISECT_BOOT_FROM=N boots only from patch N on (the earlier steps are still built).
# Input: series, patches/, the pristine tree. Output: a table, one line per patch; logs of each
# step in $BUILD_DIR/bisect/logs-<n>/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SERIES=${SERIES:-$TOP/series}
export FLAVOUR=bisect
dir=$(flavour_dir bisect)
mkdir -p "$dir"
mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES" | awk '{print $1}')
[ ${#patches[@]} -gt 0 ] || { say "the series is empty: nothing to bisect"; exit 0; }

results=()
n=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	head -n "$n" < <(printf '%s\n' "${patches[@]}") >"$dir/series.$n"
	say "patch $n/${#patches[@]}: $p"
	start=$(date +%s)
	SERIES=$dir/series.$n "$TOP/scripts/apply.sh" || die "patch $n/${#patches[@]} $p does not apply"
	"$TOP/scripts/config.sh"
	if ! "$TOP/scripts/build.sh" >/dev/null || ! "$TOP/scripts/modules.sh" >/dev/null; then
		die "the kernel does not build after patch $n/${#patches[@]} $p"
	fi
	line="$n $p: builds ($(( $(date +%s) - start )) s)"
	if [ "${BISECT_BOOT:-0}" = 1 ] && [ "$n" -ge "${BISECT_BOOT_FROM:-1}" ]; then
		"$TOP/scripts/boot.sh" >/dev/null
		v=$("$TOP/scripts/verdict.sh" 2>/dev/null) ||
			die "the guest suite fails after patch $n/${#patches[@]} $p: $v (logs: $dir/logs)"
		rm -rf "$dir/logs-$n" && cp -r "$dir/logs" "$dir/logs-$n"
		line+=", boots: $v"
	fi
	results+=("$line")
done
printf '%s\n' "${results[@]}"
