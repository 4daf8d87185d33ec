#!/usr/bin/env bash
# make profile's report (scripts/profile-report.py): insnprof's blocks attributed to the kernel's
# functions by nm, each window named by the KTAP log's "# PROFILE" lines, a window with a
# "-faults" figure shown per fault, the largest difference first; windows that do not pair up
# with the log are an error, not a report.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

d=$HT_TMP/prof
mkdir -p "$d/a" "$d/b"
# A stand-in vmlinux: three functions with known addresses.
printf 'void f1(void) {}\nvoid f2(void) {}\nvoid f3(void) {}\n' >"$d/k.c"
gcc -c -O0 -o "$d/k.o" "$d/k.c"
addr() { nm "$d/k.o" | awk -v f="$1" '$3 == f { print $1 }'; }
a1=$(addr f1) a2=$(addr f2) a3=$(addr f3)
ktap() {
	printf '    # PROFILE fault\n    # BENCH fault 9 ns/fault\n    # BENCH fault-faults %s faults\n' "$1"
	printf 'ok 1 bench/x\n    # PROFILE gup\n'
}
ktap 10 >"$d/a/ktap.log"
ktap 10 >"$d/b/ktap.log"
# "window vaddr instructions executions"; f1 50/fault on both, f2 only on a, f3 only on b.
printf '1 %s 5 100\n1 %s 2 100\n2 %s 3 7\n# windows 2 unpaired 0\n' "$a1" "$a2" "$a3" >"$d/a/blocks.txt"
printf '1 %s 5 100\n1 %s 1 300\n2 %s 3 7\n# windows 2 unpaired 0\n' "$a1" "$a3" "$a3" >"$d/b/blocks.txt"
out=$(python3 "$HT_TOP/scripts/profile-report.py" a "$d/a" "$d/k.o" b "$d/b" "$d/k.o")
if grep -qE '^## fault \(per fault\)' <<<"$out"; then pass "a window with a fault count is per fault"; else fail "no per-fault window: $out"; fi
if grep -qE '^TOTAL +70\.0 +80\.0 +\+10\.0$' <<<"$out"; then pass "totals per fault and their difference"; else fail "fault totals: $out"; fi
first=$(sed -n '/^## fault/,/^$/p' <<<"$out" | sed -n 4p)
if grep -qE '^f3 +0\.0 +30\.0 +\+30\.0$' <<<"$first"; then pass "the largest difference first"; else fail "first function row: '$first'"; fi
if grep -qE '^f1 ' <<<"$(sed -n '/^## fault/,/^$/p' <<<"$out")"; then fail "a function without difference is listed"; else pass "a function without difference is left out"; fi
if grep -qE '^## gup \(per window\)' <<<"$out"; then pass "a window without fault count is per window"; else fail "no gup window: $out"; fi

# The log names one window fewer than insnprof saw.
printf '    # PROFILE fault\n' >"$d/b/ktap.log"
expect_fail "windows that do not pair up" "window 2, but the KTAP log names 1" \
	python3 "$HT_TOP/scripts/profile-report.py" a "$d/a" "$d/k.o" b "$d/b" "$d/k.o"
ht_exit
