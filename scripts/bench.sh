#!/usr/bin/env bash
# Stage "bench": boot the kernels of BENCH_RUNS (pristine, fixes, patched; same config, same
# image, same NVDIMM layout) with the benchmarks of test/bench.list, collect their figures, report.
# Input: $BUILD_DIR/<flavour>/obj/$KERNEL_IMAGE_PATH (scripts/bench-kernels.sh builds them),
# $BUILD_DIR/guest/initramfs.cpio.gz,
# conf/bench.env (runs, repetitions, accelerator), conf/guest.env, conf/nvdimm.layout.
# Output: $BUILD_DIR/bench/<run>/{console,ktap,qemu}.log for every boot, and
# $BUILD_DIR/bench/{results.tsv,results.md,results.svg,cover-table.txt} (scripts/bench-report.py).
# Fails, naming the run, when a boot fails, a benchmark fails or the kernel log has a splat.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd python3 gnuplot
# shellcheck source=../conf/bench.env
. "$TOP/conf/bench.env"

out=$BUILD_DIR/bench
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
case $BENCH_ACCEL in
tcg) qemu_args="-icount $BENCH_ICOUNT" clock="guest clock = instruction count (-icount $BENCH_ICOUNT)" ;;
kvm) qemu_args="" clock="wall clock (KVM)" ;;
*) die "BENCH_ACCEL=$BENCH_ACCEL: expected tcg or kvm" ;;
esac

# The runs: "<label> <flavour>", the label numbering repeated flavours (pristine.1, pristine.2).
declare -A seen=()
runs=()
for f in $BENCH_RUNS; do
	[ -f "$(flavour_dir "$f")/obj/$KERNEL_IMAGE_PATH" ] || die "no $f kernel (run 'make bench', which builds it)"
	seen[$f]=$(( ${seen[$f]:-0} + 1 ))
	runs+=("$f.${seen[$f]} $f")
done

{
	printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'host\t%s, %s cores, %s GiB\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
		"$(nproc)" "$(awk '/^MemTotal/ { printf "%d", $2 / 1048576 }' /proc/meminfo)"
	printf 'accel\t%s\n' "$BENCH_ACCEL"
	printf 'clock\t%s\n' "$clock"
	printf 'guest\t%s vCPU, %s\n' "$BENCH_CPUS" "$(. "$TOP/conf/guest.bench.env"; . "$TOP/conf/guest.env"
		echo "$GUEST_MEM RAM, $GUEST_NODES NUMA node(s), -cpu $GUEST_CPU")"
	printf 'reps\t%s\n' "$BENCH_REPS"
	printf 'params\t%s\n' "$BENCH_PARAMS"
	printf 'runs\t%s\n' "$BENCH_RUNS"
	printf 'series\t%s\n' "$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
} >"$out.tmp/machine.tsv"

printf 'run\tflavour\tbenchmark\tmetric\tvalue\tunit\n' >"$out.tmp/results.tsv"
for r in "${runs[@]}"; do
	read -r label flavour <<<"$r"
	say "run $label: $flavour kernel, $BENCH_REPS repetitions, $BENCH_ACCEL"
	t0=$(date +%s)
	LOGS=$out.tmp/$label FLAVOUR=$flavour TESTS=$BENCH_TESTS ACCEL=$BENCH_ACCEL \
		GUEST_CPUS=$BENCH_CPUS QEMU_ARGS=$qemu_args NVDIMM_PREFILL=1 \
		LIST=bench GUEST_PARAMS="harness.reps=$BENCH_REPS $BENCH_PARAMS" \
		"$TOP/scripts/boot.sh" || die "run $label: the boot failed (logs: $out.tmp/$label)"
	LOGS=$out.tmp/$label FLAVOUR=$flavour "$TOP/scripts/verdict.sh" >/dev/null ||
		die "run $label: a benchmark failed or the kernel complained (logs: $out.tmp/$label)"
	printf 'wall-clock\t%s\t%s s\n' "$label" "$(( $(date +%s) - t0 ))" >>"$out.tmp/machine.tsv"
	# "# BENCH metric value unit" lines belong to the benchmark whose result line follows them.
	# The guest's serial port ends lines with CR LF.
	awk -v run="$label" -v flavour="$flavour" '
		{ sub(/\r$/, "") }
		/^ +# BENCH / { n++; m[n] = $3; v[n] = $4; u[n] = $5; next }
		/^(not )?ok [0-9]+ / { for (i = 1; i <= n; i++) printf "%s\t%s\t%s\t%s\t%s\t%s\n", run, flavour, $3, m[i], v[i], u[i]; n = 0 }
	' "$out.tmp/$label/ktap.log" >>"$out.tmp/results.tsv"
done

python3 "$TOP/scripts/bench-report.py" "$out.tmp"
rm -rf "$out"
mv "$out.tmp" "$out"
cat "$out/results.md"
say "results: ${out#"$TOP"/}/results.md, plot: ${out#"$TOP"/}/results.svg"
# The figures in build/kcidb.json too (and build/results.json refreshed).
BUILD_DIR=$BUILD_DIR python3 "$TOP/scripts/summary.py" --json || say "could not write $BUILD_DIR/kcidb.json"
