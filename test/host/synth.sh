# shellcheck shell=bash
# A synthetic kernel tree and series for the host tests of the posting tools (mbox, export):
# sourced after lib.sh, never run. Everything is small and lives under $HT_TMP.
#   synth_tree                  $BUILD_DIR/pristine/linux-<version>: a Makefile and three sources,
#                               with the source.stamp that git-am.sh reads
#   synth_series PATCH_DIR SERIES   five patches from conf/identity made by git format-patch
#                               (two fixes, the second declaring the first; three features), and
#                               a series with the postings "fixes" and "devmap" and "tests:"
#                               annotations naming tests of test/tests.list
# SYNTH_REPO is the git repository the patches came from (tag base = the tree).

# shellcheck disable=SC2034 # SYNTH_* are used by the tests
SYNTH_REPO=$HT_TMP/synth-repo
SYNTH_FIX1="mm/a: fix the first bug"
SYNTH_FIX2="mm/b: fix the second bug"

synth_git() {
	local id email
	id=$(cat "$HT_TOP/conf/identity")
	email=${id##*<}
	git -C "$SYNTH_REPO" -c user.name="${id% <*}" -c user.email="${email%>}" "$@"
}

synth_tree() {
	local t
	t=$BUILD_DIR/pristine/linux-$(. "$HT_TOP/conf/pin.env"; echo "$LINUX_VERSION")
	mkdir -p "$t/mm" "$t/drivers/dax"
	printf 'VERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 8\n' >"$t/Makefile"
	seq 1 40 | sed 's/^/int a_line_/; s/$/;/' >"$t/mm/a.c"
	seq 1 40 | sed 's/^/int b_line_/; s/$/;/' >"$t/mm/b.c"
	seq 1 40 | sed 's/^/int dax_line_/; s/$/;/' >"$t/drivers/dax/device.c"
	echo synthetic >"$BUILD_DIR/pristine/source.stamp"
}

# synth_commit FILE LINE SUBJECT [BODY_LINE...]: change line LINE of FILE and commit it.
synth_commit() {
	local f=$1 l=$2 s=$3 id
	shift 3
	id=$(cat "$HT_TOP/conf/identity")
	sed -i "${l}s|\$| /* changed by: $s */|" "$SYNTH_REPO/$f"
	synth_git add "$f"
	GIT_AUTHOR_DATE="2026-11-23T06:0$((l % 10)):00Z" GIT_COMMITTER_DATE="2026-11-23T06:00:00Z" \
		synth_git commit -q -F - <<-EOM
	$s

	$(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else echo "This changes $f for the host tests."; fi)

	Signed-off-by: $id
	EOM
}

synth_series() {
	local pdir=$1 series=$2 t
	t=$BUILD_DIR/pristine/linux-$(. "$HT_TOP/conf/pin.env"; echo "$LINUX_VERSION")
	rm -rf "$SYNTH_REPO"
	cp -a "$t" "$SYNTH_REPO"
	synth_git init -q
	synth_git add -A
	synth_git commit -q -m base
	synth_git tag base
	synth_commit mm/a.c 5 "$SYNTH_FIX1" "Fix the first bug." "" "Cc: stable@vger.kernel.org"
	synth_commit mm/b.c 7 "$SYNTH_FIX2" "Fix the second bug." "" \
		"Cc: stable@vger.kernel.org # needs: $SYNTH_FIX1"
	synth_commit mm/a.c 20 "mm: introduce pfn_t"
	synth_commit drivers/dax/device.c 3 "device-dax: map with pfn_t devmap entries"
	synth_commit drivers/dax/device.c 30 "device-dax: report why a fault is refused or falls back"
	rm -rf "$pdir"
	synth_git format-patch -q -N --zero-commit --no-renames --abbrev=9 -o "$pdir" base..HEAD
	local f
	mapfile -t f < <(cd "$pdir" && printf '%s\n' *.patch)
	cat >"$series" <<-EOL
	# A synthetic series.
	## posting fixes
	${f[0]}  # tests: devdax/fork-1g
	${f[1]}  # tests: devdax/vm-1g
	## posting devmap
	${f[2]}
	${f[3]}
	${f[4]}  # tests: devdax/diag-*
	EOL
}
