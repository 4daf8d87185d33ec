#!/usr/bin/env bash
# build/kcidb.json is KCIDB I/O data that the schema (v5.3, conf/kcidb.schema.json) accepts, and
# says what the runs did: a real build.sh build record (a passing and a failing build), real
# verdict.sh boots of the series and of pristine, make bench figures. The checkout's
# patchset_hash is the one the schema's own shell command gives; tests have dot paths and the
# statuses KCIDB defines (an expected failure is a FAIL marked expected); bench figures are
# numbers with units. A file the schema refuses is refused by the same check.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$HT_TOP/conf/pin.env"

# A Python with jsonschema (make deps installs Debian's python3-jsonschema).
py=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import jsonschema' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || { fail "no python3 with the jsonschema module (make deps installs python3-jsonschema)"; ht_exit; }

export PATCH_DIR=$HT_TMP/patches CCACHE=0
mkdir -p "$PATCH_DIR"
printf 'From: a\nSubject: [PATCH] one\n\ndiff --git a/x b/x\n' >"$PATCH_DIR/0001-one.patch"
printf 'From: b\nSubject: [PATCH] two\n\ndiff --git a/y b/y\n' >"$PATCH_DIR/0002-two.patch"

# flavour FLAVOUR MAKE_RECIPE: a tree whose bzImage target runs the recipe, configured.
flavour() {
	local d=$BUILD_DIR/$1
	mkdir -p "$d/linux-$LINUX_VERSION" "$d/obj"
	printf 'bzImage:\n\t%s\n' "$2" >"$d/linux-$LINUX_VERSION/Makefile"
	touch "$d/obj/.config"
	echo "tinyconfig+base.config" >"$d/obj/config.name"
}
# shellcheck disable=SC2016 # $(O) is make's
flavour patched 'mkdir -p $(O)/arch/x86/boot && touch $(O)/arch/x86/boot/bzImage'
for p in 0001-one.patch 0002-two.patch; do
	printf '%s %s\n' "$(sha256sum <"$PATCH_DIR/$p" | cut -c-64)" "$p"
done >"$BUILD_DIR/patched/applied"
flavour broken 'exit 1'
# shellcheck disable=SC2016 # $(O) is make's
flavour pristine 'mkdir -p $(O)/arch/x86/boot && touch $(O)/arch/x86/boot/bzImage'
expect_ok "build.sh builds the patched flavour" env FLAVOUR=patched "$HT_TOP/scripts/build.sh"
expect_fail "build.sh fails on the broken flavour" "kernel build of broken failed" \
	env FLAVOUR=broken "$HT_TOP/scripts/build.sh"
expect_ok "build.sh builds the pristine flavour" env FLAVOUR=pristine "$HT_TOP/scripts/build.sh"

# boot FLAVOUR KTAP_RESULT...: a finished boot's logs, judged by verdict.sh.
boot() {
	local f=$1 logs=$BUILD_DIR/$1/logs n=0 r
	shift
	mkdir -p "$logs"
	{ echo "KTAP version 1"; echo "1..$#"
	  for r in "$@"; do n=$((n + 1)); echo "# ${r#* }: exit 0 after $n.5s"; echo "${r/ok /ok $n }"; done
	  echo "# harness: done"; } >"$logs/ktap.log"
	echo '[    1.0] harness: init started' >"$logs/console.log"
	echo "qemu-system-x86_64 -machine pc -accel tcg -cpu max" >"$logs/qemu.cmd"
	FLAVOUR=$f "$HT_TOP/scripts/verdict.sh" >/dev/null 2>&1 || true
}
boot patched "ok devdax/gup-2m" "ok lifetime/reopen-2m" "not ok devdax/fork-1g # TIMEOUT 30 seconds"
boot pristine "ok devdax/gup-2m" "ok lifetime/reopen-2m # XFAIL the bug" "ok fsdax/x # SKIP needs a patch this kernel does not have"
mkdir -p "$BUILD_DIR/bench"
printf 'run\tflavour\tbenchmark\tmetric\tvalue\tunit\n' >"$BUILD_DIR/bench/results.tsv"
printf 'patched.1\tpatched\tbench/fault-2m\tfault\t%s\tns/fault\n' 90 80 100 >>"$BUILD_DIR/bench/results.tsv"
BUILD_DIR=$BUILD_DIR python3 "$HT_TOP/scripts/summary.py" --json

hash=$(cd "$PATCH_DIR" && sha256sum 0001-one.patch 0002-two.patch | cut -c-64 | sha256sum | cut -c-64)
if "$py" - "$BUILD_DIR/kcidb.json" "$HT_TOP/conf/kcidb.schema.json" "$hash" <<'P'
import json, sys
import jsonschema
data, schema, want_hash = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(data)]
assert not errors, errors
assert data["version"] == {"major": 5, "minor": 3}
co = {c["patchset_hash"]: c for c in data["checkouts"]}
assert sorted(co) == ["", want_hash], sorted(co)
assert co[want_hash]["misc"]["patches"] == ["0001-one.patch", "0002-two.patch"]
b = {x["misc"]["flavour"]: x for x in data["builds"]}
assert sorted(b) == ["broken", "patched", "pristine"], sorted(b)
assert b["patched"]["status"] == "PASS" and b["broken"]["status"] == "FAIL", b
assert b["patched"]["checkout_id"] == co[want_hash]["id"]
assert b["pristine"]["checkout_id"] == co[""]["id"]
assert b["patched"]["config_name"] == "tinyconfig+base.config" and b["patched"]["architecture"]
t = {(x["build_id"], x["path"]): x for x in data["tests"]}
def st(flavour, path):
    return t[(b[flavour]["id"], path)]
assert st("patched", "devdax.gup-2m")["status"] == "PASS"
assert st("patched", "devdax.gup-2m")["duration"] == 1.5
assert st("patched", "devdax.fork-1g")["status"] == "ERROR"
assert st("patched", "harness")["status"] == "FAIL"
assert st("pristine", "lifetime.reopen-2m")["status"] == "FAIL"
assert st("pristine", "lifetime.reopen-2m")["misc"]["expected"] == "fail"
assert st("pristine", "fsdax.x")["status"] == "SKIP"
assert st("pristine", "harness")["status"] == "PASS"
f = st("patched", "bench.fault-2m.fault")
assert f["status"] == "DONE" and f["number"] == {"value": 90.0, "unit": "ns/fault"}, f
assert st("patched", "devdax.gup-2m")["environment"]["misc"]["accel"] == "tcg"
# The same check refuses what the schema refuses.
bad = json.loads(json.dumps(data))
bad["tests"][0]["status"] = "XFAIL"
bad["tests"][1]["path"] = "devdax/gup-2m"
bad["checkouts"][0]["patchset_hash"] = "abc"
refused = {e.validator for e in v.iter_errors(bad)}
assert refused == {"enum", "pattern"}, refused
assert len(list(v.iter_errors(bad))) == 3
P
then
	pass "kcidb.json: valid KCIDB v5.3; patchset_hash, builds, test paths and statuses, bench numbers as expected; an XFAIL status, a slash path and a short hash refused"
else
	fail "kcidb.json:"
	head -c 3000 "$BUILD_DIR/kcidb.json" | sed 's/^/#   | /'
fi
ht_exit
