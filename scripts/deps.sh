#!/usr/bin/env bash
# Stage "deps": install the Debian packages listed in conf/packages that are missing.
# Input: conf/packages. Output: none (packages installed). Cheap when all are present.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

list=${PACKAGES_FILE:-$TOP/conf/packages}
mapfile -t wanted < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | awk '{print $1}')
[ ${#wanted[@]} -gt 0 ] || exit 0

command -v dpkg-query >/dev/null || die "dpkg-query not found: this harness expects Debian 12"

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
