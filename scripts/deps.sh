#!/usr/bin/env bash
# Stage "deps": install the Debian packages listed in conf/packages (and conf/arch/$ARCH.packages)
# that are missing; for a guest of another architecture (GUEST_DEBS of conf/arch/$ARCH.env), let
# apt know that architecture's packages (dpkg --add-architecture), which scripts/sysroot.sh
# downloads. Input: conf/packages. Output: none (packages installed). Cheap when all are present.
# On a host without dpkg (not Debian), it checks the commands the packages provide instead, and
# names the missing ones with their Debian package names (libraries cannot be checked: a later
# stage names what it lacks). SKIP_DEPS=1 skips the stage.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${SKIP_DEPS:-0}" = 1 ] && exit 0
lists=("${PACKAGES_FILE:-$TOP/conf/packages}")
[ -n "${PACKAGES_FILE:-}" ] || [ ! -f "$TOP/conf/arch/$ARCH.packages" ] || lists+=("$TOP/conf/arch/$ARCH.packages")
mapfile -t wanted < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${lists[@]}" | awk '{print $1}')
[ ${#wanted[@]} -gt 0 ] || exit 0
if [ "$GUEST_DEBS" != host ] && command -v dpkg >/dev/null &&
	! grep -qx "$GUEST_DEBS" <<<"$(dpkg --print-foreign-architectures)"; then
	[ "$(id -u)" -eq 0 ] ||
		die "the $ARCH guest needs Debian's $GUEST_DEBS packages; as root run: dpkg --add-architecture $GUEST_DEBS && apt-get update"
	say "adding the $GUEST_DEBS architecture to apt (its packages are downloaded, never installed)"
	dpkg --add-architecture "$GUEST_DEBS" || die "dpkg --add-architecture $GUEST_DEBS failed"
	apt-get update -q || die "apt-get update failed"
fi

if ! command -v dpkg-query >/dev/null; then
	missing=()
	while read -r pkg _ cmd; do
		[ "${cmd:--}" = - ] || command -v "$cmd" >/dev/null || missing+=("$cmd (Debian: $pkg)")
	done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${lists[@]}")
	[ ${#missing[@]} -eq 0 ] || die "not a Debian host (no dpkg-query), and these commands are missing: $(printf '%s, ' "${missing[@]}" | sed 's/, $//'); install them, or SKIP_DEPS=1 to go on without this check"
	say "not a Debian host: every listed command is there (libraries not checked)"
	exit 0
fi

# One dpkg-query call for all packages: "name ii" for installed ones.
missing=()
declare -A have=()
while read -r name status; do
	[ "$status" = ii ] && have[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${wanted[@]}" 2>/dev/null || true)
for p in "${wanted[@]}"; do
	[ -n "${have[$p]:-}" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	die "missing packages: ${missing[*]}; as root run: apt-get install ${missing[*]}"
fi

say "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_install() { apt-get install -y -q --no-install-recommends "${missing[@]}"; }
if ! apt_install; then
	say "apt-get install failed; refreshing the package lists and trying once more"
	apt-get update -q || die "apt-get update failed"
	apt_install || die "apt-get install failed for: ${missing[*]}"
fi
