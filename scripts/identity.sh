#!/usr/bin/env bash
# Set the identity that authors and signs off every patch: rewrites the From: and
# Signed-off-by: lines that carry the current identity (conf/identity) in every file of
# patches/, then records the new one in conf/identity.
#   identity.sh "Full Name <address>"
set -euo pipefail
. "$(dirname "$0")/lib.sh"

new=${1:-}
[[ "$new" =~ ^[^\<\>]+\ \<[^\<\>@[:space:]]+@[^\<\>[:space:]]+\>$ ]] ||
	die "usage: identity.sh \"Full Name <address>\" (got '$new')"
file=$TOP/conf/identity
old=$(cat "$file")
[ "$old" != "$new" ] || { say "the identity is already $new"; exit 0; }

n=0
for p in "$TOP"/patches/*.patch; do
	[ -e "$p" ] || continue
	# Only the header's From: and the trailer lines that name the old identity change.
	OLD=$old NEW=$new perl -i -pe '
		BEGIN { $o = $ENV{OLD}; $n = $ENV{NEW} }
		s/^(From|Signed-off-by): \Q$o\E$/$1: $n/' "$p"
	n=$((n + 1))
done
printf '%s\n' "$new" >"$file"
say "$n patch(es) now say $new (was $old)"
