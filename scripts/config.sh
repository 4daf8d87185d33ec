#!/usr/bin/env bash
# Stage "config": `make tinyconfig`, then merge the fragments, then check every requested option.
# Input: the flavour's tree, FRAGMENTS (default kernel-config/base.config and x86_64.config); KARCH (the kernel's
# ARCH, default the host's), CROSS_COMPILE (its compiler prefix) and OBJ_NAME (default obj) for another configuration of one tree.
# Output: $BUILD_DIR/<flavour>/<OBJ_NAME>/.config. kconfig drops options whose dependencies are
# missing without a word; here a dropped option fails the run, naming it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOUR=${FLAVOUR:-patched}
FRAGMENTS=${FRAGMENTS:-$DEFAULT_FRAGMENTS}
dir=$(flavour_dir "$FLAVOUR")
tree=$dir/$TREE_NAME
obj=$dir/${OBJ_NAME:-obj}
[ -f "$tree/Makefile" ] || die "no tree at $tree"
frags=()
for f in $FRAGMENTS; do
	case "$f" in /*) ;; *) f=$TOP/$f ;; esac
	[ -f "$f" ] || die "config fragment $f not found"
	frags+=("$f")
done

# Skip when neither the fragments nor the Kconfig files (the applied patches' Kconfig hunks)
# changed.
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
kconfig_hunks() {
	[ -f "$dir/applied" ] || return 0
	awk '{print $2}' "$dir/applied" | while read -r p; do
		awk '/^diff --git / { k = ($3 ~ /Kconfig/) } k' "$PATCH_DIR/$p"
	done
}
stamp=$obj/config.stamp
id=$({ echo "${KARCH:-} ${CROSS_COMPILE:-}"; cat "${frags[@]}"; kconfig_hunks; } | sha256sum | awk '{print $1}')
mkdir -p "$obj"
# The configuration's name, for the build record (scripts/build.sh): tinyconfig+FRAGMENT+...
printf 'tinyconfig%s\n' "$(printf '+%s' "${frags[@]##*/}")" >"$obj/config.name"
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ] && [ -f "$obj/.config" ] && exit 0

rm -f "$stamp"
arch=(${KARCH:+ARCH=$KARCH} ${CROSS_COMPILE:+CROSS_COMPILE=$CROSS_COMPILE})
make -s -C "$tree" O="$obj" "${arch[@]}" tinyconfig >/dev/null
${KARCH:+env ARCH=$KARCH} "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${frags[@]}" >/dev/null
make -s -C "$tree" O="$obj" "${arch[@]}" olddefconfig >/dev/null

# Every option a fragment asks for must be in the final .config, with the value the last
# fragment that names it asks for (kernel-config/modules.config turns base.config's =y into =m).
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF -- "$line" "$obj/.config" && continue
		got=$(grep -E "^(# )?${line%%=*}[= ]" "$obj/.config" || echo "absent")
		say "requested $line, got: $got"; bad=1 ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
		grep -q "^$opt=" "$obj/.config" || continue
		say "requested $line, got: $(grep "^$opt=" "$obj/.config")"; bad=1 ;;
	esac
done < <(cat "${frags[@]}" | awk '
	/^CONFIG_[A-Za-z0-9_]*=/ { o = $0; sub(/=.*/, "", o) }
	/^# CONFIG_[A-Za-z0-9_]* is not set/ { o = $2 }
	o != "" { last[o] = $0; if (!(o in seen)) { seen[o] = 1; order[n++] = o } o = "" }
	END { for (i = 0; i < n; i++) print last[order[i]] }')
[ "$bad" -eq 0 ] || die "kconfig dropped or changed requested options (missing dependencies?); see above"
printf '%s\n' "$id" >"$stamp"
