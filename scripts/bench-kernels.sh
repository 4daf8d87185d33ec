#!/usr/bin/env bash
# Stage "bench" (its kernels): build every flavour that conf/bench.env's BENCH_RUNS boots, with
# the same config: pristine (v7.2.8), patched (the whole series) and fixes (v7.2.8 + the posting
# "fixes" of `series`, the base the devmap posting names: its runs separate what the fixes
# posting changes from what the devmap posting changes).
# Input: series, patches/, conf/bench.env. Output: $BUILD_DIR/<flavour>/obj/, and for fixes
# $BUILD_DIR/fixes.series (the posting's lines of `series`, which `make FLAVOUR=fixes` applies).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"
# shellcheck source=../conf/bench.env
. "$TOP/conf/bench.env"

for f in $(tr ' ' '\n' <<<"$BENCH_RUNS" | sort -u); do
	case $f in
	pristine|patched) make -C "$TOP" --no-print-directory FLAVOUR="$f" build ;;
	fixes)
		series_postings "$TOP/series" | awk '$1 == "fixes" { print $2 }' >"$BUILD_DIR/fixes.series"
		[ -s "$BUILD_DIR/fixes.series" ] || die "BENCH_RUNS names fixes, but series has no '## posting fixes'"
		make -C "$TOP" --no-print-directory FLAVOUR=fixes SERIES="$BUILD_DIR/fixes.series" build ;;
	*) die "BENCH_RUNS: unknown flavour '$f' (pristine, fixes, patched)" ;;
	esac
done
