#!/usr/bin/env bash
# Stage "profile": where each benchmark's kernel instructions go, function by function. Boots the
# kernels of PROFILE_RUNS (built as `make bench` builds them) under TCG with the insnprof plugin
# (scripts/insnprof.c), runs the benchmarks PROFILE_TESTS of test/bench.list once, and reports the
# instructions of every kernel function inside each of dax_bench's measured windows, the
# flavours side by side, largest differences first (scripts/profile-report.py).
# Input: $BUILD_DIR/<flavour>/obj/{vmlinux,$KERNEL_IMAGE_PATH}, $BUILD_DIR/guest/initramfs.cpio.gz,
# scripts/insnprof.c, conf/bench.env (the guest's CPUs and parameters).
# Output: $BUILD_DIR/profile/insnprof.so, $BUILD_DIR/profile/<flavour>/{blocks.txt,ktap.log,
# console.log,qemu.log}, $BUILD_DIR/profile/report.txt (printed).
# Fails, naming the flavour, when a boot fails, a benchmark fails or the windows do not pair up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd gcc python3 nm
# shellcheck source=../conf/bench.env
. "$TOP/conf/bench.env"

PROFILE_RUNS=${PROFILE_RUNS:-"pristine fixes patched"}
PROFILE_TESTS=${PROFILE_TESTS:-bench/devdax-4k}
# Repetitions inside the guest: each window is averaged over them (the first disable runs before
# any mapping, the later ones after a repetition's workload).
PROFILE_REPS=${PROFILE_REPS:-1}
[ "$ARCH" = x86_64 ] || die "ARCH=$ARCH: make profile runs the x86_64 guest only"

out=$BUILD_DIR/profile
mkdir -p "$out"
# The plugin needs QEMU's plugin support (Debian's QEMU has it) and no header of QEMU's.
gcc -O2 -shared -fPIC -Wall -Wextra -Werror -o "$out/insnprof.so.tmp" "$TOP/scripts/insnprof.c" ||
	die "cannot build the QEMU plugin scripts/insnprof.c"
mv "$out/insnprof.so.tmp" "$out/insnprof.so"

# dax_bench's window markers (test/Makefile links them at PROFILE_MARKERS).
bench_bin=$BUILD_DIR/guest/tests/bin/dax_bench
[ -x "$bench_bin" ] || die "no $bench_bin (make image builds it)"
begin=$(nm "$bench_bin" | awk '$3 == "profile_begin" { print $1 }')
end=$(nm "$bench_bin" | awk '$3 == "profile_end" { print $1 }')
if [ -z "$begin" ] || [ -z "$end" ]; then
	die "$bench_bin has no profile_begin/profile_end markers"
fi

args=()
for f in $PROFILE_RUNS; do
	dir=$(flavour_dir "$f")
	if [ ! -f "$dir/obj/$KERNEL_IMAGE_PATH" ] || [ ! -f "$dir/obj/vmlinux" ]; then
		die "no $f kernel (make profile builds the flavours of PROFILE_RUNS)"
	fi
	logs=$out/$f
	rm -rf "$logs"
	mkdir -p "$logs"
	say "$f: $PROFILE_TESTS under TCG with insnprof (about 3 times as slow as make bench)"
	LOGS=$logs FLAVOUR=$f TESTS=$PROFILE_TESTS ACCEL=tcg GUEST_CPUS=$BENCH_CPUS \
		QEMU_ARGS="-icount $BENCH_ICOUNT -plugin $out/insnprof.so,out=$logs/blocks.txt,begin=$begin,end=$end" \
		NVDIMM_PREFILL=1 LIST=bench GUEST_PARAMS="harness.reps=$PROFILE_REPS nokaslr $BENCH_PARAMS" \
		"$TOP/scripts/boot.sh" || die "$f: the boot failed (logs: $logs)"
	LOGS=$logs FLAVOUR=$f "$TOP/scripts/verdict.sh" >/dev/null ||
		die "$f: a benchmark failed or the kernel complained (logs: $logs)"
	args+=("$f" "$logs" "$dir/obj/vmlinux")
done
python3 "$TOP/scripts/profile-report.py" "${args[@]}" >"$out/report.txt.tmp" ||
	die "the report failed (logs: $out)"
mv "$out/report.txt.tmp" "$out/report.txt"
cat "$out/report.txt"
say "report: ${out#"$TOP"/}/report.txt"
