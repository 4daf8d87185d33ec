# shellcheck shell=bash
# Reading `series` and patches/: sourced (after lib.sh) by the scripts that need it, never run.
#
# series: one patch file name per line, optionally followed by a comment ("# tests: GLOB,...");
# lines starting with '#' are comments, and a comment line exactly "## posting NAME" starts the
# posting NAME (the patches before any such line are the posting "series").
# A patch is a fix when its changelog has a line starting "Cc: stable@vger.kernel.org"; its
# prerequisites are its changelog lines "Cc: stable@vger.kernel.org # needs: <subject>".

# series_patches SERIES: the patch names, in order.
series_patches() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1" | awk '{print $1}'; }

# series_sums SERIES PATCH_DIR: "SHA256 NAME" for every patch, in order, SHA256 that of the diff
# alone (a changelog edit changes nothing a build or a test sees). Fails naming a missing patch.
# apply.sh records what a tree has in this form; a run's results.json carries its sha256.
series_sums() {
	local name
	while read -r name; do
		[ -f "$2/$name" ] || { printf 'series names %s, which is not in %s/\n' "$name" "${2#"$TOP"/}" >&2; return 1; }
		printf '%s %s\n' "$(awk '/^(diff |--- |Index: )/ { d = 1 } d' "$2/$name" | sha256sum | cut -d' ' -f1)" "$name"
	done < <(series_patches "$1")
}

# series_postings SERIES: "POSTING PATCH" for every patch, in order.
series_postings() {
	awk 'BEGIN { g = "series" }
	     /^## posting [^[:space:]]+$/ { g = $3; next }
	     { sub(/#.*/, "") } NF { print g, $1 }' "$1"
}

# series_check_postings SERIES: one line per malformed, repeated or empty "## posting" header;
# fails if there is any.
series_check_postings() {
	local n line count name bad=0
	while IFS=: read -r n line; do
		[[ $line =~ ^##\ posting\ [A-Za-z0-9._-]+$ ]] ||
			{ say "${1##*/}:$n: '$line': a posting header is exactly '## posting NAME' (NAME: letters, digits, . _ -)"; bad=1; }
	done < <(grep -n -iE '^#+[[:space:]]*posting' "$1" || true)
	while read -r count name; do
		[ "$count" -eq 1 ] || { say "${1##*/}: '## posting $name' appears $count times (a posting is one run of patches)"; bad=1; }
	done < <(sed -n 's/^## posting \([^[:space:]]*\)$/\1/p' "$1" | sort | uniq -c)
	while read -r name; do
		say "${1##*/}: posting $name has no patch"; bad=1
	done < <(awk '/^## posting [^[:space:]]+$/ { if (cur != "") print cur; cur = $3; next }
		{ sub(/#.*/, "") } NF { cur = "" } END { if (cur != "") print cur }' "$1")
	return "$bad"
}

# series_claims SERIES: "PATCH GLOB" for every glob of every "tests: GLOB,..." annotation.
series_claims() {
	sed -n 's/^\([^#[:space:]]*\)[^#]*#.*tests:[[:space:]]*\([^[:space:]]*\).*/\1 \2/p' "$1" |
		while read -r patch globs; do tr ',' '\n' <<<"$globs" | sed "s|^|$patch |"; done
}

# patch_subject FILE: the Subject: header, unfolded, without its "[PATCH ...]" prefix.
patch_subject() {
	awk 'NF == 0 { exit }
	     /^[ \t]/ { if (s) { sub(/^[ \t]+/, " "); subj = subj $0 } next }
	     { s = 0 }
	     /^Subject: / { s = 1; subj = substr($0, 10) }
	     END { sub(/^\[[^]]*PATCH[^]]*\][ \t]*/, "", subj); sub(/[ \t]+$/, "", subj); print subj }' "$1"
}

# patch_changelog FILE: the lines between the mail headers and '---'.
patch_changelog() { awk 'b && /^---$/ { exit } b; NF == 0 { b = 1 }' "$1"; }

# patch_is_fix FILE: the changelog has a "Cc: stable@vger.kernel.org" line.
# (Here-strings, not pipes, into grep -q in these scripts: with pipefail, grep's exit at the first
# match can kill the writer with SIGPIPE and turn a match into a failure.)
patch_is_fix() { grep -q '^Cc: stable@vger\.kernel\.org' <<<"$(patch_changelog "$1")"; }

# patch_needs FILE: the subjects of the declared prerequisites, one per line.
patch_needs() {
	patch_changelog "$1" |
		sed -n 's/^Cc: stable@vger\.kernel\.org[[:space:]]*#[[:space:]]*needs:[[:space:]]*//p' |
		sed 's/[[:space:]]*$//'
}

# test_names LIST...: the test names of guest test lists (test/*.list).
test_names() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$@" | awk '{print $1}'; }
