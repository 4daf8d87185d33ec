#!/usr/bin/env bash
# Stage "fetch": make the pinned kernel source available locally and verified.
# Input: conf/pin.env, or KERNEL_TARBALL / KERNEL_SHA256 / KERNEL_GIT (see scripts/lib.sh).
# Output: the verified tarball in $DOWNLOAD_DIR (cached), or nothing for a git tree.
# A file whose checksum is wrong is refused; a downloaded one is renamed *.bad and never used.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

read -r kind where want < <(kernel_source)

if [ "$kind" = git ]; then
	need_cmd git
	git ls-remote --exit-code "$where" >/dev/null 2>&1 || [ -d "$where" ] ||
		die "KERNEL_GIT=$where is not a git tree or URL"
	exit 0
fi

# Debian's pool, under the archive that apt is configured with (never a host name written here).
debian_pool_urls() {
	# shellcheck disable=SC2016 # $(URI) is apt's template, not the shell's
	apt-get indextargets --format '$(URI)' 2>/dev/null | sed -n 's,/dists/.*,,p' | awk '!seen[$0]++' |
		while read -r base; do
			case "$base" in http://*|https://*|file:/*) printf '%s/%s/%s\n' "$base" "$LINUX_POOL_PATH" "$LINUX_TARBALL" ;; esac
		done
}

download() { # URL DEST
	local url=$1 dest=$2
	say "downloading $url"
	local progress=--progress-bar
	[ -t 2 ] || progress=--no-progress-meter
	curl -fL --retry 3 $progress -o "$dest.part" "$url" || { rm -f "$dest.part"; return 1; }
	mv -f "$dest.part" "$dest"
}

# verify FILE SHA256: checksum (and the pinned size for the pinned tarball). A stamp caches success.
verify() {
	local file=$1 sha=$2 stamp="$1.verified" got
	[ "$sha" = - ] && return 0
	local id
	id="$(stat -c '%s %Y' "$file") $sha"
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ] && return 0
	say "verifying sha256 of ${file##*/}"
	got=$(sha256sum "$file" | awk '{print $1}')
	if [ "$got" != "$sha" ]; then
		rm -f "$stamp"
		printf '%s\n' "sha256 mismatch for $file: expected $sha, got $got"
		return 1
	fi
	printf '%s\n' "$id" >"$stamp"
}

mkdir -p "$DOWNLOAD_DIR"
if [ ! -f "$where" ]; then
	case "${KERNEL_TARBALL:-}" in
	*://*) download "$KERNEL_TARBALL" "$where" || die "download of $KERNEL_TARBALL failed" ;;
	?*) die "KERNEL_TARBALL=$KERNEL_TARBALL: no such file" ;;
	*)
		need_cmd apt-get curl
		ok=
		while read -r url; do
			download "$url" "$where" && { ok=1; break; }
		done < <(debian_pool_urls)
		[ -n "$ok" ] || die "could not download $LINUX_TARBALL from the pool of any archive in apt's configuration"
		;;
	esac
fi

if ! msg=$(verify "$where" "$want"); then
	case "$where" in
	"$DOWNLOAD_DIR"/*)
		mv -f "$where" "$where.bad"
		die "$msg; refused (moved to $where.bad); the next run downloads it again" ;;
	*) die "$msg; refused" ;;
	esac
fi
if [ -z "${KERNEL_TARBALL:-}" ] && [ "$(stat -c %s "$where")" != "$LINUX_SIZE" ]; then
	die "$where: size $(stat -c %s "$where"), expected $LINUX_SIZE"
fi
exit 0
