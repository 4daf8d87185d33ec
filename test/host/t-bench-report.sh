#!/usr/bin/env bash
# The bench report reads ratios only where the figures allow it: a clear difference is faster or
# slower (by the unit's direction), overlapping ranges, differences no larger than the null run's
# or inside its range, and differences under 1% are "same"; no figures at all is an error.
# gnuplot is a stub here (the plot is made by a real `make bench`); the stub checks that it is
# given the data file.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

dir=$HT_TMP/bench
mkdir -p "$dir" "$HT_TMP/bin"
cat >"$HT_TMP/bin/gnuplot" <<'EOS'
#!/bin/sh
grep -q "plot.dat" && touch "${0%/bin/gnuplot}/gnuplot-ran"
EOS
chmod +x "$HT_TMP/bin/gnuplot"
export PATH=$HT_TMP/bin:$PATH
printf 'reps\t3\nclock\ttest clock\n' >"$dir/machine.tsv"
# row RUN FLAVOUR METRIC UNIT VALUE...
row() {
	local run=$1 flavour=$2 metric=$3 unit=$4 v
	shift 4
	for v in "$@"; do printf '%s\t%s\tbench/x-2m\t%s\t%s\t%s\n' "$run" "$flavour" "$metric" "$v" "$unit"; done
}
{
	printf 'run\tflavour\tbenchmark\tmetric\tvalue\tunit\n'
	row pristine.1 pristine fault ns/fault 100 101 102
	row patched.1 patched fault ns/fault 80 81 82
	row pristine.2 pristine fault ns/fault 100 101 102
	row pristine.1 pristine dio MiB/s 100 101 102
	row patched.1 patched dio MiB/s 80 81 82
	row pristine.2 pristine dio MiB/s 100 101 102
	row pristine.1 pristine gup ns/page 100 101 130
	row patched.1 patched gup ns/page 110 111 112
	row pristine.2 pristine gup ns/page 100 101 102
	row pristine.1 pristine fork ns 100 100 100
	row patched.1 patched fork ns 103 103 103
	row pristine.2 pristine fork ns 95 95 95
	row pristine.1 pristine tiny ns 100 100 100
	row patched.1 patched tiny ns 100.5 100.5 100.5
	row pristine.2 pristine tiny ns 100 100 100
	row pristine.1 pristine bimodal ns 100 101 102
	row patched.1 patched bimodal ns 70 70 70
	row pristine.2 pristine bimodal ns 60 100 160
	row pristine.1 pristine flt faults 512 512 512
	row patched.1 patched flt faults 512 512 512
	row pristine.2 pristine flt faults 512 512 512
} >"$dir/results.tsv"

expect_ok "report" python3 "$HT_TOP/scripts/bench-report.py" "$dir"
reads() { # METRIC READING
	if grep -qE "^\| bench/x-2m \| $1 \|.*\| $2" "$dir/results.md"; then
		pass "$1 read as '$2'"
	else
		fail "$1: expected '$2', results.md has: $(grep "| $1 |" "$dir/results.md" || echo nothing)"
	fi
}
reads fault 'faster \(20%\)'
reads dio 'slower \(20%\)'
reads gup 'same \(ranges overlap\)'
reads fork 'same \(within the null run\)'
reads flt 'same'
reads tiny 'same \(under 1%\)'
reads bimodal 'same \(within the null run\)'
if grep -q "fault .* 101 .* 81.0 .*faster" "$dir/cover-table.txt"; then
	pass "cover table"
else
	fail "cover table: $(cat "$dir/cover-table.txt")"
fi
if [ -f "$HT_TMP/gnuplot-ran" ]; then
	pass "plot made from plot.dat"
else
	fail "gnuplot was not run on plot.dat"
fi

# With a fixes run (v7.2.8 + the fixes posting): the reading is still the series' (patched /
# pristine), and the series / fixes ratio has a column of its own, in results.md and in the
# cover table.
{
	printf 'run\tflavour\tbenchmark\tmetric\tvalue\tunit\n'
	row pristine.1 pristine fault ns/fault 100 101 102
	row fixes.1 fixes fault ns/fault 50 50 50
	row patched.1 patched fault ns/fault 40 40 40
	row pristine.2 pristine fault ns/fault 100 101 102
} >"$dir/results.tsv"
expect_ok "report with a fixes run" python3 "$HT_TOP/scripts/bench-report.py" "$dir"
reads fault '0.396 \(0.39-0.40\) \| 1.000 \(0.98-1.02\) \| 0.800 \(0.80-0.80\) \| faster \(60%\)'
if grep -qE "^2m +fault +ns/fault +101 +50.0 +40.0 +0.396 +0.800 +faster" "$dir/cover-table.txt"; then
	pass "cover table with the fixes column"
else
	fail "cover table with a fixes run: $(cat "$dir/cover-table.txt")"
fi

head -n 1 "$dir/results.tsv" >"$dir/empty.tsv"
mv "$dir/empty.tsv" "$dir/results.tsv"
expect_fail "no figures" "no figures" python3 "$HT_TOP/scripts/bench-report.py" "$dir"
ht_exit
