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
# shellcheck disable=SC2086 # targets is a list
if ! make -C "$tree" O="$obj" ${KARCH:+ARCH=$KARCH} CC="$cc" -j"$JOBS" ${V:+V=$V} $targets 2>&1 | tee "$log" |
	{ grep -v '^make\[[0-9]*\]: \(Entering\|Leaving\)' || true; }; then
	say "first errors:"
	grep -m 10 -E 'error:|Error [0-9]' "$log" | sed 's/^/  /' >&2 || true
	die "kernel build of $FLAVOUR failed (full log: $log)"
fi
if [ "$targets" = bzImage ]; then
	say "built $obj/arch/x86/boot/bzImage in $(( $(date +%s) - start )) s"
else
	say "built $(wc -w <<<"$targets") target(s) in $(( $(date +%s) - start )) s"
fi
