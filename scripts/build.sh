#!/usr/bin/env bash
# Stage "build": build the flavour's bzImage out of tree, through ccache.
# Input: the flavour's tree and obj/.config. Output: $BUILD_DIR/<flavour>/obj/arch/x86/boot/bzImage;
# the full build output in $BUILD_DIR/<flavour>/obj/build.log.
# For other uses (scripts/gate-build.sh): OBJ_NAME (default obj), KARCH (the kernel's ARCH) and
# BUILD_TARGETS (default bzImage; e.g. a list of objects).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOUR=${FLAVOUR:-patched}
JOBS=${JOBS:-$(nproc)}
dir=$(flavour_dir "$FLAVOUR")
tree=$dir/$TREE_NAME
obj=$dir/${OBJ_NAME:-obj}
targets=${BUILD_TARGETS:-bzImage}
[ -f "$obj/.config" ] || die "no $obj/.config (run 'make config')"

cc=gcc
if [ "${CCACHE:-1}" = 1 ] && command -v ccache >/dev/null; then
	cc="ccache gcc"
	# Same relative layout for every flavour (<flavour>/obj -> ../linux-x.y.z), so the
	# pristine and patched builds share cache entries for every unchanged file.
	export CCACHE_BASEDIR=$BUILD_DIR CCACHE_NOHASHDIR=1
fi
# Reproducible version strings keep init/version.o cacheable.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026' KBUILD_BUILD_USER=devmap KBUILD_BUILD_HOST=harness

log=$obj/build.log
say "building $FLAVOUR${KARCH:+ ($KARCH)} ($JOBS jobs, log: ${log#"$TOP"/})"
start=$(date +%s)
# Quiet unless V is set (V=1 streams the build, with the kernel's full command lines): a line
# every 30 s. make is stopped with this script, never left running on its own.
rc=0
# shellcheck disable=SC2086 # targets is a list
if [ -n "${V:-}" ]; then
	make -C "$tree" O="$obj" ${KARCH:+ARCH=$KARCH} CC="$cc" -j"$JOBS" V="$V" $targets 2>&1 | tee "$log" |
		{ grep -v '^make\[[0-9]*\]: \(Entering\|Leaving\)' || true; } || rc=$?
else
	make -C "$tree" O="$obj" ${KARCH:+ARCH=$KARCH} CC="$cc" -j"$JOBS" $targets >"$log" 2>&1 &
	make_pid=$!
	trap 'kill "$make_pid" 2>/dev/null; wait "$make_pid" 2>/dev/null' EXIT
	trap 'exit 143' TERM INT
	next=$((start + 30))
	while kill -0 "$make_pid" 2>/dev/null; do
		sleep 1
		if [ "$(date +%s)" -ge "$next" ]; then
			say "building $FLAVOUR: $(( $(date +%s) - start )) s (log: ${log#"$TOP"/})"
			next=$((next + 30))
		fi
	done
	wait "$make_pid" || rc=$?
	trap - EXIT
fi
if [ "$rc" -ne 0 ]; then
	say "first errors:"
	grep -m 10 -E 'error:|Error [0-9]' "$log" | sed 's/^/  /' >&2 || true
	die "kernel build of $FLAVOUR failed (full log: $log)"
fi
if [ "$targets" = bzImage ]; then
	say "built $obj/arch/x86/boot/bzImage in $(( $(date +%s) - start )) s"
else
	say "built $(wc -w <<<"$targets") target(s) in $(( $(date +%s) - start )) s"
fi
