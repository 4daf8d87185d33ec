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

# The pin: Debian's tarball from the pool of the archive apt is configured with.
if [ -z "${KERNEL_TARBALL:-}" ]; then
	pool_fetch "$LINUX_POOL_PATH" "$LINUX_TARBALL" "$LINUX_SHA256" "$LINUX_SIZE"
	exit 0
fi

# The user's tarball: a URL (downloaded into the cache) or a local file (never moved).
mkdir -p "$DOWNLOAD_DIR"
case "$KERNEL_TARBALL" in
*://*) [ -f "$where" ] || download "$KERNEL_TARBALL" "$where" || die "download of $KERNEL_TARBALL failed" ;;
*) [ -f "$where" ] || die "KERNEL_TARBALL=$KERNEL_TARBALL: no such file" ;;
esac
if ! msg=$(verify "$where" "$want"); then
	case "$where" in
	"$DOWNLOAD_DIR"/*)
		mv -f "$where" "$where.bad"
		die "$msg; refused (moved to $where.bad); the next run downloads it again" ;;
	*) die "$msg; refused" ;;
	esac
fi
