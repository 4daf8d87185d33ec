#!/usr/bin/env bash
# Gate "build": the bounded bisect check of make check. In one tree ($BUILD_DIR/gate-build), for
# every patch of the series in turn, apply the series up to it and compile the objects it
# affects, in each configuration of GATE_BUILD_CONFIGS (conf/gate-build.configs, default all):
#   x86_64  the project config (FRAGMENTS): ARCH_HAS_PTE_DEVMAP=y
#   i386    kernel-config/i386.config on an ARCH=i386 tinyconfig: no ARCH_HAS_PTE_DEVMAP, so
#           the generic devmap stubs are what gets compiled
#   arm64   base.config and arm64.config, cross-compiled: ARCH_HAS_PTE_DEVMAP=y
#   ppc64le, riscv64   cross-compiled, without the bit (the stubs, device-DAX's folio path):
#           the whole series only
# "The objects it affects": the .c files the patch touches, then, up to GATE_BUILD_MAX objects
# in all, the objects that include a header it touches, found in the dependency files (.*.o.cmd)
# of a full build of that configuration (nearest directories first). A full build of each
# configuration follows the last patch, which also provides those dependency files.
# Guarantees: every patch's own .c files and a bounded sample of its headers' users compile in
# both configurations, and the whole series builds in both. Not: that every intermediate step
# links, or that every user of a header compiles at every step; make bisect does that, with a
# full build (and BISECT_BOOT=1 a boot) per patch.
# Input: series, patches/, the pristine tree. Output: one line per patch; on failure the patch,
# the configuration and the first errors (full log: $BUILD_DIR/gate-build/<obj>/build.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SERIES=${SERIES:-$TOP/series}
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
configs=$TOP/conf/gate-build.configs
config_names() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$configs" | awk '{print $1}' | paste -sd' '; }
GATE_BUILD_CONFIGS=${GATE_BUILD_CONFIGS:-$(config_names)}
GATE_BUILD_MAX=${GATE_BUILD_MAX:-40}
export FLAVOUR=gate-build PATCH_DIR
dir=$(flavour_dir gate-build)
base_frags=${FRAGMENTS:-$DEFAULT_FRAGMENTS}
mkdir -p "$dir"
mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES" | awk '{print $1}')
total=${#patches[@]}
[ "$total" -gt 0 ] || { say "the series is empty: nothing to build"; exit 0; }

# use CONFIG: set KARCH, CROSS_COMPILE, OBJ_NAME and FRAGMENTS for config.sh and build.sh, image
# (the full build's target) and steps (each or last) from CONFIG's line of conf/gate-build.configs.
use() {
	local name karch cross frags
	read -r name karch cross image steps frags < <(sed 's/#.*//' "$configs" | awk -v n="$1" '$1 == n') ||
		die "unknown configuration '$1' in GATE_BUILD_CONFIGS ($(config_names))"
	[ "$karch" != - ] || karch=''
	[ "$cross" != - ] || cross=''
	[ "$frags" != - ] || frags=$base_frags
	case $steps in each|last) ;; *) die "conf/gate-build.configs: $name: '$steps' is not each or last" ;; esac
	if [ -n "$cross" ]; then need_cmd "${cross}gcc"; fi
	export KARCH=$karch CROSS_COMPILE=$cross FRAGMENTS=$frags
	if [ "$name" = x86_64 ]; then export OBJ_NAME=obj; else export OBJ_NAME=obj-$name; fi
}
# step N: the tree holds patches 1..N.
step() {
	head -n "$1" < <(printf '%s\n' "${patches[@]}") >"$dir/series.$1"
	local out
	out=$(SERIES=$dir/series.$1 "$TOP/scripts/apply.sh" 2>&1) ||
		{ printf '%s\n' "$out" >&2; die "patch $1/$total ${patches[$1 - 1]} does not apply"; }
}
# The directories the series touches: objects there are sampled first.
mapfile -t near < <(for p in "${patches[@]}"; do awk '/^\+\+\+ b\// { print substr($2, 3) }' "$PATCH_DIR/$p"; done |
	xargs -r -n1 dirname | sort -u)
# affected N: the objects patch N affects in the current configuration, at most GATE_BUILD_MAX:
# its .c files, then users of its headers, in the series' directories first. Only objects built
# from a .c file of the tree, outside the boot and vDSO directories (no single-object rules there).
affected() {
	local obj=$dir/$OBJ_NAME tree=$dir/$TREE_NAME f o
	mapfile -t files < <(awk '/^\+\+\+ b\// { print substr($2, 3) }' "$PATCH_DIR/${patches[$1 - 1]}")
	{
		for f in "${files[@]}"; do
			case $f in *.c) echo "0 ${f%.c}.o" ;; esac
		done
		for f in "${files[@]}"; do
			case $f in *.h) ;; *) continue ;; esac
			find "$obj" -name '.*.o.cmd' -print0 | xargs -0 grep -lE "/$TREE_NAME/$f( |\$)" 2>/dev/null |
				sed -E "s|^$obj/||; s|/\\.([^/]*)\\.cmd\$|/\\1|" |
				while read -r o; do
					if grep -qxF "$(dirname "$o")" <<<"$(printf '%s\n' "${near[@]}")"; then echo "1 $o"; else echo "2 $o"; fi
				done || true	# a header no object includes (yet)
		done
	} | sort -k1,1n -k2 | awk '!seen[$2]++ { print $2 }' | while read -r o; do
		case $o in arch/*/boot/*|*/vdso*) continue ;; esac
		[ -f "$tree/${o%.o}.c" ] && [ -f "$obj/$(dirname "$o")/.$(basename "$o").cmd" ] && echo "$o"
	done | head -n "$GATE_BUILD_MAX"
}
compile() { # N CONFIG TARGETS...
	local n=$1 cfg=$2
	shift 2
	"$TOP/scripts/config.sh"
	BUILD_TARGETS="$*" "$TOP/scripts/build.sh" >/dev/null ||
		die "patch $n/$total ${patches[$n - 1]} does not build ($cfg; see the errors above)"
}

# culprit CONFIG: the full build failed: compile the objects it failed on after each patch in
# turn, and name the first patch after which they fail.
culprit() {
	local log=$dir/$OBJ_NAME/build.log n
	# make names each object it failed on: "make[N]: *** [.../Makefile.build:NNN: mm/x.o] Error 1".
	mapfile -t bad < <(sed -nE 's/.*\[[^]]*: ([^] ]+\.o)\] Error [0-9]+.*/\1/p' "$log" | sort -u)
	if [ ${#bad[@]} -eq 0 ] && grep -q '^ERROR: modpost:' "$log"; then
		grep '^ERROR: modpost:' "$log" | head -n 5 >&2
		die "the whole series does not link its modules ($1; above): make bisect names the patch"
	fi
	[ ${#bad[@]} -gt 0 ] || die "the whole series does not build ($1), and no object is named in $log"
	say "the whole series does not build ($1): looking for the patch that breaks ${bad[*]}"
	for ((n = 1; n <= total; n++)); do
		step "$n"
		compile "$n" "$1" "${bad[@]}"
	done
	die "the whole series does not build ($1), though each step compiles ${bad[*]}"
}

start=$(date +%s)
# The whole series first, fully, in every configuration: it provides the dependency files for
# the sampling, and if it fails, culprit names the patch.
step "$total"
for cfg in $GATE_BUILD_CONFIGS; do
	use "$cfg"
	"$TOP/scripts/config.sh"
	# A modular configuration (x86_64's) builds its modules too: the NVDIMM and device-DAX
	# drivers are modules there, and the per-patch samples need their dependency files.
	targets=$image
	if grep -qx 'CONFIG_MODULES=y' "$dir/$OBJ_NAME/.config"; then targets+=" modules"; fi
	BUILD_TARGETS=$targets "$TOP/scripts/build.sh" >/dev/null || culprit "$cfg"
done
lines=("$total ${patches[$total - 1]}: the whole series builds (${GATE_BUILD_CONFIGS// /, })")
for ((n = 1; n < total; n++)); do
	step "$n"
	summary=()
	for cfg in $GATE_BUILD_CONFIGS; do
		use "$cfg"
		[ "$steps" = each ] || continue
		mapfile -t objs < <(affected "$n")
		if [ ${#objs[@]} -eq 0 ]; then
			summary+=("$cfg: nothing to compile")
			continue
		fi
		compile "$n" "$cfg" "${objs[@]}"
		summary+=("$cfg: ${#objs[@]} object(s)")
	done
	joined=$(printf '%s; ' "${summary[@]}")
	lines+=("$n ${patches[$n - 1]}: ${joined%; }")
done
printf '%s\n' "${lines[@]}" | sort -n
say "every patch compiles what it affects, the series builds fully ($(( $(date +%s) - start )) s)"
