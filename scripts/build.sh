#!/usr/bin/env bash
# Stage "build": build the flavour's kernel image out of tree, through ccache.
# Input: the flavour's tree and obj/.config; conf/arch/$ARCH.env (KERNEL_TARGET: bzImage on
# x86_64, Image on arm64). Output: $BUILD_DIR/<flavour>/obj/$KERNEL_IMAGE_PATH;
# the full build output in $BUILD_DIR/<flavour>/obj/build.log, and a record of the build (what,
# when, how long, with what, its status) in obj/build.json, which the boots' results.json carry
# into build/kcidb.json (scripts/kcidb.py).
# For other uses (scripts/gate-build.sh): OBJ_NAME (default obj), KARCH (the kernel's ARCH),
# CROSS_COMPILE (its compiler prefix, e.g. aarch64-linux-gnu-) and
# BUILD_TARGETS (default KERNEL_TARGET, and modules if the .config has them; e.g. a list of
# objects, or M=DIR MO=DIR modules for external modules), BUILD_LOG (default build.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOUR=${FLAVOUR:-patched}
JOBS=${JOBS:-$(nproc)}
dir=$(flavour_dir "$FLAVOUR")
tree=$dir/$TREE_NAME
obj=$dir/${OBJ_NAME:-obj}
[ -f "$obj/.config" ] || die "no $obj/.config (run 'make config')"
# A modular configuration (make MODULES=1) builds its modules with the image; scripts/modules.sh
# installs them.
image_targets=$KERNEL_TARGET
grep -qx 'CONFIG_MODULES=y' "$obj/.config" && image_targets="$KERNEL_TARGET modules"
targets=${BUILD_TARGETS:-$image_targets}

cc=${CROSS_COMPILE:-}gcc
if [ "${CCACHE:-1}" = 1 ] && command -v ccache >/dev/null; then
	cc="ccache $cc"
	# Same relative layout for every flavour (<flavour>/obj -> ../linux-x.y.z), so the
	# pristine and patched builds share cache entries for every unchanged file.
	export CCACHE_BASEDIR=$BUILD_DIR CCACHE_NOHASHDIR=1
fi
# Reproducible version strings keep init/version.o cacheable.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026' KBUILD_BUILD_USER=devmap KBUILD_BUILD_HOST=harness

log=$obj/${BUILD_LOG:-build.log}
# record_build STATUS: obj/build.json, for a build of the kernel image (PASS or FAIL).
record_build() {
	[ "$targets" = "$image_targets" ] || return 0
	B_STATUS=$1 B_FLAVOUR=$FLAVOUR B_ARCH=${KARCH:-$(uname -m)} B_START=$start B_END=$(date +%s) \
	B_CC=$($cc --version 2>/dev/null | head -n 1) B_CONFIG=$(cat "$obj/config.name" 2>/dev/null || echo unknown) \
	B_CMD="make O=${obj#"$BUILD_DIR"/} CC='$cc' -j$JOBS $targets" B_LOG=${log#"$BUILD_DIR"/} \
	B_PATCHSET=$(patchset_hash "$dir/applied") B_PATCHES=$(awk '{print $2}' "$dir/applied" 2>/dev/null || true) \
	python3 -c '
import datetime, json, os, sys
e = os.environ
start = int(e["B_START"])
json.dump({"flavour": e["B_FLAVOUR"], "architecture": e["B_ARCH"], "status": e["B_STATUS"],
           "start_time": datetime.datetime.fromtimestamp(start, datetime.timezone.utc).isoformat(),
           "duration": int(e["B_END"]) - start, "compiler": e["B_CC"], "command": e["B_CMD"],
           "config_name": e["B_CONFIG"], "log": e["B_LOG"], "patchset_hash": e["B_PATCHSET"],
           "patches": e["B_PATCHES"].split()}, sys.stdout, indent=1)
print()' >"$obj/build.json" || say "could not write $obj/build.json"
}
say "building $FLAVOUR${KARCH:+ ($KARCH)} ($JOBS jobs, log: ${log#"$TOP"/})"
start=$(date +%s)
# Quiet unless V is set (V=1 streams the build, with the kernel's full command lines): a line
# every 30 s. make is stopped with this script, never left running on its own.
rc=0
# shellcheck disable=SC2086 # targets is a list
if [ -n "${V:-}" ]; then
	make -C "$tree" O="$obj" ${KARCH:+ARCH=$KARCH} ${CROSS_COMPILE:+CROSS_COMPILE=$CROSS_COMPILE} CC="$cc" -j"$JOBS" V="$V" $targets 2>&1 | tee "$log" |
		{ grep -v '^make\[[0-9]*\]: \(Entering\|Leaving\)' || true; } || rc=$?
else
	make -C "$tree" O="$obj" ${KARCH:+ARCH=$KARCH} ${CROSS_COMPILE:+CROSS_COMPILE=$CROSS_COMPILE} CC="$cc" -j"$JOBS" $targets >"$log" 2>&1 &
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
	record_build FAIL
	die "kernel build of $FLAVOUR failed (full log: $log)"
fi
record_build PASS
if [ "$targets" = "$image_targets" ]; then
	say "built $obj/$KERNEL_IMAGE_PATH in $(( $(date +%s) - start )) s"
else
	case " $targets " in
	*" M="*) what="the modules of $(sed -n 's/.* M=\([^ ]*\) .*/\1/p' <<<" $targets ")" ;;
	*) what="$(wc -w <<<"$targets") target(s)" ;;
	esac
	say "built $what in $(( $(date +%s) - start )) s"
fi
