#!/usr/bin/env bash
# Stage "lint": the harness's own code is clean: shellcheck on every shell script, the kernel's
# checkpatch.pl --strict on the guest's C tests (they follow kernel style), the tests that need a
# patch are named by one in series, the "## posting NAME" lines of series are well formed, and
# the fixes' declared prerequisites are right (scripts/fixes.sh: every "# needs:" names an
# earlier patch, the declarations are closed, a fix's tests need nothing it does not declare).
# Nothing is tracked at the top level but the layout's files. (The patches themselves:
# scripts/gate-*.sh.)
# Input: scripts/, test/, .ci/run, series, patches/ (their changelogs), the guest test lists
# (GUEST_LISTS of lib.sh); checkpatch.pl from the pristine tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"
need_cmd shellcheck perl python3
SERIES=${SERIES:-$TOP/series}

cd "$TOP"
# The top level holds the layout and nothing else (DEVELOPERS.md: "Nothing stray at the top
# level"); generated trees (build/, downloads/) are ignored, not tracked.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	stray=$(git ls-files | grep -v / | grep -vxE 'Makefile|README\.md|series|\.gitignore|\.shellcheckrc' |
		paste -sd' ' || true)
	[ -z "$stray" ] || die "top-level files outside the layout (move or remove them): $stray"
fi
mapfile -t shells < <({ ls scripts/*.sh .ci/run test/guest/* test/ndctl/bin/*; find test -name '*.sh'; } | sort -u)
say "shellcheck: ${#shells[@]} scripts"
shellcheck -x "${shells[@]}" || die "shellcheck found problems (above)"
# With pipefail, "producer | grep -q" fails when grep's exit at the first match kills the producer
# with SIGPIPE: a match read as a miss, now and then (a flaky gate-format run in CI, stop 31).
# Scripts that set pipefail feed grep -q from a here-string or a file instead.
racy=$(grep -lE 'set -[a-z]*o pipefail|^\. .*/lib\.sh' "${shells[@]}" 2>/dev/null | grep -vx scripts/lint.sh |
	xargs -r grep -nE '(^|[^|])\|[[:space:]]*grep[[:space:]]+-[A-Za-z]*q' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*#' || true)
[ -z "$racy" ] || die "'... | grep -q' under pipefail (use grep -q PATTERN <<<\"\$(...)\"):"$'\n'"$racy"
mapfile -t pys < <(ls scripts/*.py)
say "python: ${#pys[@]} script(s) compile"
for f in "${pys[@]}"; do
	python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' "$f" ||
		die "$f does not compile (above)"
done

# The QEMU plugin of make profile is host C in QEMU's API style, not kernel style: compiled only.
gcc -fsyntax-only -Wall -Wextra -Werror scripts/insnprof.c || die "scripts/insnprof.c does not compile (above)"

checkpatch=$(flavour_dir pristine)/$TREE_NAME/scripts/checkpatch.pl
[ -f "$checkpatch" ] || die "no $checkpatch (run 'make unpack')"
mapfile -t csrc < <(find test -name '*.[ch]' | sort)
say "checkpatch --strict: ${#csrc[@]} C files"
bad=0
for f in "${csrc[@]}"; do
	out=$(perl "$checkpatch" --no-tree --strict --quiet --show-types -f "$f" 2>&1) || bad=1
	[ -z "$out" ] || { printf '%s\n' "$out"; bad=1; }
done
[ "$bad" -eq 0 ] || die "checkpatch found problems (above)"

# Every test that needs a patch (kinds xfail-pristine, patched) is claimed by a "tests:" glob of
# a patch in series, and every such glob matches a test (scripts/expectations.sh relies on it).
read -r -a lists <<<"$GUEST_LISTS"
mapfile -t tests < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${lists[@]}" | awk '{print $1, $2}')
mapfile -t globs < <(sed -n 's/^[^#[:space:]][^#]*#.*tests:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$SERIES" | tr ',' '\n')
for t in "${tests[@]}"; do
	name=${t% *} kind=${t#* }
	case $kind in both) continue ;; xfail-pristine|patched) ;; *) say "test/*.list: $name: unknown kind $kind"; bad=1; continue ;; esac
	claimed=0
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2254 # the glob is a pattern
		case $name in $g) claimed=1 ;; esac
	done
	[ "$claimed" = 1 ] || { say "test $name ($kind) is not named by any patch's 'tests:' in series"; bad=1; }
done
for g in "${globs[@]}"; do
	hit=0
	for t in "${tests[@]}"; do
		# shellcheck disable=SC2254
		case ${t% *} in $g) hit=1 ;; esac
	done
	[ "$hit" = 1 ] || { say "series: 'tests: $g' matches no test in ${lists[*]#"$TOP"/}"; bad=1; }
done
[ "$bad" -eq 0 ] || die "the series and the test lists disagree (above)"

# The postings: "## posting NAME" exactly, each name once, none empty.
series_check_postings "$SERIES" || die "the posting headers of series are wrong (above)"

say "fixes: their declared prerequisites (Cc: stable@vger.kernel.org # needs: ...)"
"$TOP/scripts/fixes.sh" >/dev/null || die "the fixes' declarations are wrong (above)"
say "clean"
