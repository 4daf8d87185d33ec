# shellcheck shell=bash
# Helpers for the harness's host-side tests. Each test is a bash script that sources this file,
# works in its own temporary BUILD_DIR/DOWNLOAD_DIR, and exits 0 (pass), 4 (skip) or 1 (fail),
# printing what it expected and what happened.
set -euo pipefail
HT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The checkout's real build directory, for tests that need its kernel or pristine tree.
# shellcheck disable=SC2034 # used by the tests
HT_REAL_BUILD=${BUILD_DIR:-$HT_TOP/build}
# And its download cache, for tests that need the verified tarball.
# shellcheck disable=SC2034 # used by the tests
HT_REAL_DOWNLOADS=${DOWNLOAD_DIR:-$HT_TOP/downloads}
HT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/harness-test.XXXXXX")
trap 'rm -rf "$HT_TMP"' EXIT
export BUILD_DIR=$HT_TMP/build DOWNLOAD_DIR=$HT_TMP/downloads
unset KERNEL_TARBALL KERNEL_SHA256 KERNEL_GIT KERNEL_GIT_REF TESTS MEMMAP
ht_failed=0

fail() { echo "# FAIL: $*"; ht_failed=1; }
pass() { echo "# ok: $*"; }

# expect_fail WHAT REGEX CMD...: CMD must exit non-zero and print a line matching REGEX.
expect_fail() {
	local what=$1 re=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -eq 0 ]; then
		fail "$what: expected a non-zero exit, got 0"
		printf '%s\n' "$out" | sed 's/^/#   | /'
	elif ! grep -qE -- "$re" <<<"$out"; then
		fail "$what: expected a message matching /$re/, got:"
		printf '%s\n' "$out" | sed 's/^/#   | /'
	else
		pass "$what: exit $rc, \"$(grep -m1 -E -- "$re" <<<"$out")\""
	fi
}

# expect_ok WHAT CMD...: CMD must succeed.
expect_ok() {
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$what: expected success, got exit $rc:"
		printf '%s\n' "$out" | sed 's/^/#   | /'
	else
		pass "$what"
	fi
}

ht_exit() { exit "$ht_failed"; }

# ht_mkpatch FILE SUBJECT [CHANGELOG_LINE...]: a patch in mail form, as git format-patch writes it,
# from conf/identity, adding the file new/<FILE's name without .patch> (one line), with a
# changelog of the given lines (default: one sentence) and a Signed-off-by. SUBJECT is the whole
# subject, e.g. "[PATCH] mm: do this" (a long one is folded as git folds it).
ht_mkpatch() {
	local file=$1 subject=$2 id f
	shift 2
	id=$(cat "$HT_TOP/conf/identity")
	f=new/$(basename "$file" .patch)
	{
		echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
		echo "From: $id"
		echo "Date: Mon, 23 Nov 2026 06:00:00 +0000"
		if [ ${#subject} -gt 65 ]; then
			echo "Subject: ${subject% *}"
			echo " ${subject##* }"
		else
			echo "Subject: $subject"
		fi
		echo
		if [ $# -gt 0 ]; then printf '%s\n' "$@"; else echo "This adds ${f}."; fi
		echo
		echo "Signed-off-by: $id"
		echo "---"
		echo " $f | 1 +"
		echo " 1 file changed, 1 insertion(+)"
		echo " create mode 100644 $f"
		echo
		echo "diff --git a/$f b/$f"
		echo "new file mode 100644"
		echo "index 0000000000000000000000000000000000000000..0000000000000000000000000000000000000000"
		echo "--- /dev/null"
		echo "+++ b/$f"
		echo "@@ -0,0 +1 @@"
		echo "+$f"
		echo "-- "
		echo "2.39.5"
		echo
	} >"$file"
}
