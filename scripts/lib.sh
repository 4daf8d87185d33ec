# shellcheck shell=bash
# Shared helpers for the harness scripts: messages, the pinned version, and the directory layout.
# Sourced, never run. Every stage script sets -euo pipefail itself.
# shellcheck disable=SC2034 # the variables set here are used by the scripts that source it

# The repository root (this file lives in scripts/).
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Messages: one line, prefixed with the stage name, on stderr.
STAGE=${STAGE:-$(basename "$0" .sh)}
say() { printf '%s: %s\n' "$STAGE" "$*" >&2; }
die() { printf '%s: error: %s\n' "$STAGE" "$*" >&2; exit 1; }

# The pinned version (KEY=value lines, shared with the Makefile).
# shellcheck source=../conf/pin.env
. "$TOP/conf/pin.env"

BUILD_DIR=${BUILD_DIR:-$TOP/build}
DOWNLOAD_DIR=${DOWNLOAD_DIR:-$TOP/downloads}
TREE_NAME=linux-$LINUX_VERSION

# flavour_dir FLAVOUR: where one kernel flavour (pristine, patched, ...) keeps its tree and build.
flavour_dir() { printf '%s/%s\n' "$BUILD_DIR" "$1"; }

# need_cmd CMD...: fail naming the missing commands (scripts/deps.sh installs them).
need_cmd() {
	local c missing=()
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ ${#missing[@]} -eq 0 ] || die "missing command(s): ${missing[*]} (run 'make deps' as root)"
}

# The kernel source, from the user's variables or the pin:
#   KERNEL_GIT=<path or URL> [KERNEL_GIT_REF=<ref>]  a git tree
#   KERNEL_TARBALL=<path or URL> [KERNEL_SHA256=...]  a tarball (e.g. kernel.org's linux-7.2.8.tar.xz)
#   neither                                           Debian's pinned tarball, sha256 from the pin
# Prints "git <tree> <ref>" or "tar <local file> <sha256 or ->".
kernel_source() {
	if [ -n "${KERNEL_GIT:-}" ]; then
		printf 'git %s %s\n' "$KERNEL_GIT" "${KERNEL_GIT_REF:-$LINUX_GIT_REF}"
	elif [ -n "${KERNEL_TARBALL:-}" ]; then
		case "$KERNEL_TARBALL" in
		*://*) printf 'tar %s %s\n' "$DOWNLOAD_DIR/${KERNEL_TARBALL##*/}" "${KERNEL_SHA256:--}" ;;
		*) printf 'tar %s %s\n' "$(realpath -m "$KERNEL_TARBALL")" "${KERNEL_SHA256:--}" ;;
		esac
	else
		printf 'tar %s %s\n' "$DOWNLOAD_DIR/$LINUX_TARBALL" "$LINUX_SHA256"
	fi
}
