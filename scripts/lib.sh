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

# The guest's architecture: conf/arch/$ARCH.env says how its kernel is built and booted and where
# its programs come from. Another architecture than x86_64 builds in build/$ARCH.
ARCH=${ARCH:-x86_64}
if [ ! -f "$TOP/conf/arch/$ARCH.env" ]; then
	known=("$TOP"/conf/arch/*.env)
	known=("${known[@]##*/}")
	die "ARCH=$ARCH: no conf/arch/$ARCH.env (known: ${known[*]%.env})"
fi
# shellcheck source=../conf/arch/x86_64.env
. "$TOP/conf/arch/$ARCH.env"
# The guest tests this architecture cannot run: "GLOB REASON" lines (none if the file is missing).
ARCH_SKIP_FILE=${ARCH_SKIP_FILE:-$TOP/conf/arch/$ARCH.skip}
# arch_skip_globs: the globs of ARCH_SKIP_FILE, one per line.
arch_skip_globs() {
	[ -f "$ARCH_SKIP_FILE" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ARCH_SKIP_FILE" | awk '{print $1}'
}
if [ "$ARCH" = x86_64 ]; then BUILD_DIR=${BUILD_DIR:-$TOP/build}; else BUILD_DIR=${BUILD_DIR:-$TOP/build/$ARCH}; fi
DOWNLOAD_DIR=${DOWNLOAD_DIR:-$TOP/downloads}
TREE_NAME=linux-$LINUX_VERSION
# The test kernel's configuration: the fragments merged onto tinyconfig (FRAGMENTS overrides).
DEFAULT_FRAGMENTS="kernel-config/base.config kernel-config/$ARCH.config"

# The guest test lists whose tests a patch's "tests:" (series) can claim: x86_64's kernels boot
# all three (SUITES), arm64's the first.
GUEST_LISTS="$TOP/test/tests.list $TOP/test/ndctl.list $TOP/test/nfit.list"

# flavour_dir FLAVOUR: where one kernel flavour (pristine, patched, ...) keeps its tree and build.
flavour_dir() { printf '%s/%s\n' "$BUILD_DIR" "$1"; }
# logs_dir FLAVOUR_DIR LIST: where a boot of test/LIST.list keeps its logs (logs for the main list).
logs_dir() { if [ "$2" = tests ]; then printf '%s/logs\n' "$1"; else printf '%s/logs-%s\n' "$1" "$2"; fi; }

# patchset_hash APPLIED: KCIDB's patchset hash of the patches an "sum name" file (a flavour's
# applied) lists: the sha256 of the newline-terminated sha256 of each patch file of
# ${PATCH_DIR:-patches/}, in order; empty when none is applied (pristine).
patchset_hash() {
	local names
	names=$(awk '{print $2}' "$1" 2>/dev/null) || true
	[ -n "$names" ] || return 0
	(cd "${PATCH_DIR:-$TOP/patches}" && xargs sha256sum <<<"$names") | cut -c-64 | sha256sum | cut -c-64
}

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
#   KERNEL_TARBALL=<path or URL> [KERNEL_SHA256=...]  a tarball (kernel.org's linux-7.2.8.tar.xz is
#                                                     checked against its pinned sha256 by default)
#   neither                                           Debian's pinned tarball, sha256 from the pin
# Prints "git <tree> <ref>" or "tar <local file> <sha256 or ->".
kernel_source() {
	if [ -n "${KERNEL_GIT:-}" ]; then
		printf 'git %s %s\n' "$KERNEL_GIT" "${KERNEL_GIT_REF:-$LINUX_GIT_REF}"
	elif [ -n "${KERNEL_TARBALL:-}" ]; then
		# kernel.org's own tarball is pinned too: its checksum applies unless one is given.
		local sha=${KERNEL_SHA256:--}
		[ "$sha" != - ] || [ "${KERNEL_TARBALL##*/}" != "$LINUX_KERNELORG_TARBALL" ] || sha=$LINUX_KERNELORG_SHA256
		case "$KERNEL_TARBALL" in
		*://*) printf 'tar %s %s\n' "$DOWNLOAD_DIR/${KERNEL_TARBALL##*/}" "$sha" ;;
		*) printf 'tar %s %s\n' "$(realpath -m "$KERNEL_TARBALL")" "$sha" ;;
		esac
	else
		printf 'tar %s %s\n' "$DOWNLOAD_DIR/$LINUX_TARBALL" "$LINUX_SHA256"
	fi
}

# Debian's pool, under the archive that apt is configured with (never a host name written here).
# debian_pool_urls POOL_PATH FILE: the URL of FILE in each archive's pool, one per line.
debian_pool_urls() {
	# shellcheck disable=SC2016 # $(URI) is apt's template, not the shell's
	apt-get indextargets --format '$(URI)' 2>/dev/null | sed -n 's,/dists/.*,,p' | awk '!seen[$0]++' |
		while read -r base; do
			case "$base" in http://*|https://*|file:/*) printf '%s/%s/%s\n' "$base" "$1" "$2" ;; esac
		done
}

# download URL DEST: curl into DEST.part, renamed to DEST when complete.
download() {
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

# pool_fetch POOL_PATH FILE SHA256 SIZE: $DOWNLOAD_DIR/FILE, downloaded from Debian's pool when
# missing, then verified. A file with the wrong checksum or size is moved to FILE.bad (the next
# run downloads it again) and the stage fails.
pool_fetch() {
	local pool=$1 file=$2 sha=$3 size=$4 dest=$DOWNLOAD_DIR/$2 url ok='' msg
	mkdir -p "$DOWNLOAD_DIR"
	if [ ! -f "$dest" ]; then
		need_cmd apt-get curl
		while read -r url; do
			download "$url" "$dest" && { ok=1; break; }
		done < <(debian_pool_urls "$pool" "$file")
		[ -n "$ok" ] || die "could not download $file from the pool of any archive in apt's configuration"
	fi
	msg=$(verify "$dest" "$sha") ||
		{ mv -f "$dest" "$dest.bad"; die "$msg; refused (moved to $dest.bad); the next run downloads it again"; }
	[ "$(stat -c %s "$dest")" = "$size" ] ||
		{ mv -f "$dest" "$dest.bad"; die "$dest: $(stat -c %s "$dest.bad") bytes, expected $size; refused (moved to $dest.bad)"; }
}
