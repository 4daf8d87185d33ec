#!/usr/bin/env bash
# Stage "build": build the flavour's bzImage out of tree, through ccache.
# Input: the flavour's tree and obj/.config. Output: $BUILD_DIR/<flavour>/obj/arch/x86/boot/bzImage;
# the full build output in $BUILD_DIR/<flavour>/obj/build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOUR=${FLAVOUR:-patched}
JOBS=${JOBS:-$(nproc)}
dir=$(flavour_dir "$FLAVOUR")
tree=$dir/$TREE_NAME
obj=$dir/obj
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
say "building $FLAVOUR ($JOBS jobs, log: ${log#"$TOP"/})"
start=$(date +%s)
if ! make -C "$tree" O="$obj" CC="$cc" -j"$JOBS" ${V:+V=$V} bzImage 2>&1 | tee "$log" | grep -v '^make\[[0-9]*\]: \(Entering\|Leaving\)'; then
	say "first errors:"
	grep -m 10 -E 'error:|Error [0-9]' "$log" | sed 's/^/  /' >&2 || true
	die "kernel build of $FLAVOUR failed (full log: $log)"
fi
say "built $obj/arch/x86/boot/bzImage in $(( $(date +%s) - start )) s"
